// Schedules replay exactly only at one worker: `explore` needs 1 listed.

#[barista::test(workers = [2, 4], explore = 100)]
async fn deposits() {}

fn main() {}
