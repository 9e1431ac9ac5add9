//! The runtime, driven through its public API: worker limit, tasks, trace.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use barista::{Config, Group, Trace};

fn at(workers: usize) -> Config {
    Config::new().workers(workers).env_override(false)
}

/// Names of the tasks polled on `worker`, in order.
fn lane(trace: &Trace, worker: u32) -> Vec<&'static str> {
    trace
        .polls()
        .iter()
        .filter(|p| p.worker == worker)
        .map(|p| trace.task(p.task).unwrap().name)
        .collect()
}

#[test]
fn the_limit_is_what_the_code_says() {
    for n in [1, 2, 4] {
        let run = barista::run(at(n), async { barista::workers() }).unwrap();
        assert_eq!(run.output, n);
        assert_eq!(run.trace.workers(), n);
    }
}

#[test]
fn everything_runs_on_the_limited_workers() {
    for n in [1, 2, 3] {
        let run = barista::run(at(n), async {
            let handles: Vec<_> = (0..50)
                .map(|i| {
                    barista::spawn(async move {
                        tokio::task::yield_now().await;
                        std::thread::current()
                            .name()
                            .map(str::to_owned)
                            .unwrap_or_default()
                            + &i.to_string()
                    })
                })
                .collect();
            let mut names = Vec::new();
            for h in handles {
                names.push(h.await.unwrap());
            }
            names
        })
        .unwrap();
        // main included: every poll happened on one of the n workers.
        assert!(run.trace.polls().iter().all(|p| (p.worker as usize) < n));
        assert!(run.trace.observed_parallelism() <= n);
        if n > 1 {
            // Multi-worker runs use tokio's worker threads, never the caller.
            assert!(run
                .output
                .iter()
                .all(|name| name.starts_with("barista-worker")));
        }
    }
}

#[test]
fn live_tasks_counts_what_exists_now() {
    for n in [1, 2] {
        let run = barista::run(at(n), async {
            let before = barista::live_tasks();
            let gate = Arc::new(tokio::sync::Notify::new());
            let handles: Vec<_> = (0..10)
                .map(|_| {
                    let gate = gate.clone();
                    barista::spawn(async move { gate.notified().await })
                })
                .collect();
            tokio::task::yield_now().await;
            let during = barista::live_tasks();
            gate.notify_waiters();
            // Tasks not yet waiting would miss notify_waiters: wake stragglers.
            for handle in handles {
                while !handle.is_finished() {
                    gate.notify_waiters();
                    tokio::task::yield_now().await;
                }
            }
            (before, during, settle_to(1).await)
        })
        .unwrap();
        assert_eq!(run.output, (1, 11, 1), "at {n} workers");
    }
}

/// The live-task count once it has dropped to `expected` (or after many
/// yields, if it never does): a worker frees a finished task a moment after
/// its join has seen it finish, so right after a join one may still count.
async fn settle_to(expected: usize) -> usize {
    for _ in 0..100_000 {
        if barista::live_tasks() <= expected {
            break;
        }
        tokio::task::yield_now().await;
    }
    barista::live_tasks()
}

#[test]
fn outside_a_run_nothing_is_live() {
    assert_eq!(barista::live_tasks(), 0);
    assert!(barista::workers() >= 1);
}

/// Each task spins, inside one poll, until both are running: on two workers
/// that forces a real overlap without depending on timing luck.
async fn meet(arrived: Arc<AtomicUsize>) -> bool {
    arrived.fetch_add(1, Ordering::SeqCst);
    let give_up = Instant::now() + Duration::from_secs(10);
    while arrived.load(Ordering::SeqCst) < 2 {
        if Instant::now() > give_up {
            return false;
        }
        std::hint::spin_loop();
    }
    true
}

