//! The workspace submissions are built in (`target/grading/workspace/`):
//! the grader's repository without its solutions or tools, laid out so
//! that a submission's code cannot see into the tests that judge it:
//!
//! ```text
//! submission/src/  the student's exercise files
//! graded/all.rs    the visible tests' crate: each exercise being built as a
//!                  module `#[forbid(unsafe_code)]` at the crate's root, and
//!                  `judged`, a private module holding the verdict harness and
//!                  each exercise's pristine tests, copied to judged/ with a
//!                  verdict at the top of every test; privacy keeps the harness
//!                  out of the exercises' reach
//! graded/hidden.rs the same for the instructor's hidden tests, a binary of
//!                  its own: no visible run holds, lists or reads them
//! ```
//!
//! The pristine tests name their exercise's module with `exercise!(NAME)`
//! (`use crate::NAME as exercise`), as in the learner's crates, where
//! `tests/NAME.rs` declares `src/NAME.rs` as the module `NAME`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use xtask::curriculum::{Curriculum, Exercise};

/// The test target with every exercise's pristine tests.
pub const VISIBLE: &str = "all";
/// The test target with the instructor's hidden tests.
pub const HIDDEN: &str = "hidden";
/// Packages of the scratch workspace.
pub const TESTS_PACKAGE: &str = "graded";
const SHIPPED_PACKAGE: &str = "exercises";
/// Where the submission's files go.
const SUBMISSION: &str = "submission/src";

/// What every test calls first (see `xtask/instructor/harness/verdict.rs`).
const VERDICT: &str = "crate::judged::__barista_verdict::started";
const HARNESS: &str = include_str!("../../harness/verdict.rs");

pub struct Scratch {
    /// Held while this run grades: the workspace is one per checkout.
    _lock: std::fs::File,
    pub root: PathBuf,
    /// Every exercise, as a module of the test crate.
    pub modules: Vec<String>,
    /// Exercises with hidden tests.
    pub hidden: Vec<String>,
    /// Each exercise's graded tests, from their sources.
    pub tests: TestList,
}

/// Each exercise's graded tests, in the order of their files, pristine
/// first: (name below the exercise's module, hidden).
pub type TestList = BTreeMap<String, Vec<(String, bool)>>;

impl Scratch {
    /// Lays the workspace out anew (what is unchanged keeps its timestamps,
    /// so cargo rebuilds only what changed), with the instructor's hidden
    /// tests from `hidden` (one file per exercise, `NAME.rs`).
    pub fn new(curriculum: &Curriculum, hidden: Option<&Path>) -> Result<Scratch> {
        let lock = super::lock::one_grader_at_a_time(&curriculum.root)?;
        let root = curriculum.root.join("target/grading/workspace");
        let copy = xtask::copy::RepoCopy::of(&curriculum.root)?;
        copy_tree(
            &copy.root,
            &root,
            &["solutions", "xtask", ".git", ".barista", "target"],
        )?;
        // Each pristine test, read once: that it names its exercise, and its
        // judged copy. (Rewritten only where it changed, so that cargo
        // rebuilds nothing for an unchanged curriculum.)
        let judged = root.join("graded/judged");
        copy_tree(
            &root.join("curriculum/tests/common"),
            &judged.join("common"),
            &[],
        )?;
        let mut modules = Vec::new();
        let mut tests_of = TestList::new();
        for exercise in &curriculum.exercises {
            let path = curriculum.tests(exercise);
            let tests = std::fs::read_to_string(&path)?;
            let reading = || format!("reading {}", curriculum.relative(&path));
            if !includes_the_exercise(&tests).with_context(reading)? {
                bail!(
                    "{} does not name its exercise: pristine tests start with `#[macro_use] mod common;` and `exercise!({});`",
                    curriculum.relative(&path),
                    exercise.name
                );
            }
            modules.push(exercise.name.clone());
            let judged_tests = with_verdicts(&tests).with_context(reading)?;
            write_if_changed(
                &judged.join(format!("{}.rs", exercise.name)),
                judged_tests.text.as_bytes(),
            )?;
            tests_of.insert(
                exercise.name.clone(),
                judged_tests.names.into_iter().map(|n| (n, false)).collect(),
            );
        }
        // Hidden tests of an earlier run are not this run's.
        for entry in std::fs::read_dir(&judged)?.flatten() {
            if entry.file_name().to_string_lossy().starts_with("hidden_") {
                std::fs::remove_file(entry.path())?;
            }
        }
        let hidden = match hidden {
            Some(dir) => take_hidden(curriculum, dir, &judged, &mut tests_of)?,
            None => Vec::new(),
        };
        let scratch = Scratch {
            _lock: lock,
            root,
            modules,
            hidden,
            tests: tests_of,
        };
        scratch.write_manifests()?;
        Ok(scratch)
    }

