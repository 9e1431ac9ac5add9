//! Schedule exploration on real tokio: a race that tokio's own order hides
//! is found, shrunk to the one switch it needs, explained with both
//! timelines, and replayed the same every time; a correct program passes
//! every schedule; misuse of `BARISTA_SCHEDULE` names the variable.

use std::sync::{Arc, Mutex};

use barista::explore::{self, Exploration, Explore, Outcome, Schedule, Strategy};

/// One coin: the balance read, then written back plus one, each step a
/// `#[barista::task]` call (a choice point at its start): a lost update
/// whenever another deposit runs between the two.
#[barista::task]
async fn balance(account: &Arc<Mutex<u64>>) -> u64 {
    *account.lock().unwrap()
}

#[barista::task]
async fn store(account: &Arc<Mutex<u64>>, value: u64) {
    *account.lock().unwrap() = value;
}

#[barista::task]
async fn racy_deposit(account: Arc<Mutex<u64>>) {
    let seen = balance(&account).await;
    store(&account, seen + 1).await;
}

#[barista::task]
async fn safe_deposit(account: Arc<Mutex<u64>>) {
    *account.lock().unwrap() += 1;
}

async fn deposits(racy: bool) {
    let account = Arc::new(Mutex::new(0));
    let group = barista::Group::new();
    for _ in 0..3 {
        if racy {
            group.spawn(racy_deposit(account.clone()));
        } else {
            group.spawn(safe_deposit(account.clone()));
        }
    }
    group.wait().await;
    let total = *account.lock().unwrap();
    assert_eq!(total, 3, "a deposit was lost");
}

fn found(exploration: &Exploration) -> &explore::Failure {
    exploration
        .failure()
        .unwrap_or_else(|| panic!("no failing schedule found: {exploration:?}"))
}

#[test]
fn every_strategy_finds_the_lost_update_that_tokio_order_hides() {
    for strategy in Strategy::ALL {
        let options = Explore::new(200).strategy(strategy);
        let exploration = explore::explore(&options, || deposits(true));
        let failure = found(&exploration);
        assert_eq!(failure.baseline.schedule, Schedule::baseline());
        assert!(matches!(failure.baseline.outcome, Outcome::Returned(_)));
        let Outcome::Panicked(message) = &failure.shrunk.outcome else {
            panic!("{strategy}: {:?}", failure.shrunk.outcome)
        };
        assert!(message.contains("a deposit was lost"), "{message}");
        // One switch between a read and its write is all the bug needs.
        assert_eq!(failure.shrunk.schedule.switches().len(), 1, "{strategy}");
        assert!(
            failure.shrunk.schedule.switches().len() <= failure.found.schedule.switches().len()
        );
    }
}

#[test]
fn exhaustive_search_finds_the_first_failing_single_switch() {
    let options = Explore::new(200).strategy(Strategy::Exhaustive);
    let failure = found(&explore::explore(&options, || deposits(true))).clone();
    // Exhaustive order: points 0, 1, 2, ...; everything before the one
    // found gave the baseline's outcome.
    let point = failure.found.schedule.switches()[0];
    assert_eq!(u64::from(failure.tried), point + 1);
    for earlier in 0..point {
        let ran = explore::run_schedule(
            &options,
            &|| deposits(true),
            &Schedule::switching_at([earlier]),
            std::time::Duration::from_secs(10),
        );
        assert_eq!(ran.outcome, failure.baseline.outcome, "point {earlier}");
    }
}

#[test]
fn a_failing_schedule_replays_the_same_failure_twenty_times_of_twenty() {
    let options = Explore::new(200);
    let failure = found(&explore::explore(&options, || deposits(true))).clone();
    let again = |schedule: &Schedule| {
        explore::run_schedule(
            &options,
            &|| deposits(true),
            schedule,
            std::time::Duration::from_secs(10),
        )
    };
    let first = again(&failure.shrunk.schedule);
    let first_polls = first.trace.as_ref().unwrap().polls().to_vec();
    for _ in 0..20 {
        let ran = again(&failure.shrunk.schedule);
        assert_eq!(ran.outcome, failure.shrunk.outcome);
        assert_eq!(ran.trace.as_ref().unwrap().polls(), first_polls.as_slice());
    }
}

