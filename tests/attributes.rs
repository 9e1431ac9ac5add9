//! The attribute macros at run time: what `#[barista::task]`,
//! `#[barista::test]` and `#[barista::main]` do once they compile.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use barista::{Config, Group, Trace};

fn at(workers: usize) -> Config {
    Config::new().workers(workers).env_override(false)
}

fn names_in_poll_order(trace: &Trace) -> Vec<&'static str> {
    trace
        .polls()
        .iter()
        .map(|p| trace.task(p.task).unwrap().name)
        .filter(|name| *name != "main")
        .collect()
}

#[barista::task(twin)]
async fn brew(shots: u32) -> u32 {
    shots * 2
}

#[barista::task(name = "grind beans", twin)]
fn grind(grams: u32) -> u32 {
    grams + 1
}

#[test]
fn a_spawned_task_takes_its_function_name() {
    let run = barista::run(at(2), async {
        let a = barista::spawn(brew(3)).await.unwrap();
        let b = barista::spawn(async { grind(7) }).await.unwrap();
        // The plain twins compute the same and name nothing.
        let c = barista::spawn(brew_plain(3)).await.unwrap();
        assert_eq!(grind_plain(7), b);
        (a, b, c)
    })
    .unwrap();
    assert_eq!(run.output, (6, 8, 6));
    let by_name = run.trace.summary().by_name;
    assert_eq!(by_name["brew"], 1);
    assert_eq!(by_name["grind beans"], 1);
    assert_eq!(by_name[barista::UNNAMED], 1, "{by_name:?}");
}

#[test]
fn a_task_function_awaited_later_does_not_rename_its_task() {
    let run = barista::run(at(1), async {
        barista::spawn_named("barista", async {
            tokio::task::yield_now().await;
            brew(1).await
        })
        .await
        .unwrap()
    })
    .unwrap();
    assert_eq!(run.trace.summary().by_name["barista"], 1);
}

#[barista::task]
async fn steam() -> u32 {
    tokio::task::yield_now().await;
    5
}

#[test]
fn an_unnamed_task_takes_the_name_of_the_first_task_function_it_runs() {
    // The first may start in a later poll (spawn's doc: "the first
    // `#[barista::task]` function it runs"), and on another worker than
    // the task's first poll; the ones after it do not rename the task.
    for workers in [1, 2, 4] {
        let run = barista::run(at(workers), async {
            let tasks: Vec<_> = (0..20)
                .map(|_| {
                    barista::spawn(async {
                        tokio::task::yield_now().await;
                        steam().await + brew(1).await
                    })
                })
                .collect();
            let mut total = 0;
            for task in tasks {
                total += task.await.unwrap();
            }
            total
        })
        .unwrap();
        assert_eq!(run.output, 20 * 7);
        let by_name = run.trace.summary().by_name;
        assert_eq!(by_name.get("steam"), Some(&20), "{workers}: {by_name:?}");
        assert_eq!(by_name.get("brew"), None, "{workers}: {by_name:?}");
    }
}

// --- #[barista::task] in a trait impl ------------------------------------

trait Barista {
    fn grind(&self) -> u32;
    async fn pour(&self) -> u32;
}

struct Ana;

static ANA: Ana = Ana;

/// A trait impl holds only the trait's methods: plain `#[barista::task]`
/// works there, as no twin is asked for.
impl Barista for Ana {
    #[barista::task]
    fn grind(&self) -> u32 {
        1
    }

    #[barista::task(name = "pour for Ana")]
    async fn pour(&self) -> u32 {
        2
    }
}

#[test]
fn a_task_in_a_trait_impl_is_recorded_at_one_and_two_workers() {
    for workers in [1, 2] {
        let run = barista::run(at(workers), async {
            let poured = barista::spawn(ANA.pour()).await.unwrap();
            let ground = barista::spawn(async { ANA.grind() }).await.unwrap();
            (poured, ground)
        })
        .unwrap();
        assert_eq!(run.output, (2, 1));
        let by_name = run.trace.summary().by_name;
        assert_eq!(
            by_name.get("pour for Ana"),
            Some(&1),
            "{workers}: {by_name:?}"
        );
        assert_eq!(by_name.get("grind"), Some(&1), "{workers}: {by_name:?}");
    }
}

