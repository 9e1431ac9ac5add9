//! A throwaway copy of the repository, for tests and benchmarks that must
//! edit exercise files without touching the learner's.

use std::collections::BTreeSet;
use std::fs::File;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::process::git;

/// A copy of the repository's files (committed and not yet committed,
/// as git lists them) in a git repository of its own, whose one commit is
/// "as shipped", so that `reset` finds the originals there. The learner's
/// files (`exercises/src/`) come as committed, whatever state the learner
/// left them in (solved, half solved, broken, deleted): a copy starts where
/// a fresh clone does. (A maintainer's change to a shipped exercise is seen
/// by copies once committed.)
///
/// Copies live in slots under the source's `target/copies/trees/`, one
/// copy a slot at a time (a lock file), reused: a new copy rewrites only
/// the files whose content differs from the slot's and removes what is not
/// the repository's, so a file left as it was keeps its timestamp and
/// cargo, building a copy at the same path as last time, rebuilds only
/// what changed (a fresh folder each time rebuilt the runtime and the
/// macros for every copy).
pub struct RepoCopy {
    /// Held while the copy is in use.
    _slot: File,
    pub root: PathBuf,
}

/// Where the learner's files are.
const LEARNERS_FILES: &str = "exercises/src/";

impl RepoCopy {
    /// A copy of `source` in the first free slot.
    ///
    /// # Errors
    ///
    /// When git cannot list or show the files, or a file cannot be written.
    pub fn of(source: &Path) -> Result<RepoCopy> {
        let (slot, root) = free_slot(&source.join("target/copies/trees"))?;
        let files = git(
            source,
            &["ls-files", "--cached", "--others", "--exclude-standard"],
        )?;
        let mut kept = BTreeSet::new();
        for file in String::from_utf8_lossy(&files.stdout).lines() {
            if file.starts_with("target/") {
                continue; // build output, and the slots themselves
            }
            let shipped = match file.starts_with(LEARNERS_FILES) {
                true => git(source, &["show", &format!("HEAD:{file}")]).ok(),
                false => None,
            };
            let text = match shipped {
                Some(shipped) => shipped.stdout,
                // Deleted in the working tree: not copied.
                None => match std::fs::read(source.join(file)) {
                    Ok(text) => text,
                    Err(_) => continue,
                },
            };
            write_if_changed(&root.join(file), &text)?;
            kept.insert(PathBuf::from(file));
        }
        remove_all_but(&root, Path::new(""), &kept)?;
        one_commit(&root, "as shipped")?;
        Ok(RepoCopy { _slot: slot, root })
    }

    /// Where copies build: inside the source workspace's target folder, so
    /// dependencies are built once, and apart from it, so that no build lock
    /// is shared with a `cargo` already running there.
    pub fn target_dir(source: &Path) -> PathBuf {
        source.join("target/copies")
    }
}

/// Makes `root` a git repository of its own whose one commit, `message`,
/// holds every file there (as git lists them).
///
/// # Errors
///
/// When git cannot be run, or fails.
pub fn one_commit(root: &Path, message: &str) -> Result<()> {
    git(root, &["init", "-q"])?;
    git(root, &["add", "-A"])?;
    git(
        root,
        &[
            "-c",
            "user.name=barista",
            "-c",
            "user.email=barista@localhost",
            "commit",
            "-qm",
            message,
        ],
    )?;
    Ok(())
}

/// The first slot under `slots` no other copy holds: its lock, and the
/// copy's root in it.
fn free_slot(slots: &Path) -> Result<(File, PathBuf)> {
    std::fs::create_dir_all(slots).with_context(|| format!("making {}", slots.display()))?;
    for n in 0.. {
        let lock = File::create(slots.join(format!("{n}.lock")))?;
        if lock.try_lock().is_ok() {
            return Ok((lock, slots.join(n.to_string()).join("barista")));
        }
    }
    unreachable!("some slot is free")
}

fn write_if_changed(path: &Path, text: &[u8]) -> Result<()> {
    if std::fs::read(path).is_ok_and(|there| there == text) {
        return Ok(());
    }
    std::fs::create_dir_all(path.parent().unwrap())?;
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Removes everything under `root/below` that is not one of `kept` (paths
/// relative to `root`) or a folder holding one; the copy's git repository
/// goes too, made anew each time.
fn remove_all_but(root: &Path, below: &Path, kept: &BTreeSet<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(root.join(below))? {
        let entry = entry?;
        let relative = below.join(entry.file_name());
        let holds_kept = kept
            .range(relative.clone()..)
            .next()
            .is_some_and(|k| k.starts_with(&relative));
        if entry.file_type()?.is_dir() {
            if holds_kept && relative != Path::new(".git") {
                remove_all_but(root, &relative, kept)?;
            } else {
                std::fs::remove_dir_all(entry.path())?;
            }
        } else if !kept.contains(&relative) {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A learner's working tree: one exercise solved, one broken, one
    /// deleted, one new file of their own.
    #[test]
    fn a_copy_has_the_learners_files_as_shipped() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path();
        let write = |path: &str, text: &str| {
            let path = source.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        for name in ["a", "b", "c"] {
            write(&format!("exercises/src/{name}.rs"), "// TODO\n");
        }
        write("src/lib.rs", "// the runtime\n");
        one_commit(source, "shipped").unwrap();
        write("exercises/src/a.rs", "// solved\n");
        write("exercises/src/b.rs", "fn broken( {\n");
        std::fs::remove_file(source.join("exercises/src/c.rs")).unwrap();
        write("exercises/src/mine.rs", "// the learner's own\n");
        write("src/lib.rs", "// a maintainer's change\n");

        let copy = RepoCopy::of(source).unwrap();
        let read = |path: &str| std::fs::read_to_string(copy.root.join(path)).unwrap();
        for name in ["a", "b", "c"] {
            assert_eq!(read(&format!("exercises/src/{name}.rs")), "// TODO\n");
        }
        assert_eq!(read("exercises/src/mine.rs"), "// the learner's own\n");
        assert_eq!(read("src/lib.rs"), "// a maintainer's change\n");
    }

    /// A slot is reused: what a copy changed or added is gone from the
    /// next, and a file the next copies unchanged keeps its timestamp (so
    /// cargo rebuilds only what changed); two copies at once get two slots.
    #[test]
    fn a_reused_slot_holds_the_repository_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path();
        let write = |root: &Path, path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(source, "src/lib.rs", "// the runtime\n");
        write(source, "src/other.rs", "// more\n");
        write(source, ".gitignore", "/target\n");
        git(source, &["init", "-q"]).unwrap();
        let first = RepoCopy::of(source).unwrap();
        let root = first.root.clone();
        let modified = |path: &str| {
            std::fs::metadata(root.join(path))
                .unwrap()
                .modified()
                .unwrap()
        };
        let untouched = modified("src/other.rs");
        let second = RepoCopy::of(source).unwrap();
        assert_ne!(second.root, root, "a slot in use is not shared");
        drop(second);
        write(&root, "src/lib.rs", "// edited by a test\n");
        write(&root, "src/added.rs", "// added by a test\n");
        write(&root, "built/deep/output", "x");
        drop(first);

        let again = RepoCopy::of(source).unwrap();
        assert_eq!(again.root, root, "the free slot is reused");
        let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
        assert_eq!(read("src/lib.rs"), "// the runtime\n");
        assert!(!root.join("src/added.rs").exists());
        assert!(!root.join("built").exists());
        assert_eq!(modified("src/other.rs"), untouched);
        let status = git(&root, &["status", "--porcelain"]).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&status.stdout),
            "",
            "one commit, as shipped"
        );
    }
}
