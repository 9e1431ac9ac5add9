//! Report formats: each is a pure function of a [`ClassView`] (the class
//! report with its figures computed once), so that a class graded once can
//! be written for every tool an instructor uses. Every format has the same
//! signature, `render(&ClassView) -> Result<Rendered>`, and is written
//! through a typed serde struct or a crate's writer, which escape by
//! construction.
//!
//! Single-file formats render the whole class into one file. Gradescope and
//! Exercism grade one submission per run, so they are written as one
//! `results.json` per student, in a folder named after the student.

mod csv;
mod exercism;
mod gradescope;
mod html;
mod json;
mod junit;
mod markdown;
pub mod view;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::ser::{SerializeMap, Serializer};

pub use view::ClassView;

/// A report format, as named on the command line (`--format junit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// barista's own schema: everything grading found.
    Json,
    /// Gradescope autograder `results.json`, one per student.
    Gradescope,
    /// Exercism test-runner `results.json` (version 2), one per student.
    Exercism,
    /// One row per student, for a gradebook.
    Csv,
    /// JUnit XML, for CI test reports.
    Junit,
    /// A GitHub Actions step summary.
    Markdown,
    /// A self-contained class dashboard.
    Html,
}

/// What a format made of the class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rendered {
    /// One file for the whole class.
    Class(String),
    /// One file per student, in the order of [`ClassView::students`].
    PerStudent(Vec<String>),
}

impl Format {
    pub const ALL: [Format; 7] = [
        Format::Json,
        Format::Gradescope,
        Format::Exercism,
        Format::Csv,
        Format::Junit,
        Format::Markdown,
        Format::Html,
    ];

    /// Where the format goes, relative to the report folder. For the
    /// per-student formats the student's folder comes between the two parts
    /// (`gradescope/<student>/results.json`).
    #[must_use]
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "results.json",
            Format::Gradescope => "gradescope/results.json",
            Format::Exercism => "exercism/results.json",
            Format::Csv => "grades.csv",
            Format::Junit => "junit.xml",
            Format::Markdown => "summary.md",
            Format::Html => "dashboard.html",
        }
    }

    /// Whether the format holds one submission per file.
    #[must_use]
    pub fn per_student(self) -> bool {
        matches!(self, Format::Gradescope | Format::Exercism)
    }

    /// The format's writer.
    fn renderer(self) -> fn(&ClassView) -> Result<Rendered> {
        match self {
            Format::Json => json::render,
            Format::Gradescope => gradescope::render,
            Format::Exercism => exercism::render,
            Format::Csv => csv::render,
            Format::Junit => junit::render,
            Format::Markdown => markdown::render,
            Format::Html => html::render,
        }
    }
}

/// `format` made of the class.
///
/// # Errors
///
/// When the format's writer fails (it writes into memory: only on a bug).
pub fn render(format: Format, view: &ClassView) -> Result<Rendered> {
    (format.renderer())(view)
}

/// The text of `format` as one document. For the per-student formats this
/// is a JSON object from each student's name to what their `results.json`
/// holds: handy to read or pipe, but not itself a file Gradescope or
/// Exercism reads.
///
/// # Errors
///
/// As [`render`].
pub fn text(format: Format, view: &ClassView) -> Result<String> {
    match render(format, view)? {
        Rendered::Class(text) => Ok(text),
        Rendered::PerStudent(files) => {
            let mut out = Vec::new();
            let mut serializer = serde_json::Serializer::pretty(&mut out);
            let mut map = serializer.serialize_map(Some(files.len()))?;
            for (student, file) in view.students.iter().zip(&files) {
                let value: &serde_json::value::RawValue = serde_json::from_str(file)?;
                map.serialize_entry(&student.report.student, value)?;
            }
            map.end()?;
            Ok(String::from_utf8(out)? + "\n")
        }
    }
}

/// Writes `format` for the class into `dir` (creating subfolders as needed),
/// returns the path written: the file, or for a per-student format the
/// folder that holds one `<student>/results.json` per student.
///
/// # Errors
///
/// When a folder or file cannot be written; the message names it.
///
/// # Panics
///
/// Never: every per-student format's file name has a folder.
pub fn write(format: Format, view: &ClassView, dir: &Path) -> Result<PathBuf> {
    match render(format, view)? {
        Rendered::Class(text) => {
            let path = dir.join(format.file_name());
            write_file(&path, &text)?;
            Ok(path)
        }
        Rendered::PerStudent(files) => {
            let (folder, file) = format
                .file_name()
                .split_once('/')
                .expect("per-student file names have a folder");
            let root = dir.join(folder);
            for (student, text) in view.students.iter().zip(files) {
                write_file(&root.join(&student.folder).join(file), &text)?;
            }
            Ok(root)
        }
    }
}

