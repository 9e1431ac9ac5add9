//! What a learner waits for: the first `cargo xtask` on a fresh clone, and
//! a save to its verdict.

use anyhow::{bail, Context, Result};
use barista::amdahl::median;
use std::fmt::Write as _;
use std::time::{Duration, Instant};
use xtask::cargo::Cargo;
use xtask::copy::RepoCopy;
use xtask::curriculum::{Curriculum, Package};
use xtask::process::{self, Streams};
use xtask::status::Status;
use xtask::verdict;

use super::{max, min};

/// The exercise whose edits are timed: the first one a learner meets.
pub(super) const EDITED: &str = "ex01_interleaved";

/// What the watch mode waits after a save before judging (see `watch`).
pub(super) const DEBOUNCE: Duration = Duration::from_millis(100);

/// A newcomer's first `cargo xtask` on a fresh clone (crates downloaded,
/// no `target/`), piped: when the first line of progress shows, and when
/// the first exercise is on screen. Run in --quick too: it is under a
/// minute, and the one figure a newcomer meets first.
pub(super) fn first_run(curriculum: &Curriculum) -> Result<String> {
    let copy = RepoCopy::of(&curriculum.root)?;
    let started = Instant::now();
    let mut command = Cargo::new(&copy.root).own_target_dir().command(["xtask"]);
    command.env_remove("CARGO_MANIFEST_DIR");
    let mut first_line = None;
    let mut first_exercise = None;
    let mut printed = Vec::new();
    let ran = process::run_lines(command, |line| {
        let at = started.elapsed();
        first_line.get_or_insert(at);
        if first_exercise.is_none() && line.starts_with("Exercise 1 of ") {
            first_exercise = Some(at);
        }
        printed.push(line.to_string());
    })
    .context("running cargo xtask")?;
    let status = ran.status;
    let total = started.elapsed();
    let (Some(first_line), Some(first_exercise)) = (first_line, first_exercise) else {
        bail!(
            "the first `cargo xtask` of a clean copy showed no first exercise ({status}); it printed:\n{}",
            printed.join("\n")
        );
    };
    let goal = Duration::from_secs(60);
    let mut out = String::new();
    writeln!(out, "## A newcomer's first `cargo xtask`\n")?;
    writeln!(
        out,
        "In a fresh copy of the repository (the files git lists, no `target/`; the crates' \
         downloads already in cargo's cache), `cargo xtask` piped, timed once: the first line \
         of progress, and the first exercise on screen (its verdict and timeline). It builds \
         the learner's tool, the runtime and the first exercise's tests, never the \
         instructor's tools. Goal: the first exercise within 60 s on an idle 2-core machine.\n"
    )?;
    writeln!(out, "| what | command | wall time |")?;
    writeln!(out, "|---|---|---|")?;
    writeln!(
        out,
        "| first line of progress | `cargo xtask` | {:.1} s |",
        first_line.as_secs_f64()
    )?;
    writeln!(
        out,
        "| first exercise on screen | `cargo xtask` | {:.1} s |",
        first_exercise.as_secs_f64()
    )?;
    writeln!(
        out,
        "| the command ends | `cargo xtask` | {:.1} s |",
        total.as_secs_f64()
    )?;
    writeln!(
        out,
        "\nGoal (the first exercise within 60 s): {}.\n",
        if first_exercise <= goal {
            "met"
        } else {
            "MISSED"
        }
    )?;
    Ok(out)
}

