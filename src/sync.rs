//! tokio's `Mutex` and `mpsc` channel with a choice point at each lock,
//! send and receive: where exploration (see [`mod@crate::explore`]) may make the
//! running task give way, as another task could have run there on a
//! busier runtime. Outside exploration they are tokio's, plus a branch.

use std::ops::{Deref, DerefMut};

use crate::explore::point;

/// An async mutex: [`tokio::sync::Mutex`], with a choice point before each
/// lock is taken.
#[derive(Debug, Default)]
pub struct Mutex<T: ?Sized>(tokio::sync::Mutex<T>);

/// Holds a [`Mutex`] locked until dropped.
#[derive(Debug)]
pub struct MutexGuard<'a, T: ?Sized>(tokio::sync::MutexGuard<'a, T>);

impl<T> Mutex<T> {
    /// A mutex holding `value`, unlocked.
    pub fn new(value: T) -> Self {
        Mutex(tokio::sync::Mutex::new(value))
    }

    /// The value, the mutex consumed.
    pub fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Waits for the lock: a choice point, then tokio's `lock`.
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        point().await;
        MutexGuard(self.0.lock().await)
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

/// A bounded multi-producer, single-consumer channel: tokio's, with a
/// choice point before each send and each receive.
pub mod mpsc {
    use crate::explore::point;

    pub use tokio::sync::mpsc::error::{SendError, TryRecvError};

    /// A channel of `capacity` messages.
    pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
        let (tx, rx) = tokio::sync::mpsc::channel(capacity);
        (Sender(tx), Receiver(rx))
    }

    /// The sending half (see [`channel`]).
    #[derive(Debug)]
    pub struct Sender<T>(tokio::sync::mpsc::Sender<T>);

    impl<T> Clone for Sender<T> {
        fn clone(&self) -> Self {
            Sender(self.0.clone())
        }
    }

    /// The receiving half (see [`channel`]).
    #[derive(Debug)]
    pub struct Receiver<T>(tokio::sync::mpsc::Receiver<T>);

    impl<T> Sender<T> {
        /// Sends, waiting for room: a choice point, then tokio's `send`.
        /// Fails, handing the message back, when the receiver is gone.
        pub async fn send(&self, message: T) -> Result<(), SendError<T>> {
            point().await;
            self.0.send(message).await
        }
    }

    impl<T> Receiver<T> {
        /// The next message, waiting for one: a choice point, then tokio's
        /// `recv`; `None` once every sender is gone and the channel empty.
        pub async fn recv(&mut self) -> Option<T> {
            point().await;
            self.0.recv().await
        }

        /// A message if one is there now (no choice point: it never waits).
        pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
            self.0.try_recv()
        }

        /// Refuses further messages; those already sent can still be received.
        pub fn close(&mut self) {
            self.0.close();
        }
    }
}
