//! What a run recorded, and the facts derived from it.

use std::collections::{BTreeMap, HashMap};
use std::num::NonZeroU64;

use serde::Serialize;

use crate::config::ClockKind;
pub use crate::recorder::ClockMark;
use crate::recorder::{RunState, Taken};
use crate::summary::Summary;

/// Identifies a task within one run. Ids grow in spawn order per worker.
/// Never zero, so `Option<TaskId>` (a parent) takes no more room than an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TaskId(NonZeroU64);

impl TaskId {
    pub(crate) fn new(id: u64) -> Self {
        TaskId(NonZeroU64::new(id).expect("task ids start at 1"))
    }

    /// The id as a number.
    pub fn get(self) -> u64 {
        self.0.get()
    }
}

/// One raw record, as the hot path writes it (timestamps in clock ticks).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Event {
    pub(crate) task: TaskId,
    pub(crate) kind: EventKind,
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum EventKind {
    Spawned {
        parent: Option<TaskId>,
        at: u64,
    },
    Named {
        name: &'static str,
    },
    /// A poll; the task's last poll says how it ended.
    Polled {
        worker: u32,
        ended: Option<Ended>,
        start: u64,
        end: u64,
    },
    /// How a task ended, when the trace is too full to keep its last poll.
    Finished {
        at: u64,
        panicked: bool,
    },
    /// The schedule made the task give way at this choice point.
    Switched {
        at: u64,
        point: u64,
    },
}

/// A forced switch: the task that gave way, when, at which choice point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SwitchRecord {
    pub task: TaskId,
    pub at: u64,
    pub point: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    Returned,
    Panicked,
}

impl Ended {
    pub(crate) fn from_panicked(panicked: bool) -> Self {
        if panicked {
            Ended::Panicked
        } else {
            Ended::Returned
        }
    }
}

/// Bytes one recorded event takes in memory.
pub const EVENT_BYTES: usize = std::mem::size_of::<Event>();

/// The name a task gets when nothing names it.
pub const UNNAMED: &str = "task";

/// One task's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRecord {
    pub id: TaskId,
    pub name: &'static str,
    pub parent: Option<TaskId>,
    /// Nanoseconds (or logical ticks) since the run began.
    pub spawned_at: u64,
    pub ended: Option<TaskEnd>,
    pub polls: u32,
}

/// How and when a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaskEnd {
    pub at: u64,
    pub panicked: bool,
}

/// One poll of a task: which worker ran it, from when to when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PollRecord {
    pub task: TaskId,
    pub worker: u32,
    pub start: u64,
    pub end: u64,
}

/// Everything a run recorded, in time order.
#[derive(Debug, Clone)]
pub struct Trace {
    workers: usize,
    clock: ClockKind,
    tasks: Vec<TaskRecord>,
    /// Position in `tasks` by task id (`u32::MAX`: no such task).
    index: Vec<u32>,
    polls: Vec<PollRecord>,
    results: BTreeMap<String, String>,
    dropped_polls: u64,
    clock_marks: Vec<ClockMark>,
    /// The forced switches, in order.
    switches: Vec<SwitchRecord>,
    /// Under a schedule, the tasks' panics (the hook did not print them).
    task_panics: Vec<String>,
}

impl Trace {
    pub(crate) fn collect(run: &RunState) -> Trace {
        let Taken {
            chunks,
            results,
            dropped_polls,
            clock_marks,
            task_panics,
        } = run.take();
        // Ids are dense (handed out in blocks from one counter), so a table
        // indexed by id beats a hash map, for time and for memory.
        let mut slots: Vec<Option<TaskRecord>> = Vec::new();
        let mut polls = Vec::new();
        let mut switches = Vec::new();
        // Consume chunk by chunk so each is freed once read.
        for Event { task, kind } in chunks.into_iter().flatten() {
            let at = task.get() as usize;
            if at >= slots.len() {
                slots.resize_with(at + 1, || None);
            }
            let entry = slots[at].get_or_insert(TaskRecord {
                id: task,
                name: UNNAMED,
                parent: None,
                spawned_at: 0,
                ended: None,
                polls: 0,
            });
            match kind {
                EventKind::Spawned { parent, at } => {
                    entry.parent = parent;
                    entry.spawned_at = run.to_nanos(at);
                }
                EventKind::Named { name } => entry.name = name,
                EventKind::Polled {
                    worker,
                    ended,
                    start,
                    end,
                } => {
                    entry.polls += 1;
                    let start = run.to_nanos(start);
                    let end = run.to_nanos(end).max(start);
                    polls.push(PollRecord {
                        task,
                        worker,
                        start,
                        end,
                    });
                    if let Some(ended) = ended {
                        entry.ended = Some(TaskEnd {
                            at: end,
                            panicked: ended == Ended::Panicked,
                        });
                    }
                }
                EventKind::Finished { at, panicked } => {
                    entry.ended = Some(TaskEnd {
                        at: run.to_nanos(at),
                        panicked,
                    })
                }
                EventKind::Switched { at, point } => switches.push(SwitchRecord {
                    task,
                    at: run.to_nanos(at),
                    point,
                }),
            }
        }
        let mut tasks: Vec<TaskRecord> = slots.into_iter().flatten().collect();
        tasks.sort_by_key(|task| (task.spawned_at, task.id));
        polls.sort_by_key(|poll| (poll.start, poll.end, poll.worker));
        switches.sort_by_key(|switch| switch.point);
        let mut index = vec![u32::MAX; tasks.last().map_or(0, |_| max_id(&tasks) + 1)];
        for (position, task) in tasks.iter().enumerate() {
            index[task.id.get() as usize] = position as u32;
        }
        Trace {
            workers: run.workers,
            clock: run.clock,
            tasks,
            index,
            polls,
            results,
            dropped_polls,
            clock_marks,
            switches,
            task_panics,
        }
    }

