//! Grading a class: one scratch workspace and one target folder for the
//! whole run (dependencies are built once); each submission's exercise
//! files swapped in and built, contained, as one library its tests depend
//! on (an exercise that does not compile is left out, and the rest built
//! again); each exercise's tests run contained, in a process of its own,
//! judged only by the verdicts its pristine tests report.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::build::{self, Built};
use super::intake::{self, Taken};
use super::model::{ClassReport, ExerciseInfo, ExerciseResult, Status, StudentReport, TestResult};
use super::sandbox::{remove_tree, Policy, Sandbox};
use super::scratch::{self, Scratch, COMBINED, SHIPPED_PACKAGE, STANDALONE, TESTS_PACKAGE};
use crate::curriculum::{Curriculum, Exercise, Package};
use crate::runner;

pub struct Options {
    /// One folder per student.
    pub submissions: Vec<PathBuf>,
    /// Time limit for one exercise's tests.
    pub limit: Duration,
    /// Memory limit for one test process.
    pub memory_bytes: u64,
    /// Time limit for one build of a submission.
    pub build_limit: Duration,
    /// Memory limit for a build (cargo, rustc and the linker, each).
    pub build_memory_bytes: u64,
    /// The instructor's hidden tests, one `NAME.rs` per exercise.
    pub hidden_tests: Option<PathBuf>,
}

/// Exercises of one submission run at the same time.
const RUNS_AT_ONCE: usize = 8;
/// A message kept in a report is at most this long.
const MESSAGE_CAP: usize = 2000;
/// The largest file a test process may write.
const RUN_FILE_BYTES: u64 = 256 << 20;
/// The largest file a build may write (a test binary, an rlib).
const BUILD_FILE_BYTES: u64 = 2 << 30;
/// Of a verdict file, no more than this is read.
const VERDICTS_CAP: u64 = 64 * 1024;
/// The warm-up builds every dependency once: it may take long.
const WARM_UP_LIMIT: Duration = Duration::from_secs(30 * 60);

pub fn grade_class(curriculum: &Curriculum, options: &Options) -> Result<ClassReport> {
    let grader = Grader::new(curriculum, options)?;
    let bar = ProgressBar::new(options.submissions.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("grading {msg:>20} [{bar:30}] {pos}/{len}")
            .unwrap()
            .progress_chars("=> "),
    );
    let mut students = Vec::new();
    for dir in &options.submissions {
        let student = dir.file_name().map_or_else(
            || "submission".to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        bar.set_message(student.clone());
        // A submission the grader cannot finish costs that student only.
        let report = intake::take(curriculum, dir)
            .and_then(|submission| grader.grade(submission))
            .unwrap_or_else(|err| grader.not_graded(&student, &err));
        grader.clean_up();
        students.push(report);
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
        protections: grader
            .sandbox
            .protections(&grader.build_policy, &grader.run_policy),
    })
}

/// What stays the same from one submission to the next.
struct Grader<'a> {
    curriculum: &'a Curriculum,
    options: &'a Options,
    scratch: Scratch,
    sandbox: Sandbox,
    build_policy: Policy,
    /// A test process's policy; each run gets its own folder in it.
    run_policy: Policy,
    /// The grader's own folder (outside every policy): verdict files, the
    /// runs' folders, the copied test binaries.
    private: tempfile::TempDir,
    /// Each exercise's tests, from the solutions' build: (name, hidden).
    tests: BTreeMap<String, Vec<(String, bool)>>,
    /// The standalone exercises' test binary, built once.
    standalone: Option<PathBuf>,
    /// How long each exercise's run took last time: the longest start
    /// first, so that they do not finish last.
    took: Mutex<BTreeMap<String, Duration>>,
}

/// One exercise's run.
struct Run {
    slot: usize,
    binary: PathBuf,
    exercise: Exercise,
}

