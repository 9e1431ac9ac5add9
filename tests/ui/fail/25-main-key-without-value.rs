#[barista::main(workers, trace)]
async fn main() {}
