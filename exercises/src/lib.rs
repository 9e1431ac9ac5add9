//! The learner's exercises: one module a file, solved in order with
//! `cargo xtask`. The curriculum arrives here exercise by exercise; until
//! then this crate only proves the layout builds.
