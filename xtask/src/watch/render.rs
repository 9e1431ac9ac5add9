//! The watch's screen: the status (or the hint, or the list), what the mode
//! adds, and the keys.

use std::io::Write;

use anyhow::Result;

use super::state::{Mode, State};
use crate::learner;
use crate::terminal::Terminal;
use crate::verdict::Verdict;

/// Clears the terminal and draws `state` (where screen control may not be
/// sent, the new screen follows the old one, under a rule).
pub(super) fn draw(state: &State) -> Result<()> {
    let text = screen(state);
    let mut out = std::io::stdout().lock();
    let fresh = if Terminal::of(true).screen {
        "\x1b[2J\x1b[H"
    } else {
        "\n----------------------------------------\n"
    };
    // Raw mode: lines need a carriage return too.
    write!(out, "{fresh}{}", text.replace('\n', "\r\n"))?;
    out.flush()?;
    Ok(())
}

fn screen(state: &State) -> String {
    let State {
        curriculum,
        progress,
        exercise,
        ..
    } = state;
    let verdict = state.verdict.as_ref();
    let terminal = Terminal::of(true);
    let mut text = learner::screen(
        curriculum,
        progress,
        exercise,
        verdict,
        state.showing,
        terminal,
    );
    if state.running && verdict.is_some() {
        text.push_str("\n(running again ...)\n");
    }
    match &state.mode {
        Mode::Status => {}
        Mode::Hint => {
            text = learner::hint_text(curriculum, exercise, state.hint_steps_seen());
            text.push_str("\n[any key] back\n");
        }
        Mode::List => {
            text = String::from(
                "Exercises (press a letter to go there, any other key to go back)\n\n",
            );
            for (i, e) in curriculum.exercises.iter().enumerate() {
                let done = if progress.done.contains(&e.name) {
                    "done   "
                } else {
                    "pending"
                };
                let here = if e.name == exercise.name { ">" } else { " " };
                text.push_str(&format!(
                    "{here} {}. {done} {:<30} {}\n",
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
    if !matches!(state.mode, Mode::Hint | Mode::List) {
        let next = if verdict.is_some_and(Verdict::passed) {
            "[n] next  "
        } else {
            ""
        };
        text.push_str(&format!(
            "\n{next}[h] hint  [l] list  [r] run again  [x] reset  [q] quit\n"
        ));
    }
    text
}
