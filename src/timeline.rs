//! The terminal picture of a trace: one lane per worker (and per traced
//! thread), which task ran when; then, for a few tasks, one lane per task
//! with its waits; for many, how many were alive.

use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::ops::Range;

use crate::config::ClockKind;
use crate::trace::{TaskId, TaskRecord, Trace};

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
        let trace = self.trace;
        let mut out = String::new();
        let polls = trace.polls();
        let (Some(first), Some(last_end)) = (polls.first(), polls.iter().map(|p| p.end).max())
        else {
            let _ = writeln!(out, "timeline: nothing was polled");
            return out;
        };
        let symbols = Symbols::new(trace);
        let lanes = trace.workers().max(
            polls
                .iter()
                .map(|p| p.worker as usize + 1)
                .max()
                .unwrap_or(0),
        );
        let threads = lanes - trace.workers();
        let lane_label = |lane: usize| {
            if lane < trace.workers() {
                format!("worker {lane}")
            } else {
                format!("thread {}", lane - trace.workers())
            }
        };
        let label_width = (0..lanes)
            .map(|lane| lane_label(lane).len())
            .max()
            .unwrap_or(0)
            .max("alive".len());
        let cells = self.width.saturating_sub(label_width + 3).max(8);
        let axis = Axis::new(trace, first.start, last_end, cells);
        let _ = writeln!(out, "{}", header(trace, &symbols, &axis, threads));

        // Per lane and cell, the task that covered most of the cell.
        let mut grid: Vec<Vec<Option<(TaskId, u64)>>> = vec![vec![None; cells]; lanes];
        for poll in polls {
            for (cell, cover) in axis.cover(poll.start, poll.end) {
                let slot = &mut grid[poll.worker as usize][cell];
                if slot.is_none_or(|(_, best)| cover > best) {
                    *slot = Some((poll.task, cover));
                }
            }
        }
        let row = |out: &mut String, label: &str, body: &str| {
            let _ = writeln!(out, "{label:<label_width$} |{body}|");
        };
        for (lane, cells) in grid.iter().enumerate() {
            let mut body = String::new();
            for slot in cells {
                match slot {
                    Some((task, _)) => symbols.push(&mut body, *task, color),
                    None => body.push(IDLE),
                }
            }
            row(&mut out, &lane_label(lane), &body);
        }
        if let Some(ruler) = paused_ruler(trace, &axis) {
            row(&mut out, "clock", &ruler);
        }
        if let Some((at, note)) = &self.mark {
            let cell = axis.cell_of(polls, *at);
            let body = format!("{:cell$}^{:rest$}", "", "", rest = cells - cell - 1);
            row(&mut out, "", &body);
            // The note starts under the mark, or ends there when it would
            // run past the width.
            let under = label_width + 2 + cell;
            let indent = if under + note.len() > self.width {
                (under + 1).saturating_sub(note.len())
            } else {
                under
            };
            let _ = writeln!(out, "{:indent$}{note}", "");
        }
        symbols.legend(&mut out, color, self.width);

        let drawn = symbols.tasks.len() + usize::from(symbols.main.is_some());
        // A lane per task only where every poll has a column: else a
        // task's lane would be solid letters, its waits hidden.
        if symbols.by_task && drawn <= TASK_LANES_MAX && axis.every_poll_has_a_column() {
            let _ = writeln!(
                out,
                "each task: its letter while it runs, '{WAITING}' while it waits or is ready"
            );
            for task in trace.tasks().iter().filter(|t| symbols.drawn(t.id)) {
                let mut lane = vec![' '; cells];
                let end = task.ended.map_or(last_end, |e| e.at);
                for cell in axis.cells(task.spawned_at, end) {
                    lane[cell] = WAITING;
                }
                let mut running = vec![false; cells];
                for poll in polls.iter().filter(|p| p.task == task.id) {
                    for (cell, _) in axis.cover(poll.start, poll.end) {
                        running[cell] = true;
                    }
                }
                let mut body = String::new();
                for (cell, c) in lane.into_iter().enumerate() {
                    if running[cell] {
                        symbols.push(&mut body, task.id, color);
                    } else {
                        body.push(c);
                    }
                }
                row(&mut out, &format!("  {}", symbols.of(task.id)), &body);
            }
        } else if drawn > TASK_LANES_MAX {
            let (body, most) = alive(trace, &axis, last_end);
            row(&mut out, "alive", &body);
            let _ = writeln!(
                out,
                "alive: how many tasks existed, 9 = the most at once ({});\n\
                 the lanes above: how many ran at once",
                thousands(most)
            );
        }

        if axis.every_poll_has_a_column() && polls.len() <= ORDER_MAX_POLLS {
            out.push_str("order of polls per lane:\n");
            for lane in 0..lanes {
                let order: Vec<String> = polls
                    .iter()
                    .filter(|p| p.worker as usize == lane)
                    .map(|p| symbols.of(p.task).to_string())
                    .collect();
                let label = format!("{}: ", lane_label(lane));
                if order.is_empty() {
                    let _ = writeln!(out, "{label}(idle)");
                } else {
                    out.push_str(&wrap(&label, &order, " -> ", self.width));
                }
            }
        }
        let _ = writeln!(
            out,
            "observed parallelism: {} of {}",
            trace.observed_parallelism(),
            plural(trace.workers(), "worker")
        );
        if threads > 0 {
            let _ = writeln!(
                out,
                "threads: {} beside the workers (OS threads: the worker limit does not bound them)",
                threads
            );
        }
        if trace.dropped_polls() > 0 {
            let _ = writeln!(
                out,
                "({} polls not shown: the trace was full)",
                trace.dropped_polls()
            );
        }
        out
    }
}