    /// The workspace manifest and `graded/`'s, from the shipped exercises
    /// crate's dependencies (one list to keep in step).
    fn write_manifests(&self) -> Result<()> {
        let root = &self.root;
        let manifest = root.join("Cargo.toml");
        let mut cargo: toml::Table = toml::from_str(&std::fs::read_to_string(&manifest)?)?;
        if let Some(workspace) = cargo.get_mut("workspace").and_then(|w| w.as_table_mut()) {
            // The shipped exercises crate is read for its dependencies only.
            let members: Vec<toml::Value> = ["macros", TESTS_PACKAGE]
                .into_iter()
                .map(Into::into)
                .collect();
            workspace.insert("members".into(), members.clone().into());
            workspace.insert("default-members".into(), members.into());
        }
        // No debug information: a test binary links in a fraction of the
        // time, and a failure's message and location do not need it.
        let dev = table(table(&mut cargo, "profile"), "dev");
        dev.insert("debug".into(), 0.into());
        // The runtime and the dependencies are built once for the whole
        // class, optimized: the lessons that spawn thousands of traced
        // tasks spend much of their run there, and the proc macros expand
        // every submission faster. (The test crate itself stays at
        // opt-level 0: optimized, a submission's build takes seconds.)
        let packages = table(dev, "package");
        table(packages, "barista").insert("opt-level".into(), 2.into());
        table(packages, "*").insert("opt-level".into(), 3.into());
        write_if_changed(&manifest, toml::to_string(&cargo)?.as_bytes())?;

        let shipped: toml::Table = toml::from_str(&std::fs::read_to_string(
            root.join(SHIPPED_PACKAGE).join("Cargo.toml"),
        )?)?;
        let mut package = toml::Table::new();
        package.insert("name".into(), TESTS_PACKAGE.into());
        package.insert("version".into(), "0.1.0".into());
        package.insert("edition".into(), "2021".into());
        package.insert("publish".into(), false.into());
        package.insert("autotests".into(), false.into());
        let mut graded = toml::Table::new();
        graded.insert("package".into(), package.into());
        for key in ["dependencies", "dev-dependencies"] {
            if let Some(deps) = shipped.get(key) {
                graded.insert(key.into(), deps.clone());
            }
        }
        graded.insert(
            "test".into(),
            vec![
                toml::Value::from(target(VISIBLE)),
                toml::Value::from(target(HIDDEN)),
            ]
            .into(),
        );
        std::fs::create_dir_all(root.join(SUBMISSION))?;
        write_if_changed(
            &root.join("graded/Cargo.toml"),
            toml::to_string(&graded)?.as_bytes(),
        )?;
        // What earlier versions of the layout wrote there.
        let _ = std::fs::remove_dir_all(root.join("graded/src"));
        Ok(())
    }

