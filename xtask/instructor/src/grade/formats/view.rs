//! The class as the reports show it, computed once: every figure a format
//! prints (averages, pass counts, each exercise's numbers), every test in
//! the order of its test file with how it ended and its own message, and
//! every student-written name and message made printable. The formats only
//! lay this out.

use std::collections::HashSet;

use crate::grade::model::{
    printable, ClassReport, ExerciseInfo, ExerciseResult, Status, StudentReport, TestResult,
};

pub struct ClassView<'a> {
    pub class: &'a ClassReport,
    /// Points available per student.
    pub max_score: f64,
    /// The mean score; 0 for an empty class.
    pub average: f64,
    /// Students with every point.
    pub full_marks: usize,
    /// Exercise results that passed, of all results graded.
    pub results_passed: usize,
    pub results_graded: usize,
    pub exercises: Vec<ExerciseView<'a>>,
    pub students: Vec<StudentView<'a>>,
}

pub struct ExerciseView<'a> {
    pub info: &'a ExerciseInfo,
    /// Its two-digit number, `07`.
    pub number: String,
    /// Students who passed it.
    pub passed: usize,
    /// Its mean score over the class (a student without a result counts 0).
    pub average: f64,
    /// How many results ended in each status, best first, zeros left out.
    pub by_status: Vec<(Status, usize)>,
}

pub struct StudentView<'a> {
    pub report: &'a StudentReport,
    /// The student's name on one line, printable.
    pub name: String,
    /// A safe folder of its own for the per-student formats.
    pub folder: String,
    /// One per exercise of the class, in its order: `None` when the
    /// report has no result for it.
    pub results: Vec<Option<ResultView<'a>>>,
}

pub struct ResultView<'a> {
    pub result: &'a ExerciseResult,
    /// The exercise's message, printable.
    pub message: String,
    /// Its tests in the order of the test file.
    pub tests: Vec<TestView<'a>>,
}

pub struct TestView<'a> {
    /// As the report names it: `takes_turns`, `crowd::workers_2`,
    /// `hidden test 1`; the exercise's name when it lists no tests.
    pub name: &'a str,
    /// `Passed`, `Failed`, or why the test could not run or finish.
    pub status: Status,
    pub hidden: bool,
    /// Its own failure, printable; empty when there is none.
    pub message: String,
    /// Its body in the test file, when the report has it.
    pub code: Option<&'a str>,
    pub seconds: Option<f64>,
}

impl<'a> ClassView<'a> {
    /// The students with anything not passed: those a report details.
    #[must_use]
    pub fn not_all_passed(&self) -> Vec<&StudentView<'a>> {
        self.students
            .iter()
            .filter(|s| s.not_passed().next().is_some())
            .collect()
    }

    #[must_use]
    pub fn new(class: &'a ClassReport) -> ClassView<'a> {
        let size = class.students.len();
        // A class size: far below 2^52, exact as f64.
        #[allow(clippy::cast_precision_loss)]
        let mean = |total: f64| if size == 0 { 0.0 } else { total / size as f64 };
        let folders = folder_names(&class.students);
        let students: Vec<StudentView> = class
            .students
            .iter()
            .zip(folders)
            .map(|(report, folder)| StudentView {
                report,
                name: printable(&report.student, false),
                folder,
                results: class
                    .exercises
                    .iter()
                    .map(|info| result_view(info, report))
                    .collect(),
            })
            .collect();
        let exercises = class
            .exercises
            .iter()
            .enumerate()
            .map(|(i, info)| {
                let results: Vec<&ExerciseResult> = students
                    .iter()
                    .filter_map(|s| s.results[i].as_ref().map(|r| r.result))
                    .collect();
                let count = |status| results.iter().filter(|r| r.status == status).count();
                ExerciseView {
                    info,
                    number: exercise_number(info, i),
                    passed: count(Status::Passed),
                    average: mean(results.iter().map(|r| r.score).sum()),
                    by_status: Status::ALL
                        .into_iter()
                        .map(|s| (s, count(s)))
                        .filter(|(_, n)| *n > 0)
                        .collect(),
                }
            })
            .collect();
        let results = class.students.iter().flat_map(|s| &s.exercises);
        ClassView {
            class,
            max_score: class.max_score(),
            average: mean(class.students.iter().map(|s| s.score).sum()),
            full_marks: class
                .students
                .iter()
                .filter(|s| s.max_score > 0.0 && s.score >= s.max_score)
                .count(),
            results_passed: results
                .clone()
                .filter(|r| r.status == Status::Passed)
                .count(),
            results_graded: results.count(),
            exercises,
            students,
        }
    }
}

