//! The learner's commands that are not the interactive watch: status once
//! (no terminal), `run`, `hint`, `reset`, `verify`, and the progress they
//! share.

use std::io::IsTerminal;
use std::time::Duration;

use anyhow::Result;
use indicatif::{ProgressBar, ProgressStyle};

use crate::curriculum::{Curriculum, Exercise, Package};
use crate::progress::{self, Loaded, Progress};
use crate::reset;
use crate::runner;
use crate::terminal::Terminal;
use crate::verdict::{self, Verdict};

/// How long one exercise's tests may run before they count as hung.
pub const DEFAULT_LIMIT: Duration = Duration::from_secs(15);

/// Where the learner stands when a command starts.
pub struct Start {
    pub progress: Progress,
    /// Why the progress was rebuilt, when it could not be read.
    pub note: Option<String>,
    /// The current exercise's verdict, when finding it meant judging it.
    pub judged: Option<Verdict>,
}

/// The progress file, or, when it is missing or unreadable, progress rebuilt
/// the way a learner works: exercises judged in order up to the first that
/// does not pass yet, which becomes the current one. Later exercises are
/// judged when the learner reaches them, so the first screen of a fresh
/// clone waits for one exercise's build, not sixteen.
pub fn load_progress(curriculum: &Curriculum, limit: Duration) -> Result<Start> {
    let note = match progress::read(curriculum) {
        Loaded::Read(progress) => {
            return Ok(Start {
                progress,
                note: None,
                judged: None,
            })
        }
        Loaded::Missing => None,
        Loaded::Corrupt(why) => Some(format!(
            "the progress file {} was unreadable ({why}); rebuilt it from your exercises",
            curriculum.relative(&progress::path(curriculum))
        )),
    };
    let mut progress = Progress {
        started: progress::now(),
        ..Progress::default()
    };
    if std::io::stderr().is_terminal() {
        eprintln!(
            "no progress saved yet: judging the exercises in order up to the first that \
             does not pass"
        );
    }
    let mut judged = None;
    for exercise in &curriculum.exercises {
        let verdict = verdict::judge(
            &curriculum.cargo(),
            Package::Exercises,
            exercise,
            limit,
            false,
        )?;
        progress.record(&exercise.name, verdict.passed());
        if !verdict.passed() {
            progress.current = Some(exercise.name.clone());
            judged = Some(verdict);
            break;
        }
    }
    progress.save(curriculum)?;
    Ok(Start {
        progress,
        note,
        judged,
    })
}

/// Builds every exercise (one broken file does not stop the others) and runs
/// each, with a progress bar on a terminal. Returns (name, passed) in order.
pub fn run_all(curriculum: &Curriculum, limit: Duration) -> Result<Vec<(String, bool)>> {
    let terminal = std::io::stderr().is_terminal();
    if terminal {
        eprintln!(
            "building every exercise's tests (the first time, a few seconds each; then a \
             second or so)"
        );
    }
    // cargo draws its own progress meanwhile; barista's bar comes after.
    let build = runner::build(curriculum, Package::Exercises, terminal)?;
    // A bar redraws its line: screen control, which `TERM=dumb` and
    // `NO_COLOR` rule out.
    let bar = if Terminal::of(terminal).screen {
        ProgressBar::new(curriculum.exercises.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg:>28} [{bar:30}] {pos}/{len}")
            .unwrap()
            .progress_chars("=> "),
    );
    let mut results = Vec::new();
    for exercise in &curriculum.exercises {
        bar.set_message(exercise.name.clone());
        let passed = match build.binaries.get(&exercise.name) {
            Some(binary) => {
                runner::run(
                    &curriculum.root,
                    Package::Exercises,
                    binary,
                    &[],
                    &[],
                    limit,
                )?
                .passed
            }
            None => false,
        };
        results.push((exercise.name.clone(), passed));
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(results)
}

/// The exercise named, or the learner's current one.
pub fn chosen<'a>(
    curriculum: &'a Curriculum,
    progress: &Progress,
    name: Option<&str>,
) -> Result<&'a Exercise> {
    match name.or(progress.current_or_next(curriculum)) {
        Some(name) => curriculum.find(name),
        None => curriculum
            .exercises
            .last()
            .ok_or_else(|| anyhow::anyhow!("the curriculum is empty")),
    }
}

