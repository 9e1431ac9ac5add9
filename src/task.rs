//! Spawning instrumented tasks.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use tokio::task::{JoinError, JoinHandle};

use crate::recorder::{self, PollStart};

/// Spawns a task on the current barista run, like [`tokio::spawn`], and
/// records its life in the trace. It takes the name of the first
/// `#[barista::task]` function it runs, or is called `task`.
///
/// Panics outside a runtime, as [`tokio::spawn`] does.
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_inner(None, future)
}

/// Spawns a task with an explicit name (shown in timelines and summaries).
#[track_caller]
pub fn spawn_named<F>(name: &'static str, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    spawn_inner(Some(name), future)
}

#[track_caller]
fn spawn_inner<F>(name: Option<&'static str>, future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if recorder::tracing() {
        let handle = tokio::spawn(Traced::new(future));
        recorder::spawned(handle.id(), name);
        handle
    } else {
        // Tracing off: a bare tokio task, nothing added.
        tokio::spawn(future)
    }
}

pin_project_lite::pin_project! {
    /// A future that records each of its polls and how it ended. It holds
    /// nothing else: tokio knows the task's id, and the recorder keeps
    /// the rest, so a traced task takes no more memory than a bare one
    /// (tokio sizes a task's memory in steps of 128 bytes: one byte more
    /// can double it).
    pub(crate) struct Traced<F> {
        #[pin]
        inner: F,
    }
}

impl<F> Traced<F> {
    pub(crate) fn new(inner: F) -> Self {
        Traced { inner }
    }
}

/// Ends a poll's record; if dropped without `finish` the poll panicked.
struct PollGuard(Option<PollStart>);

impl PollGuard {
    #[inline]
    fn finish(mut self, ended: bool) {
        if let Some(poll) = self.0.take() {
            recorder::poll_ended(poll, ended.then_some(false));
        }
    }
}

impl Drop for PollGuard {
    fn drop(&mut self) {
        if let Some(poll) = self.0.take() {
            recorder::poll_ended(poll, Some(true));
        }
    }
}

impl<F: Future> Future for Traced<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let Some(id) = tokio::task::try_id() else {
            return this.inner.poll(cx);
        };
        let Some(start) = recorder::poll_started(id) else {
            // A shuffled schedule: go to the back of the queue before the
            // first poll, letting tasks behind this one run first.
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        // Exploring, the task's wakes mark it ready.
        let waker = match start.exploring() {
            true => recorder::ready_when_woken(start, cx.waker()),
            false => None,
        };
        let guard = PollGuard(Some(start));
        let out = match &waker {
            Some(waker) => this.inner.poll(&mut Context::from_waker(waker)),
            None => this.inner.poll(cx),
        };
        guard.finish(out.is_ready());
        out
    }
}
