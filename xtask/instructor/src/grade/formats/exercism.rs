//! Exercism's test-runner interface, version 2: one `results.json` per
//! submission, one entry per pristine test, named `exercise::test`, in the
//! order of the test files (the spec: "in the order they are specified in
//! the tests file"; libtest's own order is alphabetical), each with its
//! own message and, as `test_code`, its body as the test file has it.
//!
//! Per test, `fail` means the test ran and failed, `error` that it could not
//! run or finish (the exercise did not compile, was missing or rejected,
//! timed out or crashed). At the top, `error` is kept for "no test ran at
//! all", as the spec asks, and then `message` says why.

use anyhow::Result;
use serde::Serialize;

use super::view::{ResultView, StudentView, TestView};
use super::{json_file, ClassView, Rendered};
use crate::grade::model::Status;
use xtask::text::{self, Keep};

/// The spec's limit on the top-level message, in bytes.
const MESSAGE_LIMIT: usize = 65535;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    /// Always 2: the runner reports individual tests.
    pub version: u32,
    pub status: &'static str,
    /// Why no test ran; only with `error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub tests: Vec<TestEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TestEntry {
    /// `exercise::test`, e.g. `ex01_interleaved::takes_turns`.
    pub name: String,
    pub status: &'static str,
    /// Why the test failed or errored; absent when it passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The test function's body, as written in the test file.
    pub test_code: String,
}

/// Exercism's three words for how a test ended: the one place they are
/// chosen.
fn word(status: Status) -> &'static str {
    match status {
        Status::Passed => "pass",
        Status::Failed => "fail",
        _ => "error",
    }
}

pub fn render(view: &ClassView) -> Result<Rendered> {
    let files = view
        .students
        .iter()
        .map(|student| json_file(&results(student)))
        .collect::<Result<_>>()?;
    Ok(Rendered::PerStudent(files))
}

/// The `results.json` of one submission, exercises in curriculum order.
pub fn results(student: &StudentView) -> Results {
    let graded: Vec<&ResultView> = student.results.iter().flatten().collect();
    let tests: Vec<TestEntry> = graded
        .iter()
        .flat_map(|r| r.tests.iter().map(move |t| entry(r, t)))
        .collect();
    let status = overall(&tests);
    let message = (status == "error").then(|| error_message(&graded));
    Results {
        version: 2,
        status,
        message,
        tests,
    }
}

/// `pass` when every test passed, `error` when none could run (or there
/// were none), `fail` otherwise.
fn overall(tests: &[TestEntry]) -> &'static str {
    if tests.iter().all(|t| t.status == "error") {
        "error"
    } else if tests.iter().all(|t| t.status == "pass") {
        "pass"
    } else {
        "fail"
    }
}

fn entry(result: &ResultView, test: &TestView) -> TestEntry {
    let exercise = &result.result.name;
    let message = match test.status {
        Status::Passed => None,
        Status::Failed => Some(result.why(test)),
        status => {
            let head = format!("{exercise}: {}", status.label());
            let why = result.why(test);
            Some(if why == status.label() {
                head
            } else {
                format!("{head}\n{why}")
            })
        }
    };
    TestEntry {
        name: if test.name == exercise.as_str() {
            exercise.clone()
        } else {
            format!("{exercise}::{}", test.name)
        },
        status: word(test.status),
        message,
        test_code: test_code(exercise, test),
    }
}

/// The top-level message when no test ran: each exercise's problem.
fn error_message(graded: &[&ResultView]) -> String {
    let problems: Vec<String> = graded
        .iter()
        .filter(|r| r.result.status != Status::Passed)
        .map(|r| {
            let mut text = format!("{}: {}", r.result.name, r.result.status.label());
            if !r.message.is_empty() {
                text.push('\n');
                text.push_str(&r.message);
            }
            text
        })
        .collect();
    if problems.is_empty() {
        return "no tests were run: no exercise was graded".to_string();
    }
    text::cap(&problems.join("\n\n"), Keep::Bytes(MESSAGE_LIMIT)).into_owned()
}

