//! Every child process the tools start: in a process group of its own,
//! known until it has been waited for, run under a deadline that ends the
//! whole group, its output captured and capped.
//!
//! One mechanism for the learner's runs, the grader's contained builds and
//! runs, the check and the bench: nothing a tool starts outlives it.

use std::collections::BTreeSet;
use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context, Result};
use wait_timeout::ChildExt;

/// Process groups this tool started that may still be running: stopped with
/// the tool however it ends (`q`, Ctrl-C, an error), so that no build or
/// test outlives it.
static GROUPS: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());

/// A child leading a process group of its own (everything it starts
/// belongs to it), known to [`stop_everything`] until this is dropped.
pub struct Group {
    pub child: Child,
}

impl Group {
    /// Starts `command` as the leader of a new process group.
    ///
    /// # Errors
    ///
    /// When the program cannot be started.
    pub fn spawn(command: &mut Command) -> std::io::Result<Group> {
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        // Registered under the lock, so that a stop cannot slip between the
        // start and the registration.
        let mut groups = GROUPS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let child = command.spawn()?;
        groups.insert(child.id());
        Ok(Group { child })
    }

    /// Kills the leader and everything left in its group.
    pub fn kill(&mut self) {
        kill_group(self.child.id());
        let _ = self.child.kill();
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        GROUPS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(&self.child.id());
    }
}

/// Ends every process group this tool started that is still known.
pub fn stop_everything() {
    let groups = GROUPS
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for &group in groups.iter() {
        kill_group(group);
    }
}

/// Ctrl-C (outside the watch's raw mode) or a kill: nothing this tool
/// started keeps running, and the tool exits as interrupted.
pub fn stop_everything_when_interrupted() {
    let _ = ctrlc::set_handler(|| {
        stop_everything();
        std::process::exit(130);
    });
}

fn kill_group(leader: u32) {
    #[cfg(unix)]
    if let Some(group) = rustix::process::Pid::from_raw(leader.cast_signed()) {
        // A group that ended already makes this fail harmlessly.
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
    #[cfg(not(unix))]
    let _ = leader;
}

/// `git ARGS` in `dir`: how it ended, its stdout whole.
///
/// # Errors
///
/// When git cannot be run, or fails: saying what git said.
pub fn git(dir: &std::path::Path, args: &[&str]) -> Result<Ran> {
    let mut command = Command::new("git");
    command.current_dir(dir).args(args);
    let ran = run(command, Streams::Apart, None).context("running git")?;
    if !ran.passed() {
        anyhow::bail!("git {} failed: {}", args.join(" "), ran.output.trim());
    }
    Ok(ran)
}

/// Where a child's output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streams {
    /// stdout and stderr into one pipe, so they stay in the order they
    /// came, captured and capped at [`OUTPUT_CAP`]: what people read.
    Merged,
    /// stdout captured whole (a program's machine-readable output: cargo's
    /// JSON must not be cut or interleaved), stderr captured and capped.
    Apart,
    /// stdout captured whole; stderr on this tool's terminal (cargo's
    /// progress bar).
    StdoutOnly,
    /// Both on this tool's terminal.
    Terminal,
}

/// How a process run by [`run`] ended.
#[derive(Debug)]
pub struct Ran {
    pub status: ExitStatus,
    /// The deadline ended it.
    pub timed_out: bool,
    /// What people read: stdout and stderr in order ([`Streams::Merged`]),
    /// or stderr ([`Streams::Apart`]); capped.
    pub output: String,
    /// stdout, whole ([`Streams::Apart`], [`Streams::StdoutOnly`]).
    pub stdout: Vec<u8>,
}

impl Ran {
    /// It exited with status 0 before its deadline.
    #[must_use]
    pub fn passed(&self) -> bool {
        self.status.success() && !self.timed_out
    }
}

