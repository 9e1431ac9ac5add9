#![warn(missing_docs)]
//! # barista
//!
//! Concurrency versus parallelism, hands-on. barista runs async Rust on
//! tokio under a *worker limit* (the analogue of Go's `GOMAXPROCS`) and
//! records which task ran on which worker and when, so one program can be
//! seen interleaved on one worker and parallel on many.
//!
//! ```
//! let run = barista::run(barista::Config::new().workers(2), async {
//!     let brew = barista::spawn(async { 6 * 7 });
//!     brew.await.unwrap()
//! })
//! .unwrap();
//! assert_eq!(run.output, 42);
//! assert_eq!(run.trace.summary().spawned, 2); // main and the brew
//! ```
//!
//! The attribute macros `#[barista::main]`, `#[barista::test]` and
//! `#[barista::task]` write this for you; see the README.

// Lets the macros' `::barista::...` paths work inside this crate's own tests.
extern crate self as barista;

pub mod amdahl;
mod chrome;
mod config;
pub mod env;
mod events;
pub mod explore;
mod group;
mod harness;
mod recorder;
mod runtime;
mod summary;
pub mod sync;
mod task;
pub mod thread;
mod timeline;
mod trace;
mod turns;

pub use barista_macros::{main, task, test};
pub use config::{available_parallelism, ClockKind, Config, Error};
pub use env::{MAX_WORKERS, WORKERS_ENV};
pub use explore::{explore, Explore, Schedule, Strategy};
pub use group::Group;
pub use runtime::{live_tasks, record, run, timeline_file_stem, workers, Run, TIMELINE_DIR_ENV};
pub use summary::Summary;
pub use task::{spawn, spawn_named, JoinError, JoinHandle};
pub use timeline::Timeline;
pub use trace::{ClockMark, PollRecord, SwitchRecord, TaskEnd, TaskId, TaskRecord, Trace, UNNAMED};

/// Gives other tasks a turn: an explicit yield point.
pub use tokio::task::yield_now;

/// The README's code blocks, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