impl fmt::Display for Timeline<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
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

/// Time mapped onto columns: to scale, or, when there are few polls, with
/// every poll and every gap between them given a column at least (the rest
/// shared out by duration), so that no poll is hidden. Every method takes
/// timestamps as recorded, and a poll's or a life's last one, inclusive.
struct Axis {
    scale: Scale,
    t0: u64,
    /// The time drawn, as recorded (ns or steps).
    span: u64,
    cells: usize,
    /// On the scaled line, from t0: where drawing starts and ends.
    from: u64,
    to: u64,
    /// Widened: the boundaries between polls (scaled, from `from`), and
    /// the first cell of each interval between them (one more: `cells`).
    widened: Option<(Vec<u64>, Vec<usize>)>,
}

/// Paused time with waits in it: steps alone would draw a 100 ms sleep as
/// nothing at all, so steps and tokio's clock share the line half and half
/// (a wait takes room in proportion to the time slept). Otherwise the line
/// is the timestamps themselves.
struct Scale {
    /// (step, tokio's clock in µs) where it moved; empty: identity.
    marks: Vec<(u64, u64)>,
    per_step: u64,
    per_micro: u64,
}

impl Scale {
    fn new(trace: &Trace, span: u64) -> Scale {
        let marks: Vec<(u64, u64)> = trace
            .clock_marks()
            .iter()
            .map(|m| (m.step, m.nanos / 1_000))
            .collect();
        let total = marks.last().map_or(0, |&(_, us)| us);
        if total == 0 || span == 0 {
            return Scale {
                marks: Vec::new(),
                per_step: 1,
                per_micro: 0,
            };
        }
        Scale {
            marks,
            per_step: total,
            per_micro: span,
        }
    }

    fn clock_at(&self, step: u64) -> u64 {
        match self.marks.partition_point(|&(s, _)| s <= step) {
            0 => 0,
            i => self.marks[i - 1].1,
        }
    }

    /// Where an instant is on the line.
    fn at(&self, t: u64) -> u64 {
        t * self.per_step + self.clock_at(t) * self.per_micro
    }

    /// Where the step (or nanosecond) that begins at `t` ends.
    fn after(&self, t: u64) -> u64 {
        (t + 1) * self.per_step + self.clock_at(t) * self.per_micro
    }
}

