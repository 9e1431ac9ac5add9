//! barista's `cargo xtask`: the learner's workflow. `main.rs` is the command
//! line; the modules are a library so that integration tests and the
//! instructor's tools (`xtask/instructor`, which `grade`, `check` and
//! `bench` run) share the curriculum, the cargo runner and the verdict.

pub mod copy;
pub mod curriculum;
pub mod learner;
pub mod progress;
pub mod reset;
pub mod runner;
pub mod verdict;
pub mod watch;
