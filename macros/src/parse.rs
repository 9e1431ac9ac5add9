//! The attributes' arguments, read into configurations.
//!
//! Every error is spanned on the token at fault and collected, not returned
//! at the first one, so that one build shows every mistake.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, ExprUnary, Ident, Lit, LitStr, Meta, Token, UnOp};

/// Errors gathered across a macro's checks.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// The value, or `None` with its error recorded.
    pub(crate) fn ok<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|error| self.push(error)).ok()
    }

    pub(crate) fn append(&mut self, other: Errors) {
        if let Some(error) = other.0 {
            self.push(error);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub(crate) fn into_result(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }

    /// A `compile_error!` per error; nothing when there are none.
    pub(crate) fn into_compile_errors(self) -> TokenStream {
        self.0
            .map(syn::Error::into_compile_error)
            .unwrap_or_default()
    }
}

/// What `#[barista::main(...)]` asks for.
pub(crate) struct MainConfig {
    pub(crate) workers: Option<usize>,
    pub(crate) timeline: bool,
    pub(crate) summary: bool,
    pub(crate) trace: bool,
    pub(crate) start_paused: bool,
    pub(crate) chrome_trace: Option<LitStr>,
}

impl Default for MainConfig {
    fn default() -> Self {
        MainConfig {
            workers: None,
            timeline: false,
            summary: false,
            trace: true,
            start_paused: false,
            chrome_trace: None,
        }
    }
}

/// What `#[barista::test(...)]` asks for.
pub(crate) struct TestConfig {
    pub(crate) workers: Vec<usize>,
    pub(crate) repeat: u32,
    pub(crate) seed: Option<u64>,
    pub(crate) start_paused: bool,
    pub(crate) timeout_ms: u64,
    /// Compare only recorded results across worker counts, not task counts.
    pub(crate) results_only: bool,
    /// Called with each generated test's name as it starts; what it returns
    /// is dropped when the test ends (a grader's record of finished tests).
    pub(crate) verdict: Option<syn::Path>,
}

/// How long one run of a `#[barista::test]` may take unless it says otherwise.
const DEFAULT_TIMEOUT_MS: u64 = 60_000;

impl Default for TestConfig {
    fn default() -> Self {
        TestConfig {
            workers: vec![1, 2, 4],
            repeat: 1,
            seed: None,
            start_paused: false,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            results_only: false,
            verdict: None,
        }
    }
}

/// What `#[barista::task(...)]` asks for.
#[derive(Default)]
pub(crate) struct TaskConfig {
    pub(crate) name: Option<LitStr>,
    /// The `preempt` key itself, to point at if the function cannot yield.
    pub(crate) preempt: Option<Ident>,
}

const MAIN: &str = "#[barista::main]";
const TEST: &str = "#[barista::test]";
const TASK: &str = "#[barista::task]";

const MAIN_KEYS: &[&str] = &[
    "workers",
    "timeline",
    "summary",
    "trace",
    "start_paused",
    "chrome_trace",
];
const TEST_KEYS: &[&str] = &[
    "workers",
    "repeat",
    "seed",
    "start_paused",
    "timeout_ms",
    "compare",
    "verdict",
];
const TASK_KEYS: &[&str] = &["name", "preempt"];

const WORKERS_AT_LEAST_ONE: &str = "the worker limit must be at least 1";
const PAUSED_NEEDS_ONE_WORKER: &str =
    "tokio can pause time only on its current-thread runtime, that is with one worker";

pub(crate) fn main_config(args: TokenStream) -> syn::Result<MainConfig> {
    let mut errors = Errors::default();
    let mut config = MainConfig::default();
    // Judged once every key is read: `start_paused` may precede `workers`.
    let mut paused_key = None;
    let mut workers_invalid = false;
    for_each_key(args, MAIN, MAIN_KEYS, &mut errors, |key, meta| {
        match key.to_string().as_str() {
            "workers" => value(&key, meta, "`workers = 4`")
                .and_then(main_workers)
                .map(|n| config.workers = Some(n))
                .inspect_err(|_| workers_invalid = true),
            "timeline" => flag(&key, meta).map(|()| config.timeline = true),
            "summary" => flag(&key, meta).map(|()| config.summary = true),
            "trace" => value(&key, meta, "`trace = false`")
                .and_then(|v| boolean(v, "`trace = false`"))
                .map(|b| config.trace = b),
            "start_paused" => value(&key, meta, "`start_paused = true`")
                .and_then(|v| boolean(v, "`start_paused = true`"))
                .map(|b| {
                    config.start_paused = b;
                    paused_key = b.then_some(key);
                }),
            "chrome_trace" => value(&key, meta, "`chrome_trace = \"trace.json\"`")
                .and_then(|v| {
                    string(
                        v,
                        "`chrome_trace = \"trace.json\"`",
                        "the chrome trace path must not be empty: give a file name, like `chrome_trace = \"trace.json\"`",
                    )
                })
                .map(|path| config.chrome_trace = Some(path)),
            _ => Ok(()), // `for_each_key` passes known keys only.
        }
    });
    if let Some(key) = paused_key {
        match config.workers {
            _ if workers_invalid => {}
            Some(1) => {}
            Some(n) => errors.push(syn::Error::new(
                key.span(),
                format!(
                    "`start_paused = true` needs `workers = 1`, not {n}: {PAUSED_NEEDS_ONE_WORKER}"
                ),
            )),
            None => errors.push(syn::Error::new(
                key.span(),
                format!(
                    "`start_paused = true` needs `workers = 1` as well: {PAUSED_NEEDS_ONE_WORKER}"
                ),
            )),
        }
    }
    errors.into_result().map(|()| config)
}

pub(crate) fn test_config(args: TokenStream) -> syn::Result<TestConfig> {
    let mut errors = Errors::default();
    let mut config = TestConfig::default();
    let mut paused_key = None;
    let mut workers_invalid = false;
    for_each_key(args, TEST, TEST_KEYS, &mut errors, |key, meta| {
        match key.to_string().as_str() {
            "workers" => value(&key, meta, "`workers = [1, 2, 4]`")
                .and_then(test_workers)
                .map(|counts| config.workers = counts)
                .inspect_err(|_| workers_invalid = true),
            "repeat" => value(&key, meta, "`repeat = 10`")
                .and_then(|v| {
                    let msg =
                        "`repeat` must be at least 1: it is how many times each worker count runs";
                    let (n, span) = int::<u32>(v, "repeat", "u32", "`repeat = 10`", msg)?;
                    at_least_one(n, span, msg)
                })
                .map(|n| config.repeat = n),
            "seed" => value(&key, meta, "`seed = 42`")
                .and_then(|v| {
                    let msg = "the seed cannot be negative: it is a `u64`, like `seed = 42`";
                    int::<u64>(v, "seed", "u64", "`seed = 42`", msg)
                })
                .map(|(n, _)| config.seed = Some(n)),
            "timeout_ms" => value(&key, meta, "`timeout_ms = 5000`")
                .and_then(|v| {
                    let msg = "`timeout_ms` must be at least 1: it is how many milliseconds one run may take";
                    let (n, span) = int::<u64>(v, "timeout_ms", "u64", "`timeout_ms = 5000`", msg)?;
                    at_least_one(n, span, msg)
                })
                .map(|n| config.timeout_ms = n),
            "compare" => value(&key, meta, "`compare = \"results\"`")
                .and_then(|v| {
                    let example = "`compare = \"results\"`";
                    let lit = string(v, example, "expected \"summary\" or \"results\"")?;
                    match lit.value().as_str() {
                        "summary" => Ok(false),
                        "results" => Ok(true),
                        other => Err(syn::Error::new(
                            lit.span(),
                            format!("`compare` is \"summary\" (the default: task counts and recorded results) or \"results\" (recorded results only, for programs that spawn one task per worker), not {other:?}"),
                        )),
                    }
                })
                .map(|results_only| config.results_only = results_only),
            "start_paused" => value(&key, meta, "`start_paused = true`")
                .and_then(|v| boolean(v, "`start_paused = true`"))
                .map(|b| {
                    config.start_paused = b;
                    paused_key = b.then_some(key);
                }),
            "verdict" => value(&key, meta, "`verdict = crate::grading::started`")
                .and_then(|v| match v {
                    Expr::Path(path) if path.qself.is_none() => Ok(path.path.clone()),
                    _ => Err(syn::Error::new_spanned(
                        v,
                        "expected the path of a function, like `verdict = crate::grading::started`",
                    )),
                })
                .map(|path| config.verdict = Some(path)),
            _ => Ok(()), // `for_each_key` passes known keys only.
        }
    });
    if let Some(key) = paused_key {
        if !workers_invalid && config.workers.iter().any(|&n| n != 1) {
            errors.push(syn::Error::new(
                key.span(),
                format!("`start_paused = true` needs every worker count to be 1, like `workers = 1`: {PAUSED_NEEDS_ONE_WORKER}"),
            ));
        }
    }
    errors.into_result().map(|()| config)
}

pub(crate) fn task_config(args: TokenStream) -> syn::Result<TaskConfig> {
    let mut errors = Errors::default();
    let mut config = TaskConfig::default();
    for_each_key(args, TASK, TASK_KEYS, &mut errors, |key, meta| {
        match key.to_string().as_str() {
            "preempt" => flag(&key, meta).map(|()| config.preempt = Some(key)),
            "name" => value(&key, meta, "`name = \"take_order\"`")
                .and_then(|v| {
                    string(
                        v,
                        "`name = \"take_order\"`",
                        "the task name must not be empty: leave `name` out to use the function's name",
                    )
                })
                .map(|name| config.name = Some(name)),
            _ => Ok(()), // `for_each_key` passes known keys only.
        }
    });
    errors.into_result().map(|()| config)
}

/// Calls `each` on every `key` or `key = value` of the attribute, in order,
/// once the key is known to be one of `known` and not given before.
fn for_each_key(
    args: TokenStream,
    attr: &str,
    known: &[&str],
    errors: &mut Errors,
    mut each: impl FnMut(Ident, &Meta) -> syn::Result<()>,
) {
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(args) {
        Ok(metas) => metas,
        Err(error) => return errors.push(error),
    };
    let mut seen: Vec<String> = Vec::new();
    for meta in metas {
        let Some(key) = meta.path().get_ident().cloned() else {
            let example = known.first().copied().unwrap_or_default();
            let msg = format!("expected a key like `{example}`, not a path");
            errors.push(syn::Error::new_spanned(meta.path(), msg));
            continue;
        };
        let name = key.to_string();
        if !known.contains(&name.as_str()) {
            errors.push(unknown_key(&key, attr, known));
        } else if seen.contains(&name) {
            errors.push(syn::Error::new(key.span(), format!("`{name}` given twice")));
        } else {
            seen.push(name);
            errors.ok(each(key, &meta));
        }
    }
}

fn unknown_key(key: &Ident, attr: &str, known: &[&str]) -> syn::Error {
    let quoted: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
    let list = match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    };
    let msg = match suggestion(&key.to_string(), known) {
        Some(k) => format!("unknown key `{key}`: did you mean `{k}`? {attr} takes {list}"),
        None => format!("unknown key `{key}`: {attr} takes {list}"),
    };
    syn::Error::new(key.span(), msg)
}

