//! The judge stage: which of an exercise's tests passed (only the verdicts
//! its pristine tests reported count), its status, and what its student is
//! told; hidden tests are counted, never quoted.

use std::collections::BTreeMap;
use std::time::Duration;

use super::model::{Status, TestResult};
use super::run::Ran;
use xtask::process::Finished;
use xtask::runner;

use super::scratch::TestList;

/// One test of an exercise as the grader knows it.
pub struct Listed {
    /// The name its verdict carries (`judged::NAME::test`).
    pub verdict: String,
    /// The name shown: a hidden test's is not ("hidden test N").
    pub shown: String,
    pub hidden: bool,
}

/// An exercise's tests, in the order of their files.
pub fn listed(tests: &TestList, exercise: &str) -> Vec<Listed> {
    let mut hidden_seen = 0;
    tests
        .get(exercise)
        .into_iter()
        .flatten()
        .map(|(test, hidden)| Listed {
            verdict: verdict_name(exercise, test, *hidden),
            shown: if *hidden {
                hidden_seen += 1;
                format!("{} {hidden_seen}", TestResult::HIDDEN)
            } else {
                test.clone()
            },
            hidden: *hidden,
        })
        .collect()
}

/// The verdict name of a test: `NAME::test`, or `hidden_NAME::test`.
pub fn verdict_name(exercise: &str, test: &str, hidden: bool) -> String {
    if hidden {
        format!("judged::hidden_{exercise}::{test}")
    } else {
        format!("judged::{exercise}::{test}")
    }
}

/// The exact names (libtest's, which the verdicts carry too) of the
/// visible or the hidden tests of one exercise, or of all: a run is given
/// these and runs nothing else, whatever tests the submission compiled in.
/// Visible and hidden tests run in separate processes, from separate
/// binaries: what a hidden test prints (its expected values, in its panic
/// message) is never in the output that visible tests' messages are read
/// from.
pub fn run_names(tests: &TestList, exercise: Option<&str>, hidden: bool) -> Vec<String> {
    tests
        .iter()
        .filter(|(name, _)| exercise.is_none_or(|e| e == name.as_str()))
        .flat_map(|(name, tests)| {
            tests
                .iter()
                .filter(move |(_, h)| *h == hidden)
                .map(move |(test, _)| verdict_name(name, test, hidden))
        })
        .collect()
}

/// What the judge decided of one exercise's run.
pub struct Judged {
    pub tests: Vec<TestResult>,
    pub status: Status,
    /// For the student, not yet made safe to show (see `shown`).
    pub message: String,
}

/// Judges an exercise from the run of its visible tests and, when it has
/// hidden tests, the run of those, each under time limit `limit`.
///
/// Each visible test that failed carries its own report, read from the
/// visible run's output only; hidden tests are counted, never quoted.
pub fn judge(listed: Vec<Listed>, visible: &Ran, hidden: Option<&Ran>, limit: Duration) -> Judged {
    let failures: BTreeMap<String, String> = xtask::runner::failures(&visible.finished.output)
        .into_iter()
        .map(|f| (f.test, f.report))
        .collect();
    let ran = |test: &Listed| if test.hidden { hidden } else { Some(visible) };
    let tests: Vec<TestResult> = listed
        .into_iter()
        .map(|test| {
            let verdicts = ran(&test).map(|r| &r.verdicts);
            TestResult {
                passed: verdicts.is_some_and(|v| v.contains(&test.verdict)),
                seconds: verdicts.and_then(|v| v.seconds(&test.verdict)),
                message: match failures.get(&test.verdict) {
                    Some(report) if !test.hidden => report.clone(),
                    _ => String::new(),
                },
                name: test.shown,
                hidden: test.hidden,
            }
        })
        .collect();
    // Each process, and whether every test it ran reported a pass.
    let reported = |of_hidden: bool| {
        tests
            .iter()
            .filter(|t| t.hidden == of_hidden)
            .all(|t| t.passed)
    };
    let mut ends: Vec<(&Finished, bool)> = vec![(&visible.finished, reported(false))];
    ends.extend(hidden.map(|run| (&run.finished, reported(true))));
    let all = !tests.is_empty() && tests.iter().all(|t| t.passed);
    // A process that exited with libtest's failure code, or passed with
    // every verdict in: its tests said why. Any other end is a crash.
    let crashed = ends
        .iter()
        .find(|(f, reported)| {
            !f.timed_out && f.status_code != Some(101) && !(f.passed && *reported)
        })
        .map(|(f, _)| *f);
    // The status follows the verdicts; how the processes ended only says
    // why the others are missing.
    let status = if all {
        Status::Passed
    } else if ends.iter().any(|(f, _)| f.timed_out) {
        Status::TimedOut
    } else if crashed.is_none() {
        Status::Failed
    } else {
        // Killed by a signal (stack overflow, out of memory), or it
        // exited before every test finished.
        Status::Crashed
    };
    let message = match (status, crashed.and_then(|f| f.status_code)) {
        (Status::Passed, _) => String::new(),
        (Status::TimedOut, _) => xtask::status::timed_out_message(limit),
        (Status::Crashed, Some(code)) => {
            format!("the test process exited (code {code}) before every test finished")
        }
        _ => failure_message(&visible.finished.output, &tests),
    };
    Judged {
        tests,
        status,
        message,
    }
}

