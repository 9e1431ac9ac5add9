//! The exercises of `exercises/`, solved, file for file. The instructor's
//! self-check (`cargo xtask check`) runs the same tests against both crates.
