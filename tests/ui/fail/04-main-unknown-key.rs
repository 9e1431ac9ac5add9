// A typo gets a suggestion; tokio's `flavor` gets the list of keys.

#[barista::main(worker = 2, flavor = "multi_thread")]
async fn main() {}
