//! Gradescope's autograder `results.json`: one per submission, because
//! Gradescope runs the autograder once per student. Each pristine test is
//! one Gradescope test, numbered within its exercise (`number` "01.2": the
//! second test of exercise 1), worth its share of the exercise's points,
//! with its own output; the instructor's hidden tests are shown once grades
//! are published (`after_published`). The top-level `score` is the
//! student's total (Gradescope lets it override the tests' sum).

use std::fmt::Write;

use anyhow::Result;
use serde::Serialize;

use super::view::{ExerciseView, ResultView, StudentView};
use super::{json_file, number, ClassView, Rendered};
use crate::grade::model::{printable, Status};

/// Students see their results and the per-test output at once; the
/// autograder's own stdout (build logs) stays with the instructor.
const VISIBILITY: &str = "visible";
const STDOUT_VISIBILITY: &str = "hidden";
/// The instructor's hidden tests: seen once the grades are.
const HIDDEN_VISIBILITY: &str = "after_published";

/// How Gradescope renders every `output` and name: as plain text. Its
/// default, `simple_format`, reads HTML, and the outputs hold what
/// students wrote (file names, test messages).
const TEXT: &str = "text";

/// The fields of Gradescope's specification that barista fills, in its
/// order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Results {
    pub score: f64,
    /// Seconds the student's exercises ran, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub execution_time: Option<u64>,
    pub output: String,
    pub output_format: &'static str,
    pub test_output_format: &'static str,
    pub test_name_format: &'static str,
    pub visibility: &'static str,
    pub stdout_visibility: &'static str,
    pub tests: Vec<Test>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Test {
    /// `01.2`: exercise 1's second test (Gradescope sorts and groups by it).
    pub number: String,
    pub name: String,
    pub name_format: &'static str,
    pub score: f64,
    pub max_score: f64,
    /// `passed` or `failed`.
    pub status: &'static str,
    pub output: String,
    pub output_format: &'static str,
    pub visibility: &'static str,
}

pub fn render(view: &ClassView) -> Result<Rendered> {
    let files = view
        .students
        .iter()
        .map(|student| json_file(&results(view, student)))
        .collect::<Result<_>>()?;
    Ok(Rendered::PerStudent(files))
}

/// The `results.json` of one submission.
pub fn results(view: &ClassView, student: &StudentView) -> Results {
    let tests = view
        .exercises
        .iter()
        .zip(&student.results)
        .flat_map(|(exercise, result)| match result {
            Some(result) => tests_of(exercise, result),
            // An exercise the grader has no result for counts as missing,
            // worth nothing: one entry says so.
            None => vec![Test {
                number: format!("{}.1", exercise.number),
                name: format!("{} · {}", exercise.number, exercise.info.title),
                name_format: TEXT,
                score: 0.0,
                max_score: exercise.info.points,
                status: "failed",
                output: "This exercise was not graded.".to_string(),
                output_format: TEXT,
                visibility: VISIBILITY,
            }],
        })
        .collect();
    let seconds: Vec<f64> = student
        .results
        .iter()
        .flatten()
        .filter_map(|r| r.result.seconds)
        .collect();
    Results {
        score: student.report.score,
        // Whole seconds, as the specification has them; rounded up, so a
        // short run is not "0".
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        execution_time: (!seconds.is_empty())
            .then(|| seconds.iter().sum::<f64>().max(0.0).ceil() as u64),
        output: overall_output(student),
        output_format: TEXT,
        test_output_format: TEXT,
        test_name_format: TEXT,
        visibility: VISIBILITY,
        stdout_visibility: STDOUT_VISIBILITY,
        tests,
    }
}

/// One entry per test of the exercise, each worth its share of the points
/// and saying its own outcome: its failure, or why it could not run.
fn tests_of(exercise: &ExerciseView, result: &ResultView) -> Vec<Test> {
    let share = exercise.info.points / result.tests.len().max(1) as f64;
    result
        .tests
        .iter()
        .enumerate()
        .map(|(at, test)| {
            let passed = test.status == Status::Passed;
            Test {
                number: format!("{}.{}", exercise.number, at + 1),
                name: format!(
                    "{} · {}: {}",
                    exercise.number, exercise.info.title, test.name
                ),
                name_format: TEXT,
                score: if passed { share } else { 0.0 },
                max_score: share,
                status: if passed { "passed" } else { "failed" },
                output: if passed {
                    "Passed.".to_string()
                } else {
                    format!("{}: {}", test.status.label(), result.why(test))
                },
                output_format: TEXT,
                visibility: if test.hidden {
                    HIDDEN_VISIBILITY
                } else {
                    VISIBILITY
                },
            }
        })
        .collect()
}

