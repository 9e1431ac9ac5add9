//! The environment barista reads: every `BARISTA_*` variable, each read and
//! checked once per process and kept, with the error a bad value gets. What
//! a program (or code under test) sets later changes nothing: a test
//! harness that calls [`settle`] first fixes them all before any code under
//! test runs.

use std::fmt;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::turns::{Schedule, SCHEDULE_FORM};

/// The worker limit of every run (e.g. `2`), over what the code says.
pub const WORKERS_ENV: &str = "BARISTA_WORKERS";
/// The seed of `#[barista::test]`'s seeded runs.
pub const SEED_ENV: &str = "BARISTA_SEED";
/// A schedule to replay instead of exploring (`3,17`, or `none`).
pub const SCHEDULE_ENV: &str = "BARISTA_SCHEDULE";
/// Where each run's timeline is saved, for the learner's tool.
pub const TIMELINE_DIR_ENV: &str = "BARISTA_TIMELINE_DIR";

/// The most workers a run may have, from the environment, the code or the
/// attributes (which check it at compile time). 1024 is above the CPU count
/// of the largest machines this course meets (256-512 hardware threads), so
/// no experiment needs more, and far below the thread counts where creating
/// threads starts to fail (each worker reserves a 2 MiB stack):
/// `BARISTA_WORKERS=100000` is a typo, not a plan.
pub const MAX_WORKERS: usize = 1024;

/// A `BARISTA_*` variable set to a value it cannot take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    variable: Variable,
    /// The value as the environment held it.
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variable {
    Workers,
    Seed,
    Schedule,
}

impl Invalid {
    /// The variable's name.
    pub fn name(&self) -> &'static str {
        match self.variable {
            Variable::Workers => WORKERS_ENV,
            Variable::Seed => SEED_ENV,
            Variable::Schedule => SCHEDULE_ENV,
        }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (name, value) = (self.name(), &self.value);
        match self.variable {
            Variable::Workers => f.write_str(&bad_worker_limit(name, value)),
            Variable::Seed => write!(f, "{name} must be a whole number, got {value:?}"),
            Variable::Schedule => write!(f, "{name} must be {SCHEDULE_FORM}; got {value:?}"),
        }
    }
}

impl std::error::Error for Invalid {}

/// What a worker limit out of bounds is told, wherever it was set
/// (`source`: a variable, or "the code").
pub(crate) fn bad_worker_limit(source: &str, value: &str) -> String {
    format!(
        "{source} sets the worker limit to {value:?}, but it must be a whole number of at least 1 and at most {MAX_WORKERS} (for example {source}=2)"
    )
}

/// A worker limit as text (surrounding whitespace forgiven).
pub(crate) fn parse_worker_limit(value: &str) -> Option<usize> {
    match value.trim().parse::<NonZeroUsize>() {
        Ok(n) if n.get() <= MAX_WORKERS => Some(n.get()),
        _ => None,
    }
}

/// One variable, read and checked the first time it is asked for (or at
/// [`settle`]).
struct Read<T: 'static> {
    name: &'static str,
    value: OnceLock<Option<T>>,
    read: fn(String) -> T,
}

impl<T> Read<T> {
    const fn new(name: &'static str, read: fn(String) -> T) -> Read<T> {
        Read {
            name,
            value: OnceLock::new(),
            read,
        }
    }

    fn get(&'static self) -> Option<&'static T> {
        self.value
            .get_or_init(|| {
                let value = std::env::var_os(self.name)?;
                Some((self.read)(value.to_string_lossy().into_owned()))
            })
            .as_ref()
    }
}

type Checked<T> = Result<T, Invalid>;

fn checked<T>(variable: Variable, value: String, parsed: Option<T>) -> Checked<T> {
    parsed.ok_or(Invalid { variable, value })
}

/// `BARISTA_WORKERS`'s value, checked.
pub(crate) fn check_workers(value: String) -> Checked<usize> {
    let parsed = parse_worker_limit(&value);
    checked(Variable::Workers, value, parsed)
}

fn check_seed(value: String) -> Checked<u64> {
    let parsed = value.parse().ok();
    checked(Variable::Seed, value, parsed)
}

fn check_schedule(value: String) -> Checked<Schedule> {
    let parsed = value.parse().ok();
    checked(Variable::Schedule, value, parsed)
}

static WORKERS: Read<Checked<usize>> = Read::new(WORKERS_ENV, check_workers);
static SEED: Read<Checked<u64>> = Read::new(SEED_ENV, check_seed);
static SCHEDULE: Read<Checked<Schedule>> = Read::new(SCHEDULE_ENV, check_schedule);
static TIMELINE_DIR: Read<PathBuf> = Read::new(TIMELINE_DIR_ENV, PathBuf::from);

/// Reads now, once and for the rest of the process, every variable barista
/// depends on. A test harness calls it before any code under test runs.
pub fn settle() {
    workers();
    seed();
    schedule();
    timeline_dir();
}

/// `BARISTA_WORKERS`, when set.
pub(crate) fn workers() -> Option<Checked<usize>> {
    WORKERS.get().cloned()
}

/// `BARISTA_SEED`, when set.
pub(crate) fn seed() -> Option<Checked<u64>> {
    SEED.get().cloned()
}

/// `BARISTA_SCHEDULE`, when set.
pub(crate) fn schedule() -> Option<Checked<Schedule>> {
    SCHEDULE.get().cloned()
}

/// `BARISTA_TIMELINE_DIR`, when set.
pub(crate) fn timeline_dir() -> Option<&'static Path> {
    TIMELINE_DIR.get().map(PathBuf::as_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_worker_limit_is_a_whole_number_within_the_bound() {
        assert_eq!(parse_worker_limit(" 4\n"), Some(4));
        assert_eq!(parse_worker_limit("1024"), Some(MAX_WORKERS));
        for bad in [
            "0",
            "-1",
            "two",
            "",
            " ",
            "1.5",
            "1025",
            "99999999999999999999999",
        ] {
            assert_eq!(parse_worker_limit(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn each_bad_value_names_its_variable_and_the_value() {
        let bad = |variable, value: &str| {
            Invalid {
                variable,
                value: value.into(),
            }
            .to_string()
        };
        assert_eq!(
            bad(Variable::Workers, "100000"),
            "BARISTA_WORKERS sets the worker limit to \"100000\", but it must be a whole number of at least 1 and at most 1024 (for example BARISTA_WORKERS=2)"
        );
        assert_eq!(
            bad(Variable::Seed, "x"),
            "BARISTA_SEED must be a whole number, got \"x\""
        );
        let schedule = bad(Variable::Schedule, "3;4");
        assert!(
            schedule.starts_with("BARISTA_SCHEDULE must be a schedule as an exploration prints it"),
            "{schedule}"
        );
        assert!(schedule.ends_with("; got \"3;4\""), "{schedule}");
    }
}
