//! What grading found, independent of how it is written out. Every report
//! format (`formats`) is a function of a [`ClassReport`].

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// How an exercise ended: the vocabulary the learner's tool shares.
pub use xtask::status::Status;

/// Text from a submission made printable: the one rule, in `xtask::text`.
pub use xtask::text::printable;

/// The whole class, as graded in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassReport {
    /// Version of this JSON schema (see docs/grading.md).
    pub schema: u32,
    /// The exercises, in curriculum order, with what each is worth.
    pub exercises: Vec<ExerciseInfo>,
    /// One entry per submission, sorted by student name.
    pub students: Vec<StudentReport>,
    /// The protections that were active while submissions ran, e.g.
    /// "network cut off (unshare -n)", "writes confined (Landlock)".
    pub protections: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseInfo {
    pub name: String,
    pub title: String,
    pub points: f64,
    /// The pristine tests, in the order of the test file, each with its
    /// body as written there. Empty in a report from before it was kept.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tests: Vec<TestSource>,
}

/// One pristine test as its file has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestSource {
    /// The test function's name: `takes_turns`. A `#[barista::test]` runs
    /// as several tests below it (`takes_turns::workers_2`).
    pub name: String,
    /// The function's body as written, without its braces, dedented.
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudentReport {
    /// The submission folder's name.
    pub student: String,
    pub score: f64,
    pub max_score: f64,
    /// One per exercise, in curriculum order.
    pub exercises: Vec<ExerciseResult>,
    /// Files in the submission that grading ignored because the pristine
    /// copy's are used instead (manifests, build scripts, tests, ...).
    pub ignored: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseResult {
    pub name: String,
    pub status: Status,
    pub score: f64,
    pub max_score: f64,
    /// The pristine tests of this exercise and whether each passed.
    pub tests: Vec<TestResult>,
    /// What went wrong, for a person: the first failure, the compiler's
    /// errors, or the reason; capped in length. Empty when passed.
    pub message: String,
    /// How long the exercise's test process ran, in seconds; absent when
    /// it did not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestResult {
    pub name: String,
    pub passed: bool,
    /// One of the instructor's hidden tests (`grade --tests DIR`): shown to
    /// students as such, without its name or message.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
    /// This test's own failure, as the test run reported it; empty when it
    /// passed, when it did not get to report (the exercise's message says
    /// why), and for hidden tests.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
    /// How long the test ran, in seconds, as its verdict reported; absent
    /// when it did not finish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
}

impl TestResult {
    /// How hidden tests are named in reports: `hidden test 1`, ...
    pub const HIDDEN: &'static str = "hidden test";
}

impl ClassReport {
    pub const SCHEMA: u32 = 1;

    /// Points available per student.
    #[must_use]
    pub fn max_score(&self) -> f64 {
        self.exercises.iter().map(|e| e.points).sum()
    }
}

impl ExerciseInfo {
    /// The exercise as the reports name it, with its pristine tests read
    /// from `curriculum/tests/NAME.rs`.
    ///
    /// # Errors
    ///
    /// When the test file cannot be read or is not Rust.
    pub fn of(
        curriculum: &xtask::curriculum::Curriculum,
        exercise: &xtask::curriculum::Exercise,
    ) -> Result<ExerciseInfo> {
        let path = curriculum.tests(exercise);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let tests = test_sources(&text).with_context(|| format!("parsing {}", path.display()))?;
        Ok(ExerciseInfo {
            name: exercise.name.clone(),
            title: exercise.title.clone(),
            points: f64::from(exercise.points),
            tests,
        })
    }
}

/// The tests of a test file in its order: every function marked `#[test]`
/// or `#[barista::test]`, in modules too, with its body as written.
///
/// # Errors
///
/// When `text` is not a Rust file.
pub fn test_sources(text: &str) -> syn::Result<Vec<TestSource>> {
    use syn::visit::Visit;

    struct Tests<'t> {
        text: &'t str,
        found: Vec<TestSource>,
    }
    impl<'ast> Visit<'ast> for Tests<'_> {
        fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
            let is_test = item.attrs.iter().any(|attr| {
                let path = attr.path();
                path.is_ident("test")
                    || (path.segments.len() == 2
                        && path.segments[0].ident == "barista"
                        && path.segments[1].ident == "test")
            });
            if is_test {
                let braces = item.block.brace_token.span;
                let body =
                    &self.text[braces.open().byte_range().end..braces.close().byte_range().start];
                self.found.push(TestSource {
                    name: item.sig.ident.to_string(),
                    code: dedent(body),
                });
            }
            syn::visit::visit_item_fn(self, item);
        }
    }
    let file = syn::parse_file(text)?;
    let mut tests = Tests {
        text,
        found: Vec::new(),
    };
    tests.visit_file(&file);
    Ok(tests.found)
}

