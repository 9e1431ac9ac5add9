// Exercise 10 · Measure it
//
// Amdahl's law predicts; a stopwatch tells. Time a workload at 1 worker and
// at `n` workers: `s = time(1) / time(n)` is the measured speedup. Turn it
// around and ask which serial fraction `e` would explain it; that is the
// Karp-Flatt metric:
//
//     e = (1/s - 1/n) / (1 - 1/n)
//
// For a program that follows Amdahl's law exactly, `e` is its serial part.
// For a real one it also holds everything the law leaves out: spawning,
// scheduling, waiting for a lock, a worker the OS did not run. If `e` grows
// as `n` grows, overhead, not the serial code, is what stops the speedup.
//
// The workload here sums the squares of 0, 1, 2, ... in `CHUNKS` chunks.
// The chunks are independent, but as shipped the calling task sums every
// one of them itself: however many workers the run has, one does all the
// work and the others have nothing to do. Concurrency in the structure is
// what lets parallelism happen at all.
//
// In the timeline: one lane per worker, the chunks spread across them. At
// 1 worker they run one after another; at 2 or 4, side by side, and the
// serial part (main, `*`) runs alone whatever the worker count: that part
// is what Amdahl's law says caps the speedup.
//
// What to do: (a) write `karp_flatt`. (b) In `sum_of_squares`, spawn one task
// per chunk into a `barista::Group` and wait for the group, so that every
// worker can take chunks. The tests check the total at 1, 2 and 4 workers,
// count the `sum_chunk` tasks in the trace, then measure the speedup on this
// machine and print it. To see the table, run that test alone:
//
//     cargo test -p exercises --test ex10_measure_it measure -- --nocapture
//
// Timings are noisy on a shared machine, so the tests never judge them; you
// should.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The serial fraction that explains a `measured_speedup` on `workers`
/// (at least 2) workers.
pub fn karp_flatt(measured_speedup: f64, workers: usize) -> f64 {
    // TODO: e = (1/s - 1/n) / (1 - 1/n), with `n` as an f64.
    let _ = (measured_speedup, workers);
    todo!("karp_flatt: e = (1/s - 1/n) / (1 - 1/n)")
}

/// How many independent chunks the workload has.
pub const CHUNKS: u64 = 8;
/// How many numbers each chunk squares and adds.
pub const CHUNK_LEN: u64 = 125_000;

/// The sum of the squares of the numbers in chunk `chunk`: a few
/// milliseconds of CPU work. `#[barista::task]` names the task that runs it
/// `sum_chunk` in traces.
#[barista::task]
pub fn sum_chunk(chunk: u64) -> u64 {
    let start = chunk * CHUNK_LEN;
    // `black_box` keeps the compiler from replacing the loop by a formula.
    (start..start + CHUNK_LEN)
        .map(|n| std::hint::black_box(n) * n)
        .sum()
}

/// The sum of the squares of 0, 1, ..., `CHUNKS * CHUNK_LEN - 1`.
pub async fn sum_of_squares() -> u64 {
    // An atomic, so that many tasks can add their chunk's sum to it.
    let total = Arc::new(AtomicU64::new(0));
    // TODO: this loop sums every chunk right here, in the calling task. Spawn
    // one task per chunk into a `barista::Group` instead (each with its own
    // clone of `total`), then `wait()` for the group before reading `total`.
    for chunk in 0..CHUNKS {
        total.fetch_add(sum_chunk(chunk), Ordering::Relaxed);
    }
    total.load(Ordering::Relaxed)
}
