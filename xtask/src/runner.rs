//! Builds the exercise test binaries and runs them under a time limit.
//!
//! Each exercise is its own test target, so building with `--keep-going`
//! compiles every exercise that can be compiled: one broken exercise does
//! not hide the others' results (plain `cargo test` stops at the first).

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::Result;

use crate::cargo::{Cargo, Show, TestBuild};
use crate::curriculum::{Curriculum, Package};
use crate::process::{self, Finished};

/// Builds every exercise's test target in `package`. With `progress`,
/// cargo shows its own progress on the terminal (the first build compiles
/// every dependency).
pub fn build(curriculum: &Curriculum, package: Package, progress: bool) -> Result<TestBuild> {
    let mut targets = vec!["--keep-going"];
    for exercise in &curriculum.exercises {
        targets.extend(["--test", exercise.name.as_str()]);
    }
    build_targets(
        &curriculum.cargo(),
        package,
        &targets,
        Show {
            colors: false,
            progress,
        },
    )
}

/// Builds one exercise's test target: all a learner's edit needs.
pub fn build_one(cargo: &Cargo, package: Package, name: &str, colors: bool) -> Result<TestBuild> {
    build_targets(
        cargo,
        package,
        &["--test", name],
        Show {
            colors,
            progress: false,
        },
    )
}

/// Every build names this tool's binary beside the exercises: cargo then
/// resolves the runtime's dependencies with the features this tool's own
/// build gave them, so the runtime that `cargo xtask` compiled is reused,
/// not compiled a second time with a slightly different feature set (the
/// first exercise of a fresh clone waits seconds instead of half a minute).
/// The binary is already built: this adds no work.
const SHARE_THE_TOOLS_BUILD: [&str; 4] = ["--package", "xtask", "--bin", "xtask"];

fn build_targets(
    cargo: &Cargo,
    package: Package,
    targets: &[&str],
    show: Show,
) -> Result<TestBuild> {
    let mut args = vec!["--package", package.dir()];
    args.extend(SHARE_THE_TOOLS_BUILD);
    args.extend(targets);
    let mut build = cargo.build_tests(&args, show)?;
    for errors in build.errors.values_mut() {
        *errors = learner_paths(errors);
    }
    Ok(build)
}

/// Paths as the learner knows them, in compiler messages and in what a
/// run printed: a test target reaches its exercise as
/// `exercises/tests/../src/NAME.rs` and its tests as
/// `exercises/tests/../../curriculum/tests/NAME.rs`; the files are
/// `exercises/src/NAME.rs` and `curriculum/tests/NAME.rs`. Every
/// `FOLDER/../` in a path is folded away (a leading `../` stays).
#[must_use]
pub fn learner_paths(text: &str) -> String {
    let mut text = text.to_string();
    let mut from = 0;
    while let Some(found) = text[from..].find("/../") {
        let at = from + found;
        let start = text[..at]
            .rfind(|c: char| c == '/' || !(c.is_alphanumeric() || "_-.".contains(c)))
            .map_or(0, |before| before + 1);
        let folder = &text[start..at];
        if folder.is_empty() || folder == ".." || folder == "." {
            from = at + 1;
            continue;
        }
        text.replace_range(start..at + "/../".len(), "");
        // The folder before may now be followed by a `/../` of its own.
        from = start.saturating_sub(1);
    }
    text
}

/// Test binary arguments for a learner's run: the measurements marked
/// `#[ignore]` (too slow to grade, there to be read) run too, and libtest
/// prints what the passing tests printed.
pub const EVERYTHING_SHOWN: &[&str] = &["--include-ignored", "--show-output"];

/// Runs `package`'s test binary as `cargo test` would (from the package's
/// folder, with its manifest dir set) with `args` and `env`, killing its
/// whole process group after `limit`.
pub fn run(
    root: &Path,
    package: Package,
    binary: &Path,
    args: &[&str],
    env: &[(&str, &str)],
    limit: Duration,
) -> Result<Finished> {
    let mut command = Command::new(binary);
    test_binary_command(&mut command, &root.join(package.dir()));
    command.args(args).envs(env.iter().copied());
    let mut finished = process::run_with_deadline(command, limit)?;
    // What the learner's program printed, shown safely (the one rule).
    finished.output = crate::text::printable(&learner_paths(&finished.output), true);
    Ok(finished)
}

/// Arguments and environment a test binary gets, as under `cargo test`.
pub fn test_binary_command(command: &mut Command, package_dir: &Path) {
    command
        .args(["--color", "never"])
        .current_dir(package_dir)
        .env("CARGO_MANIFEST_DIR", package_dir)
        // Never write `.snap.new` files beside the pristine snapshots.
        .env("INSTA_UPDATE", "no")
        // Backtraces bury the message a learner needs.
        .env("RUST_BACKTRACE", "0");
}

/// One failing test's report in libtest's output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// libtest's name for the test, e.g. `tests::takes_turns`.
    pub test: String,
    /// What it printed: the panic and its message, without libtest's
    /// advice about backtraces.
    pub report: String,
}

