//! Shrinking a failing schedule to the fewest forced switches that still
//! fail.

use std::future::Future;
use std::time::Duration;

use super::run::{run_schedule, ScheduledRun};
use super::strategy::Exhaustive;
use super::Explore;
use crate::turns::Schedule;

/// Fewer forced switches that still fail (any outcome other than the
/// baseline's): first removing runs of switches, then single ones, as delta
/// debugging does; then, within the tries left, every schedule with fewer
/// switches than that, fewest first, so that the result is the fewest
/// there are when the points are few. Each candidate is a real run, so the
/// result fails.
pub(super) fn shrink<F, Fut>(
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
    for fewer in Exhaustive::new(baseline.points) {
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
