//! What instrumentation costs, measured side by side with plain tokio.
//!
//! `cargo bench --bench overhead` (add `-- --quick` for a smoke run).
//! Each round runs every variant once, in turn, so that noise on a shared
//! machine hits all of them alike; the report gives medians over rounds and
//! the ratios of medians.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use barista::{Config, Group};
use tokio::sync::Notify;

struct Plan {
    quick: bool,
    tasks: usize,
    polls: usize,
    rounds: usize,
    memory_rounds: usize,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--memory-child") {
        memory_child(&args[at + 1], args[at + 2].parse().unwrap());
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let plan = if quick {
        Plan {
            quick: true,
            tasks: 10_000,
            polls: 10_000,
            rounds: 3,
            memory_rounds: 1,
        }
    } else {
        Plan {
            quick: false,
            tasks: 1_000_000,
            polls: 1_000_000,
            rounds: 15,
            memory_rounds: 3,
        }
    };
    println!("# barista overhead benchmark");
    println!();
    println!(
        "machine: {}; {} rounds, medians; `cargo bench --bench overhead{}`",
        barista::amdahl::machine(),
        plan.rounds,
        if quick { " -- --quick" } else { "" }
    );
    println!();
    spawn_join(&plan);
    println!();
    poll_cost(&plan);
    println!();
    memory(&plan);
}

/// Memory of a fresh process that spawns `plan.tasks` tasks on 2 workers:
/// resident while every task is alive, and the peak of the whole run.
fn memory(plan: &Plan) {
    println!(
        "## memory spawning {} tasks on 2 workers (fresh process each)",
        plan.tasks
    );
    println!();
    println!(
        "Resident memory (RSS): median of {} fresh processes (smallest–largest). Per task: divided by the number of tasks.",
        plan.memory_rounds
    );
    println!();
    println!("| how | RSS with every task alive | per live task | peak RSS of the run, its trace included | per task |");
    println!("|---|---|---|---|---|");
    let exe = std::env::current_exe().unwrap();
    let mut alive_on = None;
    for (mode, what) in [
        ("alive-plain", "plain tokio, every task alive at once"),
        ("alive-off", "barista, every task alive at once, trace off"),
        ("alive-on", "barista, every task alive at once, trace on"),
        ("handles", "plain tokio, handles kept and joined at the end"),
        ("group-off", "barista `Group`, trace off"),
        ("group-on", "barista `Group`, trace on"),
        (
            "bounded-off",
            "barista `Group` + `wait_below(10_000)`, trace off",
        ),
        (
            "bounded-on",
            "barista `Group` + `wait_below(10_000)`, trace on",
        ),
    ] {
        // One fresh process a measurement: a peak is per process.
        let measured: Vec<(u64, Option<u64>)> = (0..plan.memory_rounds)
            .filter_map(|_| {
                let out = std::process::Command::new(&exe)
                    .args(["--memory-child", mode, &plan.tasks.to_string()])
                    .output()
                    .ok()?;
                let text = String::from_utf8_lossy(&out.stdout).into_owned();
                let mut numbers = text.split_whitespace().map(|n| n.parse::<u64>().ok());
                Some((numbers.next()??, numbers.next().flatten()))
            })
            .collect();
        let cell = |mut kib: Vec<u64>| {
            kib.sort_unstable();
            let median = *kib.get(kib.len() / 2)?;
            let mib = |kib: u64| kib as f64 / 1024.0;
            let per_task = (median * 1024) as f64 / plan.tasks as f64;
            Some((
                format!(
                    "{:.1} MiB ({:.1}–{:.1})",
                    mib(median),
                    mib(kib[0]),
                    mib(kib[kib.len() - 1])
                ),
                per_task,
            ))
        };
        let peak = cell(measured.iter().map(|m| m.0).collect());
        let live = cell(measured.iter().filter_map(|m| m.1).collect());
        if mode == "alive-on" {
            alive_on = live.as_ref().map(|(_, per_task)| *per_task);
        }
        let show = |cell: Option<(String, f64)>| match cell {
            Some((rss, per_task)) => format!("{rss} | {per_task:.0} B"),
            None => "– | –".to_string(),
        };
        println!("| {what} | {} | {} |", show(live), show(peak));
    }
    println!("| reference: a live tokio task (docs/reference-figures.md, not rerun) | – | {TOKIO_TASK_BYTES} B | – | – |");
    println!("| reference: a live goroutine (docs/reference-figures.md, not rerun) | – | {GO_GOROUTINE_BYTES} | – | – |");
    println!();
    println!("The first three rows hold every task alive at once: each has been polled once");
    println!("and waits at a closed gate, and the resident memory is read then (the tasks,");
    println!("and with the trace on, their records so far). The others spawn tasks that");
    println!("finish at once, joined different ways. The peak covers the whole run,");
    println!("including the trace read from the records at its end.");
    println!();
    println!(
        "Goal (issue 21): at most 480 B per live traced task: {}.",
        match (plan.quick, alive_on) {
            (_, None) => "not measured (no resident memory on this system)".to_string(),
            (true, Some(_)) => "not judged (a --quick run is too small to judge)".to_string(),
            (false, Some(bytes)) if bytes <= 480.0 => format!("met ({bytes:.0} B)"),
            (false, Some(bytes)) => format!("MISSED ({bytes:.0} B)"),
        }
    );
}

