//! Builds the exercise test binaries and runs them under a time limit.
//!
//! Each exercise is its own test target, so building with `--keep-going`
//! compiles every exercise that can be compiled: one broken exercise does
//! not hide the others' results (plain `cargo test` stops at the first).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use crate::curriculum::{Curriculum, Package};

/// What building one package's test targets produced.
#[derive(Debug, Default, Clone)]
pub struct Build {
    /// Test binary per exercise (test target) name.
    pub binaries: BTreeMap<String, PathBuf>,
    /// Compiler errors per test target that failed to build.
    pub errors: BTreeMap<String, String>,
}

/// Builds every exercise's test target in `package`. With `progress`,
/// cargo shows its own progress on the terminal (the first build compiles
/// every dependency).
pub fn build(curriculum: &Curriculum, package: Package, progress: bool) -> Result<Build> {
    let mut targets = vec!["--keep-going"];
    for exercise in &curriculum.exercises {
        targets.extend(["--test", exercise.name.as_str()]);
    }
    cargo_build(&curriculum.root, package, &targets, false, progress)
}

/// Builds one exercise's test target: all a learner's edit needs.
pub fn build_one(root: &Path, package: Package, name: &str, color: bool) -> Result<Build> {
    cargo_build(root, package, &["--test", name], color, false)
}

/// Every build names this tool's binary beside the exercises: cargo then
/// resolves the runtime's dependencies with the features this tool's own
/// build gave them, so the runtime that `cargo xtask` compiled is reused,
/// not compiled a second time with a slightly different feature set (the
/// first exercise of a fresh clone waits seconds instead of half a minute).
/// The binary is already built: this adds no work.
const SHARE_THE_TOOLS_BUILD: [&str; 4] = ["--package", "xtask", "--bin", "xtask"];

fn cargo_build(
    root: &Path,
    package: Package,
    targets: &[&str],
    color: bool,
    progress: bool,
) -> Result<Build> {
    let format = if color {
        "--message-format=json-diagnostic-rendered-ansi"
    } else {
        "--message-format=json"
    };
    let mut command = Command::new(cargo());
    command
        .current_dir(root)
        .args(["build", "--package", package.dir()])
        .args(SHARE_THE_TOOLS_BUILD)
        .args(targets)
        .arg(format)
        .stdin(Stdio::null())
        .stdout(Stdio::piped());
    if progress {
        // cargo's progress bar, on the terminal's stderr; the messages
        // themselves come as JSON on stdout.
        command.stderr(Stdio::inherit());
    } else {
        command.arg("--quiet").stderr(Stdio::null());
    }
    let output = spawn_tracked(&mut command)
        .and_then(|(child, _tracked)| child.wait_with_output())
        .context("running cargo build")?;
    let mut build = Build::default();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let target = message["target"]["name"].as_str().unwrap_or_default();
        let is_test = message["target"]["kind"]
            .as_array()
            .is_some_and(|kinds| kinds.iter().any(|k| k == "test"));
        if !is_test {
            continue;
        }
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                if let Some(exe) = message["executable"].as_str() {
                    build
                        .binaries
                        .insert(target.to_string(), PathBuf::from(exe));
                }
            }
            Some("compiler-message") if message["message"]["level"] == "error" => {
                let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
                build
                    .errors
                    .entry(target.to_string())
                    .or_default()
                    .push_str(&learner_paths(rendered));
            }
            _ => {}
        }
    }
    for target in build.errors.keys() {
        build.binaries.remove(target);
    }
    if build.binaries.is_empty() && build.errors.is_empty() && !output.status.success() {
        anyhow::bail!(
            "cargo could not build {} (run `cargo build -p {} --tests` to see why)",
            package.dir(),
            package.dir()
        );
    }
    Ok(build)
}

/// Process groups this tool started that may still be running: stopped with
/// the tool however it ends (`q`, Ctrl-C, an error), so that no build or
/// test outlives it.
static GROUPS: std::sync::Mutex<std::collections::BTreeSet<u32>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// A process group known to [`stop_everything`] until this is dropped
/// (after its leader was waited for).
struct Tracked(u32);

impl Drop for Tracked {
    fn drop(&mut self) {
        GROUPS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&self.0);
    }
}

/// Starts `command` as the leader of a process group of its own (everything
/// it starts belongs to it), known to [`stop_everything`].
fn spawn_tracked(command: &mut Command) -> std::io::Result<(std::process::Child, Tracked)> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    // Registered under the lock, so that a stop cannot slip between the
    // start and the registration.
    let mut groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner());
    let child = command.spawn()?;
    let id = child.id();
    groups.insert(id);
    Ok((child, Tracked(id)))
}

/// Ends every process group this tool started that is still known.
pub fn stop_everything() {
    let groups = GROUPS.lock().unwrap_or_else(|e| e.into_inner());
    for &group in groups.iter() {
        #[cfg(unix)]
        // SAFETY: kill has no memory effects; a group that ended already
        // makes it fail harmlessly.
        unsafe {
            libc::kill(-(group as i32), libc::SIGKILL);
        }
        #[cfg(not(unix))]
        let _ = group;
    }
}

