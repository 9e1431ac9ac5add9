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

#[derive(Default)]
struct Shared {
    pending: AtomicUsize,
    panicked: AtomicUsize,
    done: Notify,
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
        if self.inner.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.inner.done.notify_waiters();
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

    /// Waits until every task spawned so far has finished. Panics, naming how
    /// many, if any of them panicked (as an unrecovered panic would end a Go
    /// program).
    pub async fn wait(&self) {
        loop {
            let notified = self.inner.done.notified();
            tokio::pin!(notified);
            // Register before checking, so a finish in between is not missed.
            notified.as_mut().enable();
            if self.pending() == 0 {
                break;
            }
            notified.await;
        }
        let panicked = self.inner.panicked.swap(0, Ordering::Relaxed);
        if panicked > 0 {
            panic!("{panicked} task(s) in the group panicked (see their messages above)");
        }
    }
}
