//! Grading a class, against plain `cargo test` on each submission.

use anyhow::{bail, Context, Result};
use barista::amdahl::median;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use xtask::cargo::Cargo;
use xtask::copy::RepoCopy;
use xtask::curriculum::{Curriculum, Package};
use xtask::process::{self, Streams};

use super::{max, min};

/// Seconds per submission for a class of complete, distinct submissions
/// (each solution file with one function of the student's own added), once
/// dependencies are built; next to the two ways of grading without
/// barista's grader, measured in the same run on a few of the same
/// students, alternating.
pub(super) fn grading(curriculum: &Curriculum, quick: bool) -> Result<String> {
    let students = if quick { 2 } else { 30 };
    // How many students the references grade: a fresh build costs minutes.
    let (naive_students, shared_students) = if quick { (1, 1) } else { (1, 3) };
    // Two classes: each student's own function added at the end of every
    // file (the class the goal is set for), and every line moved: the
    // worst case for incremental builds, as every item's position changes.
    let class = class_of(curriculum, students, false)?;
    let moved_class = class_of(curriculum, students, true)?;
    let reports = class.path().join("reports");
    // Warm up on one student: the first run builds the dependencies and
    // the grading workspace.
    let warm_up = tempfile::tempdir()?;
    let first = warm_up.path().join("student00/src");
    std::fs::create_dir_all(&first)?;
    copy_files(&class.path().join("student00/src"), &first)?;
    grade(warm_up.path(), &reports)?;
    let took = grade(class.path(), &reports)?;
    let per = took.as_secs_f64() / students as f64;
    let took_moved = grade(moved_class.path(), &reports)?;
    let (naive, shared) = references(curriculum, class.path(), naive_students, shared_students)?;

    let goal = Duration::from_secs_f64(1.5 * students as f64);
    let mut out = String::new();
    writeln!(out, "## Grading\n")?;
    writeln!(
        out,
        "A class of complete submissions that differ from each other (every file: each \
         solution with a function of the student's own added). barista's grader: \
         `cargo xtask grade CLASS` on {students} students, after a first run on one of them \
         (which builds the dependencies and the grading workspace), contained as for a real \
         class; then a second class of the same students with every line of every file \
         moved (a comment of the student's own at the top): the worst case for cargo's \
         incremental builds, the goal's class being the first. The references grade students of the same class with plain \
         `cargo test -p exercises --no-fail-fast` in a copy of the repository holding the \
         student's files, uncontained: with a fresh target folder per student (naive; \
         {}), or one target folder shared by the class ({}; the folder the first naive \
         run built), alternating. The issue's figures for a crate of \
         comparable size: naive 9.5 s a student, shared target folder 2.3 s.\n",
        students_named(naive_students),
        students_named(shared_students)
    )?;
    writeln!(out, "| how | command | students | per submission | range |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    writeln!(
        out,
        "| barista's grader | `cargo xtask grade CLASS` | {students} | {per:.2} s | – (one class run, {:.1} s in all) |",
        took.as_secs_f64()
    )?;
    writeln!(
        out,
        "| barista's grader, every line moved | `cargo xtask grade CLASS` | {students} | {:.2} s | – (one class run, {:.1} s in all) |",
        took_moved.as_secs_f64() / students as f64,
        took_moved.as_secs_f64()
    )?;
    for (what, samples, command) in [
        (
            "shared target folder",
            &shared,
            "CARGO_TARGET_DIR=SHARED cargo test -p exercises --no-fail-fast",
        ),
        (
            "naive",
            &naive,
            "CARGO_TARGET_DIR=FRESH cargo test -p exercises --no-fail-fast",
        ),
    ] {
        writeln!(
            out,
            "| {what} | `{command}` | {} | {:.2} s | {:.2}–{:.2} s |",
            samples.len(),
            median(samples).as_secs_f64(),
            min(samples).as_secs_f64(),
            max(samples).as_secs_f64()
        )?;
    }
    writeln!(
        out,
        "\nPer submission, a shared target folder takes {:.1}x as long as barista's grader, \
         naive {:.0}x.",
        median(&shared).as_secs_f64() / per,
        median(&naive).as_secs_f64() / per
    )?;
    writeln!(
        out,
        "\nGoal (1.5 s a submission): {}.\n",
        if quick {
            "not judged (a --quick run is too small)"
        } else if took <= goal {
            "met"
        } else {
            "MISSED"
        }
    )?;
    Ok(out)
}