/// What Linux reports of this process's resident memory, in KiB: the
/// current (`VmRSS`) or the high-water mark (`VmHWM`).
fn resident_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
}

/// Resident memory while every task of `all_alive` was alive (KiB; 0: not
/// read).
static LIVE_KIB: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

fn memory_child(mode: &str, tasks: usize) {
    match mode {
        "handles" => {
            on_tokio(2, async move {
                let handles: Vec<_> = (0..tasks).map(|_| tokio::spawn(async {})).collect();
                for handle in handles {
                    handle.await.unwrap();
                }
                Duration::ZERO
            });
        }
        "alive-plain" => drop(on_tokio(2, all_alive(tasks, Spawner::Tokio))),
        "alive-off" => drop(on_barista(2, false, all_alive(tasks, Spawner::Barista))),
        "alive-on" => drop(on_barista(2, true, all_alive(tasks, Spawner::Barista))),
        "group-off" => drop(on_barista(2, false, grouped(tasks))),
        "group-on" => drop(on_barista(2, true, grouped(tasks))),
        "bounded-off" => drop(on_barista(2, false, bounded(tasks))),
        "bounded-on" => drop(on_barista(2, true, bounded(tasks))),
        other => panic!("unknown memory mode {other}"),
    }
    if let Some(peak) = resident_kib("VmHWM:") {
        match LIVE_KIB.load(Ordering::Relaxed) {
            0 => println!("{peak}"),
            live => println!("{peak} {live}"),
        }
    }
}

/// Spawn + join of `plan.tasks` trivial tasks: plain tokio vs barista.
fn spawn_join(plan: &Plan) {
    println!(
        "## spawn + join of {} trivial tasks (ns per task)",
        plan.tasks
    );
    println!();
    println!("All four join the same way: a counter and a `Notify`, handles dropped (the");
    println!("cheapest join tokio offers for many tasks); the last column is barista's");
    println!("`Group`, which adds a per-task `Add`, like Go's `WaitGroup`.");
    println!();
    println!("Cells: median (fastest–slowest round). Ratios: the median of each round's");
    println!("own ratio (the two runs side by side, seconds apart), with the middle half of");
    println!("the rounds' ratios: a ratio of medians would mix rounds that the shared machine");
    println!("slowed with rounds it did not. Each round runs the four in a rotated order,");
    println!("after a warm-up round that is not counted (the first runs of a process pay");
    println!("for its heap). The Go column is the reference from");
    println!("`docs/reference-figures.md` (Go 1.19, goroutines joined with a `WaitGroup`,");
    println!("same kind of machine), quoted, not rerun: Go is not a dependency.");
    println!();
    println!("| workers | plain tokio | barista, trace off | barista, trace on | `Group`, trace on | off / plain | on / plain | `Group` / plain | Go goroutine (reference) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let tasks = plan.tasks;
    let mut worst = 0.0f64;
    for workers in [1, 2] {
        let run = |variant: usize| match variant {
            0 => on_tokio(workers, counted(tasks, Spawner::Tokio)),
            1 => on_barista(workers, false, counted(tasks, Spawner::Barista)),
            2 => on_barista(workers, true, counted(tasks, Spawner::Barista)),
            _ => on_barista(workers, true, grouped(tasks)),
        };
        for variant in 0..4 {
            run(variant);
        }
        let mut samples = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
        for round in 0..plan.rounds {
            for i in 0..4 {
                let variant = (round + i) % 4;
                samples[variant].push(run(variant));
            }
        }
        let ratios = |of: usize| paired(&samples[of], &samples[0]);
        let [off_ratio, on_ratio, group_ratio] = [ratios(1), ratios(2), ratios(3)];
        worst = worst.max(on_ratio.0);
        let [plain_cell, off_cell, on_cell, group_cell] = samples.map(|s| spread(&s, tasks, 0));
        println!(
            "| {workers} | {plain_cell} | {off_cell} | {on_cell} | {group_cell} | {} | {} | {} | {} |",
            ratio_cell(off_ratio),
            ratio_cell(on_ratio),
            ratio_cell(group_ratio),
            GO_NS_PER_GOROUTINE[workers - 1]
        );
    }
    println!();
    println!(
        "Goal (issues 13 and 21): tracing on costs at most 1.10x plain tokio: {} (worst {worst:.2}x).",
        verdict(plan, worst <= 1.10)
    );
}

fn verdict(plan: &Plan, met: bool) -> &'static str {
    match (plan.quick, met) {
        (true, _) => "not judged (a --quick run is too small to judge)",
        (false, true) => "met",
        (false, false) => "MISSED",
    }
}