    /// Makes the next build compile `set`: each exercise as a module of the
    /// visible tests' crate, with its pristine tests, and those with hidden
    /// tests as modules of the hidden tests' crate. Returns the test targets
    /// to build.
    pub fn select(&self, set: &[String]) -> Result<Vec<&'static str>> {
        let module = |name: &str| {
            format!(
                "#[forbid(unsafe_code)]\n#[path = \"../{SUBMISSION}/{name}.rs\"]\npub mod {name};\n"
            )
        };
        let judged = |file: &str| format!("    #[path = \"{file}.rs\"]\n    mod {file};\n");
        let mut targets = vec![VISIBLE];
        let (mut exercises, mut tests) = (String::new(), String::new());
        let (mut hidden_exercises, mut hidden_tests) = (String::new(), String::new());
        for name in set {
            exercises.push_str(&module(name));
            tests.push_str(&judged(name));
            if self.hidden.contains(name) {
                hidden_exercises.push_str(&module(name));
                hidden_tests.push_str(&judged(&format!("hidden_{name}")));
            }
        }
        if !hidden_tests.is_empty() {
            targets.push(HIDDEN);
        }
        write_if_changed(
            &self.root.join(format!("graded/{VISIBLE}.rs")),
            test_crate(&exercises, "judged", &tests).as_bytes(),
        )?;
        write_if_changed(
            &self.root.join(format!("graded/{HIDDEN}.rs")),
            test_crate(&hidden_exercises, "judged", &hidden_tests).as_bytes(),
        )?;
        Ok(targets)
    }

    /// Where a submission's file for `exercise` goes.
    pub fn exercise_file(&self, name: &str) -> PathBuf {
        self.root.join(format!("{SUBMISSION}/{name}.rs"))
    }

    /// Paths of the scratch workspace as a learner knows them, for
    /// messages: the submission's files are `exercises/src/`, the tests'
    /// `curriculum/tests/`; hidden tests say only that they are hidden.
    pub fn learner_paths(&self, text: &str) -> String {
        // `graded/../submission/src/` folds to `submission/src/`.
        let mut text = xtask::runner::learner_paths(text);
        // The test crates' roots are the grader's (where it forbids unsafe
        // code): named for what they are.
        for root in [VISIBLE, HIDDEN] {
            text = text.replace(
                &format!("{TESTS_PACKAGE}/{root}.rs"),
                "(the grader's test crate)",
            );
        }
        for (from, to) in [
            ("submission/src/", "exercises/src/"),
            // The pristine tests name the learner's file after their crate.
            ("graded/src/", "exercises/src/"),
            ("graded/judged/hidden_", "(hidden test) "),
            ("graded/judged/", "curriculum/tests/"),
            ("judged::hidden_", "(hidden) "),
            ("judged::", ""),
        ] {
            text = text.replace(from, to);
        }
        // The visible tests' crate (`all::ex01_interleaved::…`): the
        // learner's test names start at the exercise.
        without_crate_prefix(&text, &format!("{VISIBLE}::"))
    }

    /// Which exercise a file of the scratch workspace belongs to, if any.
    pub fn exercise_of<'e>(&self, exercises: &'e [Exercise], file: &str) -> Option<&'e Exercise> {
        let stem = Path::new(file).file_stem()?.to_str()?;
        let stem = stem.strip_prefix("hidden_").unwrap_or(stem);
        let owned = file.contains("submission/src/") || file.contains("graded/judged/");
        exercises.iter().find(|e| owned && e.name == stem)
    }

    /// Whether `file` (as cargo reports it) is an instructor's hidden test.
    pub fn is_hidden_test(file: &str) -> bool {
        file.contains("graded/judged/hidden_")
    }
}

/// `text` without `prefix` where it starts a path (not inside a longer
/// name: `call::` stays).
fn without_crate_prefix(text: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        out.push_str(&rest[..at]);
        let before = out.chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            out.push_str(prefix);
        }
        rest = &rest[at + prefix.len()..];
    }
    out.push_str(rest);
    out
}

/// A test crate: the exercises' modules at its root, and `judged` (its
/// files in `dir`), whose private harness only the tests inside it can name.
fn test_crate(exercises: &str, dir: &str, judged: &str) -> String {
    format!(
        "// Generated by `cargo xtask grade`.\n{exercises}\n#[path = \"{dir}\"]\nmod judged {{\n{HARNESS}\n{judged}}}\n"
    )
}

fn target(name: &str) -> toml::Table {
    let mut target = toml::Table::new();
    target.insert("name".into(), name.into());
    target.insert("path".into(), format!("{name}.rs").into());
    target
}

fn table<'t>(parent: &'t mut toml::Table, key: &str) -> &'t mut toml::Table {
    let entry = parent
        .entry(key)
        .or_insert_with(|| toml::Table::new().into());
    if !entry.is_table() {
        *entry = toml::Table::new().into();
    }
    entry.as_table_mut().expect("made a table above")
}