const STEPS: usize = 3;

fn spin() {
    std::hint::black_box((0..1_000).sum::<u64>());
}

#[barista::task(preempt, twin)]
async fn polite(log: Arc<Mutex<Vec<char>>>, me: char) {
    for _ in 0..STEPS {
        spin();
        log.lock().unwrap().push(me);
    }
}

#[test]
fn preempt_makes_cpu_loops_interleave_on_one_worker() {
    let run_pair = |preempt: bool| {
        barista::run(at(1), async move {
            let log = Arc::new(Mutex::new(Vec::new()));
            let group = Group::new();
            for me in ['A', 'B'] {
                if preempt {
                    group.spawn(polite(log.clone(), me));
                } else {
                    group.spawn(polite_plain(log.clone(), me));
                }
            }
            group.wait().await;
            let log = log.lock().unwrap().clone();
            log
        })
        .unwrap()
    };
    let plain = run_pair(false);
    assert_eq!(
        plain.output,
        ['A', 'A', 'A', 'B', 'B', 'B'],
        "no yield, no switch"
    );
    let preempted = run_pair(true);
    let log = &preempted.output;
    assert_eq!(log.len(), 2 * STEPS);
    let switches = log.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(
        switches >= 2,
        "expected the two loops to alternate: {log:?}"
    );
    // Each loop iteration is a separate poll of its task.
    let polls = names_in_poll_order(&preempted.trace);
    assert_eq!(
        polls.iter().filter(|n| **n == "polite").count(),
        2 * (STEPS + 1)
    );
}

/// The café with tasks joined by a group: correct at every worker count.
#[barista::task(twin)]
async fn serve(order: &'static str, done: Arc<Mutex<Vec<&'static str>>>) {
    done.lock().unwrap().push(order);
}

#[barista::test(workers = [1, 2, 4], repeat = 3)]
async fn the_cafe_gives_one_answer_at_every_worker_count() {
    let done = Arc::new(Mutex::new(Vec::new()));
    let group = Group::new();
    for order in ["take order", "pull espresso", "steam milk"] {
        group.spawn(serve(order, done.clone()));
    }
    group.wait().await;
    let mut done = done.lock().unwrap().clone();
    done.sort();
    assert_eq!(done, ["pull espresso", "steam milk", "take order"]);
    barista::record("count", done.len());
    assert!(barista::workers() >= 1);
}

#[barista::test(workers = [1], start_paused = true)]
async fn paused_time_sleeps_without_waiting() {
    let started = tokio::time::Instant::now();
    let group = Group::new();
    for _ in 0..10 {
        group.spawn(async { tokio::time::sleep(std::time::Duration::from_millis(100)).await });
    }
    group.wait().await;
    // Ten overlapping 100 ms waits take 100 ms of (virtual) time, not 1 s.
    assert_eq!(started.elapsed().as_millis(), 100);
}

// --- the test runner's verdicts, checked directly -----------------------

static CALLS: AtomicU64 = AtomicU64::new(0);

fn records_its_worker_count() -> barista::__private::TestBody {
    CALLS.fetch_add(1, Ordering::Relaxed);
    Box::pin(async { barista::record("workers", barista::workers()) })
}

static WORKER_DEPENDENT: barista::__private::TestCase = barista::__private::TestCase {
    name: "worker_dependent",
    workers: &[1, 2],
    repeat: 1,
    seed: None,
    start_paused: false,
    timeout_ms: 10_000,
    total_timeout_ms: 60_000,
    results_only: false,
    explore: None,
    package: "barista",
    body: records_its_worker_count,
    baseline: barista::__private::Baseline::new(),
};

fn panic_message(result: std::thread::Result<()>) -> String {
    let panic = result.expect_err("the test case should have failed");
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap()
}

