//! `cargo xtask grade`: the command line around `grade`.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Result};

use crate::grade::formats::{self, ClassView, Format, Rendered};
use crate::grade::model::Status;
use crate::grade::{grade_class, Options};
use xtask::curriculum::Curriculum;

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
    /// Combine barista JSON class reports (`results.json` from `--format
    /// json`, e.g. one per CI job) into one class report and write its
    /// formats, instead of grading.
    #[arg(
        long,
        num_args = 1..,
        value_name = "FILE",
        conflicts_with_all = ["submissions", "submission"]
    )]
    combine: Vec<PathBuf>,
    /// Report formats to write (repeatable).
    #[arg(long = "format", value_enum)]
    formats: Vec<Format>,
    /// Where reports go (default: grading-reports/ in the current folder).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Seconds one exercise's tests may run.
    #[arg(long, default_value_t = 10, value_parser = at_least::<1>)]
    exercise_time_limit: u64,
    /// Memory limit for one test process, in MiB (64 or more).
    #[arg(long, default_value_t = 2048, value_parser = at_least::<64>)]
    memory_mib: u64,
    /// Seconds of CPU time each process of a submission's build may take
    /// (cargo, rustc, the linker; four times that by the clock for the whole
    /// build). An exercise that makes the compiler loop costs only itself:
    /// the rest are built without it.
    #[arg(long, default_value_t = 60, value_parser = at_least::<1>)]
    build_time_limit: u64,
    /// Memory limit for a build (cargo, rustc and the linker, each), in MiB
    /// (256 or more).
    #[arg(long, default_value_t = 4096, value_parser = at_least::<256>)]
    build_memory_mib: u64,
    /// A folder of hidden tests, `NAME.rs` for an exercise NAME (written like
    /// the pristine tests in curriculum/tests/): graded with the pristine
    /// tests, shown to students as hidden tests, never their code.
    #[arg(long = "tests", value_name = "DIR")]
    hidden_tests: Option<PathBuf>,
    /// Grade even where this machine cannot contain students' code fully
    /// (no Landlock, an older Landlock ABI, no user namespaces): a warning
    /// says what is missing, and every report is marked. Without it, such a
    /// machine is refused.
    #[arg(long)]
    uncontained: bool,
}

/// A whole number, `MIN` or more: a limit below it would stop every run
/// (or every build) before it starts, so it is refused, not raised.
fn at_least<const MIN: u64>(text: &str) -> Result<u64, String> {
    match text.parse::<u64>() {
        Ok(n) if n >= MIN => Ok(n),
        Ok(n) => Err(format!("{n} is too small: give {MIN} or more")),
        Err(_) => Err(format!("{text:?} is not a whole number")),
    }
}

/// Where the reports go, checked before any grading: a class is not graded
/// for minutes only to find that its reports cannot be written.
fn writable_output(args: &GradeArgs) -> Result<PathBuf> {
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("grading-reports"));
    let probe = output.join(".barista-write-check");
    std::fs::create_dir_all(&output)
        .and_then(|()| std::fs::write(&probe, b""))
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|err| {
            anyhow::anyhow!("--output {}: cannot write there ({err})", output.display())
        })?;
    Ok(output)
}

/// The class folder: a folder (not a file), with a subfolder per student.
fn class_folder(class: &std::path::Path) -> Result<Vec<PathBuf>> {
    if class.is_file() {
        bail!(
            "{}: a file, not a folder: give the folder that holds one subfolder per student",
            class.display()
        );
    }
    if !class.is_dir() {
        bail!("{}: no such folder", class.display());
    }
    let crate::grade::ClassFolders { students, left_out } = crate::grade::class_folders(class)?;
    for (entry, why) in &left_out {
        eprintln!(
            "warning: not graded: {}: {why}",
            crate::grade::model::printable(&entry.display().to_string(), false)
        );
    }
    if students.is_empty() {
        bail!(
            "no submissions in {}: it has no subfolders (one per student is expected)",
            class.display()
        );
    }
    Ok(students)
}

