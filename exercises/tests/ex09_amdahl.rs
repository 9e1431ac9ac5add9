//! Exercise 9's test target: `src/ex09_amdahl.rs` as a module of its own (so
//! that editors analyse it), judged by the pristine tests beside it.
//! `cargo xtask check` keeps this file as it is.

#[allow(dead_code)]
#[path = "../src/ex09_amdahl.rs"]
mod ex09_amdahl;

#[path = "../../curriculum/tests/ex09_amdahl.rs"]
mod tests;