/// The known key a typo most likely meant.
fn suggestion<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    // tokio's name for the worker limit.
    if key == "worker_threads" {
        return known.iter().copied().find(|k| *k == "workers");
    }
    known
        .iter()
        .copied()
        .map(|k| (edit_distance(key, k), k))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

/// A flag is written alone: `timeline`, not `timeline = true`.
fn flag(key: &Ident, meta: &Meta) -> syn::Result<()> {
    let msg = format!("`{key}` is a flag and takes no value: write `{key}` alone, or leave it out");
    match meta {
        Meta::Path(_) => Ok(()),
        Meta::NameValue(nv) => {
            let (eq, value) = (&nv.eq_token, &nv.value);
            Err(syn::Error::new_spanned(quote!(#eq #value), msg))
        }
        Meta::List(list) => Err(syn::Error::new(list.delimiter.span().join(), msg)),
    }
}

/// The `value` of `key = value`.
fn value<'m>(key: &Ident, meta: &'m Meta, example: &str) -> syn::Result<&'m Expr> {
    match meta {
        Meta::NameValue(nv) => Ok(ungroup(&nv.value)),
        Meta::Path(_) => Err(syn::Error::new(
            key.span(),
            format!("`{key}` needs a value, like {example}"),
        )),
        Meta::List(list) => Err(syn::Error::new(
            list.delimiter.span().join(),
            format!("expected `=` and a value after `{key}`, like {example}"),
        )),
    }
}

/// Looks through the invisible group around a `macro_rules!` `$value:expr`.
fn ungroup(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => ungroup(&group.expr),
        expr => expr,
    }
}

