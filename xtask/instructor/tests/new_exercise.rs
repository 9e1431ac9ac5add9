//! `cargo xtask new`, run for real in throwaway copies of the repository:
//! what it writes is what `cargo xtask check` asks for (once the author's
//! placeholders are written), the solution passes its test and the shipped
//! exercise fails it; and every name or file it must refuse, it refuses,
//! writing nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

use instructor::check::layout_problems;
use instructor::scaffold::PLACEHOLDER;
use xtask::copy::RepoCopy;
use xtask::curriculum::Curriculum;

const NAME: &str = "ex17_fan_out";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

fn copy() -> RepoCopy {
    let copy = RepoCopy::of(&repo_root()).unwrap();
    // The copy's numbers are the repository's: this test adds the 17th.
    let curriculum = Curriculum::load(&copy.root).unwrap();
    assert_eq!(curriculum.exercises.len(), 16, "update NAME's number");
    copy
}

/// `cargo xtask new ARGS` in `root`: (exit status, everything it wrote).
fn new(root: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_instructor"))
        .arg("new")
        .args(args)
        .current_dir(root)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code(), text)
}

/// The copy's files that differ from its one commit, as `git status` lists
/// them.
fn changed(root: &Path) -> String {
    let out = Command::new("git")
        .current_dir(root)
        .args(["status", "--porcelain", "--untracked-files=all"])
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `cargo test -p PACKAGE --test NAME` in the copy: (passed, output).
fn cargo_test(root: &Path, package: &str) -> (bool, String) {
    let out = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["test", "-q", "-p", package, "--test", NAME])
        .env("CARGO_TARGET_DIR", RepoCopy::target_dir(&repo_root()))
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn a_new_exercise_is_complete_and_its_placeholders_are_listed() {
    let copy = copy();
    let root = &copy.root;
    let before: Vec<(&str, String)> = [
        "curriculum/exercises.toml",
        "exercises/Cargo.toml",
        "solutions/Cargo.toml",
    ]
    .into_iter()
    .map(|path| (path, read(root, path)))
    .collect();

    let (code, out) = new(root, &[NAME]);
    assert_eq!(code, Some(0), "{out}");
    for file in [
        format!("created exercises/src/{NAME}.rs"),
        format!("created solutions/src/{NAME}.rs"),
        format!("created curriculum/tests/{NAME}.rs"),
        format!("created exercises/tests/{NAME}.rs"),
        format!("created solutions/tests/{NAME}.rs"),
        "edited  curriculum/exercises.toml".into(),
        "edited  exercises/Cargo.toml".into(),
        "edited  solutions/Cargo.toml".into(),
    ] {
        assert!(out.contains(&file), "{file:?} in {out}");
    }

    // Appended, and nothing else changed: comments and layout survive.
    for (path, text) in &before {
        let after = read(root, path);
        let added = after
            .strip_prefix(text.as_str())
            .unwrap_or_else(|| panic!("{path} changed before its end:\n{after}"));
        assert!(added.starts_with("\n[["), "{path}: {added}");
    }
    assert!(read(root, "exercises/Cargo.toml").ends_with(&format!(
        "\n\n[[test]]\nname = \"{NAME}\"\npath = \"tests/{NAME}.rs\"\n"
    )));
    let curriculum = Curriculum::load(root).unwrap();
    let exercise = curriculum.exercises.last().unwrap();
    assert_eq!(exercise.name, NAME);
    assert_eq!(exercise.title, "Fan out");
    assert!(exercise.compiles_as_shipped);

    // In the workspace's style: `cargo fmt --all` leaves it as it is.
    let rustfmt = Command::new("rustfmt")
        .current_dir(root)
        .args(["--check", "--edition", "2021"])
        .arg(format!("exercises/tests/{NAME}.rs"))
        .arg(format!("solutions/tests/{NAME}.rs"))
        .output()
        .unwrap();
    assert!(rustfmt.status.success(), "{rustfmt:?}");

    // The check's metadata and layout part: nothing wrong but what the
    // author has still to write, each named.
    let problems = layout_problems(&curriculum).unwrap();
    assert!(!problems.is_empty());
    for problem in &problems {
        assert!(
            problem.contains(PLACEHOLDER) && problem.contains(NAME),
            "not a placeholder of {NAME}: {problem}\nall: {problems:#?}"
        );
    }
    for expected in [
        format!("{NAME}: its topic in curriculum/exercises.toml is still"),
        format!("{NAME}: its section in curriculum/exercises.toml is still"),
        format!("{NAME}: its hints in curriculum/exercises.toml are still"),
        format!("exercises/src/{NAME}.rs:3: a `{PLACEHOLDER}` placeholder"),
        format!("solutions/src/{NAME}.rs:3: a `{PLACEHOLDER}` placeholder"),
        format!("curriculum/tests/{NAME}.rs:9: a `{PLACEHOLDER}` placeholder"),
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(&expected)),
            "{expected:?} in {problems:#?}"
        );
    }
    assert!(
        exercise.hints.len() >= 2,
        "hints in steps: {:?}",
        exercise.hints
    );
    // The author writes them: then the check has nothing to say.
    for path in [
        format!("exercises/src/{NAME}.rs"),
        format!("solutions/src/{NAME}.rs"),
        format!("curriculum/tests/{NAME}.rs"),
    ] {
        let written: String = read(root, &path)
            .lines()
            .filter(|line| !line.contains(PLACEHOLDER))
            .flat_map(|line| [line, "\n"])
            .collect();
        std::fs::write(root.join(&path), written).unwrap();
    }
    let metadata = read(root, "curriculum/exercises.toml");
    std::fs::write(
        root.join("curriculum/exercises.toml"),
        metadata.replace(PLACEHOLDER, "Written"),
    )
    .unwrap();
    let problems = layout_problems(&Curriculum::load(root).unwrap()).unwrap();
    assert_eq!(problems, Vec::<String>::new());

    // The solution passes its test; the exercise as shipped fails it,
    // saying where to look.
    let (passed, out) = cargo_test(root, "solutions");
    assert!(passed, "{out}");
    assert!(
        out.contains("3 passed"),
        "one test at 1, 2 and 4 workers: {out}"
    );
    let (passed, out) = cargo_test(root, "exercises");
    assert!(!passed, "{out}");
    assert!(out.contains("3 failed"), "every test fails: {out}");
    assert!(
        out.contains(&format!("--> look at exercises/src/{NAME}.rs")),
        "{out}"
    );
}

