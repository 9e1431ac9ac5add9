//! What the learner sees in the watch, and what each event changes: which
//! exercise, its latest verdict, whether a run is going on, the hint's
//! steps, the list, a reset to confirm, a message.

use std::path::{Path, PathBuf};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::events::{Event, Judge};
use crate::curriculum::{Curriculum, Exercise, Package};
use crate::learner::Showing;
use crate::progress::Progress;
use crate::reset;
use crate::verdict::Verdict;

/// What the screen shows besides the status.
pub(super) enum Mode {
    Status,
    Hint,
    List,
    ConfirmReset,
    Message(String),
}

/// Whether the watch goes on after an event.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Flow {
    Continue,
    Quit,
}

pub(super) struct State<'a> {
    pub(super) curriculum: &'a Curriculum,
    judge: Judge,
    pub(super) progress: Progress,
    pub(super) exercise: Exercise,
    pub(super) verdict: Option<Verdict>,
    pub(super) mode: Mode,
    /// A run of the exercise's tests is going on.
    pub(super) running: bool,
    /// Run once more when this run ends: the file was saved meanwhile.
    again: bool,
    /// Once every exercise passes, the closing screen, until the learner
    /// picks one to revisit.
    pub(super) showing: Showing,
}

impl<'a> State<'a> {
    pub(super) fn new(
        curriculum: &'a Curriculum,
        judge: Judge,
        progress: Progress,
        exercise: Exercise,
        mode: Mode,
    ) -> State<'a> {
        State {
            curriculum,
            judge,
            progress,
            exercise,
            verdict: None,
            mode,
            running: false,
            again: false,
            showing: Showing::Current,
        }
    }

    /// Judges the exercise in the background.
    pub(super) fn judge(&mut self) {
        self.running = true;
        self.judge.start(&self.exercise);
    }

    /// Judges now, or, while a run is going on, once more after it.
    fn judge_again(&mut self) {
        if self.running {
            self.again = true;
        } else {
            self.judge();
        }
    }

    pub(super) fn handle(&mut self, event: Event) -> Flow {
        match event {
            Event::Judged(result) => self.judged(result),
            Event::Saved(paths) => self.saved(&paths),
            Event::Key(key) => return self.key(key),
        }
        Flow::Continue
    }

    fn judged(&mut self, result: Result<Verdict, String>) {
        self.running = false;
        match result {
            Ok(new) => {
                self.progress.record(&self.exercise.name, new.passed());
                self.progress.current = Some(self.exercise.name.clone());
                let _ = self.progress.save(self.curriculum);
                self.verdict = Some(new);
            }
            Err(err) => self.mode = Mode::Message(format!("could not run the tests: {err}")),
        }
        if std::mem::take(&mut self.again) {
            self.judge();
        }
    }

    fn saved(&mut self, paths: &[PathBuf]) {
        let file = self.curriculum.source(Package::Exercises, &self.exercise);
        if paths.iter().any(|p| same_file(p, &file)) {
            if !self.running {
                self.mode = Mode::Status;
            }
            self.judge_again();
        }
    }

    /// Moves to `exercise`, its verdict still to come.
    fn go_to(&mut self, exercise: Exercise) {
        self.exercise = exercise;
        self.verdict = None;
        self.mode = Mode::Status;
        self.judge();
    }

    fn key(&mut self, key: KeyEvent) -> Flow {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        match (&self.mode, key.code) {
            // In the list, the hint and the reset question, `q` is an answer.
            (_, KeyCode::Char('q') | KeyCode::Esc)
                if !matches!(self.mode, Mode::List | Mode::ConfirmReset | Mode::Hint) =>
            {
                return Flow::Quit
            }
            _ if ctrl_c => return Flow::Quit,
            (Mode::ConfirmReset, KeyCode::Char('y')) => {
                let curriculum = self.curriculum;
                let file =
                    curriculum.relative(&curriculum.source(Package::Exercises, &self.exercise));
                self.mode = match reset::reset(curriculum, &self.exercise) {
                    Ok(done) => Mode::Message(done.before.describe(curriculum, &file, &done.from)),
                    Err(err) => Mode::Message(format!("reset failed: {err:#}")),
                };
                self.judge();
            }
            (Mode::ConfirmReset, _) => self.mode = Mode::Message("reset cancelled".into()),
            (Mode::List, KeyCode::Char(c)) if c.is_ascii_lowercase() => {
                let index = (c as u8 - b'a') as usize;
                if let Some(next) = self.curriculum.exercises.get(index) {
                    self.showing = Showing::Chosen;
                    self.go_to(next.clone());
                }
            }
            (Mode::List | Mode::Hint, _) => self.mode = Mode::Status,
            (_, KeyCode::Char('h')) => {
                let steps = self.exercise.hints.len();
                self.progress.next_hint_step(&self.exercise.name, steps);
                let _ = self.progress.save(self.curriculum);
                self.mode = Mode::Hint;
            }
            (_, KeyCode::Char('l')) => self.mode = Mode::List,
            (_, KeyCode::Char('r')) => {
                self.mode = Mode::Status;
                self.showing = Showing::Chosen;
                self.judge_again();
            }
            (_, KeyCode::Char('x')) => self.mode = Mode::ConfirmReset,
            (_, KeyCode::Char('n')) => {
                if self.verdict.as_ref().is_some_and(Verdict::passed) {
                    let next = self
                        .progress
                        .first_pending(self.curriculum)
                        .and_then(|name| self.curriculum.find(name).ok());
                    if let Some(next) = next {
                        self.progress.current = Some(next.name.clone());
                        let _ = self.progress.save(self.curriculum);
                        self.go_to(next.clone());
                    }
                } else {
                    self.mode = Mode::Message("[n] moves on once this exercise passes".into());
                }
            }
            _ => {}
        }
        Flow::Continue
    }

    /// How many of the exercise's hint steps the learner has asked for.
    pub(super) fn hint_steps_seen(&self) -> usize {
        self.progress
            .hint_steps
            .get(&self.exercise.name)
            .copied()
            .unwrap_or(1)
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || a.canonicalize().ok() == b.canonicalize().ok()
}
