//! JUnit XML, the format CI services read test reports in, written with
//! `quick-junit`: one `<testsuite>` per student, one `<testcase>` per
//! pristine test with `classname="<student>.<exercise>"`, in the order of
//! the test file, with its `time`. A test that ran and failed has a
//! `<failure>`; one that could not run or finish (compile error, time-out,
//! crash, rejected or missing file) has an `<error>`: its `message` a
//! one-line summary, the whole text inside. Nothing is skipped: a test the
//! student did not attempt still counts against them.

use std::time::Duration;

use anyhow::Result;
use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};

use super::view::{ResultView, StudentView, TestView};
use super::{number, ClassView, Rendered};
use crate::grade::model::{printable, Status};
use xtask::text::{self, Keep};

/// The `message` attribute is a one-line summary; the whole message goes
/// in the element's text.
const SUMMARY_BYTES: usize = 200;

pub fn render(view: &ClassView) -> Result<Rendered> {
    let mut report = Report::new("barista grading");
    let mut total = Duration::ZERO;
    for student in &view.students {
        let suite = suite(student);
        total += suite.time.unwrap_or_default();
        report.add_test_suite(suite);
    }
    report.set_time(total);
    Ok(Rendered::Class(valid_for_jenkins(&report.to_string()?)))
}

/// Stands for a tab while quick-junit writes the report: it drops tabs
/// (with every other control character), and a message's tabs are the
/// student's. A noncharacter, so no text means it; one in the text itself
/// is escaped first ([`with_tabs_kept`]).
const TAB: char = '\u{fdd0}';

/// `text` with its tabs carried through quick-junit as [`TAB`].
fn with_tabs_kept(text: &str) -> String {
    text.replace(TAB, "\\u{fdd0}")
        .replace('\t', &TAB.to_string())
}

/// quick-junit's XML as Jenkins' `junit-10.xsd` has it: `<testsuites>`
/// takes no `skipped` (its suites do), and tabs come back as `&#9;`.
fn valid_for_jenkins(xml: &str) -> String {
    let xml = xml.replace(TAB, "&#9;");
    let Some(start) = xml.find("<testsuites") else {
        return xml;
    };
    let end = start + xml[start..].find('>').unwrap_or(0);
    let tag = &xml[start..end];
    let Some(at) = tag.find(" skipped=\"") else {
        return xml;
    };
    let close =
        at + " skipped=\"".len() + tag[at + " skipped=\"".len()..].find('"').unwrap_or(0) + 1;
    format!("{}{}{}", &xml[..start + at], &tag[close..], &xml[end..])
}

/// One student's `<testsuite>`: the score as properties (JUnit has no place
/// for it otherwise), a test case per test, and the time its exercises'
/// test processes ran.
fn suite(student: &StudentView) -> TestSuite {
    let mut suite = TestSuite::new(student.name.as_str());
    suite.add_property(Property::new("score", number(student.report.score)));
    suite.add_property(Property::new("max_score", number(student.report.max_score)));
    for file in &student.report.ignored {
        suite.add_property(Property::new("ignored", printable(file, false)));
    }
    let mut time = Duration::ZERO;
    for result in student.results.iter().flatten() {
        time += seconds(result.result.seconds);
        for test in &result.tests {
            suite.add_test_case(test_case(student, result, test));
        }
    }
    suite.set_time(time);
    suite
}

fn test_case(student: &StudentView, result: &ResultView, test: &TestView) -> TestCase {
    let mut case = TestCase::new(test.name, status(result, test));
    case.set_classname(format!("{}.{}", student.name, result.result.name));
    // A test that did not finish has no time of its own.
    case.set_time(seconds(test.seconds));
    case
}

/// JUnit's words for how a test ended: the one place they are chosen.
fn status(result: &ResultView, test: &TestView) -> TestCaseStatus {
    let kind = match test.status {
        Status::Passed => return TestCaseStatus::success(),
        Status::Failed => NonSuccessKind::Failure,
        _ => NonSuccessKind::Error,
    };
    let why = result.why(test);
    let mut status = TestCaseStatus::non_success(kind);
    status
        .set_message(with_tabs_kept(&summary(&why)))
        .set_type(test.status.label())
        .set_description(with_tabs_kept(&why));
    status
}

