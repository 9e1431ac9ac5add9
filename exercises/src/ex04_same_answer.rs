// Exercise 4 · The same answer at every worker count
//
// A correct concurrent program gives the same answer on one worker and on
// many; only the timing changes. So the worker count is a free test: run
// the same code at 1, 2 and 4 workers, and if the answer moves, the program
// is wrong. It is not "right on one worker and wrong on four": it is wrong,
// and one worker was hiding it.
//
// `sum_to_1000` below splits 1..=1000 into one chunk per worker (read with
// `barista::workers()`, barista's `GOMAXPROCS(0)`) and sums each chunk in a
// task of its own. Splitting by the worker count is fine: it is the usual way
// to offer every worker a share. What it must not change is the result. The
// reference program prints `results[0]` because each of its goroutines sums
// the WHOLE range, so any one result is the answer. Here each task sums only
// its share.
//
// In the timeline, look at which worker ran each chunk: often all of them
// ran on worker 0. A task spawned from a worker goes into that worker's own
// queue, and the other workers only steal work when they have none; chunks
// this small are done before anyone steals. Offering every worker a share
// does not mean each one takes it. Which worker runs a task is tokio's
// choice, and that must not change the answer either.
//
// What to do: run the tests. At 1 worker the total comes out right; at 2
// and 4 it does not, and the message shows how the answer moved with the
// worker count. Every count is compared with the run at 2 workers, so even
// the test at 1 worker fails while the answer moves. Fix the function so
// that it gives 500500 at every count.

/// The numbers to add up: 1 + 2 + ... + LAST.
pub const LAST: u64 = 1000;

/// One share of the work: first + (first + 1) + ... + last.
#[barista::task]
async fn sum_chunk(first: u64, last: u64) -> u64 {
    (first..=last).sum()
}

/// Adds up 1..=LAST, one chunk per worker, each chunk in a task of its own.
pub async fn sum_to_1000() -> u64 {
    let chunks = barista::workers() as u64;
    let size = LAST.div_ceil(chunks);
    let tasks: Vec<_> = (0..chunks)
        .map(|chunk| {
            let first = chunk * size + 1;
            let last = (first + size - 1).min(LAST);
            barista::spawn(sum_chunk(first, last))
        })
        .collect();
    let mut sums = Vec::with_capacity(tasks.len());
    for task in tasks {
        sums.push(task.await.unwrap());
    }
    // TODO: this is the answer only when there is a single chunk, that is on
    // one worker. Return the sum of the whole range.
    sums[0]
}