pub fn grade(curriculum: &Curriculum, args: GradeArgs) -> Result<bool> {
    if !args.combine.is_empty() {
        writable_output(&args)?;
        let class = crate::grade::combine::read_and_combine(&args.combine)?;
        let view = ClassView::new(&class);
        print!("{}", table(&view));
        println!(
            "combined {} report(s): {} student(s)",
            args.combine.len(),
            class.students.len()
        );
        write_formats(&view, &args)?;
        return Ok(true);
    }
    let single = args.submission.is_some();
    let submissions = match (&args.submissions, &args.submission) {
        (_, Some(one)) => {
            if !one.is_dir() {
                bail!("--submission {}: no such folder", one.display());
            }
            vec![one.clone()]
        }
        (Some(class), None) => class_folder(class)?,
        (None, None) => bail!("give a folder of submissions, or --submission DIR"),
    };
    let options = Options {
        submissions,
        limit: Duration::from_secs(args.exercise_time_limit),
        memory_bytes: args.memory_mib << 20,
        build_limit: Duration::from_secs(args.build_time_limit),
        build_memory_bytes: args.build_memory_mib << 20,
        hidden_tests: args.hidden_tests.clone(),
        uncontained: args.uncontained,
    };
    if let Some(dir) = &options.hidden_tests {
        if !dir.is_dir() {
            bail!("--tests {}: no such folder", dir.display());
        }
    }
    writable_output(&args)?;
    let started = std::time::Instant::now();
    let class = grade_class(curriculum, &options)?;
    let view = ClassView::new(&class);
    print!("{}", table(&view));
    println!(
        "graded {} submission(s) in {:.1} s",
        class.students.len(),
        started.elapsed().as_secs_f64()
    );
    if single && args.output.is_some() && args.formats.is_empty() {
        let output = args.output.clone().expect("checked above");
        // The Exercism test-runner contract: OUTPUT/results.json, version 2.
        let path = output.join("results.json");
        std::fs::create_dir_all(&output)?;
        let Rendered::PerStudent(mut files) = formats::render(Format::Exercism, &view)? else {
            unreachable!("Exercism writes one file per student");
        };
        std::fs::write(&path, files.swap_remove(0))?;
        println!("wrote {}", path.display());
        return Ok(true);
    }
    write_formats(&view, &args)?;
    // Grading finished: scores are data, not a failure of this command.
    Ok(true)
}

/// Writes the `--format`s (barista's JSON when none is given) into
/// `--output` (default `grading-reports/`).
fn write_formats(view: &ClassView, args: &GradeArgs) -> Result<()> {
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("grading-reports"));
    let mut formats = args.formats.clone();
    if formats.is_empty() {
        formats.push(Format::Json);
    }
    for format in formats {
        let path = formats::write(format, view, &output)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// Student × exercise, with totals: the terminal's view of the class.
/// Names as the terminal may show them (printable, on one line), and
/// columns padded by the width they take on screen, not by characters.
#[must_use]
pub fn table(view: &ClassView) -> String {
    use comfy_table::{presets, CellAlignment, Table};
    let mut table = Table::new();
    table.load_style(presets::NOTHING);
    let mut header = vec!["student".to_string()];
    header.extend((1..=view.exercises.len()).map(|i| i.to_string()));
    header.push("total".to_string());
    table.set_header(header);
    for student in &view.students {
        let mut row = vec![student.name.clone()];
        row.extend(student.results.iter().map(|r| {
            r.as_ref()
                .map_or(" ", |r| r.result.status.mark())
                .to_string()
        }));
        row.push(format!(
            "{} / {}",
            formats::number(student.report.score),
            formats::number(student.report.max_score)
        ));
        table.add_row(row);
    }
    for column in table.column_iter_mut().skip(1) {
        column.set_cell_alignment(CellAlignment::Right);
    }
    if let Some(names) = table.column_mut(0) {
        names.set_padding((0, 1));
    }
    let legend: Vec<String> = Status::ALL
        .iter()
        .map(|s| format!("{} {}", s.mark(), s.label()))
        .collect();
    let lines: Vec<String> = table.lines().map(|l| l.trim_end().to_string()).collect();
    format!("{}\n{}\n", lines.join("\n"), legend.join(", "))
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr;

    use super::table;
    use crate::grade::formats::ClassView;
    use crate::grade::model::fixture;

    #[test]
    fn the_table_is_safe_and_aligned_whatever_the_names() {
        let mut class = fixture::class();
        class.students[0].student = "王小明".into();
        class.students[1].student = "evil\x1b[2J\nfake row".into();
        let text = table(&ClassView::new(&class));
        assert!(!text.contains('\x1b'), "{text:?}");
        // One row per student, however its name was written.
        assert_eq!(text.lines().count(), 1 + class.students.len() + 1, "{text}");
        // The totals line up: names padded by the columns they take.
        let columns: Vec<usize> = text
            .lines()
            .skip(1)
            .take(class.students.len())
            .map(|l| l[..l.rfind('/').unwrap()].width())
            .collect();
        assert!(columns.windows(2).all(|w| w[0] == w[1]), "{text}");
    }
}
