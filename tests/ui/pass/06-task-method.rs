// #[barista::task] on inherent methods, sync and async, with and without
// `self`; with `twin`, the twins are methods too.

struct Cafe {
    orders: Vec<String>,
}

impl Cafe {
    #[barista::task(twin)]
    fn new() -> Self {
        Cafe { orders: Vec::new() }
    }

    #[barista::task(twin)]
    fn take(&mut self, order: &str) -> usize {
        self.orders.push(order.to_owned());
        self.orders.len()
    }

    #[barista::task(preempt, name = "serve all", twin)]
    pub async fn serve(&self) -> usize {
        let mut served = 0;
        for _order in &self.orders {
            served += 1;
        }
        served
    }
}

fn main() {
    let mut cafe = Cafe::new();
    let _ = Cafe::new_plain();
    assert_eq!(cafe.take("latte"), 1);
    assert_eq!(cafe.take_plain("mocha"), 2);
    let _ = cafe.serve();
    let _ = cafe.serve_plain();
}