#[test]
fn the_report_names_the_schedules_the_replay_and_where_the_runs_part() {
    let failure = found(&explore::explore(&Explore::new(200), || deposits(true))).clone();
    let report = failure.report(Some("cargo test -- deposits --exact"));
    let shrunk = failure.shrunk.schedule.to_string();
    for part in [
        "exploration found a failing schedule after",
        "a deposit was lost",
        &format!("shrunk to:      {shrunk} (1 forced switch"),
        &format!("replay it:      BARISTA_SCHEDULE={shrunk} cargo test -- deposits --exact"),
        "the baseline (tokio's own order):",
        &format!("the failing schedule ({shrunk}):"),
    ] {
        assert!(report.contains(part), "no {part:?} in:\n{report}");
    }
    // Both timelines are marked where they part: the failing run's first
    // forced switch, the same instant in both (before it they ran alike).
    let marks: Vec<usize> = report
        .lines()
        .filter(|l| l.trim_start().starts_with('|') || l.starts_with("         |"))
        .filter_map(|l| l.find('^'))
        .collect();
    assert_eq!(marks.len(), 2, "{report}");
    assert!(
        report.contains("the runs part here: the failing schedule switches at point"),
        "{report}"
    );
    assert!(report.contains("forced switch at point"), "{report}");
    let (base, failing) = (
        failure.baseline.trace.as_ref().unwrap(),
        failure.shrunk.trace.as_ref().unwrap(),
    );
    let switch = explore::divergence(failing).unwrap();
    assert_eq!(failing.switches().len(), 1);
    assert!(failure.shrunk.schedule.switches().contains(&switch.point));
    let before = |t: &barista::Trace| -> Vec<barista::PollRecord> {
        t.polls()
            .iter()
            .filter(|p| p.end < switch.at)
            .copied()
            .collect()
    };
    assert_eq!(before(base), before(failing));
}

#[test]
fn a_correct_program_passes_every_schedule() {
    for strategy in Strategy::ALL {
        let exploration =
            explore::explore(&Explore::new(100).strategy(strategy), || deposits(false));
        let Exploration::Passed {
            tried, exhausted, ..
        } = exploration
        else {
            panic!("{strategy}: {exploration:?}")
        };
        assert!(tried == 100 || exhausted, "{strategy}: {tried}");
    }
}

#[test]
fn a_baseline_that_fails_needs_no_schedule() {
    let exploration = explore::explore(&Explore::new(10), || async { panic!("always") });
    let Exploration::BaselineFailed(run) = exploration else {
        panic!("{exploration:?}")
    };
    assert_eq!(run.outcome, Outcome::Panicked("always".into()));
}

// --- the attribute ------------------------------------------------------

#[barista::test(workers = [1, 2], explore = 50)]
async fn exploring_a_correct_program_passes_at_every_worker_count() {
    deposits(false).await;
}

#[barista::test(workers = 1, explore = 200, strategy = "exhaustive")]
#[should_panic(expected = "replay it:      BARISTA_SCHEDULE=")]
async fn exploring_a_racy_program_fails_with_its_replay_command() {
    deposits(true).await;
}

/// Run only by the tests below, in a process of their own.
#[barista::test(workers = 1, explore = 200)]
#[ignore = "fails on purpose: run by the replay tests"]
async fn racy_when_replayed() {
    deposits(true).await;
}

