//! The hot path: recording events into per-worker buffers.
//!
//! Each worker thread owns a buffer in a thread-local; recording an event is a
//! clock read and a push, with no lock and no allocation. Full buffers (4,096
//! events) move under a mutex into the run's list of chunks, so the lock is
//! taken once per chunk, not once per event. A thread is *attached* to one run
//! at a time: tokio's `on_thread_start` attaches worker threads, the
//! current-thread runtime attaches the caller, and `on_thread_stop` or the end
//! of the run flushes and detaches.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::config::{ClockKind, Config};
use crate::trace::{Ended, Event, EventKind, TaskId};

/// Events a thread buffers before handing them to the run.
const CHUNK: usize = 4096;
/// Task ids a thread takes at once, so spawning does not contend on one counter.
const ID_BLOCK: u64 = 1024;

fn tsc() -> &'static quanta::Clock {
    static CLOCK: OnceLock<quanta::Clock> = OnceLock::new();
    CLOCK.get_or_init(quanta::Clock::new)
}

/// Everything one run shares between its threads.
pub(crate) struct RunState {
    pub(crate) workers: usize,
    pub(crate) trace: bool,
    pub(crate) clock: ClockKind,
    pub(crate) seed: Option<u64>,
    /// The schedule a run follows, when exploring. Its tasks' panics are
    /// then reported by the exploration, not printed one by one.
    pub(crate) following: Option<Arc<crate::explore::Following>>,
    /// `main`'s id, when its panics are reported by the caller instead.
    quiet_main: AtomicU64,
    quiet_main_panic: bool,
    origin: u64,
    logical: AtomicU64,
    /// Paused time with the logical clock: tokio's clock is read at every
    /// step, and each step where it moved is kept (a timeline's ruler).
    paused_clock: Option<PausedClock>,
    next_id: AtomicU64,
    next_worker: AtomicU32,
    /// Threads started through `barista::thread::traced`, lanes after the
    /// workers'.
    next_thread: AtomicU32,
    max_polls: u64,
    polls: AtomicU64,
    dropped_polls: AtomicU64,
    chunks: Mutex<Vec<Vec<Event>>>,
    results: Mutex<BTreeMap<String, String>>,
    /// Under a schedule, the tasks' panics, as the panic hook saw them.
    task_panics: Mutex<Vec<String>>,
}

impl RunState {
    pub(crate) fn new(config: &Config, workers: usize) -> Arc<Self> {
        let clock = config.clock_kind();
        Arc::new(RunState {
            workers,
            trace: config.trace,
            clock,
            seed: config.seed,
            following: config.following.clone(),
            quiet_main: AtomicU64::new(0),
            quiet_main_panic: config.quiet_main_panic,
            origin: match clock {
                ClockKind::Real => tsc().raw(),
                ClockKind::Logical => 0,
            },
            logical: AtomicU64::new(0),
            paused_clock: (clock == ClockKind::Logical && config.start_paused)
                .then(PausedClock::default),
            next_id: AtomicU64::new(1),
            next_worker: AtomicU32::new(0),
            next_thread: AtomicU32::new(0),
            max_polls: config.max_polls as u64,
            polls: AtomicU64::new(0),
            dropped_polls: AtomicU64::new(0),
            chunks: Mutex::new(Vec::new()),
            results: Mutex::new(BTreeMap::new()),
            task_panics: Mutex::new(Vec::new()),
        })
    }

    #[inline]
    fn now(&self) -> u64 {
        match self.clock {
            ClockKind::Real => tsc().raw(),
            ClockKind::Logical => {
                let step = self.logical.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(paused) = &self.paused_clock {
                    paused.read(step);
                }
                step
            }
        }
    }

    /// Converts a raw timestamp to nanoseconds (or ticks) since the run began.
    pub(crate) fn to_nanos(&self, raw: u64) -> u64 {
        match self.clock {
            ClockKind::Real => tsc().delta_as_nanos(self.origin, raw.max(self.origin)),
            ClockKind::Logical => raw,
        }
    }

    /// Records an event from a thread that is not attached (the run's own
    /// bookkeeping, e.g. the `main` task): the slow, locked path.
    pub(crate) fn push_direct(&self, task: TaskId, kind: EventKind) {
        self.chunks.lock().unwrap().push(vec![Event { task, kind }]);
    }

    pub(crate) fn stamp(&self) -> u64 {
        self.now()
    }

