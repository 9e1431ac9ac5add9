//! Exercise 3 · The two dials.

#[macro_use]
mod common;
exercise!(ex03_two_dials);

use common::look;
use exercise::{read_the_dials, Dials, CUSTOMERS};

/// Every customer, and `main`.
const LIVE: usize = CUSTOMERS + 1;

/// Fails, saying what went wrong, unless `dials` are right for `workers`.
fn check_dials(dials: Dials, workers: usize) {
    assert_eq!(
        dials.workers,
        workers,
        "{}",
        look(format!(
            "the worker dial reads {}, but this run has a limit of {workers}: \
             read the limit itself, not a number you chose",
            dials.workers
        ))
    );
    assert_eq!(
        dials.live,
        LIVE,
        "{}",
        look(format!(
            "the live-task dial reads {}, but while the customers wait there are {LIVE} tasks \
             ({CUSTOMERS} customers and main); read it after they have all arrived and before \
             the doors open",
            dials.live
        ))
    );
}

#[barista::test(workers = [1, 2, 4])]
async fn the_same_crowd_at_every_worker_count() {
    let dials = read_the_dials().await;
    check_dials(dials, barista::workers());
    // Part of the summary, so it must agree at 1, 2 and 4 workers.
    barista::record("live tasks", dials.live);
}

/// Runs the café at `workers`, checks both dials and the trace, and
/// snapshots what stays the same from run to run.
fn dials_at(workers: usize) {
    let run = barista::run(common::config(workers), read_the_dials())
        .unwrap_or_else(|err| panic!("{}", look(err)));
    check_dials(run.output, workers);
    let trace = &run.trace;
    let summary = trace.summary();
    assert_eq!(
        summary.spawned, LIVE,
        "every customer is a task, and so is main"
    );
    assert_eq!(
        summary.returned, LIVE,
        "every customer went in when the doors opened"
    );
    let parallel = trace.observed_parallelism();
    assert!(
        parallel <= workers,
        "{parallel} tasks ran at once on {workers} workers: more than the limit"
    );
    let dials = format!(
        "concurrency: {} tasks alive at once ({CUSTOMERS} customers and main)\n\
         parallelism: at most {} running at the same instant (the worker limit)",
        run.output.live, run.output.workers
    );
    insta::assert_snapshot!(format!("dials_at_{workers}"), dials);
}

#[test]
fn dials_at_1_worker() {
    dials_at(1);
}

#[test]
fn dials_at_2_workers() {
    dials_at(2);
}

#[test]
fn dials_at_4_workers() {
    dials_at(4);
}
