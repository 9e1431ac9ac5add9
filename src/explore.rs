//! Looking for the schedule that breaks a program, on real tokio.
//!
//! At one worker tokio's current-thread runtime runs one task at a time, in
//! the order tasks become ready: the same order every run. barista controls
//! *choice points* in that order: the start of every poll of a traced task
//! (a spawned task's first poll included) and the start of every
//! `#[barista::task] async fn` (a call in the middle of a task included).
//! A [`Schedule`] names the choice points at which the running task is made
//! to give way (a *forced switch*): it goes to the back of the run queue and
//! the tasks ready before it run first. Nothing else about the run changes,
//! so a schedule replays exactly, at one worker, every time.
//!
//! [`explore`] runs a body once as tokio would (the *baseline*), then under
//! up to N schedules from a [`Strategy`], and stops at the first whose
//! outcome (a panic, or a different summary) differs from the baseline's.
//! The failure is then *shrunk* to the fewest forced switches that still
//! fail, and explained: both schedules as short strings, the command that
//! replays the failure (`BARISTA_SCHEDULE=...`), and the failing run's
//! timeline under the baseline's, each marked where the two first differ.
//!
//! At more workers, OS threads decide the order and no run repeats exactly:
//! there `#[barista::test(explore = N)]` stresses with N seeded runs instead,
//! and says that a failure cannot be replayed exactly.

use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::config::{ClockKind, Config, Error};
use crate::runtime::{run_unsaved, save_timeline, Panic};
use crate::trace::{SwitchRecord, Trace};

/// Replays one schedule in every `#[barista::test(explore = N)]` of the
/// process instead of exploring: the string a failure printed.
pub const SCHEDULE_ENV: &str = "BARISTA_SCHEDULE";

/// The choice points at which the running task gives way, counted from 0
/// in the order the run reaches them. Written `3,17` (switches at points 3
/// and 17), or `none` for tokio's own order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Schedule {
    switches: Vec<u64>,
}

impl Schedule {
    /// tokio's own order: no forced switch.
    pub fn baseline() -> Self {
        Schedule::default()
    }

    /// A schedule with forced switches at `points` (in any order).
    pub fn switching_at(points: impl IntoIterator<Item = u64>) -> Self {
        let mut switches: Vec<u64> = points.into_iter().collect();
        switches.sort_unstable();
        switches.dedup();
        Schedule { switches }
    }

    /// The choice points with a forced switch, in order.
    pub fn switches(&self) -> &[u64] {
        &self.switches
    }

    fn without(&self, drop: std::ops::Range<usize>) -> Schedule {
        let mut switches = self.switches.clone();
        switches.drain(drop);
        Schedule { switches }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.switches.is_empty() {
            return f.write_str("none");
        }
        for (i, point) in self.switches.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{point}")?;
        }
        Ok(())
    }
}

/// A schedule string that is not one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    /// What was given.
    pub given: String,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{SCHEDULE_ENV} must be a schedule as an exploration prints it: the choice points to switch at, \
             whole numbers separated by commas like `3,17`, or `none`; got {:?}",
            self.given
        )
    }
}

impl std::error::Error for ScheduleError {}

impl FromStr for Schedule {
    type Err = ScheduleError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = || ScheduleError {
            given: text.to_string(),
        };
        let text = text.trim();
        if text == "none" {
            return Ok(Schedule::baseline());
        }
        let points = text
            .split(',')
            .map(|point| point.trim().parse::<u64>().map_err(|_| error()))
            .collect::<Result<Vec<u64>, _>>()?;
        Ok(Schedule::switching_at(points))
    }
}

/// How the schedules to try are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Every choice point switches with a probability that halves from one
    /// schedule to the next (1/2, 1/4, 1/8, 1/16, again): many switches,
    /// cheaply.
    Random,
    /// Probabilistic concurrency testing (Burckhardt et al., ASPLOS 2010),
    /// on a run queue: a bug of depth d needs d - 1 switches at the right
    /// points, and PCT places d - 1 switches uniformly over the baseline's
    /// choice points, for d - 1 = 1, 2, 3 in turn. A bug that needs k
    /// precise switches among n points is found with probability at least
    /// about 1/n^k per schedule, whatever the rest of the program does.
    #[default]
    Pct,
    /// Every schedule with one forced switch, then every one with two, and
    /// so on (iterative context bounding, as CHESS does, and loom's
    /// preemption bound): the fewest switches first, nothing missed within
    /// a bound. For small bodies.
    Exhaustive,
}

