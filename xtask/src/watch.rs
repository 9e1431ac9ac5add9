//! `cargo xtask` in a terminal: the current exercise, re-judged whenever its
//! file is saved, with single-key commands.

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Sender};
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{self, Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal;

use crate::curriculum::{Curriculum, Exercise, Package};
use crate::learner::{self, Showing};
use crate::progress::Progress;
use crate::reset;
use crate::verdict::Verdict;

enum Event {
    Key(KeyEvent),
    Saved(Vec<PathBuf>),
    Judged(Result<Verdict, String>),
}

/// What the screen shows besides the status.
enum Mode {
    Status,
    Hint,
    List,
    ConfirmReset,
    Message(String),
}

/// Raw mode for single keys, restored however the watch ends.
struct RawMode;

impl RawMode {
    fn enter() -> Result<RawMode> {
        terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

/// Debounce for file events: editors write a file in several steps.
const DEBOUNCE: Duration = Duration::from_millis(100);

pub fn watch(curriculum: &Curriculum, limit: Duration) -> Result<bool> {
    let learner::Start {
        mut progress,
        note,
        judged,
    } = learner::load_progress(curriculum, limit)?;
    let mut exercise = learner::chosen(curriculum, &progress, None)?.clone();
    let (events, inbox) = channel();

    // Saved files: a debounced watcher on the learner's folder.
    let saved = events.clone();
    let mut watcher = notify_debouncer_full::new_debouncer(
        DEBOUNCE,
        None,
        move |result: notify_debouncer_full::DebounceEventResult| {
            let Ok(changes) = result else { return };
            let paths: Vec<PathBuf> = changes
                .into_iter()
                .filter(|change| is_a_save(&change.event.kind))
                .flat_map(|change| change.event.paths.clone())
                .collect();
            if !paths.is_empty() {
                let _ = saved.send(Event::Saved(paths));
            }
        },
    )?;
    let watching = watcher.watch(
        curriculum.root.join("exercises/src"),
        notify::RecursiveMode::NonRecursive,
    );
    let mut mode = match (note, watching) {
        (_, Err(err)) => Mode::Message(format!(
            "cannot watch your files here ({err}); press [r] to run the tests after saving"
        )),
        (Some(note), Ok(())) => Mode::Message(note),
        (None, Ok(())) => Mode::Status,
    };

    let _raw = RawMode::enter()?;
    let keys = events.clone();
    std::thread::spawn(move || loop {
        match event::read() {
            Ok(TermEvent::Key(key)) if key.kind != KeyEventKind::Release => {
                if keys.send(Event::Key(key)).is_err() {
                    break;
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    });

    let mut running = false;
    // Once every exercise passes, the closing screen, until the learner
    // picks one to revisit.
    let mut showing = Showing::Current;
    let mut again = false;
    // Finding the current exercise may have judged it already.
    let mut verdict: Option<Verdict> = judged;
    if verdict.is_none() {
        judge(curriculum, &exercise, limit, &events, &mut running);
    }
    draw(
        curriculum,
        &progress,
        &exercise,
        verdict.as_ref(),
        &mode,
        running,
        showing,
    )?;

    while let Ok(event) = inbox.recv() {
        match event {
            Event::Judged(result) => {
                running = false;
                match result {
                    Ok(new) => {
                        progress.record(&exercise.name, new.passed());
                        progress.current = Some(exercise.name.clone());
                        let _ = progress.save(curriculum);
                        verdict = Some(new);
                    }
                    Err(err) => mode = Mode::Message(format!("could not run the tests: {err}")),
                }
                if std::mem::take(&mut again) {
                    judge(curriculum, &exercise, limit, &events, &mut running);
                }
            }
            Event::Saved(paths) => {
                let file = curriculum.source(Package::Exercises, &exercise);
                if paths.iter().any(|p| same_file(p, &file)) {
                    if running {
                        again = true;
                    } else {
                        mode = Mode::Status;
                        judge(curriculum, &exercise, limit, &events, &mut running);
                    }
                }
            }
            Event::Key(key) => {
                let ctrl_c =
                    key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
                match (&mode, key.code) {
                    (_, KeyCode::Char('q')) | (_, KeyCode::Esc)
                        if !matches!(mode, Mode::List | Mode::ConfirmReset | Mode::Hint) =>
                    {
                        break
                    }
                    _ if ctrl_c => break,
                    (Mode::ConfirmReset, KeyCode::Char('y')) => {
                        let file =
                            curriculum.relative(&curriculum.source(Package::Exercises, &exercise));
                        mode = match reset::reset(curriculum, &exercise) {
                            Ok(done) => {
                                Mode::Message(done.before.describe(curriculum, &file, &done.from))
                            }
                            Err(err) => Mode::Message(format!("reset failed: {err:#}")),
                        };
                        judge(curriculum, &exercise, limit, &events, &mut running);
                    }
                    (Mode::ConfirmReset, _) => mode = Mode::Message("reset cancelled".into()),
                    (Mode::List, KeyCode::Char(c)) if c.is_ascii_lowercase() => {
                        let index = (c as u8 - b'a') as usize;
                        if let Some(next) = curriculum.exercises.get(index) {
                            exercise = next.clone();
                            showing = Showing::Chosen;
                            verdict = None;
                            mode = Mode::Status;
                            judge(curriculum, &exercise, limit, &events, &mut running);
                        }
                    }
                    (Mode::List | Mode::Hint, _) => mode = Mode::Status,
                    (_, KeyCode::Char('h')) => {
                        let steps = exercise.hints.len();
                        progress.next_hint_step(&exercise.name, steps);
                        let _ = progress.save(curriculum);
                        mode = Mode::Hint;
                    }
                    (_, KeyCode::Char('l')) => mode = Mode::List,
                    (_, KeyCode::Char('r')) => {
                        mode = Mode::Status;
                        showing = Showing::Chosen;
                        if running {
                            again = true;
                        } else {
                            judge(curriculum, &exercise, limit, &events, &mut running);
                        }
                    }
                    (_, KeyCode::Char('x')) => mode = Mode::ConfirmReset,
                    (_, KeyCode::Char('n')) => {
                        if verdict.as_ref().is_some_and(Verdict::passed) {
                            let next = progress
                                .first_pending(curriculum)
                                .and_then(|name| curriculum.find(name).ok());
                            if let Some(next) = next {
                                exercise = next.clone();
                                progress.current = Some(exercise.name.clone());
                                let _ = progress.save(curriculum);
                                verdict = None;
                                mode = Mode::Status;
                                judge(curriculum, &exercise, limit, &events, &mut running);
                            }
                        } else {
                            mode = Mode::Message("[n] moves on once this exercise passes".into());
                        }
                    }
                    _ => {}
                }
            }
        }
        draw(
            curriculum,
            &progress,
            &exercise,
            verdict.as_ref(),
            &mode,
            running,
            showing,
        )?;
    }
    drop(watcher);
    Ok(true)
}

/// Whether a file event is a save (new contents or a new file there), not
/// a read: the compiler opens the file to read it, and were that a save,
/// every build of a file that does not compile would start the next.
fn is_a_save(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
    match kind {
        EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        EventKind::Modify(_) => true,
        // Closed after writing: the end of a save.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Any | EventKind::Other => false,
    }
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b || a.canonicalize().ok() == b.canonicalize().ok()
}

/// Judges in the background so keys and saves stay responsive.
fn judge(
    curriculum: &Curriculum,
    exercise: &Exercise,
    limit: Duration,
    events: &Sender<Event>,
    running: &mut bool,
) {
    *running = true;
    let curriculum = Curriculum {
        root: curriculum.root.clone(),
        exercises: curriculum.exercises.clone(),
    };
    let exercise = exercise.clone();
    let events = events.clone();
    std::thread::spawn(move || {
        let color = crate::runner::colors_allowed(true);
        let result = crate::verdict::judge(
            &curriculum.cargo(),
            Package::Exercises,
            &exercise,
            limit,
            color,
        )
        .map_err(|err| format!("{err:#}"));
        let _ = events.send(Event::Judged(result));
    });
}

fn draw(
    curriculum: &Curriculum,
    progress: &Progress,
    exercise: &Exercise,
    verdict: Option<&Verdict>,
    mode: &Mode,
    running: bool,
    showing: Showing,
) -> Result<()> {
    let mut text = learner::screen(curriculum, progress, exercise, verdict, showing, true);
    if running && verdict.is_some() {
        text.push_str("\n(running again ...)\n");
    }
    match mode {
        Mode::Status => {}
        Mode::Hint => {
            let seen = progress
                .hint_steps
                .get(&exercise.name)
                .copied()
                .unwrap_or(1);
            text = learner::hint_text(curriculum, exercise, seen);
            text.push_str("\n[any key] back\n");
        }
        Mode::List => {
            text = String::from(
                "Exercises (press a letter to go there, any other key to go back)\n\n",
            );
            for (i, e) in curriculum.exercises.iter().enumerate() {
                let state = if progress.done.contains(&e.name) {
                    "done   "
                } else {
                    "pending"
                };
                let here = if e.name == exercise.name { ">" } else { " " };
                text.push_str(&format!(
                    "{here} {}. {state} {:<30} {}\n",
                    (b'a' + i as u8) as char,
                    e.name,
                    e.title
                ));
            }
        }
        Mode::ConfirmReset => text.push_str(&format!(
            "\nReset {} to its original? Your file is saved to .barista/backups/ first. [y/N]\n",
            exercise.name
        )),
        Mode::Message(message) => text.push_str(&format!("\n{message}\n")),
    }
    if !matches!(mode, Mode::Hint | Mode::List) {
        let next = if verdict.is_some_and(Verdict::passed) {
            "[n] next  "
        } else {
            ""
        };
        text.push_str(&format!(
            "\n{next}[h] hint  [l] list  [r] run again  [x] reset  [q] quit\n"
        ));
    }
    let mut out = std::io::stdout().lock();
    // Raw mode: lines need a carriage return too.
    write!(out, "\x1b[2J\x1b[H{}", text.replace('\n', "\r\n"))?;
    out.flush()?;
    Ok(())
}
