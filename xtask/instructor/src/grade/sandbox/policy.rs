//! What a contained build and a contained test process may touch: the
//! paths they read and write, their environment, their limits.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::super::scratch::Scratch;
use xtask::curriculum::Curriculum;

/// What one kind of contained process may touch.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Paths it may read (and execute) below.
    pub reads: Vec<PathBuf>,
    /// Paths it may read and write below.
    pub writes: Vec<PathBuf>,
    /// Folders it gets fresh and empty, to write below: in a private root,
    /// each a tmpfs of at most `disk_mib`, its disk budget.
    pub fresh: Vec<PathBuf>,
    /// The most a fresh folder may hold, in MiB.
    pub disk_mib: u64,
    /// `RLIMIT_DATA`, in bytes.
    pub memory_bytes: u64,
    /// `RLIMIT_CPU` of each process, in seconds, if any: a limit that a
    /// busy machine does not shorten.
    pub cpu_seconds: Option<u64>,
    /// `RLIMIT_FSIZE`: the largest file it may write, in bytes.
    pub file_bytes: u64,
    /// Its whole environment.
    pub env: Vec<(OsString, OsString)>,
    /// Where it starts.
    pub cwd: PathBuf,
}

/// The limits an instructor sets for a class.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Memory limit for one test process.
    pub run_memory_bytes: u64,
    /// Memory limit for a build (cargo, rustc and the linker, each).
    pub build_memory_bytes: u64,
}

/// The largest file a test process may write.
const RUN_FILE_BYTES: u64 = 256 << 20;
/// The largest file a build may write (a test binary, an rlib).
const BUILD_FILE_BYTES: u64 = 2 << 30;
/// All that a test process may write, together: its folder's size.
const RUN_DISK_MIB: u64 = 256;

pub fn cargo_home() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"))
}

pub fn rustup_home() -> PathBuf {
    std::env::var_os("RUSTUP_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".rustup"))
}

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default()
}

pub fn set_env(env: &mut Vec<(OsString, OsString)>, key: &str, value: &std::ffi::OsStr) {
    env.retain(|(k, _)| k != key);
    env.push((key.into(), value.to_owned()));
}

/// The variables a build or a run keeps from the grader's environment:
/// what cargo and rustup need to find the toolchain, nothing else.
const KEPT_ENV: &[&str] = &[
    "PATH",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "CARGO",
];

/// What a build and a test process may touch: the build writes the
/// grading target folder and `private/build-tmp`; a run's own folder is
/// added per run.
pub fn policies(
    curriculum: &Curriculum,
    limits: &Limits,
    scratch: &Scratch,
    private: &Path,
) -> (Policy, Policy) {
    let mut env: Vec<(OsString, OsString)> = KEPT_ENV
        .iter()
        .filter_map(|k| std::env::var_os(k).map(|v| (OsString::from(k), v)))
        .collect();
    set_env(&mut env, "CARGO_HOME", cargo_home().as_os_str());
    set_env(&mut env, "RUSTUP_HOME", rustup_home().as_os_str());
    let system = system_paths();
    let build = build_policy(curriculum, limits, scratch, private, &system, env.clone());
    // A test process reads the system and the folder of its copied binary,
    // and writes its run's own folder, where it starts (both added per
    // run). Nothing of the workspace: not the tests' sources (the hidden
    // ones are there), not the compiler's caches (the solutions went
    // through them), not the toolchain or the dependencies' sources.
    let mut run_env = env;
    set_env(&mut run_env, "RUST_BACKTRACE", "0".as_ref());
    let run = Policy {
        reads: system,
        writes: vec![PathBuf::from("/dev/null")],
        fresh: Vec::new(),
        disk_mib: RUN_DISK_MIB,
        cpu_seconds: None,
        memory_bytes: limits.run_memory_bytes,
        file_bytes: RUN_FILE_BYTES,
        env: run_env,
        cwd: private.to_path_buf(),
    };
    (build, run)
}

/// The system's programs and libraries (the loader, the linker): never
/// /etc or /proc, never the grader's home.
fn system_paths() -> Vec<PathBuf> {
    let mut system: Vec<PathBuf> = ["/usr", "/lib", "/lib64", "/bin", "/sbin", "/dev"]
        .into_iter()
        .map(PathBuf::from)
        .filter(|p| p.exists())
        .collect();
    // The loader's cache, and the alternatives system's links (`cc` is
    // /etc/alternatives/cc on Debian): links only, nothing to read.
    for file in [
        "/etc/ld.so.cache",
        "/etc/ld.so.conf",
        "/etc/ld.so.conf.d",
        "/etc/alternatives",
    ] {
        if Path::new(file).exists() {
            system.push(file.into());
        }
    }
    system
}

fn build_policy(
    curriculum: &Curriculum,
    limits: &Limits,
    scratch: &Scratch,
    private: &Path,
    system: &[PathBuf],
    env: Vec<(OsString, OsString)>,
) -> Policy {
    let target = curriculum.root.join("target/grading");
    let cargo_home = cargo_home();
    // A build also reads the dependencies' sources, cargo's configuration
    // (every `.cargo/` above the workspace: aliases, nothing secret; denied,
    // cargo would stop) and the grading workspace; it writes the target
    // folder, its own temporary folder and cargo's lock files, nothing else
    // of `$CARGO_HOME`.
    // The toolchain, through rustup's proxies.
    let mut build_reads = system.to_vec();
    // The compiler and cargo read the machine's CPUs there; a run need not.
    build_reads.push("/sys".into());
    build_reads.push(rustup_home());
    build_reads.push(cargo_home.join("bin"));
    for part in ["registry", "git", "config.toml", "config"] {
        let path = cargo_home.join(part);
        if path.exists() {
            build_reads.push(path);
        }
    }
    build_reads.push(curriculum.root.join(".cargo"));
    build_reads.push(scratch.root.clone());
    let mut build_writes = vec![
        target.clone(),
        private.join("build-tmp"),
        PathBuf::from("/dev/null"),
    ];
    for lock in [".package-cache", ".package-cache-mutate", ".global-cache"] {
        let path = cargo_home.join(lock);
        if path.is_file() {
            build_writes.push(path);
        }
    }
    let mut build_env = env;
    set_env(&mut build_env, "CARGO_TARGET_DIR", target.as_os_str());
    set_env(&mut build_env, "CARGO_NET_OFFLINE", "true".as_ref());
    set_env(&mut build_env, "CARGO_TERM_COLOR", "never".as_ref());
    set_env(
        &mut build_env,
        "TMPDIR",
        private.join("build-tmp").as_os_str(),
    );
    set_env(
        &mut build_env,
        "HOME",
        private.join("build-tmp").as_os_str(),
    );
    Policy {
        reads: build_reads,
        writes: build_writes,
        fresh: Vec::new(),
        disk_mib: 0,
        cpu_seconds: None,
        memory_bytes: limits.build_memory_bytes,
        file_bytes: BUILD_FILE_BYTES,
        env: build_env,
        cwd: scratch.root.clone(),
    }
}
