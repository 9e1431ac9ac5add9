//! `cargo run --release -p bug-catalogue`: for every bug of the catalogue
//! and every searcher, over 20 exploration seeds, whether it found the bug
//! within 1,000 schedules and the median number of schedules it took, all
//! in one run, side by side. Prints a Markdown section for BENCHMARKS.md
//! (`cargo xtask bench`); `-- --quick`: 3 seeds, a smoke run.

use barista::explore::Strategy;
use bug_catalogue::{
    barista_bugs, choice_points, median, search, Search, Searcher, BUDGET, RUN_LIMIT, SEEDS,
};

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let seeds = if quick { 3 } else { SEEDS };
    // A failing schedule is the point: the panics it causes are counted,
    // not printed.
    std::panic::set_hook(Box::new(|_| {}));
    let started = std::time::Instant::now();
    let mut rows = Vec::new();
    let mut costs = Vec::new();
    for bug in 0..barista_bugs::BUGS.len() {
        let searched: Vec<(u64, Vec<Search>)> = Searcher::ALL
            .iter()
            .map(|&searcher| {
                let tries = if searcher.seeded() { seeds } else { 1 };
                (
                    tries,
                    (0..tries).map(|seed| search(bug, searcher, seed)).collect(),
                )
            })
            .collect();
        rows.push(
            searched
                .iter()
                .map(|(tries, searches)| {
                    let found: Vec<Option<usize>> = searches.iter().map(|s| s.found).collect();
                    let (hits, middle) = median(&found);
                    (*tries, hits, middle)
                })
                .collect(),
        );
        costs.push(
            searched
                .iter()
                .map(|(_, searches)| cost_per_schedule(searches))
                .collect::<Vec<f64>>(),
        );
    }
    print_section(&rows, seeds, started.elapsed().as_secs_f64());
    println!();
    print_costs(&costs);
}

/// Microseconds a schedule took: all of a searcher's time on a bug over
/// all the schedules it ran there.
fn cost_per_schedule(searches: &[Search]) -> f64 {
    let took: f64 = searches.iter().map(|s| s.took.as_secs_f64()).sum();
    let tried: usize = searches.iter().map(|s| s.tried).sum();
    took * 1e6 / tried.max(1) as f64
}

fn print_costs(costs: &[Vec<f64>]) {
    println!(
        "## What a schedule costs
"
    );
    println!("The same searches, timed: each searcher's time on a bug (every seed, every schedule run, the baseline and a failing schedule's panic included) over the schedules it ran, in microseconds; schedules per second in the last row, over every bug. A barista schedule is a real tokio run (a runtime built, its tasks spawned, traced and collected, its choice points decided under one lock with a waker per poll); a shuttle schedule runs on shuttle's own executor. A schedule that hangs costs barista its whole run limit ({} ms: the deadlocks, `lock_order` and `lost_wakeup`), where shuttle sees the deadlock at once.\n", RUN_LIMIT.as_millis());
    let columns: Vec<String> = Searcher::ALL.iter().map(|s| s.label()).collect();
    println!("| bug | {} |", columns.join(" | "));
    println!("|---|{}", "---|".repeat(columns.len()));
    for (row, (name, _, _)) in costs.iter().zip(barista_bugs::BUGS) {
        let cells: Vec<String> = row.iter().map(|us| format!("{us:.0} µs")).collect();
        println!("| `{name}` | {} |", cells.join(" | "));
    }
    // The median bug: the two deadlocks' hang limit does not set it.
    let per_second: Vec<String> = (0..Searcher::ALL.len())
        .map(|column| {
            let mut column: Vec<f64> = costs.iter().map(|row| row[column]).collect();
            column.sort_by(f64::total_cmp);
            let middle = (column[(column.len() - 1) / 2] + column[column.len() / 2]) / 2.0;
            format!("{:.0}", 1e6 / middle)
        })
        .collect();
    println!(
        "| schedules per second (the median bug's cost) | {} |",
        per_second.join(" | ")
    );
    let [exploring, not_exploring, shuttle] = choice_points::costs();
    println!(
        "\n### What a choice point costs\n\nTwo tasks, each passing {} choice points (`barista::explore::point()`; on shuttle, `thread::yield_now()`), timed with and without the points; the difference over the points passed, in ns, each the median of 30 runs or schedules. Exploring, a choice point asks the schedule under its lock whether to switch, and a poll wraps its waker; not exploring, a thread-local access and two checks.\n",
        choice_points::POINTS
    );
    println!("| barista, exploring (random schedules) | barista, not exploring | shuttle, random scheduler |");
    println!("|---|---|---|");
    println!("| {exploring:.0} ns | {not_exploring:.0} ns | {shuttle:.0} ns |");
}

