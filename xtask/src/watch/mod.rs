//! `cargo xtask` in a terminal: the current exercise, re-judged whenever its
//! file is saved, with single-key commands.
//!
//! Three concerns, as rustlings' `watch/` splits them: `events` (where keys,
//! saves and verdicts come from, all on one channel), `state` (what the
//! learner is at and what each event changes) and `render` (the screen).

mod events;
mod render;
mod state;

use std::time::Duration;

use anyhow::Result;

use crate::curriculum::Curriculum;
use crate::learner;
use events::{Judge, RawMode};
use state::{Flow, Mode, State};

pub fn watch(curriculum: &Curriculum, limit: Duration) -> Result<bool> {
    let learner::Start {
        progress,
        note,
        judged,
    } = learner::load_progress(curriculum, limit)?;
    let exercise = learner::chosen(curriculum, &progress, None)?.clone();
    let (events, inbox) = std::sync::mpsc::channel();

    let (watcher, watching) =
        events::watch_saves(&curriculum.root.join("exercises/src"), events.clone())?;
    let mode = match (note, watching) {
        (_, Err(err)) => Mode::Message(format!(
            "cannot watch your files here ({err}); press [r] to run the tests after saving"
        )),
        (Some(note), Ok(())) => Mode::Message(note),
        (None, Ok(())) => Mode::Status,
    };

    let _raw = RawMode::enter()?;
    events::read_keys(events.clone());

    let judge = Judge::new(curriculum, limit, events);
    let mut state = State::new(curriculum, judge, progress, exercise, mode);
    // Finding the current exercise may have judged it already.
    match judged {
        Some(verdict) => state.verdict = Some(verdict),
        None => state.judge(),
    }
    render::draw(&state)?;

    while let Ok(event) = inbox.recv() {
        if state.handle(event) == Flow::Quit {
            break;
        }
        render::draw(&state)?;
    }
    drop(watcher);
    Ok(true)
}