/// Judges an exercise and records the result in the progress file.
pub fn judge_and_record(
    curriculum: &Curriculum,
    progress: &mut Progress,
    exercise: &Exercise,
    limit: Duration,
    color: bool,
) -> Result<Verdict> {
    let verdict = verdict::judge(
        &curriculum.cargo(),
        Package::Exercises,
        exercise,
        limit,
        color,
    )?;
    progress.record(&exercise.name, verdict.passed());
    progress.save(curriculum)?;
    Ok(verdict)
}

/// What the status screen shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Showing {
    /// The exercise the learner is at; once every exercise passes, the
    /// closing screen instead.
    Current,
    /// An exercise the learner asked for, passed or not.
    Chosen,
}

/// The status screen's text, shared by the watch and the one-shot status.
pub fn screen(
    curriculum: &Curriculum,
    progress: &Progress,
    exercise: &Exercise,
    verdict: Option<&Verdict>,
    showing: Showing,
    terminal: Terminal,
) -> String {
    let total = curriculum.exercises.len();
    let done = progress.done.len();
    let position = curriculum
        .exercises
        .iter()
        .position(|e| e.name == exercise.name)
        .map_or(0, |i| i + 1);
    let mut out = String::new();
    out.push_str(&format!(
        "barista  {}  {done} / {total} done\n\n",
        bar(done, total, 30)
    ));
    if done == total {
        if showing == Showing::Current {
            out.push_str(&finished(progress, total));
            return out;
        }
        out.push_str("Every exercise passes; revisiting one.\n\n");
    }
    out.push_str(&format!(
        "Exercise {position} of {total} · {} ({})\n",
        exercise.title, exercise.name
    ));
    let file = curriculum.source(Package::Exercises, exercise);
    let shown = curriculum.relative(&file);
    // OSC 8: a clickable link in terminals that take one.
    out.push_str(&format!("  edit {}\n\n", terminal.file_link(&file, &shown)));
    match verdict {
        None => out.push_str("running its tests ...\n"),
        Some(verdict) => {
            let headline = verdict.outcome.message();
            out.push_str(&format!(
                "{headline}  ({:.1} s)\n",
                verdict.took.as_secs_f64()
            ));
            if !verdict.report.is_empty() {
                out.push('\n');
                for line in verdict.report.lines() {
                    out.push_str(&format!("  {line}\n"));
                }
            }
            if !verdict.printed.is_empty() {
                out.push_str("\nWhat the tests printed:\n");
                for line in verdict.printed.lines() {
                    out.push_str(&format!("  {line}\n"));
                }
            }
            if let Some(timeline) = &verdict.timeline {
                out.push_str("\nWhat ran where (the timeline of the last run):\n");
                out.push_str(timeline);
            }
        }
    }
    out
}

fn finished(progress: &Progress, total: usize) -> String {
    let minutes = progress::now().saturating_sub(progress.started) / 60;
    format!(
        "Every exercise passes: all {total} of them. Well brewed!\n\n\
         test runs: {}   hints: {}   time: {}h {:02}m\n\n\
         You have seen one program interleave on one worker and run in parallel on many,\n\
         and kept it correct at every worker count. That is the whole point.\n",
        progress.runs,
        progress.hints,
        minutes / 60,
        minutes % 60
    )
}

/// `[#####.....]`, `width` cells.
pub fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(width - filled))
}

/// No terminal (piped, CI): the status once, never waiting for keys.
pub fn status_once(curriculum: &Curriculum, limit: Duration) -> Result<bool> {
    let Start {
        mut progress,
        note,
        judged,
    } = load_progress(curriculum, limit)?;
    if let Some(note) = note {
        println!("note: {note}\n");
    }
    let exercise = chosen(curriculum, &progress, None)?.clone();
    let verdict = if progress.done.len() == curriculum.exercises.len() {
        None
    } else if judged.is_some() {
        judged
    } else {
        Some(judge_and_record(
            curriculum,
            &mut progress,
            &exercise,
            limit,
            false,
        )?)
    };
    print!(
        "{}",
        screen(
            curriculum,
            &progress,
            &exercise,
            verdict.as_ref(),
            Showing::Current,
            Terminal::of(false)
        )
    );
    if progress.done.len() < curriculum.exercises.len() {
        println!(
            "\nhint: cargo xtask hint {}   list: cargo xtask list   (in a terminal, `cargo xtask` watches your file)",
            exercise.name
        );
    }
    Ok(true)
}

