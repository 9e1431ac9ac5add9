//! One run of a body under one schedule, and how it ended.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use super::Explore;
use crate::runtime::{panic_message, run_unsaved};
use crate::trace::Trace;
use crate::turns::{Following, Schedule};

/// How one run ended, as exploration compares runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It returned; its summary (or recorded results).
    Returned(String),
    /// It panicked, with this message.
    Panicked(String),
    /// It did not finish within its limit (a deadlock?), or could not run.
    Stopped(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Returned(summary) => write!(f, "it returned, with the summary\n{summary}"),
            Outcome::Panicked(message) => write!(f, "it panicked: {message}"),
            Outcome::Stopped(why) => write!(f, "it did not finish: {why}"),
        }
    }
}

/// One run under one schedule.
#[derive(Debug, Clone)]
pub struct ScheduledRun {
    /// Where the running task was made to give way.
    pub schedule: Schedule,
    /// How the run ended.
    pub outcome: Outcome,
    /// Its trace (none when it did not finish).
    pub trace: Option<Trace>,
    /// How many choice points it reached.
    pub points: u64,
}

/// Runs `body()` once under `schedule`: its outcome, and the switches it
/// made (known even when it did not finish).
pub fn run_schedule<F, Fut>(
    explore: &Explore,
    body: &F,
    schedule: &Schedule,
    limit: Duration,
) -> ScheduledRun
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let following = Arc::new(Following::new(schedule));
    let config = explore.config(following.clone(), limit);
    let (outcome, trace) = match run_unsaved(&config, body()) {
        Ok((Ok(()), trace)) => {
            let summary = trace.summary().compared(explore.results_only);
            (Outcome::Returned(summary), Some(trace))
        }
        Ok((Err(panic), trace)) => {
            let mut message = panic_message(&*panic);
            // A task's panic that the panic hook left to this report.
            for (n, task) in trace.task_panics().iter().enumerate() {
                let which = if n == 0 { "a task" } else { "then another" };
                message.push_str(&format!("\n({which} panicked: {task})"));
            }
            (Outcome::Panicked(message), Some(trace))
        }
        Err(err) => (Outcome::Stopped(err.to_string()), None),
    };
    ScheduledRun {
        schedule: following.taken(),
        outcome,
        trace,
        points: following.reached(),
    }
}
