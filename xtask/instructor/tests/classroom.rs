//! `cargo xtask classroom OUT`, run for real: what it writes holds the
//! learner's part and no solution's text; and, in the slow test, a fresh
//! clone of it runs its README's commands, and the grader grades it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::copy::one_commit;
use xtask::curriculum::Curriculum;
use xtask::process::{self, git, Ran, Streams};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .unwrap()
        .to_path_buf()
}

/// `cargo xtask classroom OUT` (the instructor's binary, as `cargo xtask`
/// hands it on), in the repository.
fn classroom(out: &Path) -> Ran {
    let mut command = Command::new(env!("CARGO_BIN_EXE_instructor"));
    command.arg("classroom").arg(out).current_dir(repo_root());
    process::run(command, Streams::Merged, None).unwrap()
}

fn files_under(root: &Path, below: &Path, into: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(root.join(below)).unwrap() {
        let entry = entry.unwrap();
        let relative = below.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if relative != Path::new(".git") && relative != Path::new("target") {
                files_under(root, &relative, into);
            }
        } else {
            into.insert(relative.to_string_lossy().into_owned());
        }
    }
}

/// The lines a solution adds to its exercise, found nowhere else a
/// student may read (the exercises, the tests, the runtime and the tool):
/// what solving it takes.
fn solving_lines(curriculum: &Curriculum) -> Vec<(String, String)> {
    let root = &curriculum.root;
    let mut readable = BTreeSet::new();
    for folder in [
        "exercises",
        "curriculum",
        "src",
        "macros/src",
        "xtask/src",
        "examples",
    ] {
        let mut files = BTreeSet::new();
        files_under(root, Path::new(folder), &mut files);
        for file in files {
            if let Ok(text) = std::fs::read_to_string(root.join(&file)) {
                readable.extend(text.lines().map(|l| l.trim().to_string()));
            }
        }
    }
    let mut lines = Vec::new();
    for exercise in &curriculum.exercises {
        let solution =
            std::fs::read_to_string(root.join(format!("solutions/src/{}.rs", exercise.name)))
                .unwrap();
        for line in solution.lines().map(str::trim) {
            // Short lines (`}`, `Ok(())`) say nothing of a solution.
            if line.len() >= 12 && !line.starts_with("//") && !readable.contains(line) {
                lines.push((exercise.name.clone(), line.to_string()));
            }
        }
    }
    lines
}

#[test]
fn the_students_repository_holds_the_learners_part_and_no_solution() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("students");
    let ran = classroom(&out);
    assert!(ran.passed(), "{}", ran.output);
    assert!(ran.output.contains("no solutions"), "{}", ran.output);

    let mut files = BTreeSet::new();
    files_under(&out, Path::new(""), &mut files);
    let curriculum = Curriculum::load(&repo_root()).unwrap();
    for exercise in &curriculum.exercises {
        let name = &exercise.name;
        for file in [
            format!("exercises/src/{name}.rs"),
            format!("exercises/tests/{name}.rs"),
            format!("curriculum/tests/{name}.rs"),
        ] {
            assert!(files.contains(&file), "{file} missing");
        }
    }
    for file in [
        "Cargo.toml",
        "Cargo.lock",
        ".cargo/config.toml",
        "README.md",
        ".github/workflows/barista-feedback.yml",
        "curriculum/exercises.toml",
        "xtask/src/main.rs",
        "src/lib.rs",
        "macros/src/lib.rs",
    ] {
        assert!(files.contains(file), "{file} missing");
    }
    for gone in [
        "solutions/",
        "xtask/instructor/",
        "benches/",
        "tests/",
        "docs/",
        "templates/",
    ] {
        let found: Vec<&String> = files.iter().filter(|f| f.starts_with(gone)).collect();
        assert!(found.is_empty(), "{gone} is not the students': {found:?}");
    }
    let readme = std::fs::read_to_string(out.join("README.md")).unwrap();
    assert!(readme.contains("cargo xtask verify"), "{readme}");

    // No solution in it: each exercise as shipped (whatever the working
    // tree holds), no file that is a solution, and no line found only in
    // the solutions, in any file.
    for exercise in &curriculum.exercises {
        let file = format!("exercises/src/{}.rs", exercise.name);
        let shipped = git(&repo_root(), &["show", &format!("HEAD:{file}")])
            .unwrap()
            .stdout;
        let solution = std::fs::read(
            repo_root()
                .join("solutions/src")
                .join(format!("{}.rs", exercise.name)),
        )
        .unwrap();
        let given = std::fs::read(out.join(&file)).unwrap();
        assert_eq!(given, shipped, "{file} is not as shipped");
        assert_ne!(given, solution, "{file} is solved");
    }
    let solutions: Vec<Vec<u8>> = curriculum
        .exercises
        .iter()
        .map(|e| std::fs::read(repo_root().join(format!("solutions/src/{}.rs", e.name))).unwrap())
        .collect();
    let solving = solving_lines(&curriculum);
    assert!(
        solving.len() >= 20,
        "the check reads the solutions: {solving:?}"
    );
    for file in &files {
        let bytes = std::fs::read(out.join(file)).unwrap();
        assert!(!solutions.contains(&bytes), "{file} is a solution");
        let text = String::from_utf8_lossy(&bytes);
        let lines: BTreeSet<&str> = text.lines().map(str::trim).collect();
        for (exercise, line) in &solving {
            assert!(
                !lines.contains(line.as_str()),
                "{file} holds a line of {exercise}'s solution: {line}"
            );
        }
    }

    // cargo reads it as a workspace of the learner's crates only.
    let mut metadata = Command::new(env!("CARGO"));
    metadata.current_dir(&out).args([
        "metadata",
        "--offline",
        "--no-deps",
        "--format-version",
        "1",
    ]);
    let ran = process::run(metadata, Streams::Apart, None).unwrap();
    assert!(ran.passed(), "{}", ran.output);
    let metadata: serde_json::Value = serde_json::from_slice(&ran.stdout).unwrap();
    let mut packages: Vec<&str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    packages.sort_unstable();
    assert_eq!(
        packages,
        ["barista", "barista-macros", "exercises", "xtask"]
    );

    // A second run into the same folder writes nothing over it.
    let again = classroom(&out);
    assert!(!again.passed());
    assert!(again.output.contains("is not empty"), "{}", again.output);
}