/// The instructor's hidden tests: `DIR/NAME.rs` for an exercise NAME,
/// copied next to the judged pristine tests (with verdicts).
fn take_hidden(
    curriculum: &Curriculum,
    dir: &Path,
    judged: &Path,
    tests_of: &mut TestList,
) -> Result<Vec<String>> {
    let mut hidden = Vec::new();
    let entries = std::fs::read_dir(dir).with_context(|| format!("--tests {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let Some(stem) = path
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|_| path.extension().is_some_and(|e| e == "rs"))
        else {
            continue;
        };
        let Some(exercise) = curriculum.exercises.iter().find(|e| e.name == stem) else {
            bail!(
                "--tests {}: {} is named after no exercise (hidden tests for an exercise NAME go in NAME.rs, e.g. {}.rs)",
                dir.display(),
                path.display(),
                curriculum.exercises[0].name
            );
        };
        let tests = std::fs::read_to_string(&path)?;
        if !includes_the_exercise(&tests).with_context(|| format!("reading {}", path.display()))? {
            bail!(
                "{}: hidden tests start like the pristine ones: `#[macro_use] mod common;` and `exercise!({});`",
                path.display(),
                exercise.name
            );
        }
        let judged_tests = with_verdicts(&tests).with_context(|| path.display().to_string())?;
        write_if_changed(
            &judged.join(format!("hidden_{stem}.rs")),
            judged_tests.text.as_bytes(),
        )?;
        tests_of
            .entry(exercise.name.clone())
            .or_default()
            .extend(judged_tests.names.into_iter().map(|n| (n, true)));
        hidden.push(exercise.name.clone());
    }
    hidden.sort();
    Ok(hidden)
}

/// Whether a test file includes its exercise (`exercise!(NAME);` at its top
/// level).
fn includes_the_exercise(tests: &str) -> Result<bool> {
    let file = syn::parse_file(tests)?;
    Ok(file
        .items
        .iter()
        .any(|item| matches!(item, syn::Item::Macro(m) if m.mac.path.is_ident("exercise"))))
}

/// A pristine (or hidden) test file as the grader builds it, and the names
/// of the tests in it that grading runs.
pub struct JudgedTests {
    /// The file with a verdict made first in every test.
    pub text: String,
    /// Each graded test's path below the file's module (`takes_turns`, or
    /// `two_workers::workers_2` for each worker count of a
    /// `#[barista::test]`), in the file's order; `#[ignore]`d ones left out.
    /// Read from the source, never from a binary's listing: nothing a
    /// submission compiles in can add a name.
    pub names: Vec<String>,
}

/// The worker counts of a `#[barista::test]` whose attribute does not name
/// them (the macro's default; the warm-up checks the two agree).
const DEFAULT_WORKERS: &[usize] = &[1, 2, 4];

/// The test file with a verdict made first in every test: `#[test]`
/// functions get a statement at the top of their body,
/// `#[barista::test]` the `verdict` key. Every insertion stays on its line,
/// so a failure's location is the pristine file's.
pub fn with_verdicts(tests: &str) -> Result<JudgedTests> {
    use syn::spanned::Spanned;
    use syn::visit::Visit;

    struct Tests {
        /// (line, column) of each insertion, and the text.
        inserts: Vec<(proc_macro2::LineColumn, String)>,
        names: Vec<String>,
        /// The modules the visit is in, below the file's.
        modules: Vec<String>,
        errors: Vec<String>,
    }
    impl Tests {
        fn name(&self, test: &str) -> String {
            let mut path = self.modules.clone();
            path.push(test.to_string());
            path.join("::")
        }
    }
    impl<'ast> Visit<'ast> for Tests {
        fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
            self.modules.push(item.ident.to_string());
            syn::visit::visit_item_mod(self, item);
            self.modules.pop();
        }
        fn visit_item_fn(&mut self, item: &'ast syn::ItemFn) {
            let ignored = item.attrs.iter().any(|a| a.path().is_ident("ignore"));
            let name = item.sig.ident.to_string();
            for attr in &item.attrs {
                let path = attr.path();
                if path.is_ident("test") {
                    self.inserts.push((
                        item.block.brace_token.span.open().end(),
                        format!(
                            " let _verdict = {VERDICT}(::core::concat!(::core::module_path!(), \"::{name}\"));"
                        ),
                    ));
                    if !ignored {
                        self.names.push(self.name(&name));
                    }
                } else if path.segments.len() == 2
                    && path.segments[0].ident == "barista"
                    && path.segments[1].ident == "test"
                {
                    let workers = match &attr.meta {
                        syn::Meta::List(list) => {
                            self.inserts.push((
                                list.delimiter.span().open().end(),
                                format!("verdict = {VERDICT}, "),
                            ));
                            worker_counts(list)
                        }
                        _ => {
                            self.inserts
                                .push((path.span().end(), format!("(verdict = {VERDICT})")));
                            Ok(DEFAULT_WORKERS.to_vec())
                        }
                    };
                    match workers {
                        Ok(_) if ignored => {}
                        Ok(workers) => {
                            let names: Vec<String> = workers
                                .iter()
                                .map(|n| self.name(&format!("{name}::workers_{n}")))
                                .collect();
                            self.names.extend(names);
                        }
                        Err(err) => self.errors.push(format!("`{name}`: {err}")),
                    }
                }
            }
            syn::visit::visit_item_fn(self, item);
        }
    }
    let file = syn::parse_file(tests)?;
    let mut found = Tests {
        inserts: Vec::new(),
        names: Vec::new(),
        modules: Vec::new(),
        errors: Vec::new(),
    };
    found.visit_file(&file);
    if !found.errors.is_empty() {
        bail!("{}", found.errors.join("; "));
    }
    let mut offsets: Vec<(usize, String)> = found
        .inserts
        .into_iter()
        .map(|(at, text)| (byte_offset(tests, at), text))
        .collect();
    offsets.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
    let mut judged = tests.to_string();
    for (at, text) in offsets {
        judged.insert_str(at, &text);
    }
    Ok(JudgedTests {
        text: judged,
        names: found.names,
    })
}

