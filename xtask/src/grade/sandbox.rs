//! Containing a submission's test process without Docker or root-only
//! tricks (see shared/reference/sandbox-notes.md):
//! - a memory limit with `RLIMIT_DATA` (an address-space limit breaks
//!   thread-heavy tokio code), which also caps runaway threads, since each
//!   thread's stack counts;
//! - where `unshare` works, new user, network and PID namespaces: no network
//!   but loopback, and when the run ends, `--kill-child` takes the whole PID
//!   namespace with it, even a process that moved to a session of its own;
//! - Landlock (through `xtask __contain`): reads only below the system's
//!   folders, the toolchain and the grading workspace (never the grader's
//!   repository, where the solutions are); writes only below the run's
//!   scratch folders;
//! - always, a process group of its own, killed whole after the time limit.

use std::process::Command;

/// What protects the runs on this machine, probed once.
#[derive(Debug, Clone)]
pub struct Sandbox {
    unshare: bool,
    /// How Landlock is enforced here: "fully", "partially" or "not".
    landlock: String,
    /// The `xtask` binary, which provides `__contain`.
    xtask: std::path::PathBuf,
    pub memory_bytes: u64,
    /// Paths a test process may read, and write.
    pub reads: Vec<std::path::PathBuf>,
    pub writes: Vec<std::path::PathBuf>,
}

impl Sandbox {
    pub fn probe(
        memory_bytes: u64,
        reads: Vec<std::path::PathBuf>,
        writes: Vec<std::path::PathBuf>,
    ) -> Sandbox {
        let unshare = Command::new("unshare")
            .args(UNSHARE)
            .arg("true")
            .output()
            .is_ok_and(|out| out.status.success());
        let xtask = std::env::current_exe().unwrap_or_else(|_| "xtask".into());
        let landlock = Command::new(&xtask)
            .args(["__contain", "--probe"])
            .output()
            .ok()
            .and_then(|out| {
                String::from_utf8_lossy(&out.stdout)
                    .strip_prefix("landlock: ")
                    .and_then(|rest| rest.split_whitespace().next())
                    .map(str::to_owned)
            })
            .unwrap_or_else(|| "not".into());
        Sandbox {
            unshare,
            landlock,
            xtask,
            memory_bytes,
            reads,
            writes,
        }
    }

    /// The protections, in words, for the report.
    pub fn protections(&self) -> Vec<String> {
        let mut list = vec![
            format!(
                "memory limited to {} MiB per test process (RLIMIT_DATA)",
                self.memory_bytes >> 20
            ),
            "each run's process group killed at its time limit".to_string(),
            "only the exercise files taken from submissions; manifests, build scripts and tests are the grader's".to_string(),
        ];
        match self.landlock.as_str() {
            "not" => list.push(
                "NOT active: file-system confinement (Landlock is not available here)".into(),
            ),
            how => list.push(format!(
                "file system confined by Landlock ({how} enforced): no reading the grader's repository, writing only to the run's scratch folder"
            )),
        }
        if self.unshare {
            list.push("network cut off (a new network namespace: loopback only)".into());
            list.push("every process of a run killed with it (a new PID namespace)".into());
        } else {
            list.push(
                "NOT active: network isolation and PID namespaces (`unshare` is not usable here)"
                    .into(),
            );
        }
        list
    }

    /// A command that runs `program` inside the sandbox; its arguments
    /// follow.
    pub fn command(&self, program: &std::path::Path) -> Command {
        let mut command = if self.unshare {
            let mut command = Command::new("unshare");
            command.args(UNSHARE).arg("--").arg(&self.xtask);
            command
        } else {
            Command::new(&self.xtask)
        };
        command.arg("__contain");
        for path in &self.reads {
            command.arg("--read").arg(path);
        }
        for path in &self.writes {
            command.arg("--write").arg(path);
        }
        command.arg("--").arg(program);
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            let limit = self.memory_bytes;
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                command.pre_exec(move || {
                    let rlimit = libc::rlimit {
                        rlim_cur: limit as libc::rlim_t,
                        rlim_max: limit as libc::rlim_t,
                    };
                    if libc::setrlimit(libc::RLIMIT_DATA, &rlimit) != 0 {
                        return Err(std::io::Error::last_os_error());
                    }
                    Ok(())
                });
            }
        }
        command
    }
}

/// New user (mapped to root inside), network and PID namespaces; the
/// namespace's first process dies when `unshare` does.
const UNSHARE: &[&str] = &[
    "--user",
    "--map-root-user",
    "--net",
    "--pid",
    "--fork",
    "--kill-child",
];
