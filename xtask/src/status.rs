//! How an exercise's tests ended: one vocabulary for the learner's tool and
//! the grader. Every spelling of a status (the table's label, the page's
//! colour, the symbols, the learner's headline) comes from [`Status::words`],
//! the one place that lists them; a report format that has its own words
//! (Exercism's `pass`/`fail`/`error`, the elements of `JUnit`) derives them from a
//! [`Status`] in one function of its own.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// How an exercise's tests ended, or, for one test, how that test did.
/// Serialized as in barista's JSON schema: `passed`, `compile_error`, ...
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every test passed.
    Passed,
    /// Some tests ran and failed.
    Failed,
    /// The exercise file did not compile.
    CompileError,
    /// The tests ran past the time limit (deadlock, endless loop).
    TimedOut,
    /// The test process died: stack overflow, out of memory, killed, or it
    /// exited before the harness reported.
    Crashed,
    /// The submission has no file for this exercise.
    Missing,
    /// The file was refused before building (e.g. it shadows `assert!`).
    Rejected,
}

/// Every way a status is written for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Words {
    /// For tables and messages: `compile error`.
    pub label: &'static str,
    /// For names in files (a CSS class): `compile-error`.
    pub slug: &'static str,
    /// A symbol in common fonts (`DejaVu` has every one), beside a colour so
    /// that status does not rest on colour alone: `⚙`.
    pub symbol: &'static str,
    /// An emoji for Markdown, where there is no colour: `🛠`.
    pub icon: &'static str,
    /// A column-wide mark for the terminal's class table: `CE`.
    pub mark: &'static str,
    /// A headline for the learner: `does not compile yet.`
    pub message: &'static str,
}

impl Status {
    /// Every status, best first: the order of legends and bars.
    pub const ALL: [Status; 7] = [
        Status::Passed,
        Status::Failed,
        Status::CompileError,
        Status::TimedOut,
        Status::Crashed,
        Status::Missing,
        Status::Rejected,
    ];

    /// The status's words: the one table of them.
    #[must_use]
    pub const fn words(self) -> Words {
        let (label, slug, symbol, icon, mark, message) = match self {
            Status::Passed => (
                "passed",
                "passed",
                "✓",
                "✅",
                "ok",
                "PASSES: every test is green.",
            ),
            Status::Failed => ("failed", "failed", "✗", "❌", "F", "not yet: a test fails."),
            Status::CompileError => (
                "compile error",
                "compile-error",
                "⚙",
                "🛠",
                "CE",
                "does not compile yet.",
            ),
            Status::TimedOut => (
                "timed out",
                "timed-out",
                "∞",
                "⏱",
                "TO",
                "stopped: it ran past the time limit.",
            ),
            Status::Crashed => (
                "crashed",
                "crashed",
                "⚡",
                "💥",
                "X",
                "stopped: the test process crashed.",
            ),
            Status::Missing => (
                "missing",
                "missing",
                "—",
                "—",
                "-",
                "missing: there is no file for this exercise.",
            ),
            Status::Rejected => (
                "rejected",
                "rejected",
                "⊘",
                "🚫",
                "R",
                "refused: the file was rejected before it was built.",
            ),
        };
        Words {
            label,
            slug,
            symbol,
            icon,
            mark,
            message,
        }
    }

    #[must_use]
    pub const fn label(self) -> &'static str {
        self.words().label
    }

    #[must_use]
    pub const fn slug(self) -> &'static str {
        self.words().slug
    }

    #[must_use]
    pub const fn symbol(self) -> &'static str {
        self.words().symbol
    }

    #[must_use]
    pub const fn icon(self) -> &'static str {
        self.words().icon
    }

    #[must_use]
    pub const fn mark(self) -> &'static str {
        self.words().mark
    }

    #[must_use]
    pub const fn message(self) -> &'static str {
        self.words().message
    }

    /// How one test of an exercise with this status did: `Passed` when it
    /// passed (also before a time-out or crash: it earned its share),
    /// `Failed` when it ran and failed, and otherwise why it could not run
    /// or finish, the exercise's status.
    #[must_use]
    pub const fn of_test(self, passed: bool) -> Status {
        match (passed, self) {
            (true, _) => Status::Passed,
            (false, Status::Passed | Status::Failed) => Status::Failed,
            (false, status) => status,
        }
    }

    /// Whether the tests ran to their end: passed, or ran and failed.
    #[must_use]
    pub const fn ran(self) -> bool {
        matches!(self, Status::Passed | Status::Failed)
    }
}

/// What a run stopped at its time limit reports, for the learner and the
/// grader alike.
#[must_use]
pub fn timed_out_message(limit: Duration) -> String {
    format!(
        "did not finish in {} s: likely a deadlock or a task that never yields",
        limit.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_distinct_words() {
        let words: Vec<Words> = Status::ALL.iter().map(|s| s.words()).collect();
        for pick in [
            |w: &Words| w.label,
            |w: &Words| w.slug,
            |w: &Words| w.mark,
            |w: &Words| w.message,
        ] {
            let mut seen: Vec<&str> = words.iter().map(pick).collect();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), Status::ALL.len(), "{seen:?}");
        }
        // A slug names a CSS class: no spaces, nothing to escape.
        for w in &words {
            assert!(
                w.slug.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "{}",
                w.slug
            );
        }
    }

    #[test]
    fn serialized_as_in_the_json_schema() {
        let spelled: Vec<String> = Status::ALL
            .iter()
            .map(|s| serde_json::to_string(s).unwrap())
            .collect();
        assert_eq!(
            spelled,
            [
                "\"passed\"",
                "\"failed\"",
                "\"compile_error\"",
                "\"timed_out\"",
                "\"crashed\"",
                "\"missing\"",
                "\"rejected\""
            ]
        );
    }

    #[test]
    fn a_test_keeps_its_pass_and_otherwise_says_why() {
        assert_eq!(Status::TimedOut.of_test(true), Status::Passed);
        assert_eq!(Status::Failed.of_test(false), Status::Failed);
        assert_eq!(Status::Passed.of_test(false), Status::Failed);
        assert_eq!(Status::CompileError.of_test(false), Status::CompileError);
        assert!(Status::Failed.ran() && !Status::Crashed.ran());
    }
}
