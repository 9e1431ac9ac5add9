//! Exercise 7 · Disjoint writes need no lock.

#[macro_use]
mod common;
exercise!(ex07_disjoint_writes);

use common::{expect_text, look};

/// The exercise's `fill`, at the type these tests judge.
fn fill(slots: &mut [u64]) {
    exercise::fill(slots);
}

/// The exercise's `gomaxprocs_program`, at the type these tests judge.
async fn gomaxprocs_program() -> (Vec<u64>, String) {
    exercise::gomaxprocs_program().await
}

/// What the Go program prints on one worker.
const PRINTED: &str = "\
workers: 1
each worker summed 1..1000 = 500500
all workers agree: true
";

/// Fails, naming the first slot that was not filled, unless every slot holds
/// 1 + 2 + ... + 1000.
fn check_filled(slots: &[u64]) {
    if let Some((i, value)) = slots.iter().enumerate().find(|(_, v)| **v != 500_500) {
        panic!(
            "{}",
            look(format!(
                "slot {i} of {} holds {value}, not 500500 (1 + 2 + ... + 1000): nothing \
                 wrote the sum into it",
                slots.len()
            ))
        );
    }
}

#[test]
fn prints_what_the_go_program_prints() {
    let run = barista::run(common::config(1), gomaxprocs_program()).unwrap();
    let (slots, report) = run.output;
    assert_eq!(slots.len(), 1, "{}", look("one slot per worker"));
    check_filled(&slots);
    expect_text("what the program prints", &report, PRINTED);
}

// The results are compared, not the task counts: one thread per slot, and
// one slot per worker, so the threads' tasks rightly follow the worker count.
#[barista::test(workers = [1, 4], compare = "results")]
async fn every_slot_is_filled_at_every_worker_count() {
    let (slots, _) = gomaxprocs_program().await;
    assert_eq!(
        slots.len(),
        barista::workers(),
        "{}",
        look("one slot per worker: `barista::workers()` of them")
    );
    check_filled(&slots);
    // Stable facts only: the number of slots changes with the worker count.
    barista::record("every slot", slots[0]);
    barista::record("all workers agree", slots.iter().all(|s| *s == slots[0]));
}

#[test]
fn many_slots_many_threads() {
    // More slots than this machine has CPUs: still one thread each, no lock.
    let mut slots = vec![0; 64];
    fill(&mut slots);
    check_filled(&slots);
}
