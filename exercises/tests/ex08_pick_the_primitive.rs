//! Exercise 8's test target: `src/ex08_pick_the_primitive.rs` as a module of its own (so
//! that editors analyse it), judged by the pristine tests beside it.
//! `cargo xtask check` keeps this file as it is.

#[allow(dead_code)]
#[path = "../src/ex08_pick_the_primitive.rs"]
mod ex08_pick_the_primitive;

#[path = "../../curriculum/tests/ex08_pick_the_primitive.rs"]
mod tests;
