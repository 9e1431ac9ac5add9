//! `cargo xtask check`: the instructor's self-check of the curriculum.
//!
//! Lists everything wrong, then exits non-zero if anything was:
//! - every exercise has metadata (title, hint, points), a learner file, a
//!   solution, pristine tests, and a `[[test]]` entry in both crates;
//!   nothing exists that the metadata does not name (orphans); no
//!   placeholder `cargo xtask new` left is still there;
//! - the pristine tests read no file and no environment variable at run
//!   time (no insta, no snapshot files: expected text is written inline);
//! - each exercise fails as shipped, every one of its tests, and says where
//!   to look;
//! - each solution passes, 20 times in a row, and again with the worker
//!   limit set to 1, 2 and 4 (exercises side by side, one per core).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use xtask::cargo::TestBuild;
use xtask::curriculum::{Curriculum, Exercise, Package};
use xtask::runner;

use crate::scaffold::PLACEHOLDER;
use crate::side_by_side::side_by_side;

/// How long one run of one exercise's tests may take before it counts as hung.
const LIMIT: Duration = Duration::from_secs(60);

pub struct Options {
    pub repeat: usize,
}

pub fn check(curriculum: &Curriculum, options: &Options) -> Result<bool> {
    let mut problems = Vec::new();
    layout(curriculum, &mut problems)?;

    println!("building the solutions' tests ...");
    let solutions = runner::build(curriculum, Package::Solutions, false)?;
    println!("building the exercises' tests ...");
    let exercises = runner::build(curriculum, Package::Exercises, false)?;

    // Each exercise's runs are its own: several exercises at a time, as
    // many as there are cores; reported in the curriculum's order.
    let at_once = std::thread::available_parallelism().map_or(2, |n| n.get());
    let found = side_by_side(curriculum.exercises.iter().collect(), at_once, |exercise| {
        check_exercise(curriculum, exercise, &exercises, &solutions, options)
    });
    for checked in found {
        let (summary, found) = checked?;
        println!("  {summary}");
        problems.extend(found);
    }

    if problems.is_empty() {
        println!(
            "check: all {} exercises are in order",
            curriculum.exercises.len()
        );
        Ok(true)
    } else {
        eprintln!("\ncheck found {} problem(s):", problems.len());
        for problem in &problems {
            eprintln!("- {problem}");
        }
        Ok(false)
    }
}

/// One exercise: as shipped, then solved. Its line for the terminal, and
/// what is wrong with it.
fn check_exercise(
    curriculum: &Curriculum,
    exercise: &Exercise,
    exercises: &TestBuild,
    solutions: &TestBuild,
    options: &Options,
) -> Result<(String, Vec<String>)> {
    let mut problems = as_shipped(curriculum, exercise, exercises)?;
    let name = &exercise.name;
    // Solved: must pass every time, at every worker limit.
    let Some(binary) = solutions.binaries.get(name) else {
        problems.push(match solutions.errors.get(name) {
            Some(errors) => format!("{name}: the solution's tests do not compile:\n{errors}"),
            None => format!("{name}: no test binary was built for the solution"),
        });
        return Ok((format!("{name}: the solution did not build"), problems));
    };
    let mut runs: Vec<(String, Vec<(&str, &str)>)> = (1..=options.repeat)
        .map(|i| (format!("run {i} of {}", options.repeat), vec![]))
        .collect();
    for workers in ["1", "2", "4"] {
        runs.push((
            format!("BARISTA_WORKERS={workers}"),
            vec![("BARISTA_WORKERS", workers)],
        ));
    }
    let mut passed = 0;
    for (label, env) in &runs {
        let outcome = runner::run(
            &curriculum.root,
            Package::Solutions,
            binary,
            &[],
            env,
            LIMIT,
        )?;
        if !outcome.passed {
            problems.push(format!(
                "{name}: the solution failed its tests ({label}, after {passed} passing runs):\n{}",
                indent(&outcome.output)
            ));
            break;
        }
        passed += 1;
    }
    let summary = format!(
        "{name}: shipped fails, solution passed {passed} of {} runs",
        runs.len()
    );
    Ok((summary, problems))
}

