// Exercise 13 · A race that hides at one worker
//
// The café keeps its tips in one account, and fifty customers each deposit
// one coin at the same time. `deposit` reads the balance, then writes back
// the balance plus one. Each step locks the mutex, so no two threads ever
// touch the number at once: there is no data race, and the compiler is
// happy. But between the read and the write there is an `.await`, and at an
// `.await` another task may run, read the same old balance, and write the
// same "old + 1". One of the two coins is lost. That is a race on the logic
// (read, then act on what you read), and no type system catches it.
//
// At one worker, tokio runs ready tasks first in, first out, and nothing
// here makes a deposit wait: each one runs from start to finish before the
// next starts, and the balance comes out right. The race is still there; it
// just never gets its chance. Code that is correct only because of the
// schedule is not correct. The Go page says the same of `GOMAXPROCS=1`: a
// bug that only hides there is still a bug.
//
// barista can look for the schedule that breaks it. `#[barista::test(explore
// = N)]` runs the body once in tokio's own order (the baseline), then under
// up to N other schedules at one worker: at each *choice point* (a task's
// poll starting, a `#[barista::task]` function starting, a lock taken or a
// message sent through `barista::sync`) a schedule may make the running task
// give way to the tasks that are ready. It stops at the first schedule whose
// answer differs from the baseline's, shrinks it to the fewest switches that
// still fail, and prints it as a short string (`3`: switch at choice point
// 3), the command that replays it exactly, and the failing run's timeline
// under the baseline's, each marked where the two runs part.
//
// Part 1 · Find it. The first test explores a copy of this café with two
// deposits, and, until `LOSING_SCHEDULE` below names a schedule that loses
// a coin, fails with what exploration found. Read its timelines: in the
// baseline, deposit A runs start to finish, then B. In the failing schedule,
// A gives way at the mark, between its read and its write; B reads the same
// old balance and writes its coin; then A comes back and writes its stale
// "old + 1" over B's coin. Write the shrunk schedule it printed into
// `LOSING_SCHEDULE`.
//
// Part 2 · Fix it. Make each deposit one step that nothing can interrupt.
// The other tests explore the fifty deposits under hundreds of schedules at
// one worker (and run them in parallel at two and four) and expect every
// coin to arrive: a balance of 50.

use std::sync::{Arc, Mutex};

/// The café's tip account, shared by every task.
pub type Account = Arc<Mutex<u64>>;

/// How many customers deposit one coin each.
pub const DEPOSITS: u64 = 50;

/// Part 1: the schedule that loses a coin, as the first test's failure
/// prints it under "shrunk to:" (choice points separated by commas).
pub const LOSING_SCHEDULE: &str = "3";

/// Reads the balance (as a bank's service would, asynchronously).
#[barista::task]
pub async fn current_balance(account: &Account) -> u64 {
    *account.lock().unwrap()
}

/// Overwrites the balance with `value`.
#[barista::task]
pub async fn store_balance(account: &Account, value: u64) {
    *account.lock().unwrap() = value;
}

/// One customer deposits one coin.
#[barista::task]
pub async fn deposit(account: Account) {
    // One critical section: the lock is held from the read to the write,
    // and with no `.await` in between, no other deposit can run there.
    *account.lock().unwrap() += 1;
}

/// Fifty concurrent deposits into a new account; returns the final balance.
pub async fn fifty_deposits() -> u64 {
    let account = Account::default();
    let customers = barista::Group::new();
    for _ in 0..DEPOSITS {
        customers.spawn(deposit(account.clone()));
    }
    customers.wait().await;
    current_balance(&account).await
}
