//! The same bugs on shuttle: its executor (`shuttle::future`) and its
//! primitives, every one of them a scheduling point. Written to the same
//! shape as `barista_bugs`, step for step; where shuttle has no such
//! primitive (tokio's `Notify` and `select!`), the same kind of bug with
//! the primitives it has (a condition variable's lost notification).

use std::collections::HashMap;
use std::sync::Arc;

use shuttle::future::{block_on, spawn, yield_now};
use shuttle::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};
use shuttle::sync::{mpsc, Condvar, Mutex};

/// Every bug, in the order of `barista_bugs::BUGS`.
pub const BUGS: [(&str, fn()); 8] = [
    ("lost_update", lost_update),
    ("check_then_act", check_then_act),
    ("read_before_init", read_before_init),
    ("lock_order", lock_order),
    ("closed_early", closed_early),
    ("double_spend", double_spend),
    ("three_switches", three_switches),
    ("lost_wakeup", lost_wakeup),
];

fn lost_update() {
    block_on(async {
        let balance = Arc::new(Mutex::new(0u64));
        let deposits: Vec<_> = (0..2)
            .map(|_| {
                let balance = balance.clone();
                spawn(async move {
                    let seen = *balance.lock().unwrap();
                    *balance.lock().unwrap() = seen + 1;
                })
            })
            .collect();
        for deposit in deposits {
            deposit.await.unwrap();
        }
        assert_eq!(*balance.lock().unwrap(), 2, "a deposit was lost");
    });
}

fn check_then_act() {
    block_on(async {
        let cache = Arc::new(Mutex::new(HashMap::new()));
        let computed = Arc::new(AtomicU32::new(0));
        let lookups: Vec<_> = (0..2)
            .map(|_| {
                let (cache, computed) = (cache.clone(), computed.clone());
                spawn(async move {
                    let missing = !cache.lock().unwrap().contains_key(&7);
                    if missing {
                        computed.fetch_add(1, Ordering::Relaxed);
                        cache.lock().unwrap().insert(7, 49);
                    }
                })
            })
            .collect();
        for lookup in lookups {
            lookup.await.unwrap();
        }
        assert_eq!(computed.load(Ordering::Relaxed), 1, "computed twice");
    });
}

fn read_before_init() {
    block_on(async {
        let config: Arc<Mutex<Option<u32>>> = Arc::default();
        let init = config.clone();
        let first = spawn(async move {
            *init.lock().unwrap() = Some(42);
        });
        let reader = config.clone();
        let second = spawn(async move {
            let port = reader.lock().unwrap().expect("read before initialization");
            assert_eq!(port, 42);
        });
        first.await.unwrap();
        second.await.unwrap();
    });
}

fn lock_order() {
    block_on(async {
        let (a, b) = (Arc::new(Mutex::new(0)), Arc::new(Mutex::new(0)));
        let (a1, b1) = (a.clone(), b.clone());
        let one = spawn(async move {
            let mut first = a1.lock().unwrap();
            let mut second = b1.lock().unwrap();
            *first += 1;
            *second += 1;
        });
        let other = spawn(async move {
            let mut first = b.lock().unwrap();
            let mut second = a.lock().unwrap();
            *first += 1;
            *second += 1;
        });
        one.await.unwrap();
        other.await.unwrap();
    });
}

fn closed_early() {
    block_on(async {
        let (tx, rx) = mpsc::channel();
        let done = Arc::new(AtomicBool::new(false));
        let (first, flag) = (tx.clone(), done.clone());
        let one = spawn(async move {
            let _ = first.send(1);
            flag.store(true, Ordering::Relaxed);
        });
        let other = spawn(async move {
            let _ = tx.send(2);
        });
        let consumer = spawn(async move {
            let mut got = 0;
            loop {
                match rx.try_recv() {
                    Ok(_) => got += 1,
                    Err(_) if done.load(Ordering::Relaxed) => break,
                    Err(_) => yield_now().await,
                }
            }
            // Dropping the receiver closes the channel.
            drop(rx);
            got
        });
        one.await.unwrap();
        other.await.unwrap();
        assert_eq!(consumer.await.unwrap(), 2, "a message was lost");
    });
}

fn double_spend() {
    block_on(async {
        let account = Arc::new(Mutex::new(1i64));
        let buyers: Vec<_> = (0..2)
            .map(|_| {
                let account = account.clone();
                spawn(async move {
                    let enough = *account.lock().unwrap() >= 1;
                    if enough {
                        *account.lock().unwrap() -= 1;
                    }
                })
            })
            .collect();
        for buyer in buyers {
            buyer.await.unwrap();
        }
        assert!(*account.lock().unwrap() >= 0, "spent twice");
    });
}

fn three_switches() {
    block_on(async {
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..4)
            .map(|_| {
                let (inside, most) = (inside.clone(), most.clone());
                spawn(async move {
                    let now = inside.fetch_add(1, Ordering::Relaxed) + 1;
                    // Every atomic operation is a scheduling point in
                    // shuttle: this one is barista's `point()`, a place to
                    // switch, not a forced yield.
                    most.fetch_max(now, Ordering::Relaxed);
                    inside.fetch_sub(1, Ordering::Relaxed);
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert!(
            most.load(Ordering::Relaxed) < 4,
            "all four in the middle at once"
        );
    });
}

/// The waiter handles heartbeats until notified; a notification sent while
/// it handles one, not waiting, is lost (`notify_all` wakes only waiters).
fn lost_wakeup() {
    block_on(async {
        let state = Arc::new((Mutex::new(0u32), Condvar::new()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (waiting, seen) = (state.clone(), log.clone());
        let waiter = spawn(async move {
            let (beats, signal) = &*waiting;
            loop {
                let mut guard = beats.lock().unwrap();
                if *guard == 0 {
                    // Wait for a heartbeat or the notification: either wakes.
                    guard = signal.wait(guard).unwrap();
                }
                if *guard == 0 {
                    break; // notified, no heartbeat
                }
                *guard -= 1;
                drop(guard);
                seen.lock().unwrap().push("beat handled");
            }
        });
        let setter = spawn(async move {
            let (beats, signal) = &*state;
            *beats.lock().unwrap() += 1;
            signal.notify_all();
            log.lock().unwrap().push("beat sent");
            signal.notify_all();
        });
        setter.await.unwrap();
        waiter.await.unwrap();
    });
}
