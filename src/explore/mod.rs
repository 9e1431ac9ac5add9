//! Looking for the schedule that breaks a program, on real tokio.
//!
//! At one worker tokio's current-thread runtime runs one task at a time, in
//! the order tasks become ready: the same order every run. barista controls
//! *choice points* in that order: the start of every poll of a traced task
//! (a spawned task's first poll included) and the start of every
//! `#[barista::task] async fn` (a call in the middle of a task included).
//! A [`Schedule`] names the choice points at which the running task is made
//! to give way (a *forced switch*): it goes to the back of the run queue and
//! the tasks ready before it run first. Nothing else about the run changes,
//! so a schedule replays exactly, at one worker, every time.
//!
//! [`explore`] runs a body once as tokio would (the *baseline*), then under
//! up to N schedules chosen by a [`Strategy`], and stops at the first whose
//! outcome (a panic, or a different summary) differs from the baseline's.
//! The failure is then *shrunk* to the fewest forced switches that still
//! fail, and explained: both schedules as short strings, the command that
//! replays the failure (`BARISTA_SCHEDULE=...`), and the failing run's
//! timeline under the baseline's, each marked where the two first differ.
//!
//! At more workers, OS threads decide the order and no run repeats exactly:
//! there `#[barista::test(explore = N)]` stresses with N seeded runs instead,
//! and says that a failure cannot be replayed exactly.

mod decide;
mod schedule;
mod strategy;

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use schedule::{Schedule, ScheduleError, SCHEDULE_ENV};
pub use strategy::Strategy;

pub(crate) use decide::Following;
use strategy::Schedules;

use crate::config::{ClockKind, Config};
use crate::runtime::{panic_message, run_unsaved, save_timeline};
use crate::trace::{SwitchRecord, Trace};

/// A choice point in the middle of a task: under exploration the running
/// task may give way here (and under a `seed`, by chance); otherwise it
/// returns at once. barista's [`crate::sync`] primitives have one before
/// each lock, send and receive.
pub async fn point() {
    if crate::recorder::choice_point() {
        tokio::task::yield_now().await;
    }
}

/// What exploring a body looks for and within which limits.
#[derive(Debug, Clone)]
pub struct Explore {
    pub(crate) schedules: u32,
    pub(crate) strategy: Strategy,
    pub(crate) seed: u64,
    pub(crate) limit: Duration,
    pub(crate) run_limit: Option<Duration>,
    pub(crate) start_paused: bool,
    pub(crate) results_only: bool,
    pub(crate) shrink: bool,
}

impl Explore {
    /// Up to `schedules` schedules after the baseline, with the default
    /// strategy ([`Strategy::Mixed`]), exploration seed 0, ten minutes in all.
    pub fn new(schedules: u32) -> Self {
        Explore {
            schedules,
            strategy: Strategy::default(),
            seed: 0,
            limit: Duration::from_secs(600),
            run_limit: None,
            start_paused: false,
            results_only: false,
            shrink: true,
        }
    }

    /// How the schedules are chosen.
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// The seed of the strategy's choices (the same seed tries the same
    /// schedules in the same order).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The time all the runs may take together.
    pub fn limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// The time one run may take (default: 20 times the baseline's, at least
    /// one second): a schedule that deadlocks shows as a run past it.
    pub fn run_limit(mut self, limit: Duration) -> Self {
        self.run_limit = Some(limit);
        self
    }

    /// Shrink a failing schedule (default), or stop at the first found (to
    /// count schedules to a failure).
    pub fn shrink(mut self, on: bool) -> Self {
        self.shrink = on;
        self
    }

    /// Run with tokio's clock paused, as `start_paused = true` does.
    pub fn start_paused(mut self, paused: bool) -> Self {
        self.start_paused = paused;
        self
    }

    /// Compare only the results recorded with [`crate::record`], not task
    /// counts.
    pub fn results_only(mut self, only: bool) -> Self {
        self.results_only = only;
        self
    }

