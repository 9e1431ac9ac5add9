//! What a raw token stream may not hold: names, attributes and macro
//! calls, with what each refusal tells the student.

use proc_macro2::{Delimiter, Group, Ident, TokenStream, TokenTree};
use syn::ext::IdentExt;

use super::{shadowable, Found};

/// Why an identifier is refused wherever it appears in the tokens: as a
/// macro, in a `use`, in a macro's input (where another macro could turn it
/// into a call), or as an attribute.
pub(super) fn forbidden_ident(name: &str) -> Option<String> {
    let why = match name {
        "include" | "include_str" | "include_bytes" => {
            "it reads another file into the program when it is built"
        }
        "option_env" => "it reads the grader's environment variables when the file is built",
        "concat_idents" => "it makes up names that the grader cannot check",
        "asm" | "global_asm" | "naked_asm" => "it is inline assembly",
        // `path`, `link` and `used` are ordinary words too: refused as
        // attributes only (a `mod x;` or an `extern` block they would need
        // is refused anyway).
        "path" | "link" | "used" => return None,
        _ => return forbidden_attribute(name).map(|why| attribute_refusal(name, why)),
    };
    Some(format!("`{name}!` is not allowed in a submission: {why}"))
}

/// Why an attribute is refused, if it is.
pub(super) fn forbidden_attribute(name: &str) -> Option<&'static str> {
    Some(match name {
        "path" => "it loads a module from another file",
        "macro_export" => "a submission may not export macros",
        "macro_use" => "it brings in macros from elsewhere",
        "link_section" | "no_mangle" | "export_name" | "link" | "link_name" | "used"
        | "linkage" => "it changes how the program is linked",
        "proc_macro" | "proc_macro_derive" | "proc_macro_attribute" => {
            "a submission may not define procedural macros"
        }
        "global_allocator" => "it replaces the memory allocator",
        "panic_handler" => "it replaces the panic handler",
        _ => return None,
    })
}

pub(super) fn attribute_refusal(name: &str, why: &str) -> String {
    format!("`#[{name}]` is not allowed in a submission: {why}")
}

pub(super) const UNSAFE_ATTRIBUTE: &str =
    "`#[unsafe(...)]` attributes are not allowed in a submission: they change how the program is linked";
pub(super) const DOLLAR_ATTRIBUTE: &str =
    "an attribute named by a macro's input (`#[$name]`) is not allowed in a submission";
pub(super) const ENV: &str = "`env!` is not allowed in a submission: it reads the grader's environment variables when the file is built";
pub(super) const ENV_IN_MACRO: &str = "`env` in a macro's input is not allowed in a submission: a macro could turn it into `env!`, which reads the grader's environment variables when the file is built";
pub(super) const ENV_IMPORT: &str = "importing `env` is not allowed in a submission: it would bring in `env!`, which reads the grader's environment variables when the file is built (write the full path instead, e.g. `std::env::args()`)";
pub(super) const OUT_OF_LINE: &str = "`mod NAME;` is not allowed in a submission: it loads a module from another file (write the module here, `mod NAME { ... }`)";
pub(super) const EXTERN_CRATE: &str =
    "`extern crate` is not allowed in a submission: use only the crates the exercises already have";
pub(super) const EXTERN_BLOCK: &str = "`extern` blocks are not allowed in a submission: they declare functions from outside the program";
pub(super) const EXTERN_OTHER: &str = "`extern` is allowed only in front of `fn` in a submission";
pub(super) const MACRO_NAME: &str = "`macro_rules!` must be followed by a plain name in a submission: a macro whose name comes from a macro's input could shadow a macro the tests use";
pub(super) const RENAME_FROM_INPUT: &str =
    "`as` followed by a macro's input is not allowed in a submission: it could rename something to a macro the tests use";
pub(super) const INNER_ATTRIBUTE: &str = "`#![...]` at the top of the file is not allowed in a submission: it would apply to the whole test crate";

pub(super) fn shadows(name: &str) -> String {
    format!("defines a macro named `{name}`, which would shadow the `{name}!` the tests use")
}

pub(super) fn renames(name: &str) -> String {
    format!("renames something to `{name}`, which would shadow the `{name}!` the tests use")
}

