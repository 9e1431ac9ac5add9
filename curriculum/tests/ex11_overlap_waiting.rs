//! Exercise 11 · Overlap the waiting.

#[macro_use]
mod common;
exercise!(ex11_overlap_waiting);

use common::look;
use exercise::{serve_orders, Served, ORDERS, WAIT};

/// Fails unless the orders overlapped: all ready, in `WAIT` of tokio time.
/// `real` is the wall-clock time the run took, for the message only.
fn check_overlapped(served: &Served, real: std::time::Duration) {
    let expected: Vec<usize> = (0..ORDERS).collect();
    assert_eq!(
        served.ready,
        expected,
        "{}",
        look(format!("not every order was ready: {:?}", served.ready))
    );
    let wait = WAIT.as_millis();
    let why = if served.took.is_zero() {
        format!(
            "tokio's clock, paused for the test, saw no waiting at all, yet the run took \
             {:.1} s of real time: each `std::thread::sleep` blocked the only worker, so \
             the orders waited one after another. Wait with `tokio::time::sleep(..).await`, \
             which gives the worker back while the order waits",
            real.as_secs_f64()
        )
    } else if served.took < WAIT {
        "that is less than one wait: each order must wait the whole `WAIT`".to_string()
    } else {
        "the waits did not overlap: every order must be waiting at the same time, \
         each in its own task"
            .to_string()
    };
    assert!(
        served.took == WAIT,
        "{}",
        look(format!(
            "{served}, but ten overlapping waits of {wait} ms take {wait} ms in all, \
             even on one worker: {why}"
        ))
    );
}

#[barista::test(workers = [1], start_paused = true, timeout_ms = 10_000)]
async fn ten_waits_overlap_on_one_worker() {
    let real = std::time::Instant::now();
    let served = serve_orders().await;
    check_overlapped(&served, real.elapsed());
    barista::record("orders ready", served.ready.len());
    barista::record("tokio time", format!("{} ms", served.took.as_millis()));
}

#[test]
fn served() {
    let real = std::time::Instant::now();
    let config = common::config(1).start_paused(true);
    let run = barista::run(config, serve_orders()).unwrap();
    check_overlapped(&run.output, real.elapsed());
    // The win is not parallelism: one task ran at a time.
    assert_eq!(run.trace.observed_parallelism(), 1);
    let summary = run.trace.summary();
    assert_eq!(
        summary.by_name.get("brew_order"),
        Some(&ORDERS),
        "{summary}"
    );
    insta::assert_snapshot!(run.output.to_string());
}
