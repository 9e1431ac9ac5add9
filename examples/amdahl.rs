//! Amdahl's law, printed and then measured on this machine.
//!
//! `cargo run --release --example amdahl`

use barista::amdahl::{self, Scaling};

/// A CPU-bound workload: a serial part, then `chunks` independent parts.
async fn workload() {
    // The serial fraction: one task, nobody else can help.
    std::hint::black_box(sum_of_squares(0..4_000_000));
    let group = barista::Group::new();
    for chunk in 0..16u64 {
        group.spawn(async move {
            let start = chunk * 2_000_000;
            std::hint::black_box(sum_of_squares(start..start + 2_000_000));
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

fn main() {
    println!("What Amdahl's law predicts:");
    print!("{}", amdahl::table(&amdahl::PAGE_FRACTIONS));
    println!();
    let max = barista::available_parallelism();
    println!("Measured here, at 1..={max} workers (5 runs each, medians):");
    print!("{}", Scaling::measure(max, 5, workload));
}
