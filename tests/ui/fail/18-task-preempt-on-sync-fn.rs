#[barista::task(preempt)]
fn grind() {
    for _ in 0..3 {}
}

fn main() {
    grind();
}
