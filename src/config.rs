//! The worker limit (barista's `GOMAXPROCS`) and the other knobs of a run.

use std::fmt;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Duration;

use crate::env::{self, Invalid, MAX_WORKERS, WORKERS_ENV};
use crate::turns::Following;

/// How timestamps in a trace are taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockKind {
    /// The CPU's time-stamp counter (or the OS monotonic clock where there is
    /// none), scaled to nanoseconds: what really happened.
    #[default]
    Real,
    /// One tick per reading, in the order readings happen. Deterministic on
    /// one worker, so a timeline can be a snapshot. Chosen automatically for
    /// runs with paused time, where the real clock would mean nothing.
    Logical,
}

/// How a run is set up: worker limit, tracing, time, scheduling noise.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) workers: Option<usize>,
    pub(crate) trace: bool,
    pub(crate) start_paused: bool,
    pub(crate) seed: Option<u64>,
    pub(crate) clock: Option<ClockKind>,
    pub(crate) max_polls: usize,
    pub(crate) env_override: bool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) quiet_main_panic: bool,
    /// The decisions at choice points, at one worker (exploration).
    pub(crate) following: Option<Arc<Following>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            workers: None,
            trace: true,
            start_paused: false,
            seed: None,
            clock: None,
            max_polls: 1 << 22,
            env_override: true,
            timeout: None,
            quiet_main_panic: false,
            following: None,
        }
    }
}

impl Config {
    /// Defaults: as many workers as the machine has CPUs, tracing on.
    pub fn new() -> Self {
        Self::default()
    }

    /// The worker limit written in code. `BARISTA_WORKERS` still wins, as
    /// `GOMAXPROCS` in the environment wins over nothing in Go.
    pub fn workers(mut self, workers: usize) -> Self {
        self.workers = Some(workers);
        self
    }

    /// Record a trace (default) or run bare tokio tasks.
    pub fn trace(mut self, on: bool) -> Self {
        self.trace = on;
        self
    }

    /// Start with tokio's clock paused: sleeps finish instantly, in order.
    /// Only possible on one worker (tokio pauses time only there).
    pub fn start_paused(mut self, paused: bool) -> Self {
        self.start_paused = paused;
        self
    }

    /// Shuffle scheduling at instrumented points, reproducibly from `seed`
    /// (exactly reproducible on one worker).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Decide at choice points with `following` (see [`crate::explore`]).
    pub(crate) fn following(mut self, following: Arc<Following>) -> Self {
        self.following = Some(following);
        self
    }

