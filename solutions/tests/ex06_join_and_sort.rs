//! Exercise 6's test target: `src/ex06_join_and_sort.rs` as a module of its own (so
//! that editors analyse it), judged by the pristine tests beside it.
//! `cargo xtask check` keeps this file as it is.

#[allow(dead_code)]
#[path = "../src/ex06_join_and_sort.rs"]
mod ex06_join_and_sort;

#[path = "../../curriculum/tests/ex06_join_and_sort.rs"]
mod tests;
