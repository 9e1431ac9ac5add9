//! The attributes' arguments, read into configurations in two stages, as
//! tokio-macros does: one loop reads the keys (`keys`, each value read by
//! `values`) into a raw configuration that keeps every key's span, then one
//! `build` per attribute applies the rules between keys.

mod keys;
mod main;
mod task;
mod test;
#[cfg(test)]
mod tests;
mod values;

pub(crate) use self::main::{main_config, MainConfig};
pub(crate) use self::task::{task_config, TaskConfig};
pub(crate) use self::test::{test_config, TestConfig};

/// Why `start_paused = true` needs one worker, in the messages that say so.
const PAUSED_NEEDS_ONE_WORKER: &str =
    "tokio can pause time only on its current-thread runtime, that is with one worker";
