//! Exercise 16 · Check your understanding.

#[macro_use]
mod common;
exercise!(ex16_quiz);

use std::fmt::Debug;

use barista::amdahl::speedup;
use common::look;
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

// A wrong answer is told what misconception it holds and where in the
// course to look again: never which option is right.

fn q1() -> Verdict {
    match Q1 {
        Q1Answer::Unanswered => Unanswered,
        Q1Answer::A => wrong(
            "they are not the same thing. Exercise 1 ran two concurrent tasks on one worker: \
             was anything running at the same instant there?",
        ),
        Q1Answer::B => Right,
        Q1Answer::C => wrong(
            "exercise 1 ran its tasks on ONE worker. Were they still independent tasks, \
             taking turns at every `.await`? Then what did the single core take away?",
        ),
        Q1Answer::D => wrong(
            "this swaps the two. Which one do you write in the code, and which one does the \
             runtime decide when it has workers to spare (exercises 1 and 2)?",
        ),
    }
}

fn q2() -> Verdict {
    match Q2 {
        Q2Answer::Unanswered => Unanswered,
        Q2Answer::A => wrong(
            "CSP makes no shared variable safe to write from many places at once. Think of \
             exercise 5: what did the tasks do instead of writing one counter?",
        ),
        Q2Answer::B => wrong(
            "cheap goroutines are the Go runtime's engineering, not an idea CSP brought. CSP \
             is about how independent processes interact",
        ),
        Q2Answer::C => wrong(
            "spreading goroutines over cores is the scheduler's job (capped by GOMAXPROCS); \
             CSP says nothing about cores",
        ),
        Q2Answer::D => Right,
    }
}

fn q3() -> Verdict {
    match Q3 {
        Q3Answer::Unanswered => Unanswered,
        Q3Answer::A => Right,
        Q3Answer::B => wrong(
            "a spawn turns one of exercise 3's two dials. Which one, and does that dial say \
             how many tasks run at the same instant?",
        ),
        Q3Answer::C => wrong(
            "channels make tasks wait for each other and carry values between them. Do they \
             add a worker?",
        ),
        Q3Answer::D => wrong(
            "many tests in this course ran at 1 worker on a machine with more cores. What set \
             that, if not the hardware?",
        ),
    }
}

fn q4() -> Verdict {
    match Q4 {
        Q4Answer::Unanswered => Unanswered,
        Q4Answer::A => wrong(
            "95 is the share of the work that can be parallel, not a speedup. What happens to \
             the other 5% when cores are added?",
        ),
        Q4Answer::B => wrong(
            "adding cores shortens only the parallel part. Picture the parallel 95% taking no \
             time at all: how long does the run take then, and what speedup is that?",
        ),
        Q4Answer::C => Right,
        Q4Answer::D => wrong(format!(
            "{:.2}x is what 4 cores give (exercise 9's table). The question puts no limit on \
             the cores",
            speedup(0.95, 4)
        )),
    }
}

fn q5() -> Verdict {
    match Q5 {
        Q5Answer::Unanswered => Unanswered,
        Q5Answer::A => wrong(
            "channels are not faster than locks: they synchronize inside, and cost more. \
             Exercise 8's table picks by what the code means, not by habit",
        ),
        Q5Answer::B => Right,
        Q5Answer::C => wrong(
            "exercise 8's cache guarded one struct's internal state. Which tool did that, and \
             would a task owning the map, taking requests over a channel, be simpler?",
        ),
        Q5Answer::D => wrong(
            "ownership rules out data races (exercise 14), not every bug: exercises 13 and 15 \
             compiled and still went wrong. And how does a value move from one task to another?",
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

/// Your score, shown by `cargo xtask` (with the other tests' results); a
/// report to read, not a check, so it earns nothing in grading.
#[test]
#[ignore = "the quiz's score, for the learner's tool to show"]
fn score() {
    let verdicts = [q1(), q2(), q3(), q4(), q5()];
    let right: Vec<String> = verdicts
        .iter()
        .zip(1..)
        .filter(|(v, _)| matches!(v, Right))
        .map(|(_, q)| format!("Q{q}"))
        .collect();
    let unanswered = verdicts.iter().filter(|v| matches!(v, Unanswered)).count();
    println!(
        "quiz score: {} of {} right{}{}",
        right.len(),
        verdicts.len(),
        if right.is_empty() {
            String::new()
        } else {
            format!(" ({})", right.join(", "))
        },
        match unanswered {
            0 => String::new(),
            n => format!("; {n} not answered yet"),
        }
    );
}
