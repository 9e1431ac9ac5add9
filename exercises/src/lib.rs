//! The learner's exercises. Each `src/exNN_*.rs` is not a module of this
//! library but of its own test target (`tests/exNN_*.rs`), so that editors
//! analyse every file while one that does not compile fails only its own
//! exercise. Solve them in order with `cargo xtask`.