/// Every failing test's report, in the order libtest lists them (its
/// `failures:` section, one `---- NAME stdout ----` block per test).
#[must_use]
pub fn failures(output: &str) -> Vec<Failure> {
    let Some(at) = output.find("\nfailures:\n") else {
        return Vec::new();
    };
    let mut found: Vec<Failure> = Vec::new();
    for line in output[at..].lines().skip(2) {
        if let Some(test) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        {
            found.push(Failure {
                test: test.to_string(),
                report: String::new(),
            });
        } else if line == "failures:" {
            // The list of names that ends the section.
            break;
        } else if let Some(failure) = found.last_mut() {
            if !line.starts_with("note: run with `RUST_BACKTRACE") {
                failure.report.push_str(line);
                failure.report.push('\n');
            }
        }
    }
    for failure in &mut found {
        failure.report = failure.report.trim().to_string();
    }
    found
}

impl Failure {
    /// The report as the learner reads it: `test NAME failed:` and what
    /// it printed.
    #[must_use]
    pub fn shown(&self) -> String {
        format!("test {} failed:\n{}", self.test, self.report)
    }
}

/// The first failing test's report from libtest's output: its name and what
/// it printed, without the summary noise around it; the whole output when
/// there is no test report (a compile error, a crash, a time limit).
#[must_use]
pub fn first_failure(output: &str) -> String {
    failures(output)
        .first()
        .map_or_else(|| output.trim().to_string(), Failure::shown)
}

/// What passing tests printed (`--show-output`), test by test, in the
/// order libtest lists them: `(test name, its output)`.
pub fn printed_by_passing_tests(output: &str) -> Vec<(String, String)> {
    let Some(at) = output.find("\nsuccesses:\n") else {
        return Vec::new();
    };
    let mut printed = Vec::new();
    let mut current: Option<(String, Vec<&str>)> = None;
    for line in output[at..].lines().skip(2) {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" stdout ----"))
        {
            printed.extend(current.take().map(|(n, l)| (n, l.join("\n"))));
            current = Some((name.to_string(), Vec::new()));
        } else if line == "successes:" || line == "failures:" {
            break;
        } else if let Some((_, lines)) = &mut current {
            lines.push(line);
        }
    }
    printed.extend(current.map(|(n, l)| (n, l.join("\n"))));
    printed
        .into_iter()
        .map(|(n, text)| (n, text.trim().to_string()))
        .filter(|(_, text)| !text.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{failures, first_failure, learner_paths, printed_by_passing_tests, Failure};

    #[test]
    fn paths_read_as_the_learner_knows_them() {
        assert_eq!(
            learner_paths("panicked at exercises/tests/../src/ex01_interleaved.rs:12:5:"),
            "panicked at exercises/src/ex01_interleaved.rs:12:5:"
        );
        assert_eq!(
            learner_paths("--> exercises/tests/../../curriculum/tests/ex01_interleaved.rs:40:9"),
            "--> curriculum/tests/ex01_interleaved.rs:40:9"
        );
        // Nothing to fold: as it was.
        for kept in ["../outside/x.rs and a/./b", "x /../ y", "no paths at all"] {
            assert_eq!(learner_paths(kept), kept);
        }
        assert_eq!(
            learner_paths("'a/../b' and \"c/d/../e\""),
            "'b' and \"c/e\""
        );
    }

    const OUTPUT: &str = "\
running 3 tests
test a ... ok
test b ... FAILED
test c ... FAILED

failures:

---- b stdout ----
thread 'b' panicked at tests/x.rs:3:5:
b's own message
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- c stdout ----
thread 'c' panicked at tests/x.rs:9:5:
c's message
  on two lines


failures:
    b
    c

test result: FAILED. 1 passed; 2 failed
";

    #[test]
    fn each_failing_test_has_its_own_report() {
        let found = failures(OUTPUT);
        assert_eq!(
            found,
            [
                Failure {
                    test: "b".into(),
                    report: "thread 'b' panicked at tests/x.rs:3:5:\nb's own message".into()
                },
                Failure {
                    test: "c".into(),
                    report: "thread 'c' panicked at tests/x.rs:9:5:\nc's message\n  on two lines"
                        .into()
                },
            ]
        );
        assert!(failures("running 1 test\ntest a ... ok\n").is_empty());
    }

    #[test]
    fn passing_tests_output_is_kept_and_failures_still_found() {
        let output = "\
running 3 tests
test a ... ok
test b ... FAILED
test c ... ok

successes:

---- a stdout ----
the table
  row 1

---- c stdout ----
score: 4 of 5


successes:
    a
    c

failures:

---- b stdout ----
thread 'b' panicked at t.rs:1:1:
the milk boiled over

failures:
    b
";
        assert_eq!(
            printed_by_passing_tests(output),
            [
                ("a".to_string(), "the table\n  row 1".to_string()),
                ("c".to_string(), "score: 4 of 5".to_string())
            ]
        );
        assert_eq!(
            first_failure(output),
            "test b failed:\nthread 'b' panicked at t.rs:1:1:\nthe milk boiled over"
        );
    }

    #[test]
    fn the_first_failure_is_cut_from_libtest_output() {
        let output = "\
running 2 tests
test a ... FAILED
test b ... FAILED

failures:

---- a stdout ----
thread 'a' panicked at t.rs:1:1:
the milk boiled over
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace

---- b stdout ----
second failure

failures:
    a
    b
";
        assert_eq!(
            first_failure(output),
            "test a failed:\nthread 'a' panicked at t.rs:1:1:\nthe milk boiled over"
        );
    }

    #[test]
    fn output_without_a_test_report_is_kept_whole() {
        assert_eq!(first_failure("  error[E0499]: ...\n"), "error[E0499]: ...");
    }
}
