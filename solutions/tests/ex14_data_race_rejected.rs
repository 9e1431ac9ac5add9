//! Exercise 14's test target: `src/ex14_data_race_rejected.rs` as a module of its own (so
//! that editors analyse it), judged by the pristine tests beside it.
//! `cargo xtask check` keeps this file as it is.

#[allow(dead_code)]
#[path = "../src/ex14_data_race_rejected.rs"]
mod ex14_data_race_rejected;

#[path = "../../curriculum/tests/ex14_data_race_rejected.rs"]
mod tests;
