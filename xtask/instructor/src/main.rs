//! The instructor's commands. Run as `cargo xtask grade|check|bench|new|classroom …`:
//! the learner's `xtask` hands these on (`cargo run --package instructor`),
//! so they are built only when an instructor first needs them.

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use instructor::{bench, check, classroom, contain, grade_cli, scaffold};
use xtask::curriculum::{workspace_root, Curriculum};

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    version,
    about = "barista's instructor tools: grading, the curriculum's self-check, benchmarks, new exercises"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
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
    /// Scaffold an exercise after the last one: learner file, solution,
    /// pristine tests, metadata, and `[[test]]` in both crates.
    New {
        /// The exercise's name, `exNN_words` with the next number
        /// (e.g. `ex17_fan_out`).
        name: String,
    },
    /// Write the students' repository (exercises, visible tests, the
    /// learner's tool, the feedback workflow; no solutions) into OUT.
    Classroom {
        /// A new or empty folder.
        out: std::path::PathBuf,
    },
}

fn main() -> ExitCode {
    xtask::exit_code(run(Cli::parse()))
}

fn run(cli: Cli) -> Result<bool> {
    if let Command::Contain(args) = cli.command {
        return contain::contain(args);
    }
    xtask::process::stop_everything_when_interrupted();
    let curriculum = Curriculum::load(&workspace_root()?)?;
    let result = match cli.command {
        Command::Contain(_) => unreachable!("handled above"),
        Command::Grade(args) => grade_cli::grade(&curriculum, args),
        Command::Bench { quick } => bench::bench(&curriculum, quick),
        Command::Check { repeat } => check::check(&curriculum, &check::Options { repeat }),
        Command::New { name } => new(&curriculum, &name),
        Command::Classroom { out } => students_repository(&curriculum, &out),
    };
    xtask::process::stop_everything();
    result
}

fn students_repository(curriculum: &Curriculum, out: &std::path::Path) -> Result<bool> {
    let written = classroom::classroom(curriculum, out)?;
    println!(
        "wrote the students' repository in {} ({} files): the exercises as shipped, their visible tests, the learner's tool and .github/workflows/barista-feedback.yml; no solutions.",
        out.display(),
        written.files
    );
    println!(
        "Next: make it a git repository and push it as the assignment's template (docs/grading-at-scale.md walks through GitHub Classroom)."
    );
    Ok(true)
}

fn new(curriculum: &Curriculum, name: &str) -> Result<bool> {
    let done = scaffold::new_exercise(curriculum, name)?;
    println!("new exercise {name}:");
    for file in &done.created {
        println!("  created {file}");
    }
    for file in &done.edited {
        println!("  edited  {file}");
    }
    println!(
        "Next: write what each `{}` asks for; `cargo xtask check` lists those left.",
        scaffold::PLACEHOLDER
    );
    Ok(true)
}
