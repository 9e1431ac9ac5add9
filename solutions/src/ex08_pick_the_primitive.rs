// Exercise 8 · Channel, mutex or atomic?
//
// Channels and mutexes both coordinate tasks, but they answer different
// questions. A channel moves a value from one task to another: whoever
// receives it owns it, so it fits handing over data or handing out work. A
// mutex guards the state of one thing in place: many tasks reach the same
// map or struct, one at a time. An atomic is a mutex's little sibling for a
// single number or flag: `fetch_add` is one indivisible step, no lock to take.
// Pick by what the code means, not by habit.
//
// The reference page sums this up in a table of six scenarios. This exercise
// has three parts:
//
// (a) `pick`: the table as code. Answer each scenario with a `Primitive`.
//
// (b) `Cache`: the state of one thing, so a `std::sync::Mutex` guards its
//     map; its hit counter is a single number, so it is an `AtomicUsize`.
//     `get_or_insert_with` must call `make` at most once per key, however
//     many tasks ask for the same key at the same time.
//
// (c) `work_pool`: handing out work, so a channel. A producer sends `JOBS`
//     jobs, `CONSUMERS` consumer tasks take them from one shared receiver.
//     A channel with a capacity gives backpressure for free: when the queue
//     is full, the producer's `send(..).await` waits until a consumer has
//     taken a job. An unbounded channel never makes the producer wait, so on
//     one worker it queues all 1,000 jobs before any consumer gets a turn.
//
// In the timeline of the work pool: the consumers (one letter each, `A-D`)
// take turns with the producer (`*`); with a bounded queue the producer
// stops between sends and lets them catch up.
//
// What to do: answer every `todo!` in `pick`; write `get_or_insert_with`;
// in `work_pool`, keep the producer from running more than `CAPACITY` jobs
// ahead of the consumers. The tests check each pick, count calls and hits
// exactly with many tasks at 1, 2 and 4 workers, and watch the queue length,
// which must never exceed `CAPACITY`.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;

// ----- (a) The table -----

/// The six rows of the reference page's "Channels or mutexes?" table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// Transferring ownership of data between tasks.
    TransferOwnership,
    /// Coordinating several pieces of logic: orchestration.
    Orchestration,
    /// Distributing units of work to a pool of workers.
    DistributeWork,
    /// Guarding a struct's internal state.
    GuardInternalState,
    /// A tight, performance-critical critical section.
    HotCriticalSection,
    /// A simple flag or counter under contention.
    FlagOrCounter,
}

/// What to reach for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    /// `tokio::sync::mpsc` (or `std::sync::mpsc` between threads).
    Channel,
    /// `std::sync::Mutex` (or `tokio::sync::Mutex` held across an `.await`).
    Mutex,
    /// A mutex, or for a single number or flag an atomic (`AtomicUsize`, ...).
    MutexOrAtomic,
}

/// The primitive that fits `scenario`.
pub fn pick(scenario: Scenario) -> Primitive {
    match scenario {
        // The send/receive is the handoff: the receiver owns the value.
        Scenario::TransferOwnership => Primitive::Channel,
        // `select!` over channels composes events cleanly.
        Scenario::Orchestration => Primitive::Channel,
        // A queue with built-in backpressure.
        Scenario::DistributeWork => Primitive::Channel,
        // The simplest tool for a local invariant.
        Scenario::GuardInternalState => Primitive::Mutex,
        // A channel synchronizes internally too, and costs more.
        Scenario::HotCriticalSection => Primitive::Mutex,
        // No message to send, just one field to protect.
        Scenario::FlagOrCounter => Primitive::MutexOrAtomic,
    }
}

// ----- (b) A cache: one thing's state, and a counter -----

/// Remembers `make(key)` for each key; shared by many tasks (in an `Arc`).
#[derive(Debug, Default)]
pub struct Cache {
    /// The cached values: the internal state of one thing, so a mutex.
    entries: Mutex<HashMap<u64, u64>>,
    /// How often a value was found already cached: one number, so an atomic.
    hits: AtomicUsize,
}

impl Cache {
    /// The value cached for `key`; on a miss, `make()` computes it first.
    /// `make` runs at most once per key, even when many tasks ask at once.
    pub fn get_or_insert_with(&self, key: u64, make: impl FnOnce() -> u64) -> u64 {
        // One lock around the lookup and the insert: no other task can find
        // the key missing in between, so `make` runs once per key.
        let mut entries = self.entries.lock().unwrap();
        match entries.entry(key) {
            Entry::Occupied(cached) => {
                // A counter: one indivisible add, no lock of its own needed.
                self.hits.fetch_add(1, Ordering::Relaxed);
                *cached.get()
            }
            Entry::Vacant(missing) => *missing.insert(make()),
        }
    }

    /// How many lookups found their key already cached.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }
}

// ----- (c) A work pool: handing out work -----

/// How many jobs may wait in the queue at once.
pub const CAPACITY: usize = 8;
/// How many jobs the producer hands out: 1, 2, ..., `JOBS`.
pub const JOBS: u64 = 1_000;
/// How many consumer tasks share the queue.
pub const CONSUMERS: usize = 4;

/// What the pool did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolReport {
    /// The sum of every job's result.
    pub sum: u64,
    /// How many jobs the consumers finished.
    pub done: u64,
    /// The longest queue a consumer found when it came for a job.
    pub most_queued: usize,
}

impl PoolReport {
    /// Adds up what two consumers did.
    fn add(self, other: PoolReport) -> PoolReport {
        PoolReport {
            sum: self.sum + other.sum,
            done: self.done + other.done,
            most_queued: self.most_queued.max(other.most_queued),
        }
    }
}

/// What a consumer does with one job: a little work, then its result.
pub fn process(job: u64) -> u64 {
    (0..100).fold(job * job, |acc, _| std::hint::black_box(acc))
}

/// The producer hands `JOBS` jobs to `CONSUMERS` consumer tasks through one
/// queue, and adds up what they did.
pub async fn work_pool() -> PoolReport {
    // Bounded: when `CAPACITY` jobs are queued, `send` waits for a consumer
    // to take one. That is backpressure.
    let (sender, receiver) = mpsc::channel(CAPACITY);

    // One receiver shared by all consumers. A consumer holds the lock while
    // it waits in `recv().await`, so the lock is tokio's: a `std` mutex must
    // not be held across an `.await`.
    let queue = Arc::new(tokio::sync::Mutex::new(receiver));
    let consumers: Vec<_> = (0..CONSUMERS)
        .map(|_| {
            let queue = queue.clone();
            barista::spawn_named("consumer", async move {
                // Each consumer tallies its own work and hands it back at the
                // end: no shared counters.
                let mut mine = PoolReport::default();
                loop {
                    let mut receiver = queue.lock().await;
                    // The probe: how many jobs are waiting right now.
                    mine.most_queued = mine.most_queued.max(receiver.len());
                    let Some(job) = receiver.recv().await else {
                        break; // closed: every sender is gone, the queue is empty
                    };
                    drop(receiver);
                    mine.sum += process(job);
                    mine.done += 1;
                }
                mine
            })
        })
        .collect();

    // The producer.
    for job in 1..=JOBS {
        sender
            .send(job)
            .await
            .expect("the consumers are still receiving");
    }
    drop(sender); // closes the channel, Go's close(jobs)

    let mut report = PoolReport::default();
    for consumer in consumers {
        report = report.add(consumer.await.expect("a consumer panicked"));
    }
    report
}
