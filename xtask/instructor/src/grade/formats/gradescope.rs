//! Gradescope's autograder `results.json`: one per submission, because
//! Gradescope runs the autograder once per student. Each exercise is one
//! Gradescope test worth the exercise's points; the top-level `score` is
//! the student's total (Gradescope lets it override the tests' sum).

use std::fmt::Write;

use anyhow::Result;
use serde::Serialize;

use super::view::{ResultView, StudentView};
use super::{json_file, number, ClassView, Rendered};
use crate::grade::model::{printable, Status};

/// Students see their results and the per-test output at once; the
/// autograder's own stdout (build logs) stays with the instructor.
const VISIBILITY: &str = "visible";
const STDOUT_VISIBILITY: &str = "hidden";

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
        .map(|(exercise, result)| {
            let (status, score, output) = match result {
                Some(r) => (r.result.status, r.result.score, exercise_output(r)),
                // An exercise the grader has no result for counts as
                // missing, worth nothing.
                None => (
                    Status::Missing,
                    0.0,
                    "This exercise was not graded.".to_string(),
                ),
            };
            Test {
                name: format!("{} · {}", exercise.number, exercise.info.title),
                name_format: TEXT,
                score,
                max_score: exercise.info.points,
                status: if status == Status::Passed {
                    "passed"
                } else {
                    "failed"
                },
                output,
                output_format: TEXT,
                visibility: VISIBILITY,
            }
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

/// What the student reads under the exercise: the outcome, which pristine
/// tests failed, and the grader's message.
fn exercise_output(result: &ResultView) -> String {
    let r = result.result;
    let mut out = format!(
        "{}: {} / {} points",
        r.status.label(),
        number(r.score),
        number(r.max_score)
    );
    let failed: Vec<&str> = result
        .tests
        .iter()
        .filter(|t| t.status != Status::Passed)
        .map(|t| t.name)
        .collect();
    if failed.is_empty() {
        if !r.tests.is_empty() {
            let _ = write!(out, "\nTests passed: all {}.", r.tests.len());
        }
    } else if !r.tests.is_empty() {
        let _ = write!(
            out,
            "\nTests not passed ({} of {}): {}",
            failed.len(),
            r.tests.len(),
            failed.join(", ")
        );
    }
    if !result.message.is_empty() {
        out.push_str("\n\n");
        out.push_str(&result.message);
    }
    out
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
    fn one_test_per_exercise_with_its_points() {
        let results = bob();
        assert_eq!(results["score"], 5.0);
        let tests = results["tests"].as_array().unwrap();
        assert_eq!(tests.len(), 2);
        assert_eq!(tests[0]["name"], "01 · Interleaved on one worker");
        assert_eq!(tests[0]["status"], "passed");
        assert_eq!(tests[0]["score"], 5.0);
        assert_eq!(tests[1]["name"], "02 · Parallel on two workers");
        assert_eq!(
            (tests[1]["score"].as_f64(), tests[1]["max_score"].as_f64()),
            (Some(5.0), Some(10.0))
        );
        assert_eq!(tests[1]["status"], "failed");
    }

    #[test]
    fn output_names_the_failed_tests_and_the_message() {
        let results = bob();
        let output = results["tests"][1]["output"].as_str().unwrap();
        assert!(output.starts_with("failed: 5 / 10 points"), "{output}");
        assert!(
            output.contains("Tests not passed (1 of 2): one_worker_deadlocks"),
            "{output}"
        );
        assert!(output.contains("it finished & \"quoted\" <b>"), "{output}");
        assert!(results["tests"][0]["output"]
            .as_str()
            .unwrap()
            .contains("Tests passed: all 1."));
        let overall = results["output"].as_str().unwrap();
        assert!(overall.starts_with("5 / 15 points."));
        assert!(overall.contains("exercises/Cargo.toml, exercises/build.rs"));
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
