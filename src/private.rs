//! What the attribute macros expand to. Not a public API: names here may
//! change in any release. Everything the macros need lives in this one
//! module so the expansion stays small and the macro crate knows nothing of
//! barista's internals.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

pub use tokio::task::yield_now;

use crate::config::Config;
use crate::runtime::{run_catching, Panic};
use crate::trace::Trace;

/// Options written in `#[barista::main(...)]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct MainOptions {
    pub workers: Option<usize>,
    pub timeline: bool,
    pub summary: bool,
    pub trace: bool,
    pub start_paused: bool,
    pub chrome_trace: Option<&'static str>,
}

/// Runs `main` under the worker limit and prints the reports asked for. A bad
/// configuration (say `BARISTA_WORKERS=two`) ends the process with a one-line
/// error and exit status 2, not a backtrace.
pub fn main_entry<F, T>(options: MainOptions, main: F) -> T
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let mut config = Config::new()
        .trace(options.trace || options.timeline || options.summary)
        .start_paused(options.start_paused);
    if let Some(workers) = options.workers {
        config = config.workers(workers);
    }
    let (outcome, trace) = match run_catching(&config, main) {
        Ok(ran) => ran,
        Err(err) => {
            eprintln!("error: {err}");
            std::process::exit(2);
        }
    };
    report(&options, &trace);
    match outcome {
        Ok(output) => output,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

fn report(options: &MainOptions, trace: &Trace) {
    if options.timeline {
        println!();
        trace.timeline().print();
    }
    if options.summary {
        println!();
        print!("{}", trace.summary());
    }
    if let Some(path) = options.chrome_trace {
        match trace.write_chrome_trace(path) {
            Ok(()) => {
                eprintln!("barista: wrote the Chrome trace to {path} (open it in ui.perfetto.dev)")
            }
            Err(err) => eprintln!("barista: could not write the Chrome trace to {path}: {err}"),
        }
    }
}

/// A boxed body future, as `#[barista::test]` hands it over.
pub type TestBody = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// One `#[barista::test]`: a static the generated `#[test]` functions share.
pub struct TestCase {
    pub name: &'static str,
    pub workers: &'static [usize],
    pub repeat: u32,
    pub seed: Option<u64>,
    pub start_paused: bool,
    /// Each run's time limit, in milliseconds.
    pub timeout_ms: u64,
    /// Compare only recorded results, not task counts, across worker counts.
    pub results_only: bool,
    pub body: fn() -> TestBody,
    /// The summary at the first listed worker count, shared by the generated tests.
    pub baseline: Baseline,
}

/// The reference summary of a [`TestCase`]: its body at the first listed
/// worker count, without shuffling. Computed once per test process by
/// whichever generated test needs it first.
pub struct Baseline(OnceLock<Result<String, String>>);

impl Baseline {
    pub const fn new() -> Self {
        Baseline(OnceLock::new())
    }
}

impl Default for Baseline {
    fn default() -> Self {
        Self::new()
    }
}

impl TestCase {
    fn config(&self, workers: usize, seed: Option<u64>) -> Config {
        let config = Config::new()
            .workers(workers)
            .env_override(false)
            .start_paused(self.start_paused)
            .timeout(std::time::Duration::from_millis(self.timeout_ms))
            .quiet_main_panic();
        match seed {
            Some(seed) => config.seed(seed),
            None => config,
        }
    }

    /// One run of the body; `Err` carries the panic message.
    fn run_once(&self, workers: usize, seed: Option<u64>) -> Result<String, String> {
        let config = self.config(workers, seed);
        match run_catching(&config, (self.body)()) {
            Ok((Ok(()), trace)) => {
                let summary = trace.summary();
                Ok(if self.results_only {
                    summary.results_to_string()
                } else {
                    summary.to_string()
                })
            }
            Ok((Err(panic), _)) => Err(panic_message(&panic)),
            Err(err) => Err(err.to_string()),
        }
    }

    fn baseline(&self) -> &Result<String, String> {
        self.baseline
            .0
            .get_or_init(|| self.run_once(self.workers[0], None))
    }
}

/// Runs `case` at `workers`, `repeat` times (seeds `seed`, `seed + 1`, ...),
/// and fails unless every run returns and its summary equals the baseline's.
#[track_caller]
pub fn run_test_case(case: &'static TestCase, workers: usize) {
    let seed_env = seed_from_env();
    let first_seed = match seed_env.map(str::parse::<u64>) {
        Some(Ok(seed)) => Some(seed),
        Some(Err(_)) => panic!(
            "{SEED_ENV} must be a whole number, got {:?}",
            seed_env.unwrap_or_default()
        ),
        None => case.seed,
    };
    for round in 0..case.repeat.max(1) {
        let seed = first_seed.map(|s| s.wrapping_add(u64::from(round)));
        let at = describe(workers, seed);
        let summary = match case.run_once(workers, seed) {
            Ok(summary) => summary,
            Err(message) => panic!(
                "{} failed {at}{}:\n{message}{}",
                case.name,
                round_note(round, case.repeat),
                reproduce(seed)
            ),
        };
        let expected = match case.baseline() {
            Ok(expected) => expected,
            Err(message) => panic!(
                "{} failed at its baseline, {}:\n{message}",
                case.name,
                plural_workers(case.workers[0])
            ),
        };
        if let Some(diff) = compare(expected, case.workers[0], &summary, workers, seed) {
            panic!("{}: {diff}{}", case.name, reproduce(seed));
        }
    }
}

/// Overrides the `seed` of every `#[barista::test]`, to reproduce a failure.
pub const SEED_ENV: &str = "BARISTA_SEED";

/// `BARISTA_SEED` as the process found it: read once, so that code under
/// test cannot pick the schedules it is tested on with `std::env::set_var`.
fn seed_from_env() -> Option<&'static str> {
    static SEED: OnceLock<Option<String>> = OnceLock::new();
    SEED.get_or_init(|| std::env::var(SEED_ENV).ok()).as_deref()
}

