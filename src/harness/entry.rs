//! `#[barista::main]`: the program's `main` under the worker limit.

use std::future::Future;

use crate::config::Config;
use crate::runtime::run_catching;
use crate::trace::Trace;

/// Options written in `#[barista::main(...)]`.
#[derive(Debug, Clone, Copy, Default)]
pub struct MainOptions {
    /// `workers = N`.
    pub workers: Option<usize>,
    /// `timeline`: print the timeline at the end.
    pub timeline: bool,
    /// `summary`: print the summary at the end.
    pub summary: bool,
    /// `trace`: record a trace even with no report asked for.
    pub trace: bool,
    /// `start_paused`.
    pub start_paused: bool,
    /// `chrome_trace = "PATH"`.
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