#[test]
fn two_cpu_bound_tasks_on_two_workers_run_in_parallel() {
    let run = barista::run(at(2), async {
        let arrived = Arc::new(AtomicUsize::new(0));
        let a = barista::spawn_named("A", meet(arrived.clone()));
        let b = barista::spawn_named("B", meet(arrived));
        a.await.unwrap() && b.await.unwrap()
    })
    .unwrap();
    assert!(run.output, "the two tasks never ran at the same time");
    assert_eq!(run.trace.observed_parallelism(), 2);
}

#[test]
fn one_worker_interleaves_at_every_await() {
    let run = barista::run(at(1), async {
        let step = |name| {
            barista::spawn_named(name, async {
                for _ in 0..3 {
                    tokio::task::yield_now().await;
                }
            })
        };
        let (a, b) = (step("A"), step("B"));
        a.await.unwrap();
        b.await.unwrap();
    })
    .unwrap();
    let order: Vec<_> = lane(&run.trace, 0)
        .into_iter()
        .filter(|n| *n != "main")
        .collect();
    // Each task is polled once per yield plus once to finish...
    assert_eq!(order.iter().filter(|n| **n == "A").count(), 4, "{order:?}");
    assert_eq!(order.iter().filter(|n| **n == "B").count(), 4, "{order:?}");
    // ...and each runs while the other is unfinished: interleaved.
    let first = |name| order.iter().position(|n| *n == name).unwrap();
    let last = |name| order.iter().rposition(|n| *n == name).unwrap();
    assert!(
        first("B") < last("A") && first("A") < last("B"),
        "{order:?}"
    );
    assert_eq!(run.trace.observed_parallelism(), 1);
}

#[test]
fn timestamps_are_monotonic_and_a_worker_polls_one_task_at_a_time() {
    let run = barista::run(at(2), async {
        let group = Group::new();
        for _ in 0..200 {
            group.spawn(async {
                tokio::task::yield_now().await;
            });
        }
        group.wait().await;
    })
    .unwrap();
    let trace = &run.trace;
    for worker in 0..2 {
        let polls: Vec<_> = trace
            .polls()
            .iter()
            .filter(|p| p.worker == worker)
            .collect();
        for pair in polls.windows(2) {
            assert!(pair[0].start <= pair[0].end);
            assert!(
                pair[0].end <= pair[1].start,
                "overlapping polls on worker {worker}"
            );
        }
    }
    for task in trace.tasks() {
        let end = task.ended.expect("every task finished").at;
        assert!(task.spawned_at <= end);
    }
}

/// On the real clock a poll's end is read at the worker's next poll or
/// park: every poll must still reach the trace, the last one before a
/// worker parks or stops included, with its task's end at its end.
#[test]
fn every_poll_reaches_the_trace_and_a_task_ends_with_its_last_poll() {
    for workers in [1, 2, 4] {
        let run = barista::run(at(workers), async {
            let group = Group::new();
            for _ in 0..300 {
                group.spawn(async {
                    for _ in 0..3 {
                        tokio::task::yield_now().await;
                    }
                });
            }
            group.wait().await;
        })
        .unwrap();
        let trace = &run.trace;
        let mut polls_of = std::collections::HashMap::new();
        for poll in trace.polls() {
            assert!(poll.start <= poll.end, "at {workers} workers");
            polls_of
                .entry(poll.task)
                .or_insert_with(Vec::new)
                .push(poll);
        }
        assert_eq!(trace.tasks().len(), 301, "at {workers} workers");
        for task in trace.tasks() {
            let polls = &polls_of[&task.id];
            if task.parent.is_some() {
                // Three yields: four polls, each recorded.
                assert_eq!(polls.len(), 4, "at {workers} workers");
            }
            // One task runs on one worker at a time.
            for pair in polls.windows(2) {
                assert!(pair[0].end <= pair[1].start, "at {workers} workers");
            }
            // `main`'s last poll is the last before the runtime stops.
            let first = polls.iter().map(|p| p.start).min().unwrap();
            let last = polls.iter().map(|p| p.end).max().unwrap();
            assert!(task.spawned_at <= first, "at {workers} workers");
            assert_eq!(task.ended.expect("every task finished").at, last);
        }
    }
}