/// Runs `command` in a process group of its own, known to
/// [`stop_everything`] while it runs, its output where `streams` says; past
/// `limit` (if any) the whole group is killed, and once the leader ends
/// whatever it left behind goes too. Its stdin is empty. The one way the
/// tools start a child.
///
/// # Errors
///
/// When the program cannot be started or waited for.
pub fn run(mut command: Command, streams: Streams, limit: Option<Duration>) -> Result<Ran> {
    command.stdin(Stdio::null());
    let merged = match streams {
        Streams::Merged => Some(merge_into_a_pipe(&mut command)?),
        Streams::Apart => {
            command.stdout(Stdio::piped()).stderr(Stdio::piped());
            None
        }
        Streams::StdoutOnly => {
            command.stdout(Stdio::piped()).stderr(Stdio::inherit());
            None
        }
        Streams::Terminal => {
            command.stdout(Stdio::inherit()).stderr(Stdio::inherit());
            None
        }
    };
    let mut group = start(command)?;
    let stdout = group.child.stdout.take().map(whole);
    let output = match merged {
        Some(reader) => capture(Some(Box::new(reader))),
        None => capture(group.child.stderr.take().map(|s| Box::new(s) as _)),
    };
    let (status, timed_out) = match limit {
        Some(limit) => wait(&mut group, limit)?,
        None => (group.child.wait()?, false),
    };
    group.kill();
    let output = output
        .recv_timeout(PIPES_GRACE)
        .unwrap_or_else(|_| "\n[output still open after the run: left behind]\n".to_string());
    let stdout = match stdout {
        Some(reader) => reader.recv_timeout(PIPES_GRACE).unwrap_or_default(),
        None => Vec::new(),
    };
    Ok(Ran {
        status,
        timed_out,
        output,
        stdout,
    })
}

/// Runs `command` as [`run`] does with [`Streams::Merged`], without a
/// deadline, handing each line to `each` as it comes (a benchmark times
/// them): the caller sees the output while the child runs.
///
/// # Errors
///
/// When the program cannot be started or waited for.
pub fn run_lines(mut command: Command, mut each: impl FnMut(&str)) -> Result<Ran> {
    use std::io::BufRead;
    command.stdin(Stdio::null());
    let reader = merge_into_a_pipe(&mut command)?;
    let mut group = start(command)?;
    let mut output = Capped::default();
    for line in std::io::BufReader::new(reader)
        .lines()
        .map_while(Result::ok)
    {
        each(&line);
        output.push(line.as_bytes());
        output.push(b"\n");
    }
    let status = group.child.wait()?;
    group.kill();
    Ok(Ran {
        status,
        timed_out: false,
        output: output.text(),
        stdout: Vec::new(),
    })
}

/// Points `command`'s stdout and stderr into one pipe, so that what it
/// writes keeps its order: the pipe's reading end.
fn merge_into_a_pipe(command: &mut Command) -> Result<std::io::PipeReader> {
    let (reader, writer) = std::io::pipe().context("making a pipe")?;
    command.stdout(writer.try_clone()?).stderr(writer);
    Ok(reader)
}

/// Starts `command` as the leader of a process group of its own.
fn start(mut command: Command) -> Result<Group> {
    let program = command.get_program().to_string_lossy().into_owned();
    let group = Group::spawn(&mut command).with_context(|| format!("starting {program}"))?;
    // The command holds a merged pipe's writing ends: dropped, the pipe
    // ends when the child's copies do.
    drop(command);
    Ok(group)
}

/// A stream's bytes as they come: the first [`OUTPUT_CAP`] kept, the rest
/// counted and said with [`crate::text::cap`]'s marker.
#[derive(Default)]
struct Capped {
    kept: Vec<u8>,
    came: usize,
}

impl Capped {
    fn push(&mut self, bytes: &[u8]) {
        let room = OUTPUT_CAP.saturating_sub(self.kept.len());
        self.kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
        self.came += bytes.len();
    }

    fn text(self) -> String {
        let mut text = String::from_utf8_lossy(&self.kept).into_owned();
        let dropped = self.came - self.kept.len();
        if dropped > 0 {
            text.push('\n');
            text.push_str(&crate::text::bytes_left_out(dropped));
            text.push('\n');
        }
        text
    }
}

/// How a process run under a deadline ended.
#[derive(Debug)]
pub struct Finished {
    /// It exited with status 0 before its deadline.
    pub passed: bool,
    pub timed_out: bool,
    /// The exit code; `None` when a signal ended the process.
    pub status_code: Option<i32>,
    /// stdout and stderr, in the order they came, capped at [`OUTPUT_CAP`].
    pub output: String,
}

/// Captured output beyond this is dropped (a flood must not fill memory).
pub const OUTPUT_CAP: usize = 256 * 1024;

