//! `cargo xtask grade`: the pristine tests against every student's
//! exercise files, contained, with reports in the formats instructors'
//! tools import.

mod build;
pub mod combine;
pub mod formats;
mod intake;
pub mod model;
mod pipeline;
mod sandbox;
mod scratch;

pub use intake::class_folders;
pub use pipeline::{grade_class, Options};
