// Every key of #[barista::main] at once. (trybuild runs the binary in its
// own directory under target/, so the trace file lands there.)

#[barista::main(
    workers = 1,
    timeline,
    summary,
    trace = true,
    start_paused = true,
    chrome_trace = "ui-02-trace.json"
)]
async fn main() {
    let answer = async { 42 }.await;
    assert_eq!(answer, 42);
}
