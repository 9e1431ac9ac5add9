// #[barista::task] on a sync fn and on an async fn: each keeps its
// signature, and with `twin` an uninstrumented twin `NAME_plain` is
// generated.

use std::future::Future;

#[barista::task(twin)]
fn grind(grams: u32) -> u32 {
    if grams == 0 {
        return 0;
    }
    grams * 2
}

/// Pulls a shot.
#[barista::task(name = "espresso", twin)]
pub async fn pull_shot(seconds: u64) -> Result<u64, String> {
    let parsed: u64 = "25".parse().map_err(|_| String::from("bad"))?;
    Ok(seconds + parsed)
}

#[barista::task(twin)]
async fn borrow_order<'a, T: AsRef<str> + Sync>(order: &'a T) -> &'a str {
    order.as_ref()
}

fn assert_send<F: Future + Send>(f: F) -> F {
    f
}

fn main() {
    // Both versions are callable, with the same arguments and results.
    assert_eq!(grind(9), grind_plain(9));
    let _instrumented = assert_send(pull_shot(1));
    let _plain = assert_send(pull_shot_plain(1));
    let order = String::from("flat white");
    let _ = borrow_order(&order);
    let _ = borrow_order_plain(&order);
}
