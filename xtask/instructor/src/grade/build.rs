//! A contained `cargo build` of the test targets of the scratch workspace,
//! and what it produced: the test binaries, the compiler's errors by the
//! exercise they belong to, or why the build stopped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use super::sandbox::{Policy, Sandbox};
use super::scratch::Scratch;
use xtask::cargo::{self, Diagnostic, DiagnosticLevel, Message};
use xtask::curriculum::Exercise;
use xtask::process;

#[derive(Debug, Clone)]
pub enum Built {
    /// Each target's test binary, by target name.
    Binaries(BTreeMap<String, PathBuf>),
    /// Errors by exercise (its file, or its tests, did not compile), and
    /// those that name no exercise.
    Errors {
        by_exercise: BTreeMap<String, String>,
        other: String,
    },
    /// The build did not finish: its time limit, its memory limit, a kill.
    Stopped(String),
}

/// Every file a diagnostic or its notes point into.
fn files(diagnostic: &Diagnostic) -> Box<dyn Iterator<Item = &str> + '_> {
    Box::new(
        diagnostic
            .spans
            .iter()
            .map(|s| s.file_name.as_str())
            .chain(diagnostic.children.iter().flat_map(files)),
    )
}

/// How much longer than its CPU time limit a build may take by the clock:
/// a loaded machine slows a build down without making it use more CPU.
const WALL_PER_CPU: u32 = 4;

/// Builds `package`'s test targets `targets` under `policy`, each process
/// (cargo, rustc, the linker) with `limit` of CPU time, the whole build
/// with `WALL_PER_CPU` times that by the clock.
pub fn build(
    sandbox: &Sandbox,
    policy: &Policy,
    scratch: &Scratch,
    exercises: &[Exercise],
    package: &str,
    targets: &[&str],
    limit: Duration,
) -> Result<Built> {
    let mut policy = policy.clone();
    policy.cpu_seconds = Some(limit.as_secs().max(1));
    let mut command = sandbox.command(&policy, None, Path::new(&cargo::program()));
    command.args(["build", "--offline", "--quiet", "-p", package]);
    for target in targets {
        command.args(["--test", target]);
    }
    command.arg("--message-format=json");
    let outcome = process::run_with_deadline(command, limit * WALL_PER_CPU)?;
    if outcome.timed_out || outcome.output.contains("signal: 24, SIGXCPU") {
        return Ok(Built::Stopped(format!(
            "the build ran past its time limit ({} s of CPU time, {} s by the clock)",
            limit.as_secs(),
            (limit * WALL_PER_CPU).as_secs()
        )));
    }
    let mut binaries = BTreeMap::new();
    // An exercise is compiled into each target: its errors, once.
    let mut seen = std::collections::BTreeSet::new();
    let mut by_exercise: BTreeMap<String, String> = BTreeMap::new();
    let mut other = String::new();
    for message in cargo::messages(&outcome.output) {
        match message {
            Message::CompilerArtifact(artifact)
                if targets.contains(&artifact.target.name.as_str()) =>
            {
                if let Some(binary) = artifact.executable {
                    binaries.insert(artifact.target.name.clone(), PathBuf::from(binary));
                }
            }
            Message::CompilerMessage(compiled)
                if compiled.message.level == DiagnosticLevel::Error =>
            {
                let diagnostic = compiled.message;
                let primary = diagnostic
                    .spans
                    .iter()
                    .find(|s| s.is_primary)
                    .map(|s| s.file_name.clone());
                let text = shown(scratch, &diagnostic);
                if !seen.insert(text.clone()) {
                    continue;
                }
                match primary.and_then(|file| scratch.exercise_of(exercises, &file)) {
                    Some(exercise) => by_exercise
                        .entry(exercise.name.clone())
                        .or_default()
                        .push_str(&text),
                    None if diagnostic.spans.is_empty()
                        && diagnostic.message.starts_with("aborting due to") => {}
                    None => other.push_str(&text),
                }
            }
            // cargo's own words (a manifest problem, a killed rustc).
            Message::TextLine(line) if !line.trim().is_empty() => {
                other.push_str(&line);
                other.push('\n');
            }
            _ => {}
        }
    }
    Ok(if outcome.passed && binaries.len() == targets.len() {
        Built::Binaries(binaries)
    } else if !by_exercise.is_empty() || !other.trim().is_empty() {
        Built::Errors { by_exercise, other }
    } else {
        Built::Stopped(match outcome.status_code {
            None => "the build was killed (out of memory, or a signal)".to_string(),
            Some(code) => format!("the build failed (cargo exited with {code}) without saying why"),
        })
    })
}

/// What a student is shown of a compiler error: rustc's rendering, unless
/// it would quote an instructor's hidden test, which only gets its place
/// and message.
fn shown(scratch: &Scratch, diagnostic: &Diagnostic) -> String {
    if files(diagnostic).any(Scratch::is_hidden_test) {
        let code = diagnostic
            .code
            .as_ref()
            .map(|c| format!("[{}]", c.code))
            .unwrap_or_default();
        let line = diagnostic
            .spans
            .iter()
            .find(|s| s.is_primary)
            .map(|s| format!(" (line {})", s.line_start))
            .unwrap_or_default();
        return format!(
            "error{code}: {}\n  --> a hidden test does not compile against your code{line}\n",
            diagnostic.message
        );
    }
    scratch.learner_paths(
        diagnostic
            .rendered
            .as_deref()
            .unwrap_or(&diagnostic.message),
    )
}