    fn config(&self, following: Arc<Following>, limit: Duration) -> Config {
        Config::new()
            .workers(1)
            .env_override(false)
            .start_paused(self.start_paused)
            .clock(ClockKind::Logical)
            .timeout(limit)
            .quiet_main_panic()
            .following(following)
    }
}

/// How one run ended, as exploration compares runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It returned; its summary (or recorded results).
    Returned(String),
    /// It panicked, with this message.
    Panicked(String),
    /// It did not finish within its limit (a deadlock?), or could not run.
    Stopped(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Returned(summary) => write!(f, "it returned, with the summary\n{summary}"),
            Outcome::Panicked(message) => write!(f, "it panicked: {message}"),
            Outcome::Stopped(why) => write!(f, "it did not finish: {why}"),
        }
    }
}

/// One run under one schedule.
#[derive(Debug, Clone)]
pub struct ScheduledRun {
    /// Where the running task was made to give way.
    pub schedule: Schedule,
    /// How the run ended.
    pub outcome: Outcome,
    /// Its trace (none when it did not finish).
    pub trace: Option<Trace>,
    /// How many choice points it reached.
    pub points: u64,
}

/// A schedule whose outcome differs from the baseline's.
#[derive(Debug, Clone)]
pub struct Failure {
    /// The strategy that found it.
    pub strategy: Strategy,
    /// How many schedules were tried, the failing one included.
    pub tried: u32,
    /// The schedule was given (`BARISTA_SCHEDULE`), not searched for.
    pub replayed: bool,
    /// The run in tokio's own order, whose outcome is the right one.
    pub baseline: ScheduledRun,
    /// The first failing schedule found.
    pub found: ScheduledRun,
    /// The fewest forced switches found that still fail.
    pub shrunk: ScheduledRun,
}

/// What an exploration found.
#[derive(Debug, Clone)]
pub enum Exploration {
    /// Every schedule tried gave the baseline's outcome.
    Passed {
        /// The run in tokio's own order.
        baseline: ScheduledRun,
        /// How many schedules were tried, the baseline included.
        tried: u32,
        /// Exhaustive search ran out of schedules before the budget.
        exhausted: bool,
        /// The time limit of all the runs stopped it early.
        out_of_time: bool,
    },
    /// The baseline itself failed: no schedule needed.
    BaselineFailed(ScheduledRun),
    /// A schedule's outcome differs from the baseline's.
    Failed(Box<Failure>),
}

impl Exploration {
    /// The failing schedule, if one was found.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Exploration::Failed(failure) => Some(failure),
            _ => None,
        }
    }
}

/// Runs `body()` once as tokio would, then under up to `explore.schedules`
/// schedules, at one worker; stops at the first whose outcome differs from
/// the baseline's, and shrinks it.
pub fn explore<F, Fut>(explore: &Explore, body: F) -> Exploration
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let started = Instant::now();
    let baseline = run_schedule(explore, &body, &Schedule::baseline(), explore.limit);
    if !matches!(baseline.outcome, Outcome::Returned(_)) {
        return Exploration::BaselineFailed(baseline);
    }
    let took = started.elapsed();
    let run_limit = explore
        .run_limit
        .unwrap_or_else(|| (took * 20).max(Duration::from_secs(1)));
    let mut tried = 0;
    let mut schedules = Schedules::new(explore.strategy, explore.seed, baseline.points);
    while tried < explore.schedules {
        let Some(left) = explore.limit.checked_sub(started.elapsed()) else {
            return passed(baseline, tried, false, true);
        };
        let Some(schedule) = schedules.next() else {
            return passed(baseline, tried, true, false);
        };
        let limit = run_limit.min(left);
        let ran = run_schedule(explore, &body, &schedule, limit);
        if limit < run_limit && matches!(ran.outcome, Outcome::Stopped(_)) {
            // Stopped by the time of all the runs, not its own: no verdict.
            return passed(baseline, tried, false, true);
        }
        tried += 1;
        schedules.saw(ran.points);
        if ran.outcome != baseline.outcome {
            let shrunk = if explore.shrink {
                shrink(explore, &body, &baseline, &ran, run_limit)
            } else {
                ran.clone()
            };
            // The learner's last timeline is the failing run's.
            if let Some(trace) = &shrunk.trace {
                save_timeline(trace);
            }
            return Exploration::Failed(Box::new(Failure {
                strategy: explore.strategy,
                tried,
                replayed: false,
                baseline,
                found: ran,
                shrunk,
            }));
        }
    }
    passed(baseline, tried, false, false)
}

