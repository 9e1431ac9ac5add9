//! The harness behind `#[barista::main]` and `#[barista::test]`: what the
//! code they generate runs. A program's `main` runs under the worker limit
//! and prints the reports asked for ([`entry`]); a test runs its body at
//! each worker count and compares the summaries with the baseline's
//! ([`test_case`]), or, with `explore = N` at one worker, searches the
//! schedules ([`explore_case`]). The macros reach it only through
//! [`crate::__private`], their ABI.

mod entry;
mod explore_case;
mod test_case;

pub use entry::{main_entry, MainOptions};
pub use test_case::{run_test_case, Baseline, TestBody, TestCase};