/// This test binary, running one test with `BARISTA_SCHEDULE` set.
/// (`schedule` empty: not set.)
fn run_alone(test: &str, schedule: &str) -> (bool, String) {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    command.args([
        test,
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads",
        "1",
    ]);
    if schedule.is_empty() {
        command.env_remove("BARISTA_SCHEDULE");
    } else {
        command.env("BARISTA_SCHEDULE", schedule);
    }
    let out = command.env("RUST_BACKTRACE", "0").output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn the_printed_command_replays_the_failure_twenty_times_of_twenty() {
    let failure = found(&explore::explore(&Explore::new(200), || deposits(true))).clone();
    let schedule = failure.shrunk.schedule.to_string();
    let mut reports = Vec::new();
    for _ in 0..20 {
        let (passed, stderr) = run_alone("racy_when_replayed::workers_1", &schedule);
        assert!(!passed, "{stderr}");
        assert!(
            stderr.contains(&format!(
                "the schedule {schedule} fails at 1 worker, replayed"
            )),
            "{stderr}"
        );
        assert!(stderr.contains("a deposit was lost"), "{stderr}");
        // The same failure, and the same timelines, every time.
        let report: String = stderr
            .lines()
            .skip_while(|l| !l.contains("the schedule"))
            .take_while(|l| !l.starts_with("note:"))
            .collect::<Vec<_>>()
            .join("\n");
        reports.push(report);
    }
    assert!(reports.windows(2).all(|w| w[0] == w[1]), "{reports:#?}");
    // The baseline's order, given as a schedule, passes.
    let (passed, stderr) = run_alone("racy_when_replayed::workers_1", "none");
    assert!(passed, "{stderr}");
}

#[test]
fn a_malformed_schedule_is_an_error_naming_the_variable() {
    let (passed, stderr) = run_alone("racy_when_replayed::workers_1", "3;4");
    assert!(!passed);
    assert!(
        stderr.contains("BARISTA_SCHEDULE must be a schedule as an exploration prints it")
            && stderr.contains("got \"3;4\""),
        "{stderr}"
    );
}

/// The README's example ("Find the schedule that breaks it"), word for
/// word; run by the test below, which checks that the README shows what it
/// really prints.
mod readme {
    use std::sync::{Arc, Mutex};

    #[barista::task]
    async fn balance(account: &Arc<Mutex<u64>>) -> u64 {
        *account.lock().unwrap()
    }

    #[barista::task]
    async fn store(account: &Arc<Mutex<u64>>, value: u64) {
        *account.lock().unwrap() = value;
    }

    /// Reads, `.await`s, then writes back what it read plus one: a race.
    #[barista::task]
    async fn deposit(account: Arc<Mutex<u64>>) {
        let seen = balance(&account).await;
        store(&account, seen + 1).await;
    }

    #[barista::test(workers = [1, 2], explore = 200)]
    #[ignore = "fails on purpose: run by the README test"]
    async fn every_coin_arrives() {
        let account = Arc::new(Mutex::new(0));
        let customers = barista::Group::new();
        for _ in 0..2 {
            customers.spawn(deposit(account.clone()));
        }
        customers.wait().await;
        assert_eq!(*account.lock().unwrap(), 2, "a coin was lost");
    }
}

#[test]
fn the_readme_shows_what_exploration_really_prints() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("### Find the schedule that breaks it")
        .nth(1)
        .expect("the README's exploration section");
    let example = section
        .split("```rust\n")
        .nth(1)
        .unwrap()
        .split("# fn main")
        .next()
        .unwrap();
    let printed = section
        .split("```text\n")
        .nth(1)
        .unwrap()
        .split("```")
        .next()
        .unwrap();
    // The example is this file's `readme` module, word for word.
    let here = std::fs::read_to_string(file!()).unwrap();
    let module: String = here
        .split("mod readme {\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| *l != "}")
        .filter(|l| !l.contains("#[ignore"))
        .map(|l| format!("{}\n", l.strip_prefix("    ").unwrap_or(l)))
        .collect();
    assert_eq!(
        module.trim(),
        example.trim(),
        "README example and tests/explore.rs differ"
    );
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "readme::every_coin_arrives::workers_1",
            "--exact",
            "--ignored",
            "--test-threads",
            "1",
        ])
        .env("RUST_BACKTRACE", "0")
        .env_remove("BARISTA_SCHEDULE")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: String = stdout
        .lines()
        .skip_while(|l| !l.contains("every_coin_arrives: exploration found"))
        .take_while(|l| !l.starts_with("note:") && !l.starts_with("failures:"))
        .map(|l| format!("{l}\n"))
        .collect::<String>()
        .replace(
            "explore::readme::every_coin_arrives:",
            "tests::every_coin_arrives:",
        )
        .replace("cargo test -p barista -- readme::", "cargo test -- ");
    assert_eq!(
        report.trim_end(),
        printed.trim_end(),
        "the README's output is not what runs print"
    );
}

/// Passes at one worker, fails at two: what exploration says there.
#[barista::test(workers = [1, 2], explore = 5)]
#[ignore = "fails on purpose at 2 workers: run by the test below"]
async fn fails_only_in_parallel() {
    assert_eq!(barista::workers(), 1, "ran in parallel");
}

#[test]
fn at_more_workers_exploration_stresses_and_says_it_cannot_replay() {
    let (passed, stderr) = run_alone("fails_only_in_parallel::workers_1", "");
    assert!(passed, "{stderr}");
    let (passed, stderr) = run_alone("fails_only_in_parallel::workers_2", "");
    assert!(!passed, "{stderr}");
    assert!(stderr.contains("at 2 workers with seed 0"), "{stderr}");
    assert!(
        stderr.contains("a failure here cannot be replayed exactly; explore at 1 worker"),
        "{stderr}"
    );
}

#[test]
fn running_out_of_time_is_not_a_failure() {
    // Far more schedules than fit in the time given: whichever run the
    // limit of all runs cuts short, that is no verdict on the program.
    let options = Explore::new(1_000_000)
        .limit(std::time::Duration::from_millis(200))
        .run_limit(std::time::Duration::from_secs(30));
    let exploration = explore::explore(&options, || deposits(false));
    let Exploration::Passed { out_of_time, .. } = exploration else {
        panic!("{exploration:?}")
    };
    assert!(out_of_time);
}
