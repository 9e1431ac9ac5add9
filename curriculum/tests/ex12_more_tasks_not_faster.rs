//! Exercise 12 · More tasks is not faster.

#[macro_use]
mod common;
exercise!(ex12_more_tasks_not_faster);

use common::{expect_text, look};

/// The range the tests sum, 1..=N (the tests' own number, like the
/// exercise's `N`).
const N: u64 = 10_000_000;

/// The exercise's `tasks_for`, at the type these tests judge.
fn tasks_for(n: u64) -> u64 {
    exercise::tasks_for(n)
}

/// The exercise's `sum`, at the type these tests judge.
async fn sum(n: u64) -> u64 {
    exercise::sum(n).await
}

/// The summary of a solved run at four workers.
const SUMMARY: &str = "\
tasks: 5 spawned, 5 returned, 0 panicked, 0 unfinished
  chunk  x4
  main   x1
results:
  sum = 50000005000000
  tasks_for(N) = 4
";

/// Gauss: 1 + 2 + ... + n = n (n + 1) / 2.
fn expected(n: u64) -> u64 {
    n * (n + 1) / 2
}

/// The task count of each chunk task, from the run's summary.
fn chunks(summary: &barista::Summary) -> usize {
    summary.by_name.get("chunk").copied().unwrap_or(0)
}

// Cheap on purpose: 10,000 numbers, so a version that spawns one task per
// number fails here in milliseconds.
#[test]
fn a_small_sum_spawns_one_task_per_worker() {
    const SMALL: u64 = 10_000;
    for workers in [1, 2, 4] {
        let run = barista::run(common::config(workers), sum(SMALL)).unwrap();
        let summary = run.trace.summary();
        assert!(
            summary.spawned <= workers + 1,
            "{}",
            look(format!(
                "summing 1..={SMALL} at {workers} worker(s) spawned {} chunk tasks; \
                 at most {workers} can run at once, so every task beyond one per worker \
                 only adds its spawn cost (hundreds of ns) to one addition (about 1 ns)",
                chunks(&summary)
            ))
        );
        assert_eq!(
            run.output,
            expected(SMALL),
            "{}",
            look("the small sum is wrong")
        );
    }
}

/// `sum(n)`, after checking the plan: ten million tasks would take seconds
/// and gigabytes before any assertion could complain.
async fn planned_sum(n: u64) -> u64 {
    let planned = tasks_for(n);
    let workers = barista::workers();
    assert!(
        planned <= workers as u64,
        "{}",
        look(format!(
            "tasks_for({n}) asks for {planned} tasks at {workers} worker(s): more tasks \
             than can run at once only queue for the same workers"
        ))
    );
    sum(n).await
}

#[test]
fn ten_million_in_one_chunk_per_worker() {
    for workers in [1, 2, 4] {
        let run = barista::run(common::config(workers), planned_sum(N)).unwrap();
        assert_eq!(
            run.output,
            50_000_005_000_000,
            "{}",
            look(format!("1 + 2 + ... + {N} at {workers} worker(s)"))
        );
        let summary = run.trace.summary();
        assert_eq!(
            (summary.spawned, chunks(&summary)),
            (workers + 1, workers),
            "{}",
            look(format!(
                "at {workers} worker(s) expected {workers} chunk tasks plus main:\n{summary}"
            ))
        );
        assert_eq!(summary.unfinished + summary.panicked, 0);
    }
}

#[test]
fn summary_at_four_workers() {
    let run = barista::run(common::config(4), async {
        barista::record("tasks_for(N)", tasks_for(N));
        barista::record("sum", planned_sum(N).await);
    })
    .unwrap();
    expect_text(
        "the summary at four workers",
        &run.trace.summary().to_string(),
        SUMMARY,
    );
}
