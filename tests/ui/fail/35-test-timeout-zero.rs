#[barista::test(timeout_ms = 0)]
async fn serves() {}

fn main() {}
