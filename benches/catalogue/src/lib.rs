//! A catalogue of small buggy concurrent programs, each written on barista
//! (real tokio) and on shuttle, and how soon each exploration strategy
//! finds each bug. `cargo xtask bench` runs `main.rs` and puts its table in
//! BENCHMARKS.md.

pub mod barista_bugs;
pub mod choice_points;
pub mod shuttle_bugs;

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use barista::explore::{self, Exploration, Explore, Strategy};

/// The schedules each search may try.
pub const BUDGET: usize = 1000;
/// The exploration seeds each strategy is run with.
pub const SEEDS: u64 = 20;
/// A barista run past this is a hang (the catalogue's deadlocks).
pub const RUN_LIMIT: Duration = Duration::from_millis(200);
/// shuttle's PCT depth: two priority change points, as its examples use.
pub const SHUTTLE_PCT_DEPTH: usize = 3;

/// One searcher of the table's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Searcher {
    Barista(Strategy),
    ShuttleRandom,
    ShuttlePct,
}

impl Searcher {
    pub const ALL: [Searcher; 6] = [
        Searcher::Barista(Strategy::Mixed),
        Searcher::Barista(Strategy::Pct),
        Searcher::Barista(Strategy::Random),
        Searcher::Barista(Strategy::Exhaustive),
        Searcher::ShuttlePct,
        Searcher::ShuttleRandom,
    ];

    pub fn label(self) -> String {
        match self {
            Searcher::Barista(Strategy::Mixed) => "barista mixed (default)".into(),
            Searcher::Barista(strategy) => format!("barista {strategy}"),
            Searcher::ShuttlePct => format!("shuttle check_pct (depth {SHUTTLE_PCT_DEPTH})"),
            Searcher::ShuttleRandom => "shuttle check_random".into(),
        }
    }

    /// Whether its seed changes what it tries (exhaustive search: no).
    pub fn seeded(self) -> bool {
        self != Searcher::Barista(Strategy::Exhaustive)
    }
}

/// What one search did.
#[derive(Debug, Clone, Copy)]
pub struct Search {
    /// Schedules tried up to and including the first failing one, within
    /// [`BUDGET`]; `None` when none failed.
    pub found: Option<usize>,
    /// Schedules run in all (the baseline counted).
    pub tried: usize,
    /// How long the search took, by the clock.
    pub took: Duration,
}

/// Searches `bug` with `searcher`.
pub fn search(bug: usize, searcher: Searcher, seed: u64) -> Search {
    let started = std::time::Instant::now();
    let (found, tried) = schedules_to_failure(bug, searcher, seed);
    Search {
        found,
        tried,
        took: started.elapsed(),
    }
}

/// (the schedules up to the first failing one, the schedules run in all).
fn schedules_to_failure(bug: usize, searcher: Searcher, seed: u64) -> (Option<usize>, usize) {
    match searcher {
        Searcher::Barista(strategy) => {
            let (_, _, body) = barista_bugs::BUGS[bug];
            let options = Explore::new(BUDGET as u32 - 1)
                .strategy(strategy)
                .seed(seed)
                .run_limit(RUN_LIMIT)
                .shrink(false);
            match explore::explore(&options, body) {
                // The baseline is the first schedule tried.
                Exploration::Failed(failure) => {
                    let tried = failure.tried as usize + 1;
                    (Some(tried), tried)
                }
                Exploration::BaselineFailed(_) => (Some(1), 1),
                Exploration::Passed { tried, .. } => (None, tried as usize + 1),
            }
        }
        Searcher::ShuttleRandom | Searcher::ShuttlePct => {
            let (_, test) = shuttle_bugs::BUGS[bug];
            let runs = Arc::new(AtomicUsize::new(0));
            let counted = runs.clone();
            let mut config = shuttle::Config::new();
            config.failure_persistence = shuttle::FailurePersistence::None;
            let body = move || {
                counted.fetch_add(1, Ordering::Relaxed);
                test();
            };
            let failed = std::panic::catch_unwind(AssertUnwindSafe(|| {
                if searcher == Searcher::ShuttlePct {
                    let scheduler = shuttle::scheduler::PctScheduler::new_from_seed(
                        seed,
                        SHUTTLE_PCT_DEPTH,
                        BUDGET,
                    );
                    shuttle::Runner::new(scheduler, config).run(body);
                } else {
                    let scheduler =
                        shuttle::scheduler::RandomScheduler::new_from_seed(seed, BUDGET);
                    shuttle::Runner::new(scheduler, config).run(body);
                }
            }))
            .is_err();
            let runs = runs.load(Ordering::Relaxed);
            (failed.then_some(runs), runs)
        }
    }
}

/// The median of what was found, and how many were found.
pub fn median(found: &[Option<usize>]) -> (usize, Option<f64>) {
    let mut hits: Vec<usize> = found.iter().flatten().copied().collect();
    hits.sort_unstable();
    let median = match hits.len() {
        0 => None,
        n if n % 2 == 1 => Some(hits[n / 2] as f64),
        n => Some((hits[n / 2 - 1] + hits[n / 2]) as f64 / 2.0),
    };
    (hits.len(), median)
}
