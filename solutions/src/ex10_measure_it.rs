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
// The workload here is built so that its parallel fraction is known before
// anything is measured: nine equal chunks of squares to add up. The first,
// `serial_part`, is serial by design: the calling task does it alone before
// any other chunk starts. The other `CHUNKS` (8) are independent. So
// P = 8/9 = 0.889, and Amdahl's law predicts, before you measure, 1.80x at
// 2 workers and 3.00x at 4. As shipped, the calling task also sums the 8
// other chunks itself: however many workers the run has, one does all the
// work. Concurrency in the structure is what lets parallelism happen at all.
//
// `cargo xtask run ex10` (or `cargo xtask`) shows the measurement once the
// tests pass: for each worker count, the median of five runs, the fastest
// and the slowest (the spread), the speedup next to Amdahl's prediction
// from P = 0.889, and Karp-Flatt's `e` next to 1/9 = 0.111. Read it like
// a scientist: does the speedup follow the prediction? Where it does not,
// the notes under the table say what stands out (a run slower on 2 workers
// than on 1 means another program took a CPU; more workers than CPUs cannot
// help) and the spread says how far to trust a median.
//
// In the timeline: one lane per worker, the chunks spread across them. At
// 1 worker they run one after another; at 2 or 4, side by side, and the
// serial part (inside main, `*`) runs alone whatever the worker count: that
// part is what Amdahl's law says caps the speedup.
//
// What to do: (a) write `karp_flatt`. (b) In `sum_of_squares`, let every
// worker take a share of the 8 independent chunks, while the serial part
// stays serial. The tests check the total at 1, 2 and 4 workers and count
// the `sum_chunk` tasks in the trace (one per independent chunk). The
// measurement itself is never judged: timings on a shared machine are yours
// to read.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// The serial fraction that explains a `measured_speedup` on `workers`
/// (at least 2) workers.
pub fn karp_flatt(measured_speedup: f64, workers: usize) -> f64 {
    // Amdahl's law solved for the serial fraction, given s and n.
    let n = workers as f64;
    (1.0 / measured_speedup - 1.0 / n) / (1.0 - 1.0 / n)
}

/// How many independent chunks the workload has (the parallel part).
pub const CHUNKS: u64 = 8;
/// How many numbers each chunk, the serial part included, squares and adds.
pub const CHUNK_LEN: u64 = 250_000;

/// The squares of the numbers in chunk `chunk`, added up: tens of
/// milliseconds of CPU work. (Wrapping arithmetic: the total may go round
/// `u64`, and the tests know it.)
fn squares(chunk: u64) -> u64 {
    let start = chunk * CHUNK_LEN;
    // `black_box` keeps the compiler from replacing the loop by a formula.
    (start..start + CHUNK_LEN).fold(0u64, |sum, n| {
        sum.wrapping_add(std::hint::black_box(n).wrapping_mul(n))
    })
}

/// The serial part, by design: chunk 0, which the calling task finishes
/// before any other chunk starts. As long as one chunk, so that the
/// parallel fraction is CHUNKS / (CHUNKS + 1) by construction.
pub fn serial_part() -> u64 {
    squares(0)
}

/// One independent chunk (1..=CHUNKS). `#[barista::task]` names the task
/// that runs it `sum_chunk` in traces.
#[barista::task]
pub fn sum_chunk(chunk: u64) -> u64 {
    squares(chunk)
}

/// The sum of the squares of 0, 1, ..., `(CHUNKS + 1) * CHUNK_LEN - 1`
/// (wrapping): the serial part, then the chunks.
pub async fn sum_of_squares() -> u64 {
    // An atomic, so that many tasks can add their chunk's sum to it. The
    // serial part comes first, alone: no chunk starts before it is done.
    let total = Arc::new(AtomicU64::new(serial_part()));
    // One task per chunk: independent pieces any worker can pick up.
    let group = barista::Group::new();
    for chunk in 1..=CHUNKS {
        let total = total.clone();
        group.spawn(async move {
            total.fetch_add(sum_chunk(chunk), Ordering::Relaxed);
        });
    }
    // Go's wg.Wait(): every chunk is in `total` after this.
    group.wait().await;
    total.load(Ordering::Relaxed)
}