/// `cargo ARGS` in `dir`, building into `target`.
fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Ran {
    let mut command = Command::new(env!("CARGO"));
    command
        .current_dir(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("CARGO_MANIFEST_DIR");
    process::run(command, Streams::Merged, None).unwrap()
}

/// Slow (a new workspace's first build, twice over): `.ci/run` runs it,
/// and `cargo test -p instructor --test classroom -- --ignored` by hand.
#[test]
#[ignore = "builds a fresh clone of the students' repository: about two minutes"]
fn a_clone_of_the_students_repository_runs_its_readme_and_is_graded() {
    let dir = tempfile::tempdir().unwrap();
    let made = dir.path().join("made");
    assert!(classroom(&made).passed());
    one_commit(&made, "template").unwrap();
    let clone = dir.path().join("clone");
    git(dir.path(), &["clone", "-q", "made", "clone"]).unwrap();
    let target = repo_root().join("target/copies/classroom");

    // The README's commands, as a student meets them.
    let verify = cargo(&clone, &target, &["xtask", "verify"]);
    assert_eq!(
        verify.status.code(),
        Some(1),
        "pending exercises: {}",
        verify.output
    );
    assert!(verify.output.contains("0 / 16 done"), "{}", verify.output);
    let status = cargo(&clone, &target, &["xtask"]);
    assert!(
        status.output.contains("Exercise 1 of 16"),
        "{}",
        status.output
    );
    for args in [
        &["xtask", "list"][..],
        &["xtask", "hint", "1"],
        &["xtask", "reset", "1"],
    ] {
        let ran = cargo(&clone, &target, args);
        assert!(ran.passed(), "cargo {args:?}: {}", ran.output);
    }
    let one = cargo(
        &clone,
        &target,
        &["test", "-p", "exercises", "--test", "ex01_interleaved"],
    );
    assert!(
        !one.passed() && one.output.contains("test result: FAILED"),
        "{}",
        one.output
    );
    // A student's plain `cargo test` at the root: the runtime's and the
    // tool's own tests, green (the exercises are `cargo xtask`'s to judge).
    let tested = cargo(&clone, &target, &["test"]);
    assert!(tested.passed(), "{}", tested.output);
    let grade = cargo(&clone, &target, &["xtask", "grade", "."]);
    assert!(!grade.passed());
    assert!(
        grade.output.contains("an instructor's command"),
        "{}",
        grade.output
    );

    // Solved, the same repository says so, and the grader gives full marks.
    let curriculum = Curriculum::load(&repo_root()).unwrap();
    for exercise in &curriculum.exercises {
        let file = format!("{}.rs", exercise.name);
        std::fs::copy(
            repo_root().join("solutions/src").join(&file),
            clone.join("exercises/src").join(&file),
        )
        .unwrap();
    }
    let verify = cargo(&clone, &target, &["xtask", "verify"]);
    assert!(verify.passed(), "{}", verify.output);
    assert!(verify.output.contains("16 / 16 done"), "{}", verify.output);

    let class = dir.path().join("class");
    std::fs::create_dir(&class).unwrap();
    git(&class, &["clone", "-q", clone.to_str().unwrap(), "student"]).unwrap();
    // The clone holds the solved files uncommitted: the grader takes the
    // folder as it is.
    for exercise in &curriculum.exercises {
        let file = format!("{}.rs", exercise.name);
        std::fs::copy(
            clone.join("exercises/src").join(&file),
            class.join("student/exercises/src").join(&file),
        )
        .unwrap();
    }
    let reports = dir.path().join("reports");
    let mut grade = Command::new(env!("CARGO_BIN_EXE_instructor"));
    grade
        .current_dir(repo_root())
        .arg("grade")
        .arg(&class)
        .args(["--format", "csv", "--output"])
        .arg(&reports);
    let graded = process::run(grade, Streams::Merged, None).unwrap();
    assert!(graded.passed(), "{}", graded.output);
    let sheet = std::fs::read_to_string(reports.join("grades.csv")).unwrap();
    let row: Vec<&str> = sheet
        .lines()
        .skip(1) // the header: `student,total,max,...`
        .find(|line| line.starts_with("student,"))
        .unwrap_or_else(|| panic!("no row for the student: {sheet}"))
        .split(',')
        .collect();
    assert_eq!(row[1], row[2], "full marks: {sheet}");
}
