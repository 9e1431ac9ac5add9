//! `cargo xtask grade`: the command line around `grade`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Result};

use crate::curriculum::Curriculum;
use crate::grade::formats::{self, Format};
use crate::grade::model::{ClassReport, Status};
use crate::grade::{grade_class, Options};

#[derive(clap::Args)]
pub struct GradeArgs {
    /// A folder with one subfolder per student (a copy of `exercises/`, of
    /// the whole repository, or a git clone).
    submissions: Option<PathBuf>,
    /// Grade one submission instead. With `--output`, behaves like an
    /// Exercism test runner: writes the results and exits 0 whatever the
    /// outcome.
    #[arg(long, conflicts_with = "submissions")]
    submission: Option<PathBuf>,
    /// Report formats to write (repeatable).
    #[arg(long = "format", value_enum)]
    formats: Vec<Format>,
    /// Where reports go (default: grading-reports/ in the current folder).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Seconds one exercise's tests may run.
    #[arg(long, default_value_t = 10)]
    exercise_time_limit: u64,
    /// Memory limit for one test process, in MiB.
    #[arg(long, default_value_t = 2048)]
    memory_mib: u64,
}

pub fn grade(curriculum: &Curriculum, args: GradeArgs) -> Result<bool> {
    let single = args.submission.is_some();
    let submissions = match (&args.submissions, &args.submission) {
        (_, Some(one)) => {
            if !one.is_dir() {
                bail!("--submission {}: no such folder", one.display());
            }
            vec![one.clone()]
        }
        (Some(class), None) => {
            if !class.is_dir() {
                bail!("{}: no such folder", class.display());
            }
            crate::grade::class_folders(class)?
        }
        (None, None) => bail!("give a folder of submissions, or --submission DIR"),
    };
    if submissions.is_empty() {
        bail!("no submissions (subfolders) found");
    }
    let options = Options {
        submissions,
        limit: Duration::from_secs(args.exercise_time_limit.max(1)),
        memory_bytes: args.memory_mib.max(64) << 20,
    };
    let started = std::time::Instant::now();
    let class = grade_class(curriculum, &options)?;
    print!("{}", table(&class));
    println!(
        "graded {} submission(s) in {:.1} s",
        class.students.len(),
        started.elapsed().as_secs_f64()
    );
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("grading-reports"));
    if single && args.output.is_some() && args.formats.is_empty() {
        // The Exercism test-runner contract: OUTPUT/results.json, version 2.
        let path = output.join("results.json");
        std::fs::create_dir_all(&output)?;
        let results = formats::exercism::render_student(&class.exercises, &class.students[0]);
        std::fs::write(&path, serde_json::to_string_pretty(&results)?)?;
        println!("wrote {}", path.display());
        return Ok(true);
    }
    let mut formats = args.formats.clone();
    if formats.is_empty() {
        formats.push(Format::Json);
    }
    for format in formats {
        let path = formats::write(format, &class, &output)?;
        println!("wrote {}", path.display());
    }
    // Grading finished: scores are data, not a failure of this command.
    Ok(true)
}

/// Student × exercise, with totals: the terminal's view of the class.
pub fn table(class: &ClassReport) -> String {
    let width = class
        .students
        .iter()
        .map(|s| s.student.chars().count())
        .max()
        .unwrap_or(7)
        .max(7);
    let mut out = format!("{:<width$} ", "student");
    for i in 1..=class.exercises.len() {
        out.push_str(&format!("{i:>3}"));
    }
    out.push_str("   total\n");
    for student in &class.students {
        out.push_str(&format!("{:<width$} ", student.student));
        for result in &student.exercises {
            let mark = match result.status {
                Status::Passed => "ok",
                Status::Failed => "F",
                Status::CompileError => "CE",
                Status::TimedOut => "TO",
                Status::Crashed => "X",
                Status::Missing => "-",
                Status::Rejected => "R",
            };
            out.push_str(&format!("{mark:>3}"));
        }
        out.push_str(&format!(
            "   {:>5} / {}\n",
            trim_number(student.score),
            trim_number(student.max_score)
        ));
    }
    out.push_str(
        "ok passed, F failed, CE compile error, TO timed out, X crashed, - missing, R rejected\n",
    );
    out
}

fn trim_number(n: f64) -> String {
    let text = format!("{n:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}
