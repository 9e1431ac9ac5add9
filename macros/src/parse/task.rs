//! `#[barista::task(...)]`: its keys and the raw configuration they fill.

use proc_macro2::{Span, TokenStream};
use syn::LitStr;

use super::keys::{self, Attr, Key};
use super::values;
use crate::errors::Errors;

/// What `#[barista::task(...)]` asks for.
pub(crate) struct TaskConfig {
    pub(crate) name: Option<LitStr>,
    /// Where the `preempt` key is: an error about it, or about a yield it
    /// inserts, points there.
    pub(crate) preempt: Option<Span>,
    /// Whether to generate the uninstrumented twin `NAME_plain` (asked
    /// for: a trait impl can hold only the trait's methods, and an
    /// attribute cannot see the impl it is in).
    pub(crate) twin: bool,
}

impl Default for TaskConfig {
    fn default() -> Self {
        Raw::default().config()
    }
}

/// The keys as written, each with its key's span.
#[derive(Default)]
struct Raw {
    name: Option<(LitStr, Span)>,
    preempt: Option<Span>,
    twin: Option<Span>,
}

const TASK: Attr<Raw> = Attr {
    name: "#[barista::task]",
    keys: &[
        Key::value("name", "`name = \"take_order\"`", |raw, given| {
            let empty =
                "the task name must not be empty: leave `name` out to use the function's name";
            values::string(given, empty).map(|name| raw.name = Some((name, given.span)))
        }),
        Key::flag("preempt", |raw, span| raw.preempt = Some(span)),
        Key::flag("twin", |raw, span| raw.twin = Some(span)),
    ],
};

pub(crate) fn task_config(args: TokenStream) -> syn::Result<TaskConfig> {
    let mut errors = Errors::default();
    let raw = keys::read(args, &TASK, &mut errors);
    errors.into_result().map(|()| raw.config())
}

impl Raw {
    /// The keys' values, and the defaults of the keys left out. No rule
    /// joins them: `preempt` on a sync fn is the function's mistake.
    fn config(self) -> TaskConfig {
        TaskConfig {
            name: self.name.map(|(name, _)| name),
            preempt: self.preempt,
            twin: self.twin.is_some(),
        }
    }
}
