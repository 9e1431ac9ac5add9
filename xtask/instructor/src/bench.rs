//! `cargo xtask bench`: every speed and memory figure barista promises,
//! measured side by side, written to BENCHMARKS.md with the command behind
//! each. `--quick` is a smoke run: it checks that every benchmark still runs
//! and prints to the terminal, leaving BENCHMARKS.md alone.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use barista::amdahl::median;

use xtask::cargo::Cargo;
use xtask::copy::RepoCopy;
use xtask::curriculum::{Curriculum, Package};
use xtask::status::Status;
use xtask::verdict;

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

fn machine() -> String {
    let date = Command::new("date")
        .arg("+%Y-%m-%d")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{date}, {}", barista::amdahl::machine())
}

/// A newcomer's first `cargo xtask` on a fresh clone (crates downloaded,
/// no `target/`), piped: when the first line of progress shows, and when
/// the first exercise is on screen. Run in --quick too: it is under a
/// minute, and the one figure a newcomer meets first.
fn first_run(curriculum: &Curriculum) -> Result<String> {
    use std::io::BufRead;
    let copy = RepoCopy::of(&curriculum.root)?;
    let started = Instant::now();
    let mut child = Cargo::new(&copy.root)
        .own_target_dir()
        .command(["xtask"])
        .env_remove("CARGO_MANIFEST_DIR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running cargo xtask")?;
    let (lines, seen) = std::sync::mpsc::channel();
    let readers: Vec<_> = [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ]
    .into_iter()
    .map(|stream| {
        let lines = lines.clone();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stream)
                .lines()
                .map_while(Result::ok)
            {
                let _ = lines.send((started.elapsed(), line));
            }
        })
    })
    .collect();
    drop(lines);
    let mut first_line = None;
    let mut first_exercise = None;
    let mut printed = Vec::new();
    for (at, line) in seen {
        first_line.get_or_insert(at);
        if first_exercise.is_none() && line.starts_with("Exercise 1 of ") {
            first_exercise = Some(at);
        }
        printed.push(line);
    }
    for reader in readers {
        let _ = reader.join();
    }
    let status = child.wait()?;
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
        cargo
            .command(["test", "-q", "-p", "exercises"])
            .args(args)
            .output()?;
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
/// dependencies are built; next to the two ways of grading without
/// barista's grader, measured in the same run on a few of the same
/// students, alternating.
fn grading(curriculum: &Curriculum, quick: bool) -> Result<String> {
    let students = if quick { 2 } else { 30 };
    // How many students the references grade: a fresh build costs minutes.
    let (naive_students, shared_students) = if quick { (1, 1) } else { (1, 3) };
    // Two classes: each student's own function added at the end of every
    // file (the class the goal is set for), and every line moved (a line
    // of the student's own at the top of every file): the worst case for
    // incremental builds, as every item's position changes.
    let class_of = |moved: bool| -> Result<tempfile::TempDir> {
        let class = tempfile::tempdir()?;
        for i in 0..students {
            let src = class.path().join(format!("student{i:02}/src"));
            std::fs::create_dir_all(&src)?;
            for exercise in &curriculum.exercises {
                let solved =
                    std::fs::read_to_string(curriculum.source(Package::Solutions, exercise))?;
                let text = if moved {
                    format!("// student {i}{}\n{solved}", "\n//".repeat(i % 7))
                } else {
                    format!("{solved}\npub fn student_{i}() -> usize {{ {i} }}\n")
                };
                std::fs::write(src.join(format!("{}.rs", exercise.name)), text)?;
            }
        }
        Ok(class)
    };
    let class = class_of(false)?;
    let moved_class = class_of(true)?;
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
    // Warm up on one student: the first run builds the dependencies and
    // the grading workspace.
    let warm_up = tempfile::tempdir()?;
    let first = warm_up.path().join("student00/src");
    std::fs::create_dir_all(&first)?;
    copy_files(&class.path().join("student00/src"), &first)?;
    grade(warm_up.path())?;
    let took = grade(class.path())?;
    let per = took.as_secs_f64() / students as f64;
    let took_moved = grade(moved_class.path())?;

    // The references: plain `cargo test -p exercises` in a copy of the
    // repository holding the student's files, with a fresh target folder
    // (naive), or one shared by the class: the first naive run's, so that
    // its first build is not counted twice.
    let copy = RepoCopy::of(&curriculum.root)?;
    let student = |i: usize| class.path().join(format!("student{i:02}/src"));
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

/// The project's own checks in a clean clone: `cargo test` fresh (it
/// builds everything), `cargo test` again (warm: what a developer waits for
/// after a change), `cargo xtask check`; and where the warm run's time
/// goes, test binary by test binary.
fn clean_clone(curriculum: &Curriculum, quick: bool) -> Result<String> {
    let copy = RepoCopy::of(&curriculum.root)?;
    let test: &[&str] = if quick {
        // The procedure, without minutes of building: CI's smoke run.
        &["metadata", "--locked", "--format-version", "1"]
    } else {
        &["test", "--locked"]
    };
    let check: &[&str] = if quick { test } else { &["xtask", "check"] };
    let commands = [("fresh", test), ("warm, again", test), ("", check)];
    let mut rows = String::new();
    let mut warm_binaries = Vec::new();
    for (when, args) in commands {
        let started = Instant::now();
        let printed = cargo_in_clean_clone(&copy.root, args)?;
        let took = started.elapsed();
        let when = if when.is_empty() {
            String::new()
        } else {
            format!(" ({when})")
        };
        writeln!(
            rows,
            "| `cargo {}`{when} | {:.0} s |",
            args.join(" "),
            took.as_secs_f64()
        )?;
        if when.contains("warm") {
            warm_binaries = test_binary_times(&printed);
        }
    }
    let mut out = String::new();
    writeln!(out, "## A clean clone: the project's own checks\n")?;
    writeln!(
        out,
        "In a fresh copy of the repository (the files git lists, no `target/`), one after the \
         other, each command timed once: the first builds everything it needs (the crates' \
         downloads are already in cargo's cache, as on a machine that has built once); the \
         second runs the same tests with everything built. `.ci/run` runs `cargo test` and \
         `cargo xtask check`, and must finish well inside 30 minutes on 2 cores. Goal (issue \
         12): `cargo test` within 4 minutes fresh and 60 s warm.{}\n",
        if quick {
            " (--quick: `cargo metadata` in place of the real commands, checking only the \
             procedure; a clean build takes minutes.)"
        } else {
            ""
        }
    )?;
    writeln!(out, "| command | wall time |")?;
    writeln!(out, "|---|---|")?;
    out.push_str(&rows);
    if !warm_binaries.is_empty() {
        warm_binaries.sort_by(|a, b| b.1.total_cmp(&a.1));
        let all: f64 = warm_binaries.iter().map(|(_, s)| s).sum();
        writeln!(
            out,
            "\nThe warm run's test binaries, slowest first (libtest's own `finished in`; \
             {:.0} s in all, {} binaries):\n",
            all,
            warm_binaries.len()
        )?;
        writeln!(out, "| test binary | time |")?;
        writeln!(out, "|---|---|")?;
        for (binary, seconds) in warm_binaries.iter().take(8) {
            writeln!(out, "| {binary} | {seconds:.1} s |")?;
        }
    }
    out.push('\n');
    Ok(out)
}

/// `cargo ARGS` in the clean clone at `root`, building there; what it
/// printed, stdout and stderr in the order printed. An error with its
/// last lines when it fails.
fn cargo_in_clean_clone(root: &Path, args: &[&str]) -> Result<String> {
    let (mut reader, writer) = std::io::pipe()?;
    let mut command = Cargo::new(root).own_target_dir().command(args);
    command
        .stdin(Stdio::null())
        .stdout(writer.try_clone()?)
        .stderr(writer);
    let mut child = command
        .spawn()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    // The pipe ends when cargo and everything it started have closed it.
    drop(command);
    let mut printed = String::new();
    std::io::Read::read_to_string(&mut reader, &mut printed)?;
    let status = child.wait()?;
    if !status.success() {
        let lines: Vec<&str> = printed.lines().collect();
        bail!(
            "`cargo {}` failed in a clean copy; its last lines:\n{}",
            args.join(" "),
            lines[lines.len().saturating_sub(60)..].join("\n")
        );
    }
    Ok(printed)
}

/// Each test binary `cargo test` ran (`Running tests/grading.rs`, `Doc-tests
/// barista`) and how long its tests took (`finished in 484.08s`).
fn test_binary_times(printed: &str) -> Vec<(String, f64)> {
    let mut times = Vec::new();
    let mut binary: Option<String> = None;
    for line in printed.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("Running ") {
            // `Running tests/grading.rs (target/debug/deps/grading-1f2e…)`:
            // the source, and the binary's name without its hash (several
            // crates have a `src/lib.rs`).
            let (source, path) = rest.split_once(" (").unwrap_or((rest, ""));
            let file = Path::new(path.trim_end_matches(')'));
            let stem = file.file_name().map(|f| f.to_string_lossy().into_owned());
            binary = Some(match stem.as_deref().and_then(|f| f.rsplit_once('-')) {
                Some((name, _)) => format!("`{source}` ({name})"),
                None => format!("`{source}`"),
            });
        } else if let Some(crate_name) = line.strip_prefix("Doc-tests ") {
            binary = Some(format!("doc tests of `{crate_name}`"));
        } else if let Some(seconds) = line
            .strip_prefix("test result: ")
            .and_then(|l| l.rsplit_once("finished in "))
            .and_then(|(_, s)| s.trim_end_matches('s').parse::<f64>().ok())
        {
            if let Some(binary) = binary.take() {
                times.push((binary, seconds));
            }
        }
    }
    times
}

