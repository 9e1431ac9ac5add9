//! Exercise 6 · Join them all, then sort.

#[macro_use]
mod common;
exercise!(ex06_join_and_sort);

use common::{expect_text, look};

/// The three orders, in the order they are handed out: the tests' own list,
/// which the exercise's `ORDERS` must match.
const ORDERS: [&str; 3] = ["take order", "pull espresso", "steam milk"];
/// The same orders, sorted.
const SORTED: [&str; 3] = ["pull espresso", "steam milk", "take order"];
/// What the Go program prints.
const PRINTED: &str = "\
completed (sorted): [pull espresso steam milk take order]
count: 3";

/// The exercise's `run_the_orders`, at the type these tests judge.
async fn run_the_orders() -> Vec<&'static str> {
    let orders: [&str; 3] = exercise::ORDERS;
    assert!(
        orders == ORDERS,
        "{}",
        look(format!(
            "ORDERS is {orders:?}, but the café hands out {ORDERS:?}: leave it as shipped"
        ))
    );
    exercise::run_the_orders().await
}

/// The exercise's `report`, at the type these tests judge.
fn report(done: &[&'static str]) -> String {
    exercise::report(done)
}

/// Fails, saying which step is missing, unless `done` is all three orders,
/// sorted.
fn check(done: &[&str]) {
    assert_eq!(
        done.len(),
        ORDERS.len(),
        "{}",
        look(format!(
            "only {} of the {} orders had finished when the list was read ({done:?}): \
             it was read too early",
            done.len(),
            ORDERS.len()
        ))
    );
    assert!(
        done.is_sorted(),
        "{}",
        look(format!(
            "all {} orders finished, but the list is in completion order, {done:?}, \
             which can change from run to run: the output must not depend on which order \
             finished first",
            ORDERS.len()
        ))
    );
    assert!(
        done == SORTED,
        "{}",
        look(format!(
            "the list should hold the three orders, {SORTED:?}, but it is {done:?}"
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
    // One expected output, checked at every worker count: it must not move.
    for workers in [1, 2, 4] {
        let run = barista::run(common::config(workers), run_the_orders())
            .unwrap_or_else(|err| panic!("{}", look(err)));
        check(&run.output);
        assert_eq!(
            run.trace.summary().by_name.get("make"),
            Some(&ORDERS.len()),
            "one task per order"
        );
        expect_text("what the program prints", &report(&run.output), PRINTED);
    }
}