#[derive(Clone, Copy)]
enum Spawner {
    Tokio,
    Barista,
}

/// Spawns `tasks` trivial tasks and waits for all of them via a counter and
/// a `Notify`; returns the time that took.
async fn counted(tasks: usize, spawner: Spawner) -> Duration {
    let started = Instant::now();
    let pending = Arc::new(AtomicUsize::new(tasks));
    let done = Arc::new(Notify::new());
    for _ in 0..tasks {
        let (pending, done) = (pending.clone(), done.clone());
        let task = async move {
            if pending.fetch_sub(1, Ordering::AcqRel) == 1 {
                done.notify_one();
            }
        };
        match spawner {
            Spawner::Tokio => drop(tokio::spawn(task)),
            Spawner::Barista => drop(barista::spawn(task)),
        }
    }
    done.notified().await;
    started.elapsed()
}

/// Spawns `tasks` tasks that all stay alive, waiting at a closed gate,
/// until the last one is spawned; then opens the gate and waits for them
/// to finish. The peak memory is that of `tasks` live tasks at once.
async fn all_alive(tasks: usize, spawner: Spawner) -> Duration {
    let started = Instant::now();
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let pending = Arc::new(AtomicUsize::new(tasks));
    let waiting = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(Notify::new());
    for _ in 0..tasks {
        let (gate, pending, done) = (gate.clone(), pending.clone(), done.clone());
        let waiting = waiting.clone();
        let task = async move {
            waiting.fetch_add(1, Ordering::Relaxed);
            // Closed, the semaphore turns every waiter away: the gate opens.
            let _ = gate.acquire().await;
            if pending.fetch_sub(1, Ordering::AcqRel) == 1 {
                done.notify_one();
            }
        };
        match spawner {
            Spawner::Tokio => drop(tokio::spawn(task)),
            Spawner::Barista => drop(barista::spawn(task)),
        }
    }
    // Every task polled once and waiting: what they take while alive.
    while waiting.load(Ordering::Relaxed) < tasks {
        tokio::task::yield_now().await;
    }
    if let Some(live) = resident_kib("VmRSS:") {
        LIVE_KIB.store(live, Ordering::Relaxed);
    }
    gate.close();
    done.notified().await;
    started.elapsed()
}

/// The same with barista's `Group`.
async fn grouped(tasks: usize) -> Duration {
    let started = Instant::now();
    let group = Group::new();
    for _ in 0..tasks {
        group.spawn(async {});
    }
    group.wait().await;
    started.elapsed()
}

/// The same with backpressure: at most 10,000 tasks pending at once.
async fn bounded(tasks: usize) -> Duration {
    let started = Instant::now();
    let group = Group::new();
    for _ in 0..tasks {
        group.wait_below(10_000).await;
        group.spawn(async {});
    }
    group.wait().await;
    started.elapsed()
}

/// A tokio runtime shaped like barista's, with `main` spawned on it.
fn on_tokio<F: Future<Output = Duration> + Send + 'static>(workers: usize, main: F) -> Duration {
    let mut builder = if workers == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut builder = tokio::runtime::Builder::new_multi_thread();
        builder.worker_threads(workers);
        builder
    };
    // barista always enables tokio's timer; so does the baseline.
    let runtime = builder.enable_time().build().unwrap();
    let handle = runtime.spawn(main);
    runtime.block_on(handle).unwrap()
}

fn on_barista<F: Future<Output = Duration> + Send + 'static>(
    workers: usize,
    trace: bool,
    main: F,
) -> Duration {
    let config = Config::new()
        .workers(workers)
        .env_override(false)
        .trace(trace);
    barista::run(config, main).unwrap().output
}

