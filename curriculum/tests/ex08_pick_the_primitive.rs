//! Exercise 8 · Channel, mutex or atomic?

#[macro_use]
mod common;
exercise!(ex08_pick_the_primitive);

use std::panic::catch_unwind;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{attempt, look};
use exercise::{Cache, Primitive, Scenario};

/// The tests' own sizes of the work pool, which the exercise's constants
/// must match.
const CAPACITY: usize = 8;
const JOBS: u64 = 1_000;
const CONSUMERS: usize = 4;

/// A pick, as the tests name it: an exhaustive `match`, so that only which
/// variant the answer is counts.
fn named(primitive: Primitive) -> &'static str {
    match primitive {
        Primitive::Channel => "Channel",
        Primitive::Mutex => "Mutex",
        Primitive::MutexOrAtomic => "MutexOrAtomic",
    }
}

/// The reference page's table: scenario (and its name), what to use, and why.
const TABLE: [(Scenario, &str, &str, &str); 6] = [
    (
        Scenario::TransferOwnership,
        "TransferOwnership",
        "Channel",
        "the send/receive is the handoff",
    ),
    (
        Scenario::Orchestration,
        "Orchestration",
        "Channel",
        "select composes events cleanly",
    ),
    (
        Scenario::DistributeWork,
        "DistributeWork",
        "Channel",
        "a queue with built-in backpressure",
    ),
    (
        Scenario::GuardInternalState,
        "GuardInternalState",
        "Mutex",
        "the simplest tool for a local invariant",
    ),
    (
        Scenario::HotCriticalSection,
        "HotCriticalSection",
        "Mutex",
        "channels synchronize internally and cost more",
    ),
    (
        Scenario::FlagOrCounter,
        "FlagOrCounter",
        "MutexOrAtomic",
        "there is no message to send, just a field to protect",
    ),
];

#[test]
fn each_pick_follows_the_table() {
    let mut problems = Vec::new();
    for (scenario, name, expected, why) in TABLE {
        match catch_unwind(|| named(exercise::pick(scenario))) {
            Err(_) => {
                // One unanswered scenario at a time: each prints its panic.
                problems.push(format!(
                    "pick(Scenario::{name}) is still a `todo!`: answer it with a `Primitive`"
                ));
                break;
            }
            Ok(picked) if picked != expected => problems.push(format!(
                "pick(Scenario::{name}) = Primitive::{picked}? Think again: {why}"
            )),
            Ok(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", look(problems.join("\n")));
}

/// Fails unless the exercise's constant `name` is `value`, as shipped.
fn as_shipped<T: PartialEq + std::fmt::Display>(name: &str, theirs: T, value: T) {
    assert!(
        theirs == value,
        "{}",
        look(format!(
            "{name} is {theirs}, but the tests count on {value}: leave it as shipped"
        ))
    );
}

#[barista::test]
async fn the_cache_makes_each_value_once_and_counts_every_hit() {
    const TASKS: u64 = 50;
    const KEYS: u64 = 10;
    let probe: u64 = attempt("Cache::get_or_insert_with", || {
        Cache::default().get_or_insert_with(7, || 49)
    });
    assert!(
        probe == 49,
        "{}",
        look("a miss must return what `make` made")
    );

    let cache = Arc::new(Cache::default());
    let made: Arc<Vec<AtomicUsize>> = Arc::new((0..KEYS).map(|_| AtomicUsize::new(0)).collect());
    let wrong = Arc::new(AtomicUsize::new(0));
    let group = barista::Group::new();
    for task in 0..TASKS {
        let (cache, made, wrong) = (cache.clone(), made.clone(), wrong.clone());
        group.spawn(async move {
            for i in 0..KEYS {
                let key = (task + i) % KEYS;
                let value: u64 = cache.get_or_insert_with(key, || {
                    made[key as usize].fetch_add(1, Ordering::Relaxed);
                    // Take a moment, as a real computation would.
                    (0..1_000).fold(key * 100 + 1, |v, _| std::hint::black_box(v))
                });
                if value != key * 100 + 1 {
                    wrong.fetch_add(1, Ordering::Relaxed);
                }
                barista::yield_now().await;
            }
        });
    }
    group.wait().await;

    let wrong = wrong.load(Ordering::Relaxed);
    assert!(
        wrong == 0,
        "{}",
        look(format!(
            "{wrong} lookups returned a value other than the one made for their key"
        ))
    );
    for (key, count) in made.iter().enumerate() {
        let count = count.load(Ordering::Relaxed);
        assert!(
            count == 1,
            "{}",
            look(format!(
                "`make` ran {count} times for key {key} ({TASKS} tasks asked for it): \
                 look the key up and insert it under ONE lock, so that no other task \
                 finds it missing in between"
            ))
        );
    }
    let expected_hits = (TASKS * KEYS - KEYS) as usize;
    let hits: usize = cache.hits();
    assert!(
        hits == expected_hits,
        "{}",
        look(format!(
            "{hits} hits counted, but {expected_hits} of the {} lookups found their key cached: \
             some hits were not counted",
            TASKS * KEYS
        ))
    );
    barista::record("values made", KEYS);
    barista::record("hits", hits);
}

#[barista::test]
async fn the_work_pool_never_queues_more_than_its_capacity() {
    as_shipped("CAPACITY", exercise::CAPACITY, CAPACITY);
    as_shipped("JOBS", exercise::JOBS, JOBS);
    as_shipped("CONSUMERS", exercise::CONSUMERS, CONSUMERS);
    let report: exercise::PoolReport = exercise::work_pool().await;
    let (done, sum, most_queued): (u64, u64, usize) = (report.done, report.sum, report.most_queued);
    assert!(
        done == JOBS,
        "{}",
        look(format!("the consumers finished {done} jobs, not {JOBS}"))
    );
    let expected_sum: u64 = (1..=JOBS).map(|job| job * job).sum();
    assert!(sum == expected_sum, "{}", look("the results do not add up"));
    assert!(
        most_queued <= CAPACITY,
        "{}",
        look(format!(
            "a consumer found {most_queued} jobs waiting in the queue at once, more than the \
             capacity of {CAPACITY}: nothing made the producer wait for the {CONSUMERS} \
             consumers while the queue was full"
        ))
    );
    barista::record("jobs done", done);
    barista::record("sum of results", sum);
    barista::record("queue within capacity", true);
}
