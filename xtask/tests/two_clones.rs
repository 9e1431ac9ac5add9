//! Two clones, one binary: with a shared target folder cargo builds `xtask`
//! once and runs that same binary in every clone, so the tool must find its
//! checkout at run time. Each clone here gets its own exercise title; the
//! one built binary, run in each clone as `cargo xtask list` would run it
//! (and from the current directory alone), must list that clone's title.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const TITLE_A: &str = "Clone A's own first exercise";
const TITLE_B: &str = "Clone B's own first exercise";

fn repo_root() -> PathBuf {
    // At run time, as cargo sets it for this test: never baked in.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").expect("run under cargo test");
    Path::new(&manifest_dir).parent().unwrap().to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// What `cargo xtask list` reads: the workspace manifest, the curriculum and
/// the exercise crate (for a subfolder to run from); the first exercise
/// retitled `title`.
fn clone(parent: &Path, name: &str, title: &str) -> PathBuf {
    let source = repo_root();
    let root = parent.join(name);
    std::fs::create_dir_all(root.join("xtask")).unwrap();
    std::fs::copy(source.join("Cargo.toml"), root.join("Cargo.toml")).unwrap();
    copy_dir(&source.join("curriculum"), &root.join("curriculum"));
    copy_dir(&source.join("exercises"), &root.join("exercises"));

    let metadata = root.join("curriculum/exercises.toml");
    let text = std::fs::read_to_string(&metadata).unwrap();
    let first = text
        .lines()
        .find(|line| line.trim_start().starts_with("title"))
        .expect("exercises.toml has a title")
        .to_string();
    let retitled = text.replacen(&first, &format!("title = {title:?}"), 1);
    assert_ne!(retitled, text);
    std::fs::write(&metadata, retitled).unwrap();
    root
}

/// `xtask list` from `cwd`, with `CARGO_MANIFEST_DIR` as given (or unset).
fn list(cwd: &Path, manifest_dir: Option<&Path>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_xtask"));
    command
        .arg("list")
        .current_dir(cwd)
        .env_remove("CARGO_MANIFEST_DIR")
        .stdin(Stdio::null());
    if let Some(dir) = manifest_dir {
        command.env("CARGO_MANIFEST_DIR", dir);
    }
    let out = command.output().unwrap();
    let printed =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "xtask list in {}: {printed}",
        cwd.display()
    );
    printed
}

#[test]
fn one_binary_serves_each_clone_its_own_curriculum() {
    let dir = tempfile::tempdir().unwrap();
    let a = clone(dir.path(), "a", TITLE_A);
    let b = clone(dir.path(), "b", TITLE_B);

    for (root, other_root, own, other) in [(&a, &b, TITLE_A, TITLE_B), (&b, &a, TITLE_B, TITLE_A)] {
        let runs = [
            ("as cargo runs it", list(root, Some(&root.join("xtask")))),
            ("from the clone, no CARGO_MANIFEST_DIR", list(root, None)),
            (
                "from a subfolder, no CARGO_MANIFEST_DIR",
                list(&root.join("exercises/src"), None),
            ),
            (
                "CARGO_MANIFEST_DIR not in a checkout",
                list(root, Some(&dir.path().join("elsewhere/xtask"))),
            ),
            (
                "CARGO_MANIFEST_DIR inherited from the other clone",
                list(root, Some(&other_root.join("xtask"))),
            ),
        ];
        for (how, printed) in runs {
            assert!(
                printed.contains(own),
                "{} ({how}): want {own:?}:\n{printed}",
                root.display()
            );
            assert!(
                !printed.contains(other),
                "{} ({how}) listed the other clone:\n{printed}",
                root.display()
            );
        }
    }
}

#[test]
fn outside_any_clone_the_error_says_where_to_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("list")
        .current_dir(dir.path())
        .env_remove("CARGO_MANIFEST_DIR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("cannot find the barista checkout")
            && stderr.contains("curriculum/exercises.toml above"),
        "{stderr}"
    );
}