/// The baseline, then `schedule` alone (`BARISTA_SCHEDULE`): a failure is
/// reported as replayed, not shrunk.
pub(crate) fn replay<F, Fut>(explore: &Explore, body: &F, schedule: &Schedule) -> Exploration
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let baseline = run_schedule(explore, body, &Schedule::baseline(), explore.limit);
    if !matches!(baseline.outcome, Outcome::Returned(_)) {
        return Exploration::BaselineFailed(baseline);
    }
    let ran = run_schedule(explore, body, schedule, explore.limit);
    if ran.outcome == baseline.outcome {
        return Exploration::Passed {
            baseline,
            tried: 1,
            exhausted: false,
            out_of_time: false,
        };
    }
    Exploration::Failed(Box::new(Failure {
        strategy: explore.strategy,
        tried: 1,
        replayed: true,
        baseline,
        found: ran.clone(),
        shrunk: ran,
    }))
}

fn passed(baseline: ScheduledRun, tried: u32, exhausted: bool, out_of_time: bool) -> Exploration {
    if let Some(trace) = &baseline.trace {
        save_timeline(trace);
    }
    Exploration::Passed {
        baseline,
        tried,
        exhausted,
        out_of_time,
    }
}

/// Runs `body()` once under `schedule`: its outcome, and the switches it
/// made (known even when it did not finish).
pub fn run_schedule<F, Fut>(
    explore: &Explore,
    body: &F,
    schedule: &Schedule,
    limit: Duration,
) -> ScheduledRun
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let following = Arc::new(Following::new(schedule));
    let config = explore.config(following.clone(), limit);
    let (outcome, trace) = match run_unsaved(&config, body()) {
        Ok((Ok(()), trace)) => {
            let summary = trace.summary().compared(explore.results_only);
            (Outcome::Returned(summary), Some(trace))
        }
        Ok((Err(panic), trace)) => {
            let mut message = panic_message(&*panic);
            // A task's panic that the panic hook left to this report.
            for (n, task) in trace.task_panics().iter().enumerate() {
                let which = if n == 0 { "a task" } else { "then another" };
                message.push_str(&format!("\n({which} panicked: {task})"));
            }
            (Outcome::Panicked(message), Some(trace))
        }
        Err(err) => (Outcome::Stopped(err.to_string()), None),
    };
    ScheduledRun {
        schedule: following.taken(),
        outcome,
        trace,
        points: following.reached(),
    }
}

