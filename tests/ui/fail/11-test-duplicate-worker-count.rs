#[barista::test(workers = [1, 2, 4, 2])]
async fn serves() {}

fn main() {}
