//! The instructor's side of `cargo xtask`: `grade` (a class, contained),
//! `check` (the curriculum's self-check), `bench` (BENCHMARKS.md), `new`
//! (an exercise scaffolded) and `classroom` (the students' repository). Its
//! own crate so that the learner's first `cargo xtask` never builds the
//! sandbox, the source checks or the report writers.

pub mod bench;
pub mod check;
pub mod classroom;
pub mod contain;
pub mod grade;
pub mod grade_cli;
pub mod scaffold;
mod side_by_side;
