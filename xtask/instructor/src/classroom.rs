//! `cargo xtask classroom OUT`: the students' repository, made from this
//! one. It holds what a learner needs (the runtime and its macros, the
//! exercises as shipped, the visible pristine tests, the learner's tool and
//! the feedback workflow) and nothing a student must not read or need not
//! build: no solutions, no instructor's tools, no project test suite, no
//! benchmarks. The workspace's manifest is rewritten to list what is left,
//! and cargo reads it back before the command says it is done.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};
use toml_edit::{Array, DocumentMut, Item};
use xtask::curriculum::Curriculum;
use xtask::process::{self, git, Streams};

/// What a students' repository holds of this one: these files and the
/// files under these folders (as git lists them).
const KEPT: &[&str] = &[
    ".cargo/",
    ".gitignore",
    "Cargo.lock",
    "LICENSE",
    "curriculum/",
    "examples/",
    "exercises/",
    "macros/Cargo.toml",
    "macros/src/",
    "src/",
    "xtask/Cargo.toml",
    "xtask/src/",
];

/// The workspace members a students' repository keeps, and its defaults:
/// its `cargo test` runs the learner's tool's and the runtime's own unit
/// tests, not the exercises (the learner's, judged by `cargo xtask`).
const MEMBERS: &[&str] = &["macros", "exercises", "xtask"];
const DEFAULT_MEMBERS: &[&str] = &[".", "macros", "xtask"];

/// Where the students' README and feedback workflow come from.
const README: &str = "templates/classroom/README.md";
const FEEDBACK: &str = "templates/github-classroom/barista-feedback.yml";
const FEEDBACK_AT: &str = ".github/workflows/barista-feedback.yml";

/// What was written.
pub struct Written {
    pub files: usize,
}

/// Writes the students' repository into `out` (absent or empty).
///
/// # Errors
///
/// When `out` holds anything, a file cannot be read or written, or cargo
/// cannot read the repository written.
pub fn classroom(curriculum: &Curriculum, out: &Path) -> Result<Written> {
    if std::fs::read_dir(out).is_ok_and(|mut entries| entries.next().is_some()) {
        bail!(
            "{} is not empty: the students' repository is written into a new folder",
            out.display()
        );
    }
    let root = &curriculum.root;
    let listed = git(
        root,
        &["ls-files", "--cached", "--others", "--exclude-standard"],
    )?;
    let mut written = 0;
    for file in String::from_utf8_lossy(&listed.stdout).lines() {
        if !kept(file) {
            continue;
        }
        let Some(text) = as_shipped(root, file)? else {
            continue;
        };
        write(out, file, &text)?;
        written += 1;
    }
    write(out, "Cargo.toml", students_manifest(root)?.as_bytes())?;
    write(out, "README.md", &read(root, README)?)?;
    write(out, FEEDBACK_AT, &read(root, FEEDBACK)?)?;
    // cargo reads it back, and trims the lock file to what is left (no
    // version changes: only packages no longer used go).
    let mut metadata = Command::new(xtask::cargo::program());
    metadata
        .current_dir(out)
        .args(["metadata", "--offline", "--format-version", "1"])
        .stdout(std::process::Stdio::null());
    let ran = process::run(metadata, Streams::Apart, None)?;
    if !ran.passed() {
        bail!(
            "cargo cannot read the students' repository written in {}:\n{}",
            out.display(),
            ran.output.trim()
        );
    }
    Ok(Written {
        // The manifest, the README and the feedback workflow too.
        files: written + 3,
    })
}

fn kept(file: &str) -> bool {
    KEPT.iter().any(|kept| match kept.strip_suffix('/') {
        Some(folder) => file.starts_with(folder) && file[folder.len()..].starts_with('/'),
        None => file == *kept,
    })
}

/// The file as the students get it: the learner's files as committed (an
/// instructor's working tree may hold them solved), the others as they are
/// now; `None` for a file deleted in the working tree.
fn as_shipped(root: &Path, file: &str) -> Result<Option<Vec<u8>>> {
    if file.starts_with("exercises/src/") {
        if let Ok(shipped) = git(root, &["show", &format!("HEAD:{file}")]) {
            return Ok(Some(shipped.stdout));
        }
    }
    match std::fs::read(root.join(file)) {
        Ok(text) => Ok(Some(text)),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(err) => Err(err).with_context(|| format!("reading {file}")),
    }
}

fn read(root: &Path, file: &str) -> Result<Vec<u8>> {
    std::fs::read(root.join(file)).with_context(|| format!("reading {file}"))
}

fn write(out: &Path, file: &str, text: &[u8]) -> Result<()> {
    let path = out.join(file);
    std::fs::create_dir_all(path.parent().unwrap())?;
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
}

/// The root manifest with the students' members, and without the
/// benchmarks (their files stay behind).
fn students_manifest(root: &Path) -> Result<String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).context("reading Cargo.toml")?;
    let mut manifest: DocumentMut = text.parse().context("reading Cargo.toml")?;
    let workspace = manifest["workspace"]
        .as_table_mut()
        .context("Cargo.toml has no [workspace]")?;
    workspace["members"] = Item::Value(MEMBERS.iter().copied().collect::<Array>().into());
    workspace["default-members"] =
        Item::Value(DEFAULT_MEMBERS.iter().copied().collect::<Array>().into());
    manifest.remove("bench");
    Ok(manifest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_learners_part_is_kept() {
        for file in [
            "src/lib.rs",
            "exercises/src/ex01_interleaved.rs",
            "curriculum/tests/ex01_interleaved.rs",
            "xtask/src/main.rs",
            "Cargo.lock",
        ] {
            assert!(kept(file), "{file}");
        }
        for file in [
            "solutions/src/ex01_interleaved.rs",
            "solutions/Cargo.toml",
            "xtask/instructor/src/main.rs",
            "xtask/tests/learner.rs",
            "tests/modules.rs",
            "benches/overhead.rs",
            "docs/grading.md",
            "templates/github-instructor/barista-grade-class.yml",
            "srcs/x.rs",
            "Cargo.toml",
        ] {
            assert!(!kept(file), "{file}");
        }
    }
}
