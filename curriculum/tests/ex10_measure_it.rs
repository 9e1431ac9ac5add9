//! Exercise 10 · Measure it.

#[macro_use]
mod common;
exercise!(ex10_measure_it);

use barista::amdahl::{self, Scaling};
use common::{attempt, close, look};

/// The workload's size: the tests' own numbers, which the exercise's
/// `CHUNKS` and `CHUNK_LEN` must match.
const CHUNKS: u64 = 8;
const CHUNK_LEN: u64 = 125_000;

/// 0² + 1² + ... + (m-1)², in closed form.
fn expected_total() -> u64 {
    let m = CHUNKS * CHUNK_LEN;
    (m - 1) * m * (2 * m - 1) / 6
}

/// The exercise's `karp_flatt`, at the type these tests judge.
fn karp_flatt(measured_speedup: f64, workers: usize) -> f64 {
    exercise::karp_flatt(measured_speedup, workers)
}

/// The exercise's `sum_of_squares`, at the type these tests judge, after
/// checking that the workload is the size the tests expect.
async fn sum_of_squares() -> u64 {
    let (chunks, chunk_len): (u64, u64) = (exercise::CHUNKS, exercise::CHUNK_LEN);
    assert!(
        (chunks, chunk_len) == (CHUNKS, CHUNK_LEN),
        "{}",
        look(format!(
            "CHUNKS = {chunks} and CHUNK_LEN = {chunk_len}, but the tests count on \
             {CHUNKS} and {CHUNK_LEN}: leave them as shipped"
        ))
    );
    exercise::sum_of_squares().await
}

/// How many `sum_chunk` tasks a run's trace shows.
fn chunk_tasks(summary: &barista::Summary) -> usize {
    summary.by_name.get("sum_chunk").copied().unwrap_or(0)
}

#[test]
fn karp_flatt_recovers_the_serial_fraction_of_an_amdahl_program() {
    for serial in [0.0, 0.05, 0.1, 0.3, 0.5] {
        for n in [2, 4, 8, 16] {
            // A program that is exactly `serial` serial speeds up this much.
            let s = amdahl::speedup(1.0 - serial, n);
            let e = attempt(&format!("karp_flatt({s:.4}, {n})"), || karp_flatt(s, n));
            assert!(
                (e - serial).abs() < 1e-9,
                "{}",
                look(format!(
                    "karp_flatt({s:.4}, {n}) = {e}, but a program that is {serial:?} serial \
                     speeds up {s:.4}x on {n} workers: e = (1/s - 1/n) / (1 - 1/n)"
                ))
            );
        }
    }
}

#[test]
fn karp_flatt_of_measured_speedups() {
    // Speedups as real runs give them: below n, at n, even above it.
    for (s, n) in [
        (1.7, 2),
        (1.0, 2),
        (3.1, 4),
        (2.2, 4),
        (4.0, 4),
        (4.4, 4),
        (5.9, 16),
    ] {
        let e = attempt(&format!("karp_flatt({s:?}, {n})"), || karp_flatt(s, n));
        let want = amdahl::karp_flatt(s, n);
        assert!(
            close(e, want),
            "{}",
            look(format!(
                "karp_flatt({s:?}, {n}) = {e}, expected {want:.6}: e = (1/s - 1/n) / (1 - 1/n)"
            ))
        );
    }
}

/// The total at 1, 2 and 4 workers, each made of the chunks' own tasks
/// (the calling task alone would give the right total too, on one worker).
#[test]
fn the_same_total_at_every_worker_count() {
    for workers in [1, 2, 4] {
        let run = barista::run(common::config(workers), sum_of_squares())
            .unwrap_or_else(|err| panic!("{}", look(err)));
        let total = run.output;
        assert!(
            total == expected_total(),
            "{}",
            look(format!(
                "at {workers} worker(s) the total is {total}, not {}: is every chunk in it, \
                 and only once? Wait for the whole group before reading it",
                expected_total()
            ))
        );
        let summary = run.trace.summary();
        let chunks = chunk_tasks(&summary);
        assert!(
            chunks as u64 == CHUNKS && summary.panicked + summary.unfinished == 0,
            "{}",
            look(format!(
                "at {workers} worker(s) the total is right, but it should come from {CHUNKS} \
                 `sum_chunk` tasks, one per chunk, and the trace shows {chunks}:\n{summary}"
            ))
        );
    }
}

#[test]
fn one_task_per_chunk() {
    let run = barista::run(common::config(2), sum_of_squares()).unwrap();
    let summary = run.trace.summary();
    let chunks = chunk_tasks(&summary);
    let why = if chunks == 0 {
        "the calling task summed every chunk itself, so at 2 workers the second one \
         had nothing to do. Spawn each chunk as a task in a `barista::Group`"
    } else {
        "each chunk should be one task, spawned in a `barista::Group`"
    };
    assert!(
        chunks as u64 == CHUNKS,
        "{}",
        look(format!(
            "the trace shows {chunks} `sum_chunk` tasks, not one per chunk ({CHUNKS}):\n\
             {summary}{why}"
        ))
    );
    assert_eq!(summary.panicked + summary.unfinished, 0, "{summary}");
    let total: u64 = run.output;
    assert_eq!(total, expected_total(), "{}", look("the total is wrong"));
}

#[test]
fn measure_the_speedup() {
    // At least 2, so that every run checks `karp_flatt` on a measurement.
    let max = barista::available_parallelism().clamp(2, 4);
    let scaling = Scaling::measure(max, 3, || async {
        std::hint::black_box(sum_of_squares().await);
    });
    // Real times on a shared machine: printed for you to read, never judged.
    println!("sum_of_squares at 1..={max} workers (3 runs each, medians):");
    print!("{scaling}");

    assert_eq!(scaling.rows.len(), max, "one row per worker count");
    for (row, workers) in scaling.rows.iter().zip(1..) {
        assert_eq!(row.workers, workers);
        assert_eq!(row.samples.len(), 3);
        assert!(
            (1..=workers).contains(&row.observed_parallelism),
            "at {workers} workers, {} tasks seemed to run at once",
            row.observed_parallelism
        );
        assert!(row.speedup.is_finite() && row.speedup > 0.0, "{scaling}");
        if let Some(theirs) = row.karp_flatt {
            let mine = attempt(
                &format!("karp_flatt({:.4}, {workers})", row.speedup),
                || karp_flatt(row.speedup, workers),
            );
            assert!(
                close(mine, theirs),
                "{}",
                look(format!(
                    "karp_flatt({}, {workers}) = {mine}, but the report computes {theirs}",
                    row.speedup
                ))
            );
        }
    }
    let e = scaling
        .serial_fraction
        .expect("a serial fraction from 2 or more worker counts");
    assert!(e.is_finite() && (0.0..=1.0).contains(&e), "{scaling}");
}
