#[barista::task(name = "")]
async fn brew() {}

fn main() {
    let _ = brew();
}
