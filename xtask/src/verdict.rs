//! Judging one exercise: build only its test target, run it under a time
//! limit, and keep what helps the learner: the first failure, trimmed, and
//! the timeline of the run.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cargo::Cargo;
use crate::curriculum::{Exercise, Package};
use crate::runner;

/// How an exercise's tests ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    Failed,
    DoesNotCompile,
    TimedOut,
}

/// The result of one run of an exercise's tests.
#[derive(Debug, Clone)]
pub struct Verdict {
    pub outcome: Outcome,
    /// What to show: the first failure, the compiler's errors, or the time
    /// limit; empty when the tests passed.
    pub report: String,
    /// The timeline of the failing test's run, or of the last run.
    pub timeline: Option<String>,
    /// What the passing tests printed (a measurement, a score), trimmed.
    pub printed: String,
    /// Edit to verdict: build plus run.
    pub took: Duration,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.outcome == Outcome::Passed
    }
}

/// Lines of a report worth showing at once.
const REPORT_LINES: usize = 24;

/// Builds and runs `exercise`'s tests in `package` (normally the learner's).
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
    let verdict = |outcome, report: String, timeline| Verdict {
        outcome,
        report: trim(&report),
        timeline,
        printed: String::new(),
        took: started.elapsed(),
    };
    if let Some(errors) = build.errors.get(name) {
        return Ok(verdict(Outcome::DoesNotCompile, errors.clone(), None));
    }
    let Some(binary) = build.binaries.get(name) else {
        anyhow::bail!("cargo built no tests for {name}");
    };
    let timelines = TimelineDir::new()?;
    let dir = timelines.path.to_string_lossy().into_owned();
    let env = [(barista::TIMELINE_DIR_ENV, dir.as_str())];
    let outcome = runner::run(
        cargo.workspace(),
        package,
        binary,
        runner::EVERYTHING_SHOWN,
        &env,
        limit,
    )?;
    let printed = trim(
        &runner::printed_by_passing_tests(&outcome.output)
            .into_iter()
            .map(|(_, text)| text)
            .collect::<Vec<_>>()
            .join("\n\n"),
    );
    let verdict = |outcome, report, timeline| Verdict {
        printed: printed.clone(),
        ..verdict(outcome, report, timeline)
    };
    if outcome.timed_out {
        let report = format!(
            "did not finish in {} s: likely a deadlock or a task that never yields",
            limit.as_secs()
        );
        return Ok(verdict(Outcome::TimedOut, report, timelines.latest(None)));
    }
    if outcome.passed {
        return Ok(verdict(
            Outcome::Passed,
            String::new(),
            timelines.latest(None),
        ));
    }
    let report = runner::first_failure(&outcome.output);
    let failing = report
        .strip_prefix("test ")
        .and_then(|rest| rest.split(" failed:").next())
        .map(str::to_owned);
    let timeline = timelines.latest(failing.as_deref());
    Ok(verdict(Outcome::Failed, report, timeline))
}

/// Keeps the first lines of a long report, saying how many were left out.
fn trim(report: &str) -> String {
    let lines: Vec<&str> = report.lines().collect();
    if lines.len() <= REPORT_LINES {
        return report.trim_end().to_string();
    }
    let mut kept = lines[..REPORT_LINES].join("\n");
    kept.push_str(&format!(
        "\n[... {} more lines; `cargo test -p exercises --test NAME` shows everything]",
        lines.len() - REPORT_LINES
    ));
    kept
}

/// A fresh folder for the test binary's timelines, removed afterwards.
struct TimelineDir {
    path: PathBuf,
}

impl TimelineDir {
    fn new() -> Result<Self> {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "barista-timelines-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)?;
        Ok(TimelineDir { path })
    }

    /// The failing test's timeline (its thread is named after the test;
    /// `barista::test` names runs `test::workers_N`), else the newest.
    fn latest(&self, failing: Option<&str>) -> Option<String> {
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = std::fs::read_dir(&self.path)
            .ok()?
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        files.sort();
        if let Some(test) = failing {
            let stem = barista::timeline_file_stem(test);
            if let Some((_, path)) = files.iter().find(|(_, p)| {
                p.file_stem()
                    .is_some_and(|s| s.to_string_lossy() == stem.as_str())
            }) {
                return std::fs::read_to_string(path).ok();
            }
        }
        files
            .last()
            .and_then(|(_, path)| std::fs::read_to_string(path).ok())
    }
}

impl Drop for TimelineDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
