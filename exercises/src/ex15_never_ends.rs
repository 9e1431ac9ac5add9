// Exercise 15 · A task that never ends
//
// Races are the first failure mode of concurrent code; tasks that wait for
// something that never comes are the second. In Go, a goroutine blocked for
// good on a channel is a leak: nothing will ever wake it, and it holds its
// memory until the program exits. Rust has the same hazard, and neither the
// compiler nor the runtime will point at it: the program just stops moving.
//
// `serve` below hands each order to a barista task. Every barista gets its
// own clone of the `sender` half of one channel and sends back the drink it
// made. The counter collects drinks with
// `while let Some(drink) = drinks.recv().await`, a loop that ends when
// `recv` returns `None`, and tokio's `recv` returns `None` only once the
// channel is empty AND every sender is gone. The baristas' clones are
// dropped as each barista task returns, but the original `sender` is still
// alive, in `serve` itself. So after the last drink, the counter waits for
// one more message that only it could send: it waits on itself, forever.
// (In exercise 5 the only sender was the one doing the sending; here the
// one sender nobody uses is kept alive by the receiving side.)
//
// In the timeline of a run that never ends: the counter (main, `*`) waits
// ('-' in its lane) after the last drink, for a message that cannot come
// while a sender is still alive.
//
// What to do: let the channel close once every barista is done. The tests
// serve a few orders at 1, 2 and 4 workers, and give up after 1.5 s, which
// is how this bug shows: not an error, a program that never ends.

use tokio::sync::mpsc;

/// One barista makes one drink and hands it to the counter.
#[barista::task]
pub async fn make_drink(order: &'static str, counter: mpsc::Sender<String>) {
    let drink = format!("{order}, ready");
    // The counter keeps receiving until the channel closes, so it is there.
    counter.send(drink).await.unwrap();
}

/// Serves every order, one barista task each; returns the drinks, sorted
/// (the order they come back in changes from run to run).
pub async fn serve(orders: &[&'static str]) -> Vec<String> {
    let (sender, mut drinks) = mpsc::channel(orders.len().max(1));
    for &order in orders {
        barista::spawn(make_drink(order, sender.clone()));
    }
    // TODO: the loop below must end once the last barista is done. It ends
    // only when the channel closes, that is when no sender is left: count
    // the senders that are alive at this point.
    let mut ready = Vec::new();
    while let Some(drink) = drinks.recv().await {
        ready.push(drink);
    }
    ready.sort();
    ready
}
