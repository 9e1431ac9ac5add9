//! JUnit XML, the format CI services read test reports in: one
//! `<testsuite>` per student, one `<testcase>` per pristine test with
//! `classname="<student>.<exercise>"`. A test that ran and failed has a
//! `<failure>`; one that could not run or finish (compile error, time-out,
//! crash, rejected or missing file) has an `<error>`. Nothing is skipped:
//! a test the student did not attempt still counts against them.

use super::{escape_attr, escape_text, number, test_outcomes, Outcome};
use crate::grade::model::{ClassReport, ExerciseResult, StudentReport};

/// The `message` attribute is a one-line summary; the whole message goes
/// in the element's text.
const SUMMARY_CHARS: usize = 200;

pub fn render(class: &ClassReport) -> String {
    let suites: Vec<Suite> = class.students.iter().map(suite).collect();
    let count = |f: fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"barista grading\" tests=\"{}\" failures=\"{}\" errors=\"{}\">\n",
        count(|s| s.tests),
        count(|s| s.failures),
        count(|s| s.errors)
    ));
    for s in &suites {
        out.push_str(&s.xml);
    }
    out.push_str("</testsuites>\n");
    out
}

/// One student's `<testsuite>`, with the counts its opening tag and the
/// `<testsuites>` totals need.
struct Suite {
    tests: usize,
    failures: usize,
    errors: usize,
    xml: String,
}

fn suite(student: &StudentReport) -> Suite {
    let mut cases = String::new();
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    for result in &student.exercises {
        for (test, outcome) in test_outcomes(result) {
            tests += 1;
            match outcome {
                Outcome::Pass => {}
                Outcome::Fail => failures += 1,
                Outcome::Error => errors += 1,
            }
            cases.push_str(&testcase(&student.student, result, test, outcome));
        }
    }
    let xml = format!(
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" \
         errors=\"{errors}\" skipped=\"0\">\n{}{cases}  </testsuite>\n",
        escape_attr(&student.student),
        properties(student),
    );
    Suite {
        tests,
        failures,
        errors,
        xml,
    }
}

/// The student's score, which JUnit has no place for otherwise.
fn properties(student: &StudentReport) -> String {
    let property = |name: &str, value: &str| {
        format!(
            "      <property name=\"{name}\" value=\"{}\"/>\n",
            escape_attr(value)
        )
    };
    let mut out = String::from("    <properties>\n");
    out.push_str(&property("score", &number(student.score)));
    out.push_str(&property("max_score", &number(student.max_score)));
    for file in &student.ignored {
        out.push_str(&property("ignored", file));
    }
    out.push_str("    </properties>\n");
    out
}

fn testcase(student: &str, result: &ExerciseResult, test: &str, outcome: Outcome) -> String {
    let open = format!(
        "    <testcase classname=\"{}.{}\" name=\"{}\"",
        escape_attr(student),
        escape_attr(&result.name),
        escape_attr(test)
    );
    let (element, kind) = match outcome {
        Outcome::Pass => return format!("{open}/>\n"),
        Outcome::Fail => ("failure", "failed"),
        Outcome::Error => ("error", result.status.label()),
    };
    let message = if result.message.is_empty() {
        result.status.label()
    } else {
        result.message.as_str()
    };
    format!(
        "{open}>\n      <{element} message=\"{}\" type=\"{}\">{}</{element}>\n    </testcase>\n",
        escape_attr(&summary(message)),
        escape_attr(kind),
        escape_text(message)
    )
}

/// The first line of `message`, cut to [`SUMMARY_CHARS`].
fn summary(message: &str) -> String {
    let line = message.lines().next().unwrap_or("");
    if line.chars().count() <= SUMMARY_CHARS {
        return line.to_string();
    }
    let cut: String = line.chars().take(SUMMARY_CHARS).collect();
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grade::formats::xml::{self, Element};
    use crate::grade::model::{fixture, Status};

    fn parsed(class: &ClassReport) -> Element {
        let text = render(class);
        xml::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn count(e: &Element, attr: &str) -> usize {
        e.attr(attr).unwrap().parse().unwrap()
    }

    #[test]
    fn is_well_formed_with_one_suite_per_student() {
        let root = parsed(&fixture::class());
        assert_eq!(root.name, "testsuites");
        let suites = root.find_all("testsuite");
        let names: Vec<&str> = suites.iter().map(|s| s.attr("name").unwrap()).collect();
        assert_eq!(names, ["ada", "bob <script>", "cy"]);
        // The counts match the test cases, per suite and in total.
        for suite in &suites {
            let cases = suite.find_all("testcase");
            assert_eq!(count(suite, "tests"), cases.len());
            assert_eq!(count(suite, "failures"), suite.find_all("failure").len());
            assert_eq!(count(suite, "errors"), suite.find_all("error").len());
            assert!(suite.find_all("skipped").is_empty());
        }
        assert_eq!(
            (
                count(&root, "tests"),
                count(&root, "failures"),
                count(&root, "errors")
            ),
            (9, 1, 3)
        );
    }

    #[test]
    fn failures_and_errors_carry_the_message() {
        let root = parsed(&fixture::class());
        let suites = root.find_all("testsuite");
        let bob_cases = suites[1].find_all("testcase");
        let failed = bob_cases[2];
        assert_eq!(failed.attr("classname"), Some("bob <script>.ex02_parallel"));
        assert_eq!(failed.attr("name"), Some("one_worker_deadlocks"));
        let failure = &failed.find_all("failure")[0];
        let message = "on one worker this run should deadlock, but it finished & \"quoted\" <b>";
        assert_eq!(failure.attr("message"), Some(message));
        assert_eq!(failure.text(), message);
        assert!(bob_cases[1].children.is_empty(), "a passed test is empty");

        let cy_cases = suites[2].find_all("testcase");
        let error = &cy_cases[0].find_all("error")[0];
        assert_eq!(error.attr("type"), Some("compile error"));
        assert_eq!(
            error.attr("message"),
            Some("error[E0308]: mismatched types")
        );
        assert_eq!(
            cy_cases[2].find_all("error")[0].attr("type"),
            Some("timed out")
        );
    }

    #[test]
    fn the_score_is_a_property() {
        let root = parsed(&fixture::class());
        let bob = root.find_all("testsuite")[1];
        let props: Vec<(&str, &str)> = bob
            .find_all("property")
            .iter()
            .map(|p| (p.attr("name").unwrap(), p.attr("value").unwrap()))
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
    }

    #[test]
    fn hostile_text_stays_well_formed() {
        let mut class = fixture::class();
        let cy = &mut class.students[2];
        cy.student = "cy' \"&<]]>\u{0}\u{1b}".into();
        cy.exercises[0].status = Status::Rejected;
        cy.exercises[0].message = format!("line one\r\nline two </error>\u{7}{}", "x".repeat(500));
        let root = parsed(&class);
        let suite = root.find_all("testsuite")[2];
        assert_eq!(suite.attr("name"), Some("cy' \"&<]]>"));
        let error = &suite.find_all("error")[0];
        assert_eq!(error.attr("type"), Some("rejected"));
        assert_eq!(error.attr("message"), Some("line one"));
        assert!(error.text().starts_with("line one\r\nline two </error>xxx"));
        assert!(summary(&"y".repeat(300)).chars().count() == SUMMARY_CHARS + 1);
    }
}
