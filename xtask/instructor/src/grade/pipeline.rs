//! Grading a class: one scratch workspace and one target folder for the
//! whole run (dependencies are built once); each submission's exercise
//! files swapped in and built, contained, as one library its tests depend
//! on (an exercise that does not compile is left out, and the rest built
//! again); each exercise's tests run contained, in a process of its own,
//! judged only by the verdicts its pristine tests report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::build::{self, Built};
use super::intake::{self, Taken};
use super::judge::{self, TestList};
use super::model::{
    printable, ClassReport, ExerciseInfo, ExerciseResult, Status, StudentReport, TestResult,
};
use super::run::{self, Runs};
use super::sandbox::{policies, remove_tree, Limits, Policy, Sandbox};
use super::score;
use super::scratch::{self, Scratch, COMBINED, TESTS_PACKAGE};
use super::shown::ForStudents;
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
            let prepared = intake::take(curriculum, dir).and_then(|submission| {
                if submission.is_no_exercises_crate() {
                    // Shown with or without a terminal (a hidden bar's
                    // `println` prints nothing).
                    bar.suspend(|| {
                        eprintln!(
                            "warning: {student}: not one exercise file in {} (src/NAME.rs or \
                             exercises/src/NAME.rs): is it an exercises crate?",
                            printable(&dir.display().to_string(), false)
                        );
                    });
                }
                grader.prepare(submission, &folder)
            });
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
    tests: TestList,
    /// What students may be shown of a message.
    shown: ForStudents,
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
        let limits = Limits {
            run_memory_bytes: options.memory_bytes,
            build_memory_bytes: options.build_memory_bytes,
        };
        let (build_policy, run_policy) = policies(curriculum, &limits, &scratch, private.path());
        let sandbox = Sandbox::probe();
        let shown = ForStudents::new(&[
            scratch.root.clone(),
            private.path().to_path_buf(),
            curriculum.root.clone(),
        ]);
        let mut grader = Grader {
            curriculum,
            options,
            scratch,
            sandbox,
            build_policy,
            run_policy,
            private,
            tests: TestList::new(),
            shown,
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
        let binary = run::runnable(&binary, &warm_up)?;
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
        let ran = self.runs().run(
            &binary,
            &warm_up,
            "all",
            &["judged::".into()],
            WARM_UP_LIMIT,
        )?;
        let missing = judge::missing(&self.tests, &ran.verdicts);
        if !missing.is_empty() {
            eprintln!(
                "warning: tests that the solutions did not pass in the grading sandbox (check the sandbox and the hidden tests):\n{}\n{}",
                missing.join("\n"),
                runner::first_failure(&ran.finished.output)
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
        Ok(score::student(
            submission.student,
            results,
            submission.ignored,
        ))
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
                    let binary = run::runnable(&binary, folder)?;
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
                                    (slot, Ok(run::runnable(&binary, folder)?))
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
        score::student(student.to_string(), exercises, Vec::new())
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
        let tests = judge::listed(&self.tests, &exercise.name)
            .into_iter()
            .map(|test| TestResult {
                name: test.shown,
                passed: false,
                hidden: test.hidden,
                message: String::new(),
                seconds: None,
            })
            .collect();
        score::exercise(exercise, status, tests, self.for_students(&message), None)
    }

    /// Runs one exercise's tests, and judges them: its visible tests in one
    /// process, its hidden ones (if any) in another.
    fn run_exercise(&self, run: &Run, folder: &Path) -> Result<ExerciseResult> {
        let exercise = &self.curriculum.exercises[run.slot];
        let name = &exercise.name;
        let listed = judge::listed(&self.tests, name);
        let limit = self.options.limit;
        let started = std::time::Instant::now();
        let visible = self.runs().run(
            &run.binary,
            folder,
            name,
            &[judge::filter(name, false)],
            limit,
        )?;
        let hidden = if listed.iter().any(|t| t.hidden) {
            Some(self.runs().run(
                &run.binary,
                folder,
                &format!("{name}-hidden"),
                &[judge::filter(name, true)],
                limit,
            )?)
        } else {
            None
        };
        let took = started.elapsed();
        self.took.lock().unwrap().insert(name.clone(), took);
        let mut judged = judge::judge(listed, &visible, hidden.as_ref(), limit);
        for test in &mut judged.tests {
            test.message = self.for_students(&test.message);
        }
        Ok(score::exercise(
            exercise,
            judged.status,
            judged.tests,
            self.for_students(&judged.message),
            Some(took.as_secs_f64()),
        ))
    }

    fn runs(&self) -> Runs<'_> {
        Runs {
            sandbox: &self.sandbox,
            policy: &self.run_policy,
        }
    }

    fn for_students(&self, text: &str) -> String {
        self.shown.message(&self.scratch, text)
    }
}
