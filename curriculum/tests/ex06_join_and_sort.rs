//! Exercise 6 · Join them all, then sort.

#[macro_use]
mod common;
exercise!(ex06_join_and_sort);

use common::look;
use exercise::{report, run_the_orders, ORDERS};

/// Fails, saying which step is missing, unless `done` is all three orders,
/// sorted.
fn check(done: &[&str]) {
    assert_eq!(
        done.len(),
        ORDERS.len(),
        "{}",
        look(format!(
            "only {} of the {} orders had finished when the list was read ({done:?}): \
             wait for the whole group before reading it",
            done.len(),
            ORDERS.len()
        ))
    );
    assert!(
        done.is_sorted(),
        "{}",
        look(format!(
            "all {} orders finished, but the list is in completion order, {done:?}, \
             which can change from run to run: sort it before printing",
            ORDERS.len()
        ))
    );
}

// The seed shuffles the schedule (even at 1 worker), so the completion order
// changes between repetitions; the sorted output must not.
#[barista::test(workers = [1, 2, 4], repeat = 5, seed = 6)]
async fn all_three_complete_sorted_every_time() {
    let done = run_the_orders().await;
    check(&done);
    // Part of the summary, so it must agree at 1, 2 and 4 workers.
    barista::record("printed", report(&done));
}

#[test]
fn prints_what_the_go_program_prints() {
    // One snapshot, checked at every worker count: the output must not move.
    for workers in [1, 2, 4] {
        let run = barista::run(common::config(workers), run_the_orders())
            .unwrap_or_else(|err| panic!("{}", look(err)));
        check(&run.output);
        assert_eq!(
            run.trace.summary().by_name.get("make"),
            Some(&ORDERS.len()),
            "one task per order"
        );
        insta::assert_snapshot!("prints_what_the_go_program_prints", report(&run.output));
    }
}