impl Strategy {
    /// Every strategy, by name.
    pub const ALL: [Strategy; 3] = [Strategy::Random, Strategy::Pct, Strategy::Exhaustive];

    /// The name `strategy = "..."` takes.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Random => "random",
            Strategy::Pct => "pct",
            Strategy::Exhaustive => "exhaustive",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Strategy {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Strategy::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| {
                format!("unknown strategy {name:?}: expected \"random\", \"pct\" or \"exhaustive\"")
            })
    }
}

/// A choice point in the middle of a task: under exploration the running
/// task may give way here (and under a `seed`, by chance); otherwise it
/// returns at once. barista's [`crate::sync`] primitives have one before
/// each lock, send and receive.
pub async fn point() {
    if crate::recorder::choice_point() {
        tokio::task::yield_now().await;
    }
}

/// A schedule as a run follows it: which choice point comes next.
#[derive(Debug)]
pub(crate) struct Following {
    switches: Vec<u64>,
    next: AtomicU64,
}

impl Following {
    pub(crate) fn new(schedule: &Schedule) -> Self {
        Following {
            switches: schedule.switches.clone(),
            next: AtomicU64::new(0),
        }
    }

    /// A choice point is reached: the point's number if the running task
    /// gives way here.
    #[inline]
    pub(crate) fn switch_here(&self) -> Option<u64> {
        let point = self.next.fetch_add(1, Ordering::Relaxed);
        self.switches.binary_search(&point).is_ok().then_some(point)
    }

    /// How many choice points the run reached.
    pub(crate) fn reached(&self) -> u64 {
        self.next.load(Ordering::Relaxed)
    }
}

/// The schedules a strategy tries, in order, over a run of `points` choice
/// points (the baseline's count).
pub(crate) struct Schedules {
    strategy: Strategy,
    rng: fastrand::Rng,
    points: u64,
    made: u64,
    /// Exhaustive: the last combination tried, as choice points.
    combination: Vec<u64>,
}

impl Schedules {
    pub(crate) fn new(strategy: Strategy, seed: u64, points: u64) -> Self {
        Schedules {
            strategy,
            rng: fastrand::Rng::with_seed(seed),
            points: points.max(1),
            made: 0,
            combination: Vec::new(),
        }
    }
}

impl Iterator for Schedules {
    type Item = Schedule;

    fn next(&mut self) -> Option<Schedule> {
        let made = self.made;
        self.made += 1;
        let n = self.points;
        match self.strategy {
            Strategy::Random => {
                let one_in = 2u64 << (made % 4);
                let rng = &mut self.rng;
                Some(Schedule::switching_at(
                    (0..n).filter(|_| rng.u64(0..one_in) == 0),
                ))
            }
            Strategy::Pct => {
                let switches = (made % 3 + 1).min(n);
                let mut points = Vec::new();
                while (points.len() as u64) < switches {
                    let point = self.rng.u64(0..n);
                    if !points.contains(&point) {
                        points.push(point);
                    }
                }
                Some(Schedule::switching_at(points))
            }
            Strategy::Exhaustive => {
                next_combination(&mut self.combination, n)?;
                Some(Schedule::switching_at(self.combination.iter().copied()))
            }
        }
    }
}

/// The next `k`-subset of `0..n` in lexicographic order, or the first
/// `(k + 1)`-subset after the last `k`-subset; `None` after every subset.
fn next_combination(combination: &mut Vec<u64>, n: u64) -> Option<()> {
    let k = combination.len();
    // The rightmost element that can still move right.
    for i in (0..k).rev() {
        if combination[i] < n - (k - i) as u64 {
            combination[i] += 1;
            for j in i + 1..k {
                combination[j] = combination[j - 1] + 1;
            }
            return Some(());
        }
    }
    if k as u64 >= n {
        return None;
    }
    *combination = (0..=k as u64).collect();
    Some(())
}

/// What exploring a body looks for and within which limits.
#[derive(Debug, Clone)]
pub struct Explore {
    pub(crate) schedules: u32,
    pub(crate) strategy: Strategy,
    pub(crate) seed: u64,
    pub(crate) limit: Duration,
    pub(crate) run_limit: Option<Duration>,
    pub(crate) start_paused: bool,
    pub(crate) results_only: bool,
    pub(crate) shrink: bool,
}

impl Explore {
    /// Up to `schedules` schedules after the baseline, with the default
    /// strategy ([`Strategy::Pct`]), exploration seed 0, ten minutes in all.
    pub fn new(schedules: u32) -> Self {
        Explore {
            schedules,
            strategy: Strategy::default(),
            seed: 0,
            limit: Duration::from_secs(600),
            run_limit: None,
            start_paused: false,
            results_only: false,
            shrink: true,
        }
    }

