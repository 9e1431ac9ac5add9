//! The class's reports read back through each format's own rules.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::class::Graded;

/// A message that is another test's report: libtest's header names it.
fn names_another(message: &str, exercise: &str, test: &str) -> bool {
    message.lines().any(|line| {
        line.strip_prefix(&format!("test judged::{exercise}::"))
            .and_then(|rest| rest.strip_suffix(" failed:"))
            .is_some_and(|named| named != test)
    })
}

/// The test functions of a pristine test file in the file's order, read
/// line by line (not with the grader's own parser).
fn file_order(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut marked = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with("#[test]") || line.starts_with("#[barista::test") {
            marked = true;
        } else if marked {
            if let Some(rest) = line
                .strip_prefix("async fn ")
                .or_else(|| line.strip_prefix("fn "))
            {
                names.push(rest.split('(').next().unwrap().to_string());
                marked = false;
            }
        }
    }
    names
}

/// Each exercise's tests in the order of its test file, each with its body
/// from the file as `test_code` (a hidden test's never shown), and a
/// failing test never carrying another test's failure.
pub fn exercism(class: &Graded) {
    let root = &class.root;
    let mut files = 0;
    let mut failures_seen = 0;
    // Each pristine test file, read once: its test functions in order, and its text.
    let mut pristine_files: BTreeMap<String, (Vec<String>, String)> = BTreeMap::new();
    for (file, text) in class
        .reports
        .iter()
        .filter(|(name, _)| name.starts_with("exercism/"))
    {
        files += 1;
        assert!(text.ends_with("}\n"), "{file}");
        let results: Value = serde_json::from_str(text).unwrap();
        let mut seen: Vec<(String, usize)> = Vec::new();
        for test in results["tests"].as_array().unwrap() {
            let name = test["name"].as_str().unwrap();
            let Some((exercise, test_name)) = name.split_once("::") else {
                continue;
            };
            let code = test["test_code"].as_str().unwrap();
            if test_name.starts_with("hidden test ") {
                assert_eq!(
                    code, "// one of the instructor's hidden tests",
                    "{file}: {name}"
                );
                continue;
            }
            let function = test_name.split("::").next().unwrap();
            let (order, pristine) =
                pristine_files
                    .entry(exercise.to_string())
                    .or_insert_with(|| {
                        let path = root.join(format!("curriculum/tests/{exercise}.rs"));
                        let text = std::fs::read_to_string(path).unwrap();
                        (file_order(&text), text)
                    });
            let place = order
                .iter()
                .position(|f| f == function)
                .unwrap_or_else(|| panic!("{name} is not in its test file: {order:?}"));
            if let Some((last_exercise, last)) = seen.last() {
                assert!(
                    last_exercise != exercise || *last <= place,
                    "{file}: {name} out of its test file's order"
                );
            }
            seen.push((exercise.to_string(), place));
            assert!(
                !code.is_empty() && code.lines().all(|l| pristine.contains(l.trim())),
                "{name}: test_code is not its body: {code}"
            );
            if test["status"] == "fail" {
                failures_seen += 1;
                let message = test["message"].as_str().unwrap();
                assert!(
                    !message.is_empty() && !names_another(message, exercise, test_name),
                    "{name} carries another test's failure: {message}"
                );
            }
        }
        if results["status"] == "error" {
            assert!(results["message"].is_string(), "{file}");
        }
    }
    assert!(files > 10, "one report a student");
    assert!(failures_seen > 0, "the class has failing tests");
}

/// A time on every case and suite, a failure's summary that is not
/// libtest's header line, and no failure naming another test.
pub fn junit(class: &Graded) {
    let doc = roxmltree::Document::parse(&class.reports["junit.xml"]).unwrap();
    let time = |node: roxmltree::Node| -> f64 {
        node.attribute("time")
            .unwrap_or_else(|| panic!("no time on {node:?}"))
            .parse()
            .unwrap()
    };
    assert!(time(doc.root_element()) >= 0.0);
    let mut failures = 0;
    for node in doc.descendants() {
        if node.has_tag_name("testsuite") || node.has_tag_name("testcase") {
            assert!(time(node) >= 0.0);
        }
        if node.has_tag_name("failure") {
            failures += 1;
            let case = node.parent_element().unwrap();
            let class = case.attribute("classname").unwrap();
            let exercise = class.rsplit('.').next().unwrap();
            let test = case.attribute("name").unwrap();
            let summary = node.attribute("message").unwrap();
            // Not libtest's header lines, which say only where.
            let header = summary.starts_with("test ")
                || (summary.starts_with("thread '") && summary.contains(" panicked at "));
            assert!(!header && !summary.contains('\n'), "{test}: {summary}");
            assert!(
                !names_another(node.text().unwrap_or(""), exercise, test),
                "{class}::{test} carries another test's failure"
            );
        }
    }
    assert!(failures > 0, "the class has failing tests");
}

/// No control character but line breaks and tabs in any report a person
/// reads.
pub fn no_control_characters(class: &Graded) {
    for report in ["summary.md", "grades.csv", "junit.xml", "dashboard.html"] {
        let text = &class.reports[report];
        let control: Vec<char> = text
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .collect();
        assert!(control.is_empty(), "{report} holds {control:?}");
    }
}
