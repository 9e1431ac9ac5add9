#[barista::task]
struct Order;

fn main() {
    let _ = Order;
}
