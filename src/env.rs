//! The environment barista reads: every `BARISTA_*` variable, each read
//! once per process and kept. What a program (or code under test) sets
//! later changes nothing: a test harness that calls [`settle`] first fixes
//! them all before any code under test runs.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The worker limit of every run (e.g. `2`), over what the code says.
pub const WORKERS_ENV: &str = "BARISTA_WORKERS";
/// The seed of `#[barista::test]`'s seeded runs.
pub const SEED_ENV: &str = "BARISTA_SEED";
/// A schedule to replay instead of exploring (`3,17`, or `none`).
pub const SCHEDULE_ENV: &str = "BARISTA_SCHEDULE";
/// Where each run's timeline is saved, for the learner's tool.
pub const TIMELINE_DIR_ENV: &str = "BARISTA_TIMELINE_DIR";

/// One variable, read the first time it is asked for (or at [`settle`]).
struct Read<T: 'static> {
    name: &'static str,
    value: OnceLock<Option<T>>,
    read: fn(std::ffi::OsString) -> T,
}

impl<T> Read<T> {
    const fn new(name: &'static str, read: fn(std::ffi::OsString) -> T) -> Read<T> {
        Read {
            name,
            value: OnceLock::new(),
            read,
        }
    }

    fn get(&'static self) -> Option<&'static T> {
        self.value
            .get_or_init(|| std::env::var_os(self.name).map(self.read))
            .as_ref()
    }
}

fn text(value: std::ffi::OsString) -> String {
    value.to_string_lossy().into_owned()
}

static WORKERS: Read<String> = Read::new(WORKERS_ENV, text);
static SEED: Read<String> = Read::new(SEED_ENV, text);
static SCHEDULE: Read<String> = Read::new(SCHEDULE_ENV, text);
static TIMELINE_DIR: Read<PathBuf> = Read::new(TIMELINE_DIR_ENV, PathBuf::from);

/// Reads now, once and for the rest of the process, every variable barista
/// depends on. A test harness calls it before any code under test runs.
pub fn settle() {
    workers();
    seed();
    schedule();
    timeline_dir();
}

pub(crate) fn workers() -> Option<&'static str> {
    WORKERS.get().map(String::as_str)
}

pub(crate) fn seed() -> Option<&'static str> {
    SEED.get().map(String::as_str)
}

pub(crate) fn schedule() -> Option<&'static str> {
    SCHEDULE.get().map(String::as_str)
}

pub(crate) fn timeline_dir() -> Option<&'static Path> {
    TIMELINE_DIR.get().map(PathBuf::as_path)
}
