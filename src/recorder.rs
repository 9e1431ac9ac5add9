//! The hot path: recording events into per-worker buffers.
//!
//! Each worker thread owns a buffer in a thread-local; recording an event is a
//! clock read and a few bytes written ([`crate::events`]), with no lock and no
//! allocation. Full buffers (60 KiB) move under a mutex into the run's list of
//! chunks, so the lock is taken once per chunk, not once per event. A task
//! is known by tokio's id for it, so the future that records its polls
//! ([`crate::task::Traced`]) holds nothing but the task's own future. A thread is *attached* to one run
//! at a time: tokio's `on_thread_start` attaches worker threads, the
//! current-thread runtime attaches the caller, and `on_thread_stop` or the end
//! of the run flushes and detaches.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::num::NonZeroU64;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use crate::config::{ClockKind, Config};
use crate::events::{Chunk, Ended, Writer, THREAD_KEYS};
use crate::turns::{Chance, Point, Turn, Turns};

fn tsc() -> &'static quanta::Clock {
    static CLOCK: OnceLock<quanta::Clock> = OnceLock::new();
    CLOCK.get_or_init(quanta::Clock::new)
}

/// Whether quanta's raw clock is the CPU's time-stamp counter (its own
/// test: an invariant TSC and `rdtscp`). Then the hot path reads the
/// counter itself, inlined, instead of calling into quanta, and quanta
/// still converts the readings.
fn counter_is_tsc() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::__cpuid;
        // SAFETY: `cpuid` exists on every x86_64 CPU.
        #[allow(unused_unsafe)]
        let (highest, invariant, rdtscp) = unsafe {
            let highest = __cpuid(0x8000_0000).eax;
            (
                highest,
                highest >= 0x8000_0007 && __cpuid(0x8000_0007).edx & (1 << 8) != 0,
                highest >= 0x8000_0001 && __cpuid(0x8000_0001).edx & (1 << 27) != 0,
            )
        };
        highest >= 0x8000_0007 && invariant && rdtscp
    }
    #[cfg(not(target_arch = "x86_64"))]
    false
}

/// The time-stamp counter, read inline (only where [`counter_is_tsc`]).
#[inline(always)]
fn read_tsc() -> u64 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: `rdtsc` exists on every x86_64 CPU.
    #[allow(unused_unsafe)]
    unsafe {
        std::arch::x86_64::_rdtsc()
    }
    #[cfg(not(target_arch = "x86_64"))]
    unreachable!("the counter is read inline on x86_64 only")
}

/// Everything one run shares between its threads.
pub(crate) struct RunState {
    pub(crate) workers: usize,
    pub(crate) trace: bool,
    pub(crate) clock: ClockKind,
    /// The real clock is the time-stamp counter, read inline.
    rdtsc: bool,
    /// Who gives way at choice points. Following a schedule, the tasks'
    /// panics are reported by the exploration, not printed one by one.
    pub(crate) turns: Turns,
    /// `main`'s id, when its panics are reported by the caller instead.
    quiet_main: AtomicU64,
    quiet_main_panic: bool,
    origin: u64,
    logical: AtomicU64,
    /// Paused time with the logical clock: tokio's clock is read at every
    /// step, and each step where it moved is kept (a timeline's ruler).
    paused_clock: Option<PausedClock>,
    next_worker: AtomicU32,
    /// Threads started through `barista::thread::traced`, lanes after the
    /// workers'.
    next_thread: AtomicU32,
    max_polls: u64,
    polls: AtomicU64,
    dropped_polls: AtomicU64,
    chunks: Mutex<Vec<Chunk>>,
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
            rdtsc: clock == ClockKind::Real && counter_is_tsc(),
            turns: Turns::new(config.seed, config.following.clone()),
            quiet_main: AtomicU64::new(0),
            quiet_main_panic: config.quiet_main_panic,
            origin: match clock {
                ClockKind::Real => tsc().raw(),
                ClockKind::Logical => 0,
            },
            logical: AtomicU64::new(0),
            paused_clock: (clock == ClockKind::Logical && config.start_paused)
                .then(PausedClock::default),
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
            ClockKind::Real if self.rdtsc => read_tsc(),
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

    pub(crate) fn stamp(&self) -> u64 {
        self.now()
    }

