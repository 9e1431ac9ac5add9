//! Exercise 13 · A race that hides at one worker.
//!
//! There is no test at one worker in first-in first-out order: there, nothing
//! ever runs between a deposit's read and its write, so every coin arrives
//! even with the race left in. A green run at one worker proves nothing;
//! every test here shakes the schedule (with a seed) or runs in parallel.

#[macro_use]
mod common;
exercise!(ex13_hidden_race);

use std::sync::{Arc, Mutex};

use common::look;

/// How many customers deposit one coin each: the tests' own count, which the
/// exercise's `DEPOSITS` must match.
const DEPOSITS: u64 = 50;

/// Fails, explaining the lost coins, unless `balance` holds every deposit.
fn check_balance(what: &str, balance: u64) {
    assert!(
        balance == DEPOSITS,
        "{}",
        look(format!(
            "{what}: {DEPOSITS} deposits of one coin left a balance of {balance}: {} coins were \
             lost. A deposit read the balance, another deposit ran at the `.await` before the \
             write, and the first one then wrote back an old balance + 1",
            DEPOSITS.saturating_sub(balance)
        ))
    );
}

/// The one fact that must hold on every schedule: fifty concurrent deposits,
/// made by the tests into an account they read themselves, leave fifty
/// coins; and so do the exercise's own `fifty_deposits`.
async fn every_coin_arrives() {
    let deposits: u64 = exercise::DEPOSITS;
    assert!(
        deposits == DEPOSITS,
        "{}",
        look(format!(
            "DEPOSITS is {deposits}, but fifty customers deposit a coin each: leave it at {DEPOSITS}"
        ))
    );

    let account: Arc<Mutex<u64>> = Arc::default();
    let customers = barista::Group::new();
    for _ in 0..DEPOSITS {
        customers.spawn(exercise::deposit(account.clone()));
    }
    customers.wait().await;
    let balance: u64 = *account.lock().unwrap();
    check_balance("in the tests' own account", balance);

    let balance: u64 = exercise::fifty_deposits().await;
    check_balance("in fifty_deposits", balance);
    barista::record("balance", balance);
}

/// The judge: twenty shuffled schedules at one worker, each exactly
/// reproducible from its seed (1 to 20).
#[barista::test(workers = [1], seed = 1, repeat = 20)]
async fn every_coin_arrives_under_shuffled_schedules() {
    every_coin_arrives().await;
}

/// Shuffled and parallel: the same answer at every worker count.
#[barista::test(workers = [2, 4], seed = 1, repeat = 5)]
async fn every_coin_arrives_in_parallel() {
    every_coin_arrives().await;
}
