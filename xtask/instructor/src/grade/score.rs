//! The score stage: points from the judged tests, per exercise and per
//! student. One rule for every exercise, run or not: its points times the
//! share of its tests that passed.

use super::model::{ExerciseResult, Status, StudentReport, TestResult};
use xtask::curriculum::Exercise;

/// An exercise's result: `message` already made safe to show.
pub fn exercise(
    exercise: &Exercise,
    status: Status,
    tests: Vec<TestResult>,
    message: String,
    seconds: Option<f64>,
) -> ExerciseResult {
    let points = f64::from(exercise.points);
    let passing = tests.iter().filter(|t| t.passed).count();
    let score = if tests.is_empty() {
        0.0
    } else {
        points * passing as f64 / tests.len() as f64
    };
    ExerciseResult {
        name: exercise.name.clone(),
        status,
        score: (score * 100.0).round() / 100.0,
        max_score: points,
        tests,
        message,
        seconds,
    }
}

/// A student's report from their exercises' results.
pub fn student(
    student: String,
    exercises: Vec<ExerciseResult>,
    ignored: Vec<String>,
) -> StudentReport {
    StudentReport {
        student,
        score: exercises.iter().map(|r| r.score).sum(),
        max_score: exercises.iter().map(|r| r.max_score).sum(),
        exercises,
        ignored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_follow_the_share_of_tests_passed() {
        let ex = Exercise {
            name: "ex01".into(),
            title: String::new(),
            topic: String::new(),
            section: String::new(),
            points: 10,
            hints: vec![],
            compiles_as_shipped: true,
        };
        let test = |passed| TestResult {
            name: "t".into(),
            passed,
            hidden: false,
            message: String::new(),
            seconds: None,
        };
        let result = exercise(
            &ex,
            Status::Failed,
            vec![test(true), test(true), test(false)],
            String::new(),
            Some(0.5),
        );
        assert_eq!((result.score, result.max_score), (6.67, 10.0));
        let none = exercise(&ex, Status::Missing, vec![], String::new(), None);
        assert_eq!(none.score, 0.0);
        let report = student("ada".into(), vec![result, none], vec![]);
        assert_eq!((report.score, report.max_score), (6.67, 20.0));
    }
}