    /// The run's `main` task was spawned at `at` (a [`RunState::stamp`]),
    /// as the tokio task `id`: recorded from the thread that runs the
    /// runtime, not a worker (the slow, locked path).
    pub(crate) fn main_spawned(&self, id: tokio::task::Id, at: u64) {
        let key = crate::events::tokio_key(id);
        self.turns.spawned(key);
        if self.quiet_main_panic {
            // `main` may already run on a worker: a panic of its first
            // microseconds would be printed as well as reported.
            self.quiet_main.store(key, Ordering::Relaxed);
        }
        let mut writer = Writer::new();
        writer.spawned(key, None, at);
        writer.named(key, "main");
        self.chunks.lock().unwrap().push(writer.take(UNASSIGNED));
    }

    pub(crate) fn record_result(&self, key: String, value: String) {
        self.results.lock().unwrap().insert(key, value);
    }

    #[cfg(test)]
    pub(crate) fn push_chunk(&self, chunk: Chunk) {
        self.chunks.lock().unwrap().push(chunk);
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
    pub(crate) chunks: Vec<Chunk>,
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

/// How a thread's hot path records: chosen once, when it attaches.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Path {
    /// The real clock is the time-stamp counter, and nothing else is asked
    /// at a poll (no seed, no schedule): the counter is read inline.
    Counter,
    /// Through the run: the logical clock, a seed, a schedule, quanta's
    /// clock, or no run at all.
    Run,
}

impl Path {
    /// The time now, on this path's clock.
    #[inline]
    fn read(self, run: &RunState) -> u64 {
        match self {
            Path::Counter => read_tsc(),
            Path::Run => run.now(),
        }
    }
}

/// One thread's recording state.
struct Local {
    run: Option<Arc<RunState>>,
    path: Path,
    worker: u32,
    writer: Writer,
    polls_in_buf: u64,
    /// Polls this thread may record before it asks the run again how
    /// many are left (`max_polls` counts every thread's); 0: the trace is
    /// full, polls are dropped.
    polls_left: u64,
    dropped: u64,
    /// The task being polled (its key), and when its poll started.
    current: Option<u64>,
    poll_start: u64,
    /// The poll has run no `#[barista::task]` function yet: the first may
    /// name the task.
    adopt: bool,
    /// The last poll, on the counter's path, until its end is read.
    unended: Option<Unended>,
    chance: Chance,
}

/// A poll that ended on the counter's path, before its end was read: one
/// reading of the counter then serves as this poll's end and the next
/// one's start, so a poll costs one reading, not two. The time tokio's
/// scheduler takes between two polls counts to the first.
struct Unended {
    task: u64,
    ended: Option<Ended>,
    start: u64,
}

const UNASSIGNED: u32 = u32::MAX;

impl Local {
    const fn empty() -> Self {
        Local {
            run: None,
            path: Path::Run,
            worker: UNASSIGNED,
            writer: Writer::new(),
            polls_in_buf: 0,
            polls_left: 0,
            dropped: 0,
            current: None,
            poll_start: 0,
            adopt: false,
            unended: None,
            chance: Chance::new(),
        }
    }

    /// Hands this thread's counts to the run, and learns how many polls
    /// the run may still record.
    fn count_polls(&mut self) {
        let Some(run) = &self.run else { return };
        if self.dropped > 0 {
            run.dropped_polls.fetch_add(self.dropped, Ordering::Relaxed);
            self.dropped = 0;
        }
        let total = run.polls.fetch_add(self.polls_in_buf, Ordering::Relaxed) + self.polls_in_buf;
        self.polls_left = run.max_polls.saturating_sub(total);
        self.polls_in_buf = 0;
    }

    /// Records the last poll, if its end was not read yet, as ending `now`.
    #[inline]
    fn end_poll(&mut self, now: u64) {
        if let Some(poll) = self.unended.take() {
            self.record_poll(poll.task, poll.ended, poll.start, now);
        }
    }

    /// Records a poll that ended at `end`, or counts it dropped once the
    /// trace is full (a task's end is still recorded).
    #[inline]
    fn record_poll(&mut self, task: u64, ended: Option<Ended>, start: u64, end: u64) {
        let Some(run) = self.run.as_deref() else {
            return;
        };
        if self.polls_left > 0 {
            self.polls_in_buf += 1;
            worker_of(&mut self.worker, run);
            self.polls_left -= 1;
            self.writer.polled(task, ended, start, end);
            if self.polls_left == 0 {
                self.flush();
                return;
            }
        } else {
            self.dropped += 1;
            let Some(ended) = ended else { return };
            self.writer.finished(task, end, ended == Ended::Panicked);
        }
        self.flush_if_full();
    }

    fn flush(&mut self) {
        if let Some(poll) = self.unended.take() {
            self.record_poll(poll.task, poll.ended, poll.start, read_tsc());
        }
        self.count_polls();
        let Some(run) = &self.run else { return };
        if self.writer.is_empty() {
            return;
        }
        let chunk = self.writer.take(self.worker);
        run.chunks.lock().unwrap().push(chunk);
    }

