// `explore = 0` would try no schedule: a test that cannot fail.

#[barista::test(workers = 1, explore = 0)]
async fn deposits() {}

fn main() {}
