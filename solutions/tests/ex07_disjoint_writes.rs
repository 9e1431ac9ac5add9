//! Exercise 7's test target: `src/ex07_disjoint_writes.rs` as a module of its own (so
//! that editors analyse it), judged by the pristine tests beside it.
//! `cargo xtask check` keeps this file as it is.

#[allow(dead_code)]
#[path = "../src/ex07_disjoint_writes.rs"]
mod ex07_disjoint_writes;

#[path = "../../curriculum/tests/ex07_disjoint_writes.rs"]
mod tests;
