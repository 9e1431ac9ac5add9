//! A throwaway copy of the repository, for tests and benchmarks that must
//! edit exercise files without touching the learner's.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use anyhow::{bail, Context, Result};

/// A copy of the repository's files (committed and not yet committed,
/// as git lists them) in a git repository of its own, whose one commit is
/// "as shipped", so that `reset` finds the originals there.
pub struct RepoCopy {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

fn git(dir: &Path, args: &[&str]) -> Result<Output> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("running git")?;
    if !out.status.success() {
        bail!(
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(out)
}

impl RepoCopy {
    pub fn of(source: &Path) -> Result<RepoCopy> {
        let dir = tempfile::tempdir()?;
        let root = dir.path().join("barista");
        let files = git(
            source,
            &["ls-files", "--cached", "--others", "--exclude-standard"],
        )?;
        for file in String::from_utf8_lossy(&files.stdout).lines() {
            let from = source.join(file);
            if !from.is_file() {
                continue; // deleted in the working tree
            }
            let to = root.join(file);
            std::fs::create_dir_all(to.parent().unwrap())?;
            std::fs::copy(&from, &to)?;
        }
        git(&root, &["init", "-q"])?;
        git(&root, &["add", "-A"])?;
        git(
            &root,
            &[
                "-c",
                "user.name=barista",
                "-c",
                "user.email=barista@localhost",
                "commit",
                "-qm",
                "as shipped",
            ],
        )?;
        Ok(RepoCopy { _dir: dir, root })
    }

    /// Where copies build: inside the source workspace's target folder, so
    /// dependencies are built once, and apart from it, so that no build lock
    /// is shared with a `cargo` already running there.
    pub fn target_dir(source: &Path) -> PathBuf {
        source.join("target/copies")
    }
}
