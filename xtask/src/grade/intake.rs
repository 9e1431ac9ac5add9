//! Taking a submission in: only the learner-editable exercise files, each
//! checked before it is built; everything else the submission holds is
//! ignored (the grader's pristine copy is used) and listed in the report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::curriculum::Curriculum;

/// Exercise files larger than this are refused (no exercise needs more).
const MAX_FILE: u64 = 256 * 1024;
/// Entries of a submission looked at when listing ignored files.
const MAX_LISTED: usize = 50;

/// One student's exercise files, as taken in.
#[derive(Debug)]
pub struct Submission {
    pub student: String,
    /// Per exercise: the file's text, or why it was not taken.
    pub files: BTreeMap<String, Taken>,
    /// Files of the submission that differ from the pristine copy and were
    /// ignored.
    pub ignored: Vec<String>,
}

#[derive(Debug)]
pub enum Taken {
    Text(String),
    Missing,
    Rejected(String),
}

/// The student folders of a class: every subfolder, sorted by name.
pub fn class_folders(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| e.path())
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    folders.sort();
    Ok(folders)
}

/// Reads a submission: a copy of the `exercises/` crate, or of the whole
/// repository (a git clone included).
pub fn take(curriculum: &Curriculum, dir: &Path) -> Result<Submission> {
    let student = dir.file_name().map_or_else(
        || "submission".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let src = if dir.join("exercises/src").is_dir() {
        dir.join("exercises/src")
    } else {
        dir.join("src")
    };
    let mut files = BTreeMap::new();
    for exercise in &curriculum.exercises {
        let path = src.join(format!("{}.rs", exercise.name));
        files.insert(exercise.name.clone(), take_file(&path));
    }
    // Where the submission's root sits in the grader's repository.
    let prefix = if src.ends_with("exercises/src") {
        ""
    } else {
        "exercises/"
    };
    let ignored = ignored_files(curriculum, dir, prefix, &src);
    Ok(Submission {
        student,
        files,
        ignored,
    })
}

fn take_file(path: &Path) -> Taken {
    // A symbolic link could point anywhere (the solutions, /etc): refuse it.
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Taken::Missing;
    };
    if meta.file_type().is_symlink() {
        return Taken::Rejected("the exercise file is a symbolic link".into());
    }
    if !meta.is_file() {
        return Taken::Missing;
    }
    if meta.len() > MAX_FILE {
        return Taken::Rejected(format!(
            "the exercise file is {} KiB; no exercise needs more than {} KiB",
            meta.len() / 1024,
            MAX_FILE / 1024
        ));
    }
    match std::fs::read_to_string(path) {
        Ok(text) => match refuse(&text) {
            Some(why) => Taken::Rejected(why),
            None => Taken::Text(text),
        },
        Err(err) => Taken::Rejected(format!("the exercise file cannot be read as text: {err}")),
    }
}

/// Macros a submission may not define: the pristine tests rely on them.
const SHADOWABLE: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "matches",
    "format",
    "write",
    "writeln",
    "println",
    "eprintln",
    "print",
    "eprint",
    "vec",
    "exercise",
];

/// Why a file is refused before it is built, if it is. The exercises need
/// none of these; each would let a submission read what it should not (the
/// include macros, at compile time) or rewrite what a test checks.
pub fn refuse(text: &str) -> Option<String> {
    let code = strip_comments(text);
    for include in ["include!", "include_str!", "include_bytes!"] {
        if contains_macro(&code, include) {
            return Some(format!(
                "uses `{include}`: reading other files at compile time is not allowed in a submission"
            ));
        }
    }
    if code.contains("macro_export") {
        return Some("uses `#[macro_export]`: a submission may not export macros".into());
    }
    let mut rest = code.as_str();
    while let Some(at) = rest.find("macro_rules!") {
        rest = &rest[at + "macro_rules!".len()..];
        let name: String = rest
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if SHADOWABLE.contains(&name.as_str()) {
            return Some(format!(
                "defines `macro_rules! {name}`, which would shadow the `{name}!` the tests use"
            ));
        }
    }
    None
}

/// `name` used as a macro call, allowing spaces before the `!`'s argument.
fn contains_macro(code: &str, name: &str) -> bool {
    let bare = name.trim_end_matches('!');
    code.match_indices(bare).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + bare.len()..].trim_start();
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && after.starts_with('!')
    })
}

/// The code without `//` and `/* */` comments (string contents are kept:
/// refusing a string that merely mentions `include!` would be wrong, and
/// keeping them errs on the safe side only for macro names in strings).
fn strip_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_string = !in_string;
                out.push(c);
            }
            '\\' if in_string => {
                out.push(c);
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '/' if !in_string && chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if !in_string && chars.peek() == Some(&'*') => {
                chars.next();
                let mut depth = 1;
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    } else if last == '/' && c == '*' {
                        depth += 1;
                    }
                    last = c;
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// Files in the submission that are not exercise files and differ from the
/// grader's pristine copy (at most `MAX_LISTED`), relative to the submission.
fn ignored_files(curriculum: &Curriculum, dir: &Path, prefix: &str, src: &Path) -> Vec<String> {
    let mut ignored = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0;
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > 10_000 || ignored.len() >= MAX_LISTED {
                return ignored;
            }
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !matches!(name.as_str(), ".git" | "target" | ".barista") {
                    stack.push(path);
                }
                continue;
            }
            let is_exercise = path.parent() == Some(src)
                && curriculum
                    .exercises
                    .iter()
                    .any(|e| name == format!("{}.rs", e.name));
            if is_exercise || name == "lib.rs" && path.parent() == Some(src) {
                continue;
            }
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let pristine = curriculum.root.join(prefix).join(relative);
            let same = kind.is_file() && std::fs::read(&pristine).ok() == std::fs::read(&path).ok();
            if !same {
                ignored.push(relative.display().to_string());
            }
        }
    }
    ignored.sort();
    ignored
}

#[cfg(test)]
mod tests {
    use super::refuse;

    #[test]
    fn shadowing_and_includes_are_refused() {
        assert!(refuse("macro_rules! assert_eq { ($a:expr, $b:expr) => {} }").is_some());
        assert!(refuse("macro_rules!  assert { () => {} }").is_some());
        assert!(refuse("#[macro_export] macro_rules! helper { () => {} }").is_some());
        assert!(refuse("const S: &str = include_str!(\"/work/solutions/x.rs\");").is_some());
        assert!(refuse("include ! (\"x.rs\");").is_some());
    }

    #[test]
    fn ordinary_code_and_comments_are_fine() {
        assert_eq!(
            refuse("macro_rules! steps { () => {} }\nfn f() { assert!(true) }"),
            None
        );
        assert_eq!(
            refuse("// include_str!(\"nope\") in a comment\nfn f() {}"),
            None
        );
        assert_eq!(refuse("/* macro_rules! assert */ fn f() {}"), None);
        assert_eq!(refuse("fn included() {}"), None);
    }
}
