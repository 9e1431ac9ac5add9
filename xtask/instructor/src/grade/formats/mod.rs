//! Report formats: each is a pure function of a [`ClassReport`], so that a
//! class graded once can be written for every tool an instructor uses.
//!
//! Single-file formats render the whole class into one file. Gradescope and
//! Exercism grade one submission per run, so they are written as one
//! `results.json` per student, in a folder named after the student.

pub mod csv;
pub mod exercism;
pub mod gradescope;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::model::{ClassReport, ExerciseInfo, ExerciseResult, Status, StudentReport};

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
    pub fn per_student(self) -> bool {
        matches!(self, Format::Gradescope | Format::Exercism)
    }
}

/// Writes `format` for the class into `dir` (creating subfolders as needed),
/// returns the path written: the file, or for a per-student format the
/// folder that holds one `<student>/results.json` per student.
pub fn write(format: Format, class: &ClassReport, dir: &Path) -> Result<PathBuf> {
    if !format.per_student() {
        let path = dir.join(format.file_name());
        write_file(&path, &render(format, class)?)?;
        return Ok(path);
    }
    let (folder, file) = format
        .file_name()
        .split_once('/')
        .expect("per-student file names have a folder");
    let root = dir.join(folder);
    let names = folder_names(&class.students);
    for (student, name) in class.students.iter().zip(names) {
        write_file(
            &root.join(name).join(file),
            &render_student(format, class, student)?,
        )?;
    }
    Ok(root)
}

/// The text of `format`. For the per-student formats this is a JSON object
/// from each student's name to what their `results.json` holds: handy to
/// read or pipe, but not itself a file Gradescope or Exercism reads.
pub fn render(format: Format, class: &ClassReport) -> Result<String> {
    Ok(match format {
        Format::Json => json::render(class)?,
        Format::Csv => csv::render(class),
        Format::Junit => junit::render(class),
        Format::Markdown => markdown::render(class),
        Format::Html => html::render(class),
        Format::Gradescope | Format::Exercism => {
            let mut all = serde_json::Map::new();
            for student in &class.students {
                all.insert(
                    student.student.clone(),
                    student_value(format, class, student)?,
                );
            }
            json_file(&all)?
        }
    })
}

/// A JSON file's text: pretty, ending with a newline (as text files do;
/// Exercism's runners and `jq` expect one).
pub fn json_file(value: &impl serde::Serialize) -> Result<String> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}

/// One student's `results.json` in a per-student format (Gradescope,
/// Exercism): what [`write`] puts in `<folder>/<student>/results.json`, for
/// writing it elsewhere, e.g. straight into an Exercism runner's output
/// folder. An error for the whole-class formats.
pub fn render_student(
    format: Format,
    class: &ClassReport,
    student: &StudentReport,
) -> Result<String> {
    // Serialized from the typed results where there are some, so that the
    // file keeps the spec's field order.
    Ok(match format {
        Format::Gradescope => json_file(&gradescope::render_student(&class.exercises, student))?,
        Format::Exercism => json_file(&exercism::render_student(&class.exercises, student))?,
        _ => bail!("{format:?} is a whole-class format: use render"),
    })
}

fn student_value(
    format: Format,
    class: &ClassReport,
    student: &StudentReport,
) -> Result<serde_json::Value> {
    Ok(match format {
        Format::Gradescope => gradescope::render_student(&class.exercises, student),
        Format::Exercism => {
            serde_json::to_value(exercism::render_student(&class.exercises, student))?
        }
        _ => unreachable!("{format:?} is not a per-student format"),
    })
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

// ---------------------------------------------------------------------------
// Helpers shared by the formats.

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
        (part / whole * 100.0).round().clamp(0.0, 100.0) as u32
    } else {
        0
    }
}

/// The mean score of the class; 0 for an empty class.
pub(crate) fn class_average(class: &ClassReport) -> f64 {
    if class.students.is_empty() {
        return 0.0;
    }
    class.students.iter().map(|s| s.score).sum::<f64>() / class.students.len() as f64
}

/// The exercise's two-digit number: taken from its name (`ex07_...` is
/// `07`) so that it matches the curriculum even when only some exercises
/// were graded, else its position in the list, counting from 1.
pub(crate) fn exercise_number(exercise: &ExerciseInfo, index: usize) -> String {
    let digits: String = exercise
        .name
        .strip_prefix("ex")
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    if digits.is_empty() {
        format!("{:02}", index + 1)
    } else {
        digits
    }
}

