// Exercise 12 · More tasks is not faster
//
// Spawning a task is cheap, but it is not free. A tokio spawn plus its join
// costs a few hundred nanoseconds (about 270 to 500 ns on the machine this
// course was built on; a goroutine costs 140 to 670 ns there), and a task
// that is still waiting to be joined keeps about 440 bytes. Adding two
// numbers costs about one nanosecond. A task that does one addition spends
// hundreds of times more on being a task than on its work.
//
// `sum` below adds up 1..=n by splitting the range into chunks, one task
// each. How many chunks is up to `tasks_for`, and as shipped it asks for one
// task per number: ten million spawns to sum ten million numbers. That is
// seconds of overhead (and gigabytes of waiting tasks) for a few milliseconds
// of additions. Amdahl's law says the same from the other side: the spawning
// loop runs in one task, so the more tasks it spawns, the bigger the serial
// part, and the less extra workers can help.
//
// The useful number of CPU-bound tasks is the number of workers that can run
// them: with one long chunk per worker, every worker is busy, and the spawn
// cost is paid a handful of times instead of ten million.
//
// In the timeline: as shipped, the legend counts thousands of `chunk`
// tasks, and the `alive` row shows them queueing for the same few workers:
// more tasks, no more hands. Solved, one chunk per worker lane.
//
// What to do: make `tasks_for` return one task per worker. The tests first
// sum a small range and count the tasks spawned (at most one per worker, plus
// `main`), then sum 1..=10,000,000 at 1, 2 and 4 workers: 50000005000000.

/// The range the tests sum, 1..=N.
pub const N: u64 = 10_000_000;

/// How many tasks `sum(n)` splits its range into.
pub fn tasks_for(n: u64) -> u64 {
    // TODO: one task per number is ten million spawns for ten million
    // additions. The goal: no more tasks than can run at the same instant
    // (exercise 3 read that number), and never fewer.
    n
}

/// One task's share: start + (start + 1) + ... + end.
#[barista::task]
pub async fn chunk(start: u64, end: u64) -> u64 {
    (start..=end).sum()
}

/// 1 + 2 + ... + n, in `tasks_for(n)` chunks of nearly equal length.
pub async fn sum(n: u64) -> u64 {
    let tasks = tasks_for(n).clamp(1, n.max(1));
    let handles: Vec<_> = (0..tasks)
        .map(|i| {
            // Chunk i covers (i * n / tasks, (i + 1) * n / tasks]: no gaps,
            // no overlaps, and every chunk is non-empty since tasks <= n.
            let start = i * n / tasks + 1;
            let end = (i + 1) * n / tasks;
            barista::spawn(chunk(start, end))
        })
        .collect();
    let mut total = 0;
    for handle in handles {
        total += handle.await.unwrap();
    }
    total
}
