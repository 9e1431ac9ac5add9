//! A contained `cargo build` of one test target of the scratch workspace,
//! and what it produced: the test binary, the compiler's errors by the
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
    Binary(PathBuf),
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

/// Builds `package`'s test target `target` under `policy`.
pub fn build(
    sandbox: &Sandbox,
    policy: &Policy,
    scratch: &Scratch,
    exercises: &[Exercise],
    (package, target): (&str, &str),
    limit: Duration,
) -> Result<Built> {
    let mut command = sandbox.command(policy, None, Path::new(&cargo::program()));
    command
        .args([
            "build",
            "--offline",
            "--quiet",
            "-p",
            package,
            "--test",
            target,
        ])
        .arg("--message-format=json");
    let outcome = process::run_with_deadline(command, limit)?;
    if outcome.timed_out {
        return Ok(Built::Stopped(format!(
            "the build ran past its time limit ({} s)",
            limit.as_secs()
        )));
    }
    let mut binary = None;
    let mut by_exercise: BTreeMap<String, String> = BTreeMap::new();
    let mut other = String::new();
    for message in cargo::messages(&outcome.output) {
        match message {
            Message::CompilerArtifact(artifact) if artifact.target.name == target => {
                binary = artifact.executable.map(PathBuf::from).or(binary);
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
    Ok(match binary {
        Some(binary) if outcome.passed => Built::Binary(binary),
        _ if !by_exercise.is_empty() || !other.trim().is_empty() => {
            Built::Errors { by_exercise, other }
        }
        _ => Built::Stopped(match outcome.status_code {
            None => "the build was killed (out of memory, or a signal)".to_string(),
            Some(code) => format!("the build failed (cargo exited with {code}) without saying why"),
        }),
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
