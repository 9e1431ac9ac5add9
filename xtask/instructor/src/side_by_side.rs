//! Work spread over a few threads, taken in the order given: the grader's
//! runs of one submission, `check`'s exercises.

use std::sync::Mutex;

/// `work` applied to every item, `at_once` items at a time, started in the
/// order given (so that the slowest can go first); the results in that
/// order.
pub(crate) fn side_by_side<T: Send, R: Send>(
    items: Vec<T>,
    at_once: usize,
    work: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let queued = Mutex::new(items.into_iter().enumerate());
    let done = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..at_once.max(1) {
            scope.spawn(|| loop {
                let Some((at, item)) = queued.lock().unwrap().next() else {
                    break;
                };
                let result = work(item);
                done.lock().unwrap().push((at, result));
            });
        }
    });
    let mut done = done.into_inner().unwrap();
    done.sort_by_key(|(at, _)| *at);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::side_by_side;

    #[test]
    fn every_item_is_worked_once_and_the_results_keep_their_order() {
        let started = std::sync::Mutex::new(Vec::new());
        let results = side_by_side((0..20).collect(), 3, |n: u32| {
            started.lock().unwrap().push(n);
            n * 10
        });
        assert_eq!(results, (0..20).map(|n| n * 10).collect::<Vec<_>>());
        let mut started = started.into_inner().unwrap();
        started.sort_unstable();
        assert_eq!(started, (0..20).collect::<Vec<_>>());
        assert!(side_by_side(Vec::<u32>::new(), 0, |n| n).is_empty());
    }
}
