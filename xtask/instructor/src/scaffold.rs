//! `cargo xtask new NAME`: a new exercise, scaffolded from the metadata's
//! own rules (as rustlings' `dev new` does), so that nothing is kept in step
//! by hand. It writes the learner's file (a lesson skeleton with its `TODO`),
//! the solution, the pristine tests, the two crates' test roots
//! ([`Curriculum::test_root_text`], the text `check` expects), the entry in
//! `curriculum/exercises.toml` and a `[[test]]` in both crates' manifests.
//!
//! Whatever the author must still write is marked [`PLACEHOLDER`], which
//! `cargo xtask check` lists until none is left. The skeleton is complete
//! as it stands: the solution passes its tests and the shipped exercise fails
//! them, saying where to look.
//!
//! A new exercise goes at the end, numbered next: the order of
//! `exercises.toml` is the course's and the number in a name is its place in
//! that order (`cargo xtask run 5`, "Exercise 5 of 16", the test roots), so
//! one placed in the middle would renumber, and rename, every exercise after
//! it, and lose learners' progress on them.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use toml_edit::{ArrayOfTables, DocumentMut, Item, Table};

use xtask::curriculum::{Curriculum, Exercise, Package};

/// What `new` leaves for the author to write; `check` names every one left.
pub const PLACEHOLDER: &str = "TODO(author)";

/// What `new` wrote, as paths relative to the workspace.
#[derive(Debug)]
pub struct Scaffolded {
    pub created: Vec<String>,
    pub edited: Vec<String>,
}

/// Scaffolds the exercise `name` after the last one; refuses, writing
/// nothing, a name that is not `exNN_words` with the next number, a name
/// taken, or any file already there.
pub fn new_exercise(curriculum: &Curriculum, name: &str) -> Result<Scaffolded> {
    let number = check_name(curriculum, name)?;
    let exercise = Exercise {
        name: name.to_string(),
        title: title(name),
        topic: format!("{PLACEHOLDER}: what it teaches, in a few words"),
        section: format!("{PLACEHOLDER}: the reference page's section it follows"),
        points: 5,
        hints: vec![
            format!("{PLACEHOLDER}: the idea, as a question that leads to it."),
            format!("{PLACEHOLDER}: the API that does it."),
            format!("{PLACEHOLDER}: the shape of the code."),
        ],
        compiles_as_shipped: true,
    };
    let with_it = Curriculum {
        root: curriculum.root.clone(),
        exercises: curriculum
            .exercises
            .iter()
            .cloned()
            .chain([exercise.clone()])
            .collect(),
    };
    let files = [
        (
            with_it.source(Package::Exercises, &exercise),
            learners_file(number, &exercise),
        ),
        (
            with_it.source(Package::Solutions, &exercise),
            solution(number, &exercise),
        ),
        (with_it.tests(&exercise), pristine_tests(number, &exercise)),
        (
            with_it.test_root(Package::Exercises, &exercise),
            with_it.test_root_text(&exercise),
        ),
        (
            with_it.test_root(Package::Solutions, &exercise),
            with_it.test_root_text(&exercise),
        ),
    ];
    let there: Vec<String> = files
        .iter()
        .filter(|(path, _)| path.symlink_metadata().is_ok())
        .map(|(path, _)| curriculum.relative(path))
        .collect();
    if !there.is_empty() {
        bail!(
            "{name}: {} already there; `new` never overwrites a file: move it away, or \
             register the exercise by hand",
            there.join(", ")
        );
    }

    // Every edit is made in memory first: a manifest that cannot be read
    // stops `new` before it writes anything.
    let metadata = Curriculum::metadata_path(&curriculum.root);
    let mut edits = vec![(
        metadata.clone(),
        metadata_entry(&read_toml(&metadata)?, &exercise)?,
    )];
    for package in [Package::Exercises, Package::Solutions] {
        let manifest = manifest(curriculum, package);
        let edited = test_target(&read_toml(&manifest)?, name);
        edits.push((manifest, edited));
    }

    let mut created = Vec::new();
    for (path, text) in &files {
        if let Err(err) = create(path, text) {
            // Leave the workspace as it was found.
            for path in &created {
                let _ = std::fs::remove_file(path);
            }
            return Err(err);
        }
        created.push(path.clone());
    }
    let mut edited = Vec::new();
    for (path, document) in edits {
        std::fs::write(&path, document.to_string())
            .with_context(|| format!("writing {}", path.display()))?;
        edited.push(curriculum.relative(&path));
    }
    Ok(Scaffolded {
        created: created.iter().map(|p| curriculum.relative(p)).collect(),
        edited,
    })
}

