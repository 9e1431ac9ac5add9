//! Exercise 13's test target: `src/ex13_hidden_race.rs` as a module of its own (so
//! that editors analyse it), judged by the pristine tests beside it.
//! `cargo xtask check` keeps this file as it is.

#[allow(dead_code)]
#[path = "../src/ex13_hidden_race.rs"]
mod ex13_hidden_race;

#[path = "../../curriculum/tests/ex13_hidden_race.rs"]
mod tests;
