#[barista::main(workers = 4, start_paused = true)]
async fn main() {}