/// A JSON file's text: pretty, ending with a newline (as text files do;
/// Exercism's runners and `jq` expect one).
///
/// # Errors
///
/// When `value` cannot be serialized as JSON.
pub fn json_file(value: &impl serde::Serialize) -> Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

/// Writes `text` with a final newline, creating the folders above `path`.
fn write_file(path: &Path, text: &str) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut text = text.to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// A score for people: at most two decimals, no trailing zeros (`5`, `2.5`,
/// `3.33`), so that partial credit like 10/3 does not print 16 digits.
pub(crate) fn number(x: f64) -> String {
    let rounded = (x * 100.0).round() / 100.0;
    if rounded == 0.0 {
        // Also turns -0 into 0.
        return "0".to_string();
    }
    // f64's Display is the shortest text that reads back the same value,
    // and prints whole numbers without `.0`.
    format!("{rounded}")
}

/// `part` of `whole` as a whole percentage; 0 when there is no whole.
pub(crate) fn percent(part: f64, whole: f64) -> u32 {
    if whole > 0.0 {
        // Clamped to 0..=100 first, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let share = (part / whole * 100.0).round().clamp(0.0, 100.0) as u32;
        share
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::model::fixture;

    #[test]
    fn json_files_end_with_one_newline() {
        let class = fixture::class();
        let view = ClassView::new(&class);
        let mut texts = Vec::new();
        for format in [Format::Json, Format::Gradescope, Format::Exercism] {
            texts.push(text(format, &view).unwrap());
            if let Rendered::PerStudent(files) = render(format, &view).unwrap() {
                texts.extend(files);
            }
        }
        assert_eq!(texts.len(), 3 + 2 * 3);
        for text in texts {
            assert!(text.ends_with("}\n") && !text.ends_with("}\n\n"), "{text}");
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
        }
    }

    #[test]
    fn numbers_have_no_trailing_noise() {
        assert_eq!(number(5.0), "5");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(number(10.0 / 3.0), "3.33");
        assert_eq!(number(-0.0), "0");
        assert_eq!(number(0.004), "0");
        assert_eq!(number(1234.0), "1234");
        assert_eq!((percent(1.0, 3.0), percent(5.0, 0.0)), (33, 0));
    }

    #[test]
    fn every_format_renders_as_it_says() {
        let class = fixture::class();
        let view = ClassView::new(&class);
        for format in Format::ALL {
            match render(format, &view).unwrap() {
                Rendered::Class(_) => assert!(!format.per_student(), "{format:?}"),
                Rendered::PerStudent(files) => {
                    assert!(format.per_student(), "{format:?}");
                    assert_eq!(files.len(), class.students.len());
                }
            }
        }
    }

    #[test]
    fn write_puts_every_format_where_file_name_says() {
        let class = fixture::class();
        let view = ClassView::new(&class);
        let dir = tempfile::tempdir().unwrap();
        for format in Format::ALL {
            let path = write(format, &view, dir.path()).unwrap();
            if format.per_student() {
                let folder = format.file_name().split('/').next().unwrap();
                assert_eq!(path, dir.path().join(folder));
                for name in ["ada", "bob _script_", "cy"] {
                    let text =
                        std::fs::read_to_string(path.join(name).join("results.json")).unwrap();
                    serde_json::from_str::<serde_json::Value>(&text).unwrap();
                }
            } else {
                assert_eq!(path, dir.path().join(format.file_name()));
                let written = std::fs::read_to_string(&path).unwrap();
                assert_eq!(written.trim_end(), text(format, &view).unwrap().trim_end());
                assert!(written.ends_with('\n'));
            }
        }
    }

    #[test]
    fn a_per_student_file_is_the_written_file() {
        let class = fixture::class();
        let view = ClassView::new(&class);
        let dir = tempfile::tempdir().unwrap();
        let folder = write(Format::Exercism, &view, dir.path()).unwrap();
        let written = std::fs::read_to_string(folder.join("cy/results.json")).unwrap();
        let Rendered::PerStudent(files) = render(Format::Exercism, &view).unwrap() else {
            panic!("Exercism is per student");
        };
        assert_eq!(
            written, files[2],
            "the same text, its final newline included"
        );
        assert!(files[2].starts_with("{\n  \"version\": 2,"), "{}", files[2]);
    }

    #[test]
    fn per_student_formats_render_as_a_map_by_student() {
        let class = fixture::class();
        let view = ClassView::new(&class);
        for format in [Format::Gradescope, Format::Exercism] {
            let all: serde_json::Value =
                serde_json::from_str(&text(format, &view).unwrap()).unwrap();
            let keys: Vec<&String> = all.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["ada", "bob <script>", "cy"]);
        }
    }
}
