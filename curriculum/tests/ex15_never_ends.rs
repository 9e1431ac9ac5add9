//! Exercise 15 · A task that never ends.

#[macro_use]
mod common;
exercise!(ex15_never_ends);

use std::time::Duration;

use common::{expect_text, look};

/// The exercise's `serve`, at the type these tests judge.
async fn serve(orders: &'static [&'static str]) -> Vec<String> {
    exercise::serve(orders).await
}

/// The picture of a solved run: paused time gives a logical clock, so it is
/// the same on every run.
const TIMELINE: &str = "\
timeline: 4 tasks on 1 worker, paused time, 13 steps, 69 columns
(a step is a poll starting or ending; tokio's paused clock never moved)
worker 0 |*************************AAAAAAAAAAABBBBBBBBBBBCCCCCCCCCCC***********|
  * main  A-C make_drink (3 tasks)
each task: its letter while it runs, '-' while it waits or is ready
  *      |*************************---------------------------------***********|
  A      |                         AAAAAAAAAAA                                 |
  B      |                         -----------BBBBBBBBBBB                      |
  C      |                         ----------------------CCCCCCCCCCC           |
order of polls per lane:
worker 0: * -> A -> B -> C -> *
observed parallelism: 1 of 1 worker
";

const ORDERS: [&str; 3] = ["latte", "espresso", "cappuccino"];

/// Waiting forever is the bug, so every run here has a short time limit.
const LIMIT: Duration = Duration::from_millis(1500);
/// Three drinks take well under a millisecond; within the test's time limit,
/// a second means `serve` waits for something that will never come.
const PATIENCE: Duration = Duration::from_secs(1);

/// Why a `serve` that does not return within `limit` never will: what the
/// exercise is about, not the fix.
fn never_returns(orders: &[&str], workers: usize, limit: Duration) -> String {
    look(format!(
        "serve({orders:?}) at {workers} worker(s) did not return within {:.1} s. {} drinks take \
         well under a millisecond, so this is not slowness: the counter is waiting for a \
         message that can no longer come, and nothing tells it so. A channel's receiver stops \
         waiting only when the channel closes, and it closes when no sender is left. Which \
         senders are still alive once the last barista is done? (The timeline shows the \
         counter, `*`, waiting after the last drink.)",
        limit.as_secs_f64(),
        orders.len()
    ))
}

#[barista::test(workers = [1, 2, 4], timeout_ms = 1500)]
async fn every_drink_arrives_and_serve_returns() {
    let workers = barista::workers();
    let drinks = tokio::time::timeout(PATIENCE, serve(&ORDERS))
        .await
        .unwrap_or_else(|_| panic!("{}", never_returns(&ORDERS, workers, PATIENCE)));
    assert_eq!(
        drinks,
        ["cappuccino, ready", "espresso, ready", "latte, ready"],
        "{}",
        look("serve must return one drink per order, sorted")
    );
    barista::record("drinks", drinks.len());
    // No orders, no baristas: the channel closes at once.
    let none = tokio::time::timeout(PATIENCE, serve(&[]))
        .await
        .unwrap_or_else(|_| panic!("{}", never_returns(&[], workers, PATIENCE)));
    assert!(none.is_empty(), "{}", look("no orders, no drinks"));
}

/// Runs `serve` on `orders` at `workers`, explaining a run that never ends.
/// The patience runs inside the run, so that a run that waits forever still
/// ends, with its trace (and the learner sees its timeline); `LIMIT` stops a
/// worker that is blocked for good.
fn run_serve(workers: usize, orders: &'static [&'static str]) -> barista::Run<Vec<String>> {
    let patient = async move { tokio::time::timeout(PATIENCE, serve(orders)).await };
    match barista::run(common::config(workers).timeout(LIMIT), patient) {
        Ok(barista::Run {
            output: Ok(drinks),
            trace,
        }) => barista::Run {
            output: drinks,
            trace,
        },
        Ok(_) => panic!("{}", never_returns(orders, workers, PATIENCE)),
        Err(barista::Error::TimedOut { .. }) => {
            panic!("{}", never_returns(orders, workers, LIMIT))
        }
        Err(other) => panic!("{}", look(other)),
    }
}

#[test]
fn nothing_is_left_behind() {
    const FIVE: [&str; 5] = ["mocha", "latte", "flat white", "espresso", "cortado"];
    for workers in [1, 2, 4] {
        let run = run_serve(workers, &FIVE);
        assert_eq!(
            run.output.len(),
            FIVE.len(),
            "{}",
            look("one drink per order")
        );
        let summary = run.trace.summary();
        assert_eq!(
            (
                summary.spawned,
                summary.returned,
                summary.unfinished,
                summary.by_name.get("make_drink").copied()
            ),
            (FIVE.len() + 1, FIVE.len() + 1, 0, Some(FIVE.len())),
            "{}",
            look(format!(
                "every task (main and one barista per order) must return; none may be left waiting:\n{summary}"
            ))
        );
    }
}

#[test]
fn timeline() {
    // Paused time gives a logical clock: the same picture on every run.
    let run = match barista::run(
        common::config(1).start_paused(true).timeout(LIMIT),
        serve(&ORDERS),
    ) {
        Ok(run) => run,
        Err(err) => panic!("{}", look(err)),
    };
    expect_text("the timeline", &run.trace.timeline().to_string(), TIMELINE);
}