    #[inline]
    fn flush_if_full(&mut self) {
        if self.writer.is_full() {
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
    /// Whether this thread's spawns are traced: asked before every spawn,
    /// so kept apart from `LOCAL` (no borrow, no destructor to check).
    static TRACING: Cell<bool> = const { Cell::new(false) };
}

/// Attaches this thread to `run`, flushing whatever it recorded for another.
pub(crate) fn attach(run: &Arc<RunState>) {
    LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        local.flush();
        *local = Local::empty();
        if run.clock == ClockKind::Real && run.rdtsc && run.turns.is_tokio_order() {
            local.path = Path::Counter;
        }
        local.run = Some(run.clone());
        local.count_polls();
    });
    TRACING.set(run.trace);
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
                (Some(run), Some(task)) if run.quiet_main.load(Ordering::Relaxed) == task => true,
                (Some(run), Some(_)) if run.turns.following().is_some() => {
                    run.task_panics.lock().unwrap().push(message());
                    true
                }
                _ => false,
            }
        })
        .unwrap_or(false)
}

/// tokio's `on_thread_park`: the worker has nothing to run, so its last
/// poll ends now.
pub(crate) fn parking() {
    let _ = LOCAL.try_with(|local| {
        if let Ok(mut local) = local.try_borrow_mut() {
            if local.unended.is_some() {
                local.end_poll(read_tsc());
            }
        }
    });
}

/// Flushes this thread's events and detaches it from its run.
pub(crate) fn detach() {
    let _ = TRACING.try_with(|tracing| tracing.set(false));
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

/// Whether this thread's spawns are traced.
#[inline]
pub(crate) fn tracing() -> bool {
    TRACING.get()
}

/// Records the spawn of the tokio task `id`, just spawned. Its time is
/// read after the spawn (one thread-local access, not two): a trace moves
/// it back to the task's first poll should another worker have polled the
/// task before this ran ([`crate::trace::Trace::collect`]).
#[inline]
pub(crate) fn spawned(id: tokio::task::Id, name: Option<&'static str>) {
    let task = crate::events::tokio_key(id);
    LOCAL.with(|local| {
        let local = &mut *local.borrow_mut();
        let Some(run) = local.run.as_deref() else {
            return;
        };
        let at = local.path.read(run);
        run.turns.spawned(task);
        local.writer.spawned(task, local.current, at);
        if let Some(name) = name {
            local.writer.named(task, name);
        }
        local.flush_if_full();
    })
}

/// State carried from the start of a poll to its end: two words, so that
/// it travels through every poll in registers.
#[derive(Clone, Copy)]
pub(crate) struct PollStart {
    /// The task's key, with [`EXPLORING`] set under exploration. Keys are
    /// never zero (tokio counts from 1; threads' from [`THREAD_KEYS`]).
    tagged: NonZeroU64,
    start: u64,
}

/// A bit no task key uses (they stay below `2 * THREAD_KEYS`).
const EXPLORING: u64 = 1 << 63;

impl PollStart {
    fn new(task: u64, start: u64, exploring: bool) -> Self {
        let tagged = task | if exploring { EXPLORING } else { 0 };
        PollStart {
            tagged: NonZeroU64::new(tagged).expect("task keys are never zero"),
            start,
        }
    }

    fn task(self) -> u64 {
        self.tagged.get() & !EXPLORING
    }

    /// Under exploration: the task's wakes must mark it ready
    /// ([`ready_when_woken`]).
    pub(crate) fn exploring(self) -> bool {
        self.tagged.get() & EXPLORING != 0
    }
}

/// The tokio task `id` is about to be polled. `None` when it gives way
/// first (a schedule, or with a seed its first poll, says so).
#[inline]
pub(crate) fn poll_started(id: tokio::task::Id) -> Option<PollStart> {
    let task = crate::events::tokio_key(id);
    LOCAL.with(|local| {
        let local = &mut *local.borrow_mut();
        let (start, exploring) = match local.path {
            Path::Counter => {
                let now = read_tsc();
                local.end_poll(now);
                (now, false)
            }
            Path::Run => local.poll_start_through_run(task)?,
        };
        local.current = Some(task);
        local.poll_start = start;
        local.adopt = true;
        Some(PollStart::new(task, start, exploring))
    })
}

/// A task's poll ended (`outcome` is `Some(panicked)` when the task ended).
#[inline]
pub(crate) fn poll_ended(poll: PollStart, outcome: Option<bool>) {
    let _ = LOCAL.try_with(|local| {
        let Ok(mut local) = local.try_borrow_mut() else {
            return;
        };
        let local = &mut *local;
        local.current = None;
        local.adopt = false;
        // The last poll carries how the task ended: one record, not two.
        let ended = outcome.map(Ended::from_panicked);
        match local.path {
            // On the counter's path a poll's end is read when the worker
            // next reads the clock: the next poll's start, or when it parks.
            Path::Counter => {
                local.unended = Some(Unended {
                    task: poll.task(),
                    ended,
                    start: poll.start,
                })
            }
            Path::Run => local.poll_end_through_run(poll, ended),
        }
    });
}

/// Exploring: a waker for the polled task that marks it ready before
/// waking it through `inner`.
pub(crate) fn ready_when_woken(
    poll: PollStart,
    inner: &std::task::Waker,
) -> Option<std::task::Waker> {
    let run = current_run()?;
    let following = run.turns.following()?;
    Some(following.tasks().waker(poll.task(), inner))
}

/// The task this thread is polling (its key), if any.
pub(crate) fn current_task() -> Option<u64> {
    LOCAL.with(|local| local.borrow().current)
}

/// A thread started by `barista::thread::traced` joins `run` as a lane of
/// its own (after the workers'), running one task, a child of `parent`,
/// for as long as the thread's closure runs. Returns the task's one poll.
pub(crate) fn thread_started(run: &Arc<RunState>, parent: Option<u64>) -> Option<PollStart> {
    if !run.trace {
        return None;
    }
    attach(run);
    LOCAL.with(|local| {
        let local = &mut *local.borrow_mut();
        let thread = run.next_thread.fetch_add(1, Ordering::Relaxed);
        local.worker = run.workers as u32 + thread;
        let task = THREAD_KEYS + u64::from(thread);
        let start = run.now();
        local.writer.spawned(task, parent, start);
        local.current = Some(task);
        local.poll_start = start;
        local.adopt = true;
        Some(PollStart::new(task, start, false))
    })
}

/// A `#[barista::task]` function starts: the first in a poll offers its
/// name to the task (see [`crate::events::Event::Adopted`]). Returns
/// whether to yield here (shuffled schedules).
#[inline]
pub(crate) fn task_point(name: &'static str) -> bool {
    LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        let local = &mut *local;
        if let (true, Some(task)) = (local.adopt, local.current) {
            local.adopt = false;
            local.writer.adopted(task, name, local.poll_start);
            local.flush_if_full();
        }
        let current = local.current;
        local.gives_way(Point::InBody, current)
    })
}

