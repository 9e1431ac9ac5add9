//! What a run recorded, and the facts derived from it.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::config::ClockKind;
pub use crate::events::TaskId;
use crate::events::{decode, Chunk, Ended, Event, THREAD_KEYS};
pub use crate::recorder::ClockMark;
use crate::recorder::{RunState, Taken};

/// A forced switch: the task that gave way, when, at which choice point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SwitchRecord {
    /// The task that gave way.
    pub task: TaskId,
    /// When, in logical ticks or nanoseconds since the run began.
    pub at: u64,
    /// The choice point's number in the run (as a schedule writes it).
    pub point: u64,
}

/// The name a task gets when nothing names it.
pub const UNNAMED: &str = "task";

/// One task's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskRecord {
    /// Its number: 1 for `main`, then in spawn order.
    pub id: TaskId,
    /// Its name (see [`UNNAMED`]).
    pub name: &'static str,
    /// The task that spawned it (none for `main`).
    pub parent: Option<TaskId>,
    /// Nanoseconds (or logical ticks) since the run began.
    pub spawned_at: u64,
    /// How and when it ended; none if it was still alive at the end.
    pub ended: Option<TaskEnd>,
    /// How many times it was polled.
    pub polls: u32,
}

/// How and when a task ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TaskEnd {
    /// When its last poll ended.
    pub at: u64,
    /// Whether it panicked rather than returned.
    pub panicked: bool,
}

/// One poll of a task: which worker ran it, from when to when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PollRecord {
    /// The task polled.
    pub task: TaskId,
    /// Its lane: the worker (from 0), then traced threads after the workers.
    pub worker: u32,
    /// When the poll started.
    pub start: u64,
    /// When it ended.
    pub end: u64,
}

