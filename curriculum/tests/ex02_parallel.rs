//! Exercise 2 · Parallel on two workers.

#[macro_use]
mod common;
exercise!(ex02_parallel);

use std::time::Duration;

use common::{expect_text, look};

/// The exercise's `two_baristas`, at the type these tests judge.
async fn two_baristas() -> Vec<&'static str> {
    exercise::two_baristas().await
}

/// The stable facts of a solved run on two workers.
const FACTS: &str = "\
baristas who arrived last: 1
observed parallelism: 2 of 2 workers
tasks: 3 spawned, 3 returned, 0 panicked, 0 unfinished
  A     x1
  B     x1
  main  x1
";

/// Long enough for two tiny tasks many times over; short enough that the
/// expected deadlock does not hold up the suite.
const LIMIT: Duration = Duration::from_millis(1500);
/// On one worker the run deadlocks for sure: no need to wait long to see it.
const DEADLOCK_LIMIT: Duration = Duration::from_millis(300);

/// When the task named `name` was first polled, and when it ended.
fn life(trace: &barista::Trace, name: &str) -> (u64, u64) {
    let task = trace
        .tasks()
        .iter()
        .find(|task| task.name == name)
        .unwrap_or_else(|| panic!("no task named {name} in the trace"));
    let first_poll = trace
        .polls()
        .iter()
        .find(|poll| poll.task == task.id)
        .map(|poll| poll.start)
        .unwrap_or_else(|| panic!("barista {name} was never polled"));
    let ended = task
        .ended
        .unwrap_or_else(|| panic!("barista {name} never finished"));
    (first_poll, ended.at)
}

#[test]
fn two_workers_run_both_baristas_at_once() {
    for _ in 0..5 {
        let run = match barista::run(common::config(2).timeout(LIMIT), two_baristas()) {
            Ok(run) => run,
            Err(err) => panic!(
                "{}",
                look(format!(
                    "on two workers the baristas should meet and finish, but the run {err}; \
                     does the barrier wait for exactly two?"
                ))
            ),
        };
        assert_eq!(
            run.output.len(),
            1,
            "{}",
            look(format!(
                "exactly one barista should arrive last, but these did: {:?}; \
                 a barista that does not wait at the pass never sees the other one arrive",
                run.output
            ))
        );
        let trace = &run.trace;
        let (a_started, a_ended) = life(trace, "A");
        let (b_started, b_ended) = life(trace, "B");
        assert!(
            a_ended > b_started && b_ended > a_started,
            "{}",
            look(
                "each barista should still be running when the other one starts, but one \
                 had finished already"
            )
        );
        assert_eq!(
            trace.observed_parallelism(),
            2,
            "{}",
            look("on two workers, two baristas waiting for each other run at the same instant")
        );
    }
}

#[test]
fn the_facts_on_two_workers() {
    let run = barista::run(common::config(2).timeout(LIMIT), two_baristas())
        .unwrap_or_else(|err| panic!("{}", look(err)));
    assert_eq!(
        run.output.len(),
        1,
        "{}",
        look("exactly one barista should arrive last")
    );
    let facts = format!(
        "baristas who arrived last: {}\nobserved parallelism: {} of {} workers\n{}",
        run.output.len(),
        run.trace.observed_parallelism(),
        run.trace.workers(),
        run.trace.summary()
    );
    expect_text("the facts on two workers", &facts, FACTS);
}

#[test]
fn one_worker_deadlocks_on_a_blocking_wait() {
    match barista::run(common::config(1).timeout(DEADLOCK_LIMIT), two_baristas()) {
        Err(barista::Error::TimedOut { .. }) => {
            // Expected: barista A blocks the only worker in `arrived.wait()`,
            // so barista B never runs and A waits forever.
        }
        Ok(run) => panic!(
            "{}",
            look(format!(
                "on one worker this run should deadlock, but it finished (arrived last: {:?}). \
                 A barista blocked in `arrived.wait()` holds the only worker, so the other can \
                 never arrive: once the baristas wait for each other, this test passes by \
                 seeing the run time out",
                run.output
            ))
        ),
        Err(other) => panic!("{}", look(other)),
    }
}
