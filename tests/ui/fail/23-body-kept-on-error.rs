// The attribute is wrong, but the function is still emitted: the type error
// in its body is reported too, instead of being hidden until the attribute
// is fixed.

#[barista::main(workers = 0)]
async fn main() {
    let cups: u32 = "three";
    let _ = cups;
}
