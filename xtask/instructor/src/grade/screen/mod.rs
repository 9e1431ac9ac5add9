//! Screening one exercise file before it is built: what a submission may
//! not hold (docs/grading.md, "Intake"), and where it is, by line.
//!
//! The check works on the Rust grammar, not on text: the file is parsed
//! with `syn` and walked with a visitor, and every raw token stream (the
//! whole file, macro bodies, `macro_rules!` definitions, attribute
//! arguments, macro call arguments) is scanned token by token, so nothing
//! hides in a string, a char literal, a comment or a macro's tokens.

mod syntax;
mod tokens;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::visit::Visit;

use syntax::Checker;
use tokens::scan;

/// Brackets nested deeper than this are refused (no exercise needs more):
/// parsing recurses, and a file must not be able to overflow the stack.
const MAX_DEPTH: usize = 64;
/// Operators and keywords that can nest an expression, a type or a pattern
/// (`- - - x`, `&&&T`, `A<A<A>>`, `|x| |y| z`, `else if`), in the whole
/// file; a bound on how deep the parser can recurse.
const MAX_NESTING_TOKENS: usize = 4_000;
/// The stack of the thread that parses and checks one file.
const CHECK_STACK: usize = 256 * 1024 * 1024;

/// What [`refuse`] makes of one file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Screened {
    /// Nothing refused: the file may be built.
    Fine,
    /// Refused: `line N: ` and what was found, for the student.
    Refused(String),
    /// Not valid Rust: `line N: ` and the parser's message.
    Unparsable(String),
}

/// Macros a submission may not define: the pristine tests rely on them.
const SHADOWABLE: &[&str] = &[
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
    "matches",
    "format",
    "write",
    "writeln",
    "println",
    "eprintln",
    "print",
    "eprint",
    "vec",
    "exercise",
];

/// Whether the tests use a macro of this name.
fn shadowable(name: &str) -> bool {
    SHADOWABLE.contains(&name)
}

/// Why a file is refused before it is built, if it is, or why it does not
/// parse. The exercises need none of what is refused; each would let a
/// submission read what it should not (the include macros, `env!`, at
/// compile time), rewrite what a test checks (shadowing `assert!`), or step
/// outside its file (`mod x;`, `#[path]`, linker attributes, `extern`).
pub fn refuse(text: &str) -> Screened {
    // Parsing recurses: check on a thread with a known, large stack (its
    // spans, kept per thread, go with it).
    std::thread::scope(|scope| {
        let checked = std::thread::Builder::new()
            .name("intake".into())
            .stack_size(CHECK_STACK)
            .spawn_scoped(scope, || screen(text));
        match checked {
            Ok(handle) => handle.join().unwrap_or_else(|_| {
                Screened::Refused("the grader could not check this file".into())
            }),
            Err(_) => screen(text),
        }
    })
}

fn screen(text: &str) -> Screened {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.starts_with("#!") && !text[2..].trim_start().starts_with('[') {
        return Screened::Refused(
            "line 1: a `#!` line at the top of the file is not allowed in a submission".into(),
        );
    }
    // Lexing is not recursive; parsing is: bound the nesting first.
    let tokens = match text.parse::<TokenStream>() {
        Ok(tokens) => tokens,
        Err(err) => return Screened::Unparsable(unparsable(&err.into())),
    };
    if let Some(why) = too_nested(&tokens) {
        return Screened::Refused(why);
    }
    let file = match syn::parse_file(text) {
        Ok(file) => file,
        Err(err) => return Screened::Unparsable(unparsable(&err)),
    };
    let mut found = Found::default();
    scan(&tokens, false, &mut found);
    Checker { found: &mut found }.visit_file(&file);
    match found.first {
        Some((line, what)) => Screened::Refused(format!("line {line}: {what}")),
        None => Screened::Fine,
    }
}