impl<'a> StudentView<'a> {
    /// The exercises the student has a result for and did not pass, with
    /// the exercise's place in the class.
    #[must_use = "an iterator does nothing until used"]
    pub fn not_passed(&self) -> impl Iterator<Item = (usize, &ResultView<'a>)> {
        self.results
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (i, r)))
            .filter(|(_, r)| r.result.status != Status::Passed)
    }
}

impl ResultView<'_> {
    /// Why `test` did not pass, for a person: its own failure; for a test
    /// that could not run or finish, the exercise's message. Never another
    /// test's failure: when the report kept none of this test's own (a
    /// hidden test, an older report), it says only that it failed, unless it
    /// is the exercise's one failing test, whose message is then its own.
    pub fn why(&self, test: &TestView) -> String {
        let exercise = || {
            if self.message.is_empty() {
                test.status.label().to_string()
            } else {
                self.message.clone()
            }
        };
        if !test.message.is_empty() {
            return test.message.clone();
        }
        if test.status != Status::Failed {
            return exercise();
        }
        if test.hidden {
            return "one of the instructor's hidden tests did not pass".to_string();
        }
        let failing = self
            .tests
            .iter()
            .filter(|t| t.status == Status::Failed)
            .count();
        if failing == 1 && !self.message.is_empty() {
            exercise()
        } else {
            "this test failed".to_string()
        }
    }
}

/// The student's result for `info`, looked up by name rather than by
/// position so that a report with an exercise left out still lines up.
fn result_view<'a>(info: &'a ExerciseInfo, student: &'a StudentReport) -> Option<ResultView<'a>> {
    let result = student.exercises.iter().find(|r| r.name == info.name)?;
    Some(ResultView {
        result,
        message: printable(&result.message, true),
        tests: test_views(info, result),
    })
}

/// The result's tests in the order of the test file: a test is placed by
/// its function (`crowd::workers_2` by `crowd`), the worker counts of one
/// function in their listed order, and tests the file does not have (the
/// hidden ones) after the others. An exercise that lists no tests is one
/// test named after it, so that it still shows up in test-based reports.
fn test_views<'a>(info: &'a ExerciseInfo, result: &'a ExerciseResult) -> Vec<TestView<'a>> {
    if result.tests.is_empty() {
        return vec![TestView {
            name: &result.name,
            status: result.status,
            hidden: false,
            message: String::new(),
            code: None,
            seconds: None,
        }];
    }
    let source = |test: &TestResult| {
        let function = test.name.split("::").next().unwrap_or(&test.name);
        info.tests
            .iter()
            .position(|s| !test.hidden && s.name == function)
    };
    let mut tests: Vec<&TestResult> = result.tests.iter().collect();
    tests.sort_by_key(|t| source(t).unwrap_or(usize::MAX));
    tests
        .into_iter()
        .map(|test| TestView {
            name: &test.name,
            status: result.status.of_test(test.passed),
            hidden: test.hidden,
            message: printable(&test.message, true),
            code: source(test).map(|i| info.tests[i].code.as_str()),
            seconds: test.seconds,
        })
        .collect()
}

/// The exercise's two-digit number: taken from its name (`ex07_...` is
/// `07`) so that it matches the curriculum even when only some exercises
/// were graded, else its position in the list, counting from 1.
pub(crate) fn exercise_number(exercise: &ExerciseInfo, index: usize) -> String {
    let digits: String = exercise
        .name
        .strip_prefix("ex")
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    if digits.is_empty() {
        format!("{:02}", index + 1)
    } else {
        digits
    }
}

