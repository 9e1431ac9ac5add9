//! A join-all group: Go's `sync.WaitGroup`, for tasks.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

/// Spawns tasks and waits for all of them. Unlike a `JoinSet`, a finished
/// task is freed as soon as it finishes (its handle is not kept), so a group
/// can run a million tasks in bounded memory. Results travel the way the
/// program chooses (a channel, a mutex, an atomic), as with a `WaitGroup`.
#[derive(Clone, Default)]
pub struct Group {
    inner: Arc<Shared>,
}

struct Shared {
    pending: AtomicUsize,
    panicked: AtomicUsize,
    /// The pending count a `wait_below` caller waits to drop under.
    watermark: AtomicUsize,
    /// Woken when pending reaches 0 or falls below the watermark.
    changed: Notify,
}

impl Default for Shared {
    fn default() -> Self {
        Shared {
            pending: AtomicUsize::new(0),
            panicked: AtomicUsize::new(0),
            watermark: AtomicUsize::new(usize::MAX),
            changed: Notify::new(),
        }
    }
}

/// Counts a task as done when dropped: on return, on panic, or when the
/// runtime drops it at shutdown.
struct Done {
    inner: Arc<Shared>,
    returned: bool,
}

impl Drop for Done {
    fn drop(&mut self) {
        if !self.returned {
            self.inner.panicked.fetch_add(1, Ordering::Relaxed);
        }
        let before = self.inner.pending.fetch_sub(1, Ordering::AcqRel);
        if before == 1 || before == self.inner.watermark.load(Ordering::Acquire) {
            self.inner.changed.notify_waiters();
        }
    }
}

impl Group {
    /// An empty group.
    pub fn new() -> Self {
        Self::default()
    }

    /// Spawns `future` as an instrumented task ([`crate::spawn`]) in this group.
    #[track_caller]
    pub fn spawn<F>(&self, future: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        self.inner.pending.fetch_add(1, Ordering::Relaxed);
        let done = Done {
            inner: self.inner.clone(),
            returned: false,
        };
        // The handle is dropped at once: tokio frees the task when it ends.
        drop(crate::spawn(async move {
            // Move the whole guard in, not just the field assigned below.
            let mut done = done;
            future.await;
            done.returned = true;
        }));
    }

    /// Tasks spawned in this group that have not finished yet.
    pub fn pending(&self) -> usize {
        self.inner.pending.load(Ordering::Acquire)
    }

    /// Waits until fewer than `limit` tasks of this group are pending.
    /// Backpressure for a big fan-out: calling it before each `spawn` keeps
    /// at most `limit` tasks alive, so a million tasks run in the memory of
    /// `limit`, whatever the spawner's pace.
    pub async fn wait_below(&self, limit: usize) {
        self.wait_until(limit.max(1)).await;
    }

    /// Waits until every task spawned so far has finished. Panics, naming how
    /// many, if any of them panicked (as an unrecovered panic would end a Go
    /// program).
    pub async fn wait(&self) {
        self.wait_until(1).await;
        let panicked = self.inner.panicked.swap(0, Ordering::Relaxed);
        if panicked > 0 {
            panic!("{panicked} task(s) in the group panicked (see their messages above)");
        }
    }

    /// Waits until fewer than `limit` tasks are pending.
    async fn wait_until(&self, limit: usize) {
        if self.pending() < limit {
            return; // the common case in a fan-out loop: no lock, no await
        }
        loop {
            let notified = self.inner.changed.notified();
            tokio::pin!(notified);
            // Register, then publish the watermark, then check: a finish at
            // any point in between is either seen here or wakes us.
            notified.as_mut().enable();
            self.inner.watermark.store(limit, Ordering::Release);
            if self.pending() < limit {
                break;
            }
            notified.await;
        }
        self.inner.watermark.store(usize::MAX, Ordering::Release);
    }
}
