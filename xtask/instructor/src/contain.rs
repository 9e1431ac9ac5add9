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
            &args.write,
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
