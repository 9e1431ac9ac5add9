//! Exercise 1 · Interleaved on one worker.

#[macro_use]
mod common;
exercise!(ex01_interleaved);

use common::{expect_text, look};

/// The exercise's `two_baristas`, at the type these tests judge.
async fn two_baristas() -> Vec<&'static str> {
    exercise::two_baristas().await
}

/// The picture of a solved run: paused time gives a logical clock, so it is
/// the same on every run.
const TIMELINE: &str = "\
timeline: 3 tasks on 1 worker, paused time, 22 steps, 69 columns
(a step is a poll starting or ending; tokio's paused clock never moved)
worker 0 |************AAAAAAABBBBBBBBBBBBBBAAAAAAAAAAAABBBBBBBBBBBBAAAAAA******|
  * main  A barista A  B barista B
each task: its letter while it runs, '-' while it waits or is ready
  *      |************---------------------------------------------------******|
  A      |            AAAAAAA--------------AAAAAAAAAAAA------------AAAAAA      |
  B      |            -------BBBBBBBBBBBBBB------------BBBBBBBBBBBB            |
order of polls per lane:
worker 0: * -> A -> B -> B -> A -> A -> B -> B -> A -> *
observed parallelism: 1 of 1 worker
";

/// How often consecutive steps were done by different baristas.
fn turns(steps: &[&str]) -> usize {
    steps.windows(2).filter(|pair| pair[0] != pair[1]).count()
}

#[barista::test(workers = [1], repeat = 3, timeout_ms = 10_000)]
async fn the_baristas_take_turns() {
    let steps = two_baristas().await;
    assert_eq!(steps.len(), 6, "{}", look("each barista does 3 steps"));
    assert!(
        turns(&steps) >= 3,
        "{}",
        look(format!(
            "on one worker the baristas never took turns: {steps:?}; \
             each ran all its steps at once, because nothing in the loop gives the worker back"
        ))
    );
    barista::record("steps", steps.len());
}

#[test]
fn one_worker_means_interleaved_never_parallel() {
    let run = barista::run(common::config(1), two_baristas()).unwrap();
    let trace = &run.trace;
    assert_eq!(trace.observed_parallelism(), 1);
    // One poll per step, plus the last one that finds the loop done.
    let polls = common::poll_order(trace);
    for name in ["barista A", "barista B"] {
        assert_eq!(
            polls.iter().filter(|n| **n == name).count(),
            4,
            "{}",
            look(format!(
                "{name} ran in one go ({polls:?}); it should stop after every step"
            ))
        );
    }
}

#[test]
fn timeline() {
    // Paused time gives a logical clock: the same picture on every run.
    let run = barista::run(common::config(1).start_paused(true), two_baristas()).unwrap();
    expect_text("the timeline", &run.trace.timeline().to_string(), TIMELINE);
}