    /// A new id for the run's `main` task.
    pub(crate) fn main_id(&self) -> TaskId {
        let id = TaskId::new(self.next_id.fetch_add(1, Ordering::Relaxed));
        if let Some(following) = &self.following {
            following.spawned(id);
        }
        if self.quiet_main_panic {
            self.quiet_main.store(id.get(), Ordering::Relaxed);
        }
        id
    }

    pub(crate) fn record_result(&self, key: String, value: String) {
        self.results.lock().unwrap().insert(key, value);
    }

    /// Takes everything recorded so far. Call after every thread detached.
    pub(crate) fn take(&self) -> Taken {
        Taken {
            chunks: std::mem::take(&mut *self.chunks.lock().unwrap()),
            results: std::mem::take(&mut *self.results.lock().unwrap()),
            dropped_polls: self.dropped_polls.load(Ordering::Relaxed),
            task_panics: std::mem::take(&mut *self.task_panics.lock().unwrap()),
            clock_marks: self
                .paused_clock
                .as_ref()
                .map(|paused| std::mem::take(&mut *paused.marks.lock().unwrap()))
                .unwrap_or_default(),
        }
    }
}

/// What a run recorded, taken at its end.
pub(crate) struct Taken {
    pub(crate) chunks: Vec<Vec<Event>>,
    pub(crate) results: BTreeMap<String, String>,
    pub(crate) dropped_polls: u64,
    pub(crate) clock_marks: Vec<ClockMark>,
    pub(crate) task_panics: Vec<String>,
}

/// tokio's paused clock, read at a logical step where it had moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockMark {
    /// The logical step.
    pub step: u64,
    /// tokio's clock then, in nanoseconds since the run's first step.
    pub nanos: u64,
}

#[derive(Default)]
struct PausedClock {
    origin: OnceLock<tokio::time::Instant>,
    marks: Mutex<Vec<ClockMark>>,
}

impl PausedClock {
    fn read(&self, step: u64) {
        // Outside the runtime (a thread of its own), tokio's clock is the
        // real one: nothing to read.
        if tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let now = tokio::time::Instant::now();
        let origin = *self.origin.get_or_init(|| now);
        let nanos = now.saturating_duration_since(origin).as_nanos() as u64;
        let mut marks = self.marks.lock().unwrap();
        if marks.last().is_none_or(|mark| mark.nanos != nanos) {
            marks.push(ClockMark { step, nanos });
        }
    }
}

/// One thread's recording state.
struct Local {
    run: Option<Arc<RunState>>,
    worker: u32,
    buf: Vec<Event>,
    polls_in_buf: u64,
    dropped: u64,
    polls_full: bool,
    ids: std::ops::Range<u64>,
    current: Option<TaskId>,
    adopt: Option<TaskId>,
    rng: Option<fastrand::Rng>,
}

const UNASSIGNED: u32 = u32::MAX;

impl Local {
    const fn empty() -> Self {
        Local {
            run: None,
            worker: UNASSIGNED,
            buf: Vec::new(),
            polls_in_buf: 0,
            dropped: 0,
            polls_full: false,
            ids: 0..0,
            current: None,
            adopt: None,
            rng: None,
        }
    }

    fn flush(&mut self) {
        let Some(run) = &self.run else { return };
        if self.dropped > 0 {
            run.dropped_polls.fetch_add(self.dropped, Ordering::Relaxed);
            self.dropped = 0;
        }
        if self.buf.is_empty() {
            return;
        }
        let total = run.polls.fetch_add(self.polls_in_buf, Ordering::Relaxed) + self.polls_in_buf;
        self.polls_full = total >= run.max_polls;
        self.polls_in_buf = 0;
        let full = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        run.chunks.lock().unwrap().push(full);
    }

    /// Appends without checking for a full chunk; callers end with
    /// [`Local::flush_if_full`]. Split so the hot path can hold `&self.run`
    /// while pushing, without cloning the `Arc` (an atomic write per event).
    #[inline]
    fn push_unchecked(buf: &mut Vec<Event>, event: Event) {
        if buf.capacity() == 0 {
            buf.reserve_exact(CHUNK);
        }
        buf.push(event);
    }

    #[inline]
    fn flush_if_full(&mut self) {
        if self.buf.len() >= CHUNK {
            self.flush();
        }
    }
}

