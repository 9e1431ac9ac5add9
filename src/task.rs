//! Spawning instrumented tasks.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use tokio::task::{JoinError, JoinHandle};

use crate::recorder::{self, PollStart};
use crate::trace::TaskId;

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
    match recorder::spawned(name) {
        Some(id) => tokio::spawn(Traced::new(id, name.is_some(), future)),
        // Tracing off: a bare tokio task, nothing added.
        None => tokio::spawn(future),
    }
}

pin_project_lite::pin_project! {
    /// A future that records each of its polls and how it ended.
    pub(crate) struct Traced<F> {
        #[pin]
        inner: F,
        id: TaskId,
        named: bool,
        started: bool,
    }
}

impl<F> Traced<F> {
    pub(crate) fn new(id: TaskId, named: bool, inner: F) -> Self {
        Traced {
            inner,
            id,
            named,
            started: false,
        }
    }
}

/// Ends a poll's record; if dropped without `finish` the poll panicked.
struct PollGuard(Option<PollStart>);

impl PollGuard {
    fn finish(mut self, ended: bool) {
        if let Some(poll) = self.0.take() {
            recorder::poll_ended(&poll, ended.then_some(false));
        }
    }
}

impl Drop for PollGuard {
    fn drop(&mut self) {
        if let Some(poll) = self.0.take() {
            recorder::poll_ended(&poll, Some(true));
        }
    }
}

impl<F: Future> Future for Traced<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let first = !std::mem::replace(this.started, true);
        let Some(start) = recorder::poll_started(*this.id, !*this.named, first) else {
            // A shuffled schedule: go to the back of the queue before the
            // first poll, letting tasks behind this one run first.
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        // Exploring, the task's wakes mark it ready.
        let waker = start
            .tasks
            .as_ref()
            .map(|tasks| tasks.waker(*this.id, cx.waker()));
        let guard = PollGuard(Some(start));
        let out = match &waker {
            Some(waker) => this.inner.poll(&mut Context::from_waker(waker)),
            None => this.inner.poll(cx),
        };
        guard.finish(out.is_ready());
        // A `#[barista::task]` may only name the task during its first poll.
        *this.named = true;
        out
    }
}
