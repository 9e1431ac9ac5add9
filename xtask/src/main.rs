//! `cargo xtask`: barista's learner workflow, instructor checks, grading and
//! benchmark reports. The subcommands arrive with their issues; today it
//! points a newcomer at what already works.

use std::process::ExitCode;

const USAGE: &str = "\
barista: concurrency versus parallelism, hands-on

The guided exercises are not in this version yet. What you can do now:

  cargo run --example baristas                     the cafe, with its timeline
  BARISTA_WORKERS=1 cargo run --example baristas   one worker: interleaved
  BARISTA_WORKERS=2 cargo run --example baristas   two workers: parallel
  cargo test                                       barista's own test suite
  cargo bench --bench overhead                     what instrumentation costs
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("error: unknown xtask command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
