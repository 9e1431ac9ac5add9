// Exercise 14 · Rust rejects the data race
//
// As shipped, this file does not compile. That is the lesson. Four threads
// each add 1 to a shared counter a thousand times. Written in Go, the same
// code compiles and runs, and can count less than 4000: `count++` is a
// read, an add and a write, and two threads can interleave them. Go's race detector
// (`go run -race`) reports it, but at run time, for the code that run
// happens to execute, and only if you remember to ask.
//
// Rust refuses the code before it ever runs. `count += 1` inside each
// thread needs `&mut count`, and `&mut` means exclusive: one holder at a
// time. Four threads alive at once would be four holders, so the borrow
// checker stops at the second one ("cannot borrow `count` as mutable more
// than once at a time"). Types enforce the rest: a value may be shared
// between threads only if its type is `Sync`, that is, safe to use through
// a shared reference from several threads. A plain `u64` behind `&` can
// only be read; to update it from many threads at once you need a type
// whose updates are indivisible, or a lock around it.
//
// Beware one "fix" that compiles: `move ||` copies the `u64` into each
// thread, which then counts its own copy, and the shared counter stays 0.
// Note the difference from exercise 13: that race was in the logic (read,
// `.await`, write), which the compiler cannot see. A data race, two threads
// touching the same memory without synchronization, it can.
//
// What to do: make `count` compile and return 4000, with the four threads
// still sharing one counter. Until it compiles, the compiler's message is
// what the test shows you.

use std::sync::atomic::{AtomicU64, Ordering};

/// Four threads, a thousand increments each, on one shared counter: the
/// total they counted.
pub fn count() -> u64 {
    // An atomic counter: `AtomicU64` is `Sync`, so all four threads may hold
    // `&count` at once, and `fetch_add` reads, adds and writes in one
    // indivisible step. (A `Mutex<u64>` works too, with a lock per increment.)
    let count = AtomicU64::new(0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| {
                for _ in 0..1000 {
                    // Relaxed is enough: only the total matters, and the
                    // join at the end of `scope` makes every add visible.
                    count.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    // All four threads have finished here: `scope` joins them.
    count.into_inner()
}