    /// How the schedules are chosen.
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// The seed of the strategy's choices (the same seed tries the same
    /// schedules in the same order).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The time all the runs may take together.
    pub fn limit(mut self, limit: Duration) -> Self {
        self.limit = limit;
        self
    }

    /// The time one run may take (default: 20 times the baseline's, at least
    /// one second): a schedule that deadlocks shows as a run past it.
    pub fn run_limit(mut self, limit: Duration) -> Self {
        self.run_limit = Some(limit);
        self
    }

    /// Shrink a failing schedule (default), or stop at the first found (to
    /// count schedules to a failure).
    pub fn shrink(mut self, on: bool) -> Self {
        self.shrink = on;
        self
    }

    /// Run with tokio's clock paused, as `start_paused = true` does.
    pub fn start_paused(mut self, paused: bool) -> Self {
        self.start_paused = paused;
        self
    }

    /// Compare only the results recorded with [`crate::record`], not task
    /// counts.
    pub fn results_only(mut self, only: bool) -> Self {
        self.results_only = only;
        self
    }

    fn config(&self, schedule: &Schedule, limit: Duration) -> Config {
        Config::new()
            .workers(1)
            .env_override(false)
            .start_paused(self.start_paused)
            .clock(ClockKind::Logical)
            .timeout(limit)
            .quiet_main_panic()
            .schedule(schedule.clone())
    }
}

/// How one run ended, as exploration compares runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It returned; its summary (or recorded results).
    Returned(String),
    /// It panicked, with this message.
    Panicked(String),
    /// It did not finish within its limit (a deadlock?), or could not run.
    Stopped(String),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Returned(summary) => write!(f, "it returned, with the summary\n{summary}"),
            Outcome::Panicked(message) => write!(f, "it panicked: {message}"),
            Outcome::Stopped(why) => write!(f, "it did not finish: {why}"),
        }
    }
}

/// One run under one schedule.
#[derive(Debug, Clone)]
pub struct ScheduledRun {
    pub schedule: Schedule,
    pub outcome: Outcome,
    /// Its trace (none when it did not finish).
    pub trace: Option<Trace>,
    /// How many choice points it reached.
    pub points: u64,
}

/// A schedule whose outcome differs from the baseline's.
#[derive(Debug, Clone)]
pub struct Failure {
    pub strategy: Strategy,
    /// How many schedules were tried, the failing one included.
    pub tried: u32,
    /// The schedule was given (`BARISTA_SCHEDULE`), not searched for.
    pub replayed: bool,
    pub baseline: ScheduledRun,
    /// The first failing schedule found.
    pub found: ScheduledRun,
    /// The fewest forced switches found that still fail.
    pub shrunk: ScheduledRun,
}

/// What an exploration found.
#[derive(Debug, Clone)]
pub enum Exploration {
    /// Every schedule tried gave the baseline's outcome.
    Passed {
        baseline: ScheduledRun,
        tried: u32,
        /// Exhaustive search ran out of schedules before the budget.
        exhausted: bool,
        /// The time limit of all the runs stopped it early.
        out_of_time: bool,
    },
    /// The baseline itself failed: no schedule needed.
    BaselineFailed(ScheduledRun),
    Failed(Box<Failure>),
}

impl Exploration {
    /// The failing schedule, if one was found.
    pub fn failure(&self) -> Option<&Failure> {
        match self {
            Exploration::Failed(failure) => Some(failure),
            _ => None,
        }
    }
}

/// Runs `body()` once as tokio would, then under up to `explore.schedules`
/// schedules, at one worker; stops at the first whose outcome differs from
/// the baseline's, and shrinks it.
pub fn explore<F, Fut>(explore: &Explore, body: F) -> Exploration
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let started = Instant::now();
    let baseline = run_schedule(explore, &body, &Schedule::baseline(), explore.limit);
    if !matches!(baseline.outcome, Outcome::Returned(_)) {
        return Exploration::BaselineFailed(baseline);
    }
    let took = started.elapsed();
    let run_limit = explore
        .run_limit
        .unwrap_or_else(|| (took * 20).max(Duration::from_secs(1)));
    let mut tried = 0;
    let mut schedules = Schedules::new(explore.strategy, explore.seed, baseline.points);
    while tried < explore.schedules {
        let Some(left) = explore.limit.checked_sub(started.elapsed()) else {
            return passed(baseline, tried, false, true);
        };
        let Some(schedule) = schedules.next() else {
            return passed(baseline, tried, true, false);
        };
        tried += 1;
        let ran = run_schedule(explore, &body, &schedule, run_limit.min(left));
        if ran.outcome != baseline.outcome {
            let shrunk = if explore.shrink {
                shrink(explore, &body, &baseline, &ran, run_limit)
            } else {
                ran.clone()
            };
            return Exploration::Failed(Box::new(Failure {
                strategy: explore.strategy,
                tried,
                replayed: false,
                baseline,
                found: ran,
                shrunk,
            }));
        }
    }
    passed(baseline, tried, false, false)
}