/// As shipped, an exercise must fail, every one of its tests, and say
/// where to look.
fn as_shipped(
    curriculum: &Curriculum,
    exercise: &Exercise,
    exercises: &TestBuild,
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let name = &exercise.name;
    let learner_file = curriculum.relative(&curriculum.source(Package::Exercises, exercise));
    match exercises.binaries.get(name) {
        None if exercises.errors.contains_key(name) => {
            let errors = &exercises.errors[name];
            if exercise.compiles_as_shipped {
                problems.push(format!(
                    "{name}: the shipped exercise does not compile (only a lesson marked `compiles_as_shipped = false` in curriculum/exercises.toml may not):\n{errors}"
                ));
            } else if !errors.contains(&format!("--> {learner_file}")) {
                problems.push(format!(
                    "{name}: the shipped exercise does not compile, but its errors do not point into {learner_file}:\n{errors}"
                ));
            }
        }
        None => problems.push(format!("{name}: no test binary was built for the exercise")),
        Some(_) if !exercise.compiles_as_shipped => problems.push(format!(
            "{name}: curriculum/exercises.toml says it does not compile as shipped, but it does"
        )),
        Some(binary) => {
            let outcome = runner::run(
                &curriculum.root,
                Package::Exercises,
                binary,
                &[],
                &[],
                LIMIT,
            )?;
            // Partial credit is per test: not one may pass for nothing.
            let passing = passing_tests(&outcome.output);
            for test in &passing {
                problems.push(format!(
                    "{name}: test {test} passes on the exercise as shipped"
                ));
            }
            if outcome.passed {
                if passing.is_empty() {
                    problems.push(format!(
                        "{name}: the shipped exercise already passes its tests"
                    ));
                }
            } else if outcome.timed_out {
                problems.push(format!(
                    "{name}: the shipped exercise hangs its tests for {} s: give the hanging test a time limit",
                    LIMIT.as_secs()
                ));
            } else if !outcome.output.contains(&learner_file) {
                problems.push(format!(
                    "{name}: the shipped exercise fails without naming {learner_file}, so the learner does not know where to look"
                ));
            }
        }
    }
    Ok(problems)
}

/// The problems of [`check`]'s first part, which builds and runs nothing:
/// metadata, files, manifests, placeholders, run-time reads.
pub fn layout_problems(curriculum: &Curriculum) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    layout(curriculum, &mut problems)?;
    Ok(problems)
}

/// Metadata complete, files present, nothing orphaned, nothing left to
/// fill; the pristine tests read nothing at run time.
fn layout(curriculum: &Curriculum, problems: &mut Vec<String>) -> Result<()> {
    let root = &curriculum.root;
    let mut names = BTreeSet::new();
    for exercise in &curriculum.exercises {
        if !names.insert(exercise.name.clone()) {
            problems.push(format!(
                "{}: listed twice in curriculum/exercises.toml",
                exercise.name
            ));
        }
        metadata(exercise, problems);
        files(curriculum, exercise, problems);
    }
    manifests(curriculum, &names, problems)?;
    orphans(
        curriculum,
        &root.join("curriculum/tests"),
        &names,
        &[],
        problems,
    );
    if root.join("curriculum/tests/snapshots").exists() {
        problems.push(
            "curriculum/tests/snapshots exists: the pristine tests write their expected text \
             inline (common::expect_text) and read no file at run time"
                .to_string(),
        );
    }
    run_time_reads(curriculum, &root.join("curriculum/tests"), problems);
    citations_outside_the_clone(curriculum, problems);
    Ok(())
}

