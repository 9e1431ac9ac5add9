#[barista::task(preempt, label = "brew")]
async fn brew() {}

fn main() {
    let _ = brew();
}
