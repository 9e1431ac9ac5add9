#[barista::test(workers = [1, 2048])]
async fn serves() {}

fn main() {}
