//! Exercise 8 · Channel, mutex or atomic?

#[macro_use]
mod common;
exercise!(ex08_pick_the_primitive);

use std::panic::catch_unwind;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{attempt, look};
use exercise::{pick, work_pool, Cache, Primitive, Scenario, CAPACITY, CONSUMERS, JOBS};

/// The reference page's table: scenario, what to use, and why.
const TABLE: [(Scenario, Primitive, &str); 6] = [
    (
        Scenario::TransferOwnership,
        Primitive::Channel,
        "the send/receive is the handoff",
    ),
    (
        Scenario::Orchestration,
        Primitive::Channel,
        "select composes events cleanly",
    ),
    (
        Scenario::DistributeWork,
        Primitive::Channel,
        "a queue with built-in backpressure",
    ),
    (
        Scenario::GuardInternalState,
        Primitive::Mutex,
        "the simplest tool for a local invariant",
    ),
    (
        Scenario::HotCriticalSection,
        Primitive::Mutex,
        "channels synchronize internally and cost more",
    ),
    (
        Scenario::FlagOrCounter,
        Primitive::MutexOrAtomic,
        "there is no message to send, just a field to protect",
    ),
];

#[test]
fn each_pick_follows_the_table() {
    let mut problems = Vec::new();
    for (scenario, expected, why) in TABLE {
        match catch_unwind(|| pick(scenario)) {
            Err(_) => {
                // One unanswered scenario at a time: each prints its panic.
                problems.push(format!(
                    "pick(Scenario::{scenario:?}) is still a `todo!`: answer it with a `Primitive`"
                ));
                break;
            }
            Ok(picked) if picked != expected => problems.push(format!(
                "pick(Scenario::{scenario:?}) = Primitive::{picked:?}? Think again: {why}"
            )),
            Ok(_) => {}
        }
    }
    assert!(problems.is_empty(), "{}", look(problems.join("\n")));
}

#[barista::test]
async fn the_cache_makes_each_value_once_and_counts_every_hit() {
    const TASKS: u64 = 50;
    const KEYS: u64 = 10;
    let probe = attempt("Cache::get_or_insert_with", || {
        Cache::default().get_or_insert_with(7, || 49)
    });
    assert_eq!(probe, 49, "{}", look("a miss must return what `make` made"));

    let cache = Arc::new(Cache::default());
    let made: Arc<Vec<AtomicUsize>> = Arc::new((0..KEYS).map(|_| AtomicUsize::new(0)).collect());
    let wrong = Arc::new(AtomicUsize::new(0));
    let group = barista::Group::new();
    for task in 0..TASKS {
        let (cache, made, wrong) = (cache.clone(), made.clone(), wrong.clone());
        group.spawn(async move {
            for i in 0..KEYS {
                let key = (task + i) % KEYS;
                let value = cache.get_or_insert_with(key, || {
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
    assert_eq!(
        wrong,
        0,
        "{}",
        look(format!(
            "{wrong} lookups returned a value other than the one made for their key"
        ))
    );
    for (key, count) in made.iter().enumerate() {
        let count = count.load(Ordering::Relaxed);
        assert_eq!(
            count,
            1,
            "{}",
            look(format!(
                "`make` ran {count} times for key {key} ({TASKS} tasks asked for it): \
                 look the key up and insert it under ONE lock, so that no other task \
                 finds it missing in between"
            ))
        );
    }
    let expected_hits = (TASKS * KEYS - KEYS) as usize;
    assert_eq!(
        cache.hits(),
        expected_hits,
        "{}",
        look(format!(
            "{} hits counted, but {} of the {} lookups found their key cached: \
             count each one with `hits.fetch_add(1, ...)`",
            cache.hits(),
            expected_hits,
            TASKS * KEYS
        ))
    );
    barista::record("values made", KEYS);
    barista::record("hits", cache.hits());
}

#[barista::test]
async fn the_work_pool_never_queues_more_than_its_capacity() {
    let report = work_pool().await;
    assert_eq!(
        report.done,
        JOBS,
        "{}",
        look(format!(
            "the consumers finished {} jobs, not {JOBS}",
            report.done
        ))
    );
    let expected_sum: u64 = (1..=JOBS).map(|job| job * job).sum();
    assert_eq!(
        report.sum,
        expected_sum,
        "{}",
        look("the results do not add up")
    );
    assert!(
        report.most_queued <= CAPACITY,
        "{}",
        look(format!(
            "a consumer found {} jobs waiting in the queue at once, more than the \
             capacity of {CAPACITY}: nothing made the producer wait for the {CONSUMERS} \
             consumers. A bounded channel, `mpsc::channel({CAPACITY})`, is a queue with \
             backpressure: its `send(..).await` waits while the queue is full",
            report.most_queued
        ))
    );
    barista::record("jobs done", report.done);
    barista::record("sum of results", report.sum);
    barista::record("queue within capacity", true);
}
