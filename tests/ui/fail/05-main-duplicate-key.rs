#[barista::main(workers = 2, timeline, workers = 4)]
async fn main() {}