impl Axis {
    fn new(trace: &Trace, t0: u64, last: u64, cells: usize) -> Axis {
        let span = last + 1 - t0;
        let scale = Scale::new(trace, span);
        let (from, to) = (scale.at(t0), scale.after(last));
        let mut bounds: Vec<u64> = trace
            .polls()
            .iter()
            .flat_map(|p| [scale.at(p.start) - from, scale.after(p.end) - from])
            .collect();
        bounds.sort_unstable();
        bounds.dedup();
        let intervals = bounds.len().saturating_sub(1);
        // Which intervals some poll covers (on any lane): those get a cell
        // at least. A gap where nothing ran gets only its share of time, so
        // that a few microseconds between two polls do not look idle.
        let mut depth = vec![0i64; intervals + 1];
        for p in trace.polls() {
            let first = bounds.partition_point(|&b| b < scale.at(p.start) - from);
            let last = bounds.partition_point(|&b| b < scale.after(p.end) - from);
            depth[first.min(intervals)] += 1;
            depth[last.min(intervals)] -= 1;
        }
        let mut running = 0;
        let busy: Vec<bool> = depth[..intervals]
            .iter()
            .map(|d| {
                running += d;
                running > 0
            })
            .collect();
        let needed = busy.iter().filter(|b| **b).count();
        let widened = (needed > 0 && needed <= cells).then(|| {
            // A cell for each busy interval, the rest by duration (largest
            // remainders).
            let spare = (cells - needed) as u128;
            let total = u128::from(bounds[intervals] - bounds[0]).max(1);
            let mut shares: Vec<(usize, u128)> = Vec::with_capacity(intervals);
            let mut given = 0usize;
            let mut widths: Vec<usize> = bounds
                .windows(2)
                .enumerate()
                .map(|(i, w)| {
                    let exact = u128::from(w[1] - w[0]) * spare;
                    shares.push((i, exact % total));
                    let extra = (exact / total) as usize;
                    given += extra;
                    usize::from(busy[i]) + extra
                })
                .collect();
            shares.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            for &(i, _) in shares.iter().take(cells - needed - given) {
                widths[i] += 1;
            }
            let mut starts = Vec::with_capacity(intervals + 1);
            let mut at = 0;
            for width in widths {
                starts.push(at);
                at += width;
            }
            starts.push(at);
            (bounds, starts)
        });
        Axis {
            scale,
            t0,
            span,
            cells,
            from,
            to,
            widened,
        }
    }

    /// The cell of the instant `at`: where the axis has it, or, inside a
    /// poll widened to columns with no bound at `at`, its share of the poll.
    fn cell_of(&self, polls: &[crate::PollRecord], at: u64) -> usize {
        if let Some(&(cell, _)) = self.cover(at, at).first() {
            return cell;
        }
        let Some(poll) = polls.iter().find(|p| p.start <= at && at <= p.end) else {
            return 0;
        };
        let cells = self.cover(poll.start, poll.end);
        let share = (at - poll.start) * cells.len() as u64 / (poll.end - poll.start + 1);
        cells
            .get(share as usize)
            .or(cells.last())
            .map_or(0, |&(cell, _)| cell)
    }

    fn every_poll_has_a_column(&self) -> bool {
        self.widened.is_some()
    }

    /// The cells from `first` to `last` (inclusive) touches, with how much
    /// of each it covers.
    fn cover(&self, first: u64, last: u64) -> Vec<(usize, u64)> {
        let first = first.max(self.t0);
        let start = self.scale.at(first) - self.from;
        let end = (self.scale.after(last.max(first)) - self.from).max(start + 1);
        match &self.widened {
            Some((bounds, starts)) => {
                let from = bounds.partition_point(|&b| b < start);
                let to = bounds.partition_point(|&b| b < end);
                let cells = starts[from.min(starts.len() - 1)]..starts[to.min(starts.len() - 1)];
                cells.map(|cell| (cell, 1)).collect()
            }
            None => {
                // Cell k covers [k * span, (k + 1) * span) in time scaled by
                // `cells` (exact integers).
                let (span, width) = (u128::from(self.to - self.from), self.cells as u128);
                let (start, end) = (u128::from(start) * width, u128::from(end) * width);
                let first = ((start / span) as usize).min(self.cells - 1);
                let last = ((end - 1) / span).min(width - 1) as usize;
                (first..=last.max(first))
                    .map(|cell| {
                        let cell_start = cell as u128 * span;
                        let cover = end
                            .min(cell_start + span)
                            .saturating_sub(start.max(cell_start));
                        (cell, cover as u64)
                    })
                    .collect()
            }
        }
    }

    /// The cells from `first` to `last` (inclusive) touches.
    fn cells(&self, first: u64, last: u64) -> Range<usize> {
        let cover = self.cover(first, last);
        match (cover.first(), cover.last()) {
            (Some(&(a, _)), Some(&(b, _))) => a..b + 1,
            _ => 0..0,
        }
    }