fn worker_of(worker: &mut u32, run: &RunState) -> u32 {
    if *worker == UNASSIGNED {
        *worker = run.next_worker.fetch_add(1, Ordering::Relaxed);
    }
    *worker
}

thread_local! {
    static LOCAL: RefCell<Local> = const { RefCell::new(Local::empty()) };
}

/// Attaches this thread to `run`, flushing whatever it recorded for another.
pub(crate) fn attach(run: &Arc<RunState>) {
    LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        local.flush();
        *local = Local::empty();
        local.run = Some(run.clone());
    });
}

/// Whether the panic happening now on this thread is reported by the
/// caller, so the panic hook need not print it too: a `main` task's whose
/// caller reports it, or any task's in a run that follows a schedule (the
/// exploration reports it, with `message`, the panic as the hook has it).
pub(crate) fn panic_is_reported_elsewhere(message: impl FnOnce() -> String) -> bool {
    LOCAL
        .try_with(|local| {
            let Ok(local) = local.try_borrow() else {
                return false;
            };
            match (&local.run, local.current) {
                (Some(run), Some(task)) if run.quiet_main.load(Ordering::Relaxed) == task.get() => {
                    true
                }
                (Some(run), Some(_)) if run.following.is_some() => {
                    run.task_panics.lock().unwrap().push(message());
                    true
                }
                _ => false,
            }
        })
        .unwrap_or(false)
}

/// Flushes this thread's events and detaches it from its run.
pub(crate) fn detach() {
    // `try_with`: tokio may stop a thread while thread-locals are torn down.
    let _ = LOCAL.try_with(|local| {
        if let Ok(mut local) = local.try_borrow_mut() {
            local.flush();
            *local = Local::empty();
        }
    });
}

/// The run this thread is attached to.
pub(crate) fn current_run() -> Option<Arc<RunState>> {
    LOCAL.with(|local| local.borrow().run.clone())
}

/// Records a spawn; returns the new task's id when tracing is on.
#[inline]
pub(crate) fn spawned(name: Option<&'static str>) -> Option<TaskId> {
    LOCAL.with(|local| {
        let local = &mut *local.borrow_mut();
        let run = local.run.as_deref().filter(|run| run.trace)?;
        let task = new_task(&mut local.ids, &mut local.buf, run, local.current);
        if let Some(name) = name {
            Local::push_unchecked(
                &mut local.buf,
                Event {
                    task,
                    kind: EventKind::Named { name },
                },
            );
        }
        local.flush_if_full();
        Some(task)
    })
}

/// A new task's id, from this thread's block of ids (a new block when it
/// is used up), and its `Spawned` event: a spawn's and a traced thread's.
#[inline]
fn new_task(
    ids: &mut std::ops::Range<u64>,
    buf: &mut Vec<Event>,
    run: &RunState,
    parent: Option<TaskId>,
) -> TaskId {
    if ids.is_empty() {
        let start = run.next_id.fetch_add(ID_BLOCK, Ordering::Relaxed);
        *ids = start..start + ID_BLOCK;
    }
    let task = TaskId::new(ids.start);
    ids.start += 1;
    if let Some(following) = &run.following {
        following.spawned(task);
    }
    let at = run.now();
    Local::push_unchecked(
        buf,
        Event {
            task,
            kind: EventKind::Spawned { parent, at },
        },
    );
    task
}

/// State carried from the start of a poll to its end.
pub(crate) struct PollStart {
    task: TaskId,
    start: u64,
    /// Under exploration: the task's wakes mark it ready.
    pub(crate) tasks: Option<Arc<crate::explore::Tasks>>,
}

/// A task's poll begins. `adoptable`: the task has no name yet, so the first
/// `#[barista::task]` function it runs may name it. On a task's first poll a
/// shuffled schedule may decide to let others run first: then `None`.
#[inline]
pub(crate) fn poll_started(task: TaskId, adoptable: bool, first: bool) -> Option<PollStart> {
    LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        if local.gives_way(Some(task), true, first, 4) {
            return None;
        }
        local.current = Some(task);
        local.adopt = adoptable.then_some(task);
        let (start, tasks) = match local.run.as_deref() {
            Some(run) => (run.now(), run.following.as_ref().map(|f| f.tasks().clone())),
            None => (0, None),
        };
        Some(PollStart { task, start, tasks })
    })
}

