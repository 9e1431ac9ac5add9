//! Grading a class: one scratch workspace and one target folder for the
//! whole run (dependencies are built once), each submission's exercise
//! files swapped in, built in one go (a broken exercise fails only its own
//! test target), and each exercise's pristine tests run contained.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::intake::{self, Taken};
use super::model::{ClassReport, ExerciseInfo, ExerciseResult, Status, StudentReport, TestResult};
use super::sandbox::Sandbox;
use crate::curriculum::{Curriculum, Package};
use crate::runner;

pub struct Options {
    /// One folder per student.
    pub submissions: Vec<PathBuf>,
    /// Time limit for one exercise's tests.
    pub limit: Duration,
    /// Memory limit for one test process.
    pub memory_bytes: u64,
}

/// The test target that holds every exercise's tests, as modules.
const COMBINED: &str = "all";

/// Exercises of one submission run at the same time.
const RUNS_AT_ONCE: usize = 8;

/// A message kept in a report is at most this long.
const MESSAGE_CAP: usize = 2000;

pub fn grade_class(curriculum: &Curriculum, options: &Options) -> Result<ClassReport> {
    // Every build of the run shares one target folder, apart from the
    // grader's own (dependencies are built once, across runs too).
    std::env::set_var("CARGO_TARGET_DIR", curriculum.root.join("target/grading"));
    let pristine_tests = pristine_test_names(curriculum)?;
    let scratch = Scratch::new(curriculum)?;
    let (reads, writes) = scratch.access(curriculum);
    let sandbox = Sandbox::probe(options.memory_bytes, reads, writes);
    warm_up(curriculum, &scratch, &sandbox)?;
    let bar = ProgressBar::new(options.submissions.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("grading {msg:>20} [{bar:30}] {pos}/{len}")
            .unwrap()
            .progress_chars("=> "),
    );
    let mut students = Vec::new();
    for dir in &options.submissions {
        let submission = intake::take(curriculum, dir)?;
        bar.set_message(submission.student.clone());
        students.push(grade_one(
            curriculum,
            &scratch,
            &sandbox,
            &pristine_tests,
            submission,
            options,
        )?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    students.sort_by(|a, b| a.student.cmp(&b.student));
    Ok(ClassReport {
        schema: ClassReport::SCHEMA,
        exercises: curriculum
            .exercises
            .iter()
            .map(|e| ExerciseInfo {
                name: e.name.clone(),
                title: e.title.clone(),
                points: f64::from(e.points),
            })
            .collect(),
        students,
        protections: sandbox.protections(),
    })
}

fn grade_one(
    curriculum: &Curriculum,
    scratch: &Scratch,
    sandbox: &Sandbox,
    pristine_tests: &BTreeMap<String, Vec<String>>,
    submission: intake::Submission,
    options: &Options,
) -> Result<StudentReport> {
    // Swap the submission's files in (the shipped file where it has none,
    // so that the other exercises still build).
    for exercise in &curriculum.exercises {
        let text = match &submission.files[&exercise.name] {
            Taken::Text(text) => text.clone(),
            _ => std::fs::read_to_string(curriculum.source(Package::Exercises, exercise))?,
        };
        // Unchanged files keep their timestamps, so cargo rebuilds only the
        // exercises that differ from the previous submission's.
        write_if_changed(&scratch.exercise_file(&exercise.name), text.as_bytes())?;
    }
    // One crate with every exercise's tests builds and links once; only a
    // submission with an exercise that does not compile falls back to one
    // test target per exercise, where the broken one fails alone.
    let combined = runner::build_one(&scratch.root, Package::Exercises, COMBINED, false)?;
    let (build, combined) = match combined.binaries.get(COMBINED) {
        Some(binary) if combined.errors.is_empty() => (combined.clone(), Some(binary.clone())),
        _ => (runner::build(&scratch.root, Package::Exercises)?, None),
    };
    // Decide what needs running, then run those side by side: most of a
    // run's time is waiting (time limits, sleeps in paused-time lessons).
    let mut slots: Vec<Option<ExerciseResult>> = Vec::new();
    let mut runs: Vec<(usize, &Path, &str, f64, Vec<String>)> = Vec::new();
    for exercise in &curriculum.exercises {
        let name = &exercise.name;
        let points = f64::from(exercise.points);
        let tests = pristine_tests.get(name).cloned().unwrap_or_default();
        let none_passed = |status, message: String| ExerciseResult {
            name: name.clone(),
            status,
            score: 0.0,
            max_score: points,
            tests: tests
                .iter()
                .map(|t| TestResult {
                    name: t.clone(),
                    passed: false,
                })
                .collect(),
            message: cap(&message),
        };
        let ready = match &submission.files[name] {
            Taken::Missing => Some(none_passed(
                Status::Missing,
                format!("no {name}.rs in the submission"),
            )),
            Taken::Rejected(why) => Some(none_passed(Status::Rejected, why.clone())),
            Taken::Text(_) => match (
                build.errors.get(name),
                combined.as_ref().or(build.binaries.get(name)),
            ) {
                (Some(errors), _) => Some(none_passed(Status::CompileError, errors.clone())),
                (None, None) => Some(none_passed(
                    Status::CompileError,
                    "its tests were not built".into(),
                )),
                (None, Some(binary)) => {
                    runs.push((slots.len(), binary, name, points, tests.clone()));
                    None
                }
            },
        };
        slots.push(ready);
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let finished = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..RUNS_AT_ONCE {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some((slot, binary, name, points, tests)) = runs.get(i) else {
                    break;
                };
                let filter = combined.as_ref().map(|_| format!("{name}::"));
                let result = run_exercise(
                    scratch,
                    sandbox,
                    Run {
                        binary,
                        filter: filter.as_deref(),
                        name,
                        points: *points,
                        tests,
                        limit: options.limit,
                    },
                );
                finished.lock().unwrap().push((*slot, result));
            });
        }
    });
    for (slot, result) in finished.into_inner().unwrap() {
        slots[slot] = Some(result?);
    }
    let results: Vec<ExerciseResult> = slots.into_iter().flatten().collect();
    Ok(StudentReport {
        student: submission.student,
        score: results.iter().map(|r| r.score).sum(),
        max_score: results.iter().map(|r| r.max_score).sum(),
        exercises: results,
        ignored: submission.ignored,
    })
}