impl<'a> Grader<'a> {
    fn new(curriculum: &'a Curriculum, options: &'a Options) -> Result<Grader<'a>> {
        let scratch = Scratch::new(curriculum, options.hidden_tests.as_deref())?;
        let private = tempfile::Builder::new()
            .prefix("barista-grading-")
            .tempdir()?;
        for folder in ["bin", "runs", "verdicts", "build-tmp"] {
            std::fs::create_dir_all(private.path().join(folder))?;
        }
        let target = curriculum.root.join("target/grading");
        // trybuild (the compile-error lesson) builds its project here; a
        // rule needs the folder to exist.
        std::fs::create_dir_all(target.join("tests"))?;
        let (build_policy, run_policy) = policies(curriculum, options, &scratch, private.path());
        let sandbox = Sandbox::probe(&run_policy.private, private.path());
        let mut grader = Grader {
            curriculum,
            options,
            scratch,
            sandbox,
            build_policy,
            run_policy,
            private,
            tests: BTreeMap::new(),
            standalone: None,
            took: Mutex::new(BTreeMap::new()),
        };
        grader.warm_up()?;
        Ok(grader)
    }

    /// Builds and runs the solutions once, contained, before any
    /// submission: the dependencies and whatever the tests build at run
    /// time (trybuild's project) are then built once per run, not inside a
    /// student's limits; the tests are listed from this build (a
    /// submission cannot change what is listed); and a sandbox that stops
    /// even the solutions is reported before anyone is graded.
    fn warm_up(&mut self) -> Result<()> {
        for exercise in &self.curriculum.exercises {
            let solved = std::fs::read(self.curriculum.source(Package::Solutions, exercise))?;
            scratch::write_if_changed(&self.scratch.exercise_file(&exercise.name), &solved)?;
        }
        self.scratch.select(&self.scratch.modules)?;
        let mut binaries = Vec::new();
        for (package, target) in [(TESTS_PACKAGE, COMBINED), (SHIPPED_PACKAGE, STANDALONE)] {
            let built = self.build((package, target), WARM_UP_LIMIT)?;
            let Built::Binary(binary) = built else {
                anyhow::bail!(
                    "the solutions do not build in the grading workspace ({package}, test {target}): {built:?}\n(run `cargo xtask check`)"
                );
            };
            binaries.push(self.runnable(&binary)?);
        }
        for binary in &binaries {
            let listing = std::process::Command::new(binary)
                .args(["--list", "--format", "terse"])
                .output()
                .with_context(|| format!("listing the tests of {}", binary.display()))?;
            for (exercise, tests) in
                scratch::tests_by_exercise(&String::from_utf8_lossy(&listing.stdout))
            {
                self.tests.entry(exercise).or_default().extend(tests);
            }
        }
        // Whatever the tests build at run time stays, for every run after
        // (no overlay: the shared folders are written themselves).
        let (mut verdicts, mut output) = (BTreeSet::new(), String::new());
        for binary in &binaries {
            let (passed, outcome) = self.run_contained(
                binary,
                "warm-up",
                &["judged::".into()],
                Duration::from_secs(20 * 60),
                Shared::Direct,
            )?;
            verdicts.extend(passed);
            output.push_str(&outcome.output);
        }
        // What the runs built from the solutions there (trybuild's compiled
        // program) goes: a later run must not find the solution's program.
        for folder in &self.run_policy.private {
            remove_solutions_builds(folder);
        }
        let missing: Vec<String> = self
            .tests
            .iter()
            .flat_map(|(exercise, tests)| {
                tests
                    .iter()
                    .map(|(test, hidden)| full_name(exercise, test, *hidden))
            })
            .filter(|name| !verdicts.contains(name))
            .collect();
        if !missing.is_empty() {
            eprintln!(
                "warning: tests that the solutions did not pass in the grading sandbox (check the sandbox and the hidden tests):\n{}\n{}",
                missing.join("\n"),
                runner::first_failure(&output)
            );
        }
        self.standalone = Some(binaries.pop().expect("two binaries"));
        Ok(())
    }

    fn build(&self, target: (&str, &str), limit: Duration) -> Result<Built> {
        build::build(
            &self.sandbox,
            &self.build_policy,
            &self.scratch,
            &self.curriculum.exercises,
            target,
            limit,
        )
    }

    fn grade(&self, submission: intake::Submission) -> Result<StudentReport> {
        let mut slots: Vec<Option<Result<ExerciseResult>>> = Vec::new();
        let mut to_build = Vec::new();
        let mut to_run_now = Vec::new();
        for exercise in &self.curriculum.exercises {
            let slot = slots.len();
            slots.push(None);
            let name = &exercise.name;
            let result = match &submission.files[name] {
                Taken::Text(text) => {
                    scratch::write_if_changed(&self.scratch.exercise_file(name), text.as_bytes())?;
                    if self.scratch.standalone.contains(name) {
                        to_run_now.push(slot);
                    } else {
                        to_build.push(slot);
                    }
                    continue;
                }
                Taken::Missing => self.none_passed(
                    exercise,
                    Status::Missing,
                    format!("no {name}.rs in the submission"),
                ),
                Taken::Rejected(why) => self.none_passed(exercise, Status::Rejected, why.clone()),
                Taken::Unparsable(why) => {
                    self.none_passed(exercise, Status::CompileError, why.clone())
                }
            };
            slots[slot] = Some(Ok(result));
        }
        let (queue, queued) = std::sync::mpsc::channel::<Run>();
        let queued = Mutex::new(queued);
        let finished = Mutex::new(Vec::new());
        let exercises = &self.curriculum.exercises;
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
            let standalone = self.standalone.clone().context("no warm-up")?;
            for slot in to_run_now {
                queue.send(Run {
                    slot,
                    binary: standalone.clone(),
                    exercise: exercises[slot].clone(),
                })?;
            }
            for (slot, built) in self.build_exercises(to_build)? {
                match built {
                    Ok(binary) => queue.send(Run {
                        slot,
                        binary,
                        exercise: exercises[slot].clone(),
                    })?,
                    Err(result) => slots[slot] = Some(Ok(result)),
                }
            }
            drop(queue);
            Ok(())
        })?;
        for (slot, result) in finished.into_inner().unwrap() {
            slots[slot] = Some(result);
        }
        let results = slots
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err(anyhow::anyhow!("an exercise was not graded"))))
            .collect::<Result<Vec<ExerciseResult>>>()?;
        Ok(StudentReport {
            student: submission.student,
            score: results.iter().map(|r| r.score).sum(),
            max_score: results.iter().map(|r| r.max_score).sum(),
            exercises: results,
            ignored: submission.ignored,
        })
    }

    /// Builds the exercises of `set` (slots in the curriculum): each gets
    /// the test binary to run it from, or its result if it did not build.
    /// Exercises whose errors name them are left out and the rest built
    /// again; a build that stops without blaming any (a time limit, memory,
    /// a kill) is done again one exercise at a time, so that one costs
    /// only itself. The slowest exercises (as last measured) come first.
    fn build_exercises(
        &self,
        mut set: Vec<usize>,
    ) -> Result<Vec<(usize, std::result::Result<PathBuf, ExerciseResult>)>> {
        let exercises = &self.curriculum.exercises;
        let mut built = Vec::new();
        while !set.is_empty() {
            let names: Vec<String> = set.iter().map(|&s| exercises[s].name.clone()).collect();
            self.scratch.select(&names)?;
            match self.build((TESTS_PACKAGE, COMBINED), self.options.build_limit)? {
                Built::Binary(binary) => {
                    let binary = self.runnable(&binary)?;
                    let took = self.took.lock().unwrap().clone();
                    set.sort_by_key(|&s| {
                        std::cmp::Reverse(took.get(&exercises[s].name).copied().unwrap_or_default())
                    });
                    built.extend(set.drain(..).map(|slot| (slot, Ok(binary.clone()))));
                }
                Built::Errors { by_exercise, .. }
                    if names.iter().any(|n| by_exercise.contains_key(n)) =>
                {
                    set.retain(|&slot| match by_exercise.get(&exercises[slot].name) {
                        Some(errors) => {
                            let result = self.none_passed(
                                &exercises[slot],
                                Status::CompileError,
                                errors.clone(),
                            );
                            built.push((slot, Err(result)));
                            false
                        }
                        None => true,
                    });
                }
                _ if set.len() > 1 => {
                    for slot in std::mem::take(&mut set) {
                        self.scratch
                            .select(std::slice::from_ref(&exercises[slot].name))?;
                        built.push(
                            match self.build((TESTS_PACKAGE, COMBINED), self.options.build_limit)? {
                                Built::Binary(binary) => (slot, Ok(self.runnable(&binary)?)),
                                failed => (slot, Err(self.not_built(&exercises[slot], failed))),
                            },
                        );
                    }
                }
                failed => {
                    for slot in set.drain(..) {
                        built.push((slot, Err(self.not_built(&exercises[slot], failed.clone()))));
                    }
                }
            }
        }
        Ok(built)
    }

    /// A student the grader could not finish grading: nothing earned, and
    /// the reason (the class report is still written).
    fn not_graded(&self, student: &str, err: &anyhow::Error) -> StudentReport {
        let message = format!("the grader could not grade this submission: {err:#}");
        let exercises: Vec<ExerciseResult> = self
            .curriculum
            .exercises
            .iter()
            .map(|e| self.none_passed(e, Status::Crashed, message.clone()))
            .collect();
        StudentReport {
            student: student.to_string(),
            score: 0.0,
            max_score: exercises.iter().map(|r| r.max_score).sum(),
            exercises,
            ignored: Vec::new(),
        }
    }

    /// After each submission, whatever it left: its binaries, its runs'
    /// folders and overlays, its verdicts.
    fn clean_up(&self) {
        let keep = self.standalone.as_deref();
        for folder in ["bin", "runs", "verdicts", "build-tmp"] {
            let path = self.private.path().join(folder);
            if folder == "bin" {
                for entry in std::fs::read_dir(&path).into_iter().flatten().flatten() {
                    if Some(entry.path().as_path()) != keep {
                        let _ = std::fs::remove_file(entry.path());
                    }
                }
                continue;
            }
            remove_tree(&path);
            let _ = std::fs::create_dir_all(&path);
        }
    }

    fn not_built(&self, exercise: &Exercise, built: Built) -> ExerciseResult {
        let message = match built {
            Built::Binary(_) => "its tests were not built".to_string(),
            Built::Errors { by_exercise, other } => {
                let mut text = by_exercise.get(&exercise.name).cloned().unwrap_or_default();
                if text.is_empty() {
                    text = self.scratch.learner_paths(&other);
                }
                text
            }
            Built::Stopped(why) => format!("{why} while building {}", exercise.name),
        };
        self.none_passed(exercise, Status::CompileError, message)
    }

    /// The result of an exercise that did not get to run.
    fn none_passed(&self, exercise: &Exercise, status: Status, message: String) -> ExerciseResult {
        ExerciseResult {
            name: exercise.name.clone(),
            status,
            score: 0.0,
            max_score: f64::from(exercise.points),
            tests: self
                .tests_of(exercise)
                .into_iter()
                .map(|(_, name, hidden)| TestResult {
                    name,
                    passed: false,
                    hidden,
                })
                .collect(),
            message: self.for_students(&message),
        }
    }

    /// An exercise's tests: the verdict's name, the name shown (a hidden
    /// test's is not: "hidden test N"), and whether it is hidden.
    fn tests_of(&self, exercise: &Exercise) -> Vec<(String, String, bool)> {
        let mut hidden_seen = 0;
        self.tests
            .get(&exercise.name)
            .into_iter()
            .flatten()
            .map(|(test, hidden)| {
                let shown = if *hidden {
                    hidden_seen += 1;
                    format!("{} {hidden_seen}", TestResult::HIDDEN)
                } else {
                    test.clone()
                };
                (full_name(&exercise.name, test, *hidden), shown, *hidden)
            })
            .collect()
    }

    /// A copy of `binary` where runs may read it. The copy, not the
    /// build's own file: the next build overwrites that one while this
    /// submission's runs go on.
    fn runnable(&self, binary: &Path) -> Result<PathBuf> {
        static COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = binary.file_name().context("a test binary without a name")?;
        let copy = self
            .private
            .path()
            .join("bin")
            .join(format!("{n}-{}", name.to_string_lossy()));
        std::fs::copy(binary, &copy)
            .with_context(|| format!("copying {} to {}", binary.display(), copy.display()))?;
        Ok(copy)
    }

    /// Runs one exercise's tests; a test passed only if its pristine body
    /// reported so on the grader's descriptor.
    fn run_exercise(&self, run: &Run) -> Result<ExerciseResult> {
        let Run {
            binary, exercise, ..
        } = run;
        let name = &exercise.name;
        let limit = self.options.limit;
        let started = std::time::Instant::now();
        let (verdicts, outcome) = self.run_contained(
            binary,
            name,
            &[
                format!("judged::{name}::"),
                format!("judged::hidden_{name}::"),
            ],
            limit,
            if self.scratch.standalone.contains(name) {
                Shared::Overlay
            } else {
                Shared::Unused
            },
        )?;
        self.took
            .lock()
            .unwrap()
            .insert(name.clone(), started.elapsed());
        let results: Vec<TestResult> = self
            .tests_of(exercise)
            .into_iter()
            .map(|(verdict, shown, hidden)| TestResult {
                passed: verdicts.contains(&verdict),
                name: shown,
                hidden,
            })
            .collect();
        let passing = results.iter().filter(|t| t.passed).count();
        let all = !results.is_empty() && passing == results.len();
        // The status follows the verdicts; how the process ended only says
        // why the others are missing.
        let status = if all {
            Status::Passed
        } else if outcome.timed_out {
            Status::TimedOut
        } else if outcome.status_code == Some(101) {
            Status::Failed
        } else {
            // Killed by a signal (stack overflow, out of memory), or it
            // exited before every test finished.
            Status::Crashed
        };
        let message = match status {
            Status::Passed => String::new(),
            Status::TimedOut => format!(
                "did not finish in {} s: likely a deadlock or a task that never yields",
                limit.as_secs()
            ),
            Status::Crashed if outcome.status_code.is_some() => format!(
                "the test process exited (code {}) before every test finished",
                outcome.status_code.unwrap_or_default()
            ),
            _ => first_visible_failure(&outcome.output, &results),
        };
        let points = f64::from(exercise.points);
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
            message: self.for_students(&message),
        })
    }

    /// Runs a test binary contained, in a folder of its own, with a fresh
    /// verdict file; returns the verdicts (`module::test` names) and how
    /// it ended; `shared`: how it sees the folders runs share.
    fn run_contained(
        &self,
        binary: &Path,
        label: &str,
        filters: &[String],
        limit: Duration,
        shared: Shared,
    ) -> Result<(BTreeSet<String>, runner::Outcome)> {
        let folder = self.private.path().join("runs").join(label);
        remove_tree(&folder);
        let tmp = folder.join("tmp");
        std::fs::create_dir_all(&tmp)?;
        let verdict_path = self.private.path().join("verdicts").join(label);
        let verdict_file = std::fs::File::create(&verdict_path)?;
        let mut policy = self.run_policy.clone();
        policy.writes.push(tmp.clone());
        set_env(&mut policy.env, "TMPDIR", tmp.as_os_str());
        set_env(&mut policy.env, "HOME", tmp.as_os_str());
        let layer = folder.join("layer");
        let layer = match shared {
            Shared::Direct => None,
            Shared::Overlay => Some(layer.as_path()),
            Shared::Unused => {
                policy.private.clear();
                None
            }
        };
        let mut command = self
            .sandbox
            .command(&policy, layer, Some(&verdict_file), binary);
        command.args(["--color", "never", "--test-threads=8"]);
        command.args(filters);
        let outcome = runner::execute(command, limit)?;
        drop(verdict_file);
        let verdicts = read_capped(&verdict_path, VERDICTS_CAP)
            .lines()
            .filter_map(|l| l.strip_prefix("passed "))
            .map(str::to_owned)
            .collect();
        Ok((verdicts, outcome))
    }

    /// A message as a student may see it: paths as the learner knows them,
    /// none of the grader's machine, capped.
    fn for_students(&self, text: &str) -> String {
        let mut text = self.scratch.learner_paths(text);
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let mut prefixes: Vec<(PathBuf, &str)> = vec![
            (self.scratch.root.clone(), "."),
            (self.private.path().to_path_buf(), "."),
            (self.curriculum.root.clone(), "."),
            (cargo_home(), "$CARGO_HOME"),
            (rustup_home(), "$RUSTUP_HOME"),
        ];
        if let Some(home) = home {
            prefixes.push((home, "~"));
        }
        // Longest first: a folder inside another is replaced whole.
        prefixes.sort_by_key(|(p, _)| std::cmp::Reverse(p.as_os_str().len()));
        for (prefix, name) in prefixes {
            let prefix = prefix.display().to_string();
            if prefix.len() > 1 {
                text = text.replace(&prefix, name);
            }
        }
        cap(&text)
    }
}

