// Exercise 6 · Join them all, then sort
//
// Three orders, three tasks: take an order, pull an espresso, steam milk.
// They are independent, so they may finish in any order, and on more than
// one worker that order really does change from run to run. A test cannot
// pin down an order like that. What it can pin down are the stable facts:
// all three finished, and here they are, sorted.
//
// Two things make the output stable. First, a join: the caller waits until
// every task is done before it reads what they did. `barista::Group` is the
// join-all (Go's `sync.WaitGroup`): `group.spawn(...)` adds a task,
// `group.wait().await` returns once all of them have finished. Without it,
// the caller reads the list while the orders are still being made, or
// before they have even started. Second, a sort: the tasks append in
// completion order, so sort before printing.
//
// Each task records its completion in a `Vec` behind a `std::sync::Mutex`:
// guarding one thing's state is what a mutex is for. (The lock is held for
// one `push` and never across an `.await`, so a std mutex is the right one.)
//
// In the timeline: main's lane shows '-' from the spawns until the last
// order is done (the join), and only then main's letter again: reading the
// list before that point is the bug.
//
// What to do: wait for all three orders before reading the list, and sort
// it. The tests run this five times at 1, 2 and 4 workers and expect, every
// time, what the Go program prints:
//     completed (sorted): [pull espresso steam milk take order]
//     count: 3

use std::sync::{Arc, Mutex};

/// The three orders, in the order they are handed out.
pub const ORDERS: [&str; 3] = ["take order", "pull espresso", "steam milk"];

/// What has been completed so far, in completion order.
type Completed = Arc<Mutex<Vec<&'static str>>>;

/// One order: done, and recorded as done under the lock.
#[barista::task]
async fn make(order: &'static str, completed: Completed) {
    completed.lock().unwrap().push(order);
}

/// Hands out the three orders as concurrent tasks; returns what was
/// completed, as the caller sees it.
pub async fn run_the_orders() -> Vec<&'static str> {
    let completed = Completed::default();
    let group = barista::Group::new();
    for order in ORDERS {
        group.spawn(make(order, completed.clone()));
    }
    // The join (Go's `wg.Wait()`): after this, all three have finished
    // and nothing writes to the list any more.
    group.wait().await;

    let mut done = completed.lock().unwrap().clone();
    // Completion order changes from run to run; sorted order does not.
    done.sort_unstable();
    done
}

/// The Go program's output: a slice prints as `[a b c]`.
pub fn report(done: &[&str]) -> String {
    format!(
        "completed (sorted): [{}]\ncount: {}",
        done.join(" "),
        done.len()
    )
}
