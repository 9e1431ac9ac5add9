//! The values keys take, each read from its expression, with a spanned
//! error that says what was expected, like the key's example.

use proc_macro2::Span;
use syn::{Expr, ExprLit, ExprUnary, Lit, LitInt, LitStr, UnOp};

use crate::errors::Errors;

/// The most workers a run may have, `barista::MAX_WORKERS` (the same number:
/// this crate cannot depend on barista, which depends on it). 1024 is above
/// the CPU count of the largest machines this course meets (256-512 hardware
/// threads), so no experiment needs more, and far below the thread counts
/// where creating threads starts to fail (each worker reserves a 2 MiB
/// stack): `workers = 100000` is a typo, not a plan.
pub(crate) const MAX_WORKERS: usize = 1024;

const WORKERS_AT_LEAST_ONE: &str = "the worker limit must be at least 1";

/// The value written after a key, with what its messages need.
pub(super) struct Given<'a> {
    pub(super) name: &'static str,
    /// The key written out: "`workers = 4`".
    pub(super) example: &'static str,
    pub(super) value: &'a Expr,
    /// The key's span: where a rule between keys points.
    pub(super) span: Span,
}

/// Looks through the invisible group around a `macro_rules!` `$value:expr`.
pub(super) fn ungroup(expr: &Expr) -> &Expr {
    match expr {
        Expr::Group(group) => ungroup(&group.expr),
        expr => expr,
    }
}

/// `workers = N` in `#[barista::main]`.
pub(super) fn worker_limit(given: &Given) -> syn::Result<usize> {
    let expr = given.value;
    if let Expr::Array(array) = expr {
        let msg = "expected one worker limit, like `workers = 4`: a list of worker counts is for #[barista::test]";
        return Err(syn::Error::new_spanned(array, msg));
    }
    worker_count(expr, "`workers = 4`").map(|(n, _)| n)
}

/// `workers = [1, 2, 4]` or `workers = N` in `#[barista::test]`.
pub(super) fn worker_counts(given: &Given) -> syn::Result<Vec<usize>> {
    let expr = given.value;
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

/// One worker count, 1 to [`MAX_WORKERS`], with its span.
fn worker_count(expr: &Expr, example: &str) -> syn::Result<(usize, Span)> {
    let lit = int_literal(expr, example, WORKERS_AT_LEAST_ONE)?;
    match lit.base10_parse::<usize>() {
        Ok(0) => Err(syn::Error::new(lit.span(), WORKERS_AT_LEAST_ONE)),
        Ok(n) if n <= MAX_WORKERS => Ok((n, lit.span())),
        // Too large for a `usize` is too large all the same.
        _ => Err(syn::Error::new(
            lit.span(),
            format!("the worker limit must be at most {MAX_WORKERS}: beyond the machine's CPUs, more workers add threads, not parallelism"),
        )),
    }
}

/// A whole number of at least 1 that fits `T`; `at_least_one` says why 0
/// or less will not do.
pub(super) fn positive<T: TryFrom<u128> + PartialEq + From<u8>>(
    given: &Given,
    at_least_one: &str,
) -> syn::Result<T> {
    let (n, span) = integer::<T>(given, at_least_one)?;
    if n == T::from(0) {
        return Err(syn::Error::new(span, at_least_one));
    }
    Ok(n)
}

/// A whole number that fits `T`, with its span; `negative` is the message
/// for a minus sign.
pub(super) fn integer<T: TryFrom<u128>>(given: &Given, negative: &str) -> syn::Result<(T, Span)> {
    let lit = int_literal(given.value, given.example, negative)?;
    lit.base10_parse::<u128>()
        .ok()
        .and_then(|n| T::try_from(n).ok())
        .map(|n| (n, lit.span()))
        .ok_or_else(|| {
            // `u32`, `u64`: the type as the user would write it.
            let ty = std::any::type_name::<T>();
            let msg = format!("`{}` is too large: it must fit in a `{ty}`", given.name);
            syn::Error::new(lit.span(), msg)
        })
}

/// An integer literal without sign or suffix.
fn int_literal<'e>(expr: &'e Expr, example: &str, negative: &str) -> syn::Result<&'e LitInt> {
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
    Ok(lit)
}

pub(super) fn boolean(given: &Given) -> syn::Result<bool> {
    if let Expr::Lit(ExprLit {
        lit: Lit::Bool(b), ..
    }) = given.value
    {
        return Ok(b.value);
    }
    let msg = format!("expected `true` or `false`, like {}", given.example);
    Err(syn::Error::new_spanned(given.value, msg))
}

/// A non-empty string literal; `empty` says why an empty one will not do.
pub(super) fn string(given: &Given, empty: &str) -> syn::Result<LitStr> {
    match given.value {
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) if s.value().trim().is_empty() => Err(syn::Error::new(s.span(), empty)),
        Expr::Lit(ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(s.clone()),
        other => {
            let msg = format!("expected a string, like {}", given.example);
            Err(syn::Error::new_spanned(other, msg))
        }
    }
}

/// The path of a function, like `crate::grading::started`.
pub(super) fn function_path(given: &Given) -> syn::Result<syn::Path> {
    match given.value {
        Expr::Path(path) if path.qself.is_none() => Ok(path.path.clone()),
        other => Err(syn::Error::new_spanned(
            other,
            format!("expected the path of a function, like {}", given.example),
        )),
    }
}
