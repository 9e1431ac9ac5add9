//! The project's own checks in a clean clone: `cargo test` fresh and warm,
//! the slow tests it ignores, and `cargo xtask check`.

use anyhow::{bail, Context, Result};
use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;
use xtask::cargo::Cargo;
use xtask::copy::RepoCopy;
use xtask::curriculum::Curriculum;
use xtask::process::{self, Streams};

/// The project's own checks in a clean clone: `cargo test` fresh (it
/// builds everything), `cargo test` again (warm: what a developer waits for
/// after a change), the tests it ignores for their length (`.ci/run` runs
/// them), `cargo xtask check`; and where the warm run's time goes, test
/// binary by test binary.
pub(super) fn clean_clone(curriculum: &Curriculum, quick: bool) -> Result<String> {
    let copy = RepoCopy::of(&curriculum.root)?;
    let commands = commands(quick);
    let mut rows = String::new();
    let mut warm_binaries = Vec::new();
    for (when, args) in commands {
        let started = Instant::now();
        let printed = cargo_in_clean_clone(&copy.root, args)?;
        let took = started.elapsed();
        let when = if when.is_empty() {
            String::new()
        } else {
            format!(" ({when})")
        };
        writeln!(
            rows,
            "| `cargo {}`{when} | {:.0} s |",
            args.join(" "),
            took.as_secs_f64()
        )?;
        if when.contains("warm") {
            warm_binaries = test_binary_times(&printed);
        }
    }
    let mut out = String::new();
    writeln!(out, "## A clean clone: the project's own checks\n")?;
    writeln!(
        out,
        "In a fresh copy of the repository (the files git lists, no `target/`), one after the \
         other, each command timed once: the first builds everything it needs (the crates' \
         downloads are already in cargo's cache, as on a machine that has built once); the \
         second runs the same tests with everything built. `.ci/run` runs `cargo test`, the \
         tests it ignores for their length and `cargo xtask check`, and must finish well \
         inside 30 minutes on 2 cores. Goal (issue 22): `cargo test` within 240 s fresh and \
         60 s warm.{}\n",
        if quick {
            " (--quick: `cargo metadata` in place of the real commands, checking only the \
             procedure; a clean build takes minutes.)"
        } else {
            ""
        }
    )?;
    writeln!(out, "| command | wall time |")?;
    writeln!(out, "|---|---|")?;
    out.push_str(&rows);
    if !warm_binaries.is_empty() {
        warm_binaries.sort_by(|a, b| b.1.total_cmp(&a.1));
        let all: f64 = warm_binaries.iter().map(|(_, s)| s).sum();
        writeln!(
            out,
            "\nThe warm run's test binaries, slowest first (libtest's own `finished in`; \
             {:.0} s in all, {} binaries):\n",
            all,
            warm_binaries.len()
        )?;
        writeln!(out, "| test binary | time |")?;
        writeln!(out, "|---|---|")?;
        for (binary, seconds) in warm_binaries.iter().take(8) {
            writeln!(out, "| {binary} | {seconds:.1} s |")?;
        }
    }
    out.push('\n');
    Ok(out)
}

/// The commands timed, each with when it runs (the first two are the same
/// command); `--quick`: `cargo metadata` in place of each, the procedure
/// without minutes of building (CI's smoke run).
fn commands(quick: bool) -> [(&'static str, &'static [&'static str]); 5] {
    let test: &'static [&'static str] = if quick {
        &["metadata", "--locked", "--format-version", "1"]
    } else {
        &["test", "--locked"]
    };
    let (check, slow_grading, slow_learner): (&[&str], &[&str], &[&str]) = if quick {
        (test, test, test)
    } else {
        (
            &["xtask", "check"],
            &[
                "test",
                "--locked",
                "-p",
                "instructor",
                "--test",
                "grading",
                "--",
                "--ignored",
            ],
            &[
                "test",
                "--locked",
                "-p",
                "xtask",
                "--test",
                "learner",
                "--",
                "--ignored",
            ],
        )
    };
    [
        ("fresh", test),
        ("warm, again", test),
        ("the ignored, slow tests", slow_grading),
        ("the ignored, slow tests", slow_learner),
        ("", check),
    ]
}

/// `cargo ARGS` in the clean clone at `root`, building there; what it
/// printed, stdout and stderr in the order printed. An error with its
/// last lines when it fails.
pub(super) fn cargo_in_clean_clone(root: &Path, args: &[&str]) -> Result<String> {
    let command = Cargo::new(root).own_target_dir().command(args);
    let ran = process::run(command, Streams::Merged, None)
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    let passed = ran.passed();
    let printed = ran.output;
    if !passed {
        let lines: Vec<&str> = printed.lines().collect();
        bail!(
            "`cargo {}` failed in a clean copy; its last lines:\n{}",
            args.join(" "),
            lines[lines.len().saturating_sub(60)..].join("\n")
        );
    }
    Ok(printed)
}

/// Each test binary `cargo test` ran (`Running tests/grading.rs`, `Doc-tests
/// barista`) and how long its tests took (`finished in 484.08s`).
pub(super) fn test_binary_times(printed: &str) -> Vec<(String, f64)> {
    let mut times = Vec::new();
    let mut binary: Option<String> = None;
    for line in printed.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("Running ") {
            // `Running tests/grading.rs (target/debug/deps/grading-1f2e…)`:
            // the source, and the binary's name without its hash (several
            // crates have a `src/lib.rs`).
            let (source, path) = rest.split_once(" (").unwrap_or((rest, ""));
            let file = Path::new(path.trim_end_matches(')'));
            let stem = file.file_name().map(|f| f.to_string_lossy().into_owned());
            binary = Some(match stem.as_deref().and_then(|f| f.rsplit_once('-')) {
                Some((name, _)) => format!("`{source}` ({name})"),
                None => format!("`{source}`"),
            });
        } else if let Some(crate_name) = line.strip_prefix("Doc-tests ") {
            binary = Some(format!("doc tests of `{crate_name}`"));
        } else if let Some(seconds) = line
            .strip_prefix("test result: ")
            .and_then(|l| l.rsplit_once("finished in "))
            .and_then(|(_, s)| s.trim_end_matches('s').parse::<f64>().ok())
        {
            if let Some(binary) = binary.take() {
                times.push((binary, seconds));
            }
        }
    }
    times
}

#[cfg(test)]
mod tests {
    use super::test_binary_times;

    #[test]
    fn each_test_binary_gets_its_own_time() {
        let printed = "\
   Compiling barista v0.1.0
     Running unittests src/lib.rs (target/debug/deps/xtask-d94febda015167f7)

running 8 tests
test result: ok. 8 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.31s

     Running tests/grading.rs (target/debug/deps/grading-297e0b0d46d90bdd)
test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 484.08s
   Doc-tests barista
test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 1.5s
";
        assert_eq!(
            test_binary_times(printed),
            [
                ("`unittests src/lib.rs` (xtask)".to_string(), 0.31),
                ("`tests/grading.rs` (grading)".to_string(), 484.08),
                ("doc tests of `barista`".to_string(), 1.5),
            ]
        );
    }
}
