//! `xtask __contain`: the wrapper a graded test process is started through.
//! Inside a mount namespace of its own, it first lays a private overlay
//! over each folder the runs share (their writes land in the run's own
//! layer and vanish with it); then it confines itself with Landlock (no
//! privileges needed; the rules pass on to everything it starts), and
//! becomes the test binary. Done in a fresh process rather than between
//! fork and exec of the grader, so that setting up can allocate freely.

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
    /// Folders the program may write as if its own: an overlay over each,
    /// its changes kept below `--layer` (needs a mount namespace in which
    /// this process may mount, as under `unshare --user --mount`).
    #[arg(long = "private", requires = "layer")]
    private: Vec<PathBuf>,
    /// Where the overlays keep this run's changes (created if missing).
    #[arg(long)]
    layer: Option<PathBuf>,
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
    if let Some(layer) = &args.layer {
        for (i, folder) in args.private.iter().enumerate() {
            overlay(folder, &layer.join(i.to_string()))?;
        }
    }
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
        .add_rules(path_beneath_rules(
            args.write.iter().chain(&args.private),
            AccessFs::from_all(ABI_WANTED),
        ))?
        .restrict_self()?;
    let enforced = match status.ruleset {
        RulesetStatus::FullyEnforced => "fully",
        RulesetStatus::PartiallyEnforced => "partially",
        RulesetStatus::NotEnforced => "not",
    };
    if args.probe {
        println!("landlock: {enforced} enforced");
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
        let status = std::process::Command::new(program).args(rest).status()?;
        Ok(status.success())
    }
}

/// Mounts an overlay over `folder` whose changes go below `layer`: the
/// folder looks the same, and whatever this process and its children write
/// there stays in the layer (the folder itself is never changed).
#[cfg(target_os = "linux")]
fn overlay(folder: &std::path::Path, layer: &std::path::Path) -> Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;

    let (upper, work) = (layer.join("upper"), layer.join("work"));
    std::fs::create_dir_all(&upper)?;
    std::fs::create_dir_all(&work)?;
    let paths = [folder, &upper, &work];
    // The mount options separate with `,` and `:`; no escaping is attempted.
    if let Some(odd) = paths
        .iter()
        .find(|p| p.as_os_str().as_bytes().iter().any(|b| b",:\\".contains(b)))
    {
        bail!(
            "cannot lay an overlay over {}: `,`, `:` or `\\` in {}",
            folder.display(),
            odd.display()
        );
    }
    let options = format!(
        "lowerdir={},upperdir={},workdir={},userxattr",
        folder.display(),
        upper.display(),
        work.display()
    );
    let target = CString::new(folder.as_os_str().as_bytes())?;
    let kind = CString::new("overlay")?;
    let options = CString::new(options)?;
    // SAFETY: every pointer is a valid C string for the call's duration.
    let result = unsafe {
        libc::mount(
            kind.as_ptr(),
            target.as_ptr(),
            kind.as_ptr(),
            0,
            options.as_ptr().cast(),
        )
    };
    if result != 0 {
        bail!(
            "cannot lay an overlay over {}: {}",
            folder.display(),
            std::io::Error::last_os_error()
        );
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn overlay(folder: &std::path::Path, _layer: &std::path::Path) -> Result<()> {
    bail!(
        "cannot lay an overlay over {}: Linux only",
        folder.display()
    )
}
