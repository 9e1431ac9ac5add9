//! `#[barista::test(explore = N)]` at one worker: the schedules searched
//! (or the one `BARISTA_SCHEDULE` names replayed), a failure reported with
//! its replay command and both timelines.

use std::time::Duration;

use super::test_case::{first_seed, TestCase};
use crate::env;
use crate::explore::{self, Exploration, Explore, Strategy};

/// `explore = N` at one worker: the baseline, then up to N schedules (or
/// the one `BARISTA_SCHEDULE` names); a failing one is reported with its
/// replay command and both timelines.
#[track_caller]
pub(super) fn explore_case(case: &'static TestCase, schedules: u32, strategy: Strategy) {
    let seed = first_seed(case).unwrap_or(0);
    let options = Explore::new(schedules)
        .strategy(strategy)
        .seed(seed)
        .limit(Duration::from_millis(case.total_timeout_ms))
        .start_paused(case.start_paused)
        .results_only(case.results_only);
    let body = || (case.body)();
    let test = case
        .name
        .split_once("::")
        .map_or(case.name, |(_, path)| path);
    let replay = format!(
        "cargo test -p {} -- {test}::workers_1 --exact",
        case.package
    );
    let exploration = match env::schedule() {
        Some(Ok(schedule)) => explore::replay(&options, &body, &schedule),
        Some(Err(err)) => panic!("{}: {err}", case.name),
        None => explore::explore(&options, body),
    };
    match exploration {
        Exploration::Passed {
            out_of_time: true,
            tried: 0,
            ..
        } => panic!(
            "{}: no schedule was tried within total_timeout_ms = {}: raise it",
            case.name, case.total_timeout_ms
        ),
        Exploration::Passed { .. } => {}
        Exploration::BaselineFailed(run) => panic!(
            "{} failed at 1 worker, in tokio's own order (no schedule needed):\n{}",
            case.name, run.outcome
        ),
        Exploration::Failed(failure) => {
            panic!("{}: {}", case.name, failure.report(Some(&replay)))
        }
    }
}
