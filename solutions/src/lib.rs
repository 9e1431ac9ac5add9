//! The exercises of `exercises/`, solved, file for file, in the same layout
//! (each file a module of its own test target). The instructor's self-check
//! (`cargo xtask check`) runs the same tests against both crates.