/// Everything a run recorded, in time order.
#[derive(Debug, Clone)]
pub struct Trace {
    workers: usize,
    clock: ClockKind,
    /// In id order (ids are positions, from 1).
    tasks: Vec<TaskRecord>,
    polls: Vec<PollRecord>,
    results: BTreeMap<String, String>,
    dropped_polls: u64,
    clock_marks: Vec<ClockMark>,
    /// The forced switches, in order.
    switches: Vec<SwitchRecord>,
    /// Under a schedule, the tasks' panics (the hook did not print them).
    task_panics: Vec<String>,
    recorded_bytes: usize,
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
        let recorded_bytes = chunks.iter().map(|chunk| chunk.len()).sum();
        let Decoded {
            mut slots,
            mut polls,
            switches,
        } = Decoded::read(run, &chunks);
        drop(chunks);
        settle_the_hot_paths_bounds(&mut slots, &mut polls);
        // The hot path knows tasks by keys (tokio's ids); a trace numbers
        // them from 1 in spawn order, once every record is read.
        let mut keys: Vec<(u64, u64)> = slots.keys().collect();
        keys.sort_unstable();
        for (at, &(_, key)) in keys.iter().enumerate() {
            slots.entry(key).id = Some(TaskId::new(at as u64 + 1));
        }
        let id_of = |key: u64| slots.get(key).and_then(|slot| slot.id);
        let tasks: Vec<TaskRecord> = keys
            .iter()
            .map(|&(_, key)| slots.get(key).expect("every key has a slot"))
            .map(|slot| TaskRecord {
                id: slot.id.expect("every task was numbered"),
                name: slots.name_of(slot),
                parent: id_of(slot.parent),
                spawned_at: slot.spawned_at,
                ended: match slot.ended {
                    NOT_ENDED => None,
                    ended => Some(TaskEnd {
                        at: slot.ended_at,
                        panicked: ended == PANICKED,
                    }),
                },
                polls: slot.polls,
            })
            .collect();
        let mut polls: Vec<PollRecord> = polls
            .into_iter()
            .map(|(task, worker, start, end)| PollRecord {
                task: id_of(task).expect("a polled task has a slot"),
                worker,
                start,
                end,
            })
            .collect();
        polls.sort_by_key(|poll| (poll.start, poll.end, poll.worker));
        let mut switches: Vec<SwitchRecord> = switches
            .into_iter()
            .map(|(task, at, point)| SwitchRecord {
                task: id_of(task).expect("a switched task has a slot"),
                at,
                point,
            })
            .collect();
        switches.sort_by_key(|switch| switch.point);
        Trace {
            workers: run.workers,
            clock: run.clock,
            tasks,
            polls,
            results,
            dropped_polls,
            clock_marks,
            switches,
            task_panics,
            recorded_bytes,
        }
    }

    /// Bytes the run's records took in memory while it ran: a few a poll,
    /// in each worker's compact record buffer.
    pub fn recorded_bytes(&self) -> usize {
        self.recorded_bytes
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
        self.tasks.get(id.get() as usize - 1)
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

/// One task's facts, gathered from records read in any order; kept small
/// (56 bytes), as a trace reads a million of them at once.
#[derive(Default, Clone, Copy)]
struct Slot {
    /// Its number, once every record is read.
    id: Option<TaskId>,
    /// The parent's key (0: none).
    parent: u64,
    spawned_at: u64,
    /// The start of the poll whose offer of a name is the earliest so far.
    adopted_at: u64,
    ended_at: u64,
    polls: u32,
    /// Names, as positions in the table's names, from 1 (0: none): the
    /// name given at the spawn, and the earliest poll's offer.
    named: u32,
    adopted: u32,
    ended: u8,
    /// Whether any record named the task (a dense table's empty places).
    seen: bool,
}

const NOT_ENDED: u8 = 0;
const RETURNED: u8 = 1;
const PANICKED: u8 = 2;

impl Slot {
    fn end(&mut self, at: u64, panicked: bool) {
        self.ended_at = at;
        self.ended = if panicked { PANICKED } else { RETURNED };
    }
}

/// The records of a run, read: each task's slot, by key; the polls as
/// (task key, worker, start, end) and the forced switches as (task key,
/// at, point), times in nanoseconds or ticks.
struct Decoded {
    slots: Table,
    polls: Vec<(u64, u32, u64, u64)>,
    switches: Vec<(u64, u64, u64)>,
}

impl Decoded {
    fn read(run: &RunState, chunks: &[Chunk]) -> Decoded {
        let mut slots = Table::new(chunks);
        let mut polls = Vec::new();
        let mut switches = Vec::new();
        for chunk in chunks {
            decode(chunk, |event| match event {
                Event::Spawned { task, parent, at } => {
                    let slot = slots.entry(task);
                    slot.parent = parent.unwrap_or(0);
                    slot.spawned_at = run.to_nanos(at);
                }
                Event::Named { task, name } => {
                    let name = slots.name(name);
                    slots.entry(task).named = name;
                }
                Event::Adopted {
                    task,
                    name,
                    poll_start,
                } => {
                    let name = slots.name(name);
                    let slot = slots.entry(task);
                    // The earliest poll's offer wins (and within it, the
                    // first, written first).
                    if slot.adopted == 0 || poll_start < slot.adopted_at {
                        slot.adopted = name;
                        slot.adopted_at = poll_start;
                    }
                }
                Event::Polled {
                    task,
                    ended,
                    start,
                    end,
                } => {
                    let slot = slots.entry(task);
                    slot.polls += 1;
                    let start = run.to_nanos(start);
                    let end = run.to_nanos(end).max(start);
                    polls.push((task, chunk.worker, start, end));
                    if let Some(ended) = ended {
                        slot.end(end, ended == Ended::Panicked);
                    }
                }
                Event::Finished { task, at, panicked } => {
                    slots.entry(task).end(run.to_nanos(at), panicked);
                }
                Event::Switched { task, at, point } => {
                    switches.push((task, run.to_nanos(at), point));
                }
            });
        }
        Decoded {
            slots,
            polls,
            switches,
        }
    }
}

/// Two bounds the hot path leaves to this reading. A poll's end is read at
/// its worker's next reading, and the task may have been polled again on
/// another worker before that: a poll ended by the task's next poll. A
/// spawn's time is read just after tokio took the task, and another worker
/// may have polled it in between: the task was spawned by its first poll.
fn settle_the_hot_paths_bounds(slots: &mut Table, polls: &mut [(u64, u32, u64, u64)]) {
    polls.sort_unstable_by_key(|&(task, _, start, _)| (task, start));
    for at in 0..polls.len() {
        let (task, _, start, _) = polls[at];
        if at == 0 || polls[at - 1].0 != task {
            let slot = slots.entry(task);
            slot.spawned_at = slot.spawned_at.min(start);
        } else {
            // Sorted by start: never before the poll's own start.
            polls[at - 1].3 = polls[at - 1].3.min(start);
        }
    }
}

/// Each task's slot, by key. tokio numbers a process's tasks from one
/// counter, so a run's keys mostly lie in one dense range: a table indexed
/// by key there (a million tasks are read in milliseconds), a hash map for
/// the keys far from it (traced threads', or when runs overlap).
struct Table {
    base: u64,
    dense: Vec<Slot>,
    sparse: HashMap<u64, Slot, Keys>,
    names: Vec<&'static str>,
    name_positions: HashMap<&'static str, u32>,
}

impl Table {
    /// A table fitted to the keys of `chunks`' records.
    fn new(chunks: &[Chunk]) -> Self {
        let (mut low, mut high, mut records) = (u64::MAX, 0, 0usize);
        for chunk in chunks {
            decode(chunk, |event| {
                let key = event.task();
                records += 1;
                if key < THREAD_KEYS {
                    low = low.min(key);
                    high = high.max(key);
                }
            });
        }
        let span = high.saturating_sub(low) as usize + 1;
        let dense = if low <= high && span <= 4 * records + 1024 {
            vec![Slot::default(); span]
        } else {
            Vec::new()
        };
        Table {
            base: low,
            dense,
            sparse: HashMap::default(),
            names: Vec::new(),
            name_positions: HashMap::new(),
        }
    }

    /// `name`'s position in the table's names, from 1.
    fn name(&mut self, name: &'static str) -> u32 {
        *self.name_positions.entry(name).or_insert_with(|| {
            self.names.push(name);
            self.names.len() as u32
        })
    }

    /// The task's name: given at the spawn, else offered by its earliest poll.
    fn name_of(&self, slot: &Slot) -> &'static str {
        match (slot.named, slot.adopted) {
            (0, 0) => UNNAMED,
            (0, at) | (at, _) => self.names[at as usize - 1],
        }
    }

    fn position(&self, key: u64) -> Option<usize> {
        let at = key.checked_sub(self.base)? as usize;
        (at < self.dense.len()).then_some(at)
    }

    fn entry(&mut self, key: u64) -> &mut Slot {
        let slot = match self.position(key) {
            Some(at) => &mut self.dense[at],
            None => self.sparse.entry(key).or_default(),
        };
        slot.seen = true;
        slot
    }

    fn get(&self, key: u64) -> Option<&Slot> {
        match self.position(key) {
            Some(at) => Some(&self.dense[at]).filter(|slot| slot.seen),
            None => self.sparse.get(&key),
        }
    }

    /// (spawned at, key) of every task.
    fn keys(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        let dense = self
            .dense
            .iter()
            .enumerate()
            .filter(|(_, slot)| slot.seen)
            .map(|(at, slot)| (slot.spawned_at, self.base + at as u64));
        let sparse = self
            .sparse
            .iter()
            .map(|(key, slot)| (slot.spawned_at, *key));
        dense.chain(sparse)
    }
}