#[test]
fn panics_are_counted_and_reach_the_join_handle() {
    let run = barista::run(at(2), async {
        let handle = barista::spawn_named("doomed", async { panic!("spilled the milk") });
        handle.await.unwrap_err().is_panic()
    })
    .unwrap();
    assert!(run.output);
    let summary = run.trace.summary();
    assert_eq!(
        (summary.spawned, summary.returned, summary.panicked),
        (2, 1, 1)
    );
}

#[test]
#[should_panic(expected = "main went wrong")]
fn a_panic_in_main_reaches_the_caller() {
    let _ = barista::run(at(1), async { panic!("main went wrong") });
}

#[test]
fn a_group_with_backpressure_keeps_few_tasks_alive() {
    // 100,000 here to keep the suite quick; the benchmark runs a million and
    // reports the peak memory. What makes memory bounded is checked exactly:
    // never more than LIMIT tasks of the group exist at once, and finished
    // tasks are gone (not kept for a join, as a JoinSet would).
    const LIMIT: usize = 1_000;
    for n in [1, 2] {
        let run = barista::run(at(n).trace(false), async move {
            let count = Arc::new(AtomicUsize::new(0));
            let group = Group::new();
            let (mut most_pending, mut most_alive) = (0, 0);
            for _ in 0..100_000 {
                group.wait_below(LIMIT).await;
                let count = count.clone();
                group.spawn(async move {
                    count.fetch_add(1, Ordering::Relaxed);
                });
                most_pending = most_pending.max(group.pending());
                most_alive = most_alive.max(barista::live_tasks());
            }
            group.wait().await;
            let finished = count.load(Ordering::Relaxed);
            (finished, most_pending, most_alive, settle_to(1).await)
        })
        .unwrap();
        let (finished, most_pending, most_alive, alive_at_end) = run.output;
        assert_eq!(finished, 100_000);
        assert_eq!(most_pending, LIMIT, "at {n} workers");
        // main + the group's pending tasks + at most one task per worker
        // between finishing and being freed.
        assert!(
            most_alive <= 1 + LIMIT + n,
            "{most_alive} alive at {n} workers"
        );
        assert_eq!(alive_at_end, 1, "only main is left");
    }
}

#[test]
#[should_panic(expected = "1 task(s) in the group panicked")]
fn a_group_reports_panicked_tasks() {
    let _ = barista::run(at(2), async {
        let group = Group::new();
        group.spawn(async {});
        group.spawn(async { panic!("burnt") });
        group.wait().await;
    });
}

#[test]
fn tracing_off_records_no_tasks_but_keeps_results() {
    let run = barista::run(at(2).trace(false), async {
        barista::spawn(async {}).await.unwrap();
        barista::record("answer", 42);
    })
    .unwrap();
    assert!(run.trace.tasks().is_empty());
    assert!(run.trace.polls().is_empty());
    assert_eq!(run.trace.results()["answer"], "42");
}

#[test]
fn a_full_trace_drops_polls_but_keeps_the_summary_exact() {
    let run = barista::run(at(1).max_polls(100), async {
        for _ in 0..10_000 {
            tokio::task::yield_now().await;
        }
    })
    .unwrap();
    assert!(run.trace.dropped_polls() > 0);
    assert!(run.trace.polls().len() < 10_001);
    assert_eq!(run.trace.summary().returned, 1);
}

/// The café of the reference page: three tasks, completions recorded under a
/// lock, sorted so the output is stable.
async fn cafe() {
    let done = Arc::new(Mutex::new(Vec::new()));
    let group = Group::new();
    for order in ["take order", "pull espresso", "steam milk"] {
        let done = done.clone();
        group.spawn(async move {
            tokio::task::yield_now().await;
            done.lock().unwrap().push(order);
        });
    }
    group.wait().await;
    let mut done = done.lock().unwrap().clone();
    done.sort();
    barista::record("completed (sorted)", format!("{done:?}"));
    barista::record("count", done.len());
}