/// The worker counts a `#[barista::test(...)]` names (`workers = 2` or
/// `workers = [1, 2, 4]`), or the default.
fn worker_counts(list: &syn::MetaList) -> Result<Vec<usize>> {
    use syn::punctuated::Punctuated;
    let keys =
        list.parse_args_with(Punctuated::<syn::MetaNameValue, syn::Token![,]>::parse_terminated)?;
    let Some(workers) = keys.iter().find(|k| k.path.is_ident("workers")) else {
        return Ok(DEFAULT_WORKERS.to_vec());
    };
    let count = |expr: &syn::Expr| -> Result<usize> {
        match expr {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(n),
                ..
            }) => Ok(n.base10_parse()?),
            _ => bail!("a worker count that is not a number"),
        }
    };
    match &workers.value {
        syn::Expr::Array(array) => array.elems.iter().map(count).collect(),
        single => Ok(vec![count(single)?]),
    }
}

/// The byte offset of a 1-based line and 0-based character column.
fn byte_offset(text: &str, at: proc_macro2::LineColumn) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(at.line.saturating_sub(1))
        .map(str::len)
        .sum();
    let line = &text[line_start..];
    line_start
        + line
            .char_indices()
            .nth(at.column)
            .map_or(line.len(), |(i, _)| i)
}

/// Copies `from` into `to`, writing only what changed. Below the top
/// level, `to` mirrors `from`: a file the repository no longer has goes
/// (a module moved from `parse.rs` to `parse/mod.rs` must not leave both).
/// The top level also holds what the grader writes itself.
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<()> {
    copy_entries(from, to, skip, false)
}

fn copy_entries(from: &Path, to: &Path, skip: &[&str], mirror: bool) -> Result<()> {
    std::fs::create_dir_all(to)?;
    let mut copied = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            if target.is_file() {
                std::fs::remove_file(&target)?;
            }
            copy_entries(&entry.path(), &target, &[], true)?;
        } else {
            if target.is_dir() {
                std::fs::remove_dir_all(&target)?;
            }
            write_if_changed(&target, &std::fs::read(entry.path())?)?;
        }
        copied.insert(name);
    }
    if mirror {
        for entry in std::fs::read_dir(to)? {
            let entry = entry?;
            if !copied.contains(&entry.file_name()) {
                let path = entry.path();
                if entry.file_type()?.is_dir() {
                    std::fs::remove_dir_all(&path)?;
                } else {
                    std::fs::remove_file(&path)?;
                }
            }
        }
    }
    Ok(())
}

