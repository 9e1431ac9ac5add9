//! The keys an attribute takes, and the one loop that reads them: each key
//! once, known, written as a flag or with a value as its table says, into
//! the attribute's raw configuration.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, Meta, Token};

use super::values::{ungroup, Given};
use crate::errors::Errors;

/// An attribute: its name in messages and its keys, in the order its
/// messages list them.
pub(super) struct Attr<Raw: 'static> {
    pub(super) name: &'static str,
    pub(super) keys: &'static [Key<Raw>],
}

/// One key: its name, and how it is read into `Raw`.
pub(super) struct Key<Raw> {
    name: &'static str,
    read: Read<Raw>,
}

enum Read<Raw> {
    /// A flag, written alone (`timeline`); given the key's span.
    Flag(fn(&mut Raw, Span)),
    /// `key = value`; `example` is the key written out, for its messages.
    Value {
        example: &'static str,
        read: fn(&mut Raw, &Given) -> syn::Result<()>,
    },
}

impl<Raw> Key<Raw> {
    pub(super) const fn flag(name: &'static str, set: fn(&mut Raw, Span)) -> Self {
        Key {
            name,
            read: Read::Flag(set),
        }
    }

    pub(super) const fn value(
        name: &'static str,
        example: &'static str,
        read: fn(&mut Raw, &Given) -> syn::Result<()>,
    ) -> Self {
        Key {
            name,
            read: Read::Value { example, read },
        }
    }
}

/// Reads `args` into a `Raw`, recording every mistake in `errors`.
pub(super) fn read<Raw: Default>(args: TokenStream, attr: &Attr<Raw>, errors: &mut Errors) -> Raw {
    let mut raw = Raw::default();
    let args = match Punctuated::<Arg, Token![,]>::parse_terminated.parse2(args) {
        Ok(args) => args,
        Err(error) => {
            errors.push(error);
            return raw;
        }
    };
    let mut seen: Vec<&str> = Vec::new();
    for arg in args {
        let meta = match arg {
            Arg::Key(meta) => meta,
            Arg::Bare(value) => {
                errors.push(bare_value(ungroup(&value), attr));
                continue;
            }
        };
        let Some(ident) = meta.path().get_ident() else {
            let first = attr.keys.first().map_or("", |key| key.name);
            let msg = format!("expected a key like `{first}`, not a path");
            errors.push(syn::Error::new_spanned(meta.path(), msg));
            continue;
        };
        let Some(key) = attr.keys.iter().find(|key| ident == key.name) else {
            errors.push(unknown_key(ident, attr));
            continue;
        };
        if seen.contains(&key.name) {
            let msg = format!("`{ident}` given twice");
            errors.push(syn::Error::new(ident.span(), msg));
            continue;
        }
        seen.push(key.name);
        errors.ok(read_key(&mut raw, key, ident, &meta));
    }
    raw
}

/// One argument: `key`, `key = value`, `key(...)`, or a value alone.
enum Arg {
    Key(Meta),
    Bare(Expr),
}

impl Parse for Arg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.peek(Ident) || input.peek(Token![::]) {
            input.parse().map(Arg::Key)
        } else {
            input.parse().map(Arg::Bare)
        }
    }
}

fn read_key<Raw>(raw: &mut Raw, key: &Key<Raw>, ident: &Ident, meta: &Meta) -> syn::Result<()> {
    let name = key.name;
    match (&key.read, meta) {
        (Read::Flag(set), Meta::Path(_)) => {
            set(raw, ident.span());
            Ok(())
        }
        (Read::Flag(_), Meta::NameValue(nv)) => {
            let (eq, value) = (&nv.eq_token, &nv.value);
            Err(syn::Error::new_spanned(
                quote!(#eq #value),
                flag_alone(name),
            ))
        }
        (Read::Flag(_), Meta::List(list)) => Err(syn::Error::new(
            list.delimiter.span().join(),
            flag_alone(name),
        )),
        (Read::Value { example, read }, Meta::NameValue(nv)) => read(
            raw,
            &Given {
                name,
                example,
                value: ungroup(&nv.value),
                span: ident.span(),
            },
        ),
        (Read::Value { example, .. }, Meta::Path(_)) => Err(syn::Error::new(
            ident.span(),
            format!("`{name}` needs a value, like {example}"),
        )),
        (Read::Value { example, .. }, Meta::List(list)) => Err(syn::Error::new(
            list.delimiter.span().join(),
            format!("expected `=` and a value after `{name}`, like {example}"),
        )),
    }
}

fn flag_alone(name: &str) -> String {
    format!("`{name}` is a flag and takes no value: write `{name}` alone, or leave it out")
}

/// A value without its key, `#[barista::main(4)]`: names the first key
/// that would take it.
fn bare_value<Raw: Default>(value: &Expr, attr: &Attr<Raw>) -> syn::Error {
    let values = attr.keys.iter().filter_map(|key| match key.read {
        Read::Value { example, read } => Some((key.name, example, read)),
        Read::Flag(_) => None,
    });
    let mut takers = values.clone().filter(|&(name, example, read)| {
        let span = Span::call_site();
        let given = Given {
            name,
            example,
            value,
            span,
        };
        read(&mut Raw::default(), &given).is_ok()
    });
    let msg = if let Some((name, _, _)) = takers.next() {
        format!(
            "a value needs its key: write `{name} = {}`",
            as_written(value)
        )
    } else {
        let example = values.map(|(_, example, _)| example).next().unwrap_or("");
        let (attr_name, list) = (attr.name, key_list(attr));
        format!("expected a key, like {example}, not a value alone: {attr_name} takes {list}")
    };
    syn::Error::new_spanned(value, msg)
}

/// `value` as the user wrote it, where the compiler still has the text.
fn as_written(value: &Expr) -> String {
    let tokens = value.to_token_stream();
    let mut trees = tokens.clone().into_iter();
    // One token tree (a literal, a `[...]` list) spans its whole text.
    match (trees.next(), trees.next()) {
        (Some(tree), None) => tree.span().source_text(),
        _ => None,
    }
    .unwrap_or_else(|| tokens.to_string())
}

fn unknown_key<Raw>(key: &Ident, attr: &Attr<Raw>) -> syn::Error {
    let (attr_name, list) = (attr.name, key_list(attr));
    let msg = match suggestion(&key.to_string(), attr) {
        Some(known) => {
            format!("unknown key `{key}`: did you mean `{known}`? {attr_name} takes {list}")
        }
        None => format!("unknown key `{key}`: {attr_name} takes {list}"),
    };
    syn::Error::new(key.span(), msg)
}

/// "`workers`, `timeline` and `summary`".
fn key_list<Raw>(attr: &Attr<Raw>) -> String {
    let quoted: Vec<String> = attr.keys.iter().map(|k| format!("`{}`", k.name)).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The known key a typo most likely meant: at most two edits away.
fn suggestion<Raw>(key: &str, attr: &Attr<Raw>) -> Option<&'static str> {
    let names = attr.keys.iter().map(|k| k.name);
    // tokio's name for the worker limit.
    if key == "worker_threads" {
        return names.clone().find(|&name| name == "workers");
    }
    names
        .map(|name| (strsim::levenshtein(key, name), name))
        .filter(|&(distance, _)| distance <= 2)
        .min_by_key(|&(distance, _)| distance)
        .map(|(_, name)| name)
}
