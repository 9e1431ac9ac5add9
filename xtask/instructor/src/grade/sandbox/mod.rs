//! Containing what a submission makes run — the build (cargo, rustc, the
//! linker) as well as the tests — without Docker or root-only tricks (see
//! docs/grading.md):
//! - an environment cleared to an allowlist (no secret of the grader's
//!   reaches `option_env!` or `std::env::vars()`);
//! - limits: memory with `RLIMIT_DATA` (an address-space limit breaks
//!   thread-heavy tokio code; thread stacks count, so runaway threads are
//!   capped too) and the size of any file written with `RLIMIT_FSIZE`;
//! - where `unshare` works, new user, mount, network and PID namespaces: no
//!   network but loopback, and when the run ends, `--kill-child` takes the
//!   whole PID namespace with it, even a process that moved to a session of
//!   its own;
//! - Landlock (through `xtask __contain`): reads and writes only below the
//!   paths of the [`Policy`]; no signals to processes outside the sandbox;
//!   no TCP;
//! - a run writes only its own fresh folder (removed after the
//!   submission): no folder is shared by runs, so nothing one leaves can
//!   reach the next;
//! - always, a process group of its own, killed whole after the time limit
//!   (`xtask::process::run_with_deadline`).
//!
//! What each kind of process may touch is its [`Policy`] (`policy.rs`).

mod policy;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use xtask::process::{self, Streams};

pub use policy::{cargo_home, policies, rustup_home, set_env, Limits, Policy};

/// What protects contained processes on this machine, probed once.
#[derive(Debug, Clone)]
pub struct Sandbox {
    unshare: bool,
    /// How Landlock is enforced here: "fully", "partially" or "not".
    landlock: String,
    /// The Landlock ABI the kernel offers (0: none).
    abi: u32,
    /// The `xtask` binary, which provides `__contain`.
    xtask: PathBuf,
    /// An empty folder each contained process builds its private root on
    /// (in a mount namespace of its own: outside, it stays empty).
    root: Option<PathBuf>,
    /// Graded anyway with protections missing (`--uncontained`).
    uncontained: bool,
}

/// What each Landlock ABI below the one asked for leaves uncovered.
const ABI_GAPS: &[(u32, &str)] = &[
    (1, "file-system confinement (Landlock ABI 1)"),
    (
        2,
        "renaming or linking a file into another folder (Landlock ABI 2)",
    ),
    (3, "truncating files (Landlock ABI 3)"),
    (4, "TCP bind and connect (Landlock ABI 4)"),
    (5, "ioctl on devices (Landlock ABI 5)"),
    (
        6,
        "signals and abstract UNIX sockets to processes outside the sandbox (Landlock ABI 6)",
    ),
];

/// A probe of the machine's containment answers at once, or not at all.
const PROBE_LIMIT: Duration = Duration::from_secs(20);