/// An exercise's entry in curriculum/exercises.toml: written (no
/// placeholder left), hints in steps, worth points.
fn metadata(exercise: &Exercise, problems: &mut Vec<String>) {
    let name = &exercise.name;
    for (field, value) in [
        ("title", &exercise.title),
        ("topic", &exercise.topic),
        ("section", &exercise.section),
    ] {
        if value.trim().is_empty() {
            problems.push(format!(
                "{name}: its {field} in curriculum/exercises.toml is empty"
            ));
        } else if value.contains(PLACEHOLDER) {
            problems.push(format!(
                "{name}: its {field} in curriculum/exercises.toml is still a `{PLACEHOLDER}` \
                 placeholder: write it"
            ));
        }
    }
    if exercise.hints.iter().any(|h| h.contains(PLACEHOLDER)) {
        problems.push(format!(
            "{name}: its hints in curriculum/exercises.toml are still `{PLACEHOLDER}` \
             placeholders: write each step"
        ));
    }
    // The idea, then the API, then the shape: a hint in steps.
    if exercise.hints.len() < 2 || exercise.hints.iter().any(|h| h.trim().is_empty()) {
        problems.push(format!(
            "{name}: its hints in curriculum/exercises.toml should be steps (at least two, \
             none empty: the idea, then the API, then the shape), not {}",
            exercise.hints.len()
        ));
    }
    if exercise.points == 0 {
        problems.push(format!("{name}: it is worth 0 points"));
    }
}

/// An exercise's files: there, no placeholder left, a TODO for the
/// learner, tests that name their exercise, and both crates' test roots.
fn files(curriculum: &Curriculum, exercise: &Exercise, problems: &mut Vec<String>) {
    let name = &exercise.name;
    for path in [
        curriculum.source(Package::Exercises, exercise),
        curriculum.source(Package::Solutions, exercise),
        curriculum.tests(exercise),
    ] {
        if !path.is_file() {
            problems.push(format!("{name}: {} is missing", curriculum.relative(&path)));
        }
    }
    for path in [
        curriculum.source(Package::Exercises, exercise),
        curriculum.source(Package::Solutions, exercise),
        curriculum.tests(exercise),
    ] {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for (number, line) in text.lines().enumerate() {
            if line.contains(PLACEHOLDER) {
                problems.push(format!(
                    "{}:{}: a `{PLACEHOLDER}` placeholder, still to write",
                    curriculum.relative(&path),
                    number + 1
                ));
            }
        }
    }
    let exercise_text = std::fs::read_to_string(curriculum.source(Package::Exercises, exercise))
        .unwrap_or_default();
    // The author's marks are not the learner's.
    if !exercise_text.replace(PLACEHOLDER, "").contains("TODO") {
        problems.push(format!("{name}: the learner's file has no TODO mark"));
    }
    let tests = std::fs::read_to_string(curriculum.tests(exercise)).unwrap_or_default();
    if !tests
        .lines()
        .any(|l| l.trim_start().starts_with(&format!("exercise!({name})")))
    {
        problems.push(format!(
            "{name}: {} does not name its exercise with `exercise!({name});`",
            curriculum.relative(&curriculum.tests(exercise))
        ));
    }
    for package in [Package::Exercises, Package::Solutions] {
        let root_file = curriculum.test_root(package, exercise);
        let expected = curriculum.test_root_text(exercise);
        if std::fs::read_to_string(&root_file).ok().as_deref() != Some(expected.as_str()) {
            problems.push(format!(
                "{name}: {} should hold exactly:\n{}",
                curriculum.relative(&root_file),
                indent(&expected)
            ));
        }
    }
}

/// Both crates' manifests: a `[[test]]` for every exercise and no other
/// (but the maintainers' own), and no file the curriculum does not name.
fn manifests(
    curriculum: &Curriculum,
    names: &BTreeSet<String>,
    problems: &mut Vec<String>,
) -> Result<()> {
    let root = &curriculum.root;
    for package in [Package::Exercises, Package::Solutions] {
        let manifest = root.join(package.dir()).join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        let manifest_toml: toml::Value = toml::from_str(&text)?;
        let mut registered = BTreeSet::new();
        for test in manifest_toml
            .get("test")
            .and_then(|t| t.as_array())
            .into_iter()
            .flatten()
        {
            let name = test
                .get("name")
                .and_then(|n| n.as_str())
                .unwrap_or_default();
            let path = test
                .get("path")
                .and_then(|p| p.as_str())
                .unwrap_or_default();
            let expected = format!("tests/{name}.rs");
            if path != expected {
                problems.push(format!(
                    "{}/Cargo.toml: test {name:?} should have path = {expected:?}",
                    package.dir()
                ));
            }
            registered.insert(name.to_string());
        }
        for name in names.difference(&registered) {
            problems.push(format!(
                "{name}: not registered as a [[test]] in {}/Cargo.toml",
                package.dir()
            ));
        }
        // The solutions' own test of their timelines is no exercise.
        let maintainers = maintainers_tests(package);
        for name in registered.difference(names) {
            if maintainers.contains(&name.as_str()) {
                continue;
            }
            problems.push(format!(
                "{}/Cargo.toml registers test {name:?}, which curriculum/exercises.toml does not list",
                package.dir()
            ));
        }
        orphans(
            curriculum,
            &root.join(package.dir()).join("src"),
            names,
            &["lib"],
            problems,
        );
        orphans(
            curriculum,
            &root.join(package.dir()).join("tests"),
            names,
            maintainers,
            problems,
        );
    }
    Ok(())
}