    /// Under a schedule, each task's panic, with where it happened: the
    /// panic hook leaves them to the exploration's report.
    pub fn task_panics(&self) -> &[String] {
        &self.task_panics
    }

    /// The forced switches the run's schedule made, in order.
    pub fn switches(&self) -> &[SwitchRecord] {
        &self.switches
    }

    /// With paused time (the logical clock), tokio's clock at each step
    /// where it had moved: the first is the run's start, at 0.
    pub fn clock_marks(&self) -> &[ClockMark] {
        &self.clock_marks
    }

    /// Whether a lane is a worker's (else a traced thread's, see
    /// [`crate::thread::traced`]).
    pub fn is_worker_lane(&self, lane: u32) -> bool {
        (lane as usize) < self.workers
    }

    /// The worker limit of the run.
    pub fn workers(&self) -> usize {
        self.workers
    }

    /// The clock the timestamps come from.
    pub fn clock(&self) -> ClockKind {
        self.clock
    }

    /// Every task, in spawn order.
    pub fn tasks(&self) -> &[TaskRecord] {
        &self.tasks
    }

    /// Every recorded poll, by start time.
    pub fn polls(&self) -> &[PollRecord] {
        &self.polls
    }

    /// Values recorded with [`crate::record`].
    pub fn results(&self) -> &BTreeMap<String, String> {
        &self.results
    }

    /// Polls left out because the trace was full (see `Config::max_polls`).
    pub fn dropped_polls(&self) -> u64 {
        self.dropped_polls
    }

    /// The task with this id.
    pub fn task(&self, id: TaskId) -> Option<&TaskRecord> {
        match self.index.get(id.get() as usize) {
            Some(&at) if at != u32::MAX => Some(&self.tasks[at as usize]),
            _ => None,
        }
    }

    /// Stable facts only: identical on every run and at every worker count
    /// for a correct program.
    pub fn summary(&self) -> Summary {
        Summary::from_trace(self)
    }

    /// The most tasks that were being polled at the same instant, on distinct
    /// workers: 1 means interleaved, more means parallel. Traced threads'
    /// lanes do not count: they are not the runtime's workers.
    pub fn observed_parallelism(&self) -> usize {
        // Sweep over poll boundaries; at equal times ends come first, so
        // polls that merely touch do not count as overlapping.
        let mut edges: Vec<(u64, bool, u32)> = Vec::with_capacity(self.polls.len() * 2);
        for poll in &self.polls {
            // Threads of their own are not the runtime's workers.
            if poll.end > poll.start && self.is_worker_lane(poll.worker) {
                edges.push((poll.start, true, poll.worker));
                edges.push((poll.end, false, poll.worker));
            }
        }
        edges.sort_unstable_by_key(|&(at, starts, _)| (at, starts));
        let mut depth: HashMap<u32, usize> = HashMap::new();
        let (mut busy, mut most) = (0usize, 0usize);
        for (_, starts, worker) in edges {
            let d = depth.entry(worker).or_default();
            if starts {
                *d += 1;
                if *d == 1 {
                    busy += 1;
                }
            } else {
                *d -= 1;
                if *d == 0 {
                    busy -= 1;
                }
            }
            most = most.max(busy);
        }
        // A run that polled anything ran at least one task at a time.
        most.max(usize::from(!self.polls.is_empty()))
    }

    /// Length of the run's recorded activity (ns or ticks).
    pub fn span(&self) -> u64 {
        let end = self.polls.iter().map(|poll| poll.end).max().unwrap_or(0);
        let start = self.polls.first().map_or(0, |poll| poll.start);
        end.saturating_sub(start)
    }
}

fn max_id(tasks: &[TaskRecord]) -> usize {
    tasks.iter().map(|t| t.id.get() as usize).max().unwrap_or(0)
}
