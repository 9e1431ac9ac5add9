//! Exercise 14 · Rust rejects the data race.
//!
//! Unlike the other exercises, this one is a whole program (`fn main`) that
//! does not compile as shipped: the compiler's error IS the lesson. So this
//! target does not use `exercise!()`, which would include the file into the
//! test crate and turn its compile error into this test's. The test hands
//! the file to `rustc` as a program of its own (it needs nothing but the
//! standard library), shows the compiler's message when it does not build,
//! and runs it when it does.

#[macro_use]
mod common;
named!(ex14_data_race_rejected);

use std::path::PathBuf;
use std::process::Command;

/// The learner's file, as they know it (`exercises/src/...`): the compiler
/// runs from the folder above the crate, so its messages name that path.
const SOURCE: &str = concat!(env!("CARGO_PKG_NAME"), "/src/ex14_data_race_rejected.rs");

#[test]
fn the_counter_program_compiles_and_counts_to_4000() {
    let folder = Scratch::new();
    let program = folder.0.join("ex14_data_race_rejected");
    let compiled = Command::new(rustc())
        .args(["--edition", "2021", "--crate-type", "bin"])
        .args(["--crate-name", "ex14_data_race_rejected"])
        .args(["-C", "debuginfo=0", "-o"])
        .arg(&program)
        .arg(SOURCE)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .expect("the Rust compiler runs (rustc, or $RUSTC)");
    assert!(
        compiled.status.success(),
        "{}",
        common::look(format!(
            "the counter program does not compile yet; the compiler says:\n\n{}",
            String::from_utf8_lossy(&compiled.stderr).trim_end()
        ))
    );
    let output = Command::new(&program)
        .output()
        .expect("the compiled program starts");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}",
        common::look(format!(
            "the program compiles, but it did not exit normally ({}); it printed {printed:?} and\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim_end()
        ))
    );
    assert!(
        printed.lines().any(|line| line.trim() == "count: 4000"),
        "{}",
        common::look(format!(
            "the program compiles and runs, but it printed {printed:?}, not `count: 4000`"
        ))
    );
}

/// The compiler cargo was run with where it says so, else the one on `PATH`
/// (under rustup, the toolchain this test was built with).
fn rustc() -> std::ffi::OsString {
    std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into())
}

/// A folder of this run's own for the compiled program, removed at the end:
/// no run ever finds a program an earlier run built.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let folder = std::env::temp_dir().join(format!(
            "barista-ex14-{}-{:?}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos()
        ));
        std::fs::create_dir_all(&folder).expect("a temporary folder for the program");
        Scratch(folder)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
