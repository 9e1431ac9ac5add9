//! barista's `cargo xtask`: the learner's workflow. `main.rs` is the command
//! line; the modules are a library so that integration tests and the
//! instructor's tools (`xtask/instructor`, which `grade`, `check`, `bench`
//! and `new` run) share the curriculum, the cargo runner and the verdict.

pub mod cargo;
pub mod copy;
pub mod curriculum;
pub mod learner;
pub mod process;
pub mod progress;
pub mod reset;
pub mod runner;
pub mod status;
pub mod terminal;
pub mod text;
pub mod verdict;
pub mod watch;

/// A command's exit status: 0 when it succeeded, 1 when it ran and found
/// something wrong (a failing exercise), 2 with the error printed when it
/// could not run.
pub fn exit_code(result: anyhow::Result<bool>) -> std::process::ExitCode {
    match result {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::from(2)
        }
    }
}