/// `workers = N` in `#[barista::main]`.
fn main_workers(expr: &Expr) -> syn::Result<usize> {
    if let Expr::Array(array) = expr {
        let msg = "expected one worker limit, like `workers = 4`: a list of worker counts is for #[barista::test]";
        return Err(syn::Error::new_spanned(array, msg));
    }
    worker_count(expr, "`workers = 4`").map(|(n, _)| n)
}

/// `workers = [1, 2, 4]` or `workers = N` in `#[barista::test]`.
fn test_workers(expr: &Expr) -> syn::Result<Vec<usize>> {
    let Expr::Array(array) = expr else {
        if let Expr::Lit(_) | Expr::Unary(_) = expr {
            return worker_count(expr, "`workers = 4`").map(|(n, _)| vec![n]);
        }
        let msg = "expected a list of worker counts, like `workers = [1, 2, 4]`, or one, like `workers = 4`";
        return Err(syn::Error::new_spanned(expr, msg));
    };
    if array.elems.is_empty() {
        let msg = "`workers` needs at least one worker count, like `workers = [1, 2, 4]`";
        return Err(syn::Error::new_spanned(array, msg));
    }
    let mut errors = Errors::default();
    let mut counts = Vec::new();
    for elem in &array.elems {
        match worker_count(ungroup(elem), "`workers = [1, 2, 4]`") {
            Ok((n, span)) if counts.contains(&n) => errors.push(syn::Error::new(
                span,
                format!("worker count {n} is listed twice"),
            )),
            Ok((n, _)) => counts.push(n),
            Err(error) => errors.push(error),
        }
    }
    errors.into_result().map(|()| counts)
}

