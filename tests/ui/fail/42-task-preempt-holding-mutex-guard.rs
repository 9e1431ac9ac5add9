// `preempt` awaits at the top of every loop iteration: a `std::sync`
// guard held across the loop is then held across an `.await`, and the task's
// future is not `Send`. The error says the await came from `preempt`.

use std::sync::Mutex;

static ORDERS: Mutex<Vec<u32>> = Mutex::new(Vec::new());

#[barista::task(preempt)]
async fn serve() {
    let orders = ORDERS.lock().unwrap();
    for order in orders.iter() {
        let _ = order;
    }
}

#[barista::main]
async fn main() {
    barista::spawn(serve()).await.unwrap();
}
