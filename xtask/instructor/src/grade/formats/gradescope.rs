//! Gradescope's autograder `results.json`: one per submission, because
//! Gradescope runs the autograder once per student. Each exercise is one
//! Gradescope test worth the exercise's points; the top-level `score` is
//! the student's total (Gradescope lets it override the tests' sum).

use serde_json::{json, Value};

use super::{exercise_number, number, result_for};
use crate::grade::model::{ExerciseInfo, ExerciseResult, Status, StudentReport};

/// Students see their results and the per-test output at once; the
/// autograder's own stdout (build logs) stays with the instructor.
const VISIBILITY: &str = "visible";
const STDOUT_VISIBILITY: &str = "hidden";

/// How Gradescope renders every `output`: as plain text. Its default,
/// `simple_format`, reads HTML, and the outputs hold what students wrote
/// (file names, test messages).
const OUTPUT_FORMAT: &str = "text";

/// The `results.json` of one submission.
pub fn render_student(exercises: &[ExerciseInfo], student: &StudentReport) -> Value {
    let tests: Vec<Value> = exercises
        .iter()
        .enumerate()
        .map(|(i, info)| test(info, i, result_for(student, info)))
        .collect();
    json!({
        "score": student.score,
        "output": overall_output(student),
        "output_format": OUTPUT_FORMAT,
        "test_output_format": OUTPUT_FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": STDOUT_VISIBILITY,
        "tests": tests,
    })
}

/// One Gradescope test for one exercise. An exercise the grader has no
/// result for counts as missing, worth nothing.
fn test(info: &ExerciseInfo, index: usize, result: Option<&ExerciseResult>) -> Value {
    let (status, score, output) = match result {
        Some(r) => (r.status, r.score, exercise_output(r)),
        None => (
            Status::Missing,
            0.0,
            "This exercise was not graded.".to_string(),
        ),
    };
    json!({
        "name": format!("{} · {}", exercise_number(info, index), info.title),
        "score": score,
        "max_score": info.points,
        "status": if status == Status::Passed { "passed" } else { "failed" },
        "output": output,
        "output_format": OUTPUT_FORMAT,
        "visibility": VISIBILITY,
    })
}

/// What the student reads under the exercise: the outcome, which pristine
/// tests failed, and the grader's message.
fn exercise_output(result: &ExerciseResult) -> String {
    let mut out = format!(
        "{}: {} / {} points",
        result.status.label(),
        number(result.score),
        number(result.max_score)
    );
    let failed: Vec<&str> = result
        .tests
        .iter()
        .filter(|t| !t.passed)
        .map(|t| t.name.as_str())
        .collect();
    if failed.is_empty() {
        if !result.tests.is_empty() {
            out.push_str(&format!("\nTests passed: all {}.", result.tests.len()));
        }
    } else {
        out.push_str(&format!(
            "\nTests not passed ({} of {}): {}",
            failed.len(),
            result.tests.len(),
            failed.join(", ")
        ));
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
fn overall_output(student: &StudentReport) -> String {
    let mut out = format!(
        "{} / {} points.",
        number(student.score),
        number(student.max_score)
    );
    if !student.ignored.is_empty() {
        out.push_str(&format!(
            "\nIgnored (the course's own copies were used instead): {}",
            student.ignored.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::model::fixture;

    fn bob() -> Value {
        let class = fixture::class();
        render_student(&class.exercises, &class.students[1])
    }

    /// The fields Gradescope reads, with the types it expects.
    fn assert_valid(results: &Value) {
        let top = results.as_object().unwrap();
        assert!(top["score"].is_number());
        assert!(top["output"].is_string());
        // Plain text everywhere: student-written text is never read as HTML.
        assert_eq!(top["output_format"], "text");
        assert_eq!(top["test_output_format"], "text");
        for key in ["visibility", "stdout_visibility"] {
            let v = top[key].as_str().unwrap();
            assert!(
                ["hidden", "after_due_date", "after_published", "visible"].contains(&v),
                "{key}: {v}"
            );
        }
        for test in top["tests"].as_array().unwrap() {
            assert!(test["name"].is_string());
            assert!(test["output"].is_string());
            assert!(test["score"].as_f64().unwrap() <= test["max_score"].as_f64().unwrap());
            assert!(["passed", "failed"].contains(&test["status"].as_str().unwrap()));
            assert!(test["visibility"].is_string());
            assert_eq!(test["output_format"], "text");
        }
    }

    #[test]
    fn every_student_gives_valid_results() {
        let class = fixture::class();
        for student in &class.students {
            let results = render_student(&class.exercises, student);
            assert_valid(&results);
            // Written to a file and read back, it is the same JSON.
            let text = serde_json::to_string_pretty(&results).unwrap();
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), results);
        }
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
        let class = fixture::class();
        let mut ada = class.students[0].clone();
        ada.exercises.pop();
        let results = render_student(&class.exercises, &ada);
        let test = &results["tests"][1];
        assert_eq!(
            (test["status"].as_str(), test["score"].as_f64()),
            (Some("failed"), Some(0.0))
        );
        assert_valid(&results);
    }
}