/// Builds and runs the solutions once, contained, before any submission:
/// whatever the tests build at run time (trybuild's project, for the
/// compile-error lesson) is then built once per run, not inside a
/// student's time limit.
fn warm_up(curriculum: &Curriculum, scratch: &Scratch, sandbox: &Sandbox) -> Result<()> {
    for exercise in &curriculum.exercises {
        let solved = std::fs::read(curriculum.source(Package::Solutions, exercise))?;
        write_if_changed(&scratch.exercise_file(&exercise.name), &solved)?;
    }
    let build = runner::build_one(&scratch.root, Package::Exercises, COMBINED, false)?;
    let Some(binary) = build.binaries.get(COMBINED) else {
        anyhow::bail!(
            "the solutions do not build in the grading workspace: run `cargo xtask check`"
        );
    };
    let command = scratch.test_command(sandbox, binary);
    let outcome = runner::execute(command, Duration::from_secs(20 * 60))?;
    if !outcome.passed {
        eprintln!(
            "warning: the solutions' tests did not all pass in the grading sandbox:\n{}",
            runner::first_failure(&outcome.output)
        );
    }
    Ok(())
}

/// Runs one exercise's tests; a test passed only if the harness itself
/// logged it as passed (text printed by the submission does not count, and
/// an early `exit(0)` leaves the remaining tests unlogged, so failed).
/// One exercise's run: its binary (the combined one with a filter, or its
/// own) and what it is worth.
struct Run<'a> {
    binary: &'a Path,
    filter: Option<&'a str>,
    name: &'a str,
    points: f64,
    tests: &'a [String],
    limit: Duration,
}

