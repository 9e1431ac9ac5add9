//! Exercise 13 · A race that hides at one worker.
//!
//! There is no test at one worker in tokio's own order alone: there, nothing
//! ever runs between a deposit's read and its write, so every coin arrives
//! even with the race left in. A green run in that order proves nothing;
//! every test here explores schedules, or runs in parallel.

#[macro_use]
mod common;
exercise!(ex13_hidden_race);

use std::sync::{Arc, Mutex};
use std::time::Duration;

use barista::explore::{self, Explore, Outcome, Schedule};
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

// --- Part 1: the tests' own copy of the café, with the race, two deposits --

type Account = Arc<Mutex<u64>>;

#[barista::task]
async fn balance_of(account: &Account) -> u64 {
    *account.lock().unwrap()
}

#[barista::task]
async fn store(account: &Account, value: u64) {
    *account.lock().unwrap() = value;
}

/// The race as shipped: read, an `.await`, write back what was read plus one.
#[barista::task]
async fn deposit_as_shipped(account: Account) {
    let read = balance_of(&account).await;
    store(&account, read + 1).await;
}

/// Two deposits into a new account: both coins must arrive.
async fn two_deposits() {
    let account = Account::default();
    let customers = barista::Group::new();
    for _ in 0..2 {
        customers.spawn(deposit_as_shipped(account.clone()));
    }
    customers.wait().await;
    let balance = *account.lock().unwrap();
    assert!(
        balance == 2,
        "two deposits left a balance of {balance}: a coin was lost"
    );
}

#[test]
fn part_1_name_the_schedule_that_loses_a_coin() {
    let options = Explore::new(200);
    let given: &str = exercise::LOSING_SCHEDULE;
    let schedule = given
        .parse::<Schedule>()
        .ok()
        .filter(|s| *s != Schedule::baseline());
    let Some(schedule) = schedule else {
        let exploration = explore::explore(&options, two_deposits);
        let found = exploration
            .failure()
            .map(|failure| failure.report(None))
            .unwrap_or_else(|| format!("(exploration found nothing: {exploration:?})"));
        panic!(
            "{}",
            look(format!(
                "Part 1: LOSING_SCHEDULE is {given:?}. Write there the schedule that loses a \
                 coin, as exploration prints it under \"shrunk to:\". This is what it found, \
                 exploring two deposits of the café as shipped:\n\n{found}"
            ))
        );
    };
    let ran = explore::run_schedule(&options, &two_deposits, &schedule, Duration::from_secs(10));
    assert!(
        matches!(&ran.outcome, Outcome::Panicked(message) if message.contains("a coin was lost")),
        "{}",
        look(format!(
            "Part 1: LOSING_SCHEDULE = {given:?} loses no coin: two deposits of the café as \
             shipped, replayed under it, {}. Copy the schedule printed under \"shrunk to:\" \
             when LOSING_SCHEDULE held no schedule",
            ran.outcome
        ))
    );
}

// --- Part 2: the exercise's deposits, fixed ----------------------------------

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

/// The judge: the baseline and up to 300 schedules at one worker, each
/// replayable; at two and four workers, 20 seeded runs in parallel.
#[barista::test(workers = [1, 2, 4], explore = 300)]
async fn part_2_every_coin_arrives_on_every_schedule() {
    every_coin_arrives().await;
}
