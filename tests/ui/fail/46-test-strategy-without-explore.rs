// `strategy` alone explores nothing.

#[barista::test(workers = 1, strategy = "random")]
async fn deposits() {}

fn main() {}
