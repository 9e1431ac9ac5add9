//! `cargo xtask bench`: every speed and memory figure barista promises,
//! measured side by side, written to BENCHMARKS.md with the command behind
//! each. `--quick` is a smoke run: it checks that every benchmark still runs
//! and prints to the terminal, leaving BENCHMARKS.md alone.

mod clean_clone;
mod grading;
mod learner;

use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use xtask::cargo::Cargo;
use xtask::curriculum::Curriculum;
use xtask::process::{self, Streams};

use clean_clone::clean_clone;
use grading::grading;
use learner::{edit_to_verdict, first_run};

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
         from `docs/reference-figures.md` (which says where each came from); they were not \
         rerun here.\n"
    )?;
    report.push_str(&first_run(curriculum)?);
    report.push_str(&edit_to_verdict(curriculum, if quick { 2 } else { 7 })?);
    report.push_str(&grading(curriculum, quick)?);
    report.push_str(&cargo_bench(&curriculum.root, "overhead", quick)?);
    report.push_str(&cargo_bench(&curriculum.root, "scaling", quick)?);
    report.push_str(&bug_catalogue(&curriculum.root, quick)?);
    report.push_str(&measured_elsewhere(&curriculum.root)?);
    report.push_str(&clean_clone(curriculum, quick)?);
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

pub(super) fn machine() -> String {
    let mut command = Command::new("date");
    command.arg("+%Y-%m-%d");
    let date = process::run(command, Streams::Apart, None)
        .map(|ran| String::from_utf8_lossy(&ran.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{date}, {}", barista::amdahl::machine())
}

/// One of the runtime's benchmarks (`benches/NAME.rs`), verbatim, its
/// headings one level down.
pub(super) fn cargo_bench(root: &Path, name: &str, quick: bool) -> Result<String> {
    section(
        root,
        &["bench", "-q", "-p", "barista", "--bench", name],
        quick,
    )
}

/// The bug catalogue (benches/catalogue): each exploration strategy's
/// schedules to a failure, barista's and shuttle's, in one run.
pub(super) fn bug_catalogue(root: &Path, quick: bool) -> Result<String> {
    section(
        root,
        &["run", "-q", "--release", "-p", "bug-catalogue"],
        quick,
    )
}

/// A benchmark program's Markdown, from `cargo ARGS [-- --quick]` in its
/// own target folder, with its headings one level down.
pub(super) fn section(root: &Path, args: &[&str], quick: bool) -> Result<String> {
    let mut command = Cargo::new(root).own_target_dir().command(args);
    if quick {
        command.args(["--", "--quick"]);
    }
    let shown = format!("cargo {}", args.join(" "));
    let ran =
        process::run(command, Streams::Apart, None).with_context(|| format!("running {shown}"))?;
    if !ran.passed() {
        bail!("{shown} failed:\n{}", ran.output);
    }
    Ok(one_level_down(&String::from_utf8_lossy(&ran.stdout)))
}

/// Figures from machines `cargo xtask bench` does not run on (kept in
/// `benches/results/`, each file saying where and how it was measured).
pub(super) fn measured_elsewhere(root: &Path) -> Result<String> {
    let mut files: Vec<_> = std::fs::read_dir(root.join("benches/results"))
        .map(|dir| dir.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "md"));
    files.sort();
    let mut out = String::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        out.push_str(&one_level_down(&text));
    }
    Ok(out)
}

/// A section's markdown with its headings one level down, ending in a
/// blank line.
pub(super) fn one_level_down(markdown: &str) -> String {
    markdown
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
        .trim_end()
        .to_string()
        + "\n\n"
}

pub(super) fn min(samples: &[Duration]) -> Duration {
    samples.iter().copied().min().unwrap_or_default()
}

pub(super) fn max(samples: &[Duration]) -> Duration {
    samples.iter().copied().max().unwrap_or_default()
}
