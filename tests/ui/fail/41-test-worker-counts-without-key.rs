#[barista::test(4)]
async fn one_count() {}

#[barista::test([1, 2], repeat = 3)]
async fn a_list() {}

fn main() {}
