//! `cargo xtask reset NAME`: back to the exercise as shipped, after saving
//! the learner's file to a backup folder. Nothing else in barista writes to
//! the learner's files.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};

use crate::curriculum::{Curriculum, Exercise, Package};
use crate::process;

/// What a reset did.
pub struct Reset {
    /// What the learner's file was, and where it went.
    pub before: Before,
    /// The git revision the original came from.
    pub from: String,
}

/// The learner's file before a reset.
pub enum Before {
    /// Already as shipped: nothing was written.
    Pristine,
    /// The learner's version, saved here before it was replaced.
    Saved(PathBuf),
    /// There was no file: nothing to save.
    Missing,
    /// The file could not be read (the reason): nothing could be saved.
    Unreadable(String),
}

impl Before {
    /// What the reset did, in a sentence, for `file` (as the learner knows it).
    pub fn describe(&self, curriculum: &Curriculum, file: &str, from: &str) -> String {
        match self {
            Before::Pristine => format!("{file} is already as shipped: nothing to reset"),
            Before::Saved(backup) => format!(
                "saved your {file} to {}\nthen restored it as shipped (from git {from})",
                curriculum.relative(backup)
            ),
            Before::Missing => {
                format!("{file} was missing: restored it as shipped (from git {from})")
            }
            Before::Unreadable(why) => format!(
                "{file} could not be read ({why}), so nothing of it could be saved: \
                 restored it as shipped (from git {from})"
            ),
        }
    }
}

/// The exercise file as shipped: from git, first from where it was cloned
/// (the learner may commit their own work), else from `HEAD`.
pub fn original(curriculum: &Curriculum, exercise: &Exercise) -> Result<(String, String)> {
    let path = curriculum.relative(&curriculum.source(Package::Exercises, exercise));
    for rev in ["origin/HEAD", "origin/main", "HEAD"] {
        if let Ok(output) = process::git(&curriculum.root, &["show", &format!("{rev}:{path}")]) {
            return Ok((
                String::from_utf8_lossy(&output.stdout).into_owned(),
                rev.into(),
            ));
        }
    }
    bail!(
        "cannot find the original {path}: reset needs the git repository barista was cloned from \
         (your file is untouched)"
    )
}

pub fn reset(curriculum: &Curriculum, exercise: &Exercise) -> Result<Reset> {
    let (original, from) = original(curriculum, exercise)?;
    let file = curriculum.source(Package::Exercises, exercise);
    let before = match std::fs::read(&file) {
        Ok(current) if current == original.as_bytes() => {
            return Ok(Reset {
                before: Before::Pristine,
                from,
            })
        }
        Ok(current) => Before::Saved(backup(curriculum, &exercise.name, &current)?),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Before::Missing,
        Err(err) => Before::Unreadable(err.to_string()),
    };
    // Written beside it and renamed over it: a file left read-only or
    // unreadable is replaced too, and a failed write loses nothing.
    let partial = file.with_extension("rs.reset");
    std::fs::write(&partial, original)
        .and_then(|()| std::fs::rename(&partial, &file))
        .with_context(|| format!("writing {}", file.display()))?;
    Ok(Reset { before, from })
}

/// Saves `contents` to `.barista/backups/NAME-<seconds>[-n].rs`, never over
/// an existing backup.
fn backup(curriculum: &Curriculum, name: &str, contents: &[u8]) -> Result<PathBuf> {
    let dir = curriculum.root.join(".barista/backups");
    std::fs::create_dir_all(&dir)?;
    let stamp = crate::progress::now();
    let mut n = 0;
    loop {
        let suffix = if n == 0 {
            String::new()
        } else {
            format!("-{n}")
        };
        let target = dir.join(format!("{name}-{stamp}{suffix}.rs"));
        if !target.exists() {
            std::fs::write(&target, contents)
                .with_context(|| format!("saving a backup to {}", target.display()))?;
            return Ok(target);
        }
        n += 1;
    }
}
