// Workers are threads: a value held across an `.await` must be `Send`.

use std::rc::Rc;

#[barista::main]
async fn main() {
    let order = Rc::new("latte");
    async {}.await;
    let _ = order;
}
