//! The terminal picture of a trace: one lane per worker, which task ran when.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use crate::config::ClockKind;
use crate::trace::{TaskId, Trace};

const SYMBOLS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// The run's own `main` task: it drives the others, so it gets no letter.
const MAIN: char = '*';
/// Shown for tasks beyond the last symbol.
const OVERFLOW: char = '#';
const IDLE: char = '.';
/// Legend entries listed before "and N more".
const LEGEND_MAX: usize = 12;
/// Per-worker order lines are shown when the trace has at most this many polls.
const ORDER_MAX_POLLS: usize = 60;

/// A rendering of a trace's timeline. `Display` gives plain text; [`print`]
/// colours it when stdout is a terminal.
///
/// [`print`]: Timeline::print
pub struct Timeline<'a> {
    trace: &'a Trace,
    width: usize,
}

impl Trace {
    /// The timeline of this trace, 80 columns wide.
    pub fn timeline(&self) -> Timeline<'_> {
        Timeline {
            trace: self,
            width: 80,
        }
    }
}

impl<'a> Timeline<'a> {
    /// Total width in columns (at least 30).
    pub fn width(mut self, width: usize) -> Self {
        self.width = width.max(30);
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
        let symbols = Symbols::new(trace);
        let mut out = String::new();
        let lanes = trace.workers().max(
            trace
                .polls()
                .iter()
                .map(|p| p.worker as usize + 1)
                .max()
                .unwrap_or(0),
        );
        let label = |worker: usize| format!("worker {worker:<w$} ", w = digits(lanes - 1));
        let cells = self
            .width
            .saturating_sub(label(0).chars().count() + 2)
            .max(8);
        let polls = trace.polls();
        let (t0, t1) = match (polls.first(), polls.iter().map(|p| p.end).max()) {
            (Some(first), Some(end)) => (first.start, end),
            _ => {
                let _ = writeln!(out, "timeline: nothing was polled");
                return out;
            }
        };
        // Time is stretched or squeezed onto the cells: cell k covers
        // [k * span, (k + 1) * span) in time scaled by `cells` (exact integers).
        let span = t1 - t0 + 1;
        let _ = writeln!(
            out,
            "timeline: {} on {}, {} in {} columns",
            plural(
                symbols.order.len() + usize::from(symbols.main.is_some()),
                "task"
            ),
            plural(trace.workers(), "worker"),
            duration(trace.clock(), span),
            cells,
        );
        let (span, width) = (u128::from(span), cells as u128);
        // Per lane and cell, the task that covered most of the cell.
        let mut grid: Vec<Vec<Option<(TaskId, u128)>>> = vec![vec![None; cells]; lanes];
        for poll in polls {
            let start = u128::from(poll.start - t0) * width;
            let end = u128::from(poll.end - t0 + 1) * width;
            let first = (start / span) as usize;
            let last = ((end - 1) / span).min(width - 1) as usize;
            for (cell, slot) in grid[poll.worker as usize][first..=last]
                .iter_mut()
                .enumerate()
            {
                let cell_start = (first + cell) as u128 * span;
                let cover = end.min(cell_start + span) - start.max(cell_start);
                if slot.is_none_or(|(_, best)| cover > best) {
                    *slot = Some((poll.task, cover));
                }
            }
        }
        for (worker, lane) in grid.iter().enumerate() {
            out.push_str(&label(worker));
            out.push('|');
            for slot in lane {
                match slot {
                    Some((task, _)) => symbols.push(&mut out, *task, color),
                    None => out.push(IDLE),
                }
            }
            out.push_str("|\n");
        }
        symbols.legend(&mut out, trace, color, self.width);
        if polls.len() <= ORDER_MAX_POLLS {
            out.push_str("order of polls per worker:\n");
            for worker in 0..lanes {
                let mut line = format!("worker {worker}: ");
                let mut first = true;
                for poll in polls.iter().filter(|p| p.worker as usize == worker) {
                    if !first {
                        line.push_str(" -> ");
                    }
                    first = false;
                    line.push(symbols.of(poll.task));
                }
                if first {
                    line.push_str("(idle)");
                }
                out.push_str(&fit(&line, self.width));
                out.push('\n');
            }
        }
        let _ = writeln!(
            out,
            "observed parallelism: {} of {}",
            trace.observed_parallelism(),
            plural(trace.workers(), "worker")
        );
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

/// Letters for tasks, in spawn order, for those that were polled; `main`
/// (the first task of a run) is `*`.
struct Symbols {
    order: Vec<TaskId>,
    index: HashMap<TaskId, usize>,
    main: Option<TaskId>,
}

impl Symbols {
    fn new(trace: &Trace) -> Self {
        let polled: std::collections::HashSet<TaskId> =
            trace.polls().iter().map(|p| p.task).collect();
        let main = trace
            .tasks()
            .first()
            .filter(|t| t.name == "main" && t.parent.is_none())
            .map(|t| t.id);
        let order: Vec<TaskId> = trace
            .tasks()
            .iter()
            .map(|t| t.id)
            .filter(|id| polled.contains(id) && Some(*id) != main)
            .collect();
        let index = order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        Symbols { order, index, main }
    }

    fn of(&self, task: TaskId) -> char {
        if Some(task) == self.main {
            return MAIN;
        }
        self.index
            .get(&task)
            .and_then(|&i| SYMBOLS.get(i))
            .map_or(OVERFLOW, |&b| b as char)
    }

    fn push(&self, out: &mut String, task: TaskId, color: bool) {
        let symbol = self.of(task);
        if color && symbol != OVERFLOW && symbol != MAIN {
            let style = palette(self.index[&task]);
            let _ = write!(out, "{style}{symbol}{style:#}");
        } else {
            out.push(symbol);
        }
    }

    fn legend(&self, out: &mut String, trace: &Trace, color: bool, width: usize) {
        let mut line = String::from("  ");
        let mut visible = 2;
        if self.main.is_some() {
            line.push_str("* main  ");
            visible += 8;
        }
        for &task in self.order.iter().take(LEGEND_MAX) {
            let name = trace.task(task).map_or(crate::trace::UNNAMED, |t| t.name);
            let entry_len = name.chars().count() + 4;
            if visible + entry_len > width {
                out.push_str(line.trim_end());
                out.push('\n');
                line = String::from("  ");
                visible = 2;
            }
            self.push(&mut line, task, color);
            let _ = write!(line, " {name}  ");
            visible += entry_len;
        }
        out.push_str(line.trim_end());
        out.push('\n');
        if self.order.len() > LEGEND_MAX {
            let _ = writeln!(
                out,
                "  ... and {} more (past {}: '{OVERFLOW}')",
                plural(self.order.len() - LEGEND_MAX, "task"),
                SYMBOLS.len()
            );
        }
    }
}

fn palette(i: usize) -> anstyle::Style {
    use anstyle::AnsiColor::*;
    const COLORS: [anstyle::AnsiColor; 6] = [Cyan, Yellow, Magenta, Green, Blue, Red];
    anstyle::Style::new()
        .fg_color(Some(COLORS[i % COLORS.len()].into()))
        .bold()
}

fn digits(n: usize) -> usize {
    n.to_string().len()
}

fn plural(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn duration(clock: ClockKind, amount: u64) -> String {
    match clock {
        ClockKind::Logical => plural(amount as usize, "tick"),
        ClockKind::Real if amount >= 1_000_000_000 => {
            format!("{:.2} s", amount as f64 / 1e9)
        }
        ClockKind::Real if amount >= 1_000_000 => format!("{:.1} ms", amount as f64 / 1e6),
        ClockKind::Real if amount >= 1_000 => format!("{:.1} us", amount as f64 / 1e3),
        ClockKind::Real => format!("{amount} ns"),
    }
}

/// Cuts a line to `width` columns, marking the cut.
fn fit(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(width - 3).collect();
    cut.push_str("...");
    cut
}
