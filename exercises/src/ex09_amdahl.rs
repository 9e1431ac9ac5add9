// Exercise 9 · Amdahl's law
//
// More workers help only with the part of a program that can be split. If a
// fraction `p` of the work can run in parallel, `n` workers do that part `n`
// times faster, while the rest, `1 - p`, takes as long as ever. Measured
// against one worker, the speedup is
//
//     speedup(p, n) = 1 / ((1 - p) + p / n)
//
// As `n` grows without bound, `p / n` shrinks to nothing and the speedup
// approaches a ceiling of `1 / (1 - p)`: the serial part alone. A program
// that is 50% parallel can never run more than twice as fast, whatever the
// machine. And this is the best case: real tasks also pay for spawning,
// scheduling and synchronizing, which the formula leaves out (exercise 10
// measures them).
//
// What to do: write `speedup` and `ceiling` (convert `n` with `as f64`);
// `table` then prints the reference page's table, and the test expects its
// exact numbers. Then answer the question at the bottom.

/// The speedup on `n` workers of a program whose fraction `p` (0 to 1) can
/// run in parallel.
pub fn speedup(p: f64, n: usize) -> f64 {
    // TODO: Amdahl's law, as the lesson above writes it.
    let _ = (p, n);
    todo!("speedup")
}

/// The most any number of workers can give a program whose fraction `p` can
/// run in parallel (infinite when all of it can).
pub fn ceiling(p: f64) -> f64 {
    // TODO: the limit of `speedup(p, n)` as `n` grows without bound.
    let _ = p;
    todo!("ceiling")
}

/// The parallel fractions in the reference page's table.
pub const FRACTIONS: [f64; 4] = [0.50, 0.90, 0.95, 0.99];

/// The reference page's table, one line per fraction.
pub fn table() -> String {
    FRACTIONS
        .iter()
        .map(|&p| {
            format!(
                "P={p:.2}  | 4 cores: {:5.2}x | 16 cores: {:5.2}x | ceiling: {:6.2}x\n",
                speedup(p, 4),
                speedup(p, 16),
                ceiling(p)
            )
        })
        .collect()
}

// Question: a program is 95% parallel (and 5% serial). At most how many
// times faster can any number of workers make it? Work it out, then write
// the number here (a plain number: no function calls).
//
// TODO: replace 0.0 with your answer.
pub const MOST_SPEEDUP_AT_95_PERCENT: f64 = 0.0;
