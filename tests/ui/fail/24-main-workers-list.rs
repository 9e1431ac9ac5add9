// A list of worker counts is a test matrix: #[barista::main] runs once.

#[barista::main(workers = [1, 2])]
async fn main() {}
