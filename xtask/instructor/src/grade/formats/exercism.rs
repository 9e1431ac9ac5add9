//! Exercism's test-runner interface, version 2: one `results.json` per
//! submission, one entry per pristine test, named `exercise::test`.
//!
//! Per test, `fail` means the test ran and failed, `error` that it could not
//! run or finish (the exercise did not compile, was missing or rejected,
//! timed out or crashed). At the top, `error` is kept for "no test ran at
//! all", as the spec asks, and then `message` says why.

use serde::{Deserialize, Serialize};

use super::{cap_bytes, result_for, test_outcomes, Outcome};
use crate::grade::model::{ExerciseInfo, ExerciseResult, Status, StudentReport};

/// The spec's limit on the top-level message, in bytes.
const MESSAGE_LIMIT: usize = 65535;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// Always 2: the runner reports individual tests.
    pub version: u32,
    pub status: RunStatus,
    /// Why no test ran; only with [`RunStatus::Error`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    pub tests: Vec<TestEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestEntry {
    /// `exercise::test`, e.g. `ex01_interleaved::takes_turns`.
    pub name: String,
    pub status: RunStatus,
    /// Why the test failed or errored; absent when it passed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Where the test's code is: the report does not carry the code itself.
    pub test_code: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    Pass,
    Fail,
    Error,
}

/// The `results.json` of one submission, tests in curriculum order.
pub fn render_student(exercises: &[ExerciseInfo], student: &StudentReport) -> Results {
    let graded: Vec<&ExerciseResult> = exercises
        .iter()
        .filter_map(|info| result_for(student, info))
        .collect();
    let tests: Vec<TestEntry> = graded.iter().flat_map(|r| entries(r)).collect();
    let status = overall(&tests);
    let message = (status == RunStatus::Error).then(|| error_message(&graded));
    Results {
        version: 2,
        status,
        message,
        tests,
    }
}

/// `pass` when every test passed, `error` when none could run (or there
/// were none), `fail` otherwise.
fn overall(tests: &[TestEntry]) -> RunStatus {
    if tests.iter().all(|t| t.status == RunStatus::Error) {
        RunStatus::Error
    } else if tests.iter().all(|t| t.status == RunStatus::Pass) {
        RunStatus::Pass
    } else {
        RunStatus::Fail
    }
}

fn entries(result: &ExerciseResult) -> Vec<TestEntry> {
    let outcomes = test_outcomes(result);
    let failing = outcomes.iter().filter(|(_, o)| *o == Outcome::Fail).count();
    outcomes
        .into_iter()
        .map(|(test, outcome)| {
            let (status, message) = match outcome {
                Outcome::Pass => (RunStatus::Pass, None),
                Outcome::Fail => (RunStatus::Fail, Some(fail_message(result, failing))),
                Outcome::Error => (RunStatus::Error, Some(exercise_problem(result))),
            };
            let name = if test == result.name {
                test.to_string()
            } else {
                format!("{}::{test}", result.name)
            };
            TestEntry {
                name,
                status,
                message,
                test_code: test_code(&result.name, test),
            }
        })
        .collect()
}

/// The grader keeps one message per exercise (its first failure), so when
/// several tests failed, say that the message is about one of them.
fn fail_message(result: &ExerciseResult, failing: usize) -> String {
    match (result.message.is_empty(), failing) {
        (true, _) => "this test failed".to_string(),
        (false, 1) => result.message.clone(),
        (false, n) => format!(
            "{n} tests of {} failed; the first failure:\n{}",
            result.name, result.message
        ),
    }
}

/// Why an exercise's tests could not run or finish, e.g. "ex01_interleaved:
/// compile error" and the compiler's errors.
fn exercise_problem(result: &ExerciseResult) -> String {
    let mut text = format!("{}: {}", result.name, result.status.label());
    if !result.message.is_empty() {
        text.push('\n');
        text.push_str(&result.message);
    }
    text
}

/// The top-level message when no test ran: each exercise's problem.
fn error_message(graded: &[&ExerciseResult]) -> String {
    let problems: Vec<String> = graded
        .iter()
        .filter(|r| r.status != Status::Passed)
        .map(|r| exercise_problem(r))
        .collect();
    if problems.is_empty() {
        return "no tests were run: no exercise was graded".to_string();
    }
    cap_bytes(&problems.join("\n\n"), MESSAGE_LIMIT).to_string()
}

/// Points at the pristine test; an exercise reported as a single entry
/// (it has no tests listed) points at its whole test file.
fn test_code(exercise: &str, test: &str) -> String {
    if test.starts_with(crate::grade::model::TestResult::HIDDEN) {
        "// one of the instructor's hidden tests".to_string()
    } else if test == exercise {
        format!("// the tests in curriculum/tests/{exercise}.rs")
    } else {
        format!("// #[test] fn {test} in curriculum/tests/{exercise}.rs")
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::grade::model::{fixture, ClassReport};

    fn results(class: &ClassReport, student: usize) -> Value {
        serde_json::to_value(render_student(&class.exercises, &class.students[student])).unwrap()
    }

    /// The interface's rules, checked on the JSON as Exercism reads it.
    fn assert_valid(results: &Value) {
        let top = results.as_object().unwrap();
        assert_eq!(top["version"], 2);
        let status = top["status"].as_str().unwrap();
        assert!(["pass", "fail", "error"].contains(&status));
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
        for test in tests {
            let test = test.as_object().unwrap();
            assert!(test["name"].is_string() && test["test_code"].is_string());
            let passed = test["status"] == "pass";
            assert!(["pass", "fail", "error"].contains(&test["status"].as_str().unwrap()));
            assert_eq!(
                !passed,
                test.get("message").is_some_and(Value::is_string),
                "message for fail/error only"
            );
        }
    }

    #[test]
    fn every_student_gives_valid_results() {
        let class = fixture::class();
        for i in 0..class.students.len() {
            assert_valid(&results(&class, i));
        }
    }

    #[test]
    fn all_passed_is_pass() {
        let ada = results(&fixture::class(), 0);
        assert_eq!(ada["status"], "pass");
        let names: Vec<&str> = ada["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "ex01_interleaved::takes_turns",
                "ex02_parallel::two_workers",
                "ex02_parallel::one_worker_deadlocks"
            ]
        );
        assert_eq!(
            ada["tests"][0]["test_code"],
            "// #[test] fn takes_turns in curriculum/tests/ex01_interleaved.rs"
        );
    }

    #[test]
    fn a_failed_test_fails_with_the_message() {
        let bob = results(&fixture::class(), 1);
        assert_eq!(bob["status"], "fail");
        let failed = &bob["tests"][2];
        assert_eq!(failed["status"], "fail");
        assert!(failed["message"]
            .as_str()
            .unwrap()
            .contains("it finished & \"quoted\" <b>"));
        assert_eq!(bob["tests"][1]["status"], "pass");
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
    fn some_errors_beside_a_pass_is_a_fail() {
        let mut class = fixture::class();
        class.students[2].exercises[1].tests[0].passed = true; // passed before the time-out
        let cy = results(&class, 2);
        assert_eq!(cy["status"], "fail");
        assert_eq!(cy["tests"][1]["status"], "pass");
        assert_eq!(cy["tests"][2]["status"], "error");
        assert!(cy.get("message").is_none());
        assert_valid(&cy);
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
        assert_valid(&cy);
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
        let cy = render_student(&class.exercises, &class.students[2]);
        assert!(cy.message.unwrap().len() <= MESSAGE_LIMIT);
    }
}
