//! `cargo xtask`: barista's learner workflow, instructor checks, grading and
//! benchmark reports.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Result;
use clap::{Parser, Subcommand};

use xtask::curriculum::{workspace_root, Curriculum};
use xtask::{cargo, learner, process, progress, watch};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    version,
    about = "barista: concurrency versus parallelism, hands-on",
    after_help = "With no command: the current exercise, re-run whenever you save it (in a terminal), or its status once (piped)."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    limit: Limit,
}

/// The time limit, on the commands that run an exercise's tests (and only
/// there: `list`, `hint` and `reset` run nothing).
#[derive(clap::Args, Clone, Copy)]
struct Limit {
    /// Seconds one exercise's tests may run before they count as hung
    /// [default: 15].
    #[arg(long = "time-limit", value_name = "SECONDS", value_parser = positive_seconds)]
    seconds: Option<u64>,
}

impl Limit {
    /// This limit, else `outer` (given before the command).
    fn or(self, outer: Limit) -> Limit {
        Limit {
            seconds: self.seconds.or(outer.seconds),
        }
    }

    fn duration(self) -> Duration {
        self.seconds
            .map_or(learner::DEFAULT_LIMIT, Duration::from_secs)
    }
}

fn positive_seconds(text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(0) => Err("a limit of 0 s would stop every run before it starts: give 1 or more".into()),
        Ok(seconds) => Ok(seconds),
        Err(_) => Err(format!("{text:?} is not a whole number of seconds")),
    }
}

#[derive(Subcommand)]
enum Command {
    /// List the exercises, in order, with their topics.
    List,
    /// Run an exercise's tests (default: the current one) and show its timeline.
    Run {
        /// Exercise name or number (`ex05_share_by_communicating`, `ex05`, `5`).
        name: Option<String>,
        #[command(flatten)]
        limit: Limit,
    },
    /// Show the hint for an exercise (default: the current one).
    Hint { name: Option<String> },
    /// Restore an exercise as shipped, after saving your file to .barista/backups/.
    Reset { name: String },
    /// Run every exercise's tests; exit non-zero unless all pass.
    Verify {
        #[command(flatten)]
        limit: Limit,
    },
    /// Grade a class (the instructor's tools; `cargo xtask grade --help`).
    #[command(disable_help_flag = true)]
    Grade(Forwarded),
    /// Measure every speed and memory goal; rewrite BENCHMARKS.md.
    #[command(disable_help_flag = true)]
    Bench(Forwarded),
    /// Instructor self-check of the curriculum (`cargo xtask check --help`).
    #[command(disable_help_flag = true)]
    Check(Forwarded),
    /// Scaffold a new exercise, for authors (`cargo xtask new --help`).
    #[command(disable_help_flag = true)]
    New(Forwarded),
    /// Write the students' repository, for instructors (`cargo xtask classroom --help`).
    #[command(disable_help_flag = true)]
    Classroom(Forwarded),
    /// (internal) Used by `grade`.
    #[command(name = "__contain", hide = true, disable_help_flag = true)]
    Contain(Forwarded),
}

/// An instructor's command's arguments, handed on as they are.
#[derive(clap::Args)]
struct Forwarded {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<std::ffi::OsString>,
}

fn main() -> ExitCode {
    xtask::exit_code(run(Cli::parse()))
}

fn run(cli: Cli) -> Result<bool> {
    let forwarded = match &cli.command {
        Some(Command::Grade(args)) => Some(("grade", args)),
        Some(Command::Bench(args)) => Some(("bench", args)),
        Some(Command::Check(args)) => Some(("check", args)),
        Some(Command::New(args)) => Some(("new", args)),
        Some(Command::Classroom(args)) => Some(("classroom", args)),
        Some(Command::Contain(args)) => Some(("__contain", args)),
        _ => None,
    };
    if let Some((command, Forwarded { args })) = forwarded {
        return instructor(command, args);
    }
    process::stop_everything_when_interrupted();
    let result = commands(cli);
    // The watch may quit while a build runs in the background.
    process::stop_everything();
    result
}

fn commands(cli: Cli) -> Result<bool> {
    let curriculum = Curriculum::load(&workspace_root()?)?;
    let outer = cli.limit;
    let limit = outer.duration();
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
        Some(Command::Run { name, limit }) => {
            learner::run(&curriculum, name.as_deref(), limit.or(outer).duration())
        }
        Some(Command::Hint { name }) => learner::hint(&curriculum, name.as_deref()),
        Some(Command::Reset { name }) => learner::reset(&curriculum, &name),
        Some(Command::Verify { limit }) => learner::verify(&curriculum, limit.or(outer).duration()),
        Some(
            Command::Grade(_)
            | Command::Bench(_)
            | Command::Check(_)
            | Command::New(_)
            | Command::Classroom(_)
            | Command::Contain(_),
        ) => unreachable!("handed on above"),
    }
}

/// Hands an instructor's command on to `xtask/instructor`, built by cargo
/// the first time (the learner's commands never build it). The current
/// folder stays, so that paths on the command line mean what they meant.
fn instructor(command: &str, args: &[std::ffi::OsString]) -> Result<bool> {
    let root = workspace_root()?;
    if !root.join("xtask/instructor/Cargo.toml").is_file() {
        anyhow::bail!(
            "`cargo xtask {command}` is an instructor's command, and this repository is a students' copy without the instructor's tools (made by `cargo xtask classroom`): run it in the course's own copy of barista"
        );
    }
    let mut cargo = std::process::Command::new(cargo::program());
    cargo
        .arg("run")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .args(["--package", "instructor", "--"])
        .arg(command)
        .args(args);
    #[cfg(unix)]
    {
        // Become it: signals, the exit status and the terminal are its own.
        use std::os::unix::process::CommandExt;
        let err = cargo.exec();
        anyhow::bail!("running cargo for `{command}`: {err}");
    }
    #[cfg(not(unix))]
    {
        let ran = process::run(cargo, process::Streams::Terminal, None)?;
        std::process::exit(ran.status.code().unwrap_or(2));
    }
}
