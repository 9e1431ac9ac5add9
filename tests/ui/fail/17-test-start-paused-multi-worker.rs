// Without `workers`, the test runs at 1, 2 and 4 workers: too many to pause time.

#[barista::test(start_paused = true)]
async fn serves() {}

fn main() {}
