//! `xtask __contain`: the wrapper a graded test process is started through.
//! It confines itself with Landlock (no privileges needed; the rules pass
//! on to everything it starts), then becomes the test binary. Done in a
//! fresh process rather than between fork and exec of the grader, so that
//! setting up the rules can allocate freely.

use std::path::PathBuf;

use anyhow::{bail, Result};
use landlock::{
    path_beneath_rules, Access, AccessFs, Ruleset, RulesetAttr, RulesetCreatedAttr, RulesetStatus,
    ABI,
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

/// The ABI whose rights are asked for; older kernels enforce what they can.
const ABI_WANTED: ABI = ABI::V5;

pub fn contain(args: ContainArgs) -> Result<bool> {
    let status = Ruleset::default()
        .handle_access(AccessFs::from_all(ABI_WANTED))?
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