#[test]
fn the_summary_is_the_same_at_every_worker_count() {
    let summaries: Vec<_> = [1, 2, 4, 1, 2, 4]
        .into_iter()
        .map(|n| barista::run(at(n), cafe()).unwrap().trace.summary())
        .collect();
    assert!(summaries.windows(2).all(|w| w[0] == w[1]));
    insta::assert_snapshot!("cafe_summary", summaries[0]);
}

#[test]
fn a_seeded_schedule_is_reproducible_and_exposes_a_lost_update() {
    // Read, cross an instrumented point, write: a lost update waiting for an
    // interleaving. In FIFO order on one worker it never shows.
    async fn deposit(balance: Arc<Mutex<u32>>) {
        let read = *balance.lock().unwrap();
        barista::__private::task_point("deposit").await;
        *balance.lock().unwrap() = read + 1;
    }
    let total = |config: Config| {
        barista::run(config, async {
            let balance = Arc::new(Mutex::new(0));
            let group = Group::new();
            for _ in 0..20 {
                group.spawn(deposit(balance.clone()));
            }
            group.wait().await;
            let total = *balance.lock().unwrap();
            total
        })
        .unwrap()
        .output
    };
    assert_eq!(total(at(1)), 20, "FIFO on one worker hides the race");
    let shuffled: Vec<u32> = (0..10).map(|seed| total(at(1).seed(seed))).collect();
    assert!(
        shuffled.iter().any(|&t| t < 20),
        "no seed exposed it: {shuffled:?}"
    );
    let again: Vec<u32> = (0..10).map(|seed| total(at(1).seed(seed))).collect();
    assert_eq!(shuffled, again, "the same seed gives the same schedule");
}

/// One worker and paused time: a logical clock makes the picture exact.
fn paused_cafe() -> Trace {
    let config = at(1).start_paused(true);
    barista::run(config, async {
        let steps = |name: &'static str, pause: u64| {
            barista::spawn_named(name, async move {
                for _ in 0..3 {
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
            })
        };
        let tasks = [
            steps("take order", 10),
            steps("pull espresso", 15),
            steps("steam milk", 20),
        ];
        for task in tasks {
            task.await.unwrap();
        }
    })
    .unwrap()
    .trace
}

#[test]
fn timeline_snapshot_at_one_worker() {
    let trace = paused_cafe();
    assert_eq!(
        trace.timeline().to_string(),
        paused_cafe().timeline().to_string()
    );
    insta::assert_snapshot!("paused_cafe_timeline", trace.timeline().to_string());
}

#[test]
fn timeline_fits_80_columns_and_is_plain_unless_asked() {
    let trace = paused_cafe();
    let plain = trace.timeline().to_string();
    assert!(plain.lines().all(|l| l.chars().count() <= 80), "{plain}");
    assert!(!plain.contains('\x1b'));
    assert!(trace.timeline().render(true).contains('\x1b'));
}