impl Sandbox {
    /// Probes `unshare` and Landlock.
    pub fn probe() -> Sandbox {
        let mut command = Command::new("unshare");
        command.args(UNSHARE).arg("true");
        let unshare =
            process::run(command, Streams::Apart, Some(PROBE_LIMIT)).is_ok_and(|ran| ran.passed());
        let xtask = std::env::current_exe().unwrap_or_else(|_| "xtask".into());
        let mut command = Command::new(&xtask);
        command.args(["__contain", "--probe"]);
        let probed = process::run(command, Streams::Apart, Some(PROBE_LIMIT))
            .map(|ran| String::from_utf8_lossy(&ran.stdout).into_owned())
            .unwrap_or_default();
        // "landlock: fully enforced, abi 7"
        let landlock = probed
            .strip_prefix("landlock: ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or("not")
            .to_string();
        let abi = probed
            .rsplit_once("abi ")
            .and_then(|(_, n)| n.trim().parse().ok())
            .unwrap_or(0);
        Sandbox {
            unshare,
            landlock,
            abi,
            xtask,
            root: None,
            uncontained: false,
        }
    }

    /// A sandbox as a machine with these protections would probe it.
    #[cfg(test)]
    pub fn bare_for_tests(unshare: bool, landlock: &str, abi: u32) -> Sandbox {
        Sandbox {
            unshare,
            landlock: landlock.into(),
            abi,
            xtask: "xtask".into(),
            root: None,
            uncontained: false,
        }
    }

    /// Processes build their private roots on `root` (an empty folder).
    pub fn with_root(mut self, root: PathBuf) -> Sandbox {
        self.root = self.unshare.then_some(root);
        self
    }

    /// What this machine leaves uncovered, in words; empty when every
    /// protection is active.
    pub fn missing(&self) -> Vec<String> {
        let mut missing = Vec::new();
        if self.landlock == "not" {
            missing.push("Landlock is not available: no file-system confinement (reads and writes anywhere the grader's user may), no TCP or signal confinement".to_string());
        } else {
            missing.extend(
                ABI_GAPS
                    .iter()
                    .filter(|(abi, _)| self.abi < *abi)
                    .map(|(abi, gap)| {
                        format!(
                            "Landlock ABI {} here, so not enforced: {gap}",
                            self.abi.min(abi - 1)
                        )
                    }),
            );
        }
        if !self.unshare {
            missing.push("`unshare` is not usable (no unprivileged user namespaces): no private root (every path, UNIX socket and folder's metadata is there to see), no network namespace, no PID namespace (a process that leaves its group outlives its run), no disk budget per run".to_string());
        }
        missing
    }

    /// Grade although protections are missing: every report says so.
    pub fn uncontained(mut self) -> Sandbox {
        self.uncontained = true;
        self
    }

    /// The protections, in words, for the report.
    pub fn protections(&self, build: &Policy, run: &Policy) -> Vec<String> {
        let mut list = Vec::new();
        if self.uncontained {
            list.extend(
                self.missing()
                    .into_iter()
                    .map(|gap| format!("NOT CONTAINED (graded with --uncontained): {gap}")),
            );
        }
        list.extend([
            "only the exercise files taken from submissions, each checked on the Rust grammar; manifests, build scripts and tests are the grader's".to_string(),
            "each submission's library built with #![forbid(unsafe_code)], apart from the tests".to_string(),
            "a test counts only when its pristine body ran to the end: reported on a descriptor the grader opened, which no code of the submission can reach".to_string(),
            format!(
                "builds: memory limited to {} MiB (RLIMIT_DATA), files to {} MiB (RLIMIT_FSIZE), a time limit, environment cleared",
                build.memory_bytes >> 20,
                build.file_bytes >> 20
            ),
            format!(
                "test processes: memory limited to {} MiB (RLIMIT_DATA), files to {} MiB (RLIMIT_FSIZE), environment cleared, process group killed at the time limit",
                run.memory_bytes >> 20,
                run.file_bytes >> 20
            ),
            "a fresh scratch folder for every run, removed after the submission".to_string(),
        ]);
        match self.landlock.as_str() {
            "not" => list.push(
                "NOT active: file-system confinement (Landlock is not available here)".into(),
            ),
            how => list.push(format!(
                "builds and test processes confined by Landlock ({how} enforced): reading only the toolchain, the dependencies and the grading workspace (never the grader's repository, /proc or /etc), writing only their own folders; no signals out, no TCP"
            )),
        }
        if self.unshare {
            list.push(format!(
                "a private root for every build and run: only the system's programs and libraries and its own folders are there (no other folder, no /sys or /dev/shm of the machine's, no UNIX socket outside); a run's folder is a fresh tmpfs of {} MiB",
                run.disk_mib
            ));
            list.push("network cut off (a new network namespace: loopback only)".into());
            list.push(
                "every process of a build or run killed with it (a new PID namespace)".into(),
            );
        } else {
            list.push(
                "NOT active: network namespace and PID namespace (`unshare` is not usable here)"
                    .into(),
            );
        }
        list
    }

    /// A command that runs `program` under `policy`; its arguments follow.
    /// `verdicts`: a file the process gets as descriptor 3, and nothing
    /// else of the grader's.
    pub fn command(
        &self,
        policy: &Policy,
        verdicts: Option<&std::fs::File>,
        program: &Path,
    ) -> Command {
        let mut command = if self.unshare {
            let mut command = Command::new("unshare");
            command.args(UNSHARE).arg("--").arg(&self.xtask);
            command
        } else {
            Command::new(&self.xtask)
        };
        command.arg("__contain");
        if let Some(root) = &self.root {
            command.arg("--root").arg(root);
        }
        for path in &policy.reads {
            command.arg("--read").arg(path);
        }
        for path in &policy.writes {
            command.arg("--write").arg(path);
        }
        for path in &policy.fresh {
            command.arg("--fresh").arg(path);
        }
        command.arg("--disk-mib").arg(policy.disk_mib.to_string());
        command
            .arg("--")
            .arg(program)
            .current_dir(&policy.cwd)
            .env_clear()
            .envs(policy.env.iter().map(|(k, v)| (k, v)));
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            use std::os::unix::process::CommandExt;
            let (memory, files, cpu) = (policy.memory_bytes, policy.file_bytes, policy.cpu_seconds);
            let verdicts = verdicts.map(AsRawFd::as_raw_fd);
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                command.pre_exec(move || {
                    for (resource, limit) in [
                        (rlimit::Resource::DATA, memory),
                        (rlimit::Resource::FSIZE, files),
                    ] {
                        rlimit::setrlimit(resource, limit, limit)?;
                    }
                    // SIGXCPU at the limit, SIGKILL a second later.
                    if let Some(seconds) = cpu {
                        rlimit::setrlimit(rlimit::Resource::CPU, seconds, seconds + 1)?;
                    }
                    // dup2 leaves the copy open across exec; the test binary's
                    // harness takes it over before any submitted code runs.
                    // (When the file already is descriptor 3, dup2 does
                    // nothing: clear its close-on-exec flag instead.)
                    if let Some(fd) = verdicts {
                        let done = if fd == VERDICT_FD {
                            libc::fcntl(fd, libc::F_SETFD, 0)
                        } else {
                            libc::dup2(fd, VERDICT_FD)
                        };
                        if done < 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                    }
                    Ok(())
                });
            }
        }
        #[cfg(not(unix))]
        let _ = verdicts;
        command
    }
}

