//! What a student may be shown of a message: paths as the learner knows
//! them, none of the grader's machine, capped. The text stays exact
//! otherwise: barista's JSON keeps it as it was printed, and every report
//! for people makes it printable when it writes it (`formats::view`).

use std::path::PathBuf;

use super::sandbox::{cargo_home, rustup_home};
use super::scratch::Scratch;
use xtask::text::{self, Keep};

/// A message kept in a report is at most this long.
const MESSAGE_CAP: usize = 2000;

/// The grader's folders, each replaced in messages by what a student may
/// read instead.
pub struct ForStudents {
    /// Longest first: a folder inside another is replaced whole.
    prefixes: Vec<(String, &'static str)>,
}

impl ForStudents {
    /// `folders`: the grader's own (the workspace, its private folder, the
    /// repository), each shown as `.`.
    pub fn new(folders: &[PathBuf]) -> ForStudents {
        let mut prefixes: Vec<(PathBuf, &str)> = folders.iter().map(|f| (f.clone(), ".")).collect();
        prefixes.push((cargo_home(), "$CARGO_HOME"));
        prefixes.push((rustup_home(), "$RUSTUP_HOME"));
        if let Some(home) = std::env::var_os("HOME") {
            prefixes.push((PathBuf::from(home), "~"));
        }
        let mut prefixes: Vec<(String, &str)> = prefixes
            .into_iter()
            .map(|(p, name)| (p.display().to_string(), name))
            .filter(|(p, _)| p.len() > 1)
            .collect();
        prefixes.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        ForStudents { prefixes }
    }

    pub fn message(&self, scratch: &Scratch, text: &str) -> String {
        let mut text = scratch.learner_paths(text);
        for (prefix, name) in &self.prefixes {
            text = text.replace(prefix, name);
        }
        text::cap(&text, Keep::Bytes(MESSAGE_CAP)).into_owned()
    }
}
