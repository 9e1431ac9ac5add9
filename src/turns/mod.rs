//! Who gives way at a choice point: the one place a run decides it.
//!
//! A choice point is the start of a traced task's poll, the start of a
//! `#[barista::task]` function, or [`crate::explore::point`]. At each, the
//! running task either goes on or gives way (goes to the back of the run
//! queue, letting the tasks ready before it run first). A run's [`Turns`]
//! decide which: never (tokio's own order), by chance from a seed, or as a
//! schedule being followed says ([`Following`], under exploration). The
//! recorder asks at every point and records what it is told; exploration
//! only chooses the schedules.

mod following;
mod schedule;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

pub(crate) use following::Following;
pub(crate) use schedule::SCHEDULE_FORM;
pub use schedule::{Schedule, ScheduleError};

/// How one run's choice points are decided.
pub(crate) enum Turns {
    /// tokio's own order: no task is made to give way.
    TokioOrder,
    /// By chance, reproducibly from `seed` (exactly so at one worker): a
    /// task's first poll, and each point in a task's body.
    Seeded {
        seed: u64,
        /// The tasks polled so far: only a first poll may be shuffled.
        polled: Mutex<HashSet<u64>>,
    },
    /// As the schedule being followed says (exploration).
    Following(Arc<Following>),
}

/// Where a choice point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Point {
    /// The task is about to be polled.
    PollStart,
    /// In a running task's body: a `#[barista::task]` function starts, or
    /// [`crate::explore::point`].
    InBody,
}

/// The answer at a choice point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Turn {
    GoOn,
    /// By chance (a seed).
    GiveWay,
    /// The schedule's forced switch at this point, by its number: a trace
    /// shows it.
    Switch(u64),
}

/// One thread's draws for seeded turns, from the run's seed and the
/// thread's worker number: one worker's choices repeat run after run.
pub(crate) struct Chance(Option<fastrand::Rng>);

impl Chance {
    /// No draw yet (`const`: a thread-local starts with it).
    pub(crate) const fn new() -> Self {
        Chance(None)
    }

    fn one_in(&mut self, seed: u64, worker: impl FnOnce() -> u32, n: u32) -> bool {
        let rng = self
            .0
            .get_or_insert_with(|| fastrand::Rng::with_seed(seed ^ (u64::from(worker()) << 32)));
        rng.u32(0..n) == 0
    }
}

impl Turns {
    /// A schedule to follow wins over a seed; neither: tokio's order.
    pub(crate) fn new(seed: Option<u64>, following: Option<Arc<Following>>) -> Self {
        match (following, seed) {
            (Some(following), _) => Turns::Following(following),
            (None, Some(seed)) => Turns::Seeded {
                seed,
                polled: Mutex::default(),
            },
            (None, None) => Turns::TokioOrder,
        }
    }

    /// Whether no task is ever made to give way: the recorder's fast path.
    pub(crate) fn is_tokio_order(&self) -> bool {
        matches!(self, Turns::TokioOrder)
    }

    /// The schedule being followed, if any.
    pub(crate) fn following(&self) -> Option<&Arc<Following>> {
        match self {
            Turns::Following(following) => Some(following),
            _ => None,
        }
    }

    /// A task was spawned (tasks are known by their keys,
    /// [`crate::events::tokio_key`]).
    pub(crate) fn spawned(&self, task: u64) {
        if let Some(following) = self.following() {
            following.spawned(task);
        }
    }

    /// A task ended.
    pub(crate) fn ended(&self, task: u64) {
        if let Some(following) = self.following() {
            following.ended(task);
        }
    }

    /// At a choice point with `task` running (or, at a poll's start, about
    /// to run): whether it gives way. `chance` and `worker` are the asking
    /// thread's (the worker is asked only the first time a seed draws).
    pub(crate) fn at(
        &self,
        point: Point,
        task: Option<u64>,
        chance: &mut Chance,
        worker: impl FnOnce() -> u32,
    ) -> Turn {
        match self {
            Turns::TokioOrder => Turn::GoOn,
            Turns::Following(following) => {
                match following.switch_here(task, point == Point::PollStart) {
                    Some(number) => Turn::Switch(number),
                    None => Turn::GoOn,
                }
            }
            Turns::Seeded { seed, polled } => {
                // A first poll gives way one time in four, a point in a
                // body one in two: enough to reorder, not so much that a
                // run mostly waits.
                let one_in = match point {
                    Point::PollStart => {
                        let first = task.is_some_and(|task| polled.lock().unwrap().insert(task));
                        if !first {
                            return Turn::GoOn;
                        }
                        4
                    }
                    Point::InBody => 2,
                };
                match chance.one_in(*seed, worker, one_in) {
                    true => Turn::GiveWay,
                    false => Turn::GoOn,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turns_at(turns: &Turns, points: &[(Point, u64)]) -> Vec<Turn> {
        let mut chance = Chance::new();
        points
            .iter()
            .map(|&(point, task)| turns.at(point, Some(task), &mut chance, || 0))
            .collect()
    }

    #[test]
    fn tokio_order_never_gives_way() {
        let turns = Turns::new(None, None);
        assert!(turns.is_tokio_order());
        let all = turns_at(&turns, &[(Point::PollStart, 1), (Point::InBody, 1)]);
        assert_eq!(all, [Turn::GoOn, Turn::GoOn]);
    }

    #[test]
    fn a_seed_shuffles_only_first_polls_and_repeats_itself() {
        let turns = Turns::new(Some(7), None);
        let again = Turns::new(Some(7), None);
        let first_polls: Vec<(Point, u64)> = (1..=200).map(|t| (Point::PollStart, t)).collect();
        let drawn = turns_at(&turns, &first_polls);
        assert_eq!(
            drawn,
            turns_at(&again, &first_polls),
            "the same seed, the same turns"
        );
        let gave_way = drawn.iter().filter(|t| **t == Turn::GiveWay).count();
        assert!(
            (20..=80).contains(&gave_way),
            "about one in four: {gave_way}"
        );
        let second = turns_at(&turns, &first_polls);
        assert!(second.iter().all(|t| *t == Turn::GoOn), "polled before");
    }

    #[test]
    fn a_schedule_switches_where_it_says_and_only_where_another_task_is_ready() {
        let following = Arc::new(Following::new(&Schedule::switching_at([1])));
        let turns = Turns::new(Some(7), Some(following.clone()));
        assert!(turns.following().is_some(), "a schedule wins over a seed");
        turns.spawned(1);
        // Alone: no choice, so no point is counted.
        assert_eq!(turns_at(&turns, &[(Point::PollStart, 1)]), [Turn::GoOn]);
        turns.spawned(2);
        let at = turns_at(&turns, &[(Point::InBody, 1), (Point::InBody, 1)]);
        assert_eq!(at, [Turn::GoOn, Turn::Switch(1)]);
        assert_eq!(following.taken(), Schedule::switching_at([1]));
        turns.ended(2);
        assert_eq!(turns_at(&turns, &[(Point::InBody, 1)]), [Turn::GoOn]);
    }
}