fn passed(baseline: ScheduledRun, tried: u32, exhausted: bool, out_of_time: bool) -> Exploration {
    if let Some(trace) = &baseline.trace {
        save_timeline(trace);
    }
    Exploration::Passed {
        baseline,
        tried,
        exhausted,
        out_of_time,
    }
}

/// Runs `body()` once under `schedule`.
pub fn run_schedule<F, Fut>(
    explore: &Explore,
    body: &F,
    schedule: &Schedule,
    limit: Duration,
) -> ScheduledRun
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let config = explore.config(schedule, limit);
    let (outcome, trace) = match run_unsaved(&config, body()) {
        Ok((Ok(()), trace)) => {
            let summary = trace.summary();
            let summary = if explore.results_only {
                summary.results_to_string()
            } else {
                summary.to_string()
            };
            (Outcome::Returned(summary), Some(trace))
        }
        Ok((Err(panic), trace)) => {
            let mut message = panic_message(&panic);
            // A task's panic that the panic hook left to this report.
            for (n, task) in trace.task_panics().iter().enumerate() {
                let which = if n == 0 { "a task" } else { "then another" };
                message.push_str(&format!("\n({which} panicked: {task})"));
            }
            (Outcome::Panicked(message), Some(trace))
        }
        Err(err @ Error::TimedOut { .. }) => (Outcome::Stopped(err.to_string()), None),
        Err(err) => (Outcome::Stopped(err.to_string()), None),
    };
    let points = trace.as_ref().map_or(0, Trace::choice_points);
    ScheduledRun {
        schedule: schedule.clone(),
        outcome,
        trace,
        points,
    }
}

/// Fewer forced switches that still fail (any outcome other than the
/// baseline's): first removing runs of switches, then single ones, as delta
/// debugging does; then, within the tries left, every schedule with fewer
/// switches than that, fewest first, so that the result is the fewest
/// there are when the points are few. Each candidate is a real run, so the
/// result fails.
fn shrink<F, Fut>(
    explore: &Explore,
    body: &F,
    baseline: &ScheduledRun,
    found: &ScheduledRun,
    run_limit: Duration,
) -> ScheduledRun
where
    F: Fn() -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    // Enough for a few dozen switches, or every single switch over a few
    // hundred points; a random schedule's hundreds shrink by halves first.
    const TRIES: u32 = 600;
    let mut best = found.clone();
    let mut tries = 0;
    let fails = |candidate: &Schedule, tries: &mut u32| {
        *tries += 1;
        let ran = run_schedule(explore, body, candidate, run_limit);
        (ran.outcome != baseline.outcome).then_some(ran)
    };
    let mut chunk = best.schedule.switches.len().div_ceil(2).max(1);
    'halving: loop {
        let mut start = 0;
        let mut removed = false;
        while start < best.schedule.switches.len() {
            if tries >= TRIES {
                break 'halving;
            }
            let end = (start + chunk).min(best.schedule.switches.len());
            match fails(&best.schedule.without(start..end), &mut tries) {
                Some(ran) => {
                    best = ran;
                    removed = true;
                }
                None => start = end,
            }
        }
        if best.schedule.switches.is_empty() || (chunk == 1 && !removed) {
            break;
        }
        if !removed {
            chunk = chunk.div_ceil(2);
        }
    }
    for fewer in Schedules::new(Strategy::Exhaustive, 0, baseline.points) {
        if fewer.switches.len() >= best.schedule.switches.len() || tries >= TRIES {
            break;
        }
        if let Some(ran) = fails(&fewer, &mut tries) {
            best = ran;
            break;
        }
    }
    best
}

/// Where a run under a schedule parts from the baseline: its first forced
/// switch (before it, both runs did the same, step for step).
pub fn divergence(run: &Trace) -> Option<SwitchRecord> {
    run.switches().first().copied()
}

