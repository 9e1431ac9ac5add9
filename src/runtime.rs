//! Runs a program on tokio under a worker limit, recording a trace.

use std::any::Any;
use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{Config, Error};
use crate::recorder::{self, RunState};
use crate::task::Traced;
use crate::trace::Trace;

/// The output of a run and what it recorded.
#[derive(Debug)]
pub struct Run<T> {
    /// What `main` returned.
    pub output: T,
    /// Which task ran on which worker, and when.
    pub trace: Trace,
}

/// Runs `main` as a task named `main` on a tokio runtime with exactly the
/// configured number of workers: 1 is tokio's current-thread runtime
/// (interleaved, never parallel), N > 1 its multi-thread runtime with N
/// workers. `main` itself runs on a worker, so everything it spawns stays
/// within the limit.
///
/// A panic in `main` is resumed here, after the runtime has shut down.
pub fn run<F>(config: Config, main: F) -> Result<Run<F::Output>, Error>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (outcome, trace) = run_catching(&config, main)?;
    match outcome {
        Ok(output) => Ok(Run { output, trace }),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

pub(crate) type Panic = Box<dyn Any + Send + 'static>;

/// A panic's message, from its payload (a `&str` or a `String`, as
/// `panic!` makes them).
pub(crate) fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "(a panic without a message)".into()
    }
}

type Ran<T> = Result<(Result<T, Panic>, Trace), Error>;

/// Where every run of this process writes its timeline, one file per calling
/// thread (a test's name under `cargo test`): how `cargo xtask` shows the
/// learner what their last run did.
pub use crate::env::TIMELINE_DIR_ENV;

/// Like [`run`], but hands back `main`'s panic with the trace.
pub(crate) fn run_catching<F>(config: &Config, main: F) -> Ran<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let ran = run_limited(config, main);
    if let Ok((_, trace)) = &ran {
        save_timeline(trace);
    }
    ran
}

/// Like [`run_catching`], but leaves the timeline unsaved: one run of many,
/// whose caller saves the one that matters.
pub(crate) fn run_unsaved<F>(config: &Config, main: F) -> Ran<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    run_limited(config, main)
}

/// Saves `trace`'s timeline where `BARISTA_TIMELINE_DIR` asks.
pub(crate) fn save_timeline(trace: &Trace) {
    let Some(dir) = crate::env::timeline_dir() else {
        return;
    };
    let caller = std::thread::current();
    let name = timeline_file_stem(caller.name().unwrap_or("run"));
    // Written whole, then renamed: a reader never sees half a timeline.
    let path = dir.join(format!("{name}.txt"));
    let partial = dir.join(format!(".{name}.partial"));
    if std::fs::write(&partial, trace.timeline().to_string()).is_ok() {
        let _ = std::fs::rename(partial, path);
    }
}

/// The file name (without `.txt`) under which a run called from the thread
/// named `thread` saves its timeline in `BARISTA_TIMELINE_DIR`.
pub fn timeline_file_stem(thread: &str) -> String {
    thread
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

fn run_limited<F>(config: &Config, main: F) -> Ran<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let Some(limit) = config.timeout else {
        return run_here(config, main, None);
    };
    let workers = config.resolve_workers()?;
    // The run gets a thread of its own, so that this one can stop waiting
    // even when the run's only worker is blocked for good.
    let (done, outcome) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel();
    let config = config.clone();
    std::thread::Builder::new()
        .name("barista-run".into())
        .spawn(move || {
            let _ = done.send(run_here(&config, main, Some(stopped)));
        })
        .map_err(|err| Error::Runtime(err.to_string()))?;
    match outcome.recv_timeout(limit) {
        Ok(ran) => ran,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            // Tasks that wait on each other for good (a deadlock) are
            // dropped and their thread ends; one spinning without a yield
            // cannot be reached, and is left behind.
            let _ = stop.send(());
            Err(Error::TimedOut {
                after: limit,
                workers,
            })
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            Err(Error::Runtime("the run's thread died".into()))
        }
    }
}

