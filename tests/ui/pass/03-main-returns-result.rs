// The return type stays: `?` in the body works, and main's value is what the
// body returns.

use std::num::ParseIntError;

#[barista::main(workers = 2)]
async fn main() -> Result<(), ParseIntError> {
    let n: u32 = "7".parse()?;
    if n == 0 {
        return Ok(());
    }
    assert_eq!(n, 7);
    Ok(())
}