#[test]
fn chrome_trace_snapshot() {
    let trace = paused_cafe();
    let json = trace.chrome_trace();
    let slices = json["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["ph"] == "X")
        .count();
    assert_eq!(slices, trace.polls().len());
    insta::assert_json_snapshot!("paused_cafe_chrome", json);
}

#[test]
fn bad_config_is_an_error_not_a_panic() {
    let err = barista::run(at(2).start_paused(true), async {}).unwrap_err();
    assert!(
        err.to_string()
            .contains("paused time needs exactly 1 worker"),
        "{err}"
    );
    let err = barista::run(at(0), async {}).unwrap_err();
    assert!(err.to_string().contains("at least 1"), "{err}");
}

#[test]
fn a_scaling_measurement_covers_every_worker_count() {
    let scaling = barista::amdahl::Scaling::measure(3, 2, || async {
        let group = Group::new();
        for _ in 0..4 {
            group.spawn(async {
                std::hint::black_box((0..10_000u64).sum::<u64>());
            });
        }
        group.wait().await;
    });
    let workers: Vec<usize> = scaling.rows.iter().map(|r| r.workers).collect();
    assert_eq!(workers, [1, 2, 3]);
    for row in &scaling.rows {
        assert_eq!(row.samples.len(), 2);
        assert!((1..=row.workers).contains(&row.observed_parallelism));
        assert_eq!(row.karp_flatt.is_some(), row.workers >= 2);
    }
    assert_eq!(scaling.rows[0].speedup, 1.0);
    let e = scaling.serial_fraction.expect("three worker counts");
    assert!((0.0..=1.0).contains(&e));
}

/// Lines of a timeline by lane label: `worker 0` and what follows it.
type ByLane = Vec<(String, String)>;

/// The bars of a timeline, by lane label, and its order lines, if shown.
fn bars_and_orders(picture: &str) -> (ByLane, ByLane) {
    let mut bars = Vec::new();
    let mut orders = Vec::new();
    let mut in_orders = false;
    for line in picture.lines() {
        if line.starts_with("order of polls") {
            in_orders = true;
        } else if in_orders && line.starts_with(' ') {
            // A wrapped order line goes on.
            let (_, order): &mut (String, String) = orders.last_mut().unwrap();
            order.push(' ');
            order.push_str(line.trim());
        } else if in_orders {
            match line.split_once(": ") {
                Some((lane, order)) if lane.starts_with("worker") || lane.starts_with("thread") => {
                    orders.push((lane.to_string(), order.to_string()))
                }
                _ => in_orders = false,
            }
        } else if let Some((label, rest)) = line.split_once(" |") {
            let label = label.trim_end();
            if label.starts_with("worker") || label.starts_with("thread") {
                bars.push((label.to_string(), rest.trim_end_matches('|').to_string()));
            }
        }
    }
    (bars, orders)
}

/// Runs of one symbol, idle cells left out: `AA..AB` is `A A B`.
fn runs(symbols: impl Iterator<Item = char>) -> Vec<char> {
    let mut out: Vec<char> = Vec::new();
    let mut last = None;
    for c in symbols {
        if c == '.' {
            last = None;
            continue;
        }
        if last != Some(c) {
            out.push(c);
        }
        last = Some(c);
    }
    out
}

#[test]
fn the_order_of_polls_agrees_with_the_bars() {
    // Paused (exact) and real time; one worker and two.
    let real_one = barista::run(at(1), cafe()).unwrap().trace;
    let real_two = barista::run(at(2), cafe()).unwrap().trace;
    for trace in [paused_cafe(), real_one, real_two] {
        let picture = trace.timeline().to_string();
        let (bars, orders) = bars_and_orders(&picture);
        assert!(
            !orders.is_empty(),
            "few polls: the order is shown\n{picture}"
        );
        for (lane, order) in orders {
            let bar = &bars.iter().find(|(l, _)| *l == lane).unwrap().1;
            let listed: Vec<char> = order
                .split(" ")
                .filter(|s| *s != "->")
                .filter_map(|s| s.chars().next())
                .filter(|c| *c != '(')
                .collect();
            // Consecutive polls of one task merge in a bar.
            let mut merged = listed.clone();
            merged.dedup();
            let mut drawn = runs(bar.chars());
            drawn.dedup();
            assert_eq!(drawn, merged, "{lane} in\n{picture}");
        }
    }
}

#[test]
fn every_task_drawn_is_in_the_legend_with_its_count() {
    // Few tasks: a letter each, grouped by name in the legend.
    let run = barista::run(at(1).start_paused(true), async {
        let handles: Vec<_> = (0..12)
            .map(|i| {
                let name = if i % 3 == 0 { "parse" } else { "fetch" };
                barista::spawn_named(name, async {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                })
            })
            .collect();
        for handle in handles {
            handle.await.unwrap();
        }
    })
    .unwrap();
    let picture = run.trace.timeline().to_string();
    assert!(picture.contains("A D G J parse (4 tasks)"), "{picture}");
    assert!(picture.contains("BC EF HI KL fetch (8 tasks)"), "{picture}");
    // Many tasks: a symbol per name, counted, and how many were alive.
    let run = barista::run(at(1), async {
        let handles: Vec<_> = (0..300)
            .map(|i| {
                let name = if i < 200 { "fetch" } else { "parse" };
                barista::spawn_named(name, async { tokio::task::yield_now().await })
            })
            .collect();
        for handle in handles {
            handle.await.unwrap();
        }
    })
    .unwrap();
    let picture = run.trace.timeline().to_string();
    assert!(
        picture.contains("timeline: 301 tasks on 1 worker"),
        "{picture}"
    );
    assert!(picture.contains("A fetch (200 tasks)"), "{picture}");
    assert!(picture.contains("B parse (100 tasks)"), "{picture}");
    assert!(picture.contains("\nalive    |"), "{picture}");
    assert!(picture.contains("the most at once (301)"), "{picture}");
    assert!(!picture.contains('#'), "every name has a symbol: {picture}");
}

#[test]
fn a_task_that_waits_is_drawn_waiting() {
    // Paused time: a 100 ms sleep is one step of tokio's clock.
    let run = barista::run(at(1).start_paused(true), async {
        barista::spawn_named("order", async {
            tokio::time::sleep(Duration::from_millis(100)).await;
        })
        .await
        .unwrap();
    })
    .unwrap();
    let trace = &run.trace;
    let marks: Vec<u64> = trace.clock_marks().iter().map(|m| m.nanos).collect();
    assert_eq!(marks, [0, 100_000_000]);
    let picture = trace.timeline().to_string();
    assert!(picture.contains("100ms"), "the clock row: {picture}");
    let lane = picture
        .lines()
        .find(|l| l.starts_with("  A "))
        .unwrap_or_else(|| panic!("a lane for the task: {picture}"));
    // Its two polls, and the wait between them.
    assert!(lane.contains("A-"), "{picture}");
    assert!(lane.contains("-A"), "{picture}");
}

#[barista::task]
fn sum_on_a_thread(n: u64) -> u64 {
    (1..=n).sum()
}

#[test]
fn traced_threads_get_lanes_of_their_own() {
    let run = barista::run(at(2), async {
        let mut slots = [0u64; 3];
        std::thread::scope(|scope| {
            for slot in slots.iter_mut() {
                scope.spawn(barista::thread::traced(move || {
                    *slot = sum_on_a_thread(100)
                }));
            }
        });
        slots
    })
    .unwrap();
    assert_eq!(run.output, [5050; 3]);
    let trace = &run.trace;
    let threads: Vec<u32> = trace
        .polls()
        .iter()
        .filter(|p| trace.task(p.task).unwrap().name == "sum_on_a_thread")
        .map(|p| p.worker)
        .collect();
    let mut lanes = threads.clone();
    lanes.sort_unstable();
    assert_eq!(lanes, [2, 3, 4], "after the 2 workers' lanes");
    assert!(threads.iter().all(|&lane| !trace.is_worker_lane(lane)));
    // Threads are not workers: they do not raise observed parallelism.
    assert!(trace.observed_parallelism() <= 2);
    let picture = trace.timeline().to_string();
    assert!(picture.contains("on 2 workers and 3 threads"), "{picture}");
    for lane in 0..3 {
        assert!(picture.contains(&format!("\nthread {lane} |")), "{picture}");
    }
    // Perfetto names their tracks as the timeline names the lanes.
    let chrome = trace.chrome_trace();
    let names: Vec<(u64, &str)> = chrome["traceEvents"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["name"] == "thread_name")
        .map(|e| {
            (
                e["tid"].as_u64().unwrap(),
                e["args"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (0, "worker 0"),
            (1, "worker 1"),
            (2, "thread 0"),
            (3, "thread 1"),
            (4, "thread 2")
        ]
    );
    // Outside a run, the closure runs as it is.
    assert_eq!(barista::thread::traced(|| sum_on_a_thread(3))(), 6);
}
