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

mod report;
mod run;
mod search;
mod shrink;
mod strategy;

use std::sync::Arc;
use std::time::Duration;

pub use crate::env::SCHEDULE_ENV;
pub use crate::turns::{Schedule, ScheduleError};
pub use report::divergence;
pub use run::{run_schedule, Outcome, ScheduledRun};
pub(crate) use search::replay;
pub use search::{explore, Exploration, Failure};
pub use strategy::Strategy;

use crate::config::{ClockKind, Config};
use crate::turns::Following;

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
