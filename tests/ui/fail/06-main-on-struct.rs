#[barista::main]
struct Cafe {
    orders: u32,
}

fn main() {
    let _ = Cafe { orders: 0 }.orders;
}