fn run_exercise(scratch: &Scratch, sandbox: &Sandbox, run: Run<'_>) -> Result<ExerciseResult> {
    let Run {
        binary,
        filter,
        name,
        points,
        tests,
        limit,
    } = run;
    let log = scratch.root.join(format!("logs/{name}.log"));
    let _ = std::fs::remove_file(&log);
    let mut command = scratch.test_command(sandbox, binary);
    command.arg("--logfile").arg(&log).arg("--test-threads=2");
    if let Some(filter) = filter {
        command.arg(filter);
    }
    let outcome = runner::execute(command, limit)?;
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    // In the combined crate, test names carry the exercise's module.
    let passed: Vec<&str> = logged
        .lines()
        .filter_map(|l| l.strip_prefix("ok "))
        .map(|t| filter.and_then(|f| t.strip_prefix(f)).unwrap_or(t))
        .collect();
    let results: Vec<TestResult> = tests
        .iter()
        .map(|t| TestResult {
            name: t.clone(),
            passed: passed.contains(&t.as_str()),
        })
        .collect();
    let passing = results.iter().filter(|t| t.passed).count();
    let all = !results.is_empty() && passing == results.len();
    let status = if outcome.timed_out {
        Status::TimedOut
    } else if all && outcome.passed {
        Status::Passed
    } else if outcome.status_code.is_none() || (outcome.passed && !all) {
        // Killed by a signal (stack overflow, out of memory), or it exited
        // "successfully" before the harness reported every test.
        Status::Crashed
    } else {
        Status::Failed
    };
    let message = match status {
        Status::Passed => String::new(),
        Status::TimedOut => format!(
            "did not finish in {} s: likely a deadlock or a task that never yields",
            limit.as_secs()
        ),
        Status::Crashed if outcome.passed => {
            "the test process exited before the harness reported every test".to_string()
        }
        _ => runner::first_failure(&outcome.output),
    };
    let score = if results.is_empty() {
        0.0
    } else {
        points * passing as f64 / results.len() as f64
    };
    Ok(ExerciseResult {
        name: name.to_string(),
        status,
        score: (score * 100.0).round() / 100.0,
        max_score: points,
        tests: results,
        message: cap(&message),
    })
}

fn cap(text: &str) -> String {
    if text.len() <= MESSAGE_CAP {
        return text.to_string();
    }
    let mut end = MESSAGE_CAP;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n[... cut]", &text[..end])
}

/// The names of each exercise's pristine tests, from the solutions' build
/// (a submission cannot change what is listed).
fn pristine_test_names(curriculum: &Curriculum) -> Result<BTreeMap<String, Vec<String>>> {
    let build = runner::build(&curriculum.root, Package::Solutions)?;
    let mut names = BTreeMap::new();
    for (exercise, binary) in &build.binaries {
        let out = std::process::Command::new(binary)
            .args(["--list", "--format", "terse"])
            .output()
            .with_context(|| format!("listing the tests of {exercise}"))?;
        let tests: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.strip_suffix(": test"))
            .map(str::to_owned)
            .collect();
        names.insert(exercise.clone(), tests);
    }
    Ok(names)
}

