#[barista::test]
async fn serves() -> Result<(), String> {
    Ok(())
}

fn main() {}
