//! `#[barista::main]`: `async fn main() -> T { BODY }` becomes
//! `fn main() -> T { main_entry(options, async move { BODY }) }`.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{quote, ToTokens};
use syn::{Block, Expr, ImplItemFn, ReturnType, Stmt, Type};

use super::{option, with_errors};
use crate::errors::Errors;
use crate::item;
use crate::parse::{self, MainConfig};

const ATTR: &str = "#[barista::main]";

pub(crate) fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let config = errors.ok(parse::main_config(args));
    let func = match item::parse_fn(item.clone(), ATTR, "an `async fn`") {
        Ok(func) => func,
        Err(error) => {
            errors.push(error);
            return with_errors(item, errors);
        }
    };
    let mut signature = Errors::default();
    let params = "#[barista::main] function cannot take parameters: read command-line arguments with `std::env::args()`";
    item::check_entry_signature(&func.sig, ATTR, params, &mut signature);
    // A sync or `const` function is kept as written: expanding it would only
    // add errors. Any other is expanded despite its errors, or rustc would
    // add "`main` function is not allowed to be `async`" to ours.
    let tokens = if func.sig.asyncness.is_none() || func.sig.constness.is_some() {
        func.into_token_stream()
    } else {
        expand(func, &config.unwrap_or_default())
    };
    errors.append(signature);
    with_errors(tokens, errors)
}

fn expand(mut func: ImplItemFn, config: &MainConfig) -> TokenStream {
    let options = options(config);
    let body = &func.block;
    // `main_entry` returns the body's value, so the return type stays as
    // written. Giving the body that type, as a function body has, lets the
    // body's value coerce to it (`Box<dyn Error>`), guides `?`, and reports a
    // value of the wrong type in the body rather than on the attribute.
    let future = match &func.sig.output {
        ReturnType::Type(_, ty) if matches!(**ty, Type::Never(_)) || item::mentions(ty, "impl") => {
            // `let` cannot name these types.
            quote!(async move #body)
        }
        output => {
            let ty = match output {
                ReturnType::Type(_, ty) => ty.to_token_stream(),
                ReturnType::Default => quote!(()),
            };
            let value = Ident::new("value", Span::mixed_site());
            quote!(async move {
                let #value: #ty = #body;
                #value
            })
        }
    };
    let run = quote!(::barista::__private::main_entry(#options, #future));
    func.sig.asyncness = None;
    func.block = Block {
        brace_token: func.block.brace_token,
        stmts: vec![Stmt::Expr(Expr::Verbatim(run), None)],
    };
    func.into_token_stream()
}

fn options(config: &MainConfig) -> TokenStream {
    let MainConfig {
        workers,
        timeline,
        summary,
        trace,
        start_paused,
        chrome_trace,
    } = config;
    let workers = option(workers.map(Literal::usize_unsuffixed));
    let chrome_trace = option(chrome_trace.as_ref());
    quote! {
        ::barista::__private::MainOptions {
            workers: #workers,
            timeline: #timeline,
            summary: #summary,
            trace: #trace,
            start_paused: #start_paused,
            chrome_trace: #chrome_trace,
        }
    }
}
