#[barista::test(workers = [1], verdict = "started")]
async fn reports() {}

fn main() {}
