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

pub use policy::{cargo_home, policies, rustup_home, set_env, Limits, Policy};

/// What protects contained processes on this machine, probed once.
#[derive(Debug, Clone)]
pub struct Sandbox {
    unshare: bool,
    /// How Landlock is enforced here: "fully", "partially" or "not".
    landlock: String,
    /// The `xtask` binary, which provides `__contain`.
    xtask: PathBuf,
}

impl Sandbox {
    /// Probes `unshare` and Landlock.
    pub fn probe() -> Sandbox {
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
        }
    }

    /// The protections, in words, for the report.
    pub fn protections(&self, build: &Policy, run: &Policy) -> Vec<String> {
        let mut list = vec![
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
        ];
        match self.landlock.as_str() {
            "not" => list.push(
                "NOT active: file-system confinement (Landlock is not available here)".into(),
            ),
            how => list.push(format!(
                "builds and test processes confined by Landlock ({how} enforced): reading only the toolchain, the dependencies and the grading workspace (never the grader's repository, /proc or /etc), writing only their own folders; no signals out, no TCP"
            )),
        }
        if self.unshare {
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
        for path in &policy.reads {
            command.arg("--read").arg(path);
        }
        for path in &policy.writes {
            command.arg("--write").arg(path);
        }
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
            let (memory, files) = (policy.memory_bytes, policy.file_bytes);
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