/// `stopped`: when it fires (the caller gave up), `main` is abandoned.
fn run_here<F>(
    config: &Config,
    main: F,
    stopped: Option<tokio::sync::oneshot::Receiver<()>>,
) -> Ran<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if config.quiet_main_panic {
        install_panic_filter();
    }
    let workers = config.resolve_workers()?;
    let state = RunState::new(config, workers);
    let mut builder = if workers == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(workers);
        builder
    };
    let attach = state.clone();
    builder
        .enable_time()
        .start_paused(config.start_paused)
        .thread_name("barista-worker")
        .on_thread_start(move || recorder::attach(&attach))
        .on_thread_park(recorder::parking)
        .on_thread_stop(recorder::detach);
    let runtime = builder
        .build()
        .map_err(|err| Error::Runtime(err.to_string()))?;

    // On one worker the calling thread is the worker.
    if workers == 1 {
        recorder::attach(&state);
    }
    let handle = if state.trace {
        let at = state.stamp();
        let handle = runtime.spawn(Traced::new(main));
        state.main_spawned(handle.id(), at);
        handle
    } else {
        runtime.spawn(main)
    };
    let outcome = runtime
        .block_on(until_stopped(handle, stopped))
        .map_err(|err| {
            if err.is_panic() {
                err.into_panic()
            } else {
                Box::new("main was cancelled") as Panic
            }
        });
    // Tasks still running are dropped; a worker stuck in a loop that never
    // yields cannot be stopped, so do not wait for it forever.
    runtime.shutdown_timeout(Duration::from_secs(2));
    if workers == 1 {
        recorder::detach();
    }
    Ok((outcome, Trace::collect(&state)))
}

/// `handle`'s outcome, or `main`'s cancellation once `stopped` fires.
async fn until_stopped<T>(
    mut handle: tokio::task::JoinHandle<T>,
    mut stopped: Option<tokio::sync::oneshot::Receiver<()>>,
) -> Result<T, tokio::task::JoinError> {
    use std::future::Future as _;
    use std::pin::Pin;
    use std::task::Poll;
    std::future::poll_fn(|cx| {
        if let Poll::Ready(outcome) = Pin::new(&mut handle).poll(cx) {
            return Poll::Ready(outcome);
        }
        if let Some(stop) = &mut stopped {
            if Pin::new(stop).poll(cx).is_ready() {
                handle.abort();
                stopped = None;
            }
        }
        Poll::Pending
    })
    .await
}

fn run_state() -> Option<Arc<RunState>> {
    recorder::current_run()
}

/// The worker limit: inside a run, how many workers it has; outside, how many
/// a run started now would get. Like `runtime.GOMAXPROCS(0)`.
pub fn workers() -> usize {
    if let Some(run) = run_state() {
        return run.workers;
    }
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => handle.metrics().num_workers(),
        Err(_) => Config::new().resolve_workers().unwrap_or(1),
    }
}

/// How many tasks exist right now in the current runtime (the `main` task
/// included), whether running, waiting or ready. Like `runtime.NumGoroutine()`:
/// concurrency, not parallelism. 0 outside a runtime.
pub fn live_tasks() -> usize {
    tokio::runtime::Handle::try_current().map_or(0, |handle| handle.metrics().num_alive_tasks())
}

/// Records a result under `key` in the run's summary (the last value
/// recorded under a key wins). Does nothing outside a barista run.
pub fn record(key: impl Into<String>, value: impl Display) {
    if let Some(run) = run_state() {
        run.record_result(key.into(), value.to_string());
    }
}

/// Wraps the panic hook once, so that a `main` panic the caller reports is
/// not printed twice; every other panic prints as before.
fn install_panic_filter() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let message = || {
                let payload = panic_message(info.payload());
                match info.location() {
                    Some(at) => format!("{payload} (at {}:{})", at.file(), at.line()),
                    None => payload,
                }
            };
            if !recorder::panic_is_reported_elsewhere(message) {
                previous(info);
            }
        }));
    });
}