/// The test's body from its file; a hidden test's is never shown, and an
/// exercise reported as a single entry (it has no tests listed) points at
/// its whole test file.
fn test_code(exercise: &str, test: &TestView) -> String {
    match test.code {
        Some(code) => code.to_string(),
        None if test.hidden => "// one of the instructor's hidden tests".to_string(),
        None => format!("// the tests in curriculum/tests/{exercise}.rs"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::grade::formats::{render as render_format, Format};
    use crate::grade::model::{fixture, ClassReport};

    /// Student `student`'s `results.json`, read back as Exercism reads it.
    fn results(class: &ClassReport, student: usize) -> Value {
        let view = ClassView::new(class);
        let Rendered::PerStudent(files) = render_format(Format::Exercism, &view).unwrap() else {
            panic!("per student");
        };
        assert!(
            files[student].ends_with("}\n"),
            "a text file ends with a newline"
        );
        let value = serde_json::from_str(&files[student]).unwrap();
        assert_valid(&value, class);
        value
    }

    fn names(results: &Value) -> Vec<&str> {
        results["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect()
    }

    /// The interface's rules, checked on the JSON as Exercism reads it:
    /// the top status follows the tests', a message exactly for `error`,
    /// each test in the order of its test file, a message for each test not
    /// passed and a `test_code`.
    fn assert_valid(results: &Value, class: &ClassReport) {
        let top = results.as_object().unwrap();
        assert_eq!(top["version"], 2);
        let status = top["status"].as_str().unwrap();
        assert_eq!(
            status == "error",
            top.get("message").is_some_and(Value::is_string),
            "message only for error"
        );
        let tests = top["tests"].as_array().unwrap();
        let statuses: Vec<&str> = tests
            .iter()
            .map(|t| t["status"].as_str().unwrap())
            .collect();
        let expected = if !statuses.is_empty() && statuses.iter().all(|s| *s == "pass") {
            "pass"
        } else if statuses.iter().all(|s| *s == "error") {
            "error"
        } else {
            "fail"
        };
        assert_eq!(status, expected, "{statuses:?}");
        // The order of the test files: each exercise's tests as its file
        // lists them.
        let mut last: Option<(usize, usize)> = None;
        for test in tests {
            let test = test.as_object().unwrap();
            assert!(test["name"].is_string() && test["test_code"].is_string());
            assert!(["pass", "fail", "error"].contains(&test["status"].as_str().unwrap()));
            assert_eq!(
                test["status"] != "pass",
                test.get("message").is_some_and(Value::is_string),
                "message for fail/error only"
            );
            let name = test["name"].as_str().unwrap();
            let (exercise, function) = name.split_once("::").unwrap_or((name, ""));
            let e = class
                .exercises
                .iter()
                .position(|e| e.name == exercise)
                .unwrap();
            if let Some(t) = class.exercises[e]
                .tests
                .iter()
                .position(|t| t.name == function)
            {
                assert_eq!(test["test_code"], class.exercises[e].tests[t].code.as_str());
                assert!(last < Some((e, t)), "{name} out of the file's order");
                last = Some((e, t));
            }
        }
    }

    #[test]
    fn every_student_gives_valid_results() {
        let class = fixture::class();
        for i in 0..class.students.len() {
            results(&class, i);
        }
    }

    #[test]
    fn all_passed_is_pass_in_the_test_files_order() {
        let ada = results(&fixture::class(), 0);
        assert_eq!(ada["status"], "pass");
        assert_eq!(
            names(&ada),
            [
                "ex01_interleaved::takes_turns",
                "ex02_parallel::two_workers",
                "ex02_parallel::one_worker_deadlocks"
            ]
        );
        assert_eq!(
            ada["tests"][0]["test_code"],
            "let steps = two_baristas().await;\nassert_eq!(steps, [\"A\", \"B\", \"A\"]);"
        );
    }

    #[test]
    fn a_failed_test_fails_with_its_own_message() {
        let bob = results(&fixture::class(), 1);
        assert_eq!(bob["status"], "fail");
        let failed = &bob["tests"][2];
        assert_eq!(failed["name"], "ex02_parallel::one_worker_deadlocks");
        assert_eq!(failed["status"], "fail");
        assert_eq!(failed["message"], fixture::DEADLOCK_FAILURE);
        assert_eq!(bob["tests"][1]["status"], "pass");
    }

    #[test]
    fn two_failed_tests_each_carry_their_own() {
        let mut class = fixture::class();
        let result = &mut class.students[1].exercises[1];
        result.tests[1].passed = false;
        result.tests[1].message = "only one barista ran".into();
        let bob = results(&class, 1);
        assert_eq!(bob["tests"][1]["message"], "only one barista ran");
        assert_eq!(bob["tests"][2]["message"], fixture::DEADLOCK_FAILURE);
    }

    #[test]
    fn nothing_ran_is_an_error_with_the_reasons() {
        let cy = results(&fixture::class(), 2);
        assert_eq!(cy["status"], "error");
        let message = cy["message"].as_str().unwrap();
        assert!(
            message.contains("ex01_interleaved: compile error\nerror[E0308]: mismatched types"),
            "{message}"
        );
        assert!(
            message.contains("ex02_parallel: timed out\ndid not finish in 10 s"),
            "{message}"
        );
        for test in cy["tests"].as_array().unwrap() {
            assert_eq!(test["status"], "error");
        }
    }

    #[test]
    fn every_file_broken_is_an_error() {
        let mut class = fixture::class();
        for result in &mut class.students[0].exercises {
            result.status = Status::CompileError;
            result.score = 0.0;
            result.message = format!("error: {} does not compile", result.name);
            for test in &mut result.tests {
                test.passed = false;
            }
        }
        let ada = results(&class, 0);
        assert_eq!(ada["status"], "error");
        assert!(ada["message"].as_str().unwrap().starts_with(
            "ex01_interleaved: compile error\nerror: ex01_interleaved does not compile"
        ));
    }

    #[test]
    fn some_errors_beside_a_pass_is_a_fail() {
        let mut class = fixture::class();
        let ex02 = &mut class.students[2].exercises[1];
        // two_workers passed before the time-out.
        ex02.tests
            .iter_mut()
            .find(|t| t.name == "two_workers")
            .unwrap()
            .passed = true;
        let cy = results(&class, 2);
        assert_eq!(cy["status"], "fail");
        assert_eq!(cy["tests"][1]["status"], "pass");
        assert_eq!(cy["tests"][2]["status"], "error");
        assert!(cy.get("message").is_none());
    }

    #[test]
    fn an_exercise_without_tests_is_one_entry() {
        let mut class = fixture::class();
        let missing = &mut class.students[2].exercises[0];
        missing.status = Status::Missing;
        missing.tests.clear();
        missing.message = "no ex01_interleaved.rs in the submission".into();
        let cy = results(&class, 2);
        assert_eq!(cy["tests"][0]["name"], "ex01_interleaved");
        assert_eq!(
            cy["tests"][0]["message"],
            "ex01_interleaved: missing\nno ex01_interleaved.rs in the submission"
        );
        assert_eq!(
            cy["tests"][0]["test_code"],
            "// the tests in curriculum/tests/ex01_interleaved.rs"
        );
    }

    #[test]
    fn a_hidden_tests_code_is_never_shown() {
        let mut class = fixture::class();
        let result = &mut class.students[1].exercises[1];
        result.tests.push(crate::grade::model::TestResult {
            name: "hidden test 1".into(),
            passed: false,
            hidden: true,
            message: String::new(),
            seconds: None,
        });
        let bob = results(&class, 1);
        let hidden = &bob["tests"][3];
        assert_eq!(hidden["name"], "ex02_parallel::hidden test 1");
        assert_eq!(
            hidden["test_code"],
            "// one of the instructor's hidden tests"
        );
        assert_eq!(
            hidden["message"],
            "one of the instructor's hidden tests did not pass"
        );
    }

    #[test]
    fn no_exercises_is_an_error() {
        let mut class = fixture::class();
        class.exercises.clear();
        let ada = results(&class, 0);
        assert_eq!(ada["status"], "error");
        assert_eq!(ada["message"], "no tests were run: no exercise was graded");
    }

    #[test]
    fn the_top_message_is_capped() {
        let mut class = fixture::class();
        for r in &mut class.students[2].exercises {
            r.message = "é".repeat(40_000);
        }
        let cy = results(&class, 2);
        let message = cy["message"].as_str().unwrap();
        assert!(message.len() <= MESSAGE_LIMIT);
        assert!(message.ends_with("more bytes]"), "the cut is said");
    }
}