#[test]
fn a_worker_dependent_answer_fails_with_a_diff_naming_both_counts() {
    // At its own baseline count the case agrees with itself...
    barista::__private::run_test_case(&WORKER_DEPENDENT, 1);
    // ...and at 2 workers it does not.
    let message = panic_message(catch_unwind(AssertUnwindSafe(|| {
        barista::__private::run_test_case(&WORKER_DEPENDENT, 2)
    })));
    assert!(
        message.contains("the summary at 2 workers differs from the summary at 1 worker"),
        "{message}"
    );
    assert!(message.contains("-  workers = 1"), "{message}");
    assert!(message.contains("+  workers = 2"), "{message}");
}

fn lost_update() -> barista::__private::TestBody {
    Box::pin(async {
        let balance = Arc::new(Mutex::new(0));
        let group = Group::new();
        for _ in 0..20 {
            let balance = balance.clone();
            group.spawn(async move {
                let read = *balance.lock().unwrap();
                barista::__private::task_point("deposit").await;
                *balance.lock().unwrap() = read + 1;
            });
        }
        group.wait().await;
        let total = *balance.lock().unwrap();
        assert_eq!(total, 20, "updates were lost");
    })
}

static RACY: barista::__private::TestCase = barista::__private::TestCase {
    name: "racy",
    workers: &[1],
    repeat: 10,
    seed: Some(0),
    start_paused: false,
    timeout_ms: 10_000,
    total_timeout_ms: 60_000,
    results_only: false,
    explore: None,
    package: "barista",
    body: lost_update,
    baseline: barista::__private::Baseline::new(),
};

#[test]
fn a_shuffled_schedule_failure_names_the_seed() {
    let message = panic_message(catch_unwind(AssertUnwindSafe(|| {
        barista::__private::run_test_case(&RACY, 1)
    })));
    assert!(
        message.contains("racy failed at 1 worker with seed "),
        "{message}"
    );
    assert!(message.contains("updates were lost"), "{message}");
    assert!(
        message.contains("reproduce with BARISTA_SEED="),
        "{message}"
    );
}

// --- #[barista::main] in a child process ----------------------------------

#[barista::main(workers = 2, timeline, summary)]
async fn child_main() {
    println!("ran on {} workers", barista::workers());
}

/// Runs `child_main` in a copy of this test binary with `workers` in the
/// environment.
fn run_child(workers: &str) -> std::process::Output {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "main_child_process", "--ignored", "--nocapture"])
        .env("BARISTA_TEST_CHILD", "1")
        .env(barista::WORKERS_ENV, workers)
        .output()
        .unwrap()
}

#[test]
#[ignore = "the child process of the tests below; they run it"]
fn main_child_process() {
    if std::env::var_os("BARISTA_TEST_CHILD").is_some() {
        child_main();
    }
}

