//! Grading a class: one scratch workspace and one target folder for the
//! whole run (dependencies are built once); each submission's exercise
//! files swapped in and built, contained, as one library its tests depend
//! on (an exercise that does not compile is left out, and the rest built
//! again); each exercise's tests run contained, in a process of its own,
//! judged only by the verdicts its pristine tests report.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::build::{self, Built};
use super::intake::{self, Taken};
use super::model::{
    printable, ClassReport, ExerciseInfo, ExerciseResult, Status, StudentReport, TestResult,
    Verdicts,
};
use super::sandbox::{remove_tree, Policy, Sandbox};
use super::scratch::{self, Scratch, COMBINED, TESTS_PACKAGE};
use xtask::curriculum::{Curriculum, Exercise, Package};
use xtask::runner;

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
    // Two submissions at a time: while one's tests run, the next one is
    // taken in and built (a build keeps about one core busy, the runs the
    // other; each submission has a private folder of its own).
    let mut students = Vec::new();
    std::thread::scope(|scope| {
        let mut running: Option<(String, std::thread::ScopedJoinHandle<StudentReport>)> = None;
        let grader = &grader;
        let bar = &bar;
        for (n, dir) in options.submissions.iter().enumerate() {
            let student = intake::student_name(dir);
            bar.set_message(student.clone());
            let folder = grader.student_folder(n);
            let prepared = intake::take(curriculum, dir)
                .and_then(|submission| grader.prepare(submission, &folder));
            if let Some((name, previous)) = running.take() {
                students.push(grader.joined(&name, previous));
            }
            running = Some((
                student.clone(),
                scope.spawn(move || {
                    // A submission the grader cannot finish costs that student only.
                    let report = prepared
                        .and_then(|prepared| grader.finish(prepared))
                        .unwrap_or_else(|err| grader.not_graded(&student, &err));
                    remove_tree(&folder);
                    bar.inc(1);
                    report
                }),
            ));
        }
        if let Some((name, last)) = running {
            students.push(grader.joined(&name, last));
        }
    });
    bar.finish_and_clear();
    students.sort_by(|a, b| a.student.cmp(&b.student));
    Ok(ClassReport {
        schema: ClassReport::SCHEMA,
        exercises: curriculum
            .exercises
            .iter()
            .map(|e| ExerciseInfo::of(curriculum, e))
            .collect::<Result<_>>()?,
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
    /// How long each exercise's run took last time: the longest start
    /// first, so that they do not finish last.
    took: Mutex<BTreeMap<String, Duration>>,
}

/// One exercise's run.
struct Run {
    /// The exercise's place in the curriculum.
    slot: usize,
    binary: PathBuf,
}

/// A submission taken in and built, its tests still to run.
struct Prepared {
    submission: intake::Submission,
    /// The submission's private folder: its binaries, runs and verdicts.
    folder: PathBuf,
    /// Each exercise's result where it is known already (it did not
    /// build, was missing or rejected).
    slots: Vec<Option<ExerciseResult>>,
    /// The built exercises' runs.
    runs: Vec<Run>,
}

impl<'a> Grader<'a> {
    fn new(curriculum: &'a Curriculum, options: &'a Options) -> Result<Grader<'a>> {
        let scratch = Scratch::new(curriculum, options.hidden_tests.as_deref())?;
        let private = tempfile::Builder::new()
            .prefix("barista-grading-")
            .tempdir()?;
        std::fs::create_dir_all(private.path().join("build-tmp"))?;
        let (build_policy, run_policy) = policies(curriculum, options, &scratch, private.path());
        let sandbox = Sandbox::probe();
        let mut grader = Grader {
            curriculum,
            options,
            scratch,
            sandbox,
            build_policy,
            run_policy,
            private,
            tests: BTreeMap::new(),
            took: Mutex::new(BTreeMap::new()),
        };
        grader.warm_up()?;
        Ok(grader)
    }

    /// Builds and runs the solutions once, contained, before any
    /// submission: the dependencies are then built once per run, not inside
    /// a student's limits; the tests are listed from this build (a
    /// submission cannot change what is listed); and a sandbox that stops
    /// even the solutions is reported before anyone is graded.
    fn warm_up(&mut self) -> Result<()> {
        for exercise in &self.curriculum.exercises {
            let solved = std::fs::read(self.curriculum.source(Package::Solutions, exercise))?;
            scratch::write_if_changed(&self.scratch.exercise_file(&exercise.name), &solved)?;
        }
        self.scratch.select(&self.scratch.modules)?;
        let built = self.build((TESTS_PACKAGE, COMBINED), WARM_UP_LIMIT)?;
        let Built::Binary(binary) = built else {
            anyhow::bail!(
                "the solutions do not build in the grading workspace: {built:?}\n(run `cargo xtask check`)"
            );
        };
        let warm_up = self.private.path().join("warm-up");
        std::fs::create_dir_all(warm_up.join("bin"))?;
        let binary = self.runnable(&binary, &warm_up)?;
        let list = |only_ignored: bool| -> Result<String> {
            let mut command = std::process::Command::new(&binary);
            command.args(["--list", "--format", "terse"]);
            if only_ignored {
                command.arg("--ignored");
            }
            let listing = command
                .output()
                .with_context(|| format!("listing the tests of {}", binary.display()))?;
            Ok(String::from_utf8_lossy(&listing.stdout).into_owned())
        };
        // `#[ignore]`d tests are measurements for the learner to read (too
        // slow to run for every submission): never graded.
        let measurements = list(true)?;
        let graded: String = list(false)?
            .lines()
            .filter(|line| !measurements.lines().any(|m| m == *line))
            .map(|line| format!("{line}\n"))
            .collect();
        self.tests = scratch::tests_by_exercise(&graded);
        let (verdicts, outcome) = self.run_contained(
            &binary,
            &warm_up,
            "all",
            &["judged::".into()],
            WARM_UP_LIMIT,
        )?;
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
                runner::first_failure(&outcome.output)
            );
        }
        remove_tree(&warm_up);
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

    /// A submission's own folder in the grader's private one.
    fn student_folder(&self, n: usize) -> PathBuf {
        self.private.path().join("students").join(n.to_string())
    }

    /// Takes in a submission and builds it: the exercises that compile
    /// are ready to run, the others have their results.
    fn prepare(&self, submission: intake::Submission, folder: &Path) -> Result<Prepared> {
        std::fs::create_dir_all(folder.join("bin"))?;
        let exercises = &self.curriculum.exercises;
        let mut slots = vec![None; exercises.len()];
        let mut to_build = Vec::new();
        for (slot, exercise) in exercises.iter().enumerate() {
            let name = &exercise.name;
            slots[slot] = Some(match &submission.files[name] {
                Taken::Text(text) => {
                    scratch::write_if_changed(&self.scratch.exercise_file(name), text.as_bytes())?;
                    to_build.push(slot);
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
            });
        }
        let built = self.build_exercises(to_build, folder);
        // Whatever the build left in its temporary folder goes, even when
        // it failed.
        let build_tmp = self.private.path().join("build-tmp");
        remove_tree(&build_tmp);
        std::fs::create_dir_all(&build_tmp)?;
        let mut runs = Vec::new();
        for (slot, built) in built? {
            match built {
                Ok(binary) => runs.push(Run { slot, binary }),
                Err(result) => slots[slot] = Some(result),
            }
        }
        Ok(Prepared {
            submission,
            folder: folder.to_path_buf(),
            slots,
            runs,
        })
    }

    /// Runs a prepared submission's tests, and reports.
    fn finish(&self, prepared: Prepared) -> Result<StudentReport> {
        let Prepared {
            submission,
            folder,
            slots,
            runs,
        } = prepared;
        let mut slots: Vec<Option<Result<ExerciseResult>>> =
            slots.into_iter().map(|r| r.map(Ok)).collect();
        // Most of a run's time is waiting (time limits, sleeps in
        // paused-time lessons): several run side by side.
        let queued = Mutex::new(runs.into_iter());
        let finished = Mutex::new(Vec::new());
        std::thread::scope(|scope| {
            for _ in 0..RUNS_AT_ONCE {
                scope.spawn(|| loop {
                    let Some(run) = queued.lock().unwrap().next() else {
                        break;
                    };
                    let result = self.run_exercise(&run, &folder);
                    finished.lock().unwrap().push((run.slot, result));
                });
            }
        });
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

    /// A finished submission's report; one whose grading panicked scores
    /// nothing, with the reason.
    fn joined(
        &self,
        student: &str,
        handle: std::thread::ScopedJoinHandle<'_, StudentReport>,
    ) -> StudentReport {
        handle.join().unwrap_or_else(|_| {
            self.not_graded(student, &anyhow::anyhow!("the grader failed (a panic)"))
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
        folder: &Path,
    ) -> Result<Vec<(usize, std::result::Result<PathBuf, ExerciseResult>)>> {
        let exercises = &self.curriculum.exercises;
        let mut built = Vec::new();
        while !set.is_empty() {
            let names: Vec<String> = set.iter().map(|&s| exercises[s].name.clone()).collect();
            self.scratch.select(&names)?;
            match self.build((TESTS_PACKAGE, COMBINED), self.options.build_limit)? {
                Built::Binary(binary) => {
                    let binary = self.runnable(&binary, folder)?;
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
                                Built::Binary(binary) => {
                                    (slot, Ok(self.runnable(&binary, folder)?))
                                }
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
                    message: String::new(),
                    seconds: None,
                })
                .collect(),
            message: self.for_students(&message),
            seconds: None,
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
    fn runnable(&self, binary: &Path, folder: &Path) -> Result<PathBuf> {
        static COPIES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COPIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = binary.file_name().context("a test binary without a name")?;
        let copy = folder
            .join("bin")
            .join(format!("{n}-{}", name.to_string_lossy()));
        std::fs::copy(binary, &copy)
            .with_context(|| format!("copying {} to {}", binary.display(), copy.display()))?;
        Ok(copy)
    }

    /// Runs one exercise's tests; a test passed only if its pristine body
    /// reported so on the grader's descriptor.
    fn run_exercise(&self, run: &Run, folder: &Path) -> Result<ExerciseResult> {
        let Run { slot, binary } = run;
        let exercise = &self.curriculum.exercises[*slot];
        let name = &exercise.name;
        let limit = self.options.limit;
        let started = std::time::Instant::now();
        let (verdicts, outcome) = self.run_contained(
            binary,
            folder,
            name,
            &[
                format!("judged::{name}::"),
                format!("judged::hidden_{name}::"),
            ],
            limit,
        )?;
        let took = started.elapsed();
        self.took.lock().unwrap().insert(name.clone(), took);
        let failures: BTreeMap<String, String> = xtask::verdict::failures(&outcome.output)
            .into_iter()
            .map(|f| (f.test, f.report))
            .collect();
        let results: Vec<TestResult> = self
            .tests_of(exercise)
            .into_iter()
            .map(|(verdict, shown, hidden)| TestResult {
                passed: verdicts.contains(&verdict),
                message: match failures.get(&verdict) {
                    Some(report) if !hidden => self.for_students(report),
                    _ => String::new(),
                },
                seconds: verdicts.seconds(&verdict),
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
            Status::TimedOut => xtask::status::timed_out_message(limit),
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
            seconds: Some(took.as_secs_f64()),
        })
    }

    /// Runs a test binary contained, in a folder of its own below `folder`
    /// (the only one it may write), with a fresh verdict file; returns the
    /// verdicts (`module::test` names) and how it ended.
    fn run_contained(
        &self,
        binary: &Path,
        folder: &Path,
        label: &str,
        filters: &[String],
        limit: Duration,
    ) -> Result<(Verdicts, runner::Outcome)> {
        let tmp = folder.join("runs").join(label);
        remove_tree(&tmp);
        std::fs::create_dir_all(&tmp)?;
        std::fs::create_dir_all(folder.join("verdicts"))?;
        let verdict_path = folder.join("verdicts").join(label);
        let verdict_file = std::fs::File::create(&verdict_path)?;
        let mut policy = self.run_policy.clone();
        // It reads its own binary's folder, nothing else of the grader's.
        policy.reads.extend(binary.parent().map(Path::to_path_buf));
        policy.writes.push(tmp.clone());
        policy.cwd = tmp.clone();
        set_env(&mut policy.env, "TMPDIR", tmp.as_os_str());
        set_env(&mut policy.env, "HOME", tmp.as_os_str());
        let mut command = self.sandbox.command(&policy, Some(&verdict_file), binary);
        command.args(["--color", "never", "--test-threads=8"]);
        command.args(filters);
        let outcome = runner::execute(command, limit)?;
        drop(verdict_file);
        let verdicts = Verdicts::read(&read_capped(&verdict_path, VERDICTS_CAP));
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
        cap(&printable(&text, true))
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
    // The system's programs and libraries (the loader, the linker): never
    // /etc or /proc, never the grader's home.
    let mut system: Vec<PathBuf> = ["/usr", "/lib", "/lib64", "/bin", "/sbin", "/dev", "/sys"]
        .into_iter()
        .map(PathBuf::from)
        .filter(|p| p.exists())
        .collect();
    for file in ["/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d"] {
        if Path::new(file).exists() {
            system.push(file.into());
        }
    }

    // A build also reads the dependencies' sources, cargo's configuration
    // (every `.cargo/` above the workspace: aliases, nothing secret; denied,
    // cargo would stop) and the grading workspace; it writes the target
    // folder, its own temporary folder and cargo's lock files, nothing else
    // of `$CARGO_HOME`.
    // The toolchain, through rustup's proxies.
    let mut build_reads = system.clone();
    build_reads.push(rustup_home());
    build_reads.push(cargo_home.join("bin"));
    for part in ["registry", "git", "config.toml", "config"] {
        let path = cargo_home.join(part);
        if path.exists() {
            build_reads.push(path);
        }
    }
    build_reads.push(curriculum.root.join(".cargo"));
    build_reads.push(scratch.root.clone());
    let mut build_writes = vec![
        target.clone(),
        private.join("build-tmp"),
        PathBuf::from("/dev/null"),
    ];
    for lock in [".package-cache", ".package-cache-mutate", ".global-cache"] {
        let path = cargo_home.join(lock);
        if path.is_file() {
            build_writes.push(path);
        }
    }
    let mut build_env = env.clone();
    set_env(&mut build_env, "CARGO_TARGET_DIR", target.as_os_str());
    set_env(&mut build_env, "CARGO_NET_OFFLINE", "true".as_ref());
    set_env(&mut build_env, "CARGO_TERM_COLOR", "never".as_ref());
    set_env(
        &mut build_env,
        "TMPDIR",
        private.join("build-tmp").as_os_str(),
    );
    set_env(
        &mut build_env,
        "HOME",
        private.join("build-tmp").as_os_str(),
    );
    let build = Policy {
        reads: build_reads,
        writes: build_writes,
        memory_bytes: options.build_memory_bytes,
        file_bytes: BUILD_FILE_BYTES,
        env: build_env,
        cwd: scratch.root.clone(),
    };

    // A test process reads the system and the folder of its copied binary,
    // and writes its run's own folder, where it starts (both added per
    // run). Nothing of the workspace: not the tests' sources (the hidden
    // ones are there), not the compiler's caches (the solutions went
    // through them), not the toolchain or the dependencies' sources.
    let mut run_env = env;
    set_env(&mut run_env, "RUST_BACKTRACE", "0".as_ref());
    let run = Policy {
        reads: system,
        writes: vec![PathBuf::from("/dev/null")],
        memory_bytes: options.memory_bytes,
        file_bytes: RUN_FILE_BYTES,
        env: run_env,
        cwd: private.to_path_buf(),
    };
    (build, run)
}