/// The project's founding notes lived beside the repository, not in it: a
/// clone has no `../shared`. Any figure quoted from there belongs in
/// `docs/reference-figures.md`, and is cited from there.
fn citations_outside_the_clone(curriculum: &Curriculum, problems: &mut Vec<String>) {
    // Spelled in two pieces, so that this file does not cite it.
    let outside = format!("{}/{}", "shared", "reference");
    let root = &curriculum.root;
    let mut files: Vec<PathBuf> = ["README.md", "ARCHITECTURE.md", "BENCHMARKS.md"]
        .iter()
        .map(|f| root.join(f))
        .collect();
    let mut dirs = vec![
        root.join("docs"),
        root.join("src"),
        root.join("benches"),
        root.join("xtask"),
    ];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs" || e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            if line.contains(&outside) {
                problems.push(format!(
                    "{}:{}: cites {outside}/, which a clone does not have: quote the figure in \
                     docs/reference-figures.md and cite that",
                    curriculum.relative(&file),
                    n + 1
                ));
            }
        }
    }
}

/// What a pristine test must not do at run time: whatever it reads there, a
/// submission running in the same process could have written or set first.
const RUN_TIME_READS: &[(&str, &str)] = &[
    (
        "insta::",
        "uses insta (it reads snapshot files and INSTA_* variables)",
    ),
    ("env::var", "reads an environment variable"),
    ("env::set_var", "sets an environment variable"),
    ("fs::", "touches the file system"),
    ("File::open", "opens a file"),
];

/// Names each pristine test file (`*.rs` under `dir`, recursively) that
/// reads files or environment variables at run time. Comments are skipped;
/// `env!` and `include_str!` read at build time and are fine.
fn run_time_reads(curriculum: &Curriculum, dir: &Path, problems: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            run_time_reads(curriculum, &path, problems);
            continue;
        }
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let code_lines = || {
            text.lines()
                .enumerate()
                .filter(|(_, l)| !l.trim_start().starts_with("//"))
        };
        for (number, line) in code_lines() {
            let code = line.trim_start();
            for (pattern, what) in RUN_TIME_READS {
                if code.contains(pattern) {
                    problems.push(format!(
                        "{}:{}: a pristine test {what} at run time",
                        curriculum.relative(&path),
                        number + 1
                    ));
                }
            }
        }
    }
}

/// The tests that libtest reports as passed (`test NAME ... ok`) in `output`
/// (plain test paths only: a line in that shape a program printed, naming a
/// file or with spaces, is not one).
fn passing_tests(output: &str) -> Vec<String> {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("test ")?.strip_suffix(" ... ok"))
        .filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
        })
        .map(str::to_string)
        .collect()
}

/// Files `*.rs` in `dir` whose stem is not an exercise name (nor allowed).
/// Test targets beside the exercises' that only maintainers run: the
/// snapshots of the solutions' timelines (`solutions/tests/timelines.rs`).
fn maintainers_tests(package: Package) -> &'static [&'static str] {
    match package {
        Package::Solutions => &["timelines"],
        Package::Exercises => &[],
    }
}

fn orphans(
    curriculum: &Curriculum,
    dir: &Path,
    names: &BTreeSet<String>,
    allowed: &[&str],
    problems: &mut Vec<String>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if !names.contains(stem) && !allowed.contains(&stem) {
            problems.push(format!(
                "{} belongs to no exercise in curriculum/exercises.toml",
                curriculum.relative(&path)
            ));
        }
    }
}

