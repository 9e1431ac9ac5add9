// Exercise 3 · The two dials
//
// A tokio task is not a thread. A run has a handful of workers (threads), and
// any number of tasks take turns on them. So there are two separate dials:
//
// - how many tasks EXIST: set by your code, one per `spawn`; it can be
//   millions. That is concurrency. `barista::live_tasks()` reads it, like
//   Go's `runtime.NumGoroutine()` (the `main` task counts too).
// - how many RUN at the same instant: at most the worker limit, a handful.
//   That is parallelism. `barista::workers()` reads it, like Go's
//   `runtime.GOMAXPROCS(0)`.
//
// Below, 10,000 customers queue at a café that has not opened yet. Each one
// is a task, and each is alive and waiting at the door (an awaited gate,
// which costs no worker while it waits). The café has the same number of
// tasks whether it runs on 1 worker or 4: only the second dial moves.
//
// What to do: read both dials while all 10,000 customers are waiting, after
// they have all arrived and before the doors open. The tests run this at 1,
// 2 and 4 workers and expect 10,001 live tasks every time, and a worker
// reading equal to the run's limit.
//
// In the timeline, both dials at once: the worker lanes (as many as the
// limit) are how many tasks RUN at an instant; the `alive` row below them is
// how many EXIST, rising to 10,001 while the customers queue and falling as
// they leave. The legend counts them: 10,000 tasks share one letter.

use std::sync::Arc;

use tokio::sync::{watch, Semaphore};

/// How many customers queue at the door.
pub const CUSTOMERS: usize = 10_000;

/// The two readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dials {
    /// The worker limit: how many tasks can run at the same instant.
    pub workers: usize,
    /// The tasks alive right now, `main` included.
    pub live: usize,
}

/// One customer: says it has arrived, then waits until the doors open.
#[barista::task]
async fn customer(arrived: Arc<Semaphore>, mut doors: watch::Receiver<bool>) {
    // One permit per customer at the door: `main` counts them.
    arrived.add_permits(1);
    // Awaiting gives the worker back: a waiting customer costs no worker.
    let _ = doors.wait_for(|open| *open).await;
}

/// Queues the customers, reads the dials while they all wait, then opens
/// the doors and waits until every customer has gone in.
pub async fn read_the_dials() -> Dials {
    let arrived = Arc::new(Semaphore::new(0));
    let (open_doors, doors) = watch::channel(false);
    let queue = barista::Group::new();
    for _ in 0..CUSTOMERS {
        queue.spawn(customer(arrived.clone(), doors.clone()));
    }
    // Returns once every customer has arrived: all of them exist and wait.
    let _all_here = arrived.acquire_many(CUSTOMERS as u32).await.unwrap();

    // TODO: read the two dials here, while every customer is waiting:
    // the worker limit and the number of live tasks.
    let dials = Dials {
        workers: 0,
        live: 0,
    };

    open_doors.send_replace(true);
    queue.wait().await;
    dials
}
