//! `cargo run --release -p bug-catalogue`: for every bug of the catalogue
//! and every searcher, over 20 exploration seeds, whether it found the bug
//! within 1,000 schedules and the median number of schedules it took, all
//! in one run, side by side. Prints a Markdown table.

use bug_catalogue::{
    barista_bugs, median, schedules_to_failure, Searcher, BUDGET, RUN_LIMIT, SEEDS,
};

fn main() {
    // A failing schedule is the point: the panics it causes are counted,
    // not printed.
    std::panic::set_hook(Box::new(|_| {}));
    let started = std::time::Instant::now();
    let columns: Vec<String> = Searcher::ALL.iter().map(|s| s.label()).collect();
    println!("| bug | {} |", columns.join(" | "));
    println!("|---|{}", "---|".repeat(columns.len()));
    for (bug, (name, kind, _)) in barista_bugs::BUGS.iter().enumerate() {
        let mut cells = Vec::new();
        for searcher in Searcher::ALL {
            let seeds = if searcher.seeded() { SEEDS } else { 1 };
            let found: Vec<Option<usize>> = (0..seeds)
                .map(|seed| schedules_to_failure(bug, searcher, seed))
                .collect();
            let (hits, middle) = median(&found);
            let cell = match middle {
                Some(m) if seeds == 1 => format!("found, after {m}"),
                Some(m) => format!("{hits}/{seeds} found, median {m}"),
                None => format!("0/{seeds} found"),
            };
            cells.push(cell);
        }
        println!("| `{name}`: {kind} | {} |", cells.join(" | "));
    }
    println!();
    println!(
        "Each cell: of {SEEDS} exploration seeds, how many found the bug within {BUDGET} schedules, and the median schedules to the first failure among those (the baseline counts as the first; exhaustive search has no seed: one run). A barista run past {} ms counts as a hang. Took {:.0} s.",
        RUN_LIMIT.as_millis(),
        started.elapsed().as_secs_f64()
    );
}