/// `line N: ` and syn's message, for a file that does not parse.
fn unparsable(err: &syn::Error) -> String {
    let line = err.span().start().line.max(1);
    let message = err.to_string();
    let message = if message == "cannot parse string into token stream" {
        "the file cannot be split into Rust tokens (an unclosed string, comment or bracket?)"
            .to_string()
    } else {
        message
    };
    format!("line {line}: {message} (the file is not valid Rust, so it was not built)")
}

/// Refuses a file whose brackets nest deeper than [`MAX_DEPTH`] or that
/// holds more than [`MAX_NESTING_TOKENS`] nesting operators and keywords,
/// before anything recursive looks at it.
fn too_nested(tokens: &TokenStream) -> Option<String> {
    let mut stack = vec![tokens.clone().into_iter()];
    let mut nesting = 0;
    while let Some(top) = stack.last_mut() {
        let token = top.next();
        match &token {
            Some(TokenTree::Group(group)) => {
                if stack.len() >= MAX_DEPTH {
                    let line = group.span().start().line;
                    return Some(format!(
                        "line {line}: brackets nest more than {MAX_DEPTH} deep; no exercise needs that"
                    ));
                }
                stack.push(group.stream().into_iter());
            }
            Some(TokenTree::Punct(punct)) => {
                if !matches!(punct.as_char(), ',' | ';' | '.' | ':' | '#' | '\'') {
                    nesting += 1;
                }
            }
            Some(TokenTree::Ident(ident)) => {
                if NESTING_KEYWORDS.contains(&ident.to_string().as_str()) {
                    nesting += 1;
                }
            }
            Some(TokenTree::Literal(_)) => {}
            None => {
                stack.pop();
            }
        }
        if nesting > MAX_NESTING_TOKENS {
            let line = token.map_or(1, |token| token.span().start().line);
            return Some(format!(
                "line {line}: the file holds more than {MAX_NESTING_TOKENS} operators and nesting keywords by here; no exercise needs that many"
            ));
        }
    }
    None
}

/// Keywords that start a nested expression, type or pattern.
const NESTING_KEYWORDS: &[&str] = &[
    "async", "box", "break", "const", "dyn", "else", "fn", "if", "impl", "let", "move", "mut",
    "ref", "return", "static", "unsafe", "yield",
];

/// The first refusal found (by line).
#[derive(Default)]
struct Found {
    first: Option<(usize, String)>,
}