/// Reads now, once and for the rest of the process, the environment that
/// `#[barista::test]` depends on. A grader calls it before any code under
/// test runs.
pub fn settle_environment() {
    seed_from_env();
}

fn plural_workers(n: usize) -> String {
    if n == 1 {
        "1 worker".into()
    } else {
        format!("{n} workers")
    }
}

fn describe(workers: usize, seed: Option<u64>) -> String {
    match seed {
        Some(seed) => format!("at {} with seed {seed}", plural_workers(workers)),
        None => format!("at {}", plural_workers(workers)),
    }
}

fn round_note(round: u32, repeat: u32) -> String {
    if repeat > 1 {
        format!(" (repetition {} of {repeat})", round + 1)
    } else {
        String::new()
    }
}

fn reproduce(seed: Option<u64>) -> String {
    match seed {
        Some(seed) => {
            format!("\nreproduce with {SEED_ENV}={seed} (exactly reproducible at 1 worker)")
        }
        None => String::new(),
    }
}

/// `None` when equal; otherwise a line diff that names both worker counts.
pub fn compare(
    expected: &str,
    expected_workers: usize,
    actual: &str,
    actual_workers: usize,
    seed: Option<u64>,
) -> Option<String> {
    if expected == actual {
        return None;
    }
    let mut out = format!(
        "the summary {} differs from the summary at {} (a correct concurrent program gives the same answer at every worker count)\n",
        describe(actual_workers, seed),
        plural_workers(expected_workers),
    );
    out.push_str(&format!(
        "--- at {}\n+++ {}\n",
        plural_workers(expected_workers),
        describe(actual_workers, seed)
    ));
    for change in similar::TextDiff::from_lines(expected, actual).iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => '-',
            similar::ChangeTag::Insert => '+',
            similar::ChangeTag::Equal => ' ',
        };
        out.push(sign);
        out.push_str(change.value());
        if change.missing_newline() {
            out.push('\n');
        }
    }
    Some(out)
}

fn panic_message(panic: &Panic) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".into()
    }
}

/// Start of a `#[barista::task] async fn` body: names the task it starts and,
/// in a shuffled schedule, may let other tasks run first.
pub async fn task_point(name: &'static str) {
    if crate::recorder::task_point(name) {
        tokio::task::yield_now().await;
    }
}

/// Start of a `#[barista::task] fn` body: names the task it starts.
pub fn sync_task_point(name: &'static str) {
    // A sync function cannot yield, so a shuffle decision here is ignored.
    let _ = crate::recorder::task_point(name);
}
