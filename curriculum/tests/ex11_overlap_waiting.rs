//! Exercise 11 · Overlap the waiting.

#[macro_use]
mod common;
exercise!(ex11_overlap_waiting);

use std::time::Duration;

use common::{expect_text, look};

/// How many orders come in at once, and how long each waits: the tests' own
/// numbers, which the exercise's `ORDERS` and `WAIT` must match.
const ORDERS: usize = 10;
const WAIT: Duration = Duration::from_millis(100);

/// What serving the orders took, as plain values.
struct Served {
    ready: Vec<usize>,
    took: Duration,
    workers: usize,
}

impl std::fmt::Display for Served {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} orders ready after {} ms on {} worker{}",
            self.ready.len(),
            self.took.as_millis(),
            self.workers,
            if self.workers == 1 { "" } else { "s" }
        )
    }
}

/// The exercise's `serve_orders`, its report taken as plain values.
async fn serve_orders() -> Served {
    let (orders, wait): (usize, Duration) = (exercise::ORDERS, exercise::WAIT);
    assert!(
        (orders, wait) == (ORDERS, WAIT),
        "{}",
        look(format!(
            "ORDERS = {orders} and WAIT = {wait:?}, but the tests count on {ORDERS} orders \
             of {WAIT:?}: leave them as shipped"
        ))
    );
    let served: exercise::Served = exercise::serve_orders().await;
    let (ready, took, workers): (Vec<usize>, Duration, usize) =
        (served.ready, served.took, served.workers);
    Served {
        ready,
        took,
        workers,
    }
}

/// Fails unless the orders overlapped: all ready, in `WAIT` of tokio time.
/// `real` is the wall-clock time the run took, for the message only.
fn check_overlapped(served: &Served, real: Duration) {
    let expected: Vec<usize> = (0..ORDERS).collect();
    assert!(
        served.ready == expected,
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
    expect_text(
        "the report",
        &run.output.to_string(),
        "10 orders ready after 100 ms on 1 worker",
    );
}