/// The exercise's number, once `name` is known to be `exNN_words` with the
/// next number and no exercise, nor test target, has it yet.
fn check_name(curriculum: &Curriculum, name: &str) -> Result<u32> {
    let next = next_number(curriculum);
    if syn::parse_str::<syn::Ident>(name).is_err() || name.starts_with("r#") {
        bail!(
            "{name:?} is not a Rust identifier, and an exercise's name is one (its module's \
             name): letters, digits and `_`, like ex{next:02}_fan_out"
        );
    }
    let Some((number, words)) = shape(name) else {
        // The words after a number of the wrong shape (`ex7_`), or the name.
        let words = name
            .strip_prefix("ex")
            .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
            .and_then(|rest| {
                rest.trim_start_matches(|c: char| c.is_ascii_digit())
                    .strip_prefix('_')
            })
            .unwrap_or(name);
        let suggestion = if is_words(words) {
            format!(": call it \"ex{next:02}_{words}\"")
        } else {
            String::new()
        };
        bail!(
            "{name:?} lacks the curriculum's shape, `exNN_words`: `ex`, the number, `_`, then \
             lowercase words joined by `_` (ex01_interleaved, ex05_share_by_communicating)\
             {suggestion}"
        );
    };
    if let Some(position) = curriculum.exercises.iter().position(|e| e.name == name) {
        bail!(
            "{name} is taken: curriculum/exercises.toml lists it already, as exercise {} ({:?})",
            position + 1,
            curriculum.exercises[position].title
        );
    }
    for package in [Package::Exercises, Package::Solutions] {
        let path = manifest(curriculum, package);
        let document = read_toml(&path)?;
        if tests(&document).is_some_and(|tests| {
            tests
                .iter()
                .any(|t| t.get("name").and_then(Item::as_str) == Some(name))
        }) {
            bail!(
                "{name} is taken: {} registers a [[test]] of that name already",
                curriculum.relative(&path)
            );
        }
    }
    if number != next {
        let holder = curriculum
            .exercises
            .iter()
            .find(|e| number_of(&e.name) == Some(number))
            .map_or(String::new(), |e| {
                format!("{} is exercise {number}; ", e.name)
            });
        bail!(
            "{name}: {holder}a new exercise goes at the end, as number {next} (the number in a \
             name is its place in curriculum/exercises.toml's order): call it \"ex{next:02}_{words}\""
        );
    }
    Ok(number)
}

/// The number and the words of `exNN_words` (two digits or more, then
/// lowercase words joined by `_`).
fn shape(name: &str) -> Option<(u32, &str)> {
    let (digits, words) = name.strip_prefix("ex")?.split_once('_')?;
    let digits_ok = digits.len() >= 2 && digits.bytes().all(|b| b.is_ascii_digit());
    if !digits_ok || !is_words(words) {
        return None;
    }
    Some((digits.parse().ok()?, words))
}

/// Lowercase words joined by `_`: `share_by_communicating`.
fn is_words(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_lowercase())
        && !text.ends_with('_')
        && !text.contains("__")
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// One more than the highest number in the curriculum's names.
fn next_number(curriculum: &Curriculum) -> u32 {
    curriculum
        .exercises
        .iter()
        .filter_map(|e| number_of(&e.name))
        .max()
        .unwrap_or(0)
        + 1
}

/// `NN` in `exNN_words`.
fn number_of(name: &str) -> Option<u32> {
    shape(name).map(|(number, _)| number)
}

/// `ex17_fan_out` → "Fan out": a first title, for the author to improve.
fn title(name: &str) -> String {
    let words = name.split_once('_').map_or(name, |(_, words)| words);
    let mut title = words.replace('_', " ");
    if let Some(first) = title.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    title
}

fn manifest(curriculum: &Curriculum, package: Package) -> PathBuf {
    curriculum.root.join(package.dir()).join("Cargo.toml")
}

fn read_toml(path: &std::path::Path) -> Result<DocumentMut> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.parse()
        .with_context(|| format!("reading {} as TOML", path.display()))
}

fn tests(manifest: &DocumentMut) -> Option<&ArrayOfTables> {
    manifest.get("test")?.as_array_of_tables()
}

/// Writes `text` to a new file at `path`; an existing one is an error, never
/// overwritten (also when it appeared after the check above).
fn create(path: &std::path::Path, text: &str) -> Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))
}

/// `exercises.toml` with `exercise` after the last entry, written in the
/// file's own style (hints as multi-line strings); comments and layout kept.
fn metadata_entry(metadata: &DocumentMut, exercise: &Exercise) -> Result<DocumentMut> {
    let mut hints = String::new();
    for hint in &exercise.hints {
        hints.push_str(&["\"\"\"\n", hint, "\n\"\"\",\n"].concat());
    }
    let entry = format!(
        "\n[[exercise]]\nname = {}\ntitle = {}\ntopic = {}\nsection = {}\npoints = {}\nhints = [\n{hints}]\n",
        toml_edit::Value::from(exercise.name.as_str()),
        toml_edit::Value::from(exercise.title.as_str()),
        toml_edit::Value::from(exercise.topic.as_str()),
        toml_edit::Value::from(exercise.section.as_str()),
        exercise.points,
    );
    let entry: DocumentMut = entry.parse().context("the new exercise's entry")?;
    let Some(Item::ArrayOfTables(mut entries)) = entry.into_table().remove("exercise") else {
        unreachable!("the entry is one [[exercise]] table")
    };
    let mut table = entries.remove(0);
    // Its place in the entry's own text means nothing here: where it is
    // pushed, after the last exercise, is its place.
    table.set_position(None);
    let mut metadata = metadata.clone();
    let Some(list) = metadata
        .get_mut("exercise")
        .and_then(Item::as_array_of_tables_mut)
    else {
        bail!("curriculum/exercises.toml has no [[exercise]] list to add to");
    };
    list.push(table);
    Ok(metadata)
}

