#[barista::test]
#[test]
async fn serves() {}

fn main() {}