/// The student's result for `exercise`, looked up by name rather than by
/// position so that a report with an exercise left out still lines up.
pub(crate) fn result_for<'a>(
    student: &'a StudentReport,
    exercise: &ExerciseInfo,
) -> Option<&'a ExerciseResult> {
    student.exercises.iter().find(|r| r.name == exercise.name)
}

/// How one pristine test ended, for the formats that report tests rather
/// than exercises (Exercism, JUnit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Pass,
    /// The test ran and failed.
    Fail,
    /// The test could not run, or could not finish: the exercise did not
    /// compile, was missing or rejected, timed out or crashed.
    Error,
}

/// The outcome of each of the exercise's tests. Tests that passed before a
/// time-out or crash keep their pass (they earned partial credit). An
/// exercise that lists no tests is reported as one test named after the
/// exercise, so that it still shows up in test-based reports.
pub(crate) fn test_outcomes(result: &ExerciseResult) -> Vec<(&str, Outcome)> {
    let failed = match result.status {
        Status::Passed | Status::Failed => Outcome::Fail,
        Status::CompileError
        | Status::TimedOut
        | Status::Crashed
        | Status::Missing
        | Status::Rejected => Outcome::Error,
    };
    if result.tests.is_empty() {
        let outcome = if result.status == Status::Passed {
            Outcome::Pass
        } else {
            failed
        };
        return vec![(result.name.as_str(), outcome)];
    }
    result
        .tests
        .iter()
        .map(|t| {
            (
                t.name.as_str(),
                if t.passed { Outcome::Pass } else { failed },
            )
        })
        .collect()
}

