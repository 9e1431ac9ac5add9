//! The search: the baseline, then schedules from a source until one's
//! outcome differs from the baseline's (or the budget, the time or the
//! schedules run out). Replaying one schedule is the same search over a
//! source of one.

use std::future::Future;
use std::time::{Duration, Instant};

use super::run::{run_schedule, Outcome, ScheduledRun};
use super::shrink::shrink;
use super::strategy::{Replay, Source};
use super::{Explore, Strategy};
use crate::runtime::save_timeline;
use crate::turns::Schedule;

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
    search(explore, &body, None)
}

/// The baseline, then `schedule` alone (`BARISTA_SCHEDULE`): a failure is
/// reported as replayed, not shrunk.
pub(crate) fn replay<F, Fut>(explore: &Explore, body: &F, schedule: &Schedule) -> Exploration
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    search(explore, body, Some(schedule))
}

fn search<F, Fut>(explore: &Explore, body: &F, replaying: Option<&Schedule>) -> Exploration
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let started = Instant::now();
    let baseline = run_schedule(explore, body, &Schedule::baseline(), explore.limit);
    if !matches!(baseline.outcome, Outcome::Returned(_)) {
        return Exploration::BaselineFailed(baseline);
    }
    let took = started.elapsed();
    let run_limit = explore
        .run_limit
        .unwrap_or_else(|| (took * 20).max(Duration::from_secs(1)));
    let (mut schedules, budget): (Box<dyn Source>, u32) = match replaying {
        Some(schedule) => (Box::new(Replay(Some(schedule.clone()))), 1),
        None => (
            explore.strategy.source(explore.seed, baseline.points),
            explore.schedules,
        ),
    };
    let mut tried = 0;
    while tried < budget {
        let Some(left) = explore.limit.checked_sub(started.elapsed()) else {
            return passed(baseline, tried, false, true);
        };
        let Some(schedule) = schedules.next() else {
            return passed(baseline, tried, replaying.is_none(), false);
        };
        let limit = run_limit.min(left);
        let ran = run_schedule(explore, body, &schedule, limit);
        if limit < run_limit && matches!(ran.outcome, Outcome::Stopped(_)) {
            // Stopped by the time of all the runs, not its own: no verdict.
            return passed(baseline, tried, false, true);
        }
        tried += 1;
        schedules.saw(ran.points);
        if ran.outcome != baseline.outcome {
            let shrunk = if explore.shrink && replaying.is_none() {
                shrink(explore, body, &baseline, &ran, run_limit)
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
                replayed: replaying.is_some(),
                baseline,
                found: ran,
                shrunk,
            }));
        }
    }
    passed(baseline, tried, false, false)
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
