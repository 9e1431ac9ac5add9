//! barista's `cargo xtask`: the learner's workflow, the instructor's checks
//! and the benchmark report. `main.rs` is the command line; the modules are
//! a library so that integration tests and benchmarks can use them.

pub mod bench;
pub mod check;
pub mod contain;
pub mod copy;
pub mod curriculum;
pub mod grade;
pub mod grade_cli;
pub mod learner;
pub mod progress;
pub mod reset;
pub mod runner;
pub mod verdict;
pub mod watch;
