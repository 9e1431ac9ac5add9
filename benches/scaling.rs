//! Amdahl's law on this machine: a CPU-bound workload with a serial part
//! of known size, measured at worker counts 1..=N, next to what the law
//! predicts and the serial fraction Karp–Flatt infers from the speedups.
//!
//! `cargo bench --bench scaling` (add `-- --quick` for a smoke run, or
//! `-- --max-workers N` to choose N; the default is every CPU available).
//! Prints a markdown section for BENCHMARKS.md.

use std::time::Duration;

use barista::amdahl::{self, Scaling};

/// Elements summed by the serial part; the parallel part sums
/// `PARALLEL_SHARE` times as many, in `CHUNKS` tasks.
struct Plan {
    serial_elements: u64,
    repeats: usize,
    max_workers: usize,
}

/// The parallel part is 8 times the serial part: P = 8/9 by construction.
const PARALLEL_SHARE: u64 = 8;
/// Many more chunks than workers, so that every worker count up to 16
/// gets an even share (tokio's work stealing balances the rest).
const CHUNKS: u64 = 256;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--quick");
    let max_workers = match args.iter().position(|a| a == "--max-workers") {
        Some(at) => match args.get(at + 1).and_then(|n| n.parse::<usize>().ok()) {
            Some(n) if n >= 1 => n,
            _ => {
                eprintln!("error: --max-workers needs a whole number of at least 1");
                std::process::exit(2);
            }
        },
        None => barista::available_parallelism(),
    };
    let plan = if quick {
        Plan {
            serial_elements: 1_000_000,
            repeats: 1,
            max_workers,
        }
    } else {
        Plan {
            serial_elements: 120_000_000,
            repeats: 5,
            max_workers,
        }
    };
    let parallel = PARALLEL_SHARE as f64 / (PARALLEL_SHARE + 1) as f64;
    let serial = plan.serial_elements;
    let scaling = Scaling::measure(plan.max_workers, plan.repeats, move || workload(serial))
        .by_design(parallel);

    println!("# Amdahl's law, measured: scaling of a CPU-bound workload");
    println!();
    println!(
        "machine: {}; `cargo bench --bench scaling{}`; {} runs at each worker count, taken \
         in turn (1, 2, …, N, then again), medians.",
        amdahl::machine(),
        if quick { " -- --quick" } else { "" },
        plan.repeats
    );
    println!();
    println!(
        "The workload: one task sums {serial} squares (the serial part), then {CHUNKS} tasks \
         sum {} squares in all (the parallel part): P = {PARALLEL_SHARE}/{} = {parallel:.3} by \
         construction. \"Amdahl, P by design\" is the law with that P; \"Amdahl, P fitted\" \
         uses the serial fraction Karp–Flatt infers from the measured speedups (their mean), \
         which also counts what the design leaves out: spawning, stealing, memory bandwidth, \
         CPUs that share a core.",
        serial * PARALLEL_SHARE,
        PARALLEL_SHARE + 1
    );
    println!();
    println!("| workers | median | range | speedup | Amdahl, P by design | Amdahl, P fitted | Karp–Flatt serial fraction | tasks seen at once |");
    println!("|---|---|---|---|---|---|---|---|");
    for row in &scaling.rows {
        let low = row.samples.iter().min().copied().unwrap_or_default();
        let high = row.samples.iter().max().copied().unwrap_or_default();
        println!(
            "| {} | {} | {}–{} | {:.2}x | {:.2}x | {:.2}x | {} | {} |",
            row.workers,
            millis(row.median),
            millis(low),
            millis(high),
            row.speedup,
            row.predicted.unwrap_or(f64::NAN),
            row.fitted,
            row.karp_flatt
                .map_or_else(|| "–".to_string(), |e| format!("{e:.3}")),
            row.observed_parallelism
        );
    }
    println!();
    match scaling.serial_fraction {
        Some(e) => println!(
            "Serial fraction: {:.3} by design, {e:.3} measured (Karp–Flatt); what the \
             measured fraction implies, whatever the number of workers: {}.",
            1.0 - parallel,
            amdahl::ceiling_in_words(e)
        ),
        None => println!("One worker only here: no speedup to measure."),
    }
    let notes = scaling.notes();
    if !notes.is_empty() {
        println!();
        for note in notes {
            println!("- {note}.");
        }
    }
}

/// The serial part, then the parallel part in `CHUNKS` tasks.
async fn workload(serial: u64) {
    std::hint::black_box(sum_of_squares(0..serial));
    let chunk = serial * PARALLEL_SHARE / CHUNKS;
    let group = barista::Group::new();
    for i in 0..CHUNKS {
        group.spawn(async move {
            let start = i * chunk;
            std::hint::black_box(sum_of_squares(start..start + chunk));
        });
    }
    group.wait().await;
}

fn sum_of_squares(range: std::ops::Range<u64>) -> u64 {
    // black_box keeps the compiler from finding a closed form.
    range
        .map(|n| std::hint::black_box(n).wrapping_mul(n))
        .fold(0, u64::wrapping_add)
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
