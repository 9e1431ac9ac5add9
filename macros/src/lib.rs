//! Attribute macros for barista: `#[barista::main]`, `#[barista::test]` and
//! `#[barista::task]`. Use them through the `barista` crate, which re-exports
//! them; the code they generate calls `::barista::__private`.
//!
//! Each entry point is thin: `parse` reads the attribute's arguments (keys
//! into a raw configuration, then the rules between keys), `item` reads and
//! checks the function, `expand` writes the code; `errors` gathers every
//! mistake. On a
//! mistake the macros still emit the function (expanded with a default
//! configuration where possible) followed by every error at once, so the
//! rest of the user's code keeps compiling and its own errors still show.

mod errors;
mod expand;
mod item;
mod parse;
mod preempt;

use proc_macro::TokenStream;

/// Runs an `async fn main` under barista's worker limit, recording what
/// the tasks do.
///
/// ```ignore
/// #[barista::main(workers = 2, timeline)]
/// async fn main() {
///     // ...
/// }
/// ```
///
/// Keys, all optional:
/// - `workers = N`: the worker limit, 1 to 1024 (`barista::MAX_WORKERS`;
///   the `BARISTA_WORKERS` environment variable overrides it at run time,
///   within the same bounds);
/// - `timeline`: print the timeline at exit;
/// - `summary`: print the summary at exit;
/// - `trace = true|false`: record the trace (on by default);
/// - `start_paused = true|false`: start with tokio's time paused (needs
///   `workers = 1`);
/// - `chrome_trace = "path.json"`: write a Chrome trace file at exit.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::main(args.into(), item.into()).into()
}

/// Turns an `async fn` into one `#[test]` per worker count, named
/// `name::workers_1`, `name::workers_2`, ...
///
/// ```ignore
/// #[barista::test(workers = [1, 2, 4], repeat = 3)]
/// async fn orders_complete() {
///     // ...
/// }
/// ```
///
/// Keys, all optional:
/// - `workers = [1, 2, 4]` (the default) or `workers = N`: the worker counts
///   to run at, each 1 to 1024, none twice;
/// - `repeat = K`: how many times to run at each worker count (default 1);
/// - `seed = S`: the random seed, to reproduce a run;
/// - `start_paused = true|false`: start with tokio's time paused (needs
///   every worker count to be 1);
/// - `timeout_ms = N`: fail a run that takes longer than N milliseconds
///   (default 60,000), instead of hanging the test suite on a deadlock;
/// - `total_timeout_ms = N`: fail when the `repeat` runs at one worker count
///   take longer than N milliseconds together (default 600,000, ten minutes,
///   or `timeout_ms` if that is longer), so that `repeat` cannot multiply a
///   slow run into hours. Each run gets `timeout_ms` or what is left of the
///   total, whichever is less; N cannot be less than `timeout_ms`. Both
///   count real time: paused time's sleeps take none;
/// - `compare = "results"`: compare only what the body `barista::record`s
///   across worker counts, not task counts (for programs that spawn one
///   task per worker). The default, `"summary"`, compares both;
/// - `verdict = function` (a name in scope, or a path such as
///   `crate::grading::started`): each generated test first calls the
///   function with its own name (`module::test::workers_N`) and keeps what
///   it returns until the test ends, so its `Drop` can tell whether the test
///   got to the end (`std::thread::panicking()`). `cargo xtask grade` uses it
///   to learn which tests finished without trusting the test's output.
///
/// `#[should_panic]`, `#[ignore]` and `#[cfg]` written on the function apply
/// to every generated test.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::test(args.into(), item.into()).into()
}

/// Instruments a `fn` or `async fn` as a task, in place: a free function,
/// a method, or a method of a trait impl. With `twin`, also keeps an
/// uninstrumented twin, `name_plain`, to compare against.
///
/// ```ignore
/// #[barista::task(preempt)]
/// async fn take_order(order: Order) {
///     for step in order.steps() {
///         step.run();
///     }
/// }
/// ```
///
/// Keys, all optional:
/// - `name = "..."`: the task's name in reports (default: the function's);
/// - `preempt` (`async fn` only): yield at the top of every loop iteration,
///   as Go's scheduler would preempt a long-running goroutine. A
///   `std::sync::MutexGuard` held across such a loop is then held across an
///   `.await`; the compiler's "future is not `Send`" error points at
///   `preempt` and names the macro `yield_inserted_by_preempt`;
/// - `twin`: also generate `name_plain`, the same function uninstrumented,
///   to compare cost and behaviour. Not in a trait impl, which can hold
///   only the trait's methods.
#[proc_macro_attribute]
pub fn task(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::task(args.into(), item.into()).into()
}