/// `cargo xtask run [NAME]`: its tests and the timeline of the run,
/// passed or not.
pub fn run(curriculum: &Curriculum, name: Option<&str>, limit: Duration) -> Result<bool> {
    let mut progress = load_progress(curriculum, limit)?.progress;
    let exercise = chosen(curriculum, &progress, name)?.clone();
    let color = Terminal::of(std::io::stdout().is_terminal()).colors;
    let verdict = judge_and_record(curriculum, &mut progress, &exercise, limit, color)?;
    print!(
        "{}",
        screen(
            curriculum,
            &progress,
            &exercise,
            Some(&verdict),
            Showing::Chosen,
            Terminal::of(false)
        )
    );
    Ok(verdict.passed())
}

/// `cargo xtask hint [NAME]`.
pub fn hint(curriculum: &Curriculum, name: Option<&str>) -> Result<bool> {
    let mut progress = match progress::read(curriculum) {
        Loaded::Read(progress) => progress,
        _ => Progress::default(),
    };
    let exercise = chosen(curriculum, &progress, name)?;
    let seen = progress.next_hint_step(&exercise.name, exercise.hints.len());
    print!("{}", hint_text(curriculum, exercise, seen));
    // A hint is worth showing even where progress cannot be saved.
    let _ = progress.save(curriculum);
    Ok(true)
}

/// The first `seen` steps of an exercise's hint, numbered, and how to get
/// the next one.
pub fn hint_text(curriculum: &Curriculum, exercise: &Exercise, seen: usize) -> String {
    let steps = exercise.hint_steps(seen);
    let mut out = format!("{} · {}\n", exercise.name, exercise.title);
    for (i, step) in steps.iter().enumerate() {
        out.push_str(&format!(
            "\nHint {} of {}:\n{}\n",
            i + 1,
            exercise.hints.len(),
            step.trim()
        ));
    }
    if steps.len() < exercise.hints.len() {
        out.push_str(&format!(
            "\n(Try it first. Ask again for step {}: `cargo xtask hint {}`, or [h] in the \
             watch.)\n",
            steps.len() + 1,
            exercise.name
        ));
    }
    out.push_str(&format!(
        "\nThe page's section: {}.\nYour file: {}\n",
        exercise.section,
        curriculum.relative(&curriculum.source(Package::Exercises, exercise))
    ));
    out
}

/// `cargo xtask reset NAME`.
pub fn reset(curriculum: &Curriculum, name: &str) -> Result<bool> {
    let exercise = curriculum.find(name)?;
    let done = reset::reset(curriculum, exercise)?;
    let file = curriculum.relative(&curriculum.source(Package::Exercises, exercise));
    println!("{}", done.before.describe(curriculum, &file, &done.from));
    if let Loaded::Read(mut progress) = progress::read(curriculum) {
        progress.done.remove(&exercise.name);
        progress.save(curriculum)?;
    }
    Ok(true)
}

/// `cargo xtask verify`: every exercise; exit status for scripts.
pub fn verify(curriculum: &Curriculum, limit: Duration) -> Result<bool> {
    let results = run_all(curriculum, limit)?;
    let mut progress = match progress::read(curriculum) {
        Loaded::Read(progress) => progress,
        _ => Progress {
            started: progress::now(),
            ..Progress::default()
        },
    };
    for (name, passed) in &results {
        println!("{} {name}", if *passed { "done   " } else { "pending" });
        progress.record(name, *passed);
    }
    let done = results.iter().filter(|(_, passed)| *passed).count();
    println!("{done} / {} done", results.len());
    progress.save(curriculum)?;
    Ok(done == results.len())
}
