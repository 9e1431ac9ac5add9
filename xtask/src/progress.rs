//! The learner's progress, in `.barista/progress.json` in the repository.
//!
//! Only a cache: a missing or corrupt file is rebuilt from the exercises'
//! actual state (by running them), never a crash. Written whole, then
//! renamed into place, so a crash mid-write cannot corrupt it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::curriculum::Curriculum;

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Progress {
    /// The exercise the learner is on.
    pub current: Option<String>,
    /// Exercises whose tests passed when last run.
    pub done: BTreeSet<String>,
    /// Test runs so far, hints shown so far.
    pub runs: u64,
    pub hints: u64,
    /// Per exercise, how many of its hint's steps the learner has seen.
    #[serde(default)]
    pub hint_steps: std::collections::BTreeMap<String, usize>,
    /// When the learner started (seconds since the Unix epoch).
    pub started: u64,
}

/// Where the progress file lives.
pub fn path(curriculum: &Curriculum) -> PathBuf {
    curriculum.root.join(".barista/progress.json")
}

/// Why the file could not be used, when it could not.
pub enum Loaded {
    Read(Progress),
    Missing,
    Corrupt(String),
}

pub fn read(curriculum: &Curriculum) -> Loaded {
    let path = path(curriculum);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Loaded::Missing,
        Err(err) => return Loaded::Corrupt(err.to_string()),
    };
    match serde_json::from_str::<Progress>(&text) {
        Ok(mut progress) => {
            // Forget exercises the curriculum no longer has.
            let known: BTreeSet<&str> = curriculum
                .exercises
                .iter()
                .map(|e| e.name.as_str())
                .collect();
            progress.done.retain(|name| known.contains(name.as_str()));
            if progress
                .current
                .as_deref()
                .is_some_and(|c| !known.contains(c))
            {
                progress.current = None;
            }
            Loaded::Read(progress)
        }
        Err(err) => Loaded::Corrupt(err.to_string()),
    }
}

impl Progress {
    pub fn save(&self, curriculum: &Curriculum) -> Result<()> {
        let path = path(curriculum);
        std::fs::create_dir_all(path.parent().unwrap())?;
        let partial = path.with_extension("json.partial");
        std::fs::write(&partial, serde_json::to_string_pretty(self)?)?;
        std::fs::rename(&partial, &path)?;
        Ok(())
    }

    /// The first exercise, in order, that is not done.
    pub fn first_pending<'a>(&self, curriculum: &'a Curriculum) -> Option<&'a str> {
        curriculum
            .exercises
            .iter()
            .map(|e| e.name.as_str())
            .find(|name| !self.done.contains(*name))
    }

    /// The exercise to show: the current one while it is not done, else the
    /// first pending one.
    pub fn current_or_next<'a>(&'a self, curriculum: &'a Curriculum) -> Option<&'a str> {
        self.current
            .as_deref()
            .filter(|current| !self.done.contains(*current))
            .or_else(|| self.first_pending(curriculum))
    }

    pub fn record(&mut self, exercise: &str, passed: bool) {
        self.runs += 1;
        if passed {
            self.done.insert(exercise.to_string());
        } else {
            self.done.remove(exercise);
        }
    }

    /// One more of `exercise`'s hint steps seen (up to `steps`, all of
    /// them); returns how many the learner has now seen.
    pub fn next_hint_step(&mut self, exercise: &str, steps: usize) -> usize {
        self.hints += 1;
        let seen = self.hint_steps.entry(exercise.to_string()).or_default();
        *seen = (*seen + 1).min(steps.max(1));
        *seen
    }
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
