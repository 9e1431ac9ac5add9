// Exercise 11 · Overlap the waiting
//
// Concurrency pays off even on ONE worker when tasks spend their time
// waiting: for a network reply, a disk, a timer, an espresso machine. While
// one task waits, the worker can run another, so ten waits of 100 ms can all
// happen in the same 100 ms. No second worker is involved: the speedup comes
// from hiding the waiting, not from extra hands.
//
// That only works if a task gives the worker back while it waits.
// `tokio::time::sleep(d).await` does: the task is parked until its timer
// fires and the worker runs whoever is ready. `std::thread::sleep(d)` does
// not: it blocks the whole worker thread, and on one worker nothing else can
// run until it returns, so the waits happen one after another. The same goes
// for any blocking call in async code (std file or socket I/O, a std
// `Mutex` held for long, a busy loop): the compiler cannot tell, so you have
// to.
//
// The tests run on one worker with tokio's clock paused: a tokio sleep then
// finishes at once in real time, while the clock jumps forward by exactly the
// time slept. So the test can check, exactly and without waiting, that ten
// overlapped waits take 100 ms of tokio time. (A `std::thread::sleep` really
// sleeps, and tokio's clock never sees it.)
//
// In the timeline (paused time): the `clock` row is tokio's clock, and each
// order has a lane of its own, its letter while it runs and '-' while it
// waits. Solved, the ten waits lie one above the other, all in the same
// 100 ms, while the worker lane is idle ('.'): nothing to do but wait.
// Blocking, each order holds the worker for its whole wait.
//
// What to do: make `brew_order` wait without blocking the worker.

use std::fmt;
use std::time::Duration;

use tokio::time::Instant;

/// How many orders come in at once.
pub const ORDERS: usize = 10;
/// How long each order waits for the espresso machine.
pub const WAIT: Duration = Duration::from_millis(100);

/// One order: wait for the machine, then it is ready.
#[barista::task]
pub async fn brew_order(order: usize) -> usize {
    // TODO: this blocks the worker for the whole wait; wait in a way that
    // gives the worker back to the other orders meanwhile.
    std::thread::sleep(WAIT);
    order
}

/// What serving the orders took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// The orders that are ready, sorted.
    pub ready: Vec<usize>,
    /// Time from the first order to the last one ready, on tokio's clock.
    pub took: Duration,
    /// The worker limit of the run.
    pub workers: usize,
}

impl fmt::Display for Served {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
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

/// Takes `ORDERS` orders at once, one task each, and waits for all of them.
pub async fn serve_orders() -> Served {
    let started = Instant::now();
    let orders: Vec<_> = (0..ORDERS)
        .map(|order| barista::spawn(brew_order(order)))
        .collect();
    let mut ready = Vec::with_capacity(ORDERS);
    for order in orders {
        ready.push(order.await.expect("an order panicked"));
    }
    ready.sort_unstable();
    Served {
        ready,
        took: started.elapsed(),
        workers: barista::workers(),
    }
}
