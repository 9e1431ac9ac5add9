//! Every cargo call the tools make: which cargo, in which workspace, into
//! which target folder (passed to each command, never set on the tool's own
//! environment), and its JSON messages read through `cargo_metadata`.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
pub use cargo_metadata::diagnostic::{Diagnostic, DiagnosticLevel};
pub use cargo_metadata::Message;

use crate::process::{self, Streams};

/// cargo, for one workspace.
#[derive(Debug, Clone)]
pub struct Cargo {
    program: OsString,
    workspace: PathBuf,
    target_dir: TargetDir,
}

/// Where a cargo command builds.
#[derive(Debug, Clone)]
enum TargetDir {
    /// Where whoever started us builds: a learner's own `CARGO_TARGET_DIR`
    /// (one target folder shared by several projects) is kept.
    Inherited,
    /// The workspace's own `target/`, whatever the environment says.
    Own,
    At(PathBuf),
}

impl Cargo {
    /// The cargo that runs us (`cargo xtask` sets `CARGO`), else `cargo`,
    /// in `workspace`, building where the environment says.
    #[must_use]
    pub fn new(workspace: &Path) -> Cargo {
        Cargo {
            program: program(),
            workspace: workspace.to_path_buf(),
            target_dir: TargetDir::Inherited,
        }
    }

    /// Builds into `dir` (`CARGO_TARGET_DIR` of each command started).
    #[must_use]
    pub fn target_dir(mut self, dir: &Path) -> Cargo {
        self.target_dir = TargetDir::At(dir.to_path_buf());
        self
    }

    /// Builds into the workspace's own `target/`: a `CARGO_TARGET_DIR` in
    /// our environment names some other workspace's (a fresh copy measured
    /// as a newcomer would meet it).
    #[must_use]
    pub fn own_target_dir(mut self) -> Cargo {
        self.target_dir = TargetDir::Own;
        self
    }

    /// The workspace's folder.
    #[must_use]
    pub fn workspace(&self) -> &Path {
        &self.workspace
    }

    /// `cargo ARGS` in the workspace, building where this says.
    pub fn command<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut command = Command::new(&self.program);
        command.current_dir(&self.workspace).args(args);
        match &self.target_dir {
            TargetDir::Inherited => &mut command,
            TargetDir::Own => command.env_remove("CARGO_TARGET_DIR"),
            TargetDir::At(dir) => command.env("CARGO_TARGET_DIR", dir),
        };
        command
    }

    /// `cargo build ARGS --message-format=json…`: the test binaries it
    /// built and the compiler's errors, by test target. `show` says how
    /// cargo talks to the terminal meanwhile.
    ///
    /// # Errors
    ///
    /// When cargo cannot be started, or fails without building or blaming
    /// any test target.
    pub fn build_tests(&self, args: &[&str], show: Show) -> Result<TestBuild> {
        let mut command = self.command(["build"]);
        command.args(args).arg(if show.colors {
            "--message-format=json-diagnostic-rendered-ansi"
        } else {
            "--message-format=json"
        });
        let streams = if show.progress {
            // cargo's progress bar, on the terminal's stderr; the messages
            // themselves come as JSON on stdout.
            Streams::StdoutOnly
        } else {
            // Kept: when cargo fails before any compiler message (a broken
            // manifest, a lock file out of date), it says why only there.
            command.arg("--quiet");
            Streams::Apart
        };
        let ran = process::run(command, streams, None).context("running cargo build")?;
        let (status, said, stdout) = (ran.status, ran.output, ran.stdout);
        let build = TestBuild::from_messages(&messages(&String::from_utf8_lossy(&stdout)));
        if build.binaries.is_empty() && build.errors.is_empty() && !status.success() {
            let said = crate::text::cap(said.trim(), crate::text::Keep::LastLines(20));
            anyhow::bail!(
                "cargo could not build in {}{}",
                self.workspace.display(),
                if said.is_empty() {
                    format!(" (run `cargo build {}` there to see why)", args.join(" "))
                } else {
                    format!(":\n{said}")
                }
            );
        }
        Ok(build)
    }
}

/// How a build shows itself on the terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Show {
    /// Compiler errors rendered with colours.
    pub colors: bool,
    /// cargo's progress bar on stderr.
    pub progress: bool,
}

/// The cargo that runs us (`cargo xtask` sets `CARGO`), else `cargo`.
#[must_use]
pub fn program() -> OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// cargo's JSON messages in `output`, one a line; its other lines (its own
/// words: a manifest problem, a killed rustc) as [`Message::TextLine`].
pub fn messages(output: &str) -> Vec<Message> {
    Message::parse_stream(output.as_bytes())
        .map_while(Result::ok)
        .collect()
}

/// What building test targets produced.
#[derive(Debug, Default, Clone)]
pub struct TestBuild {
    /// Test binary per test target name.
    pub binaries: BTreeMap<String, PathBuf>,
    /// Compiler errors (rendered) per test target that failed to build.
    pub errors: BTreeMap<String, String>,
}

impl TestBuild {
    #[must_use]
    pub fn from_messages(messages: &[Message]) -> TestBuild {
        let is_test = |target: &cargo_metadata::Target| {
            target.kind.contains(&cargo_metadata::TargetKind::Test)
        };
        let mut build = TestBuild::default();
        for message in messages {
            match message {
                Message::CompilerArtifact(artifact) if is_test(&artifact.target) => {
                    if let Some(exe) = &artifact.executable {
                        build
                            .binaries
                            .insert(artifact.target.name.clone(), exe.clone().into());
                    }
                }
                Message::CompilerMessage(compiled)
                    if is_test(&compiled.target)
                        && compiled.message.level == DiagnosticLevel::Error =>
                {
                    let rendered = compiled.message.rendered.as_deref().unwrap_or_default();
                    build
                        .errors
                        .entry(compiled.target.name.clone())
                        .or_default()
                        .push_str(rendered);
                }
                _ => {}
            }
        }
        for target in build.errors.keys() {
            build.binaries.remove(target);
        }
        build
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_that_fails_before_compiling_says_why() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \n").unwrap();
        let err = Cargo::new(dir.path())
            .target_dir(&dir.path().join("target"))
            .build_tests(&["--tests"], Show::default())
            .unwrap_err()
            .to_string();
        assert!(err.contains("could not build in"), "{err}");
        // cargo's own words about the manifest, not a bare failure.
        assert!(err.contains("Cargo.toml"), "{err}");
    }
}
