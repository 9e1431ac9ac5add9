//! Shared by every curriculum test: how to include the exercise under test
//! and how to tell a learner where to look.
//!
//! Each test target includes `src/NAME.rs` of the crate that runs it, so the
//! same pristine tests judge `exercises/` (the learner's files) and
//! `solutions/` alike.

#![allow(dead_code)]

/// `mod exercise { <this crate's src/NAME.rs> }`, NAME being the test target.
#[macro_export]
macro_rules! exercise {
    () => {
        #[allow(dead_code)]
        mod exercise {
            include!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/src/",
                env!("CARGO_CRATE_NAME"),
                ".rs"
            ));
        }
    };
}

/// The file the learner edits, as they would type it: `exercises/src/NAME.rs`.
pub fn file() -> String {
    format!(
        "{}/src/{}.rs",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_CRATE_NAME")
    )
}

/// A failure message that ends with where to look and how to get a hint.
pub fn look(what_went_wrong: impl std::fmt::Display) -> String {
    format!(
        "{what_went_wrong}\n  --> look at {} (hint: cargo xtask hint {})",
        file(),
        env!("CARGO_CRATE_NAME")
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
