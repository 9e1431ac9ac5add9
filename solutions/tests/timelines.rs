//! The pictures the lessons point at: each solution's program run at paused
//! time on one worker (the order of events is then exact, so the picture is
//! the same on every machine), its timeline snapshotted. A change to the
//! renderer or to a solution that changes what a learner sees shows here.
//! (A maintainer's test: the pristine tests read no file; this one is not
//! part of the curriculum and is never graded.)

#![allow(dead_code)]

use std::future::Future;

#[path = "../src/ex01_interleaved.rs"]
mod ex01_interleaved;
#[path = "../src/ex03_two_dials.rs"]
mod ex03_two_dials;
#[path = "../src/ex04_same_answer.rs"]
mod ex04_same_answer;
#[path = "../src/ex05_share_by_communicating.rs"]
mod ex05_share_by_communicating;
#[path = "../src/ex06_join_and_sort.rs"]
mod ex06_join_and_sort;
#[path = "../src/ex07_disjoint_writes.rs"]
mod ex07_disjoint_writes;
#[path = "../src/ex08_pick_the_primitive.rs"]
mod ex08_pick_the_primitive;
#[path = "../src/ex11_overlap_waiting.rs"]
mod ex11_overlap_waiting;
#[path = "../src/ex12_more_tasks_not_faster.rs"]
mod ex12_more_tasks_not_faster;
#[path = "../src/ex13_hidden_race.rs"]
mod ex13_hidden_race;
#[path = "../src/ex15_never_ends.rs"]
mod ex15_never_ends;

/// The run's trace, at paused time on `workers` (1: exact order).
fn trace<F>(workers: usize, program: F) -> (F::Output, barista::Trace)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let config = barista::Config::new()
        .workers(workers)
        .start_paused(workers == 1)
        .env_override(false);
    let run = barista::run(config, program).expect("the solution runs");
    (run.output, run.trace)
}

fn picture<F>(program: F) -> String
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    trace(1, program).1.timeline().to_string()
}

#[test]
fn ex01_two_baristas_alternate() {
    insta::assert_snapshot!(picture(ex01_interleaved::two_baristas()));
}

#[test]
fn ex03_ten_thousand_tasks_one_worker() {
    insta::assert_snapshot!(picture(ex03_two_dials::read_the_dials()));
}

#[test]
fn ex04_chunks() {
    insta::assert_snapshot!(picture(ex04_same_answer::sum_to_1000()));
}

#[test]
fn ex05_one_owner() {
    insta::assert_snapshot!(picture(
        ex05_share_by_communicating::share_by_communicating()
    ));
}

#[test]
fn ex06_orders_joined() {
    insta::assert_snapshot!(picture(ex06_join_and_sort::run_the_orders()));
}

#[test]
fn ex08_work_pool() {
    insta::assert_snapshot!(picture(ex08_pick_the_primitive::work_pool()));
}

#[test]
fn ex11_waits_overlap() {
    insta::assert_snapshot!(picture(ex11_overlap_waiting::serve_orders()));
}

#[test]
fn ex12_chunks() {
    insta::assert_snapshot!(picture(ex12_more_tasks_not_faster::sum(1_000_000)));
}

#[test]
fn ex13_fifty_deposits() {
    insta::assert_snapshot!(picture(ex13_hidden_race::fifty_deposits()));
}

#[test]
fn ex15_every_drink_served() {
    insta::assert_snapshot!(picture(ex15_never_ends::serve(&[
        "latte",
        "mocha",
        "flat white"
    ])));
}

/// Threads run beside the worker, in an order the OS picks: the stable
/// facts only (a lane each, every thread's task in the legend).
#[test]
fn ex07_threads_have_lanes_of_their_own() {
    let ((slots, _), trace) = trace(1, ex07_disjoint_writes::gomaxprocs_program());
    let picture = trace.timeline().to_string();
    assert_eq!(slots.len(), 1);
    assert!(picture.contains("on 1 worker and 1 thread"), "{picture}");
    assert!(picture.contains("\nthread 0 |"), "{picture}");
    let ((slots, _), trace) = trace_at_4();
    let picture = trace.timeline().to_string();
    assert_eq!(slots.len(), 4);
    for lane in 0..4 {
        assert!(picture.contains(&format!("\nthread {lane} |")), "{picture}");
    }
    assert!(
        picture.contains("threads: 4 beside the workers"),
        "{picture}"
    );
}

fn trace_at_4() -> ((Vec<u64>, String), barista::Trace) {
    trace(4, ex07_disjoint_writes::gomaxprocs_program())
}
