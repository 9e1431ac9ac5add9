#[barista::test]
fn serves() {}

fn main() {}
