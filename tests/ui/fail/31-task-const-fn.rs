#[barista::task]
const fn cups() -> u32 {
    3
}

fn main() {
    let _ = cups();
}
