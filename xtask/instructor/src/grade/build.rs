//! A contained `cargo build` of one test target of the scratch workspace,
//! and what it produced: the test binary, the compiler's errors by the
//! exercise they belong to, or why the build stopped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use serde::Deserialize;

use super::sandbox::{Policy, Sandbox};
use super::scratch::Scratch;
use xtask::curriculum::Exercise;
use xtask::runner;

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

/// One line of `cargo --message-format=json`, the parts read here.
#[derive(Deserialize)]
struct CargoMessage {
    reason: String,
    #[serde(default)]
    target: Option<Target>,
    #[serde(default)]
    executable: Option<PathBuf>,
    #[serde(default)]
    message: Option<Diagnostic>,
}

#[derive(Deserialize)]
struct Target {
    name: String,
}

#[derive(Deserialize)]
struct Diagnostic {
    level: String,
    message: String,
    #[serde(default)]
    code: Option<Code>,
    #[serde(default)]
    spans: Vec<Span>,
    #[serde(default)]
    children: Vec<Diagnostic>,
    #[serde(default)]
    rendered: Option<String>,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    line_start: usize,
    is_primary: bool,
}

impl Diagnostic {
    fn files(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        Box::new(
            self.spans
                .iter()
                .map(|s| s.file_name.as_str())
                .chain(self.children.iter().flat_map(Diagnostic::files)),
        )
    }
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
    let mut command = sandbox.command(policy, None, Path::new(&runner::cargo()));
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
    let outcome = runner::execute(command, limit)?;
    if outcome.timed_out {
        return Ok(Built::Stopped(format!(
            "the build ran past its time limit ({} s)",
            limit.as_secs()
        )));
    }
    let mut binary = None;
    let mut by_exercise: BTreeMap<String, String> = BTreeMap::new();
    let mut other = String::new();
    for line in outcome.output.lines() {
        let Ok(message) = serde_json::from_str::<CargoMessage>(line) else {
            if !line.trim_start().starts_with('{') && !line.trim().is_empty() {
                // cargo's own words (a manifest problem, a killed rustc).
                other.push_str(line);
                other.push('\n');
            }
            continue;
        };
        match (message.reason.as_str(), message.message) {
            ("compiler-artifact", _)
                if message.target.as_ref().is_some_and(|t| t.name == target) =>
            {
                binary = message.executable.or(binary);
            }
            ("compiler-message", Some(diagnostic)) if diagnostic.level == "error" => {
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
    if diagnostic.files().any(Scratch::is_hidden_test) {
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
