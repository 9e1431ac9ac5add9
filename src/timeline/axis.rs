//! Time mapped onto the timeline's columns, and what is drawn along it
//! beside the lanes: paused time's ruler, how many tasks were alive.

use std::ops::Range;

use super::words::Millis;
use crate::trace::Trace;

/// Time mapped onto columns: to scale, or, when there are few polls, with
/// every poll and every gap between them given a column at least (the rest
/// shared out by duration), so that no poll is hidden. Every method takes
/// timestamps as recorded, and a poll's or a life's last one, inclusive.
pub(super) struct Axis {
    pub(super) scale: Scale,
    pub(super) t0: u64,
    /// The time drawn, as recorded (ns or steps).
    pub(super) span: u64,
    pub(super) cells: usize,
    /// On the scaled line, from t0: where drawing starts and ends.
    pub(super) from: u64,
    pub(super) to: u64,
    /// Widened: the boundaries between polls (scaled, from `from`), and
    /// the first cell of each interval between them (one more: `cells`).
    pub(super) widened: Option<(Vec<u64>, Vec<usize>)>,
}

/// Paused time with waits in it: steps alone would draw a 100 ms sleep as
/// nothing at all, so steps and tokio's clock share the line half and half
/// (a wait takes room in proportion to the time slept). Otherwise the line
/// is the timestamps themselves.
pub(super) struct Scale {
    /// (step, tokio's clock in µs) where it moved; empty: identity.
    pub(super) marks: Vec<(u64, u64)>,
    pub(super) per_step: u64,
    pub(super) per_micro: u64,
}

impl Scale {
    pub(super) fn new(trace: &Trace, span: u64) -> Scale {
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

    pub(super) fn clock_at(&self, step: u64) -> u64 {
        match self.marks.partition_point(|&(s, _)| s <= step) {
            0 => 0,
            i => self.marks[i - 1].1,
        }
    }

    /// Where an instant is on the line.
    pub(super) fn at(&self, t: u64) -> u64 {
        t * self.per_step + self.clock_at(t) * self.per_micro
    }

    /// Where the step (or nanosecond) that begins at `t` ends.
    pub(super) fn after(&self, t: u64) -> u64 {
        (t + 1) * self.per_step + self.clock_at(t) * self.per_micro
    }
}

impl Axis {
    pub(super) fn new(trace: &Trace, t0: u64, last: u64, cells: usize) -> Axis {
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
    pub(super) fn cell_of(&self, polls: &[crate::PollRecord], at: u64) -> usize {
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

    pub(super) fn every_poll_has_a_column(&self) -> bool {
        self.widened.is_some()
    }

    /// The cells from `first` to `last` (inclusive) touches, with how much
    /// of each it covers.
    pub(super) fn cover(&self, first: u64, last: u64) -> Vec<(usize, u64)> {
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
    pub(super) fn cells(&self, first: u64, last: u64) -> Range<usize> {
        let cover = self.cover(first, last);
        match (cover.first(), cover.last()) {
            (Some(&(a, _)), Some(&(b, _))) => a..b + 1,
            _ => 0..0,
        }
    }

    /// The cell an instant falls in.
    pub(super) fn cell_at(&self, at: u64) -> usize {
        self.cells(at, at).start.min(self.cells - 1)
    }
}

/// Paused time: tokio's clock, written where it moved.
pub(super) fn paused_ruler(trace: &Trace, axis: &Axis) -> Option<String> {
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
pub(super) fn alive(trace: &Trace, axis: &Axis, last: u64) -> (String, usize) {
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
