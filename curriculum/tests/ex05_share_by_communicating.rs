//! Exercise 5 · Share memory by communicating.

#[macro_use]
mod common;
exercise!(ex05_share_by_communicating);

use std::time::Duration;

use common::{expect_text, look};

/// The exercise's `share_by_communicating`, at the type these tests judge.
async fn share_by_communicating() -> String {
    exercise::share_by_communicating().await
}

/// What the reference Go program prints.
const PRINTED: &str = "total: 100";

/// A hundred tiny messages take well under a millisecond; a second means
/// the owner is waiting for something that will never come.
const PATIENCE: Duration = Duration::from_secs(1);

fn still_waiting() -> String {
    look(
        "after all 100 requests were sent, the owner is still waiting for more: \
         `recv()` returns None only once the stream has ended, and a sender is still alive, \
         so the total never comes back. End the stream when the work is sent",
    )
}

#[barista::test(workers = [1, 2, 4], timeout_ms = 1500)]
async fn the_owner_hands_back_the_total() {
    let printed = tokio::time::timeout(PATIENCE, share_by_communicating())
        .await
        .unwrap_or_else(|_| panic!("{}", still_waiting()));
    assert!(
        printed == PRINTED,
        "{}",
        look(format!(
            "the program printed {printed:?}, not {PRINTED:?}: the owner should have counted \
             every 1 it was sent"
        ))
    );
    // Part of the summary, so it must agree at 1, 2 and 4 workers.
    barista::record("printed", printed);
}

#[test]
fn prints_what_the_go_program_prints() {
    // One expected output, checked at every worker count: it must not move.
    for workers in [1, 2, 4] {
        let config = common::config(workers).timeout(Duration::from_millis(1500));
        let run = match barista::run(config, share_by_communicating()) {
            Ok(run) => run,
            Err(barista::Error::TimedOut { .. }) => panic!("{}", still_waiting()),
            Err(other) => panic!("{}", look(other)),
        };
        assert_eq!(
            run.trace.summary().by_name.get("owner"),
            Some(&1),
            "exactly one task owns the count"
        );
        expect_text("what the program prints", &run.output, PRINTED);
    }
}
