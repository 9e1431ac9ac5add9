#[barista::test(workers = [])]
async fn serves() {}

fn main() {}
