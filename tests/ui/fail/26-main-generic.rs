#[barista::main]
async unsafe fn main<T: Default>() {}
