//! Grading a class: one scratch workspace and one target folder for the
//! whole run (dependencies are built once), each submission's exercise
//! files swapped in, built in one go (a broken exercise fails only its own
//! test target), and each exercise's pristine tests run contained.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::intake::{self, Taken};
use super::model::{ClassReport, ExerciseInfo, ExerciseResult, Status, StudentReport, TestResult};
use super::sandbox::Sandbox;
use crate::curriculum::{Curriculum, Exercise, Package};
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
    let grader = Grader::new(curriculum, options)?;
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
        students.push(grader.grade(submission)?);
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
        protections: grader.sandbox.protections(),
    })
}

/// What stays the same from one submission to the next.
struct Grader<'a> {
    curriculum: &'a Curriculum,
    options: &'a Options,
    scratch: Scratch,
    sandbox: Sandbox,
    /// Each exercise's pristine test names.
    pristine_tests: BTreeMap<String, Vec<String>>,
    /// Test binaries whose build reads no exercise file (their tests read
    /// it when they run, as trybuild does): built once, and run while a
    /// submission's other exercises build.
    standalone: BTreeMap<String, PathBuf>,
    /// How long each exercise's run took last time: the longest start
    /// first, so that they do not finish last.
    took: Mutex<BTreeMap<String, Duration>>,
}

/// One exercise's run: its binary (the combined one with a filter, or its
/// own) and what it is worth.
struct Run {
    slot: usize,
    binary: PathBuf,
    filter: Option<String>,
    name: String,
    points: f64,
    tests: Vec<String>,
}