/// Hashes task keys (distinct numbers, most of them consecutive) with one
/// multiplication: a trace of a million tasks is read in milliseconds.
#[derive(Default)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.write_u64(u64::from(*byte));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }
}

type Keys = std::hash::BuildHasherDefault<KeyHasher>;

#[cfg(test)]
mod tests {
    use crate::events::{Ended, Writer};
    use crate::recorder::RunState;

    #[test]
    fn a_task_read_from_its_records_takes_56_bytes() {
        assert_eq!(std::mem::size_of::<super::Slot>(), 56);
    }

    #[test]
    fn a_task_polled_before_its_spawn_was_read_was_spawned_by_that_poll() {
        let run = RunState::new(&crate::Config::new().start_paused(true), 2);
        // The spawner read the clock at 100, after another worker had
        // already polled the task from 40 to 60.
        let mut spawner = Writer::new();
        spawner.spawned(7, None, 100);
        let mut other = Writer::new();
        other.polled(7, Some(Ended::Returned), 40, 60);
        run.push_chunk(other.take(1));
        run.push_chunk(spawner.take(0));
        let trace = super::Trace::collect(&run);
        assert_eq!(trace.tasks()[0].spawned_at, 40);
        assert_eq!(trace.tasks()[0].ended.map(|end| end.at), Some(60));
    }

    #[test]
    fn a_poll_ends_by_the_time_its_task_is_polled_again() {
        let run = RunState::new(&crate::Config::new().start_paused(true), 2);
        let mut spawner = Writer::new();
        spawner.spawned(7, None, 0);
        // Worker 0 read its poll's end at 50, its next reading; the task
        // had been polled again on worker 1 from 30.
        spawner.polled(7, None, 10, 50);
        let mut other = Writer::new();
        other.polled(7, Some(Ended::Returned), 30, 40);
        run.push_chunk(other.take(1));
        run.push_chunk(spawner.take(0));
        let trace = super::Trace::collect(&run);
        let polls: Vec<(u64, u64)> = trace.polls().iter().map(|p| (p.start, p.end)).collect();
        assert_eq!(polls, [(10, 30), (30, 40)]);
    }
}
