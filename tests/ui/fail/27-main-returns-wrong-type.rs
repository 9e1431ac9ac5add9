// The body's value is main's value: the mismatch is reported in the body.

#[barista::main]
async fn main() -> Result<(), String> {
    let _ = 1;
    42
}
