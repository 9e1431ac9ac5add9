//! Grading a class: one scratch workspace and one target folder for the
//! whole run (dependencies are built once); each submission's exercise
//! files swapped in and built, contained, as one library its tests depend
//! on (an exercise that does not compile is left out, and the rest built
//! again); each exercise's tests run contained, in a process of its own,
//! judged only by the verdicts its pristine tests report.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};

use super::build::{self, Built};
use super::intake::{self, Taken};
use super::judge;
use super::model::{
    printable, ClassReport, ExerciseInfo, ExerciseResult, Status, StudentReport, TestResult,
};
use super::run::{self, Runs};
use super::sandbox::{policies, remove_tree, Limits, Policy, Sandbox};
use super::score;
use super::scratch::{self, Scratch, HIDDEN, TESTS_PACKAGE, VISIBLE};
use super::shown::ForStudents;
use crate::side_by_side::side_by_side;
use xtask::curriculum::{Curriculum, Exercise, Package};
use xtask::process::{self, Streams};
use xtask::runner;
use xtask::terminal::Terminal;

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
    /// Grade even where protections are missing (every report says so).
    pub uncontained: bool,
}

/// Exercises of one submission run at the same time.
const RUNS_AT_ONCE: usize = 8;
/// The warm-up builds every dependency once: it may take long.
const WARM_UP_LIMIT: Duration = Duration::from_secs(30 * 60);