pub(super) fn is_punct(token: Option<&TokenTree>, c: char) -> bool {
    matches!(token, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

pub(super) fn is_brace(token: Option<&TokenTree>) -> bool {
    matches!(token, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace)
}

/// `!` as a macro call's, not the start of `!=`.
pub(super) fn is_bang(rest: &[TokenTree]) -> bool {
    is_punct(rest.first(), '!') && !is_punct(rest.get(1), '=')
}

/// Scans a raw token stream, recursively through its groups. `strict` for
/// tokens that no parser has given a meaning (a macro's input or body, an
/// attribute's arguments): there `env` is refused wherever it is, and `as`
/// must be followed by a plain name, because another macro could rearrange
/// them.
pub(super) fn scan(stream: &TokenStream, strict: bool, found: &mut Found) {
    let tokens: Vec<TokenTree> = stream.clone().into_iter().collect();
    for (at, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Group(group) => {
                let attribute = match at {
                    0 => false,
                    1 => is_punct(tokens.first(), '#'),
                    _ => {
                        is_punct(tokens.get(at - 1), '#')
                            || is_punct(tokens.get(at - 1), '!')
                                && is_punct(tokens.get(at - 2), '#')
                    }
                };
                if attribute && group.delimiter() == Delimiter::Bracket {
                    check_attribute_tokens(group, found);
                }
                scan(&group.stream(), strict, found);
            }
            TokenTree::Ident(ident) => scan_ident(ident, &tokens[at + 1..], strict, found),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}

pub(super) fn scan_ident(ident: &Ident, rest: &[TokenTree], strict: bool, found: &mut Found) {
    let name = ident.unraw().to_string();
    let span = ident.span();
    if let Some(why) = forbidden_ident(&name) {
        found.at(span, why);
    }
    if name == "env" && (strict || is_bang(rest)) {
        found.at(span, if strict { ENV_IN_MACRO } else { ENV });
    }
    if name == "macro_rules" {
        match rest {
            [bang, TokenTree::Ident(macro_name), ..] if is_punct(Some(bang), '!') => {
                let macro_name = macro_name.unraw().to_string();
                if shadowable(&macro_name) {
                    found.at(span, shadows(&macro_name));
                }
            }
            _ => found.at(span, MACRO_NAME),
        }
    }
    // Keywords: a raw identifier (`r#mod`) is not one.
    match ident.to_string().as_str() {
        "mod" => {
            let after_name = match rest {
                [dollar, TokenTree::Ident(_), after @ ..] if is_punct(Some(dollar), '$') => after,
                [TokenTree::Ident(_), after @ ..] => after,
                _ => &[],
            };
            if !is_brace(after_name.first()) {
                found.at(span, OUT_OF_LINE);
            }
        }
        "extern" => {
            let after_abi = match rest {
                [TokenTree::Literal(_), after @ ..] => after,
                _ => rest,
            };
            match after_abi.first() {
                Some(TokenTree::Ident(next)) if next == "fn" => {}
                Some(TokenTree::Ident(next)) if next == "crate" => found.at(span, EXTERN_CRATE),
                next if is_brace(next) => found.at(span, EXTERN_BLOCK),
                _ => found.at(span, EXTERN_OTHER),
            }
        }
        "macro" => match rest.first() {
            Some(TokenTree::Ident(macro_name)) => {
                let macro_name = macro_name.unraw().to_string();
                if shadowable(&macro_name) {
                    found.at(span, shadows(&macro_name));
                }
            }
            _ => found.at(span, MACRO_NAME),
        },
        "as" => match rest.first() {
            Some(TokenTree::Ident(new_name)) => {
                let new_name = new_name.unraw().to_string();
                if shadowable(&new_name) {
                    found.at(span, renames(&new_name));
                }
            }
            Some(TokenTree::Punct(p)) if strict && p.as_char() == '$' => {
                found.at(span, RENAME_FROM_INPUT);
            }
            None if strict => found.at(span, RENAME_FROM_INPUT),
            _ => {}
        },
        _ => {}
    }
}

/// The tokens of an attribute, `#[...]` or `#![...]`, wherever it is.
pub(super) fn check_attribute_tokens(group: &Group, found: &mut Found) {
    let tokens: Vec<TokenTree> = group.stream().into_iter().collect();
    if let Some(TokenTree::Punct(dollar)) = tokens.first() {
        if dollar.as_char() == '$' {
            found.at(dollar.span(), DOLLAR_ATTRIBUTE);
        }
        return;
    }
    // The attribute's path: `name`, `a::b`, `::a::b`.
    let mut at = 0;
    while at < tokens.len() {
        match &tokens[at] {
            TokenTree::Ident(segment) => {
                let args = match tokens.get(at + 1) {
                    Some(TokenTree::Group(args)) => Some(args.stream()),
                    _ => None,
                };
                check_attribute_name(segment, args.as_ref(), found);
            }
            TokenTree::Punct(p) if p.as_char() == ':' => {}
            _ => break,
        }
        at += 1;
    }
}

/// One segment of an attribute's path; `args` what follows it.
pub(super) fn check_attribute_name(segment: &Ident, args: Option<&TokenStream>, found: &mut Found) {
    if segment == "unsafe" {
        found.at(segment.span(), UNSAFE_ATTRIBUTE);
        return;
    }
    let name = segment.unraw().to_string();
    if let Some(why) = forbidden_attribute(&name) {
        found.at(segment.span(), attribute_refusal(&name, why));
    }
    if name == "cfg_attr" {
        if let Some(args) = args {
            check_cfg_attr(args, found);
        }
    }
}

/// Everything inside `cfg_attr(...)`, recursively: no refused attribute,
/// no `unsafe(...)`, nothing from a macro's input.
pub(super) fn check_cfg_attr(stream: &TokenStream, found: &mut Found) {
    for token in stream.clone() {
        match &token {
            TokenTree::Group(group) => check_cfg_attr(&group.stream(), found),
            TokenTree::Ident(ident) => {
                let name = ident.unraw().to_string();
                if ident == "unsafe" {
                    found.at(
                        ident.span(),
                        format!("`cfg_attr` wrapping {UNSAFE_ATTRIBUTE}"),
                    );
                } else if let Some(why) = forbidden_attribute(&name) {
                    found.at(
                        ident.span(),
                        format!("`cfg_attr` wrapping {}", attribute_refusal(&name, why)),
                    );
                }
            }
            TokenTree::Punct(p) if p.as_char() == '$' => {
                found.at(p.span(), format!("`cfg_attr` wrapping {DOLLAR_ATTRIBUTE}"));
            }
            _ => {}
        }
    }
}
