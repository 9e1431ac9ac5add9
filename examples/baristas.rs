//! The reference page's café: three orders, each a task of three CPU-bound
//! steps. Run it on one worker and on two, without changing a line:
//!
//! ```text
//! BARISTA_WORKERS=1 cargo run --example baristas   # interleaved: 1 of 1
//! BARISTA_WORKERS=2 cargo run --example baristas   # parallel:    2 of 2
//! ```

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long one step of an order keeps a worker busy.
const STEP: Duration = Duration::from_millis(20);

/// Keeps the CPU busy (no sleeping: a sleeping task would free its worker).
fn work(for_how_long: Duration) {
    let start = Instant::now();
    while start.elapsed() < for_how_long {
        std::hint::spin_loop();
    }
}

/// Completed orders, recorded under a lock as each finishes.
type Done = Arc<Mutex<Vec<&'static str>>>;

// `preempt` yields at every loop iteration, as Go's scheduler would preempt a
// long-running goroutine, so one worker can switch between the orders.
#[barista::task(preempt)]
async fn take_order(done: Done) {
    for _ in 0..3 {
        work(STEP);
    }
    done.lock().unwrap().push("take order");
}

#[barista::task(preempt)]
async fn pull_espresso(done: Done) {
    for _ in 0..3 {
        work(STEP);
    }
    done.lock().unwrap().push("pull espresso");
}

#[barista::task(preempt)]
async fn steam_milk(done: Done) {
    for _ in 0..3 {
        work(STEP);
    }
    done.lock().unwrap().push("steam milk");
}

#[barista::main(timeline)]
async fn main() {
    let done = Done::default();
    // The group is the WaitGroup: spawn each order, then wait for all.
    let group = barista::Group::new();
    group.spawn(take_order(done.clone()));
    group.spawn(pull_espresso(done.clone()));
    group.spawn(steam_milk(done.clone()));
    group.wait().await;
    // Completion order depends on timing; sorted, the output does not.
    let mut done = done.lock().unwrap().clone();
    done.sort();
    // Printed the way the reference page's Go program prints its slice.
    println!("completed (sorted): [{}]", done.join(" "));
    println!("count: {}", done.len());
}