/// The text above the tests: the total, and which submitted files grading
/// replaced with the pristine ones (so a student who edited a test knows
/// it did not count).
fn overall_output(student: &StudentView) -> String {
    let report = student.report;
    let mut out = format!(
        "{} / {} points.",
        number(report.score),
        number(report.max_score)
    );
    if !report.ignored.is_empty() {
        let files: Vec<String> = report.ignored.iter().map(|f| printable(f, false)).collect();
        let _ = write!(
            out,
            "\nIgnored (the course's own copies were used instead): {}",
            files.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;
    use crate::grade::formats::{render as render_format, Format};
    use crate::grade::model::{fixture, ClassReport};

    /// Every student's `results.json`, read back as Gradescope reads it.
    fn all(class: &ClassReport) -> Vec<Value> {
        let view = ClassView::new(class);
        let Rendered::PerStudent(files) = render_format(Format::Gradescope, &view).unwrap() else {
            panic!("per student");
        };
        files
            .iter()
            .map(|f| {
                let value = serde_json::from_str(f).unwrap();
                assert_valid(&value);
                value
            })
            .collect()
    }

    fn bob() -> Value {
        all(&fixture::class()).swap_remove(1)
    }

    /// The fields Gradescope reads, with the types and values its
    /// specification allows.
    fn assert_valid(results: &Value) {
        let top = results.as_object().unwrap();
        let visibilities = ["hidden", "after_due_date", "after_published", "visible"];
        assert!(top["score"].is_number());
        assert!(top["output"].is_string());
        assert!(top.get("execution_time").is_none_or(Value::is_u64));
        // Plain text everywhere: student-written text is never read as HTML.
        for key in ["output_format", "test_output_format", "test_name_format"] {
            assert_eq!(top[key], "text", "{key}");
        }
        for key in ["visibility", "stdout_visibility"] {
            let v = top[key].as_str().unwrap();
            assert!(visibilities.contains(&v), "{key}: {v}");
        }
        for test in top["tests"].as_array().unwrap() {
            assert!(test["name"].is_string());
            assert!(test["output"].is_string());
            assert!(test["score"].as_f64().unwrap() <= test["max_score"].as_f64().unwrap());
            assert!(["passed", "failed"].contains(&test["status"].as_str().unwrap()));
            assert!(visibilities.contains(&test["visibility"].as_str().unwrap()));
            assert_eq!(test["output_format"], "text");
            assert_eq!(test["name_format"], "text");
        }
    }

    #[test]
    fn every_student_gives_valid_results() {
        let results = all(&fixture::class());
        assert_eq!(results.len(), 3);
        assert_eq!(results[0]["execution_time"], 2, "0.5 s and 1.5 s");
        assert_eq!(results[2]["execution_time"], 10);
    }

    #[test]
    fn one_entry_per_pristine_test_numbered_within_its_exercise() {
        let results = bob();
        assert_eq!(results["score"], 5.0);
        let tests = results["tests"].as_array().unwrap();
        let entries: Vec<(&str, &str, f64, f64, &str)> = tests
            .iter()
            .map(|t| {
                (
                    t["number"].as_str().unwrap(),
                    t["name"].as_str().unwrap(),
                    t["score"].as_f64().unwrap(),
                    t["max_score"].as_f64().unwrap(),
                    t["status"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            entries,
            [
                (
                    "01.1",
                    "01 · Interleaved on one worker: takes_turns",
                    5.0,
                    5.0,
                    "passed"
                ),
                (
                    "02.1",
                    "02 · Parallel on two workers: two_workers",
                    5.0,
                    5.0,
                    "passed"
                ),
                (
                    "02.2",
                    "02 · Parallel on two workers: one_worker_deadlocks",
                    0.0,
                    5.0,
                    "failed"
                ),
            ]
        );
        // The shares add up to the exercises' points.
        let max: f64 = tests.iter().map(|t| t["max_score"].as_f64().unwrap()).sum();
        assert_eq!(max, 15.0);
    }

    #[test]
    fn each_failing_test_says_its_own_failure() {
        let mut class = fixture::class();
        let result = &mut class.students[1].exercises[1];
        let two_workers = result
            .tests
            .iter_mut()
            .find(|t| t.name == "two_workers")
            .unwrap();
        two_workers.passed = false;
        two_workers.message = "only one barista ran".into();
        let bob = all(&class).swap_remove(1);
        let outputs: Vec<&str> = bob["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["output"].as_str().unwrap())
            .collect();
        assert_eq!(outputs[0], "Passed.");
        assert_eq!(outputs[1], "failed: only one barista ran");
        assert!(
            outputs[2].contains("it finished & \"quoted\" <b>"),
            "{outputs:?}"
        );
        let overall = bob["output"].as_str().unwrap();
        assert!(overall.starts_with("5 / 15 points."));
        assert!(overall.contains("exercises/Cargo.toml, exercises/build.rs"));
    }

    #[test]
    fn hidden_tests_are_shown_once_grades_are_published() {
        let mut class = fixture::class();
        let result = &mut class.students[1].exercises[1];
        let mut hidden = result.tests[0].clone();
        hidden.name = "hidden test 1".into();
        hidden.hidden = true;
        result.tests.push(hidden);
        let bob = all(&class).swap_remove(1);
        let visibility: Vec<&str> = bob["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["visibility"].as_str().unwrap())
            .collect();
        assert_eq!(
            visibility,
            ["visible", "visible", "visible", "after_published"]
        );
    }

    #[test]
    fn an_exercise_without_a_result_is_missing() {
        let mut class = fixture::class();
        class.students[0].exercises.pop();
        let ada = all(&class).swap_remove(0);
        let test = &ada["tests"][1];
        assert_eq!(
            (test["status"].as_str(), test["score"].as_f64()),
            (Some("failed"), Some(0.0))
        );
        assert_eq!(test["output"], "This exercise was not graded.");
    }

    #[test]
    fn control_characters_are_written_out() {
        let mut class = fixture::class();
        class.students[1].ignored = vec!["ex\x1b[2Jercises/x.rs".into()];
        class.students[1].exercises[1].message = "boom\x1b[31m".into();
        let bob = all(&class).swap_remove(1);
        let text = bob.to_string();
        assert!(
            !text.contains('\x1b') && !text.contains("\\u001b"),
            "{text}"
        );
        assert!(bob["output"]
            .as_str()
            .unwrap()
            .contains("ex\\u{1b}[2Jercises"));
    }
}
