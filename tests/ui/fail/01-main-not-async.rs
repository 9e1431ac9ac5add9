#[barista::main]
fn main() {}
