// The smallest #[barista::main]: an `async fn main` with defaults.

#[barista::main]
async fn main() {}