/// A choice point in a task's body ([`crate::explore::point`]): whether to
/// give way here.
#[inline]
pub(crate) fn choice_point() -> bool {
    LOCAL.with(|local| {
        let mut local = local.borrow_mut();
        let current = local.current;
        local.gives_way(Point::InBody, current)
    })
}

impl Local {
    /// A poll's end on the path through the run: read now (a logical tick
    /// counts even when the trace is full).
    #[cold]
    #[inline(never)]
    fn poll_end_through_run(&mut self, poll: PollStart, ended: Option<Ended>) {
        let Some(run) = self.run.as_deref() else {
            return;
        };
        if ended.is_some() {
            run.turns.ended(poll.task());
        }
        let end = run.now();
        self.record_poll(poll.task(), ended, poll.start, end);
    }

    /// A poll's start on the path through the run: whether the task gives
    /// way first (a schedule, or with a seed its first poll, says so:
    /// `None`), else the time and whether the run explores.
    #[cold]
    #[inline(never)]
    fn poll_start_through_run(&mut self, task: u64) -> Option<(u64, bool)> {
        if self.gives_way(Point::PollStart, Some(task)) {
            return None;
        }
        Some(match self.run.as_deref() {
            Some(run) => (run.now(), run.turns.following().is_some()),
            None => (0, false),
        })
    }

    /// A choice point, with `task` running (or about to be polled): whether
    /// it gives way, as the run's turns say ([`crate::turns`]). A forced
    /// switch is recorded against the task giving way.
    #[inline]
    fn gives_way(&mut self, point: Point, task: Option<u64>) -> bool {
        let Some(run) = self.run.as_deref() else {
            return false;
        };
        let worker = &mut self.worker;
        match run
            .turns
            .at(point, task, &mut self.chance, || worker_of(worker, run))
        {
            Turn::GoOn => false,
            Turn::GiveWay => true,
            Turn::Switch(number) => {
                if let Some(task) = task {
                    let at = run.now();
                    self.writer.switched(task, at, number);
                    self.flush_if_full();
                }
                true
            }
        }
    }
}
