// A worker is a thread: 100000 of them is a typo, not a plan.

#[barista::main(workers = 100000)]
async fn main() {}
