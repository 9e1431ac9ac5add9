//! `xtask __contain`: the wrapper a graded build or test process is started
//! through. It confines itself with Landlock (no privileges needed; the
//! rules pass on to everything it starts), and becomes the program. Done in
//! a fresh process rather than between fork and exec of the grader, so that
//! setting up can allocate freely.

use std::path::PathBuf;

use anyhow::{bail, Result};
use landlock::{
    path_beneath_rules, Access, AccessFs, AccessNet, Ruleset, RulesetAttr, RulesetCreatedAttr,
    RulesetStatus, Scope, ABI,
};

#[derive(clap::Args, Debug)]
pub struct ContainArgs {
    /// Paths the program may read (and execute) below.
    #[arg(long = "read")]
    read: Vec<PathBuf>,
    /// Paths the program may read and write below.
    #[arg(long = "write")]
    write: Vec<PathBuf>,
    /// Folders the program gets fresh and empty, of at most `--disk-mib`
    /// together (a tmpfs each; also written below). Only with `--root`.
    #[arg(long = "fresh")]
    fresh: Vec<PathBuf>,
    /// The most a `--fresh` folder may hold, in MiB.
    #[arg(long, default_value_t = 256)]
    disk_mib: u64,
    /// An empty folder to build a private root in, holding only the paths
    /// named here (run inside a user and mount namespace, as `unshare`
    /// makes): nothing else of the machine is there to see, stat or
    /// connect to (a UNIX socket by its path).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Only report whether the rules can be enforced here, then exit.
    #[arg(long)]
    probe: bool,
    /// The program and its arguments.
    #[arg(last = true)]
    program: Vec<String>,
}

/// The ABI whose rights are asked for; older kernels enforce what they can
/// (file-system rules from ABI 1, TCP from 4, signal scoping from 6).
const ABI_WANTED: ABI = ABI::V6;

pub fn contain(args: ContainArgs) -> Result<bool> {
    #[cfg(target_os = "linux")]
    if let Some(root) = &args.root {
        private_root::enter(root, &args)?;
    }
    let writes: Vec<PathBuf> = args.write.iter().chain(&args.fresh).cloned().collect();
    // No TCP rule is added: every bind and connect is denied. Signals and
    // abstract sockets reach only processes inside the same sandbox (the
    // grader is outside it).
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(ABI_WANTED))?
        .handle_access(AccessNet::from_all(ABI_WANTED))?
        .scope(Scope::from_all(ABI_WANTED))?
        .create()?
        .add_rules(path_beneath_rules(
            &args.read,
            AccessFs::from_read(ABI_WANTED),
        ))?
        .add_rules(path_beneath_rules(&writes, AccessFs::from_all(ABI_WANTED)))?
        .restrict_self()?;
    let enforced = match status.ruleset {
        RulesetStatus::FullyEnforced => "fully",
        RulesetStatus::PartiallyEnforced => "partially",
        RulesetStatus::NotEnforced => "not",
    };
    if args.probe {
        println!("landlock: {enforced} enforced, abi {}", kernel_abi());
        return Ok(true);
    }
    let Some((program, rest)) = args.program.split_first() else {
        bail!("__contain needs a program after `--`");
    };
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = std::process::Command::new(program).args(rest).exec();
        bail!("could not start {program}: {err}");
    }
    #[cfg(not(unix))]
    {
        let mut command = std::process::Command::new(program);
        command.args(rest);
        let ran = xtask::process::run(command, xtask::process::Streams::Terminal, None)?;
        Ok(ran.passed())
    }
}

/// The Landlock ABI the kernel offers (0: none).
fn kernel_abi() -> i64 {
    #[cfg(target_os = "linux")]
    {
        const LANDLOCK_CREATE_RULESET_VERSION: u32 = 1;
        // SAFETY: asks only for the version: no pointer is read.
        let abi = unsafe {
            libc::syscall(
                libc::SYS_landlock_create_ruleset,
                std::ptr::null::<u8>(),
                0usize,
                LANDLOCK_CREATE_RULESET_VERSION,
            )
        };
        abi.max(0)
    }
    #[cfg(not(target_os = "linux"))]
    0
}