impl Failure {
    /// The report a failing test prints: what failed, the schedules, the
    /// command that replays it, and both timelines, marked where they part.
    pub fn report(&self, replay: &str) -> String {
        let shrunk = &self.shrunk;
        let mut out = if self.replayed {
            format!(
                "the schedule {} fails at 1 worker, replayed:\n{}\n\n",
                shrunk.schedule, shrunk.outcome
            )
        } else {
            format!(
                "exploration found a failing schedule after {} (strategy {}) at 1 worker:\n{}\n\n",
                plural(u64::from(self.tried), "schedule"),
                self.strategy,
                shrunk.outcome,
            )
        };
        if !self.replayed {
            out.push_str(&format!(
                "schedule found: {} ({} of {} choice points)\n",
                self.found.schedule,
                plural(self.found.schedule.switches.len() as u64, "forced switch"),
                self.baseline.points,
            ));
            out.push_str(&format!(
                "shrunk to:      {} ({}: the fewest found that still fail)\n",
                shrunk.schedule,
                plural(shrunk.schedule.switches.len() as u64, "forced switch"),
            ));
        }
        out.push_str(&format!(
            "replay it:      {SCHEDULE_ENV}={} {replay}\n",
            shrunk.schedule
        ));
        if let (Some(base), Some(failing)) = (&self.baseline.trace, &shrunk.trace) {
            let parted = divergence(failing);
            out.push_str("\nthe baseline (tokio's own order):\n");
            let mut timeline = base.timeline();
            if let Some(switch) = parted {
                let note = format!(
                    "the runs part here: the failing schedule switches at point {}",
                    switch.point
                );
                timeline = timeline.mark(switch.at, note);
            }
            out.push_str(&timeline.render(false));
            out.push_str(&format!("\nthe failing schedule ({}):\n", shrunk.schedule));
            let mut timeline = failing.timeline();
            if let Some(switch) = parted {
                let note = format!(
                    "forced switch at point {}: the running task gives way",
                    switch.point
                );
                timeline = timeline.mark(switch.at, note);
            }
            out.push_str(&timeline.render(false));
        }
        out
    }
}

fn plural(n: u64, what: &str) -> String {
    let s = if what.ends_with('h') { "es" } else { "s" };
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}{s}")
    }
}

pub(crate) fn panic_message(panic: &Panic) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_schedule_reads_back_what_it_writes() {
        for text in ["none", "3", "3,17,40"] {
            assert_eq!(text.parse::<Schedule>().unwrap().to_string(), text);
        }
        assert_eq!(
            "17, 3".parse::<Schedule>().unwrap(),
            Schedule::switching_at([3, 17])
        );
        for bad in ["", "3,", "x", "-1", "3;4", "1.5"] {
            let err = bad.parse::<Schedule>().unwrap_err().to_string();
            assert!(err.starts_with("BARISTA_SCHEDULE must be"), "{err}");
            assert!(err.contains(&format!("{bad:?}")), "{err}");
        }
    }

    #[test]
    fn exhaustive_tries_every_single_switch_then_every_pair() {
        let tried: Vec<String> = Schedules::new(Strategy::Exhaustive, 0, 3)
            .map(|s| s.to_string())
            .collect();
        assert_eq!(tried, ["0", "1", "2", "0,1", "0,2", "1,2", "0,1,2"]);
    }

    #[test]
    fn pct_places_one_two_then_three_switches_within_the_points() {
        let tried: Vec<Schedule> = Schedules::new(Strategy::Pct, 7, 50).take(9).collect();
        let counts: Vec<usize> = tried.iter().map(|s| s.switches().len()).collect();
        assert_eq!(counts, [1, 2, 3, 1, 2, 3, 1, 2, 3]);
        assert!(tried.iter().flat_map(|s| s.switches()).all(|&p| p < 50));
        let again: Vec<Schedule> = Schedules::new(Strategy::Pct, 7, 50).take(9).collect();
        assert_eq!(tried, again, "the same seed tries the same schedules");
    }

    #[test]
    fn random_switches_fewer_as_the_odds_halve() {
        let tried: Vec<Schedule> = Schedules::new(Strategy::Random, 1, 4000).take(4).collect();
        let counts: Vec<usize> = tried.iter().map(|s| s.switches().len()).collect();
        // About 2000, 1000, 500 and 250 of 4000.
        for (count, expected) in counts.iter().zip([2000, 1000, 500, 250]) {
            assert!(count.abs_diff(expected) < expected / 4, "{counts:?}");
        }
    }

    #[test]
    fn strategies_are_named() {
        for strategy in Strategy::ALL {
            assert_eq!(strategy.name().parse::<Strategy>(), Ok(strategy));
        }
        assert!("pcr".parse::<Strategy>().unwrap_err().contains("\"pct\""));
    }
}
