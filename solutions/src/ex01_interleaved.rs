// Exercise 1 · Interleaved on one worker
//
// Concurrency is how a program is *structured*: independent tasks that may
// run in any order. It does not need a second worker. With one worker, tokio
// runs one task at a time, and a task keeps the worker until it reaches an
// `.await` whose value is not ready yet; only then can another task run.
// Switching at those points is interleaving: concurrent, never parallel.
//
// `brew` below does its three steps without ever giving the worker back, so
// on one worker barista A finishes everything before barista B starts. That
// is still correct, but it is not what a café with one pair of hands does:
// take an order, start the espresso, and while it runs, take the next order.
//
// What to do: make the two baristas take turns. The tests run them on ONE
// worker and expect neither to do all its steps in one go, with observed
// parallelism 1. Which barista goes next at each switch is tokio's choice,
// not yours: a solved run often goes A, B, B, A, A, B.
//
// In the timeline: the worker lane shows one letter at a time (one pair of
// hands), and the lane of each barista shows its letter while it runs and
// '-' while it waits for its turn. Unsolved, A's lane is one block and B
// waits through all of it; solved, the two lanes take turns.

use std::sync::{Arc, Mutex};

/// The steps done so far, in order, by barista name.
pub type Log = Arc<Mutex<Vec<&'static str>>>;

/// One barista working through the three steps of an order.
pub async fn brew(name: &'static str, log: Log) {
    for _step in 0..3 {
        log.lock().unwrap().push(name);
        // An .await that is never ready the first time: the worker is free
        // to run the other barista before this one does its next step.
        barista::yield_now().await;
    }
}

/// Baristas A and B, spawned as two tasks; returns who did each step.
pub async fn two_baristas() -> Vec<&'static str> {
    let log = Log::default();
    let a = barista::spawn_named("barista A", brew("A", log.clone()));
    let b = barista::spawn_named("barista B", brew("B", log.clone()));
    a.await.unwrap();
    b.await.unwrap();
    let steps = log.lock().unwrap().clone();
    steps
}