/// A task's poll ended (`outcome` is `Some(panicked)` when the task ended).
#[inline]
pub(crate) fn poll_ended(poll: &PollStart, outcome: Option<bool>) {
    let _ = LOCAL.try_with(|local| {
        let Ok(mut local) = local.try_borrow_mut() else {
            return;
        };
        let local = &mut *local;
        local.current = None;
        local.adopt = None;
        let Some(run) = local.run.as_deref() else {
            return;
        };
        if outcome.is_some() {
            if let Some(following) = &run.following {
                following.ended(poll.task);
            }
        }
        let end = run.now();
        // The last poll carries how the task ended: one event, not two.
        let event = if !local.polls_full {
            local.polls_in_buf += 1;
            EventKind::Polled {
                worker: worker_of(&mut local.worker, run),
                ended: outcome.map(Ended::from_panicked),
                start: poll.start,
                end,
            }
        } else {
            local.dropped += 1;
            match outcome {
                Some(panicked) => EventKind::Finished { at: end, panicked },
                None => return,
            }
        };
        Local::push_unchecked(
            &mut local.buf,
            Event {
                task: poll.task,
                kind: event,
            },
        );
        local.flush_if_full();
    });
}

/// The task this thread is polling, if any.
pub(crate) fn current_task() -> Option<TaskId> {
    LOCAL.with(|local| local.borrow().current)
}

/// A thread started by `barista::thread::traced` joins `run` as a lane of
/// its own (after the workers'), running one task, a child of `parent`,
/// for as long as the thread's closure runs. Returns the task's one poll.
pub(crate) fn thread_started(run: &Arc<RunState>, parent: Option<TaskId>) -> Option<PollStart> {
    if !run.trace {
        return None;
    }
    attach(run);
    LOCAL.with(|local| {
        let local = &mut *local.borrow_mut();
        local.worker = run.workers as u32 + run.next_thread.fetch_add(1, Ordering::Relaxed);
        let task = new_task(&mut local.ids, &mut local.buf, run, parent);
        local.current = Some(task);
        local.adopt = Some(task);
        Some(PollStart {
            task,
            start: run.now(),
            tasks: None,
        })
    })
}

/// A `#[barista::task]` function starts: it names the task it starts, if the
/// task has no name yet. Returns whether to yield here (shuffled schedules).
#[inline]
pub(crate) fn task_point(name: &'static str) -> bool {
    LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        if let Some(task) = local.adopt.take() {
            Local::push_unchecked(
                &mut local.buf,
                Event {
                    task,
                    kind: EventKind::Named { name },
                },
            );
            local.flush_if_full();
        }
        let current = local.current;
        local.gives_way(current, false, true, 2)
    })
}

/// A choice point in a task's body ([`crate::explore::point`]): whether to
/// give way here.
#[inline]
pub(crate) fn choice_point() -> bool {
    LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        let current = local.current;
        local.gives_way(current, false, true, 2)
    })
}

impl Local {
    /// A choice point: whether the running task gives way here, as the
    /// run's schedule says (every choice point counts) or, with a seed,
    /// by chance (`seeded`: whether this point may be shuffled).
    /// A forced switch is recorded against `task`, the one giving way
    /// (`at_poll_start`: it is about to be polled).
    #[inline]
    fn gives_way(
        &mut self,
        task: Option<TaskId>,
        at_poll_start: bool,
        seeded: bool,
        one_in: u32,
    ) -> bool {
        if let Some(run) = self.run.as_deref() {
            if let Some(following) = &run.following {
                let Some(point) = following.switch_here(task, at_poll_start) else {
                    return false;
                };
                if let Some(task) = task {
                    let at = run.now();
                    Local::push_unchecked(
                        &mut self.buf,
                        Event {
                            task,
                            kind: EventKind::Switched { at, point },
                        },
                    );
                    self.flush_if_full();
                }
                return true;
            }
        }
        seeded && self.shuffle(one_in)
    }

    /// With a seed, yields with probability `1/one_in`, from a generator seeded
    /// by the run's seed and this worker's number: reproducible on one worker.
    #[inline]
    fn shuffle(&mut self, one_in: u32) -> bool {
        let Some(run) = self.run.as_deref() else {
            return false;
        };
        let Some(seed) = run.seed else { return false };
        let worker = worker_of(&mut self.worker, run);
        let rng = self
            .rng
            .get_or_insert_with(|| fastrand::Rng::with_seed(seed ^ (u64::from(worker) << 32)));
        rng.u32(0..one_in) == 0
    }
}