/// How a run sees the folders every run writes to (trybuild's build folder).
enum Shared {
    /// Written as they are: the warm-up, which fills them.
    Direct,
    /// Through an overlay of the run's own.
    Overlay,
    /// Not at all: the exercise's tests do not build anything.
    Unused,
}

/// Removes trybuild's compiled test cases (`trybuild000`, its `.d`,
/// fingerprints and incremental data) below `folder`, keeping the
/// dependencies it built.
fn remove_solutions_builds(folder: &Path) {
    for entry in std::fs::read_dir(folder).into_iter().flatten().flatten() {
        let path = entry.path();
        if entry.file_name().to_string_lossy().contains("trybuild0") {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_tree(&path);
            } else {
                let _ = std::fs::remove_file(&path);
            }
        } else if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_solutions_builds(&path);
        }
    }
}

/// The verdict name of a test: `NAME::test`, or `hidden_NAME::test`.
fn full_name(exercise: &str, test: &str, hidden: bool) -> String {
    if hidden {
        format!("judged::hidden_{exercise}::{test}")
    } else {
        format!("judged::{exercise}::{test}")
    }
}

/// The first failing test's report that is not a hidden test's; hidden
/// failures are only counted.
fn first_visible_failure(output: &str, results: &[TestResult]) -> String {
    let visible: String = output
        .split("\n---- ")
        .filter(|section| !section.starts_with("judged::hidden_"))
        .collect::<Vec<_>>()
        .join("\n---- ");
    let hidden_failed = results.iter().filter(|t| t.hidden && !t.passed).count();
    let shown_failed = results.iter().any(|t| !t.hidden && !t.passed);
    let mut message = if shown_failed {
        runner::first_failure(&visible)
    } else {
        String::new()
    };
    if hidden_failed > 0 {
        if !message.is_empty() {
            message.push('\n');
        }
        message.push_str(&format!("{hidden_failed} hidden test(s) did not pass"));
    }
    message
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

/// At most `cap` bytes of a file, as text (a sparse file of gigabytes is
/// never read whole).
fn read_capped(path: &Path, cap: u64) -> String {
    use std::io::Read;
    let mut text = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(cap).read_to_end(&mut text);
    }
    String::from_utf8_lossy(&text).into_owned()
}

fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"))
}

fn rustup_home() -> PathBuf {
    std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".rustup"))
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn set_env(env: &mut Vec<(OsString, OsString)>, key: &str, value: &std::ffi::OsStr) {
    env.retain(|(k, _)| k != key);
    env.push((key.into(), value.to_owned()));
}

/// The variables a build or a run keeps from the grader's environment:
/// what cargo and rustup need to find the toolchain, nothing else.
const KEPT_ENV: &[&str] = &[
    "PATH",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "CARGO",
];

/// What a build and a test process may touch.
fn policies(
    curriculum: &Curriculum,
    options: &Options,
    scratch: &Scratch,
    private: &Path,
) -> (Policy, Policy) {
    let target = curriculum.root.join("target/grading");
    let cargo_home = cargo_home();
    let mut env: Vec<(OsString, OsString)> = KEPT_ENV
        .iter()
        .filter_map(|k| std::env::var_os(k).map(|v| (OsString::from(k), v)))
        .collect();
    set_env(&mut env, "CARGO_HOME", cargo_home.as_os_str());
    set_env(&mut env, "RUSTUP_HOME", rustup_home().as_os_str());
    set_env(&mut env, "CARGO_TARGET_DIR", target.as_os_str());
    set_env(&mut env, "CARGO_NET_OFFLINE", "true".as_ref());
    set_env(&mut env, "CARGO_TERM_COLOR", "never".as_ref());
    // The toolchain, the system's programs and libraries (the linker), the
    // dependencies' sources: never /etc or /proc, never the grader's home.
    let mut reads: Vec<PathBuf> = ["/usr", "/lib", "/lib64", "/bin", "/sbin", "/dev", "/sys"]
        .into_iter()
        .map(PathBuf::from)
        .filter(|p| p.exists())
        .collect();
    for file in ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d"] {
        if Path::new(file).exists() {
            reads.push(file.into());
        }
    }
    reads.push(rustup_home());
    for part in ["bin", "registry", "git", "config.toml", "config"] {
        let path = cargo_home.join(part);
        if path.exists() {
            reads.push(path);
        }
    }
    // Cargo's lock files, and nothing else of `$CARGO_HOME`, are written.
    let mut cargo_locks = Vec::new();
    for lock in [".package-cache", ".package-cache-mutate", ".global-cache"] {
        let path = cargo_home.join(lock);
        if path.is_file() {
            cargo_locks.push(path);
        }
    }
    // Cargo reads every `.cargo/` above the workspace (aliases, nothing
    // secret); denied, it would stop.
    reads.push(curriculum.root.join(".cargo"));
    let build_tmp = private.join("build-tmp");
    let mut build_env = env.clone();
    set_env(&mut build_env, "TMPDIR", build_tmp.as_os_str());
    set_env(&mut build_env, "HOME", build_tmp.as_os_str());
    let build = Policy {
        reads: reads
            .iter()
            .cloned()
            .chain([scratch.root.clone()])
            .collect(),
        writes: [target.clone(), build_tmp, PathBuf::from("/dev/null")]
            .into_iter()
            .chain(cargo_locks.iter().cloned())
            .collect(),
        private: Vec::new(),
        memory_bytes: options.build_memory_bytes,
        file_bytes: BUILD_FILE_BYTES,
        env: build_env,
        cwd: scratch.root.clone(),
    };
    // A test process reads its copied binary; trybuild (the compile-error
    // lesson) reads the shipped crate, its dependencies' sources and the
    // workspace's manifests, and builds in its project folder (through an
    // overlay). Not the tests' sources (the hidden ones are there), not
    // the compiler's caches (the solutions went through them).
    let mut run_reads = reads;
    run_reads.push(private.join("bin"));
    for part in [
        ".cargo",
        "Cargo.toml",
        "Cargo.lock",
        "src",
        "benches",
        "examples",
        "macros",
        SHIPPED_PACKAGE,
        "graded/Cargo.toml",
    ] {
        run_reads.push(scratch.root.join(part));
    }
    let mut run_env = env;
    set_env(&mut run_env, "RUST_BACKTRACE", "0".as_ref());
    set_env(
        &mut run_env,
        "CARGO_MANIFEST_DIR",
        scratch.root.join(SHIPPED_PACKAGE).as_os_str(),
    );
    let run = Policy {
        reads: run_reads,
        writes: [PathBuf::from("/dev/null")]
            .into_iter()
            .chain(cargo_locks)
            .collect(),
        private: vec![target.join("tests")],
        memory_bytes: options.memory_bytes,
        file_bytes: RUN_FILE_BYTES,
        env: run_env,
        // As under `cargo test`: the package's folder (trybuild looks there).
        cwd: scratch.root.join(SHIPPED_PACKAGE),
    };
    (build, run)
}