/// A body's lines without the blank ones around it and without the
/// indentation they all share.
fn dedent(body: &str) -> String {
    let lines: Vec<&str> = body.lines().collect();
    let start = lines.iter().position(|l| !l.trim().is_empty());
    let end = lines.iter().rposition(|l| !l.trim().is_empty());
    let (Some(start), Some(end)) = (start, end) else {
        return String::new();
    };
    let lines = &lines[start..=end];
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    lines
        .iter()
        .map(|l| l.get(indent..).unwrap_or("").trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a test binary's tests reported on the grader's descriptor (see
/// `xtask/instructor/harness/verdict.rs`): `passed NAME` for each that ran
/// to its end, and `seconds NAME S` for each that finished, passed or not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Verdicts {
    passed: BTreeSet<String>,
    seconds: BTreeMap<String, f64>,
}

impl Verdicts {
    #[must_use]
    pub fn read(text: &str) -> Verdicts {
        let mut verdicts = Verdicts::default();
        for line in text.lines() {
            if let Some(name) = line.strip_prefix("passed ") {
                verdicts.passed.insert(name.to_string());
            } else if let Some((name, seconds)) = line
                .strip_prefix("seconds ")
                .and_then(|rest| rest.rsplit_once(' '))
            {
                if let Ok(seconds) = seconds.parse::<f64>() {
                    verdicts.seconds.insert(name.to_string(), seconds);
                }
            }
        }
        verdicts
    }

    /// Whether the test `name` (`judged::EXERCISE::TEST`) passed.
    #[must_use]
    pub fn contains(&self, name: &str) -> bool {
        self.passed.contains(name)
    }

    /// How long the test `name` ran, when it finished.
    #[must_use]
    pub fn seconds(&self, name: &str) -> Option<f64> {
        self.seconds.get(name).copied()
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small class for format tests: two exercises, three students. Each
    //! result lists its tests as the grader does, in libtest's (sorted)
    //! order; the exercises list them in the order of their test files.
    use super::*;

    /// The report of `ex02_parallel`'s failing test, as libtest gives it.
    pub const DEADLOCK_FAILURE: &str = "thread 'ex02_parallel::one_worker_deadlocks' (2) panicked at curriculum/tests/ex02_parallel.rs:120:9:\non one worker this run should deadlock, but it finished & \"quoted\" <b>";

    fn source(name: &str, code: &str) -> TestSource {
        TestSource {
            name: name.into(),
            code: code.into(),
        }
    }

    /// `(name, passed, own message, seconds)` of one test.
    type Test<'a> = (&'a str, bool, &'a str, Option<f64>);

    fn result(
        name: &str,
        status: Status,
        (score, max): (f64, f64),
        tests: &[Test],
        message: &str,
        seconds: Option<f64>,
    ) -> ExerciseResult {
        ExerciseResult {
            name: name.into(),
            status,
            score,
            max_score: max,
            tests: tests
                .iter()
                .map(|&(name, passed, message, seconds)| TestResult {
                    name: name.into(),
                    passed,
                    hidden: false,
                    message: message.into(),
                    seconds,
                })
                .collect(),
            message: message.into(),
            seconds,
        }
    }

    pub fn class() -> ClassReport {
        let exercises = vec![
            ExerciseInfo {
                name: "ex01_interleaved".into(),
                title: "Interleaved on one worker".into(),
                points: 5.0,
                tests: vec![source("takes_turns", "let steps = two_baristas().await;\nassert_eq!(steps, [\"A\", \"B\", \"A\"]);")],
            },
            ExerciseInfo {
                name: "ex02_parallel".into(),
                title: "Parallel on two workers".into(),
                points: 10.0,
                tests: vec![
                    source("two_workers", "let run = barista::run(common::config(2), two_baristas());\nassert!(run.is_ok());"),
                    source("one_worker_deadlocks", "match barista::run(common::config(1), two_baristas()) {\n    Err(_) => {}\n    Ok(_) => panic!(\"on one worker this run should deadlock\"),\n}"),
                ],
            },
        ];
        let passed = |name| (name, true, "", Some(0.25));
        ClassReport {
            schema: ClassReport::SCHEMA,
            exercises,
            students: vec![
                StudentReport {
                    student: "ada".into(),
                    score: 15.0,
                    max_score: 15.0,
                    exercises: vec![
                        result("ex01_interleaved", Status::Passed, (5.0, 5.0), &[passed("takes_turns")], "", Some(0.5)),
                        result("ex02_parallel", Status::Passed, (10.0, 10.0), &[passed("one_worker_deadlocks"), passed("two_workers")], "", Some(1.5)),
                    ],
                    ignored: vec![],
                },
                StudentReport {
                    student: "bob <script>".into(),
                    score: 5.0,
                    max_score: 15.0,
                    exercises: vec![
                        result("ex01_interleaved", Status::Passed, (5.0, 5.0), &[passed("takes_turns")], "", Some(0.5)),
                        result("ex02_parallel", Status::Failed, (5.0, 10.0), &[("one_worker_deadlocks", false, DEADLOCK_FAILURE, Some(0.75)), passed("two_workers")], "on one worker this run should deadlock, but it finished & \"quoted\" <b>", Some(1.25)),
                    ],
                    ignored: vec!["exercises/Cargo.toml".into(), "exercises/build.rs".into()],
                },
                StudentReport {
                    student: "cy".into(),
                    score: 0.0,
                    max_score: 15.0,
                    exercises: vec![
                        result("ex01_interleaved", Status::CompileError, (0.0, 5.0), &[("takes_turns", false, "", None)], "error[E0308]: mismatched types", None),
                        result("ex02_parallel", Status::TimedOut, (0.0, 10.0), &[("one_worker_deadlocks", false, "", None), ("two_workers", false, "", None)], "did not finish in 10 s: likely a deadlock or a task that never yields", Some(10.0)),
                    ],
                    ignored: vec![],
                },
            ],
            protections: vec!["network cut off (unshare -n)".into(), "writes confined to the scratch folder (Landlock)".into()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_a_student_wrote_acts_on_a_terminal() {
        let hostile = "ctl\x1b[31mred\x1b[0m\rrow\u{202e}gnp.exe\u{7f}\u{9b}2J\u{fffe}";
        let shown = printable(hostile, false);
        assert_eq!(
            shown,
            "ctl\\u{1b}[31mred\\u{1b}[0m\\u{d}row\\u{202e}gnp.exe\\u{7f}\\u{9b}2J\\u{fffe}"
        );
        assert!(!shown.chars().any(|c| c.is_control()), "{shown:?}");
        // A name keeps its table row; a message keeps its lines.
        assert_eq!(
            printable("two\nlines\tand", false),
            "two\\u{a}lines\\u{9}and"
        );
        assert_eq!(printable("two\nlines\tand", true), "two\nlines\tand");
        assert_eq!(printable("Zoë 王", false), "Zoë 王");
    }

    #[test]
    fn tests_are_read_in_file_order_with_their_bodies() {
        let text = "\
#[macro_use]
mod common;
exercise!(ex99_demo);

fn helper() -> u32 { 1 }

#[test]
fn zebra_first() {
    let x = helper();

    assert_eq!(x, 1);
}

#[barista::test(workers = [1, 2])]
async fn apple_second() {
    if true {
        let _ = 1;
    }
}

mod inner {
    #[test]
    fn nested() { assert!(true) }
}
";
        let tests = test_sources(text).unwrap();
        let names: Vec<&str> = tests.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["zebra_first", "apple_second", "nested"]);
        assert_eq!(tests[0].code, "let x = helper();\n\nassert_eq!(x, 1);");
        assert_eq!(tests[1].code, "if true {\n    let _ = 1;\n}");
        assert_eq!(tests[2].code, "assert!(true)");
        assert!(test_sources("fn broken(").is_err());
    }

    #[test]
    fn the_curriculums_tests_are_all_found() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let curriculum = xtask::curriculum::Curriculum::load(&root).unwrap();
        for exercise in &curriculum.exercises {
            let info = ExerciseInfo::of(&curriculum, exercise).unwrap();
            assert!(!info.tests.is_empty(), "{}", exercise.name);
            assert!(
                info.tests.iter().all(|t| !t.code.is_empty()),
                "{}",
                exercise.name
            );
        }
    }

    #[test]
    fn verdicts_are_read_by_name() {
        let verdicts = Verdicts::read(
            "seconds judged::ex01::a 0.5\npassed judged::ex01::a\nseconds judged::ex01::b 1.25\npassed\nseconds x y\n",
        );
        assert!(verdicts.contains("judged::ex01::a"));
        assert!(!verdicts.contains("judged::ex01::b"), "b finished, failed");
        assert_eq!(verdicts.seconds("judged::ex01::a"), Some(0.5));
        assert_eq!(verdicts.seconds("judged::ex01::b"), Some(1.25));
        assert_eq!(verdicts.seconds("judged::ex01::c"), None);
    }
}