    /// The cell an instant falls in.
    fn cell_at(&self, at: u64) -> usize {
        self.cells(at, at).start.min(self.cells - 1)
    }
}

/// Paused time: tokio's clock, written where it moved.
fn paused_ruler(trace: &Trace, axis: &Axis) -> Option<String> {
    let marks = trace.clock_marks();
    if marks.len() < 2 {
        return None; // it never moved
    }
    let mut ruler = vec![' '; axis.cells];
    let mut free_from = 0;
    for mark in marks {
        let cell = axis.cell_at(mark.step);
        let text = format!("{}", Millis(mark.nanos));
        if cell < free_from || cell + text.len() > axis.cells {
            continue;
        }
        for (i, c) in text.chars().enumerate() {
            ruler[cell + i] = c;
        }
        free_from = cell + text.len() + 1;
    }
    Some(ruler.into_iter().collect())
}

/// How many tasks were alive in each cell, as digits scaled to the most.
fn alive(trace: &Trace, axis: &Axis, last: u64) -> (String, usize) {
    let mut delta = vec![0i64; axis.cells + 1];
    for task in trace.tasks() {
        let end = task.ended.map_or(last, |e| e.at).min(last);
        let cells = axis.cells(task.spawned_at, end);
        delta[cells.start] += 1;
        delta[cells.end] -= 1;
    }
    let mut counts = Vec::with_capacity(axis.cells);
    let mut now = 0i64;
    for d in &delta[..axis.cells] {
        now += d;
        counts.push(now.max(0) as usize);
    }
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    let body = counts
        .iter()
        .map(|&n| match n {
            0 => ' ',
            n => char::from(b'0' + (n * 9).div_ceil(most).clamp(1, 9) as u8),
        })
        .collect();
    (body, most)
}

