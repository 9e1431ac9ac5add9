//! `cargo xtask`: barista's learner workflow, instructor checks, grading and
//! benchmark reports.

mod check;
mod curriculum;
mod runner;

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};

use curriculum::{workspace_root, Curriculum, Package};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "barista: concurrency versus parallelism, hands-on",
    after_help = "With no command: where you are in the curriculum and what to do next."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// List the exercises, in order, with their topics.
    List,
    /// Show the hint for an exercise.
    Hint {
        /// Exercise name or number (`ex05_share_by_communicating`, `ex05`, `5`).
        name: String,
    },
    /// Run every exercise's tests; exit non-zero unless all pass.
    Verify,
    /// Instructor self-check: metadata, files, shipped exercises fail,
    /// solutions pass repeatedly and at worker limits 1, 2 and 4.
    Check {
        /// How many times each solution's tests must pass in a row.
        #[arg(long, default_value_t = 20)]
        repeat: usize,
    },
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<bool> {
    let curriculum = Curriculum::load(&workspace_root())?;
    match cli.command {
        None => status(&curriculum),
        Some(Command::List) => {
            for (i, exercise) in curriculum.exercises.iter().enumerate() {
                println!(
                    "{:>2}. {:<30} {} ({})",
                    i + 1,
                    exercise.name,
                    exercise.title,
                    exercise.topic
                );
            }
            Ok(true)
        }
        Some(Command::Hint { name }) => {
            let exercise = curriculum.find(&name)?;
            println!("{} · {}\n", exercise.name, exercise.title);
            println!("{}", exercise.hint.trim());
            println!(
                "\nThe page's section: {}. Your file: {}",
                exercise.section,
                curriculum.relative(&curriculum.source(Package::Exercises, exercise))
            );
            Ok(true)
        }
        Some(Command::Verify) => verify(&curriculum),
        Some(Command::Check { repeat }) => check::check(&curriculum, &check::Options { repeat }),
    }
}

/// Time one exercise's tests may take before they count as hung.
const RUN_LIMIT: Duration = Duration::from_secs(30);

/// Results of every exercise, in order: `(name, passed, detail)`.
fn results(curriculum: &Curriculum) -> Result<Vec<(String, bool, String)>> {
    let build = runner::build(&curriculum.root, Package::Exercises)?;
    let mut results = Vec::new();
    for exercise in &curriculum.exercises {
        let name = exercise.name.clone();
        if let Some(errors) = build.errors.get(&name) {
            results.push((name, false, format!("does not compile:\n{errors}")));
            continue;
        }
        let Some(binary) = build.binaries.get(&name) else {
            results.push((name, false, "its tests were not built".into()));
            continue;
        };
        let outcome = runner::run(&curriculum.root, Package::Exercises, binary, &[], RUN_LIMIT)?;
        let detail = if outcome.timed_out {
            format!(
                "did not finish in {} s: likely a deadlock or a task that never yields",
                RUN_LIMIT.as_secs()
            )
        } else {
            runner::first_failure(&outcome.output)
        };
        results.push((name, outcome.passed, detail));
    }
    Ok(results)
}

fn verify(curriculum: &Curriculum) -> Result<bool> {
    let results = results(curriculum)?;
    let done = results.iter().filter(|(_, passed, _)| *passed).count();
    for (name, passed, _) in &results {
        println!("{} {name}", if *passed { "done   " } else { "pending" });
    }
    println!("{done} / {} done", results.len());
    Ok(done == results.len())
}

/// Where the learner stands: progress and the first exercise to work on.
fn status(curriculum: &Curriculum) -> Result<bool> {
    let results = results(curriculum)?;
    let done = results.iter().filter(|(_, passed, _)| *passed).count();
    println!("barista: {done} / {} exercises done", results.len());
    match results.iter().find(|(_, passed, _)| !passed) {
        None => println!("Every exercise passes. Well brewed!"),
        Some((name, _, detail)) => {
            let exercise = curriculum.find(name)?;
            println!(
                "\nNext: {} · {}\n  edit {}\n",
                exercise.name,
                exercise.title,
                curriculum.relative(&curriculum.source(Package::Exercises, exercise))
            );
            let lines: Vec<&str> = detail.lines().filter(|l| !l.trim().is_empty()).collect();
            for line in lines.iter().take(30) {
                println!("  {line}");
            }
            println!(
                "\nStuck? cargo xtask hint {}   All exercises: cargo xtask list",
                exercise.name
            );
        }
    }
    Ok(true)
}
