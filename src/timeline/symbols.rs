//! Each task's symbol (a letter per task, or per name when there are
//! many), its colour and the legend.

use std::collections::HashMap;

use std::fmt::Write as _;

use super::words::thousands;
use super::{MAIN, OVERFLOW, SYMBOLS};
use crate::trace::{TaskId, TaskRecord, Trace};

/// Symbols for the tasks drawn: one per task, in spawn order, when they fit;
/// else one per task name (with counts in the legend). `main` (the first
/// task of a run) is `*`.
pub(super) struct Symbols {
    /// The polled tasks other than main, in spawn order.
    pub(super) tasks: Vec<TaskId>,
    /// Each task's symbol.
    pub(super) symbol: HashMap<TaskId, (char, usize)>,
    pub(super) main: Option<TaskId>,
    pub(super) by_task: bool,
    /// Legend entries: symbols, name, how many tasks.
    /// Each name's symbols (`A-J`), the index of its one symbol when it
    /// has one (for its colour), the name, and how many tasks it had.
    pub(super) legend: Vec<(String, Option<usize>, &'static str, usize)>,
}

impl Symbols {
    pub(super) fn new(trace: &Trace) -> Self {
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

    pub(super) fn drawn(&self, task: TaskId) -> bool {
        Some(task) == self.main || self.symbol.contains_key(&task)
    }

    pub(super) fn of(&self, task: TaskId) -> char {
        if Some(task) == self.main {
            return MAIN;
        }
        self.symbol.get(&task).map_or(OVERFLOW, |&(c, _)| c)
    }

    pub(super) fn push(&self, out: &mut String, task: TaskId, color: bool) {
        match self.symbol.get(&task) {
            Some(&(c, index)) if color && c != OVERFLOW => {
                let style = palette(index);
                let _ = write!(out, "{style}{c}{style:#}");
            }
            _ => out.push(self.of(task)),
        }
    }

    /// Every task drawn, by name: `A-J brew_order (10 tasks)`.
    pub(super) fn legend(&self, out: &mut String, color: bool, width: usize) {
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
pub(super) fn runs(indexes: &[usize]) -> String {
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

pub(super) fn palette(i: usize) -> anstyle::Style {
    use anstyle::AnsiColor::*;
    const COLORS: [anstyle::AnsiColor; 6] = [Cyan, Yellow, Magenta, Green, Blue, Red];
    anstyle::Style::new()
        .fg_color(Some(COLORS[i % COLORS.len()].into()))
        .bold()
}
