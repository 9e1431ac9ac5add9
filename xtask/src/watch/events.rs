//! Where the watch's events come from, all on one channel: keys (in raw
//! mode), saves of the learner's files (debounced), and verdicts judged in
//! the background.

use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{self, Event as TermEvent, KeyEvent, KeyEventKind};
use crossterm::terminal;
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache};

use crate::curriculum::{Curriculum, Exercise, Package};
use crate::verdict::Verdict;

pub(super) enum Event {
    Key(KeyEvent),
    Saved(Vec<PathBuf>),
    Judged(Result<Verdict, String>),
}

/// Raw mode for single keys, restored however the watch ends.
pub(super) struct RawMode;

impl RawMode {
    pub(super) fn enter() -> Result<RawMode> {
        terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        let _ = terminal::disable_raw_mode();
    }
}

/// Every key pressed (not released), read on a thread of its own until the
/// watch stops listening.
pub(super) fn read_keys(events: Sender<Event>) {
    std::thread::spawn(move || loop {
        match event::read() {
            Ok(TermEvent::Key(key)) if key.kind != KeyEventKind::Release => {
                if events.send(Event::Key(key)).is_err() {
                    break;
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    });
}

/// Debounce for file events: editors write a file in several steps.
const DEBOUNCE: Duration = Duration::from_millis(100);

/// Watches the files in `dir` as long as it is kept.
pub(super) type SaveWatcher = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

/// A debounced watcher of `dir` that sends each batch of saved files; and
/// whether watching `dir` works here (when not, the learner runs the tests
/// with a key).
pub(super) fn watch_saves(
    dir: &Path,
    events: Sender<Event>,
) -> Result<(SaveWatcher, notify::Result<()>)> {
    let mut watcher = notify_debouncer_full::new_debouncer(
        DEBOUNCE,
        None,
        move |result: DebounceEventResult| {
            let Ok(changes) = result else { return };
            let paths: Vec<PathBuf> = changes
                .into_iter()
                .filter(|change| is_a_save(&change.event.kind))
                .flat_map(|change| change.event.paths.clone())
                .collect();
            if !paths.is_empty() {
                let _ = events.send(Event::Saved(paths));
            }
        },
    )?;
    let watching = watcher.watch(dir, notify::RecursiveMode::NonRecursive);
    Ok((watcher, watching))
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

/// Judges an exercise in the background, so that keys and saves stay
/// responsive; its verdict arrives as [`Event::Judged`].
pub(super) struct Judge {
    curriculum: Arc<Curriculum>,
    limit: Duration,
    events: Sender<Event>,
}

impl Judge {
    pub(super) fn new(curriculum: &Curriculum, limit: Duration, events: Sender<Event>) -> Judge {
        Judge {
            curriculum: Arc::new(Curriculum {
                root: curriculum.root.clone(),
                exercises: curriculum.exercises.clone(),
            }),
            limit,
            events,
        }
    }

    pub(super) fn start(&self, exercise: &Exercise) {
        let curriculum = self.curriculum.clone();
        let exercise = exercise.clone();
        let limit = self.limit;
        let events = self.events.clone();
        std::thread::spawn(move || {
            let color = crate::terminal::Terminal::of(true).colors;
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
}