/// The workspace submissions build in: the grader's repository without its
/// solutions or tools, at a fixed place inside the grading target folder, so
/// that later runs rebuild only what changed.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new(curriculum: &Curriculum) -> Result<Scratch> {
        let root = curriculum.root.join("target/grading/workspace");
        let copy = crate::copy::RepoCopy::of(&curriculum.root)?;
        copy_tree(
            &copy.root,
            &root,
            &["solutions", "xtask", ".git", ".barista", "target"],
        )?;
        // The workspace without the members left out.
        let manifest = root.join("Cargo.toml");
        let mut cargo: toml::Table = toml::from_str(&std::fs::read_to_string(&manifest)?)?;
        if let Some(workspace) = cargo.get_mut("workspace").and_then(|w| w.as_table_mut()) {
            workspace.insert(
                "members".into(),
                toml::Value::Array(vec!["macros".into(), "exercises".into()]),
            );
            workspace.insert(
                "default-members".into(),
                toml::Value::Array(vec![".".into(), "macros".into(), "exercises".into()]),
            );
        }
        std::fs::write(&manifest, toml::to_string(&cargo)?)?;
        write_combined_target(curriculum, &root)?;
        std::fs::create_dir_all(root.join("logs"))?;
        std::fs::create_dir_all(root.join("tmp"))?;
        Ok(Scratch { root })
    }

    /// What a test process may read, and write. Not the grader's
    /// repository (the solutions live there), not the pristine tests'
    /// sources; the snapshots, the exercise crate and what the build needs.
    fn access(&self, curriculum: &Curriculum) -> (Vec<PathBuf>, Vec<PathBuf>) {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".cargo"));
        let rustup_home = std::env::var_os("RUSTUP_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".rustup"));
        let target = curriculum.root.join("target/grading");
        let mut reads: Vec<PathBuf> = [
            "/usr", "/lib", "/lib64", "/bin", "/etc", "/proc", "/sys", "/dev",
        ]
        .into_iter()
        .map(PathBuf::from)
        .collect();
        reads.extend([cargo_home.clone(), rustup_home, target.clone()]);
        // Cargo reads every `.cargo/` above the workspace, the grader's own
        // included (aliases, nothing secret); denied, it would stop.
        reads.push(curriculum.root.join(".cargo"));
        for part in [
            ".cargo",
            "Cargo.toml",
            "Cargo.lock",
            "src",
            "macros",
            "exercises",
            "curriculum/tests/snapshots",
        ] {
            reads.push(self.root.join(part));
        }
        // trybuild (the compile-error lesson) builds its project here; a
        // rule needs the folder to exist.
        let _ = std::fs::create_dir_all(target.join("tests"));
        let mut writes = vec![
            self.root.join("logs"),
            self.root.join("tmp"),
            target.join("tests"),
            PathBuf::from("/dev/null"),
        ];
        // Cargo's lock files (trybuild runs cargo), and nothing else of it.
        for lock in [".package-cache", ".global-cache"] {
            let path = cargo_home.join(lock);
            if path.is_file() {
                writes.push(path);
            }
        }
        (reads, writes)
    }

    /// A contained run of a test binary built in this workspace.
    fn test_command(&self, sandbox: &Sandbox, binary: &Path) -> std::process::Command {
        let mut command = sandbox.command(binary);
        runner::test_binary_command(&mut command, &self.root.join("exercises"));
        command
            .env("TMPDIR", self.root.join("tmp"))
            // insta would run `cargo metadata` to find the workspace: say it.
            .env("INSTA_WORKSPACE_ROOT", &self.root);
        command
    }

    fn exercise_file(&self, name: &str) -> PathBuf {
        self.root.join(format!("exercises/src/{name}.rs"))
    }
}

fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &target, &[])?;
        } else {
            write_if_changed(&target, &std::fs::read(entry.path())?)?;
        }
    }
    Ok(())
}

/// Adds the `all` test target to the scratch exercises crate: each
/// exercise's pristine tests as a module, and its snapshots under the names
/// insta gives them there (`all__NAME__...`).
fn write_combined_target(curriculum: &Curriculum, root: &Path) -> Result<()> {
    let mut modules =
        String::from("// Generated by `cargo xtask grade`: every exercise's tests in one crate.\n");
    for exercise in &curriculum.exercises {
        modules.push_str(&format!(
            "#[path = \"../curriculum/tests/{0}.rs\"]\nmod {0};\n",
            exercise.name
        ));
    }
    write_if_changed(&root.join("exercises/all.rs"), modules.as_bytes())?;
    let manifest = root.join("exercises/Cargo.toml");
    let mut cargo: toml::Table = toml::from_str(&std::fs::read_to_string(&manifest)?)?;
    let mut all = toml::Table::new();
    all.insert("name".into(), COMBINED.into());
    all.insert("path".into(), "all.rs".into());
    if let Some(tests) = cargo.get_mut("test").and_then(|t| t.as_array_mut()) {
        tests.retain(|t| t.get("name").and_then(|n| n.as_str()) != Some(COMBINED));
        tests.push(toml::Value::Table(all));
    }
    write_if_changed(&manifest, toml::to_string(&cargo)?.as_bytes())?;
    let snapshots = root.join("curriculum/tests/snapshots");
    for entry in std::fs::read_dir(&snapshots)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".snap") && !name.starts_with("all__") {
            write_if_changed(
                &snapshots.join(format!("all__{name}")),
                &std::fs::read(entry.path())?,
            )?;
        }
    }
    Ok(())
}

/// Writes only when the content differs: unchanged files keep their
/// timestamps, and cargo rebuilds nothing for them.
fn write_if_changed(path: &Path, content: &[u8]) -> Result<()> {
    if std::fs::read(path).ok().as_deref() != Some(content) {
        std::fs::write(path, content)?;
    }
    Ok(())
}
