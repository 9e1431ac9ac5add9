//! Exercise 13 · A race that hides at one worker.

#[macro_use]
mod common;
exercise!(ex13_hidden_race);

use common::look;
use exercise::{fifty_deposits, DEPOSITS};

/// The fifty deposits, and the one fact that must hold on every schedule.
async fn every_coin_arrives() {
    let balance = fifty_deposits().await;
    barista::record("balance", balance);
    assert_eq!(
        balance,
        DEPOSITS,
        "{}",
        look(format!(
            "{DEPOSITS} deposits of one coin left a balance of {balance}: {} coins were lost. \
             A deposit read the balance, another deposit ran at the `.await` before the \
             write, and the first one then wrote back an old balance + 1",
            DEPOSITS.saturating_sub(balance)
        ))
    );
}

/// Not a judge: this one passes even with the race, because at one worker in
/// first-in first-out order nothing ever runs between a deposit's read and its
/// write. It is here to show that a green run at one worker proves nothing.
#[barista::test(workers = [1])]
async fn passes_even_with_the_race_at_one_worker_in_fifo_order() {
    every_coin_arrives().await;
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
