#[barista::test(repeat = 0)]
async fn serves() {}

fn main() {}