pub fn grade_class(curriculum: &Curriculum, options: &Options) -> Result<ClassReport> {
    let grader = Grader::new(curriculum, options)?;
    // A bar redraws its line: only where screen control may be sent.
    let bar = if Terminal::of(std::io::stderr().is_terminal()).screen {
        ProgressBar::new(options.submissions.len() as u64)
    } else {
        ProgressBar::hidden()
    };
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
            bar.set_message(printable(&student, false));
            let folder = grader.student_folder(n);
            let prepared = intake::take(curriculum, dir).and_then(|submission| {
                if submission.is_no_exercises_crate() {
                    // Shown with or without a terminal (a hidden bar's
                    // `println` prints nothing).
                    bar.suspend(|| {
                        eprintln!(
                            "warning: {}: not one exercise file in {} (src/NAME.rs or \
                             exercises/src/NAME.rs): is it an exercises crate?",
                            printable(&student, false),
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
    binaries: Binaries,
}

/// Copies of a build's test binaries, each in a folder of its own (a run
/// may read only its own binary's folder).
#[derive(Clone)]
struct Binaries {
    visible: PathBuf,
    hidden: Option<PathBuf>,
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
        let sandbox = contained(Sandbox::probe(), options.uncontained)?
            .with_root(private.path().join("root"));
        std::fs::create_dir_all(private.path().join("root"))?;
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
            shown,
            took: Mutex::new(BTreeMap::new()),
        };
        grader.warm_up()?;
        Ok(grader)
    }

    /// Builds and runs the solutions once, contained, before any
    /// submission: the dependencies are then built once per run, not inside
    /// a student's limits; the test names read from the sources are checked
    /// against what the macros made (this build is the grader's own); and a
    /// sandbox that stops even the solutions is reported before anyone is
    /// graded.
    fn warm_up(&mut self) -> Result<()> {
        for exercise in &self.curriculum.exercises {
            let solved = std::fs::read(self.curriculum.source(Package::Solutions, exercise))?;
            scratch::write_if_changed(&self.scratch.exercise_file(&exercise.name), &solved)?;
        }
        let targets = self.scratch.select(&self.scratch.modules)?;
        let built = self.build(&targets, WARM_UP_LIMIT)?;
        let Built::Binaries(binaries) = built else {
            anyhow::bail!(
                "the solutions do not build in the grading workspace: {built:?}\n(run `cargo xtask check`)"
            );
        };
        let warm_up = self.private.path().join("warm-up");
        let mut listing = String::new();
        let mut missing = Vec::new();
        for (target, binary) in &binaries {
            let hidden = target == HIDDEN;
            let binary = run::runnable(binary, &warm_up)?;
            let mut command = std::process::Command::new(&binary);
            command.args(["--list", "--format", "terse"]);
            let list = process::run(command, Streams::Apart, Some(WARM_UP_LIMIT))
                .with_context(|| format!("listing the tests of {}", binary.display()))?;
            listing.push_str(&String::from_utf8_lossy(&list.stdout));
            let names = judge::run_names(&self.scratch.tests, None, hidden);
            let ran = self
                .runs()
                .run(&binary, &warm_up, target, &names, WARM_UP_LIMIT)?;
            let failed: Vec<String> = names
                .into_iter()
                .filter(|n| !ran.verdicts.contains(n))
                .collect();
            if !failed.is_empty() {
                missing.extend(failed);
                missing.push(runner::first_failure(&ran.finished.output));
            }
        }
        let listed = scratch::tests_by_exercise(&listing);
        for (exercise, tests) in &self.scratch.tests {
            for (test, hidden) in tests {
                let made = listed
                    .get(exercise)
                    .is_some_and(|l| l.contains(&(test.clone(), *hidden)));
                anyhow::ensure!(
                    made,
                    "the grader reads a test `{}` in the tests of {exercise} that the build does not have: a test macro the grader does not know (see scratch::with_verdicts)",
                    judge::verdict_name(exercise, test, *hidden)
                );
            }
        }
        if !missing.is_empty() {
            eprintln!(
                "warning: tests that the solutions did not pass in the grading sandbox (check the sandbox and the hidden tests):\n{}",
                missing.join("\n"),
            );
        }
        remove_tree(&warm_up);
        Ok(())
    }

    fn build(&self, targets: &[&str], limit: Duration) -> Result<Built> {
        build::build(
            &self.sandbox,
            &self.build_policy,
            &self.scratch,
            &self.curriculum.exercises,
            TESTS_PACKAGE,
            targets,
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
                Ok(binaries) => runs.push(Run { slot, binaries }),
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
        let finished = side_by_side(runs, RUNS_AT_ONCE, |run| {
            (run.slot, self.run_exercise(&run, &folder))
        });
        for (slot, result) in finished {
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
    ) -> Result<Vec<(usize, std::result::Result<Binaries, ExerciseResult>)>> {
        let exercises = &self.curriculum.exercises;
        let mut built = Vec::new();
        while !set.is_empty() {
            let names: Vec<String> = set.iter().map(|&s| exercises[s].name.clone()).collect();
            let targets = self.scratch.select(&names)?;
            match self.build(&targets, self.options.build_limit)? {
                Built::Binaries(binaries) => {
                    let binary = runnable(&binaries, folder)?;
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
                        let targets = self
                            .scratch
                            .select(std::slice::from_ref(&exercises[slot].name))?;
                        built.push(match self.build(&targets, self.options.build_limit)? {
                            Built::Binaries(binaries) => (slot, Ok(runnable(&binaries, folder)?)),
                            failed => (slot, Err(self.not_built(&exercises[slot], failed))),
                        });
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
            Built::Binaries(_) => "its tests were not built".to_string(),
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
        let tests = judge::listed(&self.scratch.tests, &exercise.name)
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
    /// process, its hidden ones (if any) in another, from a binary of their
    /// own. Each runs only the tests named in the sources, by exact name.
    fn run_exercise(&self, run: &Run, folder: &Path) -> Result<ExerciseResult> {
        let exercise = &self.curriculum.exercises[run.slot];
        let name = &exercise.name;
        let listed = judge::listed(&self.scratch.tests, name);
        let started = std::time::Instant::now();
        let (visible, limit) = self.run_retried(&run.binaries.visible, folder, name, false)?;
        let hidden = match (&run.binaries.hidden, listed.iter().any(|t| t.hidden)) {
            (Some(binary), true) => Some(self.run_retried(binary, folder, name, true)?.0),
            _ => None,
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

    /// One run of an exercise's visible or hidden tests; a run that timed
    /// out is tried once more at twice the limit, so that a machine busy
    /// with other work does not cost a good submission its marks (an endless
    /// loop times out twice). Returns the run and the limit it had.
    fn run_retried(
        &self,
        binary: &Path,
        folder: &Path,
        exercise: &str,
        hidden: bool,
    ) -> Result<(run::Ran, Duration)> {
        let names = judge::run_names(&self.scratch.tests, Some(exercise), hidden);
        let label = if hidden {
            format!("{exercise}-hidden")
        } else {
            exercise.to_string()
        };
        let mut limit = self.options.limit;
        let mut ran = self.runs().run(binary, folder, &label, &names, limit)?;
        if ran.finished.timed_out {
            limit *= 2;
            ran = self.runs().run(binary, folder, &label, &names, limit)?;
        }
        Ok((ran, limit))
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

/// Copies of a build's binaries where only their own runs may read them.
fn runnable(binaries: &BTreeMap<String, PathBuf>, folder: &Path) -> Result<Binaries> {
    let visible = binaries
        .get(VISIBLE)
        .context("the build made no binary of the visible tests")?;
    Ok(Binaries {
        visible: run::runnable(visible, folder)?,
        hidden: binaries
            .get(HIDDEN)
            .map(|hidden| run::runnable(hidden, folder))
            .transpose()?,
    })
}

/// The sandbox, when every protection is active here; else an error that
/// says what is missing, unless the instructor asked to grade anyway
/// (then a warning says it, and every report).
fn contained(sandbox: Sandbox, uncontained: bool) -> Result<Sandbox> {
    let missing = sandbox.missing();
    if missing.is_empty() {
        return Ok(sandbox);
    }
    let list: String = missing.iter().map(|m| format!("\n  - {m}")).collect();
    if !uncontained {
        anyhow::bail!(
            "refusing to run students' code: this machine cannot contain it fully:{list}\n\
             (docs/grading.md, \"Containment\", says what each protection needs; \
             `--uncontained` grades anyway and marks every report)"
        );
    }
    eprintln!(
        "warning: grading UNCONTAINED (--uncontained): students' code runs without:{list}\n\
         warning: every report says so; grade only code you trust this way"
    );
    Ok(sandbox.uncontained())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_machine_without_containment_is_refused_unless_asked() {
        let bare = Sandbox::bare_for_tests(false, "not", 0);
        let refused = contained(bare.clone(), false).unwrap_err().to_string();
        assert!(
            refused.contains("refusing to run students' code"),
            "{refused}"
        );
        assert!(refused.contains("Landlock is not available"), "{refused}");
        assert!(refused.contains("`unshare` is not usable"), "{refused}");
        assert!(refused.contains("--uncontained"), "{refused}");
        let graded = contained(bare, true).unwrap();
        let protections = graded.protections(&Policy::default(), &Policy::default());
        assert!(
            protections[0].starts_with(
                "NOT CONTAINED (graded with --uncontained): Landlock is not available"
            ),
            "{protections:?}"
        );
    }

    #[test]
    fn a_partial_landlock_names_what_it_leaves_uncovered() {
        let partial = Sandbox::bare_for_tests(true, "partially", 3);
        let missing = partial.missing();
        assert_eq!(missing.len(), 3, "{missing:?}");
        assert!(missing[0].contains("TCP bind and connect"), "{missing:?}");
        assert!(missing[1].contains("ioctl"), "{missing:?}");
        assert!(
            missing[2].contains("signals and abstract UNIX sockets"),
            "{missing:?}"
        );
        assert!(contained(partial, false).is_err());
        assert!(Sandbox::bare_for_tests(true, "fully", 6)
            .missing()
            .is_empty());
    }
}
