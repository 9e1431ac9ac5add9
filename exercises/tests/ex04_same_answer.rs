//! Exercise 4's test target: `src/ex04_same_answer.rs` as a module of its own (so
//! that editors analyse it), judged by the pristine tests beside it.
//! `cargo xtask check` keeps this file as it is.

#[allow(dead_code)]
#[path = "../src/ex04_same_answer.rs"]
mod ex04_same_answer;

#[path = "../../curriculum/tests/ex04_same_answer.rs"]
mod tests;