/// How long to wait for the pipes once the group is gone: a process that
/// escaped the group may hold them open.
const PIPES_GRACE: Duration = Duration::from_secs(2);

/// Runs `command` with its output merged, captured and capped, killed whole
/// after `limit` ([`run`] with [`Streams::Merged`]).
///
/// # Errors
///
/// When the program cannot be started or waited for.
pub fn run_with_deadline(command: Command, limit: Duration) -> Result<Finished> {
    let ran = run(command, Streams::Merged, Some(limit))?;
    Ok(Finished {
        passed: ran.passed(),
        timed_out: ran.timed_out,
        status_code: ran.status.code(),
        output: ran.output,
    })
}

/// The leader's exit status, and whether the deadline ended it.
fn wait(group: &mut Group, limit: Duration) -> Result<(ExitStatus, bool)> {
    if let Some(status) = group.child.wait_timeout(limit)? {
        return Ok((status, false));
    }
    group.kill();
    Ok((group.child.wait()?, true))
}

/// Reads a stream whole, on a thread of its own.
fn whole(mut stream: impl Read + Send + 'static) -> std::sync::mpsc::Receiver<Vec<u8>> {
    let (done, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut all = Vec::new();
        let _ = stream.read_to_end(&mut all);
        let _ = done.send(all);
    });
    received
}

/// Reads a stream to its end on a thread of its own, keeping at most
/// [`OUTPUT_CAP`] bytes and saying how many more came (the marker of
/// [`crate::text::cap`]).
fn capture(stream: Option<Box<dyn Read + Send>>) -> std::sync::mpsc::Receiver<String> {
    let (done, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Some(mut stream) = stream else {
            let _ = done.send(String::new());
            return;
        };
        let mut output = Capped::default();
        let mut chunk = [0u8; 8192];
        while let Ok(n) = stream.read(&mut chunk) {
            if n == 0 {
                break;
            }
            output.push(&chunk[..n]);
        }
        let text = output.text();
        let _ = done.send(text);
    });
    received
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut command = Command::new("sh");
        command.args(["-c", script]);
        command
    }

    #[test]
    fn a_run_past_its_deadline_is_ended_with_everything_it_started() {
        // The grandchild would outlive a kill of the leader alone, holding
        // the pipe open: the group's kill ends it, so the run returns.
        let finished = run_with_deadline(
            shell("sleep 30 & echo started; wait"),
            Duration::from_millis(300),
        )
        .unwrap();
        assert!(finished.timed_out);
        assert!(!finished.passed);
        assert_eq!(finished.output.trim(), "started");
    }

    #[test]
    fn output_past_the_cap_is_counted_not_kept() {
        let finished = run_with_deadline(
            shell(&format!(
                "head -c {} /dev/zero | tr '\\0' x",
                OUTPUT_CAP + 10
            )),
            Duration::from_secs(20),
        )
        .unwrap();
        assert!(finished.passed);
        assert_eq!(finished.output.matches('x').count(), OUTPUT_CAP);
        assert!(
            finished.output.ends_with("\n[... 10 more bytes]\n"),
            "{}",
            &finished.output[OUTPUT_CAP..]
        );
    }

    #[test]
    fn the_exit_status_is_kept() {
        let finished = run_with_deadline(
            shell("echo out; echo err >&2; exit 3"),
            Duration::from_secs(20),
        )
        .unwrap();
        assert!(!finished.passed && !finished.timed_out);
        assert_eq!(finished.status_code, Some(3));
        assert_eq!(finished.output, "out\nerr\n");
    }

    #[test]
    fn stdout_and_stderr_are_kept_in_the_order_they_came() {
        let finished = run_with_deadline(
            shell("echo one; echo two >&2; echo three; echo four >&2"),
            Duration::from_secs(20),
        )
        .unwrap();
        assert_eq!(finished.output, "one\ntwo\nthree\nfour\n");
    }

    #[test]
    fn machine_output_is_kept_whole_and_apart() {
        let big = OUTPUT_CAP + 10;
        let ran = run(
            shell(&format!(
                "head -c {big} /dev/zero | tr '\\0' x; echo said >&2"
            )),
            Streams::Apart,
            None,
        )
        .unwrap();
        assert!(ran.passed());
        assert_eq!(ran.stdout.len(), big, "stdout is not capped");
        assert_eq!(ran.output, "said\n");
    }
}
