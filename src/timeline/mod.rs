//! The terminal picture of a trace: one lane per worker (and per traced
//! thread), which task ran when; then, for a few tasks, one lane per task
//! with its waits; for many, how many were alive.
//!
//! `axis` maps time onto columns, `symbols` gives each task its letter and
//! colour, `words` writes numbers and lists; here, the lanes are drawn.

mod axis;
mod symbols;
mod words;

use std::fmt::{self, Write as _};

use crate::config::ClockKind;
use crate::trace::{PollRecord, TaskId, Trace};
use axis::{alive, paused_ruler, Axis};
use symbols::Symbols;
use words::{millis, plural, thousands, wrap};

const SYMBOLS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// The run's own `main` task: it drives the others, so it gets no letter.
const MAIN: char = '*';
/// Names past the last symbol, when tasks are drawn by name.
const OVERFLOW: char = '#';
const IDLE: char = '.';
/// In a task's own lane: alive, but not running (waiting, or ready for its turn).
const WAITING: char = '-';
/// Up to this many tasks (main included), each gets a lane of its own.
const TASK_LANES_MAX: usize = 12;
/// Per-lane order lines are shown for at most this many polls (and only
/// when every poll has a column of its own, so that they agree with the bars).
const ORDER_MAX_POLLS: usize = 60;

/// A rendering of a trace's timeline. `Display` gives plain text; [`print`]
/// colours it when stdout is a terminal.
///
/// [`print`]: Timeline::print
pub struct Timeline<'a> {
    trace: &'a Trace,
    width: usize,
    /// An instant to point at under the lanes, and what to say of it.
    mark: Option<(u64, String)>,
}

impl Trace {
    /// The timeline of this trace, 80 columns wide.
    pub fn timeline(&self) -> Timeline<'_> {
        Timeline {
            trace: self,
            width: 80,
            mark: None,
        }
    }
}

impl<'a> Timeline<'a> {
    /// Total width in columns (at least 30).
    pub fn width(mut self, width: usize) -> Self {
        self.width = width.max(30);
        self
    }

    /// Points at the instant `at` (a poll's start) under the lanes, with `note`.
    pub fn mark(mut self, at: u64, note: impl Into<String>) -> Self {
        self.mark = Some((at, note.into()));
        self
    }

    /// Prints to stdout: coloured on a terminal, plain when piped or when
    /// `NO_COLOR` is set.
    pub fn print(&self) {
        use std::io::Write as _;
        let mut out = anstream::stdout();
        let _ = write!(out, "{}", self.render(true));
    }

    /// The picture as text, with ANSI colours or without.
    pub fn render(&self, color: bool) -> String {
        let mut out = String::new();
        let Some(canvas) = Canvas::new(self, color) else {
            let _ = writeln!(out, "timeline: nothing was polled");
            return out;
        };
        let _ = writeln!(
            out,
            "{}",
            header(self.trace, &canvas.symbols, &canvas.axis, canvas.threads())
        );
        canvas.worker_lanes(&mut out);
        if let Some(ruler) = paused_ruler(self.trace, &canvas.axis) {
            canvas.row(&mut out, "clock", &ruler);
        }
        if let Some((at, note)) = &self.mark {
            canvas.mark(&mut out, *at, note);
        }
        canvas.symbols.legend(&mut out, color, self.width);
        canvas.task_lanes_or_alive(&mut out);
        canvas.order_of_polls(&mut out);
        canvas.footer(&mut out);
        out
    }
}

impl fmt::Display for Timeline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// What the lanes are drawn on: the trace's polls along an axis of
/// columns, each task's symbol, and the labels' width.
struct Canvas<'t> {
    trace: &'t Trace,
    polls: &'t [PollRecord],
    /// The last poll's end.
    last_end: u64,
    symbols: Symbols,
    axis: Axis,
    /// Workers, then traced threads.
    lanes: usize,
    label_width: usize,
    cells: usize,
    width: usize,
    color: bool,
}

