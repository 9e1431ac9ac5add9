// Exercise 5 · Share memory by communicating
//
// The usual way to share a counter between tasks is to put it behind a lock
// and let everyone reach in. CSP (Hoare's Communicating Sequential
// Processes, the model Go's channels come from) turns that around: ONE task
// owns the counter, and nobody else ever touches it. Others change it only
// by sending messages ("add this much") over a channel, and the owner
// applies them one at a time. No lock, no race: the channel is the
// synchronisation. "Don't communicate by sharing memory; share memory by
// communicating."
//
// In Rust the ownership is not just a convention. `count` below is a local
// variable of the owner task; the compiler will not let any other task
// reach it. The channel is tokio's `mpsc` (many senders, one receiver),
// with room for a single message, the closest thing to Go's unbuffered
// channel. The owner's `JoinHandle` plays the part of Go's `done` channel:
// awaiting it hands back the final total.
//
// The owner reads messages with `while let Some(delta) = deltas.recv().await`.
// `recv` returns `None` only when the stream has ENDED: every sender dropped
// and every message taken. Until then, for all the owner knows, more work
// may come, so it waits. Go says this with `close(requests)`; in Rust you
// drop the last `Sender`.
//
// In the timeline: `*` (main, the sender) and `A` (the owner) take turns,
// one message each time; no other task ever touches the total. Unsolved,
// the owner's last poll never comes: it waits for a message that nobody
// will send.
//
// What to do: `share_by_communicating` sends a hundred 1s, then waits for
// the owner's total, which never comes. Tell the owner there is no more
// work. The tests expect it to return exactly what the Go program prints,
// `total: 100`, at 1, 2 and 4 workers; as shipped they stop it after 1 s.

use tokio::sync::mpsc;

/// The owner of `count`: the only task that ever reads or writes it.
#[barista::task]
async fn owner(mut deltas: mpsc::Receiver<i64>) -> i64 {
    let mut count = 0; // owned by this task alone: no lock needed
    while let Some(delta) = deltas.recv().await {
        count += delta;
    }
    // The stream has ended: no more requests can come.
    count
}

/// Adds 1 to the owner's count a hundred times, then prints the total.
pub async fn share_by_communicating() -> String {
    let (requests, deltas) = mpsc::channel(1);
    let done = barista::spawn(owner(deltas));

    // Senders never touch `count`: they ask the owner to change it.
    for _ in 1..=100 {
        requests.send(1).await.expect("the owner stopped listening");
    }
    // TODO: signal that there is no more work, or the owner keeps waiting
    // for the next request and `done` never finishes.

    let total = done.await.unwrap();
    format!("total: {total}")
}
