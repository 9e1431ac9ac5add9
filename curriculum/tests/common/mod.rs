//! Shared by every curriculum test: how to include the exercise under test
//! and how to tell a learner where to look.
//!
//! Each test target includes `src/NAME.rs` of the crate that runs it, so the
//! same pristine tests judge `exercises/` (the learner's files) and
//! `solutions/` alike.

#![allow(dead_code)]

// The macros below are used after `#[macro_use] mod common;`. The
// exercise's name is passed, not taken from the crate's: the grader also
// builds every exercise's tests as modules of one crate.

/// Names the exercise these tests judge (`EXERCISE`, read by `look`).
#[allow(unused_macros)]
macro_rules! named {
    ($name:ident) => {
        const EXERCISE: &str = stringify!($name);
    };
}

/// `mod exercise { <this crate's src/NAME.rs> }`, and the exercise's name.
#[allow(unused_macros)]
macro_rules! exercise {
    ($name:ident) => {
        named!($name);
        #[allow(dead_code)]
        mod exercise {
            include!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/",
                stringify!($name),
                ".rs"
            ));
        }
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
