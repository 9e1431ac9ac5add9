//! Chrome trace event JSON: opens in Perfetto (ui.perfetto.dev) and
//! chrome://tracing. One track per worker and per traced thread (named as
//! the timeline names its lanes), one slice per poll.

use serde_json::{json, Value};

use crate::config::ClockKind;
use crate::trace::Trace;

impl Trace {
    /// The trace in the Chrome trace event format, as a JSON value.
    pub fn chrome_trace(&self) -> Value {
        // Real clocks record nanoseconds; the format counts microseconds.
        // Logical ticks are shown as one microsecond each.
        let to_us = |t: u64| match self.clock() {
            ClockKind::Real => t as f64 / 1000.0,
            ClockKind::Logical => t as f64,
        };
        let mut events = vec![json!({
            "name": "process_name", "ph": "M", "pid": 1, "tid": 0,
            "args": { "name": format!("barista run on {} worker(s)", self.workers()) },
        })];
        let threads = self
            .polls()
            .iter()
            .map(|p| p.worker)
            .filter(|&lane| !self.is_worker_lane(lane));
        let last_lane = threads.max().map_or(self.workers() as u32, |lane| lane + 1);
        for lane in 0..last_lane {
            let name = match self.is_worker_lane(lane) {
                true => format!("worker {lane}"),
                false => format!("thread {}", lane as usize - self.workers()),
            };
            events.push(json!({
                "name": "thread_name", "ph": "M", "pid": 1, "tid": lane,
                "args": { "name": name },
            }));
            events.push(json!({
                "name": "thread_sort_index", "ph": "M", "pid": 1, "tid": lane,
                "args": { "sort_index": lane },
            }));
        }
        for poll in self.polls() {
            let name = self
                .task(poll.task)
                .map_or(crate::trace::UNNAMED, |t| t.name);
            events.push(json!({
                "name": name, "cat": "poll", "ph": "X", "pid": 1, "tid": poll.worker,
                "ts": to_us(poll.start), "dur": to_us(poll.end - poll.start),
                "args": { "task": poll.task.get() },
            }));
        }
        json!({ "traceEvents": events, "displayTimeUnit": "ns" })
    }

    /// Writes [`Trace::chrome_trace`] to `path`.
    pub fn write_chrome_trace(&self, path: impl AsRef<std::path::Path>) -> std::io::Result<()> {
        let text = serde_json::to_string(&self.chrome_trace()).map_err(std::io::Error::other)?;
        std::fs::write(path, text)
    }
}