/// A class of `students` complete submissions, each file a solution with
/// the student's own function added at its end, or (`moved`) a line of the
/// student's own at its top.
fn class_of(curriculum: &Curriculum, students: usize, moved: bool) -> Result<tempfile::TempDir> {
    let class = tempfile::tempdir()?;
    for i in 0..students {
        let src = class.path().join(format!("student{i:02}/src"));
        std::fs::create_dir_all(&src)?;
        for exercise in &curriculum.exercises {
            let solved = std::fs::read_to_string(curriculum.source(Package::Solutions, exercise))?;
            let text = if moved {
                format!("// student {i}{}\n{solved}", "\n//".repeat(i % 7))
            } else {
                format!("{solved}\npub fn student_{i}() -> usize {{ {i} }}\n")
            };
            std::fs::write(src.join(format!("{}.rs", exercise.name)), text)?;
        }
    }
    Ok(class)
}

/// `cargo xtask grade DIR`, contained as for a real class: how long it took.
fn grade(dir: &Path, reports: &Path) -> Result<Duration> {
    let started = Instant::now();
    let mut command = Command::new(std::env::current_exe()?);
    command
        .args(["grade"])
        .arg(dir)
        .arg("--output")
        .arg(reports)
        .env_remove("CARGO_TARGET_DIR");
    let ran = process::run(command, Streams::Apart, None)?;
    if !ran.passed() {
        bail!("grading failed: {}", ran.output);
    }
    Ok(started.elapsed())
}

/// The references: plain `cargo test -p exercises` in a copy of the
/// repository holding a student's files, with a fresh target folder
/// (naive), or one shared by the class: the first naive run's, so that its
/// first build is not counted twice. (naive, shared) times, alternating.
fn references(
    curriculum: &Curriculum,
    class: &Path,
    naive_students: usize,
    shared_students: usize,
) -> Result<(Vec<Duration>, Vec<Duration>)> {
    let copy = RepoCopy::of(&curriculum.root)?;
    let student = |i: usize| class.join(format!("student{i:02}/src"));
    let shared_target = tempfile::tempdir()?;
    let (mut naive, mut shared) = (Vec::new(), Vec::new());
    for i in 0..naive_students.max(shared_students) {
        if i < naive_students {
            let fresh = tempfile::tempdir()?;
            let target = if i == 0 {
                shared_target.path()
            } else {
                fresh.path()
            };
            naive.push(cargo_test_submission(&copy.root, &student(2 * i), target)?);
        }
        if i < shared_students {
            shared.push(cargo_test_submission(
                &copy.root,
                &student(2 * i + 1),
                shared_target.path(),
            )?);
        }
    }
    Ok((naive, shared))
}

/// `cargo test -p exercises --no-fail-fast` on one submission's files in
/// the repository copy at `root`, building into `target`; how long it took.
pub(super) fn cargo_test_submission(root: &Path, files: &Path, target: &Path) -> Result<Duration> {
    copy_files(files, &root.join("exercises/src"))?;
    let started = Instant::now();
    let command = Cargo::new(root).target_dir(target).command([
        "test",
        "-q",
        "-p",
        "exercises",
        "--no-fail-fast",
    ]);
    let ran = process::run(command, Streams::Merged, None).context("running cargo test")?;
    let took = started.elapsed();
    if !ran.passed() {
        bail!(
            "cargo test -p exercises failed on {}: {}",
            files.display(),
            ran.output
        );
    }
    Ok(took)
}

/// Copies every file of `from` into `to` (which exists), keeping names.
pub(super) fn copy_files(from: &Path, to: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

pub(super) fn students_named(count: usize) -> String {
    match count {
        1 => "1 student".to_string(),
        n => format!("{n} students"),
    }
}
