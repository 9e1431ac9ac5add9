//! What grading found, independent of how it is written out. Every report
//! format (`formats`) is a function of a [`ClassReport`].

use serde::{Deserialize, Serialize};

/// Text from a submission (its folder's name, what its tests printed) as
/// every report may show it: control characters (ESC, which would colour
/// or move the instructor's terminal; CR; C1 codes; DEL) and the
/// invisible reordering marks are written out as `\u{..}`, so that nothing
/// a student wrote acts on the terminal or the file it lands in. With
/// `lines`, newlines and tabs stay (a message); without, they are escaped
/// too (a name keeps its table row).
pub fn printable(text: &str, lines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let keep = lines && (c == '\n' || c == '\t');
        let reorders = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        if !keep && (c.is_control() || reorders) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every test passed.
    Passed,
    /// Some tests failed (partial credit per test).
    Failed,
    /// The exercise file did not compile.
    CompileError,
    /// The tests ran past the time limit (deadlock, endless loop).
    TimedOut,
    /// The test process died: stack overflow, out of memory, killed, or it
    /// exited before the harness reported.
    Crashed,
    /// The submission has no file for this exercise.
    Missing,
    /// The file was refused before building (e.g. it shadows `assert!`).
    Rejected,
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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestResult {
    pub name: String,
    pub passed: bool,
    /// One of the instructor's hidden tests (`grade --tests DIR`): shown to
    /// students as such, without its name or message.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
}

impl TestResult {
    /// How hidden tests are named in reports: `hidden test 1`, ...
    pub const HIDDEN: &'static str = "hidden test";
}

impl ClassReport {
    pub const SCHEMA: u32 = 1;

    /// Points available per student.
    pub fn max_score(&self) -> f64 {
        self.exercises.iter().map(|e| e.points).sum()
    }
}

impl Status {
    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::CompileError => "compile error",
            Status::TimedOut => "timed out",
            Status::Crashed => "crashed",
            Status::Missing => "missing",
            Status::Rejected => "rejected",
        }
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small class for format tests: two exercises, three students.
    use super::*;

    pub fn class() -> ClassReport {
        let exercises = vec![
            ExerciseInfo {
                name: "ex01_interleaved".into(),
                title: "Interleaved on one worker".into(),
                points: 5.0,
            },
            ExerciseInfo {
                name: "ex02_parallel".into(),
                title: "Parallel on two workers".into(),
                points: 10.0,
            },
        ];
        let result = |name: &str, status, score, max, tests: &[(&str, bool)], message: &str| {
            ExerciseResult {
                name: name.into(),
                status,
                score,
                max_score: max,
                tests: tests
                    .iter()
                    .map(|(n, p)| TestResult {
                        name: (*n).into(),
                        passed: *p,
                        hidden: false,
                    })
                    .collect(),
                message: message.into(),
            }
        };
        ClassReport {
            schema: ClassReport::SCHEMA,
            exercises,
            students: vec![
                StudentReport {
                    student: "ada".into(),
                    score: 15.0,
                    max_score: 15.0,
                    exercises: vec![
                        result("ex01_interleaved", Status::Passed, 5.0, 5.0, &[("takes_turns", true)], ""),
                        result("ex02_parallel", Status::Passed, 10.0, 10.0, &[("two_workers", true), ("one_worker_deadlocks", true)], ""),
                    ],
                    ignored: vec![],
                },
                StudentReport {
                    student: "bob <script>".into(),
                    score: 5.0,
                    max_score: 15.0,
                    exercises: vec![
                        result("ex01_interleaved", Status::Passed, 5.0, 5.0, &[("takes_turns", true)], ""),
                        result("ex02_parallel", Status::Failed, 5.0, 10.0, &[("two_workers", true), ("one_worker_deadlocks", false)], "on one worker this run should deadlock, but it finished & \"quoted\" <b>"),
                    ],
                    ignored: vec!["exercises/Cargo.toml".into(), "exercises/build.rs".into()],
                },
                StudentReport {
                    student: "cy".into(),
                    score: 0.0,
                    max_score: 15.0,
                    exercises: vec![
                        result("ex01_interleaved", Status::CompileError, 0.0, 5.0, &[("takes_turns", false)], "error[E0308]: mismatched types"),
                        result("ex02_parallel", Status::TimedOut, 0.0, 10.0, &[("two_workers", false), ("one_worker_deadlocks", false)], "did not finish in 10 s: likely a deadlock or a task that never yields"),
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
    use super::printable;

    #[test]
    fn nothing_a_student_wrote_acts_on_a_terminal() {
        let hostile = "ctl\x1b[31mred\x1b[0m\rrow\u{202e}gnp.exe\u{7f}\u{9b}2J";
        let shown = printable(hostile, false);
        assert_eq!(
            shown,
            "ctl\\u{1b}[31mred\\u{1b}[0m\\u{d}row\\u{202e}gnp.exe\\u{7f}\\u{9b}2J"
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
}
