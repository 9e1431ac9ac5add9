//! `#[barista::test(...)]`: its keys, the raw configuration they fill, and
//! the rules between them.

use proc_macro2::{Span, TokenStream};

use super::keys::{self, Attr, Key};
use super::values::{self, Given};
use super::PAUSED_NEEDS_ONE_WORKER;
use crate::errors::Errors;

/// What `#[barista::test(...)]` asks for.
pub(crate) struct TestConfig {
    pub(crate) workers: Vec<usize>,
    pub(crate) repeat: u32,
    pub(crate) seed: Option<u64>,
    pub(crate) start_paused: bool,
    /// The limit of one run.
    pub(crate) timeout_ms: u64,
    /// The limit of all the runs at one worker count together.
    pub(crate) total_timeout_ms: u64,
    /// Compare only recorded results across worker counts, not task counts.
    pub(crate) results_only: bool,
    /// `explore = N`: how many schedules, and the strategy's name.
    pub(crate) explore: Option<(u32, Strategy)>,
    /// Called with each generated test's name as it starts; what it returns
    /// is dropped when the test ends (a grader's record of finished tests).
    pub(crate) verdict: Option<syn::Path>,
}

impl Default for TestConfig {
    fn default() -> Self {
        Raw::default().config()
    }
}

/// How long one run may take unless the test says otherwise.
const DEFAULT_TIMEOUT_MS: u64 = 60_000;

/// How long all the runs at one worker count may take together unless the
/// test says otherwise (or `timeout_ms` is longer): ten minutes, so that
/// `repeat` cannot make a slow test hang the suite for hours.
const DEFAULT_TOTAL_TIMEOUT_MS: u64 = 600_000;

/// The keys as written, each with its key's span.
#[derive(Default)]
struct Raw {
    workers: Option<(Vec<usize>, Span)>,
    repeat: Option<(u32, Span)>,
    seed: Option<(u64, Span)>,
    start_paused: Option<(bool, Span)>,
    timeout_ms: Option<(u64, Span)>,
    total_timeout_ms: Option<(u64, Span)>,
    results_only: Option<(bool, Span)>,
    explore: Option<(u32, Span)>,
    strategy: Option<(Strategy, Span)>,
    verdict: Option<(syn::Path, Span)>,
}

/// The strategies of `barista::explore::Strategy`, by the name the key takes
/// (this crate cannot depend on barista, which depends on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Strategy {
    Mixed,
    Pct,
    Random,
    Exhaustive,
}

impl Strategy {
    const ALL: [(&'static str, Strategy); 4] = [
        ("mixed", Strategy::Mixed),
        ("pct", Strategy::Pct),
        ("random", Strategy::Random),
        ("exhaustive", Strategy::Exhaustive),
    ];

    /// The variant's name in `barista::explore::Strategy`.
    pub(crate) fn variant(self) -> &'static str {
        match self {
            Strategy::Mixed => "Mixed",
            Strategy::Random => "Random",
            Strategy::Pct => "Pct",
            Strategy::Exhaustive => "Exhaustive",
        }
    }
}

const TEST: Attr<Raw> = Attr {
    name: "#[barista::test]",
    keys: &[
        Key::value("workers", "`workers = [1, 2, 4]`", |raw, given| {
            values::worker_counts(given).map(|counts| raw.workers = Some((counts, given.span)))
        }),
        Key::value("repeat", "`repeat = 10`", |raw, given| {
            let msg = "`repeat` must be at least 1: it is how many times each worker count runs";
            values::positive(given, msg).map(|n| raw.repeat = Some((n, given.span)))
        }),
        Key::value("seed", "`seed = 42`", |raw, given| {
            let msg = "the seed cannot be negative: it is a `u64`, like `seed = 42`";
            values::integer(given, msg).map(|(n, _)| raw.seed = Some((n, given.span)))
        }),
        Key::value("start_paused", "`start_paused = true`", |raw, given| {
            values::boolean(given).map(|on| raw.start_paused = Some((on, given.span)))
        }),
        Key::value("timeout_ms", "`timeout_ms = 5000`", |raw, given| {
            let msg =
                "`timeout_ms` must be at least 1: it is how many milliseconds one run may take";
            values::positive(given, msg).map(|n| raw.timeout_ms = Some((n, given.span)))
        }),
        Key::value(
            "total_timeout_ms",
            "`total_timeout_ms = 120000`",
            |raw, given| {
                let msg = "`total_timeout_ms` must be at least 1: it is how many milliseconds all the runs at one worker count may take";
                values::positive(given, msg).map(|n| raw.total_timeout_ms = Some((n, given.span)))
            },
        ),
        Key::value("explore", "`explore = 200`", |raw, given| {
            let msg =
                "`explore` must be at least 1: it is how many schedules to try after the baseline";
            values::positive(given, msg).map(|n| raw.explore = Some((n, given.span)))
        }),
        Key::value("strategy", "`strategy = \"pct\"`", |raw, given| {
            strategy(given).map(|s| raw.strategy = Some((s, given.span)))
        }),
        Key::value("compare", "`compare = \"results\"`", |raw, given| {
            compare(given).map(|only| raw.results_only = Some((only, given.span)))
        }),
        Key::value(
            "verdict",
            "`verdict = crate::grading::started`",
            |raw, given| {
                values::function_path(given).map(|path| raw.verdict = Some((path, given.span)))
            },
        ),
    ],
};

