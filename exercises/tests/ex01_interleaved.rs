//! Exercise 1's test target: `src/ex01_interleaved.rs` as a module of its own (so
//! that editors analyse it), judged by the pristine tests beside it.
//! `cargo xtask check` keeps this file as it is.

#[allow(dead_code)]
#[path = "../src/ex01_interleaved.rs"]
mod ex01_interleaved;

#[path = "../../curriculum/tests/ex01_interleaved.rs"]
mod tests;
