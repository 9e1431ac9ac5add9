//! What one choice point costs while exploring, beside what it costs when
//! not exploring and what one of shuttle's scheduling points costs: the
//! same program (two tasks, each passing `points` choice points) timed with
//! and without its points, the difference over the points passed.

use std::time::{Duration, Instant};

use barista::explore::{self, Exploration, Explore, Strategy};

/// Choice points each of the program's two tasks passes.
pub const POINTS: usize = 1000;
/// Schedules (or runs) each figure is the median over.
const RUNS: u32 = 30;

/// ns per choice point: (barista exploring, barista not exploring,
/// shuttle), each the median over `RUNS` schedules.
pub fn costs() -> [f64; 3] {
    let per_point = |with: Duration, without: Duration| {
        (with.as_secs_f64() - without.as_secs_f64()).max(0.0) * 1e9 / (2 * POINTS) as f64
    };
    [
        per_point(exploring(POINTS), exploring(0)),
        per_point(not_exploring(POINTS), not_exploring(0)),
        per_point(on_shuttle(POINTS), on_shuttle(0)),
    ]
}

async fn two_tasks(points: usize) {
    let pass = move || async move {
        for _ in 0..points {
            explore::point().await;
        }
    };
    let (a, b) = (barista::spawn(pass()), barista::spawn(pass()));
    a.await.unwrap();
    b.await.unwrap();
}

/// One schedule's time: a search of random schedules (the program has no
/// bug, so it runs them all) over the schedules run, the baseline counted.
fn exploring(points: usize) -> Duration {
    let mut each = Vec::new();
    for seed in 0..RUNS as u64 {
        let options = Explore::new(1)
            .strategy(Strategy::Random)
            .seed(seed)
            .shrink(false);
        let started = Instant::now();
        let outcome = explore::explore(&options, move || two_tasks(points));
        let Exploration::Passed { tried, .. } = outcome else {
            panic!("a program without a bug failed under exploration");
        };
        each.push(started.elapsed() / (tried + 1));
    }
    median(each)
}

fn not_exploring(points: usize) -> Duration {
    let each = (0..RUNS)
        .map(|_| {
            let config = barista::Config::new().workers(1).env_override(false);
            let started = Instant::now();
            barista::run(config, two_tasks(points)).unwrap();
            started.elapsed()
        })
        .collect();
    median(each)
}

/// shuttle's random scheduler over the same program, a `yield_now` for a
/// choice point: its run time over the schedules.
fn on_shuttle(points: usize) -> Duration {
    let runs = RUNS as usize;
    let started = Instant::now();
    let scheduler = shuttle::scheduler::RandomScheduler::new_from_seed(0, runs);
    let mut config = shuttle::Config::new();
    config.failure_persistence = shuttle::FailurePersistence::None;
    shuttle::Runner::new(scheduler, config).run(move || {
        let pass = move || {
            for _ in 0..points {
                shuttle::thread::yield_now();
            }
        };
        let (a, b) = (shuttle::thread::spawn(pass), shuttle::thread::spawn(pass));
        a.join().unwrap();
        b.join().unwrap();
    });
    started.elapsed() / RUNS
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}