/// The end of a run's output (where it says what failed), indented under
/// the problem it explains.
fn indent(text: &str) -> String {
    xtask::text::cap(text, xtask::text::Keep::LastLines(40))
        .lines()
        .map(|l| format!("    {l}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace with one complete exercise, `ex01_demo`.
    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |path: &str, text: &str| {
            let path = root.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "curriculum/exercises.toml",
            r#"
[[exercise]]
name = "ex01_demo"
title = "Demo"
topic = "a topic"
section = "a section"
points = 5
hints = ["the idea", "the shape"]
"#,
        );
        for package in ["exercises", "solutions"] {
            write(
                &format!("{package}/Cargo.toml"),
                "[package]\nname = \"x\"\n\n[[test]]\nname = \"ex01_demo\"\npath = \"tests/ex01_demo.rs\"\n",
            );
            write(&format!("{package}/src/lib.rs"), "");
            write(
                &format!("{package}/src/ex01_demo.rs"),
                "// TODO: solve me\n",
            );
        }
        write(
            "curriculum/tests/ex01_demo.rs",
            "#[macro_use]\nmod common;\nexercise!(ex01_demo);\n",
        );
        let curriculum = Curriculum::load(root).unwrap();
        for package in ["exercises", "solutions"] {
            write(
                &format!("{package}/tests/ex01_demo.rs"),
                &curriculum.test_root_text(&curriculum.exercises[0]),
            );
        }
        write(
            "curriculum/tests/common/mod.rs",
            "// Reads no std::fs:: at run time.\npub fn file() -> &'static str { env!(\"CARGO_PKG_NAME\") }\n",
        );
        dir
    }

    fn problems(root: &Path) -> Vec<String> {
        let curriculum = Curriculum::load(root).unwrap();
        let mut problems = Vec::new();
        layout(&curriculum, &mut problems).unwrap();
        problems
    }

    #[test]
    fn a_complete_layout_has_no_problems() {
        let dir = workspace();
        assert_eq!(problems(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn orphans_are_named() {
        let dir = workspace();
        let root = dir.path();
        std::fs::write(root.join("exercises/src/ex99_stray.rs"), "").unwrap();
        std::fs::write(root.join("curriculum/tests/ex98_stray.rs"), "").unwrap();
        let found = problems(root);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("exercises/src/ex99_stray.rs belongs to no exercise"));
        assert!(found[1].contains("curriculum/tests/ex98_stray.rs belongs to no exercise"));
    }

    #[test]
    fn a_citation_a_clone_cannot_follow_is_named() {
        let dir = workspace();
        let root = dir.path();
        std::fs::create_dir_all(root.join("docs")).unwrap();
        std::fs::write(
            root.join("docs/costs.md"),
            format!(
                "# Costs\n\nGo: 669 ns (from `{}/{}/anchors.md`)\n",
                "shared", "reference"
            ),
        )
        .unwrap();
        let found = problems(root);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with(&format!(
                "docs/costs.md:3: cites {}/{}/",
                "shared", "reference"
            )),
            "{found:#?}"
        );
    }

    #[test]
    fn snapshots_and_run_time_reads_are_named() {
        let dir = workspace();
        let root = dir.path();
        std::fs::create_dir_all(root.join("curriculum/tests/snapshots")).unwrap();
        std::fs::write(
            root.join("curriculum/tests/ex01_demo.rs"),
            "// std::env::var in a comment is fine\n\
             exercise!(ex01_demo);\n\
             fn a() { insta::assert_snapshot!(x); }\n\
             fn b() { let _ = std::env::var(\"INSTA_FORCE_PASS\"); }\n\
             fn c() { let _ = std::fs::read_to_string(\"snap\"); }\n",
        )
        .unwrap();
        let found = problems(root);
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].starts_with("curriculum/tests/snapshots exists"));
        assert_eq!(
            found[1],
            "curriculum/tests/ex01_demo.rs:3: a pristine test uses insta (it reads snapshot files and INSTA_* variables) at run time"
        );
        assert_eq!(
            found[2],
            "curriculum/tests/ex01_demo.rs:4: a pristine test reads an environment variable at run time"
        );
        assert_eq!(
            found[3],
            "curriculum/tests/ex01_demo.rs:5: a pristine test touches the file system at run time"
        );
    }

    #[test]
    fn passing_tests_are_read_from_libtest_lines() {
        let output = "\
running 5 tests
test the_baristas_take_turns::workers_1 ... ok
test timeline ... FAILED
test every_coin_arrives_in_parallel::workers_2 ... ok
test slow_one has been running for over 60 seconds
test \u{1b}[1m/work/exercises/src/ex14_data_race_rejected.rs\u{1b}[0m ... ok
test ignored_one ... ignored
test result: ok. 2 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out
thread 'x' panicked: test quoted ... ok
";
        assert_eq!(
            passing_tests(output),
            [
                "the_baristas_take_turns::workers_1",
                "every_coin_arrives_in_parallel::workers_2"
            ]
        );
        assert!(passing_tests("test result: ok. 0 passed; 0 failed").is_empty());
    }

    #[test]
    fn missing_pieces_are_named() {
        let dir = workspace();
        let root = dir.path();
        std::fs::remove_file(root.join("solutions/src/ex01_demo.rs")).unwrap();
        std::fs::write(
            root.join("solutions/Cargo.toml"),
            "[package]\nname = \"x\"\n",
        )
        .unwrap();
        std::fs::write(root.join("exercises/src/ex01_demo.rs"), "fn main() {}\n").unwrap();
        let text = std::fs::read_to_string(root.join("curriculum/exercises.toml")).unwrap();
        std::fs::write(
            root.join("curriculum/exercises.toml"),
            text.replace("hints = [\"the idea\", \"the shape\"]", "hints = [\"  \"]")
                .replace("points = 5", "points = 0"),
        )
        .unwrap();
        let found = problems(root).join("\n");
        for expected in [
            "ex01_demo: its hints in curriculum/exercises.toml should be steps (at least two, none empty: the idea, then the API, then the shape), not 1",
            "ex01_demo: it is worth 0 points",
            "ex01_demo: solutions/src/ex01_demo.rs is missing",
            "ex01_demo: the learner's file has no TODO mark",
            "ex01_demo: not registered as a [[test]] in solutions/Cargo.toml",
        ] {
            assert!(
                found.contains(expected),
                "missing {expected:?} in:\n{found}"
            );
        }
    }

    #[test]
    fn placeholders_left_to_fill_are_named() {
        let dir = workspace();
        let root = dir.path();
        let text = std::fs::read_to_string(root.join("curriculum/exercises.toml")).unwrap();
        std::fs::write(
            root.join("curriculum/exercises.toml"),
            text.replace("a topic", "TODO(author): the topic")
                .replace("\"the shape\"", "\"TODO(author): the shape\""),
        )
        .unwrap();
        // The author's mark is no TODO for the learner.
        std::fs::write(
            root.join("exercises/src/ex01_demo.rs"),
            "// TODO(author): the lesson\nfn a() {}\n",
        )
        .unwrap();
        std::fs::write(
            root.join("solutions/src/ex01_demo.rs"),
            "fn a() {}\n// TODO(author): why it works\n",
        )
        .unwrap();
        let found = problems(root);
        assert_eq!(
            found,
            [
                "ex01_demo: its topic in curriculum/exercises.toml is still a `TODO(author)` placeholder: write it",
                "ex01_demo: its hints in curriculum/exercises.toml are still `TODO(author)` placeholders: write each step",
                "exercises/src/ex01_demo.rs:1: a `TODO(author)` placeholder, still to write",
                "solutions/src/ex01_demo.rs:2: a `TODO(author)` placeholder, still to write",
                "ex01_demo: the learner's file has no TODO mark",
            ],
            "{found:#?}"
        );
    }

    #[test]
    fn a_test_path_elsewhere_is_named() {
        let dir = workspace();
        let root = dir.path();
        std::fs::write(
            root.join("exercises/Cargo.toml"),
            "[package]\nname = \"x\"\n\n[[test]]\nname = \"ex01_demo\"\npath = \"../curriculum/tests/ex01_demo.rs\"\n",
        )
        .unwrap();
        let found = problems(root).join("\n");
        assert!(
            found.contains(
                r#"exercises/Cargo.toml: test "ex01_demo" should have path = "tests/ex01_demo.rs""#
            ),
            "{found}"
        );
    }
}
