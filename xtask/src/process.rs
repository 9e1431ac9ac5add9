//! Every child process the tools start: in a process group of its own,
//! known until it has been waited for, run under a deadline that ends the
//! whole group, its output captured and capped.
//!
//! One mechanism for the learner's runs, the grader's contained builds and
//! runs, the check and the bench: nothing a tool starts outlives it.

use std::collections::BTreeSet;
use std::fmt::Write as _;
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

/// `git ARGS` in `dir`, its output.
///
/// # Errors
///
/// When git cannot be run, or fails: saying what git said.
pub fn git(dir: &std::path::Path, args: &[&str]) -> Result<std::process::Output> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .context("running git")?;
    if !out.status.success() {
        anyhow::bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out)
}

/// How a process run under a deadline ended.
#[derive(Debug)]
pub struct Finished {
    /// It exited with status 0 before its deadline.
    pub passed: bool,
    pub timed_out: bool,
    /// The exit code; `None` when a signal ended the process.
    pub status_code: Option<i32>,
    /// stdout, then stderr, each capped at [`OUTPUT_CAP`].
    pub output: String,
}

/// Captured output beyond this is dropped (a flood must not fill memory).
pub const OUTPUT_CAP: usize = 256 * 1024;

/// How long to wait for the pipes once the group is gone: a process that
/// escaped the group may hold them open.
const PIPES_GRACE: Duration = Duration::from_secs(2);

/// Runs `command` with captured, capped output, in a process group of its
/// own that is killed whole after `limit` (and once it ends: whatever it
/// left behind goes too).
///
/// # Errors
///
/// When the program cannot be started or waited for.
pub fn run_with_deadline(mut command: Command, limit: Duration) -> Result<Finished> {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let program = command.get_program().to_string_lossy().into_owned();
    let mut group = Group::spawn(&mut command).with_context(|| format!("starting {program}"))?;
    let streams: [Option<Box<dyn Read + Send>>; 2] = [
        group.child.stdout.take().map(|s| Box::new(s) as _),
        group.child.stderr.take().map(|s| Box::new(s) as _),
    ];
    let readers = streams.map(capture);
    let (status, timed_out) = wait(&mut group, limit)?;
    group.kill();
    let mut output = String::new();
    for reader in readers {
        match reader.recv_timeout(PIPES_GRACE) {
            Ok(text) => output.push_str(&text),
            Err(_) => output.push_str("\n[output still open after the run: left behind]\n"),
        }
    }
    Ok(Finished {
        passed: status.success() && !timed_out,
        timed_out,
        status_code: status.code(),
        output,
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

/// Reads a stream to its end on a thread of its own, keeping at most
/// [`OUTPUT_CAP`] bytes and saying how many more came.
fn capture(stream: Option<Box<dyn Read + Send>>) -> std::sync::mpsc::Receiver<String> {
    let (done, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let Some(mut stream) = stream else {
            let _ = done.send(String::new());
            return;
        };
        let mut kept = Vec::new();
        let mut chunk = [0u8; 8192];
        let mut came = 0usize;
        while let Ok(n) = stream.read(&mut chunk) {
            if n == 0 {
                break;
            }
            let room = OUTPUT_CAP.saturating_sub(kept.len());
            kept.extend_from_slice(&chunk[..n.min(room)]);
            came += n;
        }
        let mut text = String::from_utf8_lossy(&kept).into_owned();
        let dropped = came - kept.len();
        if dropped > 0 {
            let _ = write!(text, "\n[... {dropped} more bytes of output not kept]\n");
        }
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
            finished
                .output
                .ends_with("[... 10 more bytes of output not kept]\n"),
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
}
