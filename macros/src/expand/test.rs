//! `#[barista::test]`: the `async fn` stays as written, and a module of the
//! same name holds one `#[test]` per worker count. A function and a module
//! may share a name: values and types live in different namespaces.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, quote_spanned, ToTokens};
use syn::{parse_quote, AttrStyle, Attribute, ImplItemFn};

use super::{option, with_errors};
use crate::errors::Errors;
use crate::item;
use crate::parse::{self, TestConfig};

const ATTR: &str = "#[barista::test]";

pub(crate) fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let config = errors.ok(parse::test_config(args));
    let mut func = match item::parse_fn(item.clone(), ATTR, "an `async fn`") {
        Ok(func) => func,
        Err(error) => {
            errors.push(error);
            return with_errors(item, errors);
        }
    };
    let mut signature = Errors::default();
    let params = "#[barista::test] function cannot take parameters";
    item::check_entry_signature(&func.sig, ATTR, params, &mut signature);
    if !item::returns_unit(&func.sig.output) {
        let msg = "#[barista::test] function must return `()`: fail the test by panicking, with `assert!` or `.unwrap()`";
        signature.push(syn::Error::new_spanned(&func.sig.output, msg));
    }
    let attrs = Attrs::split(std::mem::take(&mut func.attrs), &mut errors);
    let tokens = if signature.is_empty() {
        expand(func, attrs, &config.unwrap_or_default())
    } else {
        // Kept as written for the errors in its body to show, minus the
        // test attributes, which would add errors of their own.
        func.attrs = attrs.cfg.into_iter().chain(attrs.own).collect();
        quote!(#[allow(dead_code)] #func)
    };
    errors.append(signature);
    with_errors(tokens, errors)
}

/// The function's attributes, by where they go.
struct Attrs {
    /// `#[cfg]`: on the function and on the module.
    cfg: Vec<Attribute>,
    /// `#[should_panic]`, `#[ignore]`: on each generated test.
    tests: Vec<Attribute>,
    /// The rest, doc comments included: on the function.
    own: Vec<Attribute>,
}

impl Attrs {
    /// Sorts `attrs`; a test attribute of its own (`#[test]`,
    /// `#[tokio::test]`) is reported and dropped.
    fn split(attrs: Vec<Attribute>, errors: &mut Errors) -> Attrs {
        let mut split = Attrs {
            cfg: Vec::new(),
            tests: Vec::new(),
            own: Vec::new(),
        };
        for attr in attrs {
            let path = attr.path();
            if let AttrStyle::Inner(_) = attr.style {
                // `#![...]` in the body stays there.
                split.own.push(attr);
            } else if path.segments.last().is_some_and(|s| s.ident == "test") {
                let path = path.to_token_stream().to_string().replace(' ', "");
                let msg = format!(
                    "remove #[{path}]: #[barista::test] generates one test per worker count"
                );
                errors.push(syn::Error::new_spanned(&attr, msg));
            } else if path.is_ident("cfg") {
                split.cfg.push(attr);
            } else if path.is_ident("should_panic")
                || path.is_ident("ignore")
                || is_test_cfg_attr(&attr)
            {
                split.tests.push(attr);
            } else {
                split.own.push(attr);
            }
        }
        split
    }
}

/// `#[cfg_attr(miri, ignore)]` and the like.
fn is_test_cfg_attr(attr: &Attribute) -> bool {
    let syn::Meta::List(list) = &attr.meta else {
        return false;
    };
    list.path.is_ident("cfg_attr")
        && list.tokens.clone().into_iter().any(|token| {
            matches!(token, proc_macro2::TokenTree::Ident(i) if i == "ignore" || i == "should_panic")
        })
}

fn expand(mut func: ImplItemFn, attrs: Attrs, config: &TestConfig) -> TokenStream {
    let Attrs {
        cfg,
        tests: test_attrs,
        own,
    } = attrs;
    // The body need not `.await`, but the function must stay `async`.
    let allow: Attribute = parse_quote!(#[allow(clippy::unused_async)]);
    func.attrs = cfg.iter().cloned().chain([allow]).chain(own).collect();
    let ident = &func.sig.ident;
    let TestConfig {
        workers,
        repeat,
        seed,
        start_paused,
        timeout_ms,
        total_timeout_ms,
        results_only,
        explore,
        verdict,
    } = config;
    let explore = option(explore.as_ref().map(|&(n, strategy)| {
        let n = Literal::u32_unsuffixed(n);
        let variant = format_ident!("{}", strategy.variant());
        quote!((#n, ::barista::explore::Strategy::#variant))
    }));
    let counts = workers.iter().map(|&n| Literal::usize_unsuffixed(n));
    let repeat = Literal::u32_unsuffixed(*repeat);
    let timeout_ms = Literal::u64_unsuffixed(*timeout_ms);
    let total_timeout_ms = Literal::u64_unsuffixed(*total_timeout_ms);
    let seed = option(seed.map(Literal::u64_unsuffixed));
    let tests = workers.iter().map(|&n| {
        let name = format_ident!("workers_{n}");
        let n = Literal::usize_unsuffixed(n);
        // Made before the body runs, dropped after it returns.
        let verdict = verdict.as_ref().map(|path| {
            let test = format!("::{name}");
            // A bare name is the caller's: seen from the generated module, `super::`.
            let path = if path.get_ident().is_some() {
                quote!(super::#path)
            } else {
                quote!(#path)
            };
            quote!(let _verdict = #path(::core::concat!(::core::module_path!(), #test));)
        });
        quote! {
            #[::core::prelude::v1::test]
            #(#test_attrs)*
            pub(super) fn #name() {
                #verdict
                ::barista::__private::run_test_case(&CASE, #n)
            }
        }
    });
    // Located at the function's name: a future that is not `Send` is
    // reported as "future returned by `name`", there.
    let body = quote_spanned!(ident.span()=> ::std::boxed::Box::pin(super::#ident()));
    quote! {
        #func

        #(#cfg)*
        mod #ident {
            // Used only by the tests: a non-test build keeps it to type-check the body.
            #[allow(dead_code)]
            static CASE: ::barista::__private::TestCase = ::barista::__private::TestCase {
                name: ::core::module_path!(),
                workers: &[#(#counts),*],
                repeat: #repeat,
                seed: #seed,
                start_paused: #start_paused,
                timeout_ms: #timeout_ms,
                total_timeout_ms: #total_timeout_ms,
                results_only: #results_only,
                explore: #explore,
                package: ::core::env!("CARGO_PKG_NAME"),
                body: || #body,
                baseline: ::barista::__private::Baseline::new(),
            };

            #(#tests)*
        }
    }
}
