//! `cargo xtask`: barista's learner workflow, instructor checks, grading and
//! benchmark reports.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};

use xtask::curriculum::{workspace_root, Curriculum};
use xtask::{bench, check, contain, grade_cli, learner, progress, runner, watch};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "barista: concurrency versus parallelism, hands-on",
    after_help = "With no command: the current exercise, re-run whenever you save it (in a terminal), or its status once (piped)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Seconds one exercise's tests may run before they count as hung.
    #[arg(long, global = true, default_value_t = learner::DEFAULT_LIMIT.as_secs())]
    time_limit: u64,
}

#[derive(Subcommand)]
enum Command {
    /// List the exercises, in order, with their topics.
    List,
    /// Run an exercise's tests (default: the current one) and show its timeline.
    Run {
        /// Exercise name or number (`ex05_share_by_communicating`, `ex05`, `5`).
        name: Option<String>,
    },
    /// Show the hint for an exercise (default: the current one).
    Hint { name: Option<String> },
    /// Restore an exercise as shipped, after saving your file to .barista/backups/.
    Reset { name: String },
    /// Run every exercise's tests; exit non-zero unless all pass.
    Verify,
    /// (internal) Run a program confined by Landlock; used by `grade`.
    #[command(name = "__contain", hide = true)]
    Contain(contain::ContainArgs),
    /// Grade a class: the pristine tests against each student's exercise files.
    Grade(grade_cli::GradeArgs),
    /// Measure every speed and memory goal; rewrite BENCHMARKS.md.
    Bench {
        /// A smoke run: every benchmark once, small; BENCHMARKS.md untouched.
        #[arg(long)]
        quick: bool,
    },
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
    if let Some(Command::Contain(args)) = cli.command {
        return contain::contain(args);
    }
    // Ctrl-C (outside the watch's raw mode) or a kill: nothing this tool
    // started keeps running.
    let _ = ctrlc::set_handler(|| {
        runner::stop_everything();
        std::process::exit(130);
    });
    let result = commands(cli);
    // The watch may quit while a build runs in the background.
    runner::stop_everything();
    result
}

fn commands(cli: Cli) -> Result<bool> {
    let curriculum = Curriculum::load(&workspace_root()?)?;
    let limit = Duration::from_secs(cli.time_limit.max(1));
    match cli.command {
        None if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() => {
            watch::watch(&curriculum, limit)
        }
        None => learner::status_once(&curriculum, limit),
        Some(Command::List) => {
            let done = match progress::read(&curriculum) {
                progress::Loaded::Read(progress) => progress.done,
                _ => Default::default(),
            };
            for (i, exercise) in curriculum.exercises.iter().enumerate() {
                let state = if done.contains(&exercise.name) {
                    "done   "
                } else {
                    "pending"
                };
                println!(
                    "{:>2}. {state} {:<30} {} ({})",
                    i + 1,
                    exercise.name,
                    exercise.title,
                    exercise.topic
                );
            }
            Ok(true)
        }
        Some(Command::Run { name }) => learner::run(&curriculum, name.as_deref(), limit),
        Some(Command::Hint { name }) => learner::hint(&curriculum, name.as_deref()),
        Some(Command::Reset { name }) => learner::reset(&curriculum, &name),
        Some(Command::Verify) => learner::verify(&curriculum, limit),
        Some(Command::Contain(_)) => unreachable!("handled above"),
        Some(Command::Grade(args)) => grade_cli::grade(&curriculum, args),
        Some(Command::Bench { quick }) => bench::bench(&curriculum, quick),
        Some(Command::Check { repeat }) => check::check(&curriculum, &check::Options { repeat }),
    }
}