/// Runs `new ARGS` in a fresh copy prepared by `prepare`, expects a refusal
/// that says `expected`, and that nothing but `prepare`'s own changes is
/// there afterwards.
fn refused(args: &[&str], prepare: impl FnOnce(&Path), expected: &str) {
    let copy = copy();
    prepare(&copy.root);
    let prepared = changed(&copy.root);
    let (code, out) = new(&copy.root, args);
    assert_eq!(code, Some(2), "{args:?}: {out}");
    assert!(out.contains(expected), "{args:?}: {expected:?} in {out}");
    assert_eq!(
        changed(&copy.root),
        prepared,
        "{args:?}: it wrote something"
    );
}

#[test]
fn a_name_that_is_no_rust_identifier_is_refused() {
    for name in ["ex17-fan-out", "ex17_fan out", "17_fan_out", "fn", ""] {
        refused(
            &[name],
            |_| {},
            &format!("{name:?} is not a Rust identifier, and an exercise's name is one"),
        );
    }
}

#[test]
fn a_name_without_the_curriculums_shape_is_refused() {
    refused(
        &["fan_out"],
        |_| {},
        "\"fan_out\" lacks the curriculum's shape, `exNN_words`: `ex`, the number, `_`, then \
         lowercase words joined by `_` (ex01_interleaved, ex05_share_by_communicating): call it \
         \"ex17_fan_out\"",
    );
    refused(
        &["ex7_fan_out"],
        |_| {},
        "\"ex7_fan_out\" lacks the curriculum's shape, `exNN_words`",
    );
    refused(&["ex7_fan_out"], |_| {}, "call it \"ex17_fan_out\"");
    for name in ["ex17_FanOut", "exNN_fan_out", "ex17_", "ex17__fan"] {
        refused(
            &[name],
            |_| {},
            &format!("{name:?} lacks the curriculum's shape, `exNN_words`"),
        );
    }
}

#[test]
fn a_name_taken_is_refused() {
    refused(
        &["ex16_quiz"],
        |_| {},
        "ex16_quiz is taken: curriculum/exercises.toml lists it already, as exercise 16 \
         (\"Check your understanding\")",
    );
    // A test target of that name, registered by hand.
    refused(
        &[NAME],
        |root| {
            let manifest = root.join("solutions/Cargo.toml");
            let text = std::fs::read_to_string(&manifest).unwrap();
            let target = format!("\n[[test]]\nname = \"{NAME}\"\npath = \"tests/x.rs\"\n");
            std::fs::write(&manifest, text + &target).unwrap();
        },
        &format!("{NAME} is taken: solutions/Cargo.toml registers a [[test]] of that name"),
    );
}

#[test]
fn a_number_that_is_not_the_next_is_refused() {
    refused(
        &["ex05_fan_out"],
        |_| {},
        "ex05_fan_out: ex05_share_by_communicating is exercise 5; a new exercise goes at the \
         end, as number 17 (the number in a name is its place in curriculum/exercises.toml's \
         order): call it \"ex17_fan_out\"",
    );
    refused(
        &["ex18_fan_out"],
        |_| {},
        "ex18_fan_out: a new exercise goes at the end, as number 17",
    );
}

#[test]
fn a_file_already_there_is_never_overwritten() {
    let mine = "// the author's own draft\n";
    for path in [
        format!("solutions/src/{NAME}.rs"),
        format!("curriculum/tests/{NAME}.rs"),
        format!("exercises/tests/{NAME}.rs"),
    ] {
        let copy = copy();
        std::fs::write(copy.root.join(&path), mine).unwrap();
        let prepared = changed(&copy.root);
        let (code, out) = new(&copy.root, &[NAME]);
        assert_eq!(code, Some(2), "{path}: {out}");
        assert!(
            out.contains(&format!(
                "{NAME}: {path} already there; `new` never overwrites a file"
            )),
            "{path}: {out}"
        );
        assert_eq!(read(&copy.root, &path), mine);
        assert_eq!(changed(&copy.root), prepared, "{path}: it wrote something");
    }
}