    /// Choose the trace clock. Default: [`ClockKind::Logical`] when time is
    /// paused, [`ClockKind::Real`] otherwise.
    pub fn clock(mut self, clock: ClockKind) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Keep at most this many poll records (lifecycle records are always
    /// kept, so the summary stays exact). Default 4,194,304 (128 MiB).
    pub fn max_polls(mut self, max: usize) -> Self {
        self.max_polls = max;
        self
    }

    /// Whether `BARISTA_WORKERS` may override the worker limit (default yes).
    /// `#[barista::test]` turns it off: its worker list is the test matrix.
    pub fn env_override(mut self, on: bool) -> Self {
        self.env_override = on;
        self
    }

    /// Give up on a run that has not finished after `limit`: the run then
    /// fails with [`Error::TimedOut`] instead of hanging its caller. The run
    /// happens on a thread of its own; a stuck one is left behind (a thread
    /// blocked in a deadlock cannot be stopped from outside).
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Do not print `main`'s panic where it happens: the caller reports it
    /// (the test runner puts it in the test's failure message).
    pub(crate) fn quiet_main_panic(mut self) -> Self {
        self.quiet_main_panic = true;
        self
    }

    pub(crate) fn clock_kind(&self) -> ClockKind {
        self.clock.unwrap_or(if self.start_paused {
            ClockKind::Logical
        } else {
            ClockKind::Real
        })
    }

    /// The worker limit this run gets: environment, then code, then the
    /// machine's available parallelism.
    pub fn resolve_workers(&self) -> Result<usize, Error> {
        let env = if self.env_override {
            env::workers()
        } else {
            None
        };
        let workers = resolve_workers(env, self.workers)?;
        if self.start_paused && workers != 1 {
            return Err(Error::PausedNeedsOneWorker { workers });
        }
        Ok(workers)
    }
}

/// The worker limit from `BARISTA_WORKERS` as [`crate::env`] checked it,
/// else the code's, else the machine's: testable without touching the
/// process environment.
pub(crate) fn resolve_workers(
    env: Option<Result<usize, Invalid>>,
    in_code: Option<usize>,
) -> Result<usize, Error> {
    match (env, in_code) {
        (Some(Ok(n)), _) => Ok(n),
        (Some(Err(invalid)), _) => Err(Error::BadWorkers {
            source: invalid.name().into(),
            value: invalid.value,
        }),
        (None, Some(n)) if n == 0 || n > MAX_WORKERS => Err(Error::BadWorkers {
            source: "the code".into(),
            value: n.to_string(),
        }),
        (None, Some(n)) => Ok(n),
        (None, None) => Ok(available_parallelism()),
    }
}

/// How many CPUs this process may use (1 when the OS will not say).
pub fn available_parallelism() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// A run could not be set up, or did not finish. Its message names what was
/// wrong and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A worker count that is not a whole number from 1 to [`MAX_WORKERS`].
    BadWorkers {
        /// Where the value came from: a variable's name, or "the code".
        source: String,
        /// The value as given.
        value: String,
    },
    /// Paused time asked for with more than one worker.
    PausedNeedsOneWorker {
        /// The worker limit asked for.
        workers: usize,
    },
    /// tokio refused to build the runtime.
    Runtime(String),
    /// The run did not finish within its time limit.
    TimedOut {
        /// The limit that passed.
        after: Duration,
        /// The run's worker limit.
        workers: usize,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::BadWorkers { source, value } => {
                f.write_str(&env::bad_worker_limit(source, value))
            }
            Error::PausedNeedsOneWorker { workers } => write!(
                f,
                "paused time needs exactly 1 worker (tokio can pause time only on its current-thread runtime), but the worker limit is {workers}; unset {WORKERS_ENV} or set it to 1"
            ),
            Error::Runtime(why) => write!(f, "could not start the tokio runtime: {why}"),
            Error::TimedOut { after, workers } => write!(
                f,
                "did not finish in {:.1} s at {workers} worker{}: likely a deadlock or a task that never yields",
                after.as_secs_f64(),
                if *workers == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_env(value: &str) -> Option<Result<usize, Invalid>> {
        Some(env::check_workers(value.into()))
    }

    #[test]
    fn environment_wins_over_code() {
        assert_eq!(resolve_workers(from_env("3"), Some(1)), Ok(3));
        assert_eq!(resolve_workers(None, Some(1)), Ok(1));
        assert_eq!(resolve_workers(None, None), Ok(available_parallelism()));
    }

    #[test]
    fn bad_values_name_the_variable_and_the_value() {
        for bad in ["0", "-1", "two", "", " ", "1.5", "99999999999999999999999"] {
            let err = resolve_workers(from_env(bad), Some(2)).unwrap_err();
            let message = err.to_string();
            assert!(message.starts_with("BARISTA_WORKERS sets"), "{message}");
            assert!(message.contains(&format!("{bad:?}")), "{message}");
        }
    }

    #[test]
    fn surrounding_whitespace_is_forgiven() {
        assert_eq!(resolve_workers(from_env(" 4\n"), None), Ok(4));
    }

    #[test]
    fn zero_in_code_is_an_error_too() {
        let message = resolve_workers(None, Some(0)).unwrap_err().to_string();
        assert!(message.contains("the code"), "{message}");
    }

    #[test]
    fn the_worker_limit_is_bounded_and_the_message_names_the_bound() {
        assert_eq!(resolve_workers(from_env("1024"), None), Ok(MAX_WORKERS));
        assert_eq!(resolve_workers(None, Some(1024)), Ok(MAX_WORKERS));
        let err = resolve_workers(from_env("100000"), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "BARISTA_WORKERS sets the worker limit to \"100000\", but it must be a whole number of at least 1 and at most 1024 (for example BARISTA_WORKERS=2)"
        );
        assert!(resolve_workers(from_env("1025"), None).is_err());
        let message = resolve_workers(None, Some(5000)).unwrap_err().to_string();
        assert!(
            message.starts_with("the code sets the worker limit to \"5000\""),
            "{message}"
        );
    }

    #[test]
    fn paused_time_rejects_several_workers() {
        let config = Config::new()
            .workers(2)
            .start_paused(true)
            .env_override(false);
        assert_eq!(
            config.resolve_workers(),
            Err(Error::PausedNeedsOneWorker { workers: 2 })
        );
        assert_eq!(config.clock_kind(), ClockKind::Logical);
    }
}