/// Fewer forced switches that still fail (any outcome other than the
/// baseline's): first removing runs of switches, then single ones, as delta
/// debugging does; then, within the tries left, every schedule with fewer
/// switches than that, fewest first, so that the result is the fewest
/// there are when the points are few. Each candidate is a real run, so the
/// result fails.
fn shrink<F, Fut>(
    explore: &Explore,
    body: &F,
    baseline: &ScheduledRun,
    found: &ScheduledRun,
    run_limit: Duration,
) -> ScheduledRun
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    // Enough for a few dozen switches, or every single switch over a few
    // hundred points; a random schedule's hundreds shrink by halves first.
    const TRIES: u32 = 600;
    let mut best = found.clone();
    let mut tries = 0;
    let fails = |candidate: &Schedule, tries: &mut u32| {
        *tries += 1;
        let ran = run_schedule(explore, body, candidate, run_limit);
        (ran.outcome != baseline.outcome).then_some(ran)
    };
    let mut chunk = best.schedule.switches().len().div_ceil(2).max(1);
    'halving: loop {
        let mut start = 0;
        let mut removed = false;
        while start < best.schedule.switches().len() {
            if tries >= TRIES {
                break 'halving;
            }
            let end = (start + chunk).min(best.schedule.switches().len());
            match fails(&best.schedule.without(start..end), &mut tries) {
                Some(ran) => {
                    best = ran;
                    removed = true;
                }
                None => start = end,
            }
        }
        if best.schedule.switches().is_empty() || (chunk == 1 && !removed) {
            break;
        }
        if !removed {
            chunk = chunk.div_ceil(2);
        }
    }
    for fewer in Schedules::new(Strategy::Exhaustive, 0, baseline.points) {
        if fewer.switches().len() >= best.schedule.switches().len() || tries >= TRIES {
            break;
        }
        if let Some(ran) = fails(&fewer, &mut tries) {
            best = ran;
            break;
        }
    }
    best
}

/// Where a run under a schedule parts from the baseline: its first forced
/// switch (before it, both runs did the same, step for step).
pub fn divergence(run: &Trace) -> Option<SwitchRecord> {
    run.switches().first().copied()
}

impl Failure {
    /// The report a failing test prints: what failed, the schedules, the
    /// command that replays it (`replay`, after `BARISTA_SCHEDULE=...`, when
    /// there is one), and both timelines, marked where they part.
    pub fn report(&self, replay: Option<&str>) -> String {
        let shrunk = &self.shrunk;
        let mut out = if self.replayed {
            format!(
                "the schedule {} fails at 1 worker, replayed:\n{}\n\n",
                shrunk.schedule, shrunk.outcome
            )
        } else {
            format!(
                "exploration found a failing schedule after {} (strategy {}) at 1 worker:\n{}\n\n",
                plural(u64::from(self.tried), "schedule"),
                self.strategy,
                shrunk.outcome,
            )
        };
        if !self.replayed {
            out.push_str(&format!(
                "schedule found: {} ({} of {} choice points)\n",
                self.found.schedule,
                plural(self.found.schedule.switches().len() as u64, "forced switch"),
                self.baseline.points,
            ));
            out.push_str(&format!(
                "shrunk to:      {} ({}: the fewest found that still fail)\n",
                shrunk.schedule,
                plural(shrunk.schedule.switches().len() as u64, "forced switch"),
            ));
        }
        if let Some(replay) = replay {
            out.push_str(&format!(
                "replay it:      {SCHEDULE_ENV}={} {replay}\n",
                shrunk.schedule
            ));
        }
        if let (Some(base), Some(failing)) = (&self.baseline.trace, &shrunk.trace) {
            let parted = divergence(failing);
            out.push_str("\nthe baseline (tokio's own order):\n");
            let mut timeline = base.timeline();
            if let Some(switch) = parted {
                let note = format!(
                    "the runs part here: the failing schedule switches at point {}",
                    switch.point
                );
                timeline = timeline.mark(switch.at, note);
            }
            out.push_str(&timeline.render(false));
            out.push_str(&format!("\nthe failing schedule ({}):\n", shrunk.schedule));
            let mut timeline = failing.timeline();
            if let Some(switch) = parted {
                let note = format!(
                    "forced switch at point {}: the running task gives way",
                    switch.point
                );
                timeline = timeline.mark(switch.at, note);
            }
            out.push_str(&timeline.render(false));
        }
        out
    }
}

fn plural(n: u64, what: &str) -> String {
    let s = if what.ends_with('h') { "es" } else { "s" };
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}{s}")
    }
}
