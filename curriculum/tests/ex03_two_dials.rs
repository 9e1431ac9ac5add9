//! Exercise 3 · The two dials.

#[macro_use]
mod common;
exercise!(ex03_two_dials);

use common::{expect_text, look};

/// How many customers queue at the door: the tests' own count, which the
/// exercise's `CUSTOMERS` must match.
const CUSTOMERS: usize = 10_000;
/// Every customer, and `main`.
const LIVE: usize = CUSTOMERS + 1;

/// The two readings, as plain numbers: (workers, live).
#[derive(Clone, Copy)]
struct Dials {
    workers: usize,
    live: usize,
}

/// The exercise's `read_the_dials`, its readings taken as plain numbers.
async fn read_the_dials() -> Dials {
    let customers: usize = exercise::CUSTOMERS;
    assert!(
        customers == CUSTOMERS,
        "{}",
        look(format!(
            "CUSTOMERS is {customers}, but the café expects {CUSTOMERS} customers: leave it as shipped"
        ))
    );
    let dials: exercise::Dials = exercise::read_the_dials().await;
    let (workers, live): (usize, usize) = (dials.workers, dials.live);
    Dials { workers, live }
}

/// Fails, saying what went wrong, unless `dials` are right for `workers`.
fn check_dials(dials: Dials, workers: usize) {
    assert!(
        dials.workers == workers,
        "{}",
        look(format!(
            "the worker dial reads {}, but this run has a limit of {workers}: \
             read the limit itself, not a number you chose",
            dials.workers
        ))
    );
    assert!(
        dials.live == LIVE,
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
/// compares what stays the same from run to run with the text it should be.
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
    let expected = format!(
        "concurrency: {LIVE} tasks alive at once ({CUSTOMERS} customers and main)\n\
         parallelism: at most {workers} running at the same instant (the worker limit)"
    );
    expect_text("the two dials", &dials, &expected);
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
