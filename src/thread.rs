//! OS threads in the picture: a closure wrapped with [`traced`] and run on a
//! thread of its own (`std::thread::scope`'s `spawn`, or `std::thread::spawn`)
//! appears in the run's timeline as a lane of its own, `thread N`, beside the
//! workers. Threads are not the runtime's workers: the worker limit does not
//! bound them, and observed parallelism does not count them.

use crate::recorder;

/// Wraps `f` so that the thread that runs it records itself in the current
/// run (the run of the task that calls `traced`), as one task from the
/// closure's start to its end, named by the first `#[barista::task]`
/// function it calls (else `task`). Outside a traced run, `f` as it is.
///
/// ```
/// # barista::run(barista::Config::new().workers(1), async {
/// let mut slots = [0u64; 4];
/// std::thread::scope(|scope| {
///     for slot in slots.iter_mut() {
///         scope.spawn(barista::thread::traced(move || *slot = 1));
///     }
/// });
/// # assert_eq!(slots, [1; 4]);
/// # }).unwrap();
/// ```
pub fn traced<F, T>(f: F) -> impl FnOnce() -> T + Send
where
    F: FnOnce() -> T + Send,
{
    let run = recorder::current_run();
    let parent = recorder::current_task();
    move || {
        let Some(run) = run else { return f() };
        let Some(poll) = recorder::thread_started(&run, parent) else {
            return f();
        };
        // Ends the task however the closure ends, a panic included.
        struct Ends(Option<recorder::PollStart>);
        impl Drop for Ends {
            fn drop(&mut self) {
                if let Some(poll) = self.0.take() {
                    recorder::poll_ended(poll, Some(std::thread::panicking()));
                    recorder::detach();
                }
            }
        }
        let _ends = Ends(Some(poll));
        f()
    }
}
