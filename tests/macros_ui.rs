//! Compile-time checks of the attribute macros: what compiles, and what
//! each mistake reports, and where (`tests/ui/fail/*.stderr`).
//!
//! After changing a message, regenerate the expected output with
//! `TRYBUILD=overwrite cargo test --test macros_ui`, then read the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
