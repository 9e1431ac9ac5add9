//! `#[barista::test(verdict = f)]`: each generated test calls `f` with its
//! own name before the body runs and drops what it returns when it ends;
//! the grader's record of finished tests is built on it.

use std::sync::Mutex;

/// Names of the generated tests that got to their end without panicking.
static FINISHED: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

struct Finished(&'static str);

impl Drop for Finished {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            FINISHED.lock().unwrap().push(self.0);
        }
    }
}

fn started(name: &'static str) -> Finished {
    Finished(name)
}

fn finished(name: &str) -> bool {
    FINISHED.lock().unwrap().contains(&name)
}

#[barista::test(workers = [1, 2], verdict = started)]
async fn returns() {
    barista::record("answer", 42);
}

#[barista::test(workers = [1], verdict = started)]
#[should_panic(expected = "spilled")]
async fn panics() {
    panic!("spilled");
}

#[test]
fn a_test_that_returns_is_recorded_under_its_own_name() {
    returns::workers_1();
    returns::workers_2();
    assert!(finished("verdict::returns::workers_1"), "{FINISHED:?}");
    assert!(finished("verdict::returns::workers_2"), "{FINISHED:?}");
}

#[test]
fn a_test_that_panics_is_not_recorded() {
    let outcome = std::panic::catch_unwind(panics::workers_1);
    assert!(outcome.is_err());
    assert!(!finished("verdict::panics::workers_1"), "{FINISHED:?}");
}