/// One safe folder name per student, in order: no path separators, no
/// `..`, no control or Windows-reserved characters, no hidden folder, and
/// no two students in the same folder.
pub(crate) fn folder_names(students: &[StudentReport]) -> Vec<String> {
    let mut taken = HashSet::new();
    students
        .iter()
        .map(|s| {
            let base = safe_folder_name(&s.student);
            let mut name = base.clone();
            // Compare case-insensitively: macOS and Windows would merge them.
            let mut n = 2;
            while !taken.insert(name.to_lowercase()) {
                name = format!("{base}~{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// Longest folder name kept, in characters (file systems allow 255 bytes).
const FOLDER_NAME_CHARS: usize = 100;

pub(crate) fn safe_folder_name(student: &str) -> String {
    let mut name = String::new();
    for c in student.trim().chars().take(FOLDER_NAME_CHARS) {
        let unsafe_char =
            c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|');
        // A leading dot hides the folder; a dot after a dot could spell `..`.
        let unsafe_dot = c == '.' && (name.is_empty() || name.ends_with('.'));
        name.push(if unsafe_char || unsafe_dot { '_' } else { c });
    }
    if name.is_empty() {
        name.push_str("student");
    }
    name
}

/// `text` cut to at most `max` bytes, at a character boundary.
pub(crate) fn cap_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Whether XML 1.0 allows `c` at all, even escaped: no control characters
/// but tab and line breaks, and not the two noncharacters U+FFFE, U+FFFF.
/// (Rust's `char` already excludes surrogates.)
pub(crate) fn xml_allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes text content for XML and HTML: the five special characters
/// become entities, characters XML forbids are dropped, and a carriage
/// return is kept as `&#13;` because parsers would otherwise fold it away.
pub(crate) fn escape_text(text: &str) -> String {
    escape(text, false)
}

/// Escapes an attribute value (to go between double quotes): as
/// [`escape_text`], and line breaks and tabs become character references,
/// because XML parsers turn raw ones into spaces in attributes.
pub(crate) fn escape_attr(text: &str) -> String {
    escape(text, true)
}

fn escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|&c| xml_allowed(c)) {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod xml {
    //! A small XML reader for tests: enough to check that a report is
    //! well-formed (balanced tags, quoted attributes, only known entities,
    //! no stray `<` or `&`) and to look at its structure. The HTML dashboard
    //! is written so that it passes too (void elements self-closed).

    use std::collections::HashSet;

    #[derive(Debug, Clone, PartialEq)]
    pub struct Element {
        pub name: String,
        pub attrs: Vec<(String, String)>,
        pub children: Vec<Node>,
    }

    #[derive(Debug, Clone, PartialEq)]
    pub enum Node {
        Element(Element),
        Text(String),
    }

    impl Element {
        pub fn attr(&self, name: &str) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        }

        /// Every element below this one (depth first) named `name`.
        pub fn find_all(&self, name: &str) -> Vec<&Element> {
            let mut found = Vec::new();
            self.collect(name, &mut found);
            found
        }

        fn collect<'a>(&'a self, name: &str, found: &mut Vec<&'a Element>) {
            for child in &self.children {
                if let Node::Element(e) = child {
                    if e.name == name {
                        found.push(e);
                    }
                    e.collect(name, found);
                }
            }
        }

        /// The text inside, entities decoded.
        pub fn text(&self) -> String {
            self.children
                .iter()
                .map(|c| match c {
                    Node::Text(t) => t.clone(),
                    Node::Element(e) => e.text(),
                })
                .collect()
        }
    }

    /// Parses a document: an optional `<?xml ...?>` and `<!DOCTYPE ...>`,
    /// comments, and exactly one root element.
    pub fn parse(text: &str) -> Result<Element, String> {
        let mut p = Parser { text, at: 0 };
        p.skip_misc()?;
        let root = p.element()?;
        p.skip_misc()?;
        if p.at != text.len() {
            return Err(format!("content after the root element at byte {}", p.at));
        }
        Ok(root)
    }

    struct Parser<'a> {
        text: &'a str,
        at: usize,
    }

    impl<'a> Parser<'a> {
        fn rest(&self) -> &'a str {
            &self.text[self.at..]
        }

        fn fail<T>(&self, what: &str) -> Result<T, String> {
            let near: String = self.rest().chars().take(40).collect();
            Err(format!("{what} at byte {}: {near:?}", self.at))
        }

        fn skip_space(&mut self) {
            let rest = self.rest();
            self.at += rest.len() - rest.trim_start().len();
        }

        fn skip_past(&mut self, end: &str) -> Result<(), String> {
            match self.rest().find(end) {
                Some(i) => {
                    self.at += i + end.len();
                    Ok(())
                }
                None => self.fail(&format!("no closing {end}")),
            }
        }

        /// Prolog, doctype, comments and space outside the root.
        fn skip_misc(&mut self) -> Result<(), String> {
            loop {
                self.skip_space();
                if self.rest().starts_with("<?") {
                    self.skip_past("?>")?;
                } else if self.rest().starts_with("<!--") {
                    self.skip_past("-->")?;
                } else if self.rest().starts_with("<!DOCTYPE")
                    || self.rest().starts_with("<!doctype")
                {
                    self.skip_past(">")?;
                } else {
                    return Ok(());
                }
            }
        }

        fn name(&mut self) -> Result<String, String> {
            let rest = self.rest();
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')))
                .unwrap_or(rest.len());
            if len == 0 {
                return self.fail("expected a name");
            }
            self.at += len;
            Ok(rest[..len].to_string())
        }

        fn element(&mut self) -> Result<Element, String> {
            if !self.rest().starts_with('<') {
                return self.fail("expected an element");
            }
            self.at += 1;
            let name = self.name()?;
            let mut attrs = Vec::new();
            let mut seen = HashSet::new();
            loop {
                let before = self.at;
                self.skip_space();
                if self.rest().starts_with("/>") {
                    self.at += 2;
                    return Ok(Element {
                        name,
                        attrs,
                        children: Vec::new(),
                    });
                }
                if self.rest().starts_with('>') {
                    self.at += 1;
                    break;
                }
                if self.at == before {
                    return self.fail("expected space before an attribute");
                }
                let attr = self.name()?;
                if !seen.insert(attr.clone()) {
                    return self.fail(&format!("attribute {attr} repeated"));
                }
                if !self.rest().starts_with("=\"") {
                    return self.fail("expected =\" after an attribute name");
                }
                self.at += 2;
                let end = self.rest().find('"').map(|i| self.at + i);
                let Some(end) = end else {
                    return self.fail("unclosed attribute value");
                };
                let raw = &self.text[self.at..end];
                if raw.contains('<') {
                    return self.fail("raw < in an attribute value");
                }
                attrs.push((attr, decode(raw)?));
                self.at = end + 1;
            }
            let children = self.content(&name)?;
            Ok(Element {
                name,
                attrs,
                children,
            })
        }

        /// Children up to and including `</name>`.
        fn content(&mut self, name: &str) -> Result<Vec<Node>, String> {
            let mut children = Vec::new();
            loop {
                let rest = self.rest();
                if rest.is_empty() {
                    return self.fail(&format!("<{name}> is never closed"));
                }
                if let Some(after) = rest.strip_prefix("</") {
                    let close = after
                        .split(|c: char| c == '>' || c.is_whitespace())
                        .next()
                        .unwrap_or("");
                    if close != name {
                        return self.fail(&format!("</{close}> closes <{name}>"));
                    }
                    self.at += 2 + close.len();
                    self.skip_space();
                    if !self.rest().starts_with('>') {
                        return self.fail("expected > in a closing tag");
                    }
                    self.at += 1;
                    return Ok(children);
                }
                if rest.starts_with("<!--") {
                    self.skip_past("-->")?;
                } else if rest.starts_with('<') {
                    children.push(Node::Element(self.element()?));
                } else {
                    let len = rest.find('<').unwrap_or(rest.len());
                    children.push(Node::Text(decode(&rest[..len])?));
                    self.at += len;
                }
            }
        }
    }

    /// Decodes the five entities and numeric references; anything else
    /// after `&` is an error, as in XML.
    fn decode(raw: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = raw;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let end = rest[i..]
                .find(';')
                .ok_or_else(|| format!("unterminated & in {raw:?}"))?;
            let entity = &rest[i + 1..i + end];
            let c = match entity {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let code = if let Some(hex) = entity.strip_prefix("#x") {
                        u32::from_str_radix(hex, 16).ok()
                    } else if let Some(dec) = entity.strip_prefix('#') {
                        dec.parse().ok()
                    } else {
                        None
                    };
                    code.and_then(char::from_u32)
                        .filter(|&c| super::xml_allowed(c))
                        .ok_or_else(|| format!("unknown entity &{entity}; in {raw:?}"))?
                }
            };
            out.push(c);
            rest = &rest[i + end + 1..];
        }
        for c in rest.chars().chain(out.chars()) {
            if !super::xml_allowed(c) {
                return Err(format!("character {c:?} not allowed in XML"));
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    #[test]
    fn reads_a_document_and_rejects_broken_ones() {
        let doc = parse("<?xml version=\"1.0\"?>\n<a x=\"1 &amp; 2\"><b/>t&lt;&#10;<c>d</c></a>\n")
            .unwrap();
        assert_eq!(doc.attr("x"), Some("1 & 2"));
        assert_eq!(doc.text(), "t<\nd");
        assert_eq!(doc.find_all("c").len(), 1);
        for broken in [
            "<a><b></a></b>",
            "<a>",
            "<a x=1/>",
            "<a>&nbsp;</a>",
            "<a>x & y</a>",
            "<a x=\"<\"/>",
            "<a/><b/>",
            "<a x=\"1\" x=\"2\"/>",
            "<a>\u{1}</a>",
        ] {
            assert!(parse(broken).is_err(), "{broken:?} should not parse");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::model::fixture;

    #[test]
    fn json_files_end_with_one_newline() {
        let class = fixture::class();
        let mut texts = vec![
            render(Format::Json, &class).unwrap(),
            render(Format::Gradescope, &class).unwrap(),
            render(Format::Exercism, &class).unwrap(),
        ];
        for format in [Format::Gradescope, Format::Exercism] {
            texts.push(render_student(format, &class, &class.students[0]).unwrap());
        }
        for text in texts {
            assert!(text.ends_with("}\n"), "{text}");
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
    }

    #[test]
    fn exercise_numbers_come_from_names() {
        let info = |name: &str| ExerciseInfo {
            name: name.into(),
            title: String::new(),
            points: 1.0,
        };
        assert_eq!(exercise_number(&info("ex07_disjoint_writes"), 0), "07");
        assert_eq!(exercise_number(&info("bonus"), 2), "03");
    }

    #[test]
    fn folder_names_are_safe_and_distinct() {
        assert_eq!(safe_folder_name("ada"), "ada");
        assert_eq!(safe_folder_name("bob <script>"), "bob _script_");
        assert_eq!(safe_folder_name(".."), "_.");
        assert_eq!(safe_folder_name("../../etc"), "_._.__etc");
        assert_eq!(safe_folder_name("a..b"), "a._b");
        assert_eq!(safe_folder_name(".hidden"), "_hidden");
        assert_eq!(safe_folder_name("tab\there\nnul\0"), "tab_here_nul_");
        assert_eq!(safe_folder_name("  "), "student");
        assert_eq!(safe_folder_name(&"x".repeat(300)).len(), FOLDER_NAME_CHARS);
        for hostile in ["..", "a/../b", "C:\\x", "\u{7f}", "/", "./."] {
            let name = safe_folder_name(hostile);
            assert!(
                !name.contains('/') && !name.contains('\\') && !name.contains(".."),
                "{hostile:?} -> {name:?}"
            );
            assert!(
                !name.chars().any(char::is_control) && !name.starts_with('.'),
                "{hostile:?} -> {name:?}"
            );
        }
        let mut class = fixture::class();
        class.students[1].student = "ADA".into();
        class.students[2].student = "a/da".into();
        let names = folder_names(&class.students);
        assert_eq!(names, ["ada", "ADA~2", "a_da"]);
    }

    #[test]
    fn escaping_covers_the_five_characters_and_drops_illegal_ones() {
        assert_eq!(
            escape_text("a & b < c > d \"e\" 'f'"),
            "a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39;"
        );
        assert_eq!(
            escape_text("line\nnext\r\u{0}\u{1b}\u{fffe}ok"),
            "line\nnext&#13;ok"
        );
        assert_eq!(escape_attr("a\nb\tc"), "a&#10;b&#9;c");
        let hostile = "<b>&amp;\"'\u{1}\n";
        let doc = xml::parse(&format!(
            "<a x=\"{}\">{}</a>",
            escape_attr(hostile),
            escape_text(hostile)
        ))
        .unwrap();
        assert_eq!(doc.attr("x"), Some("<b>&amp;\"'\n"));
        assert_eq!(doc.text(), "<b>&amp;\"'\n");
    }

    #[test]
    fn cap_bytes_keeps_whole_characters() {
        assert_eq!(cap_bytes("héllo", 2), "h");
        assert_eq!(cap_bytes("héllo", 3), "hé");
        assert_eq!(cap_bytes("hi", 10), "hi");
    }

    #[test]
    fn test_outcomes_follow_status() {
        let class = fixture::class();
        let cy = &class.students[2];
        assert_eq!(
            test_outcomes(&cy.exercises[0]),
            [("takes_turns", Outcome::Error)]
        );
        let bob = &class.students[1];
        assert_eq!(
            test_outcomes(&bob.exercises[1]),
            [
                ("two_workers", Outcome::Pass),
                ("one_worker_deadlocks", Outcome::Fail)
            ]
        );
        let mut missing = cy.exercises[0].clone();
        missing.tests.clear();
        missing.status = Status::Missing;
        assert_eq!(
            test_outcomes(&missing),
            [("ex01_interleaved", Outcome::Error)]
        );
    }

    #[test]
    fn write_puts_every_format_where_file_name_says() {
        let class = fixture::class();
        let dir = tempfile::tempdir().unwrap();
        for format in Format::ALL {
            let path = write(format, &class, dir.path()).unwrap();
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
                let text = std::fs::read_to_string(&path).unwrap();
                assert_eq!(text.trim_end(), render(format, &class).unwrap().trim_end());
                assert!(text.ends_with('\n'));
            }
        }
    }

    #[test]
    fn render_student_is_the_written_file() {
        let class = fixture::class();
        let dir = tempfile::tempdir().unwrap();
        let folder = write(Format::Exercism, &class, dir.path()).unwrap();
        let written = std::fs::read_to_string(folder.join("cy/results.json")).unwrap();
        let text = render_student(Format::Exercism, &class, &class.students[2]).unwrap();
        assert_eq!(written, text, "the same text, its final newline included");
        assert!(text.starts_with("{\n  \"version\": 2,"), "{text}");
        assert!(render_student(Format::Csv, &class, &class.students[2]).is_err());
    }

    #[test]
    fn per_student_formats_render_as_a_map_by_student() {
        let class = fixture::class();
        for format in [Format::Gradescope, Format::Exercism] {
            let all: serde_json::Value =
                serde_json::from_str(&render(format, &class).unwrap()).unwrap();
            let keys: Vec<&String> = all.as_object().unwrap().keys().collect();
            assert_eq!(keys, ["ada", "bob <script>", "cy"]);
        }
    }
}
