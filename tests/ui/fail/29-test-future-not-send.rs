// Workers are threads: a value held across an `.await` must be `Send`.

use std::rc::Rc;

#[barista::test]
async fn serves() {
    let order = Rc::new("latte");
    async {}.await;
    let _ = order;
}

fn main() {}
