// #[barista::test] compiles to the async fn plus a module of `#[test]`s, one
// per worker count. A pass case is built as a binary, without `--test`, so
// the tests themselves are not built here: this checks the rest type-checks.

/// Documented tests keep their doc comments.
#[barista::test(workers = [1, 2, 1024], repeat = 2, seed = 7, timeout_ms = 500, total_timeout_ms = 1000)]
async fn orders_complete() {
    let order = async { "latte" }.await;
    assert_eq!(order, "latte");
}

#[barista::test]
#[should_panic(expected = "spilled")]
async fn spill() {
    panic!("spilled");
}

#[barista::test(workers = 1, start_paused = true)]
#[ignore]
async fn paused() {}

#[barista::test(workers = [4])]
#[cfg(any())]
async fn never_built() {
    compile_error!("a #[cfg] that is off removes the test and its module");
}

fn main() {
    // The function is still there, under its own name.
    let _ = orders_complete();
}
