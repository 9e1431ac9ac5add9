//! The stable facts of a run: what tests and snapshots compare.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::trace::Trace;

/// Counts and recorded results: no times, no workers, no ids. For a correct
/// concurrent program it is the same on every run and at every worker count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Tasks spawned (the run's `main` included).
    pub spawned: usize,
    /// Tasks that returned.
    pub returned: usize,
    /// Tasks that panicked.
    pub panicked: usize,
    /// Tasks still pending when the run ended (dropped at shutdown).
    pub unfinished: usize,
    /// Tasks spawned, per name.
    pub by_name: BTreeMap<String, usize>,
    /// What the program chose to record with [`crate::record`].
    pub results: BTreeMap<String, String>,
}

impl Trace {
    /// Stable facts only: identical on every run and at every worker count
    /// for a correct program.
    pub fn summary(&self) -> Summary {
        Summary::from_trace(self)
    }
}

impl Summary {
    fn from_trace(trace: &Trace) -> Summary {
        let mut summary = Summary {
            spawned: 0,
            returned: 0,
            panicked: 0,
            unfinished: 0,
            by_name: BTreeMap::new(),
            results: trace.results().clone(),
        };
        for task in trace.tasks() {
            summary.spawned += 1;
            *summary.by_name.entry(task.name.to_string()).or_default() += 1;
            match task.ended {
                Some(end) if end.panicked => summary.panicked += 1,
                Some(_) => summary.returned += 1,
                None => summary.unfinished += 1,
            }
        }
        summary
    }
}

impl Summary {
    /// What runs are compared by: the whole summary, or (`results_only`)
    /// the recorded results alone.
    pub fn compared(&self, results_only: bool) -> String {
        if results_only {
            self.results_to_string()
        } else {
            self.to_string()
        }
    }

    /// Only the recorded results, one `key = value` a line.
    pub fn results_to_string(&self) -> String {
        self.results
            .iter()
            .map(|(key, value)| format!("{key} = {value}\n"))
            .collect()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "tasks: {} spawned, {} returned, {} panicked, {} unfinished",
            self.spawned, self.returned, self.panicked, self.unfinished
        )?;
        let width = self.by_name.keys().map(String::len).max().unwrap_or(0);
        for (name, count) in &self.by_name {
            writeln!(f, "  {name:<width$}  x{count}")?;
        }
        if !self.results.is_empty() {
            writeln!(f, "results:")?;
            for (key, value) in &self.results {
                writeln!(f, "  {key} = {value}")?;
            }
        }
        Ok(())
    }
}