fn worker_count(expr: &Expr, example: &str) -> syn::Result<(usize, Span)> {
    let (n, span) = int::<usize>(expr, "workers", "usize", example, WORKERS_AT_LEAST_ONE)?;
    at_least_one(n, span, WORKERS_AT_LEAST_ONE).map(|n| (n, span))
}

fn at_least_one<T: PartialEq + From<u8>>(n: T, span: Span, msg: &str) -> syn::Result<T> {
    if n == T::from(0) {
        return Err(syn::Error::new(span, msg));
    }
    Ok(n)
}

/// An integer literal that fits `T` (named `ty` in messages), with its span.
fn int<T: TryFrom<u128>>(
    expr: &Expr,
    key: &str,
    ty: &str,
    example: &str,
    negative: &str,
) -> syn::Result<(T, Span)> {
    let lit = match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) => lit,
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_), ..
        }) => return Err(syn::Error::new_spanned(expr, negative)),
        _ => {
            let msg = format!("expected an integer, like {example}");
            return Err(syn::Error::new_spanned(expr, msg));
        }
    };
    // A `macro_rules!` `$n:literal` can carry the sign inside the literal.
    if lit.base10_digits().starts_with('-') {
        return Err(syn::Error::new(lit.span(), negative));
    }
    if !lit.suffix().is_empty() {
        let msg = format!(
            "remove the `{}` suffix: write the number alone, like {example}",
            lit.suffix()
        );
        return Err(syn::Error::new(lit.span(), msg));
    }
    lit.base10_parse::<u128>()
        .ok()
        .and_then(|n| T::try_from(n).ok())
        .map(|n| (n, lit.span()))
        .ok_or_else(|| {
            let msg = format!("`{key}` is too large: it must fit in a `{ty}`");
            syn::Error::new(lit.span(), msg)
        })
}

fn boolean(expr: &Expr, example: &str) -> syn::Result<bool> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Bool(b), ..
        }) => Ok(b.value),
        _ => {
            let msg = format!("expected `true` or `false`, like {example}");
            Err(syn::Error::new_spanned(expr, msg))
        }
    }
}

/// A non-empty string literal.
fn string(expr: &Expr, example: &str, empty: &str) -> syn::Result<LitStr> {
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) if s.value().trim().is_empty() => Err(syn::Error::new(s.span(), empty)),
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s.clone()),
        _ => {
            let msg = format!("expected a string, like {example}");
            Err(syn::Error::new_spanned(expr, msg))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(
            main_error(quote!(workers = 99999999999999999999999)),
            ["`workers` is too large: it must fit in a `usize`"]
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
            ["unknown key `repeats`: did you mean `repeat`? #[barista::test] takes `workers`, `repeat`, `seed`, `start_paused`, `timeout_ms`, `compare` and `verdict`"]
        );
        assert_eq!(
            task_error(quote!(preemt)),
            ["unknown key `preemt`: did you mean `preempt`? #[barista::task] takes `name` and `preempt`"]
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
        assert!(config.name.is_none() && config.preempt.is_none());
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
        assert_eq!(main_error(quote!(4)).len(), 1);
        assert_eq!(main_error(quote!(workers = 4 timeline)).len(), 1);
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("worker", "workers"), 1);
        assert_eq!(edit_distance("sumary", "summary"), 1);
        assert_eq!(edit_distance("tiemline", "timeline"), 2);
    }
}
