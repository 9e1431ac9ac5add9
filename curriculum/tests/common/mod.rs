//! Shared by every curriculum test: how to include the exercise under test
//! and how to tell a learner where to look.
//!
//! Each exercise's test target is a small root file in the crate's `tests/`
//! folder: it declares the crate's `src/NAME.rs` as the module `NAME` (a
//! real module, so editors analyse the learner's file) and these pristine
//! tests as a module beside it. The same tests judge `exercises/` (the
//! learner's files) and `solutions/` alike, and the grader, which builds
//! every exercise as a module `NAME` of one crate.
//!
//! The tests trust nothing the learner's file defines beyond the behaviour
//! under test: every value that decides a verdict is first turned into a
//! plain type the tests name (`u64`, `String`, `Vec<&str>`, ...; an
//! exhaustive `match` for the learner's enums), and compared with an
//! expected value the test itself holds, never with one of the learner's
//! constants, nor through a trait impl the learner could write. No test
//! reads a file or an environment variable at run time: expected text is
//! written in the test, and compared by [`expect_text`].

#![allow(dead_code)]

// The macros below are used after `#[macro_use] mod common;`. The
// exercise's name is passed, not taken from the crate's: the grader builds
// every exercise's tests as modules of one crate.

/// Names the exercise these tests judge (`EXERCISE`, read by `look`).
#[allow(unused_macros)]
macro_rules! named {
    ($name:ident) => {
        const EXERCISE: &str = stringify!($name);
    };
}

/// `exercise`: the module under test, declared at the crate's root as
/// `NAME`; and the exercise's name.
#[allow(unused_macros)]
macro_rules! exercise {
    ($name:ident) => {
        named!($name);
        #[allow(unused_imports)]
        use crate::$name as exercise;
    };
}

/// The file the learner edits, as they would type it: `exercises/src/NAME.rs`.
pub fn file() -> String {
    format!("{}/src/{}.rs", env!("CARGO_PKG_NAME"), super::EXERCISE)
}

/// A failure message that ends with where to look and how to get a hint.
pub fn look(what_went_wrong: impl std::fmt::Display) -> String {
    format!(
        "{what_went_wrong}\n  --> look at {} (hint: cargo xtask hint {})",
        file(),
        super::EXERCISE
    )
}

/// A run of `main` at `workers` workers with a time limit, env ignored.
pub fn config(workers: usize) -> barista::Config {
    barista::Config::new()
        .workers(workers)
        .env_override(false)
        .timeout(std::time::Duration::from_secs(20))
}

/// Names of the non-`main` tasks in the order their polls started.
pub fn poll_order(trace: &barista::Trace) -> Vec<&'static str> {
    trace
        .polls()
        .iter()
        .map(|p| trace.task(p.task).map_or("?", |t| t.name))
        .filter(|name| *name != "main")
        .collect()
}

/// The text of a panic's payload.
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

/// Runs `call`; if it panics (a `todo!` not done yet), fails with a message
/// that says what to write.
pub fn attempt<T>(what: &str, call: impl FnOnce() -> T) -> T {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)) {
        Ok(value) => value,
        Err(panic) => panic!(
            "{}",
            look(format!("{what} panicked: {}", panic_message(&*panic)))
        ),
    }
}

/// Equal up to rounding.
pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

/// Fails, with a line diff and where to look, unless `actual` is exactly
/// `expected`. `what` names the text, e.g. "the timeline".
pub fn expect_text(what: &str, actual: &str, expected: &str) {
    if actual != expected {
        panic!(
            "{}",
            look(format!(
                "{what} is not what it should be (- expected, + got):\n{}",
                line_diff(expected, actual)
            ))
        );
    }
}

/// A line diff of two short texts: `  ` same, `- ` only in `old`, `+ ` only
/// in `new` (a longest common subsequence of lines; tests compare a few
/// dozen lines at most).
pub fn line_diff(old: &str, new: &str) -> String {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push_str(&format!("  {}\n", a[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push_str(&format!("- {}\n", a[i]));
            i += 1;
        } else {
            out.push_str(&format!("+ {}\n", b[j]));
            j += 1;
        }
    }
    if a == b {
        out.push_str(
            "(the lines are the same: the texts differ in line endings or a last newline)\n",
        );
    }
    out
}
