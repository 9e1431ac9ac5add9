//! Exercise 16 · Check your understanding.

#[macro_use]
mod common;
exercise!(ex16_quiz);

use std::fmt::Debug;

use barista::amdahl::{ceiling, speedup};
use common::{expect_text, look};
use exercise::{Q1Answer, Q2Answer, Q3Answer, Q4Answer, Q5Answer, Q1, Q2, Q3, Q4, Q5};

/// What the tests make of one answer.
enum Verdict {
    Unanswered,
    Right,
    /// Why the chosen option is wrong.
    Wrong(String),
}

use Verdict::{Right, Unanswered, Wrong};

fn wrong(why: impl Into<String>) -> Verdict {
    Wrong(why.into())
}

fn q1() -> Verdict {
    match Q1 {
        Q1Answer::Unanswered => Unanswered,
        Q1Answer::A => wrong(
            "they are not the same thing. Concurrency is a property of the code (independent \
             tasks that may run in any order), parallelism a property of the run (tasks on \
             several cores at the same instant). Exercise 1 ran concurrent code on one worker: \
             interleaved, never parallel",
        ),
        Q1Answer::B => Right,
        Q1Answer::C => wrong(
            "concurrency does not need a second core. On one core the runtime interleaves the \
             tasks, switching at each `.await` that is not ready (exercise 1): the structure is \
             the same, only the execution differs",
        ),
        Q1Answer::D => wrong(
            "it is the other way round. Concurrency is the design (how the work is split into \
             independent tasks); parallelism is what the runtime does with that design when it \
             has several workers",
        ),
    }
}

fn q2() -> Verdict {
    match Q2 {
        Q2Answer::Unanswered => Unanswered,
        Q2Answer::A => wrong(
            "CSP is not a memory model, and it makes no shared variable safe to write: its \
             answer is to avoid shared variables altogether, handing each value from one \
             process to another over a channel",
        ),
        Q2Answer::B => wrong(
            "cheap goroutines are the Go runtime's engineering (small growing stacks, many \
             goroutines on few threads), not CSP. CSP is about how independent sequential \
             processes talk to each other",
        ),
        Q2Answer::C => wrong(
            "spreading goroutines over the cores is the scheduler's job, capped by GOMAXPROCS. \
             CSP says nothing about cores, only about processes that communicate",
        ),
        Q2Answer::D => Right,
    }
}

fn q3() -> Verdict {
    match Q3 {
        Q3Answer::Unanswered => Unanswered,
        Q3Answer::A => Right,
        Q3Answer::B => wrong(
            "spawning decides how many tasks exist (concurrency), not how many run at once: a \
             million tasks on 8 workers still run at most 8 at a time (exercise 3, the two dials)",
        ),
        Q3Answer::C => wrong(
            "channels carry values between tasks and make them wait for each other; they add no \
             worker, so they cannot make more tasks run at the same instant",
        ),
        Q3Answer::D => wrong(
            "the core count is only the default. GOMAXPROCS=1 in Go, or BARISTA_WORKERS=1 here, \
             runs everything on one worker on any machine: interleaved, never parallel, as every \
             test at 1 worker in this course did",
        ),
    }
}

fn q4() -> Verdict {
    match Q4 {
        Q4Answer::Unanswered => Unanswered,
        Q4Answer::A => wrong(
            "95 is the percentage, not the speedup. The serial 5% takes as long as ever however \
             many cores share the rest, so the run can shrink to 5% of its time at best",
        ),
        Q4Answer::B => wrong(format!(
            "the serial 5% never gets faster: with any number of cores the run still takes at \
             least 5% of its original time, so the speedup stops at 1 / (1 - 0.95) = {:.0}x",
            ceiling(0.95)
        )),
        Q4Answer::C => Right,
        Q4Answer::D => wrong(format!(
            "{:.2}x is the speedup on 4 cores (exercise 9's table). More cores give more \
             ({:.2}x on 16), up to the ceiling 1 / (1 - 0.95): the question asks for that ceiling",
            speedup(0.95, 4),
            speedup(0.95, 16)
        )),
    }
}

fn q5() -> Verdict {
    match Q5 {
        Q5Answer::Unanswered => Unanswered,
        Q5Answer::A => wrong(
            "channels are not faster than locks: they synchronize internally and cost more, so \
             for a small, hot critical section a mutex is cheaper and simpler. Pick the \
             primitive by intent, not by habit",
        ),
        Q5Answer::B => Right,
        Q5Answer::C => wrong(
            "guarding one struct's internal state is the mutex's job: a `Mutex` around the \
             cache's map is simpler and clearer than a task that owns the map and takes \
             requests over a channel",
        ),
        Q5Answer::D => wrong(
            "ownership rules out data races, not deadlocks or races in the logic (exercises 13 \
             and 15), and channels are how ownership of a value moves from one task to another: \
             Rust uses them as much as Go does",
        ),
    }
}

/// Passes on the right answer; otherwise fails saying what to do or why the
/// chosen option is wrong.
fn judge(question: &str, verdict: Verdict, answer: impl Debug) {
    match verdict {
        Right => {}
        Unanswered => panic!("answer {question} in {}", common::file()),
        Wrong(why) => panic!(
            "{}",
            look(format!("{question} = {answer:?} is not right: {why}"))
        ),
    }
}

#[test]
fn q1_concurrency_or_parallelism() {
    judge("Q1", q1(), Q1);
}

#[test]
fn q2_what_csp_contributes() {
    judge("Q2", q2(), Q2);
}

#[test]
fn q3_what_caps_parallelism() {
    judge("Q3", q3(), Q3);
}

#[test]
fn q4_amdahl_at_95_percent() {
    judge("Q4", q4(), Q4);
}

#[test]
fn q5_channel_or_mutex() {
    judge("Q5", q5(), Q5);
}

#[test]
fn score() {
    let verdicts = [q1(), q2(), q3(), q4(), q5()];
    let right = verdicts.iter().filter(|v| matches!(v, Right)).count();
    // Shown only when the score below is not full.
    println!(
        "{}",
        look(format!(
            "{right} of {} answers are right so far",
            verdicts.len()
        ))
    );
    let score = format!("score: {right} / {}", verdicts.len());
    expect_text("the score", &score, "score: 5 / 5");
}