/// Whether compiler messages may be coloured: on a terminal, unless
/// `NO_COLOR` is set to anything (<https://no-color.org>).
pub fn colors_allowed(terminal: bool) -> bool {
    terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Ctrl-C (outside the watch's raw mode) or a kill: nothing this tool
/// started keeps running, and the tool exits as interrupted.
pub fn stop_everything_when_interrupted() {
    let _ = ctrlc::set_handler(|| {
        stop_everything();
        std::process::exit(130);
    });
}

/// Paths in compiler messages as the learner knows them: a test target
/// reaches its exercise as `tests/../src/NAME.rs`, the file is `src/NAME.rs`.
fn learner_paths(text: &str) -> String {
    text.replace("/tests/../src/", "/src/")
}

/// The cargo that runs us (`cargo xtask` sets `CARGO`), else `cargo`.
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// How one run of a test binary ended.
#[derive(Debug)]
pub struct Outcome {
    pub passed: bool,
    pub timed_out: bool,
    /// The exit code; `None` when a signal ended the process.
    pub status_code: Option<i32>,
    /// stdout and stderr, interleaved as they came, capped.
    pub output: String,
}

/// Captured output beyond this is dropped (a flood must not fill memory).
const OUTPUT_CAP: usize = 256 * 1024;

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
) -> Result<Outcome> {
    let mut command = Command::new(binary);
    test_binary_command(&mut command, &root.join(package.dir()));
    command.args(args).envs(env.iter().copied());
    execute(command, limit)
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

/// Runs `command` with captured, capped output, in a process group of its
/// own that is killed whole after `limit`.
pub fn execute(mut command: Command, limit: Duration) -> Result<Outcome> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let started = Instant::now();
    let (mut child, _tracked) = spawn_tracked(&mut command).context("starting a test binary")?;
    let readers = [
        capture(
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ),
        capture(
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn Read + Send>),
        ),
    ];
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > limit {
            timed_out = true;
            kill_group(&mut child);
            break child.wait()?;
        }
        // Short runs are noticed at once, long ones polled less often.
        let waited = started.elapsed() / 8;
        std::thread::sleep(waited.clamp(Duration::from_millis(1), Duration::from_millis(20)));
    };
    // Whatever the binary left behind in its group goes too.
    kill_group(&mut child);
    // A process that escaped the group may hold the pipes open: read what
    // came, but do not wait on it for long.
    let mut output = String::new();
    for reader in readers {
        match reader.recv_timeout(Duration::from_secs(2)) {
            Ok(text) => output.push_str(&text),
            Err(_) => output.push_str("\n[output still open after the run: left behind]\n"),
        }
    }
    Ok(Outcome {
        passed: status.success() && !timed_out,
        timed_out,
        status_code: status.code(),
        output,
    })
}

fn capture(stream: Option<Box<dyn Read + Send>>) -> std::sync::mpsc::Receiver<String> {
    let (done, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Some(mut stream) = stream else {
            let _ = done.send(String::new());
            return;
        };
        let mut kept = Vec::new();
        let mut chunk = [0u8; 8192];
        let mut dropped = 0usize;
        while let Ok(n) = stream.read(&mut chunk) {
            if n == 0 {
                break;
            }
            let room = OUTPUT_CAP.saturating_sub(kept.len());
            kept.extend_from_slice(&chunk[..n.min(room)]);
            dropped += n.saturating_sub(room);
        }
        let mut text = String::from_utf8_lossy(&kept).into_owned();
        if dropped > 0 {
            text.push_str(&format!(
                "\n[... {dropped} more bytes of output not kept]\n"
            ));
        }
        let _ = done.send(text);
    });
    received
}

fn kill_group(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        // The test binary leads its own process group: take down everything
        // it started too (a compiler, the program it built).
        let pid = child.id() as i32;
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
}

/// The first failing test's report from libtest's output: its name and what
/// it printed, without the summary noise around it.
pub fn first_failure(output: &str) -> String {
    // With `--show-output`, the passing tests' output comes first.
    let failures = output
        .find("\nfailures:\n")
        .map_or(output, |at| &output[at..]);
    let mut lines = failures.lines().skip_while(|l| !l.starts_with("---- "));
    let Some(header) = lines.next() else {
        // No test report: a compile error, a crash, or a time limit.
        return output.trim().to_string();
    };
    let name = header
        .trim_start_matches("---- ")
        .trim_end_matches(" stdout ----");
    let body: Vec<&str> = lines
        .take_while(|l| !l.starts_with("---- ") && *l != "failures:")
        .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect();
    format!("test {name} failed:\n{}", body.join("\n").trim())
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
    use super::{first_failure, printed_by_passing_tests};

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
