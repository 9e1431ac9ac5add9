//! Exercise 4 · The same answer at every worker count.
//!
//! The number of chunk tasks rightly follows the worker count; only the
//! answer must not change, so the worker-count test compares results only.

#[macro_use]
mod common;
exercise!(ex04_same_answer);

use common::{expect_text, look};

/// The exercise's `sum_to_1000`, at the type these tests judge.
async fn sum_to_1000() -> u64 {
    exercise::sum_to_1000().await
}

/// What a solved run prints: the chunk tasks follow the worker count, the
/// total does not.
const TABLE: &str = "\
workers  chunk tasks  total
      1            1  500500
      2            2  500500
      3            3  500500
      4            4  500500
";

/// 1 + 2 + ... + 1000.
const EXPECTED: u64 = 500_500;

fn plural(workers: usize) -> &'static str {
    if workers == 1 {
        "worker"
    } else {
        "workers"
    }
}

/// The total at `workers`, and how many chunk tasks were spawned for it.
fn total_at(workers: usize) -> (u64, usize) {
    let run = barista::run(common::config(workers), sum_to_1000())
        .unwrap_or_else(|err| panic!("{}", look(err)));
    let chunks = run
        .trace
        .summary()
        .by_name
        .get("sum_chunk")
        .copied()
        .unwrap_or(0);
    (run.output, chunks)
}

/// The GOMAXPROCS=1 lesson: run at 1, 2 and 4 workers; the recorded totals
/// must agree. A mismatch fails with a diff naming the two worker counts.
/// Only results are compared: the number of chunk tasks rightly follows the
/// worker count. Each count is compared with the run at the first one listed,
/// 2 workers: so a program that is right only at 1 worker fails at 1 worker
/// too, because its run at 2 workers, the baseline, is wrong.
#[barista::test(workers = [2, 1, 4], compare = "results")]
async fn same_answer_at_every_worker_count() {
    let workers = barista::workers();
    let total = sum_to_1000().await;
    barista::record("total of 1..=1000", total);
    if total != EXPECTED {
        let what = format!(
            "at {workers} {} the total is {total}, not {EXPECTED}: the answer changed with the \
             worker count. A correct concurrent program gives the same answer at every worker \
             count; one worker was hiding this bug",
            plural(workers)
        );
        panic!("{}", look(what));
    }
}

#[test]
fn the_tasks_change_the_answer_does_not() {
    let mut table = String::from("workers  chunk tasks  total\n");
    let mut all_right = true;
    for workers in [1, 2, 3, 4] {
        let (total, chunks) = total_at(workers);
        all_right &= total == EXPECTED;
        table.push_str(&format!("{workers:>7}  {chunks:>11}  {total}\n"));
    }
    assert!(
        all_right,
        "{}",
        look(format!(
            "the answer changed with the worker count:\n{table}every row should say {EXPECTED}"
        ))
    );
    expect_text("the table", &table, TABLE);
}
