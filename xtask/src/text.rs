//! Capping text for people: one rule for every report, message and log
//! excerpt. What is cut is never silent: a marker says how much was left
//! out, `[... N more bytes]` right after the text kept, `[... N more
//! lines]` on a line of its own, or `[... N lines before]` above the last
//! lines kept.

use std::borrow::Cow;
use std::fmt::Write as _;

/// How much of a text to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// At most this many bytes, the marker included (when the limit is
    /// too small for the marker, the text is cut without one). The cut
    /// falls on a character boundary.
    Bytes(usize),
    /// The first lines.
    Lines(usize),
    /// The last lines: the end of a log says what failed.
    LastLines(usize),
}

/// `text` as `keep` allows, with a marker where it was cut. Borrowed
/// exactly when nothing was cut.
#[must_use]
pub fn cap(text: &str, keep: Keep) -> Cow<'_, str> {
    match keep {
        Keep::Bytes(max) => {
            if text.len() <= max {
                return Cow::Borrowed(text);
            }
            // The marker's longest form: it names at most the whole length.
            let room = max.saturating_sub(bytes_marker(text.len()).len());
            if room == 0 {
                return Cow::Owned(text[..floor_boundary(text, max)].to_string());
            }
            let end = floor_boundary(text, room);
            Cow::Owned(format!(
                "{}{}",
                &text[..end],
                bytes_marker(text.len() - end)
            ))
        }
        Keep::Lines(max) => {
            let lines = text.lines().count();
            if lines <= max {
                return Cow::Borrowed(text);
            }
            let kept: Vec<&str> = text.lines().take(max).collect();
            Cow::Owned(format!(
                "{}\n[... {} more lines]",
                kept.join("\n"),
                lines - max
            ))
        }
        Keep::LastLines(max) => {
            let lines = text.lines().count();
            if lines <= max {
                return Cow::Borrowed(text);
            }
            let kept: Vec<&str> = text.lines().skip(lines - max).collect();
            Cow::Owned(format!(
                "[... {} lines before]\n{}",
                lines - max,
                kept.join("\n")
            ))
        }
    }
}

fn bytes_marker(left_out: usize) -> String {
    bytes_left_out(left_out)
}

/// The marker for `left_out` bytes cut, where a text is cut as it comes
/// (a child's captured output): the same words as [`cap`]'s.
#[must_use]
pub fn bytes_left_out(left_out: usize) -> String {
    format!("[... {left_out} more bytes]")
}

/// The largest character boundary at or below `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut end = at.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// Text from a learner's or a submission's program (a folder's name, what
/// its tests printed) as every report and terminal may show it: control characters (ESC, which would colour
/// or move the instructor's terminal; CR; C1 codes; DEL), the invisible
/// reordering marks and the two characters XML forbids (U+FFFE, U+FFFF)
/// are written out as `\u{..}`, so that nothing a student wrote acts on
/// the terminal or the file it lands in. With `lines`, newlines and tabs
/// stay (a message); without, they are escaped too (a name keeps its table
/// row).
#[must_use]
pub fn printable(text: &str, lines: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let keep = lines && (c == '\n' || c == '\t');
        let reorders = matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
        let not_xml = matches!(c, '\u{fffe}' | '\u{ffff}');
        if !keep && (c.is_control() || reorders || not_xml) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_fits_is_borrowed_whole() {
        for keep in [Keep::Bytes(5), Keep::Lines(2), Keep::LastLines(2)] {
            assert!(
                matches!(cap("a\nb", keep), Cow::Borrowed("a\nb")),
                "{keep:?}"
            );
        }
    }

    #[test]
    fn bytes_are_cut_at_a_character_boundary_marker_included() {
        let text = "é".repeat(100);
        let capped = cap(&text, Keep::Bytes(50));
        assert!(capped.len() <= 50, "{capped}");
        let (kept, marker) = capped.split_once('[').unwrap();
        assert!(kept.chars().all(|c| c == 'é') && !kept.is_empty());
        assert_eq!(marker, format!("... {} more bytes]", 200 - kept.len()));
        // Too small for the marker: the text alone, still whole characters.
        assert_eq!(cap(&text, Keep::Bytes(3)), "é");
    }

    #[test]
    fn lines_say_how_many_were_left_out() {
        let text = "1\n2\n3\n4\n5";
        assert_eq!(cap(text, Keep::Lines(2)), "1\n2\n[... 3 more lines]");
        assert_eq!(cap(text, Keep::LastLines(2)), "[... 3 lines before]\n4\n5");
    }
}
