//! The catalogue's bugs on barista: real tokio, barista's `sync` wrappers
//! (a choice point before each lock, send and receive) and
//! `barista::explore::point()`. Each passes in tokio's own order at one
//! worker, and fails under some schedule. Also compiled into barista's own
//! tests (`tests/catalogue.rs`), which check exactly that.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;

use barista::sync::{mpsc, Mutex};

/// A bug's program: a body for `barista::explore`.
pub type Body = fn() -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// Every bug of the catalogue: its name, what kind of bug it is, its body.
pub const BUGS: [(&str, &str, Body); 8] = [
    ("lost_update", "lost update across an .await", || {
        Box::pin(lost_update())
    }),
    ("check_then_act", "check-then-act on a cache", || {
        Box::pin(check_then_act())
    }),
    (
        "read_before_init",
        "a reader that runs before initialization",
        || Box::pin(read_before_init()),
    ),
    (
        "lock_order",
        "two async locks taken in opposite orders (deadlock)",
        || Box::pin(lock_order()),
    ),
    (
        "closed_early",
        "a message lost when a channel closes early",
        || Box::pin(closed_early()),
    ),
    (
        "double_spend",
        "a double spend",
        || Box::pin(double_spend()),
    ),
    (
        "three_switches",
        "an ordering bug that needs three precise switches",
        || Box::pin(three_switches()),
    ),
    (
        "lost_wakeup",
        "a waker lost under select!-style racing (hangs)",
        || Box::pin(lost_wakeup()),
    ),
];

/// Two deposits read the balance, then write back what they read plus one.
async fn lost_update() {
    let balance = Arc::new(Mutex::new(0u64));
    let deposits = barista::Group::new();
    for _ in 0..2 {
        let balance = balance.clone();
        deposits.spawn(async move {
            let seen = *balance.lock().await;
            *balance.lock().await = seen + 1;
        });
    }
    deposits.wait().await;
    assert_eq!(*balance.lock().await, 2, "a deposit was lost");
}

/// Two lookups of the same key: each checks the cache, and computes and
/// stores the value when it is missing.
async fn check_then_act() {
    let cache = Arc::new(Mutex::new(HashMap::new()));
    let computed = Arc::new(AtomicU32::new(0));
    let lookups = barista::Group::new();
    for _ in 0..2 {
        let (cache, computed) = (cache.clone(), computed.clone());
        lookups.spawn(async move {
            let missing = !cache.lock().await.contains_key(&7);
            if missing {
                computed.fetch_add(1, Ordering::Relaxed);
                cache.lock().await.insert(7, 49);
            }
        });
    }
    lookups.wait().await;
    assert_eq!(computed.load(Ordering::Relaxed), 1, "computed twice");
}

/// The initializer is spawned first, so in tokio's order it runs first.
async fn read_before_init() {
    let config: Arc<Mutex<Option<u32>>> = Arc::default();
    let tasks = barista::Group::new();
    let init = config.clone();
    tasks.spawn(async move {
        *init.lock().await = Some(42);
    });
    let reader = config.clone();
    tasks.spawn(async move {
        let port = reader.lock().await.expect("read before initialization");
        assert_eq!(port, 42);
    });
    tasks.wait().await;
}

/// One task takes `a` then `b`, the other `b` then `a`.
async fn lock_order() {
    let (a, b) = (Arc::new(Mutex::new(0)), Arc::new(Mutex::new(0)));
    let tasks = barista::Group::new();
    let (a1, b1) = (a.clone(), b.clone());
    tasks.spawn(async move {
        let mut first = a1.lock().await;
        let mut second = b1.lock().await;
        *first += 1;
        *second += 1;
    });
    tasks.spawn(async move {
        let mut first = b.lock().await;
        let mut second = a.lock().await;
        *first += 1;
        *second += 1;
    });
    tasks.wait().await;
}

/// The first producer says "done" after its message, believing it is the
/// last; the consumer stops and closes the channel when it sees "done" and
/// nothing waiting.
async fn closed_early() {
    let (tx, mut rx) = mpsc::channel(8);
    let done = Arc::new(AtomicBool::new(false));
    let (first, flag) = (tx.clone(), done.clone());
    let producers = barista::Group::new();
    producers.spawn(async move {
        let _ = first.send(1).await;
        flag.store(true, Ordering::Relaxed);
    });
    producers.spawn(async move {
        // The message is lost if the channel is closed by now.
        let _ = tx.send(2).await;
    });
    let consumer = barista::spawn(async move {
        let mut got = 0;
        loop {
            match rx.try_recv() {
                Ok(_) => got += 1,
                Err(_) if done.load(Ordering::Relaxed) => break,
                Err(_) => tokio::task::yield_now().await,
            }
        }
        rx.close();
        got
    });
    producers.wait().await;
    assert_eq!(consumer.await.unwrap(), 2, "a message was lost");
}

/// Two purchases from an account holding enough for one: each checks the
/// balance, then takes the money.
async fn double_spend() {
    let account = Arc::new(Mutex::new(1i64));
    let buyers = barista::Group::new();
    for _ in 0..2 {
        let account = account.clone();
        buyers.spawn(async move {
            let enough = *account.lock().await >= 1;
            if enough {
                *account.lock().await -= 1;
            }
        });
    }
    buyers.wait().await;
    assert!(*account.lock().await >= 0, "spent twice");
}

/// Four tasks, each in its middle part for a moment: all four are there at
/// once only if each of the first three gives way inside it.
async fn three_switches() {
    let inside = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let tasks = barista::Group::new();
    for _ in 0..4 {
        let (inside, most) = (inside.clone(), most.clone());
        tasks.spawn(async move {
            let now = inside.fetch_add(1, Ordering::Relaxed) + 1;
            most.fetch_max(now, Ordering::Relaxed);
            barista::explore::point().await;
            inside.fetch_sub(1, Ordering::Relaxed);
        });
    }
    tasks.wait().await;
    assert!(
        most.load(Ordering::Relaxed) < 4,
        "all four in the middle at once"
    );
}

/// The waiter races the notification against heartbeats, and handles a
/// heartbeat between two `select!`s: the losing branch's `Notified` is
/// dropped each time, and `notify_waiters` reaches only a waiter that is
/// registered. A notification sent while the waiter handles a heartbeat is
/// lost, and the waiter waits for good. Two switches: the setter's after
/// its heartbeat, the waiter's while handling it.
async fn lost_wakeup() {
    let notify = Arc::new(tokio::sync::Notify::new());
    let (beat, mut beats) = mpsc::channel::<()>(1);
    let log = Arc::new(Mutex::new(Vec::new()));
    let (notified, seen) = (notify.clone(), log.clone());
    let waiter = barista::spawn(async move {
        loop {
            tokio::select! {
                biased;
                () = notified.notified() => break,
                Some(()) = beats.recv() => seen.lock().await.push("beat handled"),
            }
        }
    });
    let setter = barista::spawn(async move {
        let _ = beat.send(()).await;
        log.lock().await.push("beat sent");
        notify.notify_waiters();
        // Kept alive, so that the waiter's `recv` keeps waiting.
        beat
    });
    let beat = setter.await.unwrap();
    waiter.await.unwrap();
    drop(beat);
}