/// A root of the process's own: a tmpfs holding bind mounts of the paths
/// it may read (read-only) and write, a fresh tmpfs for each `--fresh`
/// folder, `/tmp` and `/dev/shm`, and a `/proc` of its own PID namespace;
/// then `pivot_root` into it, so that the rest of the machine is not there
/// at all (Landlock still decides, within it, what may be opened).
#[cfg(target_os = "linux")]
mod private_root {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};

    use anyhow::{bail, Context, Result};

    use super::ContainArgs;

    /// The shared folders every process has, fresh: small.
    const SHARED_TMP_MIB: u64 = 16;

    enum Mount {
        ReadOnly,
        ReadWrite,
        Fresh(u64),
    }

    pub fn enter(root: &Path, args: &ContainArgs) -> Result<()> {
        let cwd = std::env::current_dir()?;
        mount(
            None,
            Path::new("/"),
            None,
            libc::MS_REC | libc::MS_PRIVATE,
            None,
        )
        .context("making the mounts private (is this a mount namespace of its own?)")?;
        mount(
            Some("tmpfs".as_ref()),
            root,
            Some("tmpfs"),
            libc::MS_NOSUID | libc::MS_NODEV,
            Some("size=4m,mode=755"),
        )?;
        let mut mounts: Vec<(PathBuf, Mount)> = Vec::new();
        mounts.extend(args.read.iter().map(|p| (p.clone(), Mount::ReadOnly)));
        mounts.extend(args.write.iter().map(|p| (p.clone(), Mount::ReadWrite)));
        mounts.extend(
            args.fresh
                .iter()
                .map(|p| (p.clone(), Mount::Fresh(args.disk_mib))),
        );
        for shared in ["/tmp", "/dev/shm"] {
            mounts.push((shared.into(), Mount::Fresh(SHARED_TMP_MIB)));
        }
        // Outer paths first: an inner one is mounted on top.
        mounts.sort_by_key(|(path, _)| path.components().count());
        // The bind mounts made: (path, writable). A path below one is
        // already there (a fresh tmpfs holds nothing of the machine's).
        let mut done: Vec<(PathBuf, bool)> = Vec::new();
        for (path, kind) in &mounts {
            place(root, path, kind, &mut done)?;
        }
        let proc_dir = root.join("proc");
        std::fs::create_dir_all(&proc_dir)?;
        // A /proc of the run's own PID namespace (Landlock denies reading
        // it; programs find their own path there).
        let _ = mount(
            Some("proc".as_ref()),
            &proc_dir,
            Some("proc"),
            libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            None,
        );
        pivot(root)?;
        std::env::set_current_dir(&cwd)
            .with_context(|| format!("{} is not in the private root", cwd.display()))?;
        Ok(())
    }

    /// One path of the policy in the private root: bound (read-only or
    /// writable), a fresh tmpfs, or the same symbolic link; `done` holds
    /// the binds made so far, (path, writable).
    fn place(
        root: &Path,
        path: &Path,
        kind: &Mount,
        done: &mut Vec<(PathBuf, bool)>,
    ) -> Result<()> {
        let writable = !matches!(kind, Mount::ReadOnly);
        // Already there, with the same or more rights.
        if done
            .iter()
            .any(|(outer, w)| path.starts_with(outer) && (*w || !writable))
            && !matches!(kind, Mount::Fresh(_))
        {
            return Ok(());
        }
        let inside = root.join(path.strip_prefix("/").unwrap_or(path));
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(_) if matches!(kind, Mount::Fresh(_)) => {
                std::fs::create_dir_all(&inside)?;
                mount_fresh(&inside, kind)?;
                return Ok(());
            }
            Err(_) => return Ok(()),
        };
        if meta.file_type().is_symlink() {
            // `/lib -> usr/lib`: the same link inside.
            if let Some(parent) = inside.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if std::fs::symlink_metadata(&inside).is_err() {
                std::os::unix::fs::symlink(std::fs::read_link(path)?, &inside)?;
            }
            return Ok(());
        }
        if meta.is_dir() {
            std::fs::create_dir_all(&inside)?;
        } else {
            if let Some(parent) = inside.parent() {
                std::fs::create_dir_all(parent)?;
            }
            if std::fs::symlink_metadata(&inside).is_err() {
                std::fs::File::create(&inside)?;
            }
        }
        match kind {
            Mount::Fresh(_) => {
                mount_fresh(&inside, kind)?;
                return Ok(());
            }
            _ => {
                mount(
                    Some(path.as_os_str()),
                    &inside,
                    None,
                    libc::MS_BIND | libc::MS_REC,
                    None,
                )
                .with_context(|| format!("binding {}", path.display()))?;
                if !writable {
                    read_only(&inside)
                        .with_context(|| format!("making {} read-only", path.display()))?;
                }
            }
        }
        done.push((path.to_path_buf(), writable));
        Ok(())
    }

    fn mount_fresh(inside: &Path, kind: &Mount) -> Result<()> {
        let Mount::Fresh(mib) = kind else {
            unreachable!("only fresh folders")
        };
        mount(
            Some("tmpfs".as_ref()),
            inside,
            Some("tmpfs"),
            libc::MS_NOSUID | libc::MS_NODEV,
            Some(&format!("size={mib}m,mode=777")),
        )
        .with_context(|| format!("a fresh folder at {}", inside.display()))
    }

    /// Remounts a bind mount read-only, keeping the flags the kernel locks
    /// on mounts inherited from outside the namespace.
    fn read_only(inside: &Path) -> Result<()> {
        let path = c_path(inside)?;
        // SAFETY: `path` is a valid C string; `stat` is written by the call.
        let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
        if unsafe { libc::statvfs(path.as_ptr(), &mut stat) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        let mut flags = libc::MS_REMOUNT | libc::MS_BIND | libc::MS_RDONLY;
        for (st, ms) in [
            (libc::ST_NOSUID, libc::MS_NOSUID),
            (libc::ST_NODEV, libc::MS_NODEV),
            (libc::ST_NOEXEC, libc::MS_NOEXEC),
            (libc::ST_NOATIME, libc::MS_NOATIME),
            (libc::ST_NODIRATIME, libc::MS_NODIRATIME),
            (libc::ST_RELATIME, libc::MS_RELATIME),
        ] {
            if stat.f_flag & st != 0 {
                flags |= ms;
            }
        }
        mount(None, inside, None, flags, None)
    }

    /// `pivot_root` into `root`, the old root detached.
    fn pivot(root: &Path) -> Result<()> {
        std::env::set_current_dir(root)?;
        let dot = c_path(Path::new("."))?;
        // SAFETY: valid C strings; the old root goes on top of the new one
        // and is detached at once.
        unsafe {
            if libc::syscall(libc::SYS_pivot_root, dot.as_ptr(), dot.as_ptr()) != 0 {
                bail!("pivot_root: {}", std::io::Error::last_os_error());
            }
            if libc::umount2(dot.as_ptr(), libc::MNT_DETACH) != 0 {
                bail!(
                    "detaching the old root: {}",
                    std::io::Error::last_os_error()
                );
            }
        }
        std::env::set_current_dir("/")?;
        Ok(())
    }

    fn c_path(path: &Path) -> Result<CString> {
        Ok(CString::new(path.as_os_str().as_bytes())?)
    }

    fn mount(
        source: Option<&std::ffi::OsStr>,
        target: &Path,
        fstype: Option<&str>,
        flags: libc::c_ulong,
        data: Option<&str>,
    ) -> Result<()> {
        let source = source.map(|s| CString::new(s.as_bytes())).transpose()?;
        let fstype = fstype.map(CString::new).transpose()?;
        let data = data.map(CString::new).transpose()?;
        let target = c_path(target)?;
        let ptr = |s: &Option<CString>| s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr());
        // SAFETY: every pointer is a valid C string or null, as mount(2) allows.
        let done = unsafe {
            libc::mount(
                ptr(&source),
                target.as_ptr(),
                ptr(&fstype),
                flags,
                ptr(&data).cast(),
            )
        };
        if done != 0 {
            bail!(
                "mount {}: {}",
                target.to_string_lossy(),
                std::io::Error::last_os_error()
            );
        }
        Ok(())
    }
}
