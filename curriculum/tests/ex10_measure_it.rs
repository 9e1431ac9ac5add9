//! Exercise 10 · Measure it.

#[macro_use]
mod common;
exercise!(ex10_measure_it);

use std::sync::Mutex;

use barista::amdahl::{self, Scaling};
use common::{attempt, close, look};

/// The workload's size: the tests' own numbers, which the exercise's
/// `CHUNKS` and `CHUNK_LEN` must match.
const CHUNKS: u64 = 8;
const CHUNK_LEN: u64 = 250_000;
/// The parallel fraction by construction: 8 independent chunks, and one
/// more of the same length done serially.
const PARALLEL_BY_DESIGN: f64 = CHUNKS as f64 / (CHUNKS + 1) as f64;

/// One test at a time: a measurement must not share the CPUs with the other
/// tests of this file (libtest runs them side by side).
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn alone() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// 0² + 1² + ... + (m-1)² for the serial part and every chunk, in closed
/// form, wrapped to u64 as the workload's arithmetic is.
fn expected_total() -> u64 {
    let m = u128::from((CHUNKS + 1) * CHUNK_LEN);
    ((m - 1) * m * (2 * m - 1) / 6) as u64
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
                     speeds up {s:.4}x on {n} workers"
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
            look(format!("karp_flatt({s:?}, {n}) = {e}, expected {want:.6}"))
        );
    }
}

/// The total at 1, 2 and 4 workers, each made of the chunks' own tasks
/// (the calling task alone would give the right total too, on one worker).
#[test]
fn the_same_total_at_every_worker_count() {
    let _alone = alone();
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
                 `sum_chunk` tasks, one per independent chunk, and the trace shows \
                 {chunks}:\n{summary}"
            ))
        );
    }
}

#[test]
fn one_task_per_chunk() {
    let _alone = alone();
    let run = barista::run(common::config(2), sum_of_squares()).unwrap();
    let summary = run.trace.summary();
    let chunks = chunk_tasks(&summary);
    let why = if chunks == 0 {
        "the calling task summed every chunk itself, so at 2 workers the second one \
         had nothing to do"
    } else {
        "each independent chunk should be one task of its own"
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

/// The report's arithmetic, checked on one quick measurement: each row's
/// Karp-Flatt figure is what the learner's `karp_flatt` gives. The timings
/// themselves are never judged.
#[test]
fn the_report_uses_your_karp_flatt() {
    let _alone = alone();
    let scaling = Scaling::measure(2, 1, || async {
        std::hint::black_box(sum_of_squares().await);
    })
    .by_design(PARALLEL_BY_DESIGN);
    assert_eq!(scaling.rows.len(), 2, "one row per worker count");
    for (row, workers) in scaling.rows.iter().zip(1..) {
        assert_eq!(row.workers, workers);
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
}

/// How many times one measured run does the whole workload: long enough
/// (a few hundred milliseconds at 1 worker) that a scheduler's hiccup is
/// small beside it.
const ROUNDS: usize = 4;

/// The measurement to read: five runs at each worker count, in turn, each
/// run the workload `ROUNDS` times; Amdahl's prediction from the parallel
/// fraction by design beside each speedup. `cargo xtask` runs it and shows
/// what it prints; by hand:
/// `cargo test -p exercises --test ex10_measure_it -- --include-ignored --nocapture measure`.
#[test]
#[ignore = "a measurement to read, not a check: `cargo xtask run ex10` shows it"]
fn measure_the_speedup() {
    let _alone = alone();
    let max = barista::available_parallelism().clamp(2, 4);
    let scaling = Scaling::measure(max, 5, || async {
        for _ in 0..ROUNDS {
            std::hint::black_box(sum_of_squares().await);
        }
    })
    .by_design(PARALLEL_BY_DESIGN);
    println!(
        "sum_of_squares x{ROUNDS} at 1..={max} workers, 5 runs each in turn; P = 8/9 by design:"
    );
    print!("{scaling}");
    assert_eq!(scaling.rows.len(), max, "one row per worker count");
}
