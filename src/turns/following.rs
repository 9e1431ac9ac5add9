//! A run's decisions at its choice points: the schedule it follows, and the
//! points where the running task gave way.
//!
//! A point counts only where another task is ready (spawned, or woken and
//! not yet polled): giving way where nothing else could run changes
//! nothing, and numbering only real choices keeps schedules short and makes
//! each switch drawn at random count. Readiness is seen through the wakers
//! of barista's tasks, wrapped while exploring.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};

use super::schedule::Schedule;

/// The decisions of one run.
#[derive(Debug)]
pub(crate) struct Following {
    tasks: Arc<Tasks>,
}

/// The run's tasks as its decisions see them, shared with their wakers.
#[derive(Debug)]
pub(crate) struct Tasks {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    /// The points to switch at (sorted).
    switches: Vec<u64>,
    /// The next choice point's number.
    next: u64,
    /// The points where the running task gave way, in order.
    taken: Vec<u64>,
    live: HashSet<u64>,
    ready: HashSet<u64>,
}

impl Following {
    pub(crate) fn new(schedule: &Schedule) -> Self {
        Following {
            tasks: Arc::new(Tasks {
                state: Mutex::new(State {
                    switches: schedule.switches().to_vec(),
                    next: 0,
                    taken: Vec::new(),
                    live: HashSet::new(),
                    ready: HashSet::new(),
                }),
            }),
        }
    }

    /// Tasks are known by their keys ([`crate::events::tokio_key`]).
    /// A choice point is reached with `task` running (`at_poll_start`: it
    /// is about to be polled): the point's number if it gives way here.
    pub(crate) fn switch_here(&self, task: Option<u64>, at_poll_start: bool) -> Option<u64> {
        let task = task?;
        let mut state = self.tasks.state.lock().unwrap();
        if at_poll_start {
            state.ready.remove(&task);
        }
        if !state.ready.iter().any(|other| *other != task) {
            return None; // nothing else could run: no choice here
        }
        let point = state.next;
        state.next += 1;
        if state.switches.binary_search(&point).is_err() {
            return None;
        }
        state.taken.push(point);
        // It goes to the back of the run queue: ready again.
        state.ready.insert(task);
        Some(point)
    }

    /// A task was spawned: it is ready.
    pub(crate) fn spawned(&self, task: u64) {
        let mut state = self.tasks.state.lock().unwrap();
        state.live.insert(task);
        state.ready.insert(task);
    }

    /// A task ended: it is never ready again.
    pub(crate) fn ended(&self, task: u64) {
        let mut state = self.tasks.state.lock().unwrap();
        state.live.remove(&task);
        state.ready.remove(&task);
    }

    /// What the tasks' wakers report to.
    pub(crate) fn tasks(&self) -> &Arc<Tasks> {
        &self.tasks
    }

    /// How many choice points the run reached.
    pub(crate) fn reached(&self) -> u64 {
        self.tasks.state.lock().unwrap().next
    }

    /// The switches the run made, as a schedule that replays it.
    pub(crate) fn taken(&self) -> Schedule {
        Schedule::switching_at(self.tasks.state.lock().unwrap().taken.iter().copied())
    }
}

impl Tasks {
    fn woken(&self, task: u64) {
        let mut state = self.state.lock().unwrap();
        if state.live.contains(&task) {
            state.ready.insert(task);
        }
    }

    /// `inner`, marking `task` ready each time it wakes it.
    pub(crate) fn waker(self: &Arc<Self>, task: u64, inner: &Waker) -> Waker {
        Waker::from(Arc::new(ReadyWhenWoken {
            tasks: self.clone(),
            task,
            inner: inner.clone(),
        }))
    }
}

struct ReadyWhenWoken {
    tasks: Arc<Tasks>,
    task: u64,
    inner: Waker,
}

impl Wake for ReadyWhenWoken {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.tasks.woken(self.task);
        self.inner.wake_by_ref();
    }
}