/// The line of `message` that says what went wrong, capped: libtest's
/// `test NAME failed:` and `thread 'NAME' panicked at FILE:LINE:COL:`
/// lines only say where, so the first other line.
fn summary(message: &str) -> String {
    let boilerplate = |line: &str| {
        let line = line.trim();
        line.is_empty()
            || (line.starts_with("test ") && line.ends_with(" failed:"))
            // `thread 'NAME' panicked at`; newer Rust adds the thread's
            // id: `thread 'NAME' (7) panicked at`.
            || (line.starts_with("thread '") && line.contains(" panicked at ") && line.ends_with(':'))
            || (line.starts_with("---- ") && line.ends_with(" ----"))
            // `#[barista::test]`'s own header: `NAME failed at 1 worker
            // (repetition 1 of 3):`, the failure on the lines after it.
            || (line.ends_with(':') && line.contains(" failed at ") && line.contains(" worker"))
    };
    let line = message
        .lines()
        .find(|l| !boilerplate(l))
        .or_else(|| message.lines().next())
        .unwrap_or("")
        .trim();
    text::cap(line, Keep::Bytes(SUMMARY_BYTES)).into_owned()
}

fn seconds(seconds: Option<f64>) -> Duration {
    seconds
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map_or(Duration::ZERO, Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use roxmltree::{Document, Node};

    use super::*;
    use crate::grade::formats::{text, Format};
    use crate::grade::model::{fixture, ClassReport};

    fn render(class: &ClassReport) -> String {
        text(Format::Junit, &ClassView::new(class)).unwrap()
    }

    fn named<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Vec<Node<'a, 'i>> {
        node.descendants()
            .filter(|n| n.has_tag_name(name))
            .collect()
    }

    fn count(node: Node, attr: &str) -> usize {
        node.attribute(attr).unwrap().parse().unwrap()
    }

    fn time(node: Node) -> f64 {
        node.attribute("time").unwrap().parse().unwrap()
    }

    /// Checks `test` against the report read back, the way a CI service
    /// reads it.
    fn read(text: &str, test: impl FnOnce(Node)) {
        let doc = Document::parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        test(doc.root_element());
    }

    #[test]
    fn is_well_formed_with_one_suite_per_student() {
        read(&render(&fixture::class()), |root| {
            assert_eq!(root.tag_name().name(), "testsuites");
            let suites = named(root, "testsuite");
            let names: Vec<&str> = suites
                .iter()
                .map(|s| s.attribute("name").unwrap())
                .collect();
            assert_eq!(names, ["ada", "bob <script>", "cy"]);
            // The counts match the test cases, per suite and in total.
            for suite in &suites {
                assert_eq!(count(*suite, "tests"), named(*suite, "testcase").len());
                assert_eq!(count(*suite, "failures"), named(*suite, "failure").len());
                assert_eq!(count(*suite, "errors"), named(*suite, "error").len());
                assert!(named(*suite, "skipped").is_empty());
            }
            assert_eq!(
                (
                    count(root, "tests"),
                    count(root, "failures"),
                    count(root, "errors")
                ),
                (9, 1, 3)
            );
        });
    }

    #[test]
    fn every_case_and_suite_has_its_time() {
        read(&render(&fixture::class()), |root| {
            let suites = named(root, "testsuite");
            // A suite: its exercises' runs; the class: every suite.
            let suite_times: Vec<f64> = suites.iter().map(|s| time(*s)).collect();
            assert_eq!(suite_times, [2.0, 1.75, 10.0]);
            assert_eq!(time(root), 13.75);
            let bob: Vec<(String, f64)> = named(suites[1], "testcase")
                .iter()
                .map(|c| (c.attribute("name").unwrap().to_string(), time(*c)))
                .collect();
            assert_eq!(
                bob,
                [
                    ("takes_turns".to_string(), 0.25),
                    ("two_workers".to_string(), 0.25),
                    ("one_worker_deadlocks".to_string(), 0.75)
                ],
                "in the test file's order, each its own time"
            );
            // A test that never finished ran no time of its own.
            assert!(named(suites[2], "testcase").iter().all(|c| time(*c) == 0.0));
        });
    }

    #[test]
    fn failures_and_errors_carry_their_own_message() {
        read(&render(&fixture::class()), |root| {
            let suites = named(root, "testsuite");
            let bob_cases = named(suites[1], "testcase");
            let failed = bob_cases[2];
            assert_eq!(
                failed.attribute("classname"),
                Some("bob <script>.ex02_parallel")
            );
            assert_eq!(failed.attribute("name"), Some("one_worker_deadlocks"));
            let failure = named(failed, "failure")[0];
            // The summary says what went wrong, not where.
            assert_eq!(
                failure.attribute("message"),
                Some("on one worker this run should deadlock, but it finished & \"quoted\" <b>")
            );
            assert_eq!(failure.attribute("type"), Some("failed"));
            assert_eq!(failure.text(), Some(fixture::DEADLOCK_FAILURE));
            assert!(!bob_cases[1].has_children(), "a passed test is empty");

            let cy_cases = named(suites[2], "testcase");
            let error = named(cy_cases[0], "error")[0];
            assert_eq!(error.attribute("type"), Some("compile error"));
            assert_eq!(
                error.attribute("message"),
                Some("error[E0308]: mismatched types")
            );
            assert_eq!(
                named(cy_cases[2], "error")[0].attribute("type"),
                Some("timed out")
            );
        });
    }

    #[test]
    fn two_failing_tests_do_not_share_a_failure() {
        let mut class = fixture::class();
        let result = &mut class.students[1].exercises[1];
        result.tests[1].passed = false;
        result.tests[1].message =
            "thread 'judged::ex02_parallel::two_workers' panicked at x.rs:1:1:\nonly one barista ran"
                .into();
        read(&render(&class), |root| {
            let bob = named(root, "testsuite")[1];
            let failures: Vec<(&str, &str)> = named(bob, "failure")
                .iter()
                .map(|f| (f.attribute("message").unwrap(), f.text().unwrap()))
                .collect();
            assert_eq!(failures.len(), 2);
            assert_eq!(failures[0].0, "only one barista ran");
            assert!(failures[0].1.ends_with("only one barista ran"));
            assert!(failures[1].0.starts_with("on one worker"));
            assert_ne!(failures[0].1, failures[1].1);
        });
    }

    #[test]
    fn the_score_is_a_property() {
        read(&render(&fixture::class()), |root| {
            let bob = named(root, "testsuite")[1];
            let props: Vec<(&str, &str)> = named(bob, "property")
                .iter()
                .map(|p| (p.attribute("name").unwrap(), p.attribute("value").unwrap()))
                .collect();
            assert_eq!(
                props,
                [
                    ("score", "5"),
                    ("max_score", "15"),
                    ("ignored", "exercises/Cargo.toml"),
                    ("ignored", "exercises/build.rs")
                ]
            );
        });
    }

    #[test]
    fn hostile_text_stays_well_formed_and_inert() {
        let mut class = fixture::class();
        let cy = &mut class.students[2];
        cy.student = "cy' \"&<]]>\u{0}\u{1b}[31m\u{fffe}".into();
        cy.exercises[0].status = Status::Rejected;
        cy.exercises[0].message = format!("line one\r\nline two </error>\u{7}{}", "x".repeat(500));
        cy.ignored = vec!["a\nb.rs".into()];
        let text = render(&class);
        assert!(
            !text.contains(['\u{0}', '\u{1b}', '\u{7}', '\u{fffe}']),
            "{text:?}"
        );
        read(&text, |root| {
            let suite = named(root, "testsuite")[2];
            assert_eq!(
                suite.attribute("name"),
                Some("cy' \"&<]]>\\u{0}\\u{1b}[31m\\u{fffe}")
            );
            let error = named(suite, "error")[0];
            assert_eq!(error.attribute("type"), Some("rejected"));
            assert_eq!(error.attribute("message"), Some("line one\\u{d}"));
            assert!(error
                .text()
                .unwrap()
                .starts_with("line one\\u{d}\nline two </error>\\u{7}xxx"));
            let ignored = named(suite, "property")[2];
            assert_eq!(ignored.attribute("value"), Some("a\\u{a}b.rs"));
        });
    }

    /// What Jenkins' `junit-10.xsd` allows each element (the schema CI
    /// services validate against): its attributes and its children.
    fn junit_10(element: &str) -> (&'static [&'static str], &'static [&'static str]) {
        match element {
            "testsuites" => (
                &["name", "time", "tests", "failures", "disabled", "errors"],
                &["testsuite"],
            ),
            "testsuite" => (
                &[
                    "name",
                    "tests",
                    "failures",
                    "errors",
                    "group",
                    "time",
                    "disabled",
                    "skipped",
                    "timestamp",
                    "hostname",
                    "id",
                    "package",
                    "file",
                    "log",
                    "url",
                    "version",
                ],
                &["properties", "testcase", "system-out", "system-err"],
            ),
            "properties" => (&[], &["property"]),
            "property" => (&["name", "value"], &[]),
            "testcase" => (
                &[
                    "name",
                    "assertions",
                    "time",
                    "classname",
                    "status",
                    "group",
                    "file",
                    "line",
                ],
                &[
                    "skipped",
                    "error",
                    "failure",
                    "rerunFailure",
                    "rerunError",
                    "flakyFailure",
                    "flakyError",
                    "system-out",
                    "system-err",
                ],
            ),
            "failure" | "error" => (&["message", "type"], &[]),
            "skipped" => (&["message"], &[]),
            "system-out" | "system-err" => (&[], &[]),
            other => panic!("junit-10.xsd has no element {other}"),
        }
    }

    fn check_junit_10(node: Node) {
        let (attributes, children) = junit_10(node.tag_name().name());
        for attribute in node.attributes() {
            assert!(
                attributes.contains(&attribute.name()),
                "<{}> may not have {}",
                node.tag_name().name(),
                attribute.name()
            );
        }
        for child in node.children().filter(Node::is_element) {
            assert!(
                children.contains(&child.tag_name().name()),
                "<{}> may not hold <{}>",
                node.tag_name().name(),
                child.tag_name().name()
            );
            check_junit_10(child);
        }
    }

    #[test]
    fn every_report_is_valid_under_junit_10() {
        let mut hostile = fixture::class();
        hostile.students[2].student = "cy <\"&'>\u{1b}".into();
        hostile.students[2].ignored = vec!["a\tb.rs".into()];
        for class in [fixture::class(), hostile] {
            read(&render(&class), check_junit_10);
        }
        // The checker itself refuses what the schema refuses.
        let refused =
            std::panic::catch_unwind(|| read("<testsuites skipped=\"0\"/>", check_junit_10));
        assert!(refused.is_err());
    }

    #[test]
    fn tabs_in_a_message_are_kept() {
        let mut class = fixture::class();
        let result = &mut class.students[1].exercises[1];
        result.tests[1].passed = false;
        result.tests[1].message = "expected\tcolumns\tapart \u{fdd0}".into();
        read(&render(&class), |root| {
            let bob = named(root, "testsuite")[1];
            let failure = named(bob, "failure")[0];
            assert_eq!(
                failure.attribute("message"),
                Some("expected\tcolumns\tapart \\u{fdd0}")
            );
            assert!(failure.text().unwrap().contains("expected\tcolumns\tapart"));
        });
    }

    #[test]
    fn summaries_are_one_line_and_capped() {
        assert_eq!(
            summary("all::ex01::judged::takes_turns failed at 1 worker (repetition 1 of 3):\nonly one barista ran"),
            "only one barista ran"
        );
        assert_eq!(
            summary("test judged::a::b failed:\nthread 'judged::a::b' panicked at t.rs:3:5:\nexpected 2, got 3\nmore"),
            "expected 2, got 3"
        );
        assert_eq!(
            summary("thread 'x' panicked at t.rs:1:1:"),
            "thread 'x' panicked at t.rs:1:1:"
        );
        assert_eq!(
            summary("thread 'x' (7) panicked at t.rs:1:1:\nthe (7) form"),
            "the (7) form"
        );
        let long = summary(&"y".repeat(300));
        assert!(
            long.len() <= SUMMARY_BYTES && long.ends_with("more bytes]"),
            "{long}"
        );
    }
}
