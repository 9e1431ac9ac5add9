#[barista::main(timeline = 3, summary = true)]
async fn main() {}