/// A crate's manifest with the `[[test]]` target `name` after the last one.
fn test_target(manifest: &DocumentMut, name: &str) -> DocumentMut {
    let mut manifest = manifest.clone();
    let mut target = Table::new();
    target.insert("name", toml_edit::value(name));
    target.insert("path", toml_edit::value(format!("tests/{name}.rs")));
    // A blank line before it, as between the others.
    target.decor_mut().set_prefix("\n");
    if let Some(targets) = manifest
        .get_mut("test")
        .and_then(Item::as_array_of_tables_mut)
    {
        targets.push(target);
    } else {
        let mut targets = ArrayOfTables::new();
        targets.push(target);
        manifest.insert("test", Item::ArrayOfTables(targets));
    }
    manifest
}

/// The lesson's opening, shared by the learner's file and the solution.
fn lesson(number: u32, exercise: &Exercise) -> String {
    format!(
        "// Exercise {number} · {title}
//
// {PLACEHOLDER}: the lesson, in a few short paragraphs, as the other
// exercises open: the idea this exercise shows; how it looks in barista
// (the API, and its Go counterpart where the reference page has one); what
// the timeline shows once it is solved.
//
// What to do: {PLACEHOLDER}: the goal, in one sentence, and what must stay
// as shipped. The tests run it at 1, 2 and 4 workers.
",
        title = exercise.title
    )
}

fn learners_file(number: u32, exercise: &Exercise) -> String {
    format!(
        "{}
/// {PLACEHOLDER}: what this function is, in the exercise's story.
pub async fn answer() -> u64 {{
    // {PLACEHOLDER}: rewrite the TODO below as this exercise's goal and
    // the constraint the learner works under.
    // TODO: return the answer, 42, without changing the signature.
    0
}}
",
        lesson(number, exercise)
    )
}

fn solution(number: u32, exercise: &Exercise) -> String {
    format!(
        "{}
/// {PLACEHOLDER}: what this function is, in the exercise's story.
pub async fn answer() -> u64 {{
    // {PLACEHOLDER}: the solution, and why it works.
    42
}}
",
        lesson(number, exercise)
    )
}

fn pristine_tests(number: u32, exercise: &Exercise) -> String {
    format!(
        "//! Exercise {number} · {title}.

#[macro_use]
mod common;
exercise!({name});

use common::look;

// {PLACEHOLDER}: the tests. As in curriculum/tests/common/mod.rs: turn what
// the learner's code returns into a plain type first and compare it with a
// value the test holds (never the learner's constants or trait impls); fail
// through `look(...)`, which tells the learner where to look; read no file
// and no environment variable. Every test must fail on the file as shipped.

/// What `answer` must return: the test's own value.
const ANSWER: u64 = 42;

#[barista::test(workers = [1, 2, 4])]
async fn gives_the_answer_at_every_worker_count() {{
    let answer: u64 = exercise::answer().await;
    assert!(
        answer == ANSWER,
        \"{{}}\",
        look(format!(
            \"answer() returned {{answer}}, but it should return {{ANSWER}}\"
        ))
    );
}}
",
        title = exercise.title,
        name = exercise.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_the_names_words() {
        assert_eq!(title("ex17_fan_out"), "Fan out");
        assert_eq!(title("ex03_two_dials"), "Two dials");
    }

    #[test]
    fn the_entry_is_appended_in_the_files_style() {
        let before = "# The list.\n\n[[exercise]]\nname = \"ex01_a\" # first\nhints = [\n\"\"\"\none\n\"\"\",\n]\n\n[[exercise]]\nname = \"ex02_a\"\n";
        let metadata: DocumentMut = before.parse().unwrap();
        let exercise = Exercise {
            name: "ex03_b".into(),
            title: "B".into(),
            topic: "t".into(),
            section: "s".into(),
            points: 5,
            hints: vec!["x".into(), "y".into()],
            compiles_as_shipped: true,
        };
        let after = metadata_entry(&metadata, &exercise).unwrap().to_string();
        assert_eq!(
            after,
            format!(
                "{before}\n[[exercise]]\nname = \"ex03_b\"\ntitle = \"B\"\ntopic = \"t\"\n\
                 section = \"s\"\npoints = 5\nhints = [\n\"\"\"\nx\n\"\"\",\n\"\"\"\ny\n\"\"\",\n]\n"
            )
        );
        let manifest: DocumentMut = "[package]\nname = \"x\"\n\n# Targets.\n[[test]]\nname = \"a\"\npath = \"tests/a.rs\"\n"
            .parse()
            .unwrap();
        assert_eq!(
            test_target(&manifest, "b").to_string(),
            "[package]\nname = \"x\"\n\n# Targets.\n[[test]]\nname = \"a\"\npath = \"tests/a.rs\"\n\n[[test]]\nname = \"b\"\npath = \"tests/b.rs\"\n"
        );
    }
}