/// The first visible test's failure (from the visible run's output), and
/// how many hidden tests did not pass.
fn failure_message(visible_output: &str, results: &[TestResult]) -> String {
    let hidden_failed = results.iter().filter(|t| t.hidden && !t.passed).count();
    let shown_failed = results.iter().any(|t| !t.hidden && !t.passed);
    let mut message = if shown_failed {
        runner::first_failure(visible_output)
    } else {
        String::new()
    };
    if hidden_failed > 0 {
        if !message.is_empty() {
            message.push('\n');
        }
        message.push_str(&format!("{hidden_failed} hidden test(s) did not pass"));
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::model::Verdicts;
    use xtask::process::Finished;

    fn tests() -> TestList {
        TestList::from([(
            "ex01".to_string(),
            vec![
                ("a".to_string(), false),
                ("b".to_string(), false),
                ("secret".to_string(), true),
            ],
        )])
    }

    fn ran(passed: &[&str], timed_out: bool, status_code: Option<i32>, output: &str) -> Ran {
        let verdicts: String = passed
            .iter()
            .map(|t| format!("passed {t}\nseconds {t} 0.25\n"))
            .collect();
        Ran {
            verdicts: Verdicts::read(&verdicts),
            finished: Finished {
                passed: status_code == Some(0),
                timed_out,
                status_code,
                output: output.to_string(),
            },
        }
    }

    const LIMIT: Duration = Duration::from_secs(10);

    #[test]
    fn only_the_verdicts_make_a_pass() {
        let visible = ["judged::ex01::a", "judged::ex01::b"];
        let hidden = ran(&["judged::hidden_ex01::secret"], false, Some(0), "");
        // Every verdict came: passed, however the process ended after.
        let judged = judge(
            listed(&tests(), "ex01"),
            &ran(&visible, true, None, ""),
            Some(&hidden),
            LIMIT,
        );
        assert_eq!(judged.status, Status::Passed);
        assert_eq!(judged.message, "");
        // A process that exits 0 but reported only some: it crashed, not passed.
        let judged = judge(
            listed(&tests(), "ex01"),
            &ran(&visible[..1], false, Some(0), ""),
            Some(&ran(&[], false, Some(101), "")),
            LIMIT,
        );
        assert_eq!(judged.status, Status::Crashed);
        assert_eq!(
            judged.message,
            "the test process exited (code 0) before every test finished"
        );
        let names: Vec<(&str, bool)> = judged
            .tests
            .iter()
            .map(|t| (t.name.as_str(), t.passed))
            .collect();
        assert_eq!(names, [("a", true), ("b", false), ("hidden test 1", false)]);
    }

    const SECRET: &str = "\
running 1 test

failures:

---- judged::hidden_ex01::secret stdout ----

---- judged::ex01::a stdout ----
the instructor's secret expectation: 2

failures:
    judged::hidden_ex01::secret
";

    #[test]
    fn a_failure_quotes_visible_tests_and_counts_hidden_ones() {
        let visible = "\
running 2 tests

failures:

---- judged::ex01::b stdout ----
thread 'judged::ex01::b' panicked at t.rs:1:1:
two cups, not three

failures:
    judged::ex01::b
";
        // The hidden test's output holds a header forged by the submission,
        // naming a visible test: it is never read for visible messages.
        let judged = judge(
            listed(&tests(), "ex01"),
            &ran(&["judged::ex01::a"], false, Some(101), visible),
            Some(&ran(&[], false, Some(101), SECRET)),
            LIMIT,
        );
        assert_eq!(judged.status, Status::Failed);
        assert!(
            judged.message.contains("two cups, not three"),
            "{}",
            judged.message
        );
        assert!(!judged.message.contains("secret"), "{}", judged.message);
        assert!(judged.message.ends_with("1 hidden test(s) did not pass"));
        // Each test its own failure; the hidden one's never quoted.
        let own: Vec<(&str, bool, Option<f64>)> = judged
            .tests
            .iter()
            .map(|t| (t.name.as_str(), t.message.contains("two cups"), t.seconds))
            .collect();
        assert_eq!(
            own,
            [
                ("a", false, Some(0.25)),
                ("b", true, None),
                ("hidden test 1", false, None)
            ]
        );
        assert!(judged.tests.iter().all(|t| !t.message.contains("secret")));
    }

    #[test]
    fn a_time_limit_is_named() {
        let judged = judge(
            listed(&tests(), "ex01"),
            &ran(&[], false, Some(101), ""),
            Some(&ran(&[], true, None, "")),
            LIMIT,
        );
        assert_eq!(judged.status, Status::TimedOut);
        assert!(judged.message.starts_with("did not finish in 10 s"));
    }

    #[test]
    fn a_run_is_given_the_exact_names_of_its_own_tests() {
        assert_eq!(
            run_names(&tests(), Some("ex01"), false),
            ["judged::ex01::a", "judged::ex01::b"]
        );
        assert_eq!(
            run_names(&tests(), None, true),
            ["judged::hidden_ex01::secret"]
        );
        assert!(run_names(&tests(), Some("ex02"), false).is_empty());
    }
}