fn print_section(rows: &[Vec<(u64, usize, Option<f64>)>], seeds: u64, took: f64) {
    println!("# Finding bugs: barista's exploration and shuttle's, side by side\n");
    println!(
        "`cargo run --release -p bug-catalogue` (benches/catalogue): eight small buggy programs, each written on barista (real tokio at one worker, `barista::sync` and `barista::explore::point`) and on shuttle (its executor and primitives). Each passes in tokio's own order: the bug hides there. Every searcher gets {BUDGET} schedules and {seeds} exploration seeds; a cell says how many seeds found the bug, and the median schedules to the first failure among those. barista's baseline (tokio's own order, needed to know the right answer) counts as its first schedule. Exhaustive search has no seed (one run). A barista run past {} ms counts as a hang (the deadlocks); shuttle detects those itself. All measured in one run, {took:.0} s.\n",
        RUN_LIMIT.as_millis()
    );
    let columns: Vec<String> = Searcher::ALL.iter().map(|s| s.label()).collect();
    println!("| bug | {} |", columns.join(" | "));
    println!("|---|{}", "---|".repeat(columns.len()));
    let default = Searcher::ALL
        .iter()
        .position(|&s| s == Searcher::Barista(Strategy::default()))
        .expect("the default strategy is a column");
    let shuttle_pct = Searcher::ALL
        .iter()
        .position(|&s| s == Searcher::ShuttlePct)
        .expect("shuttle's PCT is a column");
    let mut unfound = Vec::new();
    let mut worse = Vec::new();
    for (row, (name, kind, _)) in rows.iter().zip(barista_bugs::BUGS) {
        let cells: Vec<String> = row
            .iter()
            .map(|&(tries, hits, middle)| match middle {
                Some(m) if tries == 1 => format!("found, after {m}"),
                Some(m) => format!("{hits}/{tries}, median {m}"),
                None => format!("0/{tries}"),
            })
            .collect();
        println!("| `{name}`: {kind} | {} |", cells.join(" | "));
        let (tries, hits, ours) = row[default];
        if hits < tries as usize {
            unfound.push(format!("`{name}` ({hits}/{tries})"));
        }
        let (_, _, theirs) = row[shuttle_pct];
        if let (Some(ours), Some(theirs)) = (ours, theirs) {
            if ours > theirs {
                worse.push(format!("`{name}` ({ours} against {theirs})"));
            }
        } else if ours.is_none() && theirs.is_some() {
            worse.push(format!("`{name}` (not found; shuttle's PCT found it)"));
        }
    }
    println!();
    let found_goal = if unfound.is_empty() {
        "met: every bug, every seed".to_string()
    } else {
        format!("missed for {}", unfound.join(", "))
    };
    let median_goal = if worse.is_empty() {
        "met on every bug".to_string()
    } else {
        format!("missed for {}", worse.join(", "))
    };
    println!("Goal (issue 13), every bug found within {BUDGET} schedules by barista's default strategy ({}): {found_goal}.\n", Strategy::default());
    println!("Goal, the default strategy's median no worse than shuttle's PCT on the same bug: {median_goal}.");
}
