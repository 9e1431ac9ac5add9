// Exercise 2 · Parallel on two workers
//
// Parallelism is a property of the running program, not of the code. The
// two baristas below are written exactly like any other pair of tasks; give
// the run TWO workers and tokio may poll them at the same instant, one on
// each worker. Nothing in the code says "parallel": the worker limit does.
//
// "May" is not good enough for a test, so each barista waits at the pass
// until the other one has arrived, using a `std::sync::Barrier` for two.
// `Barrier::wait` blocks the *thread* that calls it, not just the task. On
// two workers that is the point: barista A holds worker 0 while it waits,
// barista B arrives on worker 1, and for that moment both tasks are running
// at once. The barrier also names one of them the leader: the last to arrive.
//
// The same code on ONE worker never finishes. The first barista blocks the
// only worker while it waits, so the second never gets a worker to arrive
// on: a deadlock. An `.await` that is not ready gives the worker back; a
// blocking call inside async code keeps it. (`tokio::sync::Barrier`, awaited,
// would not deadlock on one worker, but it would not force parallelism
// either: the baristas would just take turns.)
//
// In the timeline: at two workers, one barista in each worker lane, both
// letters in the same columns: two at once, that is parallelism. At one
// worker there is no picture of the deadlock to draw: the run never ends,
// so it is stopped, and only the first barista ever ran.
//
// What to do: make each barista wait at the pass for the other one. The
// tests run the pair on TWO workers and expect observed parallelism 2 and
// exactly one barista to arrive last; then on ONE worker, where they expect
// the deadlock (the run is stopped after 0.3 s).

use std::sync::{Arc, Barrier};

/// One barista at the pass: waits there until the other barista has arrived,
/// and says whether it was the last of the two to arrive.
pub async fn meet_at_the_pass(arrived: Arc<Barrier>) -> bool {
    // TODO: the goal: neither barista leaves the pass before the other one
    // has arrived, and exactly one of them reports that it arrived last.
    // The constraint: the wait blocks its worker on purpose (`arrived` is a
    // std `Barrier`, not an async one), which is what deadlocks at 1 worker.
    // As it is, nobody waits.
    let _ = arrived;
    false
}

/// Baristas A and B, spawned as two tasks; returns who arrived last.
pub async fn two_baristas() -> Vec<&'static str> {
    let arrived = Arc::new(Barrier::new(2));
    // Both are spawned before either is awaited, so both are ready to run at
    // once and a second worker can pick one of them up.
    let a = barista::spawn_named("A", meet_at_the_pass(arrived.clone()));
    let b = barista::spawn_named("B", meet_at_the_pass(arrived));
    let mut last = Vec::new();
    if a.await.unwrap() {
        last.push("A");
    }
    if b.await.unwrap() {
        last.push("B");
    }
    last
}