/// One task yielding `plan.polls` times: each yield is one poll.
fn poll_cost(plan: &Plan) {
    println!(
        "## cost of a recorded poll (one worker, {} polls)",
        plan.polls
    );
    println!();
    println!("Cells: ns per poll, median (fastest–slowest round); added: the median of each round's own difference (the two runs side by side, alternating which goes first). Under paused time the clock is logical (a shared counter) and tokio's paused clock is read at each step, under a lock: the price of a deterministic timeline, paid in tests, not in real runs.");
    println!();
    println!("| clock | bare poll (trace off) | recorded poll (trace on) | added by recording | bytes recorded per poll |");
    println!("|---|---|---|---|---|");
    let mut real_added = 0.0;
    for paused in [false, true] {
        let (off_cell, on_cell, added, bytes) = poll_cost_at(plan, paused);
        let clock = if paused {
            "paused time (logical)"
        } else {
            "real (time-stamp counter)"
        };
        println!("| {clock} | {off_cell} | {on_cell} | {added:.1} | {bytes:.1} B |");
        if !paused {
            real_added = added;
        }
    }
    println!();
    println!(
        "Goal (issue 21): a recorded poll adds at most 40 ns on the real clock: {} (tokio-console: ~320 ns a poll).",
        verdict(plan, real_added <= 40.0)
    );
}

/// One task yielding `plan.polls` times, traced and not, side by side:
/// (bare cell, recorded cell, ns added, bytes recorded per poll).
fn poll_cost_at(plan: &Plan, paused: bool) -> (String, String, f64, f64) {
    let polls = plan.polls;
    let traced_run = move |trace: bool| {
        let config = Config::new()
            .workers(1)
            .env_override(false)
            .start_paused(paused)
            .trace(trace);
        barista::run(config, async move {
            barista::spawn(async move {
                let started = Instant::now();
                for _ in 0..polls {
                    tokio::task::yield_now().await;
                }
                started.elapsed()
            })
            .await
            .unwrap()
        })
        .unwrap()
    };
    let yielding = move |trace: bool| traced_run(trace).output;
    // What the trace holds per poll: the records' bytes (spawns, names
    // and the run's own few included) over the polls.
    let bytes_per_poll = {
        let run = traced_run(true);
        run.trace.recorded_bytes() as f64 / run.trace.polls().len().max(1) as f64
    };
    let (mut off, mut on) = (Vec::new(), Vec::new());
    yielding(false);
    yielding(true);
    for round in 0..plan.rounds {
        if round % 2 == 0 {
            off.push(yielding(false));
            on.push(yielding(true));
        } else {
            on.push(yielding(true));
            off.push(yielding(false));
        }
    }
    // Each round's own difference, side by side: their median.
    let mut added: Vec<f64> = on
        .iter()
        .zip(&off)
        .map(|(on, off)| per(*on, polls) - per(*off, polls))
        .collect();
    added.sort_by(f64::total_cmp);
    (
        spread(&off, polls, 1),
        spread(&on, polls, 1),
        added[added.len() / 2],
        bytes_per_poll,
    )
}

/// Go's spawn + join of 1,000,000 goroutines at GOMAXPROCS 1 and 2, ns
/// each, and the memory of a live goroutine (docs/reference-figures.md).
const GO_NS_PER_GOROUTINE: [u32; 2] = [669, 137];
const GO_GOROUTINE_BYTES: &str = "2.7 KiB";
/// A bare tokio task, live (docs/reference-figures.md): the floor for an
/// instrumented one.
const TOKIO_TASK_BYTES: u32 = 456;

/// "median (fastest–slowest)", in ns per unit (task or poll).
fn spread(samples: &[Duration], count: usize, digits: usize) -> String {
    let low = samples.iter().min().copied().unwrap_or_default();
    let high = samples.iter().max().copied().unwrap_or_default();
    format!(
        "{:.digits$} ({:.digits$}–{:.digits$})",
        per(median(samples.to_vec()), count),
        per(low, count),
        per(high, count)
    )
}

/// Each round's `a / b`: their median, and the quartiles around it.
fn paired(a: &[Duration], b: &[Duration]) -> (f64, f64, f64) {
    let mut ratios: Vec<f64> = a
        .iter()
        .zip(b)
        .map(|(a, b)| a.as_secs_f64() / b.as_secs_f64().max(1e-12))
        .collect();
    ratios.sort_by(f64::total_cmp);
    let at = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.25), at(0.75))
}

fn ratio_cell((median, low, high): (f64, f64, f64)) -> String {
    format!("{median:.2}x ({low:.2}–{high:.2})")
}

fn median(mut samples: Vec<Duration>) -> Duration {
    barista::amdahl::median(&std::mem::take(&mut samples))
}

fn per(total: Duration, count: usize) -> f64 {
    total.as_nanos() as f64 / count as f64
}
