//! What a failing exploration prints: the schedules, the command that
//! replays it, and both timelines, marked where they part.

use super::search::Failure;
use crate::env::SCHEDULE_ENV;
use crate::trace::{SwitchRecord, Trace};

/// Where a run under a schedule parts from the baseline: its first forced
/// switch (before it, both runs did the same, step for step).
pub fn divergence(run: &Trace) -> Option<SwitchRecord> {
    run.switches().first().copied()
}

impl Failure {
    /// The report a failing test prints: what failed, the schedules, the
    /// command that replays it (`replay`, after `BARISTA_SCHEDULE=...`, when
    /// there is one), and both timelines, marked where they part.
    pub fn report(&self, replay: Option<&str>) -> String {
        let shrunk = &self.shrunk;
        let mut out = if self.replayed {
            format!(
                "the schedule {} fails at 1 worker, replayed:\n{}\n\n",
                shrunk.schedule, shrunk.outcome
            )
        } else {
            format!(
                "exploration found a failing schedule after {} (strategy {}) at 1 worker:\n{}\n\n",
                plural(u64::from(self.tried), "schedule"),
                self.strategy,
                shrunk.outcome,
            )
        };
        if !self.replayed {
            out.push_str(&format!(
                "schedule found: {} ({} of {} choice points)\n",
                self.found.schedule,
                plural(self.found.schedule.switches().len() as u64, "forced switch"),
                self.baseline.points,
            ));
            out.push_str(&format!(
                "shrunk to:      {} ({}: the fewest found that still fail)\n",
                shrunk.schedule,
                plural(shrunk.schedule.switches().len() as u64, "forced switch"),
            ));
        }
        if let Some(replay) = replay {
            out.push_str(&format!(
                "replay it:      {SCHEDULE_ENV}={} {replay}\n",
                shrunk.schedule
            ));
        }
        if let (Some(base), Some(failing)) = (&self.baseline.trace, &shrunk.trace) {
            let parted = divergence(failing);
            out.push_str("\nthe baseline (tokio's own order):\n");
            let mut timeline = base.timeline();
            if let Some(switch) = parted {
                let note = format!(
                    "the runs part here: the failing schedule switches at point {}",
                    switch.point
                );
                timeline = timeline.mark(switch.at, note);
            }
            out.push_str(&timeline.render(false));
            out.push_str(&format!("\nthe failing schedule ({}):\n", shrunk.schedule));
            let mut timeline = failing.timeline();
            if let Some(switch) = parted {
                let note = format!(
                    "forced switch at point {}: the running task gives way",
                    switch.point
                );
                timeline = timeline.mark(switch.at, note);
            }
            out.push_str(&timeline.render(false));
        }
        out
    }
}

fn plural(n: u64, what: &str) -> String {
    let s = if what.ends_with('h') { "es" } else { "s" };
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}{s}")
    }
}
