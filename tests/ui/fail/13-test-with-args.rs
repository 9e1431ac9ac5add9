#[barista::test]
async fn serves(orders: u32) {
    let _ = orders;
}

fn main() {}
