// Exercise 13 · A race that hides at one worker
//
// The café keeps its tips in one account, and fifty customers each deposit
// one coin at the same time. `deposit` reads the balance, then writes back
// the balance plus one. Each step locks the mutex, so no two threads ever
// touch the number at once: there is no data race, and the compiler is
// happy. But between the read and the write there is an `.await`, and at an
// `.await` another task may run, read the same old balance, and write the
// same "old + 1". One of the two deposits is lost. That is a race on the
// logic (read, then act on what you read), and no type system catches it.
//
// At one worker, with tokio's first-in first-out order and nothing that
// makes a task wait, every deposit runs from start to finish before the next
// one starts, and the balance comes out right: the race is still there, it
// just never gets its chance. Code that is correct only because of the
// schedule is not correct. barista can shake the schedule: with a `seed`,
// it may let other tasks run first whenever a `#[barista::task]` function
// starts, reproducibly for each seed. The Go page says the same of
// `GOMAXPROCS=1`: a bug that only hides there is still a bug.
//
// In the timeline: fifty deposit tasks, a letter each (the legend's `A-x`).
// At one worker without a seed, each letter appears once, start to finish:
// nothing interleaves, so nothing is lost. Under a shuffled schedule or at
// two workers, a letter appears twice, apart: that deposit was interrupted
// between its read and its write, and whoever ran in between read the same
// old balance.
//
// What to do: make each deposit one step that nothing can interrupt. The
// tests run the fifty deposits under shuffled schedules and expect every
// coin to arrive (balance 50).

use std::sync::{Arc, Mutex};

/// The café's tip account, shared by every task.
pub type Account = Arc<Mutex<u64>>;

/// How many customers deposit one coin each.
pub const DEPOSITS: u64 = 50;

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
    // TODO: between this read and the write below, other deposits may run
    // and their coins are then overwritten. Add the coin in one critical
    // section instead, with no `.await` between reading and writing.
    let read = current_balance(&account).await;
    store_balance(&account, read + 1).await;
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