impl Found {
    fn at(&mut self, span: Span, what: impl Into<String>) {
        let line = span.start().line;
        if self.first.as_ref().is_none_or(|(first, _)| line < *first) {
            self.first = Some((line, what.into()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{refuse, Screened};

    /// The refusal, which must name `line`.
    #[track_caller]
    fn refused(text: &str, line: usize) -> String {
        match refuse(text) {
            Screened::Refused(why) => {
                assert!(
                    why.starts_with(&format!("line {line}: ")),
                    "expected line {line} in {why:?} for {text:?}"
                );
                why
            }
            other => panic!("expected a refusal for {text:?}, got {other:?}"),
        }
    }

    #[track_caller]
    fn fine(text: &str) {
        assert_eq!(refuse(text), Screened::Fine, "for {text:?}");
    }

    #[test]
    fn include_macros_are_refused_wherever_they_are() {
        for text in [
            "const S: &str = include_str!(\"/work/solutions/x.rs\");",
            "include ! (\"x.rs\");",
            "const B: &[u8] = include_bytes!(\"x\");",
            "fn f() { r#include!(\"x.rs\"); }",
            "use core::include;",
            "use std::{include_str as s};",
            "const S: &str = core::include_str!(\"x\");",
            "const S: &str = std::include_str!(\"x\");",
            "macro_rules! m { () => { include!(\"x\") } }",
            "fn f() { my_macro!(include); }",
            "#[doc = include_str!(\"/abs/solutions/x.rs\")]\npub fn f() {}",
        ] {
            let why = refused(
                text,
                text.lines().position(|l| l.contains("include")).unwrap() + 1,
            );
            assert!(why.contains("include"), "{why}");
            assert!(why.contains("another file"), "{why}");
        }
    }

    #[test]
    fn evasions_of_the_old_text_check_are_refused() {
        // A char literal `'"'` that a text scanner takes for a string's start.
        let why = refused(
            "fn f() -> char { '\"' }\nconst S: &str = include_str!(\"x\"); // \"",
            2,
        );
        assert!(why.contains("`include_str!`"), "{why}");
        // A raw string whose `\` is not an escape.
        refused(
            "const A: &str = r\"\\\";\nconst S: &str = include_str!(\"x\"); // \"",
            2,
        );
        // A renamed import.
        let why = refused("use core::include as grab;\nfn f() { grab!(\"x\"); }", 1);
        assert!(why.contains("`include!`"), "{why}");
        // A macro forwarding its tokens to `include!`.
        refused(
            "macro_rules! fwd { ($m:ident) => { $m!(\"/x\") } }\nfn f() { fwd!(include); }",
            2,
        );
        refused(
            "macro_rules! fwd { ($($t:tt)*) => { $($t)* } }\nfn f() { fwd!(include!(\"x\")); }",
            2,
        );
        // `#[path]` onto the solutions.
        let why = refused("#[path = \"/abs/solutions/x.rs\"]\nmod sol;", 1);
        assert!(why.contains("`#[path]`"), "{why}");
        let why = refused(
            "\n#[cfg_attr(all(), path = \"/abs/solutions/x.rs\")]\nmod sol {}",
            2,
        );
        assert!(why.contains("cfg_attr"), "{why}");
        assert!(why.contains("`#[path]`"), "{why}");
        refused(
            "#[doc = include_str!(\"/abs/solutions/x.rs\")]\npub fn f() {}",
            1,
        );
        refused("fn f() { r#include!(\"x.rs\"); }", 1);
    }

    #[test]
    fn env_is_refused_as_a_macro() {
        for (text, line) in [
            ("const H: &str = env!(\"HOME\");", 1),
            ("fn f() {\n    let _ = std::env!(\"HOME\");\n}", 2),
            ("const H: &str = core::env!(\"HOME\");", 1),
            ("const H: Option<&str> = option_env!(\"HOME\");", 1),
            ("fn f() { let option_env = 1; }", 1),
            ("use std::env as e;\nconst H: &str = e!(\"HOME\");", 1),
            ("use core::{env};", 1),
            ("use std::env;\nfn f() { env::args(); }", 1),
            ("macro_rules! call { ($m:ident) => { $m!(\"HOME\") } }\nconst H: &str = call!(env);", 2),
            ("fn f() { my_macro!(env); }", 1),
        ] {
            let why = refused(text, line);
            assert!(why.contains("environment"), "{why}");
        }
        // As a path, outside macros and `use`, `std::env` is fine; inside a
        // std formatting macro's expressions too.
        fine("fn f() -> usize { std::env::args().count() }");
        fine("fn f() { println!(\"{}\", std::env::args().count()); }");
        fine("fn f() { let _ = vec![std::env::args().count(); 2]; }");
        refused("fn f() { let _ = vec![env!(\"HOME\"); 2]; }", 1);
        fine("fn f(env: u32) -> bool { env != 3 }");
    }

    #[test]
    fn assembly_and_made_up_names_are_refused() {
        refused("fn f() { unsafe { core::arch::asm!(\"nop\") } }", 1);
        refused("use std::arch::asm as a;", 1);
        refused("core::arch::global_asm!(\"\");", 1);
        refused(
            "#[unsafe(naked)]\nextern \"C\" fn f() { core::arch::naked_asm!(\"ret\") }",
            1,
        );
        refused("fn f() { let concat_idents = 1; }", 1);
        refused("fn f() { concat_idents!(a, b); }", 1);
    }

    #[test]
    fn attributes_are_refused() {
        for (attr, named) in [
            ("#[path = \"x.rs\"]", "`#[path]`"),
            ("#[macro_export]", "`#[macro_export]`"),
            ("#[link_section = \".text\"]", "`#[link_section]`"),
            ("#[no_mangle]", "`#[no_mangle]`"),
            ("#[unsafe(no_mangle)]", "`#[unsafe(...)]`"),
            ("#[unsafe(export_name = \"main\")]", "`#[unsafe(...)]`"),
            ("#[export_name = \"main\"]", "`#[export_name]`"),
            ("#[link(name = \"c\")]", "`#[link]`"),
            ("#[link_name = \"write\"]", "`#[link_name]`"),
            ("#[used]", "`#[used]`"),
            ("#[linkage = \"weak\"]", "`#[linkage]`"),
            ("#[macro_use]", "`#[macro_use]`"),
            ("#[proc_macro]", "`#[proc_macro]`"),
            ("#[proc_macro_derive(X)]", "`#[proc_macro_derive]`"),
            ("#[proc_macro_attribute]", "`#[proc_macro_attribute]`"),
            ("#[global_allocator]", "`#[global_allocator]`"),
            ("#[panic_handler]", "`#[panic_handler]`"),
            ("#[cfg_attr(all(), no_mangle)]", "`#[no_mangle]`"),
            ("#[cfg_attr(test, cfg_attr(all(), used))]", "`#[used]`"),
            ("#[cfg_attr(all(), unsafe(no_mangle))]", "`#[unsafe(...)]`"),
        ] {
            let text = format!("// a comment\n{attr}\npub static X: u8 = 0;");
            let why = refused(&text, 2);
            assert!(why.contains(named), "{why} for {attr}");
            // Inside a function, and inside a macro's tokens, the same.
            let text = format!("fn f() {{\n    {attr}\n    static X: u8 = 0;\n}}");
            refused(&text, 2);
            let text = format!("macro_rules! m {{\n    () => {{ {attr} static X: u8 = 0; }}\n}}");
            refused(&text, 2);
        }
        refused("macro_rules! m { ($a:ident) => { #[$a] fn f() {} } }", 1);
        refused("fn f() {\n    #![no_mangle]\n}", 2);
    }

    #[test]
    fn inner_attributes_are_refused_at_the_top_of_the_file_only() {
        let why = refused("//! Docs.\n#![allow(dead_code)]\nfn f() {}", 1);
        assert!(why.contains("whole test crate"), "{why}");
        refused("\n\n#![feature(decl_macro)]\nfn f() {}", 3);
        fine("fn f() {\n    #![allow(unused)]\n    let x = 1;\n}");
        fine("mod m {\n    #![allow(dead_code)]\n    fn f() {}\n}");
    }

    #[test]
    fn extern_and_out_of_line_modules_are_refused() {
        let why = refused("extern crate std as s;", 1);
        assert!(why.contains("`extern crate`"), "{why}");
        let why = refused("fn f() {}\nmod elsewhere;", 2);
        assert!(why.contains("another file"), "{why}");
        refused("#[cfg(test)]\nmod tests;", 2);
        let why = refused("extern \"C\" {\n    fn write(fd: i32) -> isize;\n}", 1);
        assert!(why.contains("`extern` blocks"), "{why}");
        refused("unsafe extern \"C\" {}", 1);
        refused("extern {}", 1);
        refused("macro_rules! m { () => { mod x; } }", 1);
        refused("macro_rules! m { ($k:tt) => { $k x; } }\nm!(mod);", 2);
        fine("mod inner {\n    pub fn f() {}\n}\npub extern \"C\" fn g() {}\ntype F = extern \"C\" fn(i32);");
    }

    #[test]
    fn shadowing_the_tests_macros_is_refused() {
        let why = refused("macro_rules! assert_eq { ($a:expr, $b:expr) => {} }", 1);
        assert!(why.contains("shadow the `assert_eq!`"), "{why}");
        refused("\nmacro_rules!  assert { () => {} }", 2);
        refused("macro_rules! r#vec { () => {} }", 1);
        refused("macro_rules! exercise { () => {} }", 1);
        refused("#[macro_export] macro_rules! helper { () => {} }", 1);
        refused("macro_rules! helper { () => {} }\nuse helper as assert;", 2);
        refused(
            "macro_rules! outer { () => { macro_rules! println { () => {} } } }",
            1,
        );
        refused(
            "macro_rules! def { ($n:ident) => { macro_rules! $n { () => {} } } }",
            1,
        );
        refused(
            "macro_rules! ren { ($n:ident) => { use crate::h as $n; } }",
            1,
        );
        fine("macro_rules! steps { () => {} }\nfn f() { assert!(true) }");
    }

    #[test]
    fn ordinary_code_comments_and_strings_are_fine() {
        fine("// include_str!(\"nope\") in a comment\nfn f() {}");
        fine("/* macro_rules! assert { } include!(\"x\") /* nested */ */ fn f() {}");
        fine("/// Uses no `include!(\"x\")`, nor `#[path]`, nor `env!`.\nfn f() {}");
        fine("fn f() -> &'static str { \"include!(\\\"/abs/solutions/x.rs\\\")\" }");
        fine("const R: &str = r#\"include_bytes!(\"x\") #[no_mangle] mod x;\"#;");
        fine("fn f() { println!(\"include!(x) {}\", 1); }");
        fine("fn included() {}\nfn f(path: &str, used: bool, link: u8) {}");
        fine("fn f() { let x = 5 as u32; let v = vec![0u8; 3]; assert!(matches!(v.len(), 3)); }");
        fine(
            "#[derive(Debug, Clone)]\npub struct S;\n#[barista::task]\nasync fn t() {}\n#[cfg(test)]\nmod tests {}",
        );
    }

    #[test]
    fn every_shipped_exercise_and_solution_is_fine() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut checked = 0;
        for crate_dir in ["exercises/src", "solutions/src"] {
            for entry in std::fs::read_dir(root.join(crate_dir)).unwrap() {
                let path = entry.unwrap().path();
                // `lib.rs` is not an exercise file: intake never takes it.
                if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("lib.rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    assert_eq!(refuse(&text), Screened::Fine, "{}", path.display());
                    checked += 1;
                }
            }
        }
        assert!(checked >= 30, "only {checked} files");
    }

    #[test]
    fn a_file_that_does_not_parse_is_told_apart() {
        match refuse("fn f() {\n    let x = ;\n}") {
            Screened::Unparsable(why) => {
                assert!(why.starts_with("line 2: "), "{why}");
                assert!(why.contains("not valid Rust"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        match refuse("fn f() {\n    let s = \"unclosed;\n}") {
            Screened::Unparsable(why) => assert!(why.starts_with("line 2: "), "{why}"),
            other => panic!("{other:?}"),
        }
        // Not parsing is no way around a refusal, and no refusal either.
        assert!(matches!(
            refuse("include!(\"x\");\nfn f( {}"),
            Screened::Unparsable(_)
        ));
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing() {
        let deep = format!(
            "const X: u8 = {}0{};",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let why = refused(&deep, 1);
        assert!(why.contains("nest"), "{why}");
        let negated = format!("const X: i64 = {}1;", "-".repeat(200_000));
        assert!(matches!(refuse(&negated), Screened::Refused(_)));
        // Within the limits, parsing does not overflow the stack.
        let within = format!(
            "const X: i64 = {}{}1{};",
            "-(".repeat(60),
            "- ".repeat(super::MAX_NESTING_TOKENS - 100),
            ")".repeat(60)
        );
        assert_eq!(refuse(&within), Screened::Fine);
        let generic = format!(
            "type T = {}u8{};",
            "Option<".repeat(super::MAX_NESTING_TOKENS / 2 - 10),
            ">".repeat(super::MAX_NESTING_TOKENS / 2 - 10)
        );
        assert_eq!(refuse(&generic), Screened::Fine);
    }
}
