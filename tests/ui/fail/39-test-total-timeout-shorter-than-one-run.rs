// `timeout_ms` limits each run, `total_timeout_ms` all the runs at one worker
// count together: the total cannot be the shorter.

#[barista::test(repeat = 20, timeout_ms = 5000, total_timeout_ms = 1000)]
async fn serves() {}

fn main() {}
