//! Exercise 10 · Measure it.

#[macro_use]
mod common;
exercise!(ex10_measure_it);

use barista::amdahl::{self, Scaling};
use common::{attempt, close, look};
use exercise::{karp_flatt, sum_of_squares, CHUNKS, CHUNK_LEN};

/// 0² + 1² + ... + (m-1)², in closed form.
fn expected_total() -> u64 {
    let m = CHUNKS * CHUNK_LEN;
    (m - 1) * m * (2 * m - 1) / 6
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

#[barista::test]
async fn the_same_total_at_every_worker_count() {
    let total = sum_of_squares().await;
    assert_eq!(
        total,
        expected_total(),
        "{}",
        look(format!(
            "the total is {total}, not {}: is every chunk in it, and only once? \
             Wait for the whole group before reading it",
            expected_total()
        ))
    );
    barista::record("sum of squares", total);
}

#[test]
fn one_task_per_chunk() {
    let run = barista::run(common::config(2), sum_of_squares()).unwrap();
    let summary = run.trace.summary();
    let chunks = summary.by_name.get("sum_chunk").copied().unwrap_or(0);
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
    assert_eq!(run.output, expected_total());
}

#[test]
fn measure_the_speedup() {
    let max = barista::available_parallelism().min(4);
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
    if max >= 2 {
        let e = scaling
            .serial_fraction
            .expect("a serial fraction from 2 or more worker counts");
        assert!(e.is_finite() && (0.0..=1.0).contains(&e), "{scaling}");
    }
}