#[test]
fn the_environment_overrides_the_worker_limit_in_code() {
    let out = run_child("3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("ran on 3 workers"), "{stdout}");
    // The reports asked for in the attribute, printed at exit.
    assert!(stdout.contains("timeline: 1 task on 3 workers"), "{stdout}");
    assert!(
        stdout.contains("observed parallelism: 1 of 3 workers"),
        "{stdout}"
    );
    assert!(
        stdout.contains("tasks: 1 spawned, 1 returned, 0 panicked, 0 unfinished"),
        "{stdout}"
    );
}

#[test]
fn a_bad_worker_limit_is_a_one_line_error_with_exit_status_2() {
    for bad in ["0", "-1", "two", "", "100000"] {
        let out = run_child(bad);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "error: BARISTA_WORKERS sets the worker limit to {bad:?}"
            )),
            "{stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

// --- time limits ---------------------------------------------------------

/// Two tasks that each block their worker until both have arrived: fine on
/// two workers, a deadlock on one (the second task can never start).
async fn blocking_handshake() {
    let arrived = std::sync::Arc::new(std::sync::Barrier::new(2));
    let tasks: Vec<_> = (0..2)
        .map(|_| {
            let arrived = arrived.clone();
            barista::spawn(async move {
                arrived.wait(); // a blocking wait inside async code
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

#[test]
fn a_deadlocked_run_times_out_cleanly() {
    let limit = std::time::Duration::from_millis(300);
    let two = barista::run(
        at(2).timeout(std::time::Duration::from_secs(30)),
        blocking_handshake(),
    );
    assert!(
        two.is_ok(),
        "two workers: the other task runs beside the blocked one"
    );
    let err = barista::run(at(1).timeout(limit), blocking_handshake()).unwrap_err();
    assert_eq!(
        err,
        barista::Error::TimedOut {
            after: limit,
            workers: 1
        }
    );
    assert_eq!(
        err.to_string(),
        "did not finish in 0.3 s at 1 worker: likely a deadlock or a task that never yields"
    );
}

fn deadlocked() -> barista::__private::TestBody {
    Box::pin(blocking_handshake())
}

/// Each run may take 10 s, all three together 0.3 s.
static SLOW_REPEATS: barista::__private::TestCase = barista::__private::TestCase {
    name: "slow_repeats",
    workers: &[1],
    repeat: 3,
    seed: None,
    start_paused: false,
    timeout_ms: 10_000,
    total_timeout_ms: 300,
    results_only: false,
    explore: None,
    package: "barista",
    body: deadlocked,
    baseline: barista::__private::Baseline::new(),
};

#[test]
fn the_runs_of_a_test_share_its_total_time_limit() {
    let message = panic_message(catch_unwind(AssertUnwindSafe(|| {
        barista::__private::run_test_case(&SLOW_REPEATS, 1)
    })));
    assert_eq!(
        message,
        "slow_repeats failed at 1 worker (repetition 1 of 3):\nthe 3 runs at 1 worker did not finish within total_timeout_ms = 300 (0.3 s) together: lower `repeat`, or raise `total_timeout_ms`"
    );
}

/// Paused time is not the time the limits count: an hour of sleeps per run
/// takes no time at all.
#[barista::test(
    workers = [1],
    start_paused = true,
    repeat = 3,
    timeout_ms = 5_000,
    total_timeout_ms = 10_000
)]
async fn paused_sleeps_do_not_count_against_the_time_limits() {
    tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
}

#[barista::test(workers = [1])]
#[ignore = "the child process of the test below; it runs it"]
async fn failing_child() {
    if std::env::var_os("BARISTA_TEST_CHILD").is_some() {
        panic!("the milk boiled over");
    }
}

#[test]
fn a_failing_test_reports_its_panic_once_at_the_test() {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "failing_child::workers_1", "--ignored"])
        .env("BARISTA_TEST_CHILD", "1")
        .env("RUST_BACKTRACE", "0")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{text}");
    assert_eq!(text.matches("the milk boiled over").count(), 1, "{text}");
    // Located at the test's attribute, not inside barista.
    assert!(text.contains("tests/attributes.rs"), "{text}");
    assert!(text.contains("failing_child failed at 1 worker"), "{text}");
}

// --- comparing results only ------------------------------------------------

/// One task per worker: task counts differ with the worker count by design,
/// the answer must not.
#[barista::test(workers = [1, 2, 4], compare = "results")]
async fn one_task_per_worker_compares_its_results_only() {
    let workers = barista::workers() as u64;
    let chunk = 1000 / workers;
    let sums: Vec<_> = (0..workers)
        .map(|i| {
            let end = if i + 1 == workers {
                1000
            } else {
                (i + 1) * chunk
            };
            barista::spawn(async move { (i * chunk + 1..=end).sum::<u64>() })
        })
        .collect();
    let mut total = 0;
    for sum in sums {
        total += sum.await.unwrap();
    }
    barista::record("total", total);
}

#[test]
fn timelines_are_saved_where_the_environment_says() {
    let dir = std::env::temp_dir().join(format!("barista-timelines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "main_child_process", "--ignored"])
        .env("BARISTA_TEST_CHILD", "1")
        .env(barista::WORKERS_ENV, "2")
        .env(barista::TIMELINE_DIR_ENV, &dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // One file per calling thread: under libtest, the test's name.
    let text = std::fs::read_to_string(dir.join("main_child_process.txt")).unwrap();
    assert!(text.starts_with("timeline: 1 task on 2 workers"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}
