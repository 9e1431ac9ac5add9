//! Judging one exercise: build only its test target, run it under a time
//! limit, and keep what helps the learner: the first failure, capped, and
//! the timeline of the run.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cargo::Cargo;
use crate::curriculum::{Exercise, Package};
use crate::runner;
use crate::status::{self, Status};
use crate::text::{self, Keep};

/// The result of one run of an exercise's tests.
#[derive(Debug, Clone)]
pub struct Verdict {
    /// How the tests ended: passed, failed, compile error or timed out.
    pub outcome: Status,
    /// What to show: the first failure, the compiler's errors, or the time
    /// limit; empty when the tests passed.
    pub report: String,
    /// The timeline of the failing test's run, or of the last run.
    pub timeline: Option<String>,
    /// What the passing tests printed (a measurement, a score), capped.
    pub printed: String,
    /// Edit to verdict: build plus run.
    pub took: Duration,
}

impl Verdict {
    #[must_use]
    pub fn passed(&self) -> bool {
        self.outcome == Status::Passed
    }
}

/// Lines of a report worth showing at once.
const REPORT_LINES: usize = 24;

/// Builds and runs `exercise`'s tests in `package` (normally the learner's).
///
/// # Errors
///
/// When cargo cannot be run, or built no test binary for the exercise.
pub fn judge(
    cargo: &Cargo,
    package: Package,
    exercise: &Exercise,
    limit: Duration,
    color: bool,
) -> Result<Verdict> {
    let started = Instant::now();
    let name = &exercise.name;
    let build = runner::build_one(cargo, package, name, color)?;
    let capped = |report: &str| show(report, name);
    if let Some(errors) = build.errors.get(name) {
        return Ok(Verdict {
            outcome: Status::CompileError,
            report: capped(errors),
            timeline: None,
            printed: String::new(),
            took: started.elapsed(),
        });
    }
    let Some(binary) = build.binaries.get(name) else {
        anyhow::bail!("cargo built no tests for {name}");
    };
    let timelines = tempfile::Builder::new()
        .prefix("barista-timelines-")
        .tempdir()?;
    let dir = timelines.path().to_string_lossy().into_owned();
    let env = [(barista::TIMELINE_DIR_ENV, dir.as_str())];
    let run = runner::run(
        cargo.workspace(),
        package,
        binary,
        runner::EVERYTHING_SHOWN,
        &env,
        limit,
    )?;
    let printed = runner::printed_by_passing_tests(&run.output)
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join("\n\n");
    let (outcome, report, failing) = if run.timed_out {
        (Status::TimedOut, status::timed_out_message(limit), None)
    } else if run.passed {
        (Status::Passed, String::new(), None)
    } else {
        match runner::failures(&run.output).into_iter().next() {
            Some(first) => (Status::Failed, first.shown(), Some(first.test)),
            // No test report: a crash before libtest could write one.
            None => (Status::Failed, run.output.trim().to_string(), None),
        }
    };
    Ok(Verdict {
        outcome,
        report: capped(&report),
        timeline: latest_timeline(timelines.path(), failing.as_deref()),
        printed: capped(&printed),
        took: started.elapsed(),
    })
}

/// A report as the learner sees it: its first lines, and, when there was
/// more, how to see everything.
fn show(report: &str, exercise: &str) -> String {
    let report = report.trim_end();
    match text::cap(report, Keep::Lines(REPORT_LINES)) {
        std::borrow::Cow::Borrowed(whole) => whole.to_string(),
        std::borrow::Cow::Owned(cut) => {
            format!("{cut}\n(`cargo test -p exercises --test {exercise}` shows everything)")
        }
    }
}

/// The failing test's timeline (its thread is named after the test;
/// `barista::test` names runs `test::workers_N`), else the newest.
fn latest_timeline(dir: &Path, failing: Option<&str>) -> Option<String> {
    let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    files.sort();
    let chosen = failing
        .map(barista::timeline_file_stem)
        .and_then(|stem| {
            files.iter().find(|(_, p)| {
                p.file_stem()
                    .is_some_and(|s| s.to_string_lossy() == stem.as_str())
            })
        })
        .or(files.last());
    chosen.and_then(|(_, path)| std::fs::read_to_string(path).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_report_is_cut_and_says_how_to_see_it_all() {
        let long: String = (1..=30).map(|i| format!("line {i}\n")).collect();
        let shown = show(&long, "ex01_interleaved");
        assert!(shown.starts_with("line 1\n"), "{shown}");
        assert!(shown.contains("line 24\n[... 6 more lines]\n"), "{shown}");
        assert!(
            shown.ends_with("(`cargo test -p exercises --test ex01_interleaved` shows everything)"),
            "{shown}"
        );
        assert_eq!(show("short\n\n", "ex01_interleaved"), "short");
    }

    #[test]
    fn the_failing_tests_timeline_is_chosen_else_the_newest() {
        let dir = tempfile::tempdir().unwrap();
        let stem = |test: &str| barista::timeline_file_stem(test);
        std::fs::write(dir.path().join(format!("{}.txt", stem("b"))), "b's").unwrap();
        std::fs::write(dir.path().join("other.log"), "not a timeline").unwrap();
        assert_eq!(
            latest_timeline(dir.path(), Some("b")).as_deref(),
            Some("b's")
        );
        assert_eq!(
            latest_timeline(dir.path(), Some("zz")).as_deref(),
            Some("b's")
        );
        assert_eq!(latest_timeline(&dir.path().join("gone"), None), None);
    }
}
