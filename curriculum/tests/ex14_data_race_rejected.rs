//! Exercise 14 · Rust rejects the data race.
//!
//! Unlike the other exercises, this one is a whole program (`fn main`) that
//! does not compile as shipped: the compiler's error IS the lesson. So this
//! target does not use `exercise!()`, which would include the file into the
//! test crate and turn its compile error into this test's. trybuild builds
//! the file as a program of its own, runs it, and shows the compiler's
//! message when it does not build.

#[macro_use]
mod common;
named!(ex14_data_race_rejected);

#[test]
fn the_counter_program_compiles_and_counts_to_4000() {
    // Shown only if the test fails (libtest captures it otherwise).
    println!(
        "{}",
        common::look(
            "the counter program must compile, print `count: 4000` and exit normally; \
             the compiler's own error, if any, is printed above"
        )
    );
    let cases = trybuild::TestCases::new();
    cases.pass(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/ex14_data_race_rejected.rs"
    ));
    // Dropping the cases builds and runs them: it compiles, and it exits
    // normally. trybuild does not look at what it prints; this test does.
    drop(cases);
    let program = built_program().expect("trybuild built the program");
    let output = std::process::Command::new(&program)
        .output()
        .expect("the program runs again");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.lines().any(|line| line.trim() == "count: 4000"),
        "{}",
        common::look(format!(
            "the program compiles, but it printed {printed:?}, not `count: 4000`"
        ))
    );
}

/// The program trybuild built last: `trybuild000` below its build folder
/// (`tests/trybuild/` in the target folder, beside `CARGO_TARGET_TMPDIR`).
fn built_program() -> Option<std::path::PathBuf> {
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).parent()?;
    let mut folders = vec![target.join("tests/trybuild")];
    let mut newest: Option<(std::time::SystemTime, std::path::PathBuf)> = None;
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                folders.push(path);
            } else if entry.file_name() == "trybuild000" {
                let modified = meta.modified().ok()?;
                if newest.as_ref().is_none_or(|(at, _)| modified > *at) {
                    newest = Some((modified, path));
                }
            }
        }
    }
    newest.map(|(_, path)| path)
}