/// One safe folder name per student, in order: no path separators, no
/// `..`, no control or Windows-reserved characters, no hidden folder, and
/// no two students in the same folder.
pub(crate) fn folder_names(students: &[StudentReport]) -> Vec<String> {
    let mut taken = HashSet::new();
    students
        .iter()
        .map(|s| {
            let base = safe_folder_name(&s.student);
            let mut name = base.clone();
            // Compare case-insensitively: macOS and Windows would merge them.
            let mut n = 2;
            while !taken.insert(name.to_lowercase()) {
                name = format!("{base}~{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// Longest folder name kept, in characters (file systems allow 255 bytes).
pub(crate) const FOLDER_NAME_CHARS: usize = 100;

pub(crate) fn safe_folder_name(student: &str) -> String {
    let mut name = String::new();
    for c in student.trim().chars().take(FOLDER_NAME_CHARS) {
        let unsafe_char =
            c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|');
        // A leading dot hides the folder; a dot after a dot could spell `..`.
        let unsafe_dot = c == '.' && (name.is_empty() || name.ends_with('.'));
        name.push(if unsafe_char || unsafe_dot { '_' } else { c });
    }
    if name.is_empty() {
        name.push_str("student");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::model::fixture;

    #[test]
    fn the_class_figures_are_computed_once() {
        let class = fixture::class();
        let view = ClassView::new(&class);
        assert_eq!(view.max_score, 15.0);
        assert!((view.average - 20.0 / 3.0).abs() < 1e-9);
        assert_eq!(view.full_marks, 1);
        assert_eq!((view.results_passed, view.results_graded), (3, 6));
        let numbers: Vec<(&str, usize)> = view
            .exercises
            .iter()
            .map(|e| (e.number.as_str(), e.passed))
            .collect();
        assert_eq!(numbers, [("01", 2), ("02", 1)]);
        assert_eq!(
            view.exercises[1].by_status,
            [
                (Status::Passed, 1),
                (Status::Failed, 1),
                (Status::TimedOut, 1)
            ]
        );
        assert_eq!(view.exercises[1].average, 5.0);
        let empty = ClassReport {
            students: vec![],
            ..fixture::class()
        };
        assert_eq!(ClassView::new(&empty).average, 0.0);
    }

    #[test]
    fn tests_come_in_the_order_of_the_test_file() {
        let class = fixture::class();
        let view = ClassView::new(&class);
        let bob = view.students[1].results[1].as_ref().unwrap();
        // The report lists them sorted, as libtest does; the file does not.
        let listed: Vec<&str> = bob.result.tests.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(listed, ["one_worker_deadlocks", "two_workers"]);
        let shown: Vec<(&str, Status)> = bob.tests.iter().map(|t| (t.name, t.status)).collect();
        assert_eq!(
            shown,
            [
                ("two_workers", Status::Passed),
                ("one_worker_deadlocks", Status::Failed)
            ]
        );
        assert!(bob.tests[1].code.unwrap().starts_with("match barista::run"));
        assert_eq!(bob.tests[1].message, fixture::DEADLOCK_FAILURE);
    }

    #[test]
    fn worker_counts_and_hidden_tests_keep_their_places() {
        let mut class = fixture::class();
        let result = &mut class.students[0].exercises[1];
        let test = |name: &str, hidden| TestResult {
            name: name.into(),
            passed: true,
            hidden,
            message: String::new(),
            seconds: None,
        };
        result.tests = vec![
            test("hidden test 1", true),
            test("one_worker_deadlocks", false),
            test("two_workers::workers_1", false),
            test("two_workers::workers_2", false),
        ];
        let view = ClassView::new(&class);
        let names: Vec<&str> = view.students[0].results[1]
            .as_ref()
            .unwrap()
            .tests
            .iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(
            names,
            [
                "two_workers::workers_1",
                "two_workers::workers_2",
                "one_worker_deadlocks",
                "hidden test 1"
            ]
        );
    }

    #[test]
    fn a_test_that_could_not_run_says_why_and_names_are_printable() {
        let mut class = fixture::class();
        class.students[2].student = "cy\x1b[2J\nrow".into();
        class.students[2].exercises[1].tests[1].passed = true; // before the time-out
        let view = ClassView::new(&class);
        let cy = &view.students[2];
        assert_eq!(cy.name, "cy\\u{1b}[2J\\u{a}row");
        let statuses: Vec<Status> = cy.results[1]
            .as_ref()
            .unwrap()
            .tests
            .iter()
            .map(|t| t.status)
            .collect();
        assert_eq!(statuses, [Status::Passed, Status::TimedOut]);
        let mut missing = class.clone();
        missing.students[2].exercises[0].tests.clear();
        missing.students[2].exercises[0].status = Status::Missing;
        let view = ClassView::new(&missing);
        let only = &view.students[2].results[0].as_ref().unwrap().tests;
        assert_eq!(
            (only.len(), only[0].name, only[0].status),
            (1, "ex01_interleaved", Status::Missing)
        );
    }

    #[test]
    fn each_test_says_why_in_its_own_words() {
        let mut class = fixture::class();
        let view = ClassView::new(&class);
        let bob = view.students[1].results[1].as_ref().unwrap();
        assert_eq!(bob.why(&bob.tests[1]), fixture::DEADLOCK_FAILURE);
        let cy = view.students[2].results[0].as_ref().unwrap();
        assert_eq!(cy.why(&cy.tests[0]), "error[E0308]: mismatched types");
        // Without its own report, a failing test is told apart from the
        // others: only the one failing test takes the exercise's message.
        class.students[1].exercises[1].tests[0].message.clear();
        let view = ClassView::new(&class);
        let bob = view.students[1].results[1].as_ref().unwrap();
        assert_eq!(bob.why(&bob.tests[1]), bob.message);
        class.students[1].exercises[1].tests[1].passed = false;
        let view = ClassView::new(&class);
        let bob = view.students[1].results[1].as_ref().unwrap();
        assert_eq!(bob.why(&bob.tests[0]), "this test failed");
        assert_eq!(bob.why(&bob.tests[1]), "this test failed");
    }

    #[test]
    fn exercise_numbers_come_from_names() {
        let info = |name: &str| ExerciseInfo {
            name: name.into(),
            title: String::new(),
            points: 1.0,
            tests: vec![],
        };
        assert_eq!(exercise_number(&info("ex07_disjoint_writes"), 0), "07");
        assert_eq!(exercise_number(&info("bonus"), 2), "03");
    }

    #[test]
    fn folder_names_are_safe_and_distinct() {
        assert_eq!(safe_folder_name("ada"), "ada");
        assert_eq!(safe_folder_name("bob <script>"), "bob _script_");
        assert_eq!(safe_folder_name(".."), "_.");
        assert_eq!(safe_folder_name("../../etc"), "_._.__etc");
        assert_eq!(safe_folder_name("a..b"), "a._b");
        assert_eq!(safe_folder_name(".hidden"), "_hidden");
        assert_eq!(safe_folder_name("tab\there\nnul\0"), "tab_here_nul_");
        assert_eq!(safe_folder_name("  "), "student");
        assert_eq!(safe_folder_name(&"x".repeat(300)).len(), FOLDER_NAME_CHARS);
        for hostile in ["..", "a/../b", "C:\\x", "\u{7f}", "/", "./."] {
            let name = safe_folder_name(hostile);
            assert!(
                !name.contains('/') && !name.contains('\\') && !name.contains(".."),
                "{hostile:?} -> {name:?}"
            );
            assert!(
                !name.chars().any(char::is_control) && !name.starts_with('.'),
                "{hostile:?} -> {name:?}"
            );
        }
        let mut class = fixture::class();
        class.students[1].student = "ADA".into();
        class.students[2].student = "a/da".into();
        let names = folder_names(&class.students);
        assert_eq!(names, ["ada", "ADA~2", "a_da"]);
    }
}