/// Writes only when the content differs: unchanged files keep their
/// timestamps, and cargo rebuilds nothing for them.
pub fn write_if_changed(path: &Path, content: &[u8]) -> Result<()> {
    if std::fs::read(path).ok().as_deref() != Some(content) {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, content).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// Names of the tests per exercise, from `--list` output of test
/// binaries whose tests are modules of `judged` named after exercises
/// (hidden ones `hidden_NAME`): exercise -> [(test name, hidden)]. Only to
/// check, on the solutions' build, that the names read from the sources
/// are the tests the macros made.
pub fn tests_by_exercise(listing: &str) -> TestList {
    let mut tests = TestList::new();
    for line in listing.lines() {
        let Some(name) = line.strip_suffix(": test") else {
            continue;
        };
        // The exercises' own `#[test]`s, if any, are not the tests.
        let Some((module, test)) = name
            .strip_prefix("judged::")
            .and_then(|n| n.split_once("::"))
        else {
            continue;
        };
        let (exercise, hidden) = match module.strip_prefix("hidden_") {
            Some(exercise) => (exercise, true),
            None => (module, false),
        };
        tests
            .entry(exercise.to_string())
            .or_default()
            .push((test.to_string(), hidden));
    }
    tests
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_visible_crate_is_not_in_a_test_name() {
        assert_eq!(
            without_crate_prefix(
                "all::ex01_interleaved::takes_turns failed; call::x, (all::b)",
                "all::"
            ),
            "ex01_interleaved::takes_turns failed; call::x, (b)"
        );
    }

    #[test]
    fn a_copy_below_the_top_level_mirrors_the_repository() {
        let (from, to) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let write = |path: &str| {
            let path = from.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "//").unwrap();
        };
        write("macros/src/parse.rs");
        write("macros/src/old/keys.rs");
        write("Cargo.toml");
        std::fs::write(to.path().join("graded.txt"), "the grader's own").unwrap();
        copy_tree(from.path(), to.path(), &[]).unwrap();
        assert!(to.path().join("macros/src/parse.rs").is_file());
        // The module moves: the old file and folder go with it.
        std::fs::remove_file(from.path().join("macros/src/parse.rs")).unwrap();
        std::fs::remove_dir_all(from.path().join("macros/src/old")).unwrap();
        write("macros/src/parse/mod.rs");
        copy_tree(from.path(), to.path(), &[]).unwrap();
        assert!(to.path().join("macros/src/parse/mod.rs").is_file());
        assert!(!to.path().join("macros/src/parse.rs").exists());
        assert!(!to.path().join("macros/src/old").exists());
        // What the grader wrote at the top level stays.
        assert!(to.path().join("graded.txt").is_file());
    }

    #[test]
    fn every_kind_of_test_gets_a_verdict_on_its_own_line() {
        let tests = "\
#[macro_use]
mod common;
exercise!(ex01_demo);

#[test]
fn plain() {
    assert!(true);
}

#[barista::test(workers = [1, 2])]
async fn matrix() {}

#[barista::test]
async fn bare() {}

fn helper() {}

#[test]
#[ignore = \"a measurement\"]
fn measured() {}

mod inner {
    #[barista::test(workers = 2, seed = 3)]
    async fn nested() {}
}
";
        let judged = with_verdicts(tests).unwrap();
        // The names grading runs, from the source: ignored tests left out.
        assert_eq!(
            judged.names,
            [
                "plain",
                "matrix::workers_1",
                "matrix::workers_2",
                "bare::workers_1",
                "bare::workers_2",
                "bare::workers_4",
                "inner::nested::workers_2"
            ]
        );
        let judged = judged.text;
        let lines: Vec<&str> = judged.lines().collect();
        assert_eq!(lines.len(), tests.lines().count());
        assert_eq!(
            lines[5],
            "fn plain() { let _verdict = crate::judged::__barista_verdict::started(::core::concat!(::core::module_path!(), \"::plain\"));"
        );
        assert_eq!(
            lines[9],
            "#[barista::test(verdict = crate::judged::__barista_verdict::started, workers = [1, 2])]"
        );
        assert_eq!(
            lines[12],
            "#[barista::test(verdict = crate::judged::__barista_verdict::started)]"
        );
        assert_eq!(lines[15], "fn helper() {}");
    }

    #[test]
    fn a_file_that_includes_its_exercise_is_told_from_one_that_does_not() {
        assert!(includes_the_exercise("#[macro_use] mod common;\nexercise!(ex01_demo);").unwrap());
        // Only a mention, in a comment.
        assert!(!includes_the_exercise("//! does not use `exercise!()`\nnamed!(ex14);").unwrap());
    }

    #[test]
    fn listed_tests_are_sorted_by_exercise_and_hidden_ones_marked() {
        let listing = "judged::ex01_demo::plain: test\njudged::ex01_demo::matrix::workers_1: test\njudged::hidden_ex01_demo::secret: test\njudged::ex02_other::x: test\nex02_other::the_students_own: test\n\n3 tests, 0 benchmarks\n";
        let tests = tests_by_exercise(listing);
        assert_eq!(
            tests["ex01_demo"],
            vec![
                ("plain".to_string(), false),
                ("matrix::workers_1".to_string(), false),
                ("secret".to_string(), true)
            ]
        );
        assert_eq!(tests["ex02_other"], vec![("x".to_string(), false)]);
    }
}