/// `cargo test -p exercises --no-fail-fast` on one submission's files in
/// the repository copy at `root`, building into `target`; how long it took.
fn cargo_test_submission(root: &Path, files: &Path, target: &Path) -> Result<Duration> {
    copy_files(files, &root.join("exercises/src"))?;
    let started = Instant::now();
    let out = Cargo::new(root)
        .target_dir(target)
        .command(["test", "-q", "-p", "exercises", "--no-fail-fast"])
        .output()
        .context("running cargo test")?;
    let took = started.elapsed();
    if !out.status.success() {
        bail!(
            "cargo test -p exercises failed on {}: {}",
            files.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(took)
}

/// One of the runtime's benchmarks (`benches/NAME.rs`), verbatim, its
/// headings one level down.
fn cargo_bench(root: &Path, name: &str, quick: bool) -> Result<String> {
    section(
        root,
        &["bench", "-q", "-p", "barista", "--bench", name],
        quick,
    )
}

/// The bug catalogue (benches/catalogue): each exploration strategy's
/// schedules to a failure, barista's and shuttle's, in one run.
fn bug_catalogue(root: &Path, quick: bool) -> Result<String> {
    section(
        root,
        &["run", "-q", "--release", "-p", "bug-catalogue"],
        quick,
    )
}

/// A benchmark program's Markdown, from `cargo ARGS [-- --quick]` in its
/// own target folder, with its headings one level down.
fn section(root: &Path, args: &[&str], quick: bool) -> Result<String> {
    let mut command = Cargo::new(root).own_target_dir().command(args);
    if quick {
        command.args(["--", "--quick"]);
    }
    let shown = format!("cargo {}", args.join(" "));
    let output = command
        .output()
        .with_context(|| format!("running {shown}"))?;
    if !output.status.success() {
        bail!(
            "{shown} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(one_level_down(&String::from_utf8_lossy(&output.stdout)))
}

/// Figures from machines `cargo xtask bench` does not run on (kept in
/// `benches/results/`, each file saying where and how it was measured).
fn measured_elsewhere(root: &Path) -> Result<String> {
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

/// Copies every file of `from` into `to` (which exists), keeping names.
fn copy_files(from: &Path, to: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        std::fs::copy(entry.path(), to.join(entry.file_name()))?;
    }
    Ok(())
}

fn students_named(count: usize) -> String {
    match count {
        1 => "1 student".to_string(),
        n => format!("{n} students"),
    }
}

/// A section's markdown with its headings one level down, ending in a
/// blank line.
fn one_level_down(markdown: &str) -> String {
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

fn min(samples: &[Duration]) -> Duration {
    samples.iter().copied().min().unwrap_or_default()
}

fn max(samples: &[Duration]) -> Duration {
    samples.iter().copied().max().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::test_binary_times;

    #[test]
    fn each_test_binary_gets_its_own_time() {
        let printed = "\
   Compiling barista v0.1.0
     Running unittests src/lib.rs (target/debug/deps/xtask-d94febda015167f7)

running 8 tests
test result: ok. 8 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.31s

     Running tests/grading.rs (target/debug/deps/grading-297e0b0d46d90bdd)
test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 484.08s
   Doc-tests barista
test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.5s
";
        assert_eq!(
            test_binary_times(printed),
            [
                ("`unittests src/lib.rs` (xtask)".to_string(), 0.31),
                ("`tests/grading.rs` (grading)".to_string(), 484.08),
                ("doc tests of `barista`".to_string(), 1.5),
            ]
        );
    }
}
