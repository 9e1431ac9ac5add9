// Exercise 7 · Disjoint writes need no lock
//
// Several threads may write to one buffer at the same time without a lock,
// as long as no two of them ever touch the same slot. Go trusts you to keep
// the indices apart (and `-race` checks afterwards); in Rust the borrow
// checker proves it before the program runs. `slots.iter_mut()` (or
// `chunks_mut`) hands out one `&mut u64` per slot, and two `&mut` borrows
// can never overlap, so each thread may own its slot for as long as it runs.
//
// `std::thread::scope` is what lets a thread borrow from the function that
// starts it: every thread spawned in the scope is joined before `scope`
// returns, so the borrows cannot outlive `slots`. A tokio task could not do
// this: `barista::spawn` needs a `'static` future, so a task cannot hold
// `&mut slots[i]`; it has to own its data and hand the result back (through
// its `JoinHandle`, a channel, ...).
//
// This is the reference page's GOMAXPROCS program: one slot per worker, each
// filled with 1 + 2 + ... + 1000 = 500500. `barista::workers()` is barista's
// `runtime.GOMAXPROCS(0)`: the worker limit of the run.
//
// Threads are not tokio's workers: the worker limit does not bound them.
// The timeline draws each thread as a lane of its own, `thread N`, when its
// closure is wrapped in `barista::thread::traced(...)` (which changes
// nothing else): at 1 worker you will see four threads summing at once.
//
// What to do: finish `fill`: one thread per slot, all running at once, each
// storing `sum_to(1000)` in its own slot. No `Mutex`, no atomics, no
// `unsafe`. The tests expect every slot to hold 500500, at 1 worker and at
// 4.

/// 1 + 2 + ... + n, the slow way: this is the work each thread does.
/// (`#[barista::task]` names the thread's lane in the timeline.)
#[barista::task]
pub fn sum_to(n: u64) -> u64 {
    (1..=n).sum()
}

/// Fills every slot with `sum_to(1000)`, one thread per slot, all at once.
pub fn fill(slots: &mut [u64]) {
    // Every thread spawned in the scope is joined before `scope` returns,
    // so the threads may borrow from `slots`; each gets its own `&mut u64`,
    // and the borrow checker knows no two of them overlap: no lock needed.
    std::thread::scope(|scope| {
        for slot in slots.iter_mut() {
            scope.spawn(barista::thread::traced(move || *slot = sum_to(1000)));
        }
    });
}

/// The reference page's program: one slot per worker, filled in parallel.
/// Returns the slots and the three lines the Go program prints.
pub async fn gomaxprocs_program() -> (Vec<u64>, String) {
    let workers = barista::workers();
    let mut slots = vec![0; workers];
    fill(&mut slots);
    let report = format!(
        "workers: {workers}\n\
         each worker summed 1..1000 = {}\n\
         all workers agree: {}\n",
        slots[0],
        slots[0] == slots[workers - 1],
    );
    print!("{report}");
    (slots, report)
}
