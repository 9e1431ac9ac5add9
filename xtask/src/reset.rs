//! `cargo xtask reset NAME`: back to the exercise as shipped, after saving
//! the learner's file to a backup folder. Nothing else in barista writes to
//! the learner's files.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::curriculum::{Curriculum, Exercise, Package};

/// What a reset did.
pub struct Reset {
    /// Where the learner's version was saved (None: it was already pristine).
    pub backup: Option<PathBuf>,
    /// The git revision the original came from.
    pub from: String,
}

/// The exercise file as shipped: from git, first from where it was cloned
/// (the learner may commit their own work), else from `HEAD`.
pub fn original(curriculum: &Curriculum, exercise: &Exercise) -> Result<(String, String)> {
    let path = format!("exercises/src/{}.rs", exercise.name);
    for rev in ["origin/HEAD", "origin/main", "HEAD"] {
        let output = Command::new("git")
            .current_dir(&curriculum.root)
            .args(["show", &format!("{rev}:{path}")])
            .output();
        if let Ok(output) = output {
            if output.status.success() {
                return Ok((
                    String::from_utf8_lossy(&output.stdout).into_owned(),
                    rev.into(),
                ));
            }
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
    let current = std::fs::read_to_string(&file).unwrap_or_default();
    if current == original {
        return Ok(Reset { backup: None, from });
    }
    let backup = backup(curriculum, &exercise.name, &file)?;
    std::fs::write(&file, original).with_context(|| format!("writing {}", file.display()))?;
    Ok(Reset {
        backup: Some(backup),
        from,
    })
}

/// Copies `file` to `.barista/backups/NAME-<seconds>[-n].rs`, never over an
/// existing backup.
fn backup(curriculum: &Curriculum, name: &str, file: &Path) -> Result<PathBuf> {
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
            std::fs::copy(file, &target)
                .with_context(|| format!("saving a backup to {}", target.display()))?;
            return Ok(target);
        }
        n += 1;
    }
}