impl<'a> Grader<'a> {
    fn new(curriculum: &'a Curriculum, options: &'a Options) -> Result<Grader<'a>> {
        let pristine_tests = pristine_test_names(curriculum)?;
        let scratch = Scratch::new(curriculum)?;
        let (reads, writes, shared) = scratch.access(curriculum);
        let layers = scratch.root.join("layers");
        let sandbox = Sandbox::probe(options.memory_bytes, reads, writes, shared, layers);
        sandbox.clear_layers();
        let mut grader = Grader {
            curriculum,
            options,
            scratch,
            sandbox,
            pristine_tests,
            standalone: BTreeMap::new(),
            took: Mutex::new(BTreeMap::new()),
        };
        grader.standalone = grader.warm_up()?;
        Ok(grader)
    }

    /// Builds and runs the solutions once, contained, before any
    /// submission: whatever the tests build at run time (trybuild's
    /// project, for the compile-error lesson) is then built once per run,
    /// not inside a student's time limit; and a sandbox that stops even
    /// the solutions is reported before anyone is graded. Returns the
    /// standalone test binaries (see `standalone`).
    fn warm_up(&self) -> Result<BTreeMap<String, PathBuf>> {
        for exercise in &self.curriculum.exercises {
            let solved = std::fs::read(self.curriculum.source(Package::Solutions, exercise))?;
            write_if_changed(&self.scratch.exercise_file(&exercise.name), &solved)?;
        }
        let build = runner::build_one(&self.scratch.root, Package::Exercises, COMBINED, false)?;
        let Some(binary) = build.binaries.get(COMBINED) else {
            anyhow::bail!(
                "the solutions do not build in the grading workspace: run `cargo xtask check`"
            );
        };
        let standalone = self.scratch.standalone_binaries(self.curriculum, binary)?;
        // Run from where a submission's binary runs; removed after, since
        // the solutions are compiled into it.
        let binary = self.scratch.runnable(binary)?;
        // Whatever the tests build at run time stays, for every run after.
        let filling = self.sandbox.filling_shared();
        let mut command = self.scratch.test_command(&filling, &binary);
        // Most tests wait more than they compute.
        command.arg("--test-threads=8");
        let outcome = runner::execute(command, Duration::from_secs(20 * 60));
        self.scratch.clear_runs(&standalone)?;
        let outcome = outcome?;
        if !outcome.passed {
            eprintln!(
                "warning: the solutions' tests did not all pass in the grading sandbox:\n{}",
                runner::first_failure(&outcome.output)
            );
        }
        Ok(standalone)
    }

    fn grade(&self, submission: intake::Submission) -> Result<StudentReport> {
        // Swap the submission's files in (the shipped file where it has
        // none, so that the other exercises still build).
        for exercise in &self.curriculum.exercises {
            let text = match &submission.files[&exercise.name] {
                Taken::Text(text) => text.clone(),
                _ => std::fs::read_to_string(self.curriculum.source(Package::Exercises, exercise))?,
            };
            // Unchanged files keep their timestamps, so cargo rebuilds only
            // the exercises that differ from the previous submission's.
            write_if_changed(&self.scratch.exercise_file(&exercise.name), text.as_bytes())?;
        }
        let mut slots: Vec<Option<Result<ExerciseResult>>> = Vec::new();
        let (queue, queued) = std::sync::mpsc::channel::<Run>();
        let queued = Mutex::new(queued);
        let finished = Mutex::new(Vec::new());
        std::thread::scope(|scope| -> Result<()> {
            // Most of a run's time is waiting (time limits, sleeps in
            // paused-time lessons): several run side by side, and start
            // while the rest of the submission builds.
            for _ in 0..RUNS_AT_ONCE {
                scope.spawn(|| loop {
                    let Ok(run) = queued.lock().unwrap().recv() else {
                        break;
                    };
                    let result = self.run_exercise(&run);
                    finished.lock().unwrap().push((run.slot, result));
                });
            }
            let mut later = Vec::new();
            for exercise in &self.curriculum.exercises {
                let slot = slots.len();
                slots.push(None);
                let name = &exercise.name;
                let (status, message) = match &submission.files[name] {
                    Taken::Missing => (Status::Missing, format!("no {name}.rs in the submission")),
                    Taken::Rejected(why) => (Status::Rejected, why.clone()),
                    Taken::Text(_) => {
                        match self.standalone.get(name) {
                            Some(binary) => queue.send(self.run(slot, exercise, binary, None))?,
                            None => later.push((slot, exercise)),
                        }
                        continue;
                    }
                };
                slots[slot] = Some(Ok(self.none_passed(exercise, status, message)));
            }
            let (build, combined) = self.build()?;
            let took = self.took.lock().unwrap().clone();
            later.sort_by_key(|(_, exercise)| {
                std::cmp::Reverse(took.get(&exercise.name).copied().unwrap_or_default())
            });
            for (slot, exercise) in later {
                let name = &exercise.name;
                match (&combined, build.errors.get(name), build.binaries.get(name)) {
                    (Some(binary), _, _) => {
                        let filter = format!("{name}::");
                        queue.send(self.run(slot, exercise, binary, Some(filter)))?;
                    }
                    (None, Some(errors), _) => {
                        slots[slot] = Some(Ok(self.none_passed(
                            exercise,
                            Status::CompileError,
                            errors.clone(),
                        )));
                    }
                    (None, None, Some(binary)) => {
                        let binary = self.scratch.runnable(binary)?;
                        queue.send(self.run(slot, exercise, &binary, None))?;
                    }
                    (None, None, None) => {
                        slots[slot] = Some(Ok(self.none_passed(
                            exercise,
                            Status::CompileError,
                            "its tests were not built".into(),
                        )));
                    }
                }
            }
            drop(queue);
            Ok(())
        })?;
        // This submission's binaries go: the next one's runs must not
        // read them.
        self.scratch.clear_runs(&self.standalone)?;
        self.sandbox.clear_layers();
        for (slot, result) in finished.into_inner().unwrap() {
            slots[slot] = Some(result);
        }
        let results = slots
            .into_iter()
            .flatten()
            .collect::<Result<Vec<ExerciseResult>>>()?;
        Ok(StudentReport {
            student: submission.student,
            score: results.iter().map(|r| r.score).sum(),
            max_score: results.iter().map(|r| r.max_score).sum(),
            exercises: results,
            ignored: submission.ignored,
        })
    }

    /// Builds the submission: one crate with every exercise's tests builds
    /// and links once; only a submission with an exercise that does not
    /// compile falls back to one test target per exercise, where the
    /// broken one fails alone. With it, the combined binary, ready to run.
    fn build(&self) -> Result<(runner::Build, Option<PathBuf>)> {
        let root = &self.scratch.root;
        let combined = runner::build_one(root, Package::Exercises, COMBINED, false)?;
        Ok(match combined.binaries.get(COMBINED) {
            Some(binary) if combined.errors.is_empty() => {
                let binary = self.scratch.runnable(binary)?;
                (combined, Some(binary))
            }
            _ => (runner::build(root, Package::Exercises)?, None),
        })
    }

    fn run(&self, slot: usize, exercise: &Exercise, binary: &Path, filter: Option<String>) -> Run {
        Run {
            slot,
            binary: binary.to_path_buf(),
            filter,
            name: exercise.name.clone(),
            points: f64::from(exercise.points),
            tests: self.tests(exercise),
        }
    }

    fn tests(&self, exercise: &Exercise) -> Vec<String> {
        self.pristine_tests
            .get(&exercise.name)
            .cloned()
            .unwrap_or_default()
    }

    /// The result of an exercise that did not get to run.
    fn none_passed(&self, exercise: &Exercise, status: Status, message: String) -> ExerciseResult {
        ExerciseResult {
            name: exercise.name.clone(),
            status,
            score: 0.0,
            max_score: f64::from(exercise.points),
            tests: self
                .tests(exercise)
                .into_iter()
                .map(|name| TestResult {
                    name,
                    passed: false,
                })
                .collect(),
            message: cap(&message),
        }
    }

    /// Runs one exercise's tests; a test passed only if the harness itself
    /// logged it as passed (text printed by the submission does not count,
    /// and an early `exit(0)` leaves the remaining tests unlogged, so
    /// failed).
    fn run_exercise(&self, run: &Run) -> Result<ExerciseResult> {
        let Run {
            binary,
            filter,
            name,
            points,
            tests,
            ..
        } = run;
        let limit = self.options.limit;
        let log = self.scratch.root.join(format!("logs/{name}.log"));
        let _ = std::fs::remove_file(&log);
        let mut command = self.scratch.test_command(&self.sandbox, binary);
        command.arg("--logfile").arg(&log).arg("--test-threads=2");
        if let Some(filter) = filter {
            command.arg(filter);
        }
        let started = std::time::Instant::now();
        let outcome = runner::execute(command, limit)?;
        self.took
            .lock()
            .unwrap()
            .insert(name.clone(), started.elapsed());
        let logged = std::fs::read_to_string(&log).unwrap_or_default();
        // In the combined crate, test names carry the exercise's module.
        let passed: Vec<&str> = logged
            .lines()
            .filter_map(|l| l.strip_prefix("ok "))
            .map(|t| {
                filter
                    .as_deref()
                    .and_then(|f| t.strip_prefix(f))
                    .unwrap_or(t)
            })
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
            max_score: *points,
            tests: results,
            message: cap(&message),
        })
    }
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
    /// Where test binaries run from: the only part of the grading target
    /// folder a run may read (the rest holds the compiler's caches, which
    /// may hold the solutions, built in the warm-up).
    runs: PathBuf,
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
        // No debug information: a test binary links in a fraction of the
        // time, and a failure's message and location do not need it.
        let profile = cargo
            .entry("profile")
            .or_insert_with(|| toml::Table::new().into());
        if let Some(profile) = profile.as_table_mut() {
            let dev = profile
                .entry("dev")
                .or_insert_with(|| toml::Table::new().into());
            if let Some(dev) = dev.as_table_mut() {
                dev.insert("debug".into(), 0.into());
            }
        }
        write_if_changed(&manifest, toml::to_string(&cargo)?.as_bytes())?;
        write_combined_target(curriculum, &root)?;
        std::fs::create_dir_all(root.join("logs"))?;
        std::fs::create_dir_all(root.join("tmp"))?;
        let runs = curriculum.root.join("target/grading/run");
        // Nothing left from an earlier grading.
        let _ = std::fs::remove_dir_all(&runs);
        std::fs::create_dir_all(&runs)?;
        Ok(Scratch { root, runs })
    }

    /// What a test process may read, write, and write through an overlay
    /// of its own (what every run shares). Not the grader's repository
    /// (the solutions live there), not the pristine tests' sources; the
    /// snapshots, the exercise crate and what the build needs.
    fn access(&self, curriculum: &Curriculum) -> (Vec<PathBuf>, Vec<PathBuf>, Vec<PathBuf>) {
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
        reads.extend([cargo_home.clone(), rustup_home, self.runs.clone()]);
        // Cargo reads every `.cargo/` above the workspace, the grader's own
        // included (aliases, nothing secret); denied, it would stop.
        reads.push(curriculum.root.join(".cargo"));
        // (Cargo reads every target the root package names: benches and
        // examples too.)
        for part in [
            ".cargo",
            "Cargo.toml",
            "Cargo.lock",
            "src",
            "benches",
            "examples",
            "macros",
            "exercises",
            "curriculum/tests/snapshots",
        ] {
            reads.push(self.root.join(part));
        }
        // trybuild (the compile-error lesson) builds its project here; a
        // rule needs the folder to exist.
        let _ = std::fs::create_dir_all(target.join("tests"));
        reads.push(target.join("tests"));
        let mut writes = vec![
            self.root.join("logs"),
            self.root.join("tmp"),
            PathBuf::from("/dev/null"),
        ];
        // Cargo's lock files (trybuild runs cargo), and nothing else of it.
        for lock in [".package-cache", ".global-cache"] {
            let path = cargo_home.join(lock);
            if path.is_file() {
                writes.push(path);
            }
        }
        // trybuild's project and build folder: every run writes there.
        (reads, writes, vec![target.join("tests")])
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

    /// A copy of `binary` where runs may read it. The copy, not the
    /// build's own file: the next build overwrites that one while this
    /// submission's runs go on.
    fn runnable(&self, binary: &Path) -> Result<PathBuf> {
        let name = binary.file_name().context("a test binary without a name")?;
        let copy = self.runs.join(name);
        std::fs::copy(binary, &copy)
            .with_context(|| format!("copying {} to {}", binary.display(), copy.display()))?;
        Ok(copy)
    }

    /// Removes every binary from the run folder but those to `keep`.
    fn clear_runs(&self, keep: &BTreeMap<String, PathBuf>) -> Result<()> {
        for entry in std::fs::read_dir(&self.runs)? {
            let path = entry?.path();
            if !keep.values().any(|kept| *kept == path) {
                std::fs::remove_file(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            }
        }
        Ok(())
    }

    /// The exercises whose tests are built without reading the exercise's
    /// file: those the combined binary's dependency list (cargo's `.d`
    /// file beside it) does not name. Each gets its own test target built,
    /// once: it never needs building again, whatever the submission.
    fn standalone_binaries(
        &self,
        curriculum: &Curriculum,
        combined: &Path,
    ) -> Result<BTreeMap<String, PathBuf>> {
        let depends = std::fs::read_to_string(combined.with_extension("d"))
            .with_context(|| format!("reading what {} was built from", combined.display()))?;
        let mut standalone = BTreeMap::new();
        for exercise in &curriculum.exercises {
            // (Paths in the list escape spaces: match the part without any.)
            if depends.contains(&format!("exercises/src/{}.rs", exercise.name)) {
                continue;
            }
            let build = runner::build_one(&self.root, Package::Exercises, &exercise.name, false)?;
            let Some(binary) = build.binaries.get(&exercise.name) else {
                anyhow::bail!("the tests of {} do not build", exercise.name);
            };
            standalone.insert(exercise.name.clone(), self.runnable(binary)?);
        }
        Ok(standalone)
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
