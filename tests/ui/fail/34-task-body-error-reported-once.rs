// With `twin`, the body is written once but compiled twice (the task and
// its twin): a
// mistake in it is still reported once.

#[barista::task(twin)]
async fn brew() -> u32 {
    "three"
}

fn main() {
    let _ = brew();
}