/// Symbols for the tasks drawn: one per task, in spawn order, when they fit;
/// else one per task name (with counts in the legend). `main` (the first
/// task of a run) is `*`.
struct Symbols {
    /// The polled tasks other than main, in spawn order.
    tasks: Vec<TaskId>,
    /// Each task's symbol.
    symbol: HashMap<TaskId, (char, usize)>,
    main: Option<TaskId>,
    by_task: bool,
    /// Legend entries: symbols, name, how many tasks.
    /// Each name's symbols (`A-J`), the index of its one symbol when it
    /// has one (for its colour), the name, and how many tasks it had.
    legend: Vec<(String, Option<usize>, &'static str, usize)>,
}

impl Symbols {
    fn new(trace: &Trace) -> Self {
        let polled: std::collections::HashSet<TaskId> =
            trace.polls().iter().map(|p| p.task).collect();
        let main = trace
            .tasks()
            .first()
            .filter(|t| t.name == "main" && t.parent.is_none() && polled.contains(&t.id))
            .map(|t| t.id);
        let drawn: Vec<&TaskRecord> = trace
            .tasks()
            .iter()
            .filter(|t| polled.contains(&t.id) && Some(t.id) != main)
            .collect();
        let by_task = drawn.len() <= SYMBOLS.len();
        let mut symbol = HashMap::new();
        // Names in order of their first task; each name's symbols and count.
        let mut names: Vec<(&'static str, Vec<usize>, usize)> = Vec::new();
        let mut name_index: HashMap<&'static str, usize> = HashMap::new();
        for (i, task) in drawn.iter().enumerate() {
            let n = *name_index.entry(task.name).or_insert_with(|| {
                names.push((task.name, Vec::new(), 0));
                names.len() - 1
            });
            let index = if by_task { i } else { n };
            let c = SYMBOLS.get(index).map_or(OVERFLOW, |&b| char::from(b));
            symbol.insert(task.id, (c, index));
            names[n].2 += 1;
            if by_task || names[n].1.is_empty() {
                names[n].1.push(index);
            }
        }
        let mut legend = Vec::new();
        let mut overflow = 0;
        for (name, indexes, count) in names {
            if !by_task && indexes[0] >= SYMBOLS.len() {
                overflow += count;
                continue;
            }
            let single = (indexes.len() == 1).then_some(indexes[0]);
            legend.push((runs(&indexes), single, name, count));
        }
        if overflow > 0 {
            legend.push((OVERFLOW.to_string(), None, "other names", overflow));
        }
        Symbols {
            tasks: drawn.iter().map(|t| t.id).collect(),
            symbol,
            main,
            by_task,
            legend,
        }
    }

    fn drawn(&self, task: TaskId) -> bool {
        Some(task) == self.main || self.symbol.contains_key(&task)
    }

    fn of(&self, task: TaskId) -> char {
        if Some(task) == self.main {
            return MAIN;
        }
        self.symbol.get(&task).map_or(OVERFLOW, |&(c, _)| c)
    }

    fn push(&self, out: &mut String, task: TaskId, color: bool) {
        match self.symbol.get(&task) {
            Some(&(c, index)) if color && c != OVERFLOW => {
                let style = palette(index);
                let _ = write!(out, "{style}{c}{style:#}");
            }
            _ => out.push(self.of(task)),
        }
    }

    /// Every task drawn, by name: `A-J brew_order (10 tasks)`.
    fn legend(&self, out: &mut String, color: bool, width: usize) {
        let mut entries: Vec<(String, usize)> = Vec::new();
        if self.main.is_some() {
            entries.push((format!("{MAIN} main"), 6));
        }
        for (symbols, single, name, count) in &self.legend {
            let counted = if *count > 1 {
                format!("{name} ({} tasks)", thousands(*count))
            } else {
                name.to_string()
            };
            let plain = format!("{symbols} {counted}");
            let shown = match single {
                Some(index) if color => {
                    let style = palette(*index);
                    format!("{style}{symbols}{style:#} {counted}")
                }
                _ => plain.clone(),
            };
            entries.push((shown, plain.chars().count()));
        }
        let mut line = String::from(" ");
        let mut visible = 1;
        for (entry, len) in entries {
            if visible > 1 && visible + 2 + len > width {
                out.push_str(&line);
                out.push('\n');
                line = String::from(" ");
                visible = 1;
            }
            line.push(' ');
            line.push_str(&entry);
            line.push(' ');
            visible += len + 2;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// Symbol indexes as runs: `A`, `A-J`, `A-C E`.
fn runs(indexes: &[usize]) -> String {
    let symbol = |i: usize| SYMBOLS.get(i).map_or(OVERFLOW, |&b| char::from(b));
    let mut parts = Vec::new();
    let mut i = 0;
    while i < indexes.len() {
        let mut j = i;
        while j + 1 < indexes.len() && indexes[j + 1] == indexes[j] + 1 {
            j += 1;
        }
        parts.push(match j - i {
            0 => symbol(indexes[i]).to_string(),
            1 => format!("{}{}", symbol(indexes[i]), symbol(indexes[j])),
            _ => format!("{}-{}", symbol(indexes[i]), symbol(indexes[j])),
        });
        i = j + 1;
    }
    parts.join(" ")
}

fn palette(i: usize) -> anstyle::Style {
    use anstyle::AnsiColor::*;
    const COLORS: [anstyle::AnsiColor; 6] = [Cyan, Yellow, Magenta, Green, Blue, Red];
    anstyle::Style::new()
        .fg_color(Some(COLORS[i % COLORS.len()].into()))
        .bold()
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{} {what}s", thousands(n))
    }
}

fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Real time, always in milliseconds: one unit for every timeline.
fn millis(nanos: u64) -> String {
    let ms = nanos as f64 / 1e6;
    if ms < 10.0 {
        format!("{ms:.3} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// tokio's paused clock on the ruler: whole milliseconds where it can.
struct Millis(u64);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nanos = self.0;
        if nanos.is_multiple_of(1_000_000) {
            write!(f, "{}ms", nanos / 1_000_000)
        } else {
            write!(f, "{:.3}ms", nanos as f64 / 1e6)
        }
    }
}

/// `items` joined by `sep` after `label`, wrapped at `width` columns, the
/// continuation lines indented under the first item.
fn wrap(label: &str, items: &[String], sep: &str, width: usize) -> String {
    let indent = " ".repeat(label.len());
    let mut out = String::new();
    let mut line = label.to_string();
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() {
            format!("{item}{}", sep.trim_end())
        } else {
            item.clone()
        };
        if line.len() > indent.len() && line.len() + 1 + piece.len() > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.clone();
        } else if line.len() > label.len() && !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(&piece);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}
