// A number alone is not a key: the message names the key that takes it.

#[barista::main(4)]
async fn main() {}
