//! `#[barista::main(...)]`: its keys, the raw configuration they fill, and
//! the rule between them.

use proc_macro2::{Span, TokenStream};
use syn::LitStr;

use super::keys::{self, Attr, Key};
use super::{values, PAUSED_NEEDS_ONE_WORKER};
use crate::errors::Errors;

/// What `#[barista::main(...)]` asks for.
#[allow(clippy::struct_excessive_bools)] // one per key, as `MainOptions` has
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
        Raw::default().config()
    }
}

/// The keys as written, each with its key's span.
#[derive(Default)]
struct Raw {
    workers: Option<(usize, Span)>,
    timeline: Option<Span>,
    summary: Option<Span>,
    trace: Option<(bool, Span)>,
    start_paused: Option<(bool, Span)>,
    chrome_trace: Option<(LitStr, Span)>,
}

const MAIN: Attr<Raw> = Attr {
    name: "#[barista::main]",
    keys: &[
        Key::value("workers", "`workers = 4`", |raw, given| {
            values::worker_limit(given).map(|n| raw.workers = Some((n, given.span)))
        }),
        Key::flag("timeline", |raw, span| raw.timeline = Some(span)),
        Key::flag("summary", |raw, span| raw.summary = Some(span)),
        Key::value("trace", "`trace = false`", |raw, given| {
            values::boolean(given).map(|on| raw.trace = Some((on, given.span)))
        }),
        Key::value("start_paused", "`start_paused = true`", |raw, given| {
            values::boolean(given).map(|on| raw.start_paused = Some((on, given.span)))
        }),
        Key::value(
            "chrome_trace",
            "`chrome_trace = \"trace.json\"`",
            |raw, given| {
                let empty = "the chrome trace path must not be empty: give a file name, like `chrome_trace = \"trace.json\"`";
                values::string(given, empty).map(|path| raw.chrome_trace = Some((path, given.span)))
            },
        ),
    ],
};

pub(crate) fn main_config(args: TokenStream) -> syn::Result<MainConfig> {
    let mut errors = Errors::default();
    let raw = keys::read(args, &MAIN, &mut errors);
    // The rule between keys judges valid values only.
    errors.into_result()?;
    raw.build()
}

impl Raw {
    /// The configuration, once `start_paused = true` has one worker.
    fn build(self) -> syn::Result<MainConfig> {
        if let Some((true, key)) = self.start_paused {
            let msg = match self.workers {
                Some((1, _)) => None,
                Some((n, _)) => Some(format!(
                    "`start_paused = true` needs `workers = 1`, not {n}: {PAUSED_NEEDS_ONE_WORKER}"
                )),
                None => Some(format!(
                    "`start_paused = true` needs `workers = 1` as well: {PAUSED_NEEDS_ONE_WORKER}"
                )),
            };
            if let Some(msg) = msg {
                return Err(syn::Error::new(key, msg));
            }
        }
        Ok(self.config())
    }

    /// The keys' values, and the defaults of the keys left out.
    fn config(self) -> MainConfig {
        MainConfig {
            workers: self.workers.map(|(n, _)| n),
            timeline: self.timeline.is_some(),
            summary: self.summary.is_some(),
            trace: self.trace.is_none_or(|(on, _)| on),
            start_paused: self.start_paused.is_some_and(|(on, _)| on),
            chrome_trace: self.chrome_trace.map(|(path, _)| path),
        }
    }
}
