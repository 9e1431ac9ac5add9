//! A throwaway copy of the repository, for tests and benchmarks that must
//! edit exercise files without touching the learner's.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::process::git;

/// A copy of the repository's files (committed and not yet committed,
/// as git lists them) in a git repository of its own, whose one commit is
/// "as shipped", so that `reset` finds the originals there. The learner's
/// files (`exercises/src/`) come as committed, whatever state the learner
/// left them in (solved, half solved, broken, deleted): a copy starts where
/// a fresh clone does. (A maintainer's change to a shipped exercise is seen
/// by copies once committed.)
pub struct RepoCopy {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

/// Where the learner's files are.
const LEARNERS_FILES: &str = "exercises/src/";

impl RepoCopy {
    pub fn of(source: &Path) -> Result<RepoCopy> {
        let dir = tempfile::tempdir()?;
        let root = dir.path().join("barista");
        let files = git(
            source,
            &["ls-files", "--cached", "--others", "--exclude-standard"],
        )?;
        for file in String::from_utf8_lossy(&files.stdout).lines() {
            let to = root.join(file);
            std::fs::create_dir_all(to.parent().unwrap())?;
            if file.starts_with(LEARNERS_FILES) {
                if let Ok(shipped) = git(source, &["show", &format!("HEAD:{file}")]) {
                    std::fs::write(&to, shipped.stdout)?;
                    continue;
                }
            }
            let from = source.join(file);
            if !from.is_file() {
                continue; // deleted in the working tree
            }
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
        git(source, &["init", "-q"]).unwrap();
        git(source, &["add", "-A"]).unwrap();
        git(
            source,
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@localhost",
                "commit",
                "-qm",
                "shipped",
            ],
        )
        .unwrap();
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
}