/// The learner's edit-to-verdict latency, in a copy of the repository (the
/// learner's own files are never touched), next to plain cargo.
pub(super) fn edit_to_verdict(curriculum: &Curriculum, rounds: usize) -> Result<String> {
    let copy = RepoCopy::of(&curriculum.root)?;
    let target = RepoCopy::target_dir(&curriculum.root);
    let inner = Curriculum {
        root: copy.root.clone(),
        exercises: curriculum.exercises.clone(),
    };
    let exercise = inner.find(EDITED)?.clone();
    let file = inner.source(Package::Exercises, &exercise);
    let solved = std::fs::read_to_string(inner.source(Package::Solutions, &exercise))?;
    let broken = format!("{solved}\nfn this_does_not_compile() -> u32 {{ \"a string\" }}\n");
    // Builds in the copy share one target folder (dependencies built once).
    let cargo = Cargo::new(&copy.root).target_dir(&target);
    let limit = Duration::from_secs(60);
    let judge = |text: &str, expect: Status| -> Result<Duration> {
        std::fs::write(&file, text)?;
        let verdict = verdict::judge(&cargo, Package::Exercises, &exercise, limit, false)?;
        if verdict.outcome != expect {
            bail!(
                "expected {expect:?}, got {:?}: {}",
                verdict.outcome,
                verdict.report
            );
        }
        Ok(verdict.took)
    };
    let cargo_test = |text: &str, args: &[&str]| -> Result<Duration> {
        std::fs::write(&file, text)?;
        let started = Instant::now();
        let mut command = cargo.command(["test", "-q", "-p", "exercises"]);
        command.args(args);
        process::run(command, Streams::Merged, None)?;
        Ok(started.elapsed())
    };
    // Warm up: the first build of the copy compiles the workspace crates.
    judge(&solved, Status::Passed)?;
    cargo_test(&solved, &["--no-run"])?;
    let (mut pass, mut error, mut one, mut all) = (vec![], vec![], vec![], vec![]);
    for round in 0..rounds {
        // Each save changes the code, as an edit would: a new function.
        let edit = |text: &str, side: &str| {
            format!("{text}\npub fn edit_{round}_{side}() -> usize {{ {round} + 1 }}\n")
        };
        pass.push(judge(&edit(&solved, "a"), Status::Passed)?);
        error.push(judge(&edit(&broken, "b"), Status::CompileError)?);
        one.push(cargo_test(&edit(&solved, "c"), &["--test", EDITED])?);
        all.push(cargo_test(&edit(&solved, "d"), &[])?);
    }
    Saves {
        pass,
        error,
        one,
        all,
    }
    .report(rounds)
}

/// How long each kind of save took to its verdict, round by round.
struct Saves {
    /// To a pass, through the watch mode's judge.
    pass: Vec<Duration>,
    /// To a compile error, likewise.
    error: Vec<Duration>,
    /// `cargo test` of the one exercise, and of the whole crate.
    one: Vec<Duration>,
    all: Vec<Duration>,
}

impl Saves {
    fn report(&self, rounds: usize) -> Result<String> {
        let row = |what: &str, command: &str, samples: &[Duration], extra: Duration| {
            let median = median(samples) + extra;
            format!(
                "| {what} | `{command}` | {:.2} s | {:.2}–{:.2} s |\n",
                median.as_secs_f64(),
                (min(samples) + extra).as_secs_f64(),
                (max(samples) + extra).as_secs_f64()
            )
        };
        let mut out = String::new();
        writeln!(out, "## The learner's edit-to-verdict latency\n")?;
        writeln!(
            out,
            "A save of `exercises/src/{EDITED}.rs` (in a throwaway copy of the repository, after \
             a first build), then the verdict. The watch mode's figure adds its {} ms debounce to \
             the measured build + run. {rounds} rounds; goal: 1 s warm. For reference, rustlings \
             on the same machine: 0.25 s to a compile error, 0.7 s to a pass (its 200 ms debounce \
             included).\n",
            DEBOUNCE.as_millis()
        )?;
        writeln!(out, "| what | command | median | range |")?;
        writeln!(out, "|---|---|---|---|")?;
        out.push_str(&row(
            "save → pass (watch)",
            "cargo xtask",
            &self.pass,
            DEBOUNCE,
        ));
        out.push_str(&row(
            "save → compile error (watch)",
            "cargo xtask",
            &self.error,
            DEBOUNCE,
        ));
        out.push_str(&row(
            "save → pass, one exercise",
            &format!("cargo test -p exercises --test {EDITED}"),
            &self.one,
            Duration::ZERO,
        ));
        out.push_str(&row(
            "save → verdict, whole crate",
            "cargo test -p exercises",
            &self.all,
            Duration::ZERO,
        ));
        let watch = median(&self.pass) + DEBOUNCE;
        writeln!(
            out,
            "\nGoal (1 s to a pass, warm): {}.\n",
            if watch <= Duration::from_secs(1) {
                "met"
            } else {
                "MISSED"
            }
        )?;
        Ok(out)
    }
}
