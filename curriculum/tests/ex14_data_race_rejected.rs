//! Exercise 14 · Rust rejects the data race.
//!
//! Unlike the other exercises, this one is a whole program (`fn main`) that
//! does not compile as shipped: the compiler's error IS the lesson. So this
//! target does not use `exercise!()`, which would include the file into the
//! test crate and turn its compile error into this test's. trybuild builds
//! the file as a program of its own, runs it, and shows the compiler's
//! message when it does not build.

#[macro_use]
mod common;
named!(ex14_data_race_rejected);

#[test]
fn the_counter_program_compiles_and_counts_to_4000() {
    // Shown only if the test fails (libtest captures it otherwise).
    println!(
        "{}",
        common::look(
            "the counter program must compile, print `count: 4000` and exit normally; \
             the compiler's own error, if any, is printed above"
        )
    );
    let cases = trybuild::TestCases::new();
    cases.pass(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/ex14_data_race_rejected.rs"
    ));
    // Dropping the cases builds and runs them.
}
