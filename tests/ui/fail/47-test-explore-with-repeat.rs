// `explore = N` already says how many runs: `repeat` beside it would be
// ignored at one worker.

#[barista::test(workers = [1, 2], explore = 100, repeat = 5)]
async fn deposits() {}

fn main() {}