impl<'t> Canvas<'t> {
    /// `None` when nothing was polled.
    fn new(timeline: &Timeline<'t>, color: bool) -> Option<Canvas<'t>> {
        let trace = timeline.trace;
        let polls = trace.polls();
        let first = polls.first()?;
        let last_end = polls.iter().map(|p| p.end).max()?;
        let lanes = trace.workers().max(
            polls
                .iter()
                .map(|p| p.worker as usize + 1)
                .max()
                .unwrap_or(0),
        );
        let label_width = (0..lanes)
            .map(|lane| lane_label(trace, lane).len())
            .max()
            .unwrap_or(0)
            .max("alive".len());
        let cells = timeline.width.saturating_sub(label_width + 3).max(8);
        Some(Canvas {
            trace,
            polls,
            last_end,
            symbols: Symbols::new(trace),
            axis: Axis::new(trace, first.start, last_end, cells),
            lanes,
            label_width,
            cells,
            width: timeline.width,
            color,
        })
    }

    /// Lanes of traced threads beside the workers'.
    fn threads(&self) -> usize {
        self.lanes - self.trace.workers()
    }

    fn row(&self, out: &mut String, label: &str, body: &str) {
        let _ = writeln!(out, "{label:<width$} |{body}|", width = self.label_width);
    }

    /// One lane per worker and thread: in each column, the task that
    /// covered most of it.
    fn worker_lanes(&self, out: &mut String) {
        let mut grid: Vec<Vec<Option<(TaskId, u64)>>> = vec![vec![None; self.cells]; self.lanes];
        for poll in self.polls {
            for (cell, cover) in self.axis.cover(poll.start, poll.end) {
                let slot = &mut grid[poll.worker as usize][cell];
                if slot.is_none_or(|(_, best)| cover > best) {
                    *slot = Some((poll.task, cover));
                }
            }
        }
        for (lane, cells) in grid.iter().enumerate() {
            let mut body = String::new();
            for slot in cells {
                match slot {
                    Some((task, _)) => self.symbols.push(&mut body, *task, self.color),
                    None => body.push(IDLE),
                }
            }
            self.row(out, &lane_label(self.trace, lane), &body);
        }
    }

    /// A caret under the lanes at `at`, and the note under it (or ending
    /// there when it would run past the width).
    fn mark(&self, out: &mut String, at: u64, note: &str) {
        let cell = self.axis.cell_of(self.polls, at);
        let body = format!("{:cell$}^{:rest$}", "", "", rest = self.cells - cell - 1);
        self.row(out, "", &body);
        let under = self.label_width + 2 + cell;
        let indent = if under + note.len() > self.width {
            (under + 1).saturating_sub(note.len())
        } else {
            under
        };
        let _ = writeln!(out, "{:indent$}{note}", "");
    }

    /// For a few tasks, a lane each with its waits; for many, how many
    /// were alive.
    fn task_lanes_or_alive(&self, out: &mut String) {
        let symbols = &self.symbols;
        let drawn = symbols.tasks.len() + usize::from(symbols.main.is_some());
        // A lane per task only where every poll has a column: else a
        // task's lane would be solid letters, its waits hidden.
        if symbols.by_task && drawn <= TASK_LANES_MAX && self.axis.every_poll_has_a_column() {
            let _ = writeln!(
                out,
                "each task: its letter while it runs, '{WAITING}' while it waits or is ready"
            );
            for task in self.trace.tasks().iter().filter(|t| symbols.drawn(t.id)) {
                let mut lane = vec![' '; self.cells];
                let end = task.ended.map_or(self.last_end, |e| e.at);
                for cell in self.axis.cells(task.spawned_at, end) {
                    lane[cell] = WAITING;
                }
                let mut running = vec![false; self.cells];
                for poll in self.polls.iter().filter(|p| p.task == task.id) {
                    for (cell, _) in self.axis.cover(poll.start, poll.end) {
                        running[cell] = true;
                    }
                }
                let mut body = String::new();
                for (cell, c) in lane.into_iter().enumerate() {
                    if running[cell] {
                        symbols.push(&mut body, task.id, self.color);
                    } else {
                        body.push(c);
                    }
                }
                self.row(out, &format!("  {}", symbols.of(task.id)), &body);
            }
        } else if drawn > TASK_LANES_MAX {
            let (body, most) = alive(self.trace, &self.axis, self.last_end);
            self.row(out, "alive", &body);
            let _ = writeln!(
                out,
                "alive: how many tasks existed, 9 = the most at once ({});\n\
                 the lanes above: how many ran at once",
                thousands(most)
            );
        }
    }

    /// Which task each lane polled, in order, when there are few polls.
    fn order_of_polls(&self, out: &mut String) {
        if !self.axis.every_poll_has_a_column() || self.polls.len() > ORDER_MAX_POLLS {
            return;
        }
        out.push_str("order of polls per lane:\n");
        for lane in 0..self.lanes {
            let order: Vec<String> = self
                .polls
                .iter()
                .filter(|p| p.worker as usize == lane)
                .map(|p| self.symbols.of(p.task).to_string())
                .collect();
            let label = format!("{}: ", lane_label(self.trace, lane));
            if order.is_empty() {
                let _ = writeln!(out, "{label}(idle)");
            } else {
                out.push_str(&wrap(&label, &order, " -> ", self.width));
            }
        }
    }

    /// The parallelism seen, threads beside the workers, polls not shown.
    fn footer(&self, out: &mut String) {
        let trace = self.trace;
        let _ = writeln!(
            out,
            "observed parallelism: {} of {}",
            trace.observed_parallelism(),
            plural(trace.workers(), "worker")
        );
        if self.threads() > 0 {
            let _ = writeln!(
                out,
                "threads: {} beside the workers (OS threads: the worker limit does not bound them)",
                self.threads()
            );
        }
        if trace.dropped_polls() > 0 {
            let _ = writeln!(
                out,
                "({} polls not shown: the trace was full)",
                trace.dropped_polls()
            );
        }
    }
}

fn lane_label(trace: &Trace, lane: usize) -> String {
    if lane < trace.workers() {
        format!("worker {lane}")
    } else {
        format!("thread {}", lane - trace.workers())
    }
}

/// The first lines: what is drawn, on which clock, at what scale.
fn header(trace: &Trace, symbols: &Symbols, axis: &Axis, threads: usize) -> String {
    let tasks = symbols.tasks.len() + usize::from(symbols.main.is_some());
    let mut on = plural(trace.workers(), "worker");
    if threads > 0 {
        on.push_str(&format!(" and {}", plural(threads, "thread")));
    }
    let (clock, note) = match trace.clock() {
        ClockKind::Real => (
            format!("{} of real time", millis(axis.span)),
            axis.every_poll_has_a_column()
                .then_some("(short polls widened to a column each: not to scale)"),
        ),
        ClockKind::Logical => (
            format!(
                "{}, {}",
                if trace.clock_marks().is_empty() {
                    "logical clock"
                } else {
                    "paused time"
                },
                plural(axis.span as usize, "step")
            ),
            Some(match trace.clock_marks().len() {
                0 => "(a step is a poll starting or ending)",
                1 => "(a step is a poll starting or ending; tokio's paused clock never moved)",
                _ => "(a step is a poll starting or ending; clock: tokio's paused clock)",
            }),
        ),
    };
    let mut out = format!(
        "timeline: {} on {on}, {clock}, {} columns",
        plural(tasks, "task"),
        axis.cells
    );
    if let Some(note) = note {
        out.push('\n');
        out.push_str(note);
    }
    out
}