/// The descriptor a test process reports finished tests on (see
/// `harness/verdict.rs`).
pub const VERDICT_FD: i32 = 3;

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

/// Removes a folder whatever a contained process left in it: folders made
/// unreadable (a submission can `chmod` its own), read-only files, sparse
/// files. Open folders up first
/// where a plain removal fails.
pub fn remove_tree(path: &Path) {
    if std::fs::remove_dir_all(path).is_ok() || std::fs::symlink_metadata(path).is_err() {
        return;
    }
    fn open_up(dir: &Path) {
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

#[cfg(test)]
mod tests {
    use super::remove_tree;

    #[test]
    fn a_tree_with_locked_folders_and_read_only_files_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("left");
        let inner = tree.join("a/b");
        std::fs::create_dir_all(&inner).unwrap();
        let file = inner.join("sparse");
        std::fs::File::create(&file)
            .unwrap()
            .set_len(1 << 30)
            .unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = |mode| std::fs::Permissions::from_mode(mode);
            std::fs::set_permissions(&file, perms(0o400)).unwrap();
            std::fs::set_permissions(&inner, perms(0o000)).unwrap();
            std::fs::set_permissions(tree.join("a"), perms(0o500)).unwrap();
        }
        remove_tree(&tree);
        assert!(!tree.exists());
    }
}