/// `compare = "summary"` (false) or `compare = "results"` (true: results only).
fn compare(given: &Given) -> syn::Result<bool> {
    let lit = values::string(given, "expected \"summary\" or \"results\"")?;
    match lit.value().as_str() {
        "summary" => Ok(false),
        "results" => Ok(true),
        other => Err(syn::Error::new(
            lit.span(),
            format!("`compare` is \"summary\" (the default: task counts and recorded results) or \"results\" (recorded results only, for programs that spawn one task per worker), not {other:?}"),
        )),
    }
}

/// `strategy = "mixed" | "pct" | "random" | "exhaustive"`.
fn strategy(given: &Given) -> syn::Result<Strategy> {
    let lit = values::string(
        given,
        "expected \"mixed\", \"pct\", \"random\" or \"exhaustive\"",
    )?;
    let name = lit.value();
    if let Some(&(_, strategy)) = Strategy::ALL.iter().find(|(known, _)| *known == name) {
        return Ok(strategy);
    }
    let closest = Strategy::ALL
        .iter()
        .map(|(known, _)| (strsim::levenshtein(&name, known), *known))
        .min()
        .filter(|&(distance, _)| distance <= 2);
    let hint = closest.map_or(String::new(), |(_, known)| {
        format!("did you mean \"{known}\"? ")
    });
    Err(syn::Error::new(
        lit.span(),
        format!("unknown strategy {name:?}: {hint}`strategy` is \"mixed\" (the default: pct and exhaustive in turn), \"pct\" (one to three switches at random points), \"random\" (many switches) or \"exhaustive\" (every schedule with one switch, then two, ...)"),
    ))
}

pub(crate) fn test_config(args: TokenStream) -> syn::Result<TestConfig> {
    let mut errors = Errors::default();
    let raw = keys::read(args, &TEST, &mut errors);
    // The rules between keys judge valid values only.
    errors.into_result()?;
    raw.build()
}

impl Raw {
    /// The configuration, once paused time has one worker and one run fits
    /// in the time of all of them.
    fn build(self) -> syn::Result<TestConfig> {
        let mut errors = Errors::default();
        if let Some((true, key)) = self.start_paused {
            let several =
                (self.workers.as_ref()).is_none_or(|(counts, _)| counts.iter().any(|&n| n != 1));
            if several {
                errors.push(syn::Error::new(
                    key,
                    format!("`start_paused = true` needs every worker count to be 1, like `workers = 1`: {PAUSED_NEEDS_ONE_WORKER}"),
                ));
            }
        }
        if let (Some((one, _)), Some((all, key))) = (self.timeout_ms, self.total_timeout_ms) {
            if all < one {
                errors.push(syn::Error::new(
                    key,
                    format!("`total_timeout_ms = {all}` is less than `timeout_ms = {one}`: the limit of all the runs at one worker count cannot be shorter than the limit of one run"),
                ));
            }
        }
        if let Some((_, key)) = self.explore {
            let counts = self
                .workers
                .as_ref()
                .map_or(&[1, 2, 4][..], |(c, _)| c.as_slice());
            if !counts.contains(&1) {
                errors.push(syn::Error::new(
                    key,
                    "`explore` needs 1 among the worker counts, like `workers = [1, 2]`: schedules replay exactly only at one worker (at more, exploration can only stress with seeded runs)",
                ));
            }
            if let Some((_, repeat)) = self.repeat {
                errors.push(syn::Error::new(
                    repeat,
                    "leave out `repeat` with `explore`: `explore = N` already runs N schedules at 1 worker and N seeded runs at each other worker count",
                ));
            }
        } else if let Some((_, key)) = self.strategy {
            errors.push(syn::Error::new(
                key,
                "`strategy` says how `explore` chooses schedules: add `explore = 200`, or remove `strategy`",
            ));
        }
        errors.into_result().map(|()| self.config())
    }

    /// The keys' values, and the defaults of the keys left out.
    fn config(self) -> TestConfig {
        let timeout_ms = self.timeout_ms.map_or(DEFAULT_TIMEOUT_MS, |(n, _)| n);
        TestConfig {
            workers: self
                .workers
                .map_or_else(|| vec![1, 2, 4], |(counts, _)| counts),
            repeat: self.repeat.map_or(1, |(n, _)| n),
            seed: self.seed.map(|(n, _)| n),
            start_paused: self.start_paused.is_some_and(|(on, _)| on),
            timeout_ms,
            total_timeout_ms: self
                .total_timeout_ms
                .map_or(DEFAULT_TOTAL_TIMEOUT_MS.max(timeout_ms), |(n, _)| n),
            results_only: self.results_only.is_some_and(|(only, _)| only),
            explore: self
                .explore
                .map(|(n, _)| (n, self.strategy.map_or(Strategy::Mixed, |(s, _)| s))),
            verdict: self.verdict.map(|(path, _)| path),
        }
    }
}
