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
//! - where `unshare` gives a mount namespace, the folders every run shares
//!   (trybuild's build folder) are seen through an overlay of the run's own:
//!   what one submission writes there, the next never meets;
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
    /// Paths every run writes to (filled once, by the warm-up); a run
    /// writes to its own overlay of them where `overlays` works here.
    pub shared: Vec<std::path::PathBuf>,
    /// Where each run's overlay layers go (one folder a run), when the
    /// overlays work here.
    layers: Option<std::path::PathBuf>,
}

/// Runs started so far by this process: names each run's layer.
static STARTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl Sandbox {
    pub fn probe(
        memory_bytes: u64,
        reads: Vec<std::path::PathBuf>,
        writes: Vec<std::path::PathBuf>,
        shared: Vec<std::path::PathBuf>,
        layers: std::path::PathBuf,
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
        // Overlays need the mount namespace `unshare` gives; try one.
        let overlays = unshare && !shared.is_empty() && {
            let trial = layers.join("probe");
            let works = Command::new("unshare")
                .args(UNSHARE)
                .arg("--")
                .arg(&xtask)
                .args(["__contain", "--probe", "--layer"])
                .arg(&trial)
                .args(
                    shared
                        .iter()
                        .flat_map(|p| [std::ffi::OsStr::new("--private"), p.as_os_str()]),
                )
                .output()
                .is_ok_and(|out| out.status.success());
            remove_layers(&trial);
            works
        };
        Sandbox {
            unshare,
            landlock,
            xtask,
            memory_bytes,
            reads,
            writes,
            shared,
            layers: overlays.then_some(layers),
        }
    }

    /// The same sandbox, but writing to the shared folders themselves:
    /// for the warm-up, which fills them for every run after it.
    pub fn filling_shared(&self) -> Sandbox {
        // Without layers, `command` lets runs write the shared folders.
        Sandbox {
            layers: None,
            ..self.clone()
        }
    }

    /// Removes the layers of the runs so far (call when none is running).
    pub fn clear_layers(&self) {
        if let Some(layers) = &self.layers {
            remove_layers(layers);
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
        match (&self.layers, self.shared.is_empty()) {
            (_, true) => {}
            (Some(_), false) => list.push(
                "folders every run writes to (trybuild's build folder) seen through an overlay of each run's own: no run meets what another wrote there".into(),
            ),
            (None, false) => list.push(
                "NOT active: private overlays over the folders every run writes to (trybuild's build folder is shared: a run could leave something there for a later one)".into(),
            ),
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
        match &self.layers {
            Some(layers) => {
                let run = STARTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                command.arg("--layer").arg(layers.join(run.to_string()));
                for path in &self.shared {
                    command.arg("--private").arg(path);
                }
            }
            // No overlays here: the shared folders are written as they are.
            None => {
                for path in &self.shared {
                    command.arg("--write").arg(path);
                }
            }
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

/// New user (mapped to root inside), mount, network and PID namespaces;
/// the namespace's first process dies when `unshare` does.
const UNSHARE: &[&str] = &[
    "--user",
    "--map-root-user",
    "--mount",
    "--net",
    "--pid",
    "--fork",
    "--kill-child",
];

/// Removes a folder of overlay layers. The kernel leaves an overlay's work
/// folder unreadable (mode 000), which stops a plain recursive removal
/// for anyone but root: open such folders up first.
fn remove_layers(path: &std::path::Path) {
    if std::fs::remove_dir_all(path).is_ok() || !path.exists() {
        return;
    }
    fn open_up(dir: &std::path::Path) {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                open_up(&entry.path());
            }
        }
    }
    open_up(path);
    let _ = std::fs::remove_dir_all(path);
}
