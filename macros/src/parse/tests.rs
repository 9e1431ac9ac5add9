//! The attributes' arguments: what each key accepts, and every message.

use proc_macro2::TokenStream;
use quote::quote;

use super::{main_config, task_config, test_config};

/// Every message of a failed parse, in order.
fn messages<T>(result: syn::Result<T>) -> Vec<String> {
    match result {
        Ok(_) => panic!("expected errors"),
        Err(error) => error.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn main_error(args: TokenStream) -> Vec<String> {
    messages(main_config(args))
}

fn test_error(args: TokenStream) -> Vec<String> {
    messages(test_config(args))
}

fn task_error(args: TokenStream) -> Vec<String> {
    messages(task_config(args))
}

#[test]
fn main_defaults() {
    let config = main_config(quote!()).unwrap();
    assert_eq!(config.workers, None);
    assert!(!config.timeline && !config.summary && !config.start_paused);
    assert!(config.trace, "tracing is on by default");
    assert!(config.chrome_trace.is_none());
}

#[test]
fn main_every_key() {
    let config = main_config(quote!(
        workers = 1,
        timeline,
        summary,
        trace = false,
        start_paused = true,
        chrome_trace = "out.json",
    ))
    .unwrap();
    assert_eq!(config.workers, Some(1));
    assert!(config.timeline && config.summary && config.start_paused);
    assert!(!config.trace);
    assert_eq!(config.chrome_trace.unwrap().value(), "out.json");
}

#[test]
fn main_workers_forms() {
    assert_eq!(main_config(quote!(workers = 16)).unwrap().workers, Some(16));
    assert_eq!(
        main_config(quote!(workers = 0x10)).unwrap().workers,
        Some(16)
    );
    assert_eq!(
        main_config(quote!(workers = 1_000)).unwrap().workers,
        Some(1000)
    );
    assert_eq!(
        main_config(quote!(workers = 1024)).unwrap().workers,
        Some(1024)
    );
}

#[test]
fn main_workers_errors() {
    let at_least_one = ["the worker limit must be at least 1"];
    assert_eq!(main_error(quote!(workers = 0)), at_least_one);
    assert_eq!(main_error(quote!(workers = -1)), at_least_one);
    assert_eq!(
        main_error(quote!(workers = "4")),
        ["expected an integer, like `workers = 4`"]
    );
    assert_eq!(
        main_error(quote!(workers = 4.0)),
        ["expected an integer, like `workers = 4`"]
    );
    assert_eq!(
        main_error(quote!(workers = 4u8)),
        ["remove the `u8` suffix: write the number alone, like `workers = 4`"]
    );
    let at_most = ["the worker limit must be at most 1024: beyond the machine's CPUs, more workers add threads, not parallelism"];
    assert_eq!(main_error(quote!(workers = 1025)), at_most);
    assert_eq!(main_error(quote!(workers = 100000)), at_most);
    assert_eq!(
        main_error(quote!(workers = 99999999999999999999999)),
        at_most
    );
    assert_eq!(
        main_error(quote!(workers = [1, 2])),
        ["expected one worker limit, like `workers = 4`: a list of worker counts is for #[barista::test]"]
    );
    assert_eq!(
        main_error(quote!(workers)),
        ["`workers` needs a value, like `workers = 4`"]
    );
    assert_eq!(
        main_error(quote!(workers(4))),
        ["expected `=` and a value after `workers`, like `workers = 4`"]
    );
}

#[test]
fn flags_take_no_value() {
    assert_eq!(
        main_error(quote!(timeline = 3)),
        ["`timeline` is a flag and takes no value: write `timeline` alone, or leave it out"]
    );
    assert_eq!(
        main_error(quote!(summary(true))),
        ["`summary` is a flag and takes no value: write `summary` alone, or leave it out"]
    );
    assert_eq!(
        task_error(quote!(preempt = true)),
        ["`preempt` is a flag and takes no value: write `preempt` alone, or leave it out"]
    );
}

#[test]
fn booleans() {
    assert_eq!(
        main_error(quote!(trace = "no")),
        ["expected `true` or `false`, like `trace = false`"]
    );
    assert_eq!(
        main_error(quote!(trace)),
        ["`trace` needs a value, like `trace = false`"]
    );
    assert_eq!(
        test_error(quote!(start_paused = 1)),
        ["expected `true` or `false`, like `start_paused = true`"]
    );
}

#[test]
fn chrome_trace() {
    assert_eq!(
        main_error(quote!(chrome_trace = "")),
        ["the chrome trace path must not be empty: give a file name, like `chrome_trace = \"trace.json\"`"]
    );
    assert_eq!(
        main_error(quote!(chrome_trace = trace.json)),
        ["expected a string, like `chrome_trace = \"trace.json\"`"]
    );
}

#[test]
fn main_start_paused_needs_one_worker() {
    assert!(main_config(quote!(workers = 1, start_paused = true)).is_ok());
    assert!(main_config(quote!(start_paused = true, workers = 1)).is_ok());
    assert!(main_config(quote!(workers = 4, start_paused = false)).is_ok());
    assert_eq!(
        main_error(quote!(workers = 4, start_paused = true)),
        ["`start_paused = true` needs `workers = 1`, not 4: tokio can pause time only on its current-thread runtime, that is with one worker"]
    );
    assert_eq!(
        main_error(quote!(start_paused = true)),
        ["`start_paused = true` needs `workers = 1` as well: tokio can pause time only on its current-thread runtime, that is with one worker"]
    );
    // A bad worker limit is reported once, not again through `start_paused`.
    assert_eq!(
        main_error(quote!(workers = 0, start_paused = true)),
        ["the worker limit must be at least 1"]
    );
}

#[test]
fn unknown_keys() {
    assert_eq!(
        main_error(quote!(flavor = "multi_thread")),
        ["unknown key `flavor`: #[barista::main] takes `workers`, `timeline`, `summary`, `trace`, `start_paused` and `chrome_trace`"]
    );
    assert_eq!(
        main_error(quote!(worker = 2)),
        ["unknown key `worker`: did you mean `workers`? #[barista::main] takes `workers`, `timeline`, `summary`, `trace`, `start_paused` and `chrome_trace`"]
    );
    assert_eq!(
        main_error(quote!(worker_threads = 2)),
        ["unknown key `worker_threads`: did you mean `workers`? #[barista::main] takes `workers`, `timeline`, `summary`, `trace`, `start_paused` and `chrome_trace`"]
    );
    assert_eq!(
        test_error(quote!(repeats = 2)),
        ["unknown key `repeats`: did you mean `repeat`? #[barista::test] takes `workers`, `repeat`, `seed`, `start_paused`, `timeout_ms`, `total_timeout_ms`, `explore`, `strategy`, `compare` and `verdict`"]
    );
    assert_eq!(
        task_error(quote!(preemt)),
        ["unknown key `preemt`: did you mean `preempt`? #[barista::task] takes `name`, `preempt` and `twin`"]
    );
}

#[test]
fn paths_are_not_keys() {
    assert_eq!(
        main_error(quote!(tokio::workers = 2)),
        ["expected a key like `workers`, not a path"]
    );
}

#[test]
fn duplicate_keys() {
    assert_eq!(
        main_error(quote!(workers = 2, timeline, workers = 3)),
        ["`workers` given twice"]
    );
    assert_eq!(
        task_error(quote!(preempt, preempt)),
        ["`preempt` given twice"]
    );
}

#[test]
fn every_mistake_is_reported() {
    assert_eq!(
        main_error(quote!(workers = 0, timeline = 1, sumary)),
        [
            "the worker limit must be at least 1",
            "`timeline` is a flag and takes no value: write `timeline` alone, or leave it out",
            "unknown key `sumary`: did you mean `summary`? #[barista::main] takes `workers`, `timeline`, `summary`, `trace`, `start_paused` and `chrome_trace`",
        ]
    );
}

#[test]
fn test_defaults() {
    let config = test_config(quote!()).unwrap();
    assert_eq!(config.workers, [1, 2, 4]);
    assert_eq!(config.repeat, 1);
    assert_eq!(config.seed, None);
    assert!(!config.start_paused);
    assert_eq!(config.timeout_ms, 60_000);
    assert_eq!(config.total_timeout_ms, 600_000);
    assert_eq!(config.explore, None);
}

#[test]
fn explore_keys() {
    use super::test::Strategy;
    let config = test_config(quote!(explore = 50)).unwrap();
    assert_eq!(config.explore, Some((50, Strategy::Mixed)));
    for (name, strategy) in [
        ("mixed", Strategy::Mixed),
        ("random", Strategy::Random),
        ("pct", Strategy::Pct),
        ("exhaustive", Strategy::Exhaustive),
    ] {
        let config = test_config(quote!(workers = [1, 2], explore = 9, strategy = #name)).unwrap();
        assert_eq!(config.explore, Some((9, strategy)));
    }
    // A seed with `explore` seeds the strategy.
    let config = test_config(quote!(workers = 1, explore = 9, seed = 3)).unwrap();
    assert_eq!(config.seed, Some(3));
    // A name far from every strategy gets no guess.
    assert_eq!(
        test_error(quote!(explore = 9, strategy = "loom")),
        ["unknown strategy \"loom\": `strategy` is \"mixed\" (the default: pct and exhaustive in turn), \"pct\" (one to three switches at random points), \"random\" (many switches) or \"exhaustive\" (every schedule with one switch, then two, ...)"]
    );
    // Each rule between keys, in one attribute.
    assert_eq!(
        test_error(quote!(workers = 2, explore = 9, repeat = 2)).len(),
        2
    );
}

#[test]
fn time_limits() {
    let config = test_config(quote!(timeout_ms = 5000, total_timeout_ms = 20000)).unwrap();
    assert_eq!((config.timeout_ms, config.total_timeout_ms), (5000, 20000));
    // A run's limit longer than the default total raises the total with it.
    let config = test_config(quote!(timeout_ms = 900000)).unwrap();
    assert_eq!(config.total_timeout_ms, 900_000);
    // The total alone: the runs share it, each still at most 60 s.
    let config = test_config(quote!(total_timeout_ms = 1000)).unwrap();
    assert_eq!((config.timeout_ms, config.total_timeout_ms), (60_000, 1000));
    assert_eq!(
        test_error(quote!(timeout_ms = 5000, total_timeout_ms = 1000)),
        ["`total_timeout_ms = 1000` is less than `timeout_ms = 5000`: the limit of all the runs at one worker count cannot be shorter than the limit of one run"]
    );
    assert_eq!(
        test_error(quote!(total_timeout_ms = 0)),
        ["`total_timeout_ms` must be at least 1: it is how many milliseconds all the runs at one worker count may take"]
    );
    // Both rules between keys, reported together.
    assert_eq!(
        test_error(quote!(
            start_paused = true,
            timeout_ms = 2,
            total_timeout_ms = 1
        ))
        .len(),
        2
    );
}

#[test]
fn test_every_key() {
    let config = test_config(quote!(
        workers = [1],
        repeat = 3,
        seed = 18446744073709551615,
        start_paused = true
    ))
    .unwrap();
    assert_eq!(config.workers, [1]);
    assert_eq!(config.repeat, 3);
    assert_eq!(config.seed, Some(u64::MAX));
    assert!(config.start_paused);
}

#[test]
fn test_workers_forms() {
    assert_eq!(test_config(quote!(workers = 2)).unwrap().workers, [2]);
    assert_eq!(
        test_config(quote!(workers = [4, 1])).unwrap().workers,
        [4, 1]
    );
    assert_eq!(
        test_config(quote!(workers = [1, 2,])).unwrap().workers,
        [1, 2]
    );
}

#[test]
fn test_workers_errors() {
    assert_eq!(
        test_error(quote!(workers = [])),
        ["`workers` needs at least one worker count, like `workers = [1, 2, 4]`"]
    );
    assert_eq!(
        test_error(quote!(workers = [1, 2, 2])),
        ["worker count 2 is listed twice"]
    );
    assert_eq!(
        test_error(quote!(workers = [0, "2", 3])),
        [
            "the worker limit must be at least 1",
            "expected an integer, like `workers = [1, 2, 4]`",
        ]
    );
    assert_eq!(
        test_error(quote!(workers = 1..4)),
        ["expected a list of worker counts, like `workers = [1, 2, 4]`, or one, like `workers = 4`"]
    );
    assert_eq!(
        test_error(quote!(workers = 0)),
        ["the worker limit must be at least 1"]
    );
    assert_eq!(
        test_error(quote!(workers = [1, 2048, 100000])),
        [
            "the worker limit must be at most 1024: beyond the machine's CPUs, more workers add threads, not parallelism",
            "the worker limit must be at most 1024: beyond the machine's CPUs, more workers add threads, not parallelism",
        ]
    );
    assert_eq!(
        test_config(quote!(workers = [1, 1024])).unwrap().workers,
        [1, 1024]
    );
}

#[test]
fn repeat_and_seed_errors() {
    let repeat = ["`repeat` must be at least 1: it is how many times each worker count runs"];
    assert_eq!(test_error(quote!(repeat = 0)), repeat);
    assert_eq!(test_error(quote!(repeat = -2)), repeat);
    assert_eq!(
        test_error(quote!(repeat = 4294967296)),
        ["`repeat` is too large: it must fit in a `u32`"]
    );
    assert_eq!(
        test_error(quote!(seed = -7)),
        ["the seed cannot be negative: it is a `u64`, like `seed = 42`"]
    );
    assert_eq!(
        test_error(quote!(seed = 18446744073709551616)),
        ["`seed` is too large: it must fit in a `u64`"]
    );
    assert_eq!(
        test_error(quote!(seed = "abc")),
        ["expected an integer, like `seed = 42`"]
    );
}

#[test]
fn test_start_paused_needs_one_worker() {
    assert!(test_config(quote!(workers = 1, start_paused = true)).is_ok());
    assert!(test_config(quote!(workers = [1], start_paused = true)).is_ok());
    let msg = ["`start_paused = true` needs every worker count to be 1, like `workers = 1`: tokio can pause time only on its current-thread runtime, that is with one worker"];
    assert_eq!(test_error(quote!(start_paused = true)), msg);
    assert_eq!(
        test_error(quote!(start_paused = true, workers = [1, 2])),
        msg
    );
}

#[test]
fn task_keys() {
    let config = task_config(quote!()).unwrap();
    assert!(config.name.is_none() && config.preempt.is_none() && !config.twin);
    assert!(task_config(quote!(twin)).unwrap().twin);
    assert_eq!(
        task_error(quote!(twin = false)),
        ["`twin` is a flag and takes no value: write `twin` alone, or leave it out"]
    );
    let config = task_config(quote!(preempt, name = "brew")).unwrap();
    assert_eq!(config.name.unwrap().value(), "brew");
    assert!(config.preempt.is_some());
    assert_eq!(
        task_error(quote!(name = "")),
        ["the task name must not be empty: leave `name` out to use the function's name"]
    );
    assert_eq!(
        task_error(quote!(name = brew)),
        ["expected a string, like `name = \"take_order\"`"]
    );
    assert_eq!(
        task_error(quote!(name)),
        ["`name` needs a value, like `name = \"take_order\"`"]
    );
}

#[test]
fn unparsable_arguments() {
    assert_eq!(main_error(quote!(workers = 4 timeline)).len(), 1);
    assert_eq!(main_error(quote!(workers = 4,, timeline)).len(), 1);
}

#[test]
fn a_value_without_its_key_is_given_the_key_that_takes_it() {
    // Outside the compiler the value is printed from its tokens.
    assert_eq!(
        main_error(quote!(4)),
        ["a value needs its key: write `workers = 4`"]
    );
    assert_eq!(
        main_error(quote!(timeline, "out.json")),
        ["a value needs its key: write `chrome_trace = \"out.json\"`"]
    );
    assert_eq!(
        test_error(quote!(4)),
        ["a value needs its key: write `workers = 4`"]
    );
    assert_eq!(
        test_error(quote!([1, 2])),
        ["a value needs its key: write `workers = [1 , 2]`"]
    );
    // Too many workers for `workers`: the next key that takes an integer.
    assert_eq!(
        test_error(quote!(5000)),
        ["a value needs its key: write `repeat = 5000`"]
    );
    assert_eq!(
        task_error(quote!("brew")),
        ["a value needs its key: write `name = \"brew\"`"]
    );
    assert_eq!(
        main_error(quote!(0)),
        ["expected a key, like `workers = 4`, not a value alone: #[barista::main] takes `workers`, `timeline`, `summary`, `trace`, `start_paused` and `chrome_trace`"]
    );
    assert_eq!(
        task_error(quote!(4)),
        ["expected a key, like `name = \"take_order\"`, not a value alone: #[barista::task] takes `name`, `preempt` and `twin`"]
    );
    // A bare value is one mistake among others, each reported.
    assert_eq!(
        main_error(quote!(2, timeline = 1)),
        [
            "a value needs its key: write `workers = 2`",
            "`timeline` is a flag and takes no value: write `timeline` alone, or leave it out",
        ]
    );
}
