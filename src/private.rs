//! What the attribute macros expand to: their ABI, and nothing else. Not a
//! public API: names here may change in any release. The expansions reach
//! barista only through these names, so they stay small and the macro
//! crate knows nothing of barista's internals; the harness they call is
//! `crate::harness`.

pub use tokio::task::yield_now;

pub use crate::harness::{main_entry, run_test_case, Baseline, MainOptions, TestBody, TestCase};

/// Start of a `#[barista::task] async fn` body: names the task it starts and,
/// in a shuffled schedule, may let other tasks run first.
pub async fn task_point(name: &'static str) {
    if crate::recorder::task_point(name) {
        tokio::task::yield_now().await;
    }
}

/// Start of a `#[barista::task] fn` body: names the task it starts.
pub fn sync_task_point(name: &'static str) {
    // A sync function cannot yield, so a shuffle decision here is ignored.
    let _ = crate::recorder::task_point(name);
}

/// The yield `#[barista::task(preempt)]` inserts at the top of every loop
/// iteration. A macro, so that a compiler error about this `.await` (say a
/// `MutexGuard` held across it) says where it came from: "this error
/// originates in the macro `yield_inserted_by_preempt`".
#[doc(hidden)]
#[macro_export]
macro_rules! yield_inserted_by_preempt {
    () => {
        $crate::__private::yield_now().await
    };
}
