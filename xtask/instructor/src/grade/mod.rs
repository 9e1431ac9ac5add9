//! `cargo xtask grade`: the pristine tests against every student's
//! exercise files, contained, with reports in the formats instructors'
//! tools import.

mod build;
pub mod combine;
pub mod formats;
mod intake;
mod judge;
mod lock;
pub mod model;
mod pipeline;
mod run;
mod sandbox;
mod score;
mod scratch;
mod screen;
mod shown;

pub use intake::{class_folders, ClassFolders};
pub use pipeline::{grade_class, Options};
