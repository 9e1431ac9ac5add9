// A strategy's name misspelt.

#[barista::test(workers = 1, explore = 100, strategy = "pcr")]
async fn deposits() {}

fn main() {}
