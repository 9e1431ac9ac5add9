//! Taking a submission in: only the learner-editable exercise files, each
//! checked before it is built; everything else the submission holds is
//! ignored (the grader's pristine copy is used) and listed in the report.
//!
//! The check works on the Rust grammar, not on text: the file is parsed
//! with `syn` and walked with a visitor, and every raw token stream (the
//! whole file, macro bodies, `macro_rules!` definitions, attribute
//! arguments, macro call arguments) is scanned token by token, so nothing
//! hides in a string, a char literal, a comment or a macro's tokens.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;
use proc_macro2::{Delimiter, Group, Ident, Span, TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};

use xtask::curriculum::Curriculum;

/// Exercise files larger than this are refused (no exercise needs more).
const MAX_FILE: u64 = 256 * 1024;
/// Entries of a submission looked at when listing ignored files.
const MAX_LISTED: usize = 50;
/// Brackets nested deeper than this are refused (no exercise needs more):
/// parsing recurses, and a file must not be able to overflow the stack.
const MAX_DEPTH: usize = 64;
/// Operators and keywords that can nest an expression, a type or a pattern
/// (`- - - x`, `&&&T`, `A<A<A>>`, `|x| |y| z`, `else if`), in the whole
/// file; a bound on how deep the parser can recurse.
const MAX_NESTING_TOKENS: usize = 4_000;
/// The stack of the thread that parses and checks one file.
const CHECK_STACK: usize = 256 * 1024 * 1024;

/// One student's exercise files, as taken in.
#[derive(Debug)]
pub struct Submission {
    pub student: String,
    /// Per exercise: the file's text, or why it was not taken.
    pub files: BTreeMap<String, Taken>,
    /// Files of the submission that differ from the pristine copy and were
    /// ignored.
    pub ignored: Vec<String>,
}

impl Submission {
    /// Not one exercise file where a submission keeps them: likely not an
    /// exercises crate at all (the wrong folder handed in, or its parent).
    pub fn is_no_exercises_crate(&self) -> bool {
        self.files.values().all(|f| matches!(f, Taken::Missing))
    }
}

#[derive(Debug)]
pub enum Taken {
    /// The file, accepted: it will be built.
    Text(String),
    Missing,
    /// Refused before building; why, for the student.
    Rejected(String),
    /// The file is not valid Rust: `line N: ` and the parser's message. It is
    /// never built; report it as a compile error.
    Unparsable(String),
}

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

/// A class folder's entries: the student folders (a symbolic link to a
/// folder counts: its submission is then refused, with the reason, in its
/// own row), and every other entry with why it is not graded.
#[derive(Debug, Default)]
pub struct ClassFolders {
    pub students: Vec<PathBuf>,
    pub left_out: Vec<(PathBuf, &'static str)>,
}

pub fn class_folders(dir: &Path) -> Result<ClassFolders> {
    let mut class = ClassFolders::default();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let hidden = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        let linked = std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
        // `.git`, `.DS_Store`: a folder's own business, not a student.
        if hidden {
            continue;
        }
        if path.is_dir() {
            class.students.push(path);
        } else if linked {
            class
                .left_out
                .push((path, "a symbolic link that leads to no folder"));
        } else {
            class
                .left_out
                .push((path, "a file, not a student's folder"));
        }
    }
    class.students.sort();
    class.left_out.sort();
    Ok(class)
}

/// Where a submission's exercise files are: its `src/` folder, and where
/// its root sits in the grader's repository.
struct Layout {
    src: PathBuf,
    /// `src` relative to the submission, for messages (`exercises/src/`).
    shown: &'static str,
    prefix: &'static str,
}

const LINKED: &str =
    "is a symbolic link: a submission's files must be regular files inside its own folder";

/// The submission's layout, or why none of its files can be taken: every
/// component from the student folder down to `src/` must be a real folder.
fn layout(dir: &Path) -> std::result::Result<Layout, String> {
    let linked =
        |path: &Path| std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if linked(dir) {
        return Err(format!("the student folder {LINKED}"));
    }
    let exercises = dir.join("exercises");
    if linked(&exercises) {
        return Err(format!("exercises/ {LINKED}"));
    }
    if exercises.is_dir() {
        let src = exercises.join("src");
        if linked(&src) {
            return Err(format!("exercises/src/ {LINKED}"));
        }
        if src.is_dir() {
            return Ok(Layout {
                src,
                shown: "exercises/src/",
                prefix: "",
            });
        }
    }
    let src = dir.join("src");
    if linked(&src) {
        return Err(format!("src/ {LINKED}"));
    }
    Ok(Layout {
        src,
        shown: "src/",
        prefix: "exercises/",
    })
}

/// A submission's name in every report: its folder's, made printable.
pub fn student_name(dir: &Path) -> String {
    let name = dir
        .file_name()
        .map_or_else(|| "submission".into(), |n| n.to_string_lossy());
    super::model::printable(&name, false)
}

/// Reads a submission: a copy of the `exercises/` crate, or of the whole
/// repository (a git clone included).
pub fn take(curriculum: &Curriculum, dir: &Path) -> Result<Submission> {
    let student = student_name(dir);
    let mut files = BTreeMap::new();
    let layout = match layout(dir) {
        Ok(layout) => layout,
        Err(why) => {
            for exercise in &curriculum.exercises {
                files.insert(exercise.name.clone(), Taken::Rejected(why.clone()));
            }
            return Ok(Submission {
                student,
                files,
                ignored: Vec::new(),
            });
        }
    };
    let root = dir.canonicalize().ok();
    for exercise in &curriculum.exercises {
        let file = format!("{}.rs", exercise.name);
        let shown = format!("{}{file}", layout.shown);
        let taken = take_file(root.as_deref(), &layout.src.join(&file), &shown);
        files.insert(exercise.name.clone(), taken);
    }
    let ignored = ignored_files(curriculum, dir, layout.prefix, &layout.src);
    Ok(Submission {
        student,
        files,
        ignored,
    })
}

/// One exercise file: `shown` is its path in the submission, for messages;
/// `root` the canonical student folder it must lie in.
fn take_file(root: Option<&Path>, path: &Path, shown: &str) -> Taken {
    // A symbolic link could point anywhere (the solutions, /etc): refuse it.
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return Taken::Missing;
    };
    if meta.file_type().is_symlink() {
        return Taken::Rejected(format!("{shown} {LINKED}"));
    }
    if !meta.is_file() {
        return Taken::Missing;
    }
    let real = path.canonicalize().ok();
    let Some(real) = real.filter(|real| root.is_some_and(|root| real.starts_with(root))) else {
        return Taken::Rejected(format!(
            "{shown} is not inside the student's folder: a submission's files must be regular files inside its own folder"
        ));
    };
    if meta.len() > MAX_FILE {
        return Taken::Rejected(format!(
            "the exercise file is {} KiB; no exercise needs more than {} KiB",
            meta.len() / 1024,
            MAX_FILE / 1024
        ));
    }
    match read_capped(&real, MAX_FILE).and_then(|bytes| {
        String::from_utf8(bytes)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }) {
        Ok(text) => match refuse(&text) {
            Screened::Fine => Taken::Text(text),
            Screened::Refused(why) => Taken::Rejected(why),
            Screened::Unparsable(why) => Taken::Unparsable(why),
        },
        Err(err) => Taken::Rejected(format!("the exercise file cannot be read as text: {err}")),
    }
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

/// Why an identifier is refused wherever it appears in the tokens: as a
/// macro, in a `use`, in a macro's input (where another macro could turn it
/// into a call), or as an attribute.
fn forbidden_ident(name: &str) -> Option<String> {
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
fn forbidden_attribute(name: &str) -> Option<&'static str> {
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

fn attribute_refusal(name: &str, why: &str) -> String {
    format!("`#[{name}]` is not allowed in a submission: {why}")
}

const UNSAFE_ATTRIBUTE: &str =
    "`#[unsafe(...)]` attributes are not allowed in a submission: they change how the program is linked";
const DOLLAR_ATTRIBUTE: &str =
    "an attribute named by a macro's input (`#[$name]`) is not allowed in a submission";
const ENV: &str = "`env!` is not allowed in a submission: it reads the grader's environment variables when the file is built";
const ENV_IN_MACRO: &str = "`env` in a macro's input is not allowed in a submission: a macro could turn it into `env!`, which reads the grader's environment variables when the file is built";
const ENV_IMPORT: &str = "importing `env` is not allowed in a submission: it would bring in `env!`, which reads the grader's environment variables when the file is built (write the full path instead, e.g. `std::env::args()`)";
const OUT_OF_LINE: &str = "`mod NAME;` is not allowed in a submission: it loads a module from another file (write the module here, `mod NAME { ... }`)";
const EXTERN_CRATE: &str =
    "`extern crate` is not allowed in a submission: use only the crates the exercises already have";
const EXTERN_BLOCK: &str = "`extern` blocks are not allowed in a submission: they declare functions from outside the program";
const EXTERN_OTHER: &str = "`extern` is allowed only in front of `fn` in a submission";
const MACRO_NAME: &str = "`macro_rules!` must be followed by a plain name in a submission: a macro whose name comes from a macro's input could shadow a macro the tests use";
const RENAME_FROM_INPUT: &str =
    "`as` followed by a macro's input is not allowed in a submission: it could rename something to a macro the tests use";
const INNER_ATTRIBUTE: &str = "`#![...]` at the top of the file is not allowed in a submission: it would apply to the whole test crate";

fn shadows(name: &str) -> String {
    format!("defines a macro named `{name}`, which would shadow the `{name}!` the tests use")
}

fn renames(name: &str) -> String {
    format!("renames something to `{name}`, which would shadow the `{name}!` the tests use")
}

fn is_punct(token: Option<&TokenTree>, c: char) -> bool {
    matches!(token, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

fn is_brace(token: Option<&TokenTree>) -> bool {
    matches!(token, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace)
}

/// `!` as a macro call's, not the start of `!=`.
fn is_bang(rest: &[TokenTree]) -> bool {
    is_punct(rest.first(), '!') && !is_punct(rest.get(1), '=')
}

/// Scans a raw token stream, recursively through its groups. `strict` for
/// tokens that no parser has given a meaning (a macro's input or body, an
/// attribute's arguments): there `env` is refused wherever it is, and `as`
/// must be followed by a plain name, because another macro could rearrange
/// them.
fn scan(stream: &TokenStream, strict: bool, found: &mut Found) {
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

fn scan_ident(ident: &Ident, rest: &[TokenTree], strict: bool, found: &mut Found) {
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
fn check_attribute_tokens(group: &Group, found: &mut Found) {
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
fn check_attribute_name(segment: &Ident, args: Option<&TokenStream>, found: &mut Found) {
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
fn check_cfg_attr(stream: &TokenStream, found: &mut Found) {
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

/// The std macros the tests use, which take plain expressions: their input
/// is checked as code (so `println!("{}", std::env::args().count())` is
/// fine). A submission cannot redefine them (see [`SHADOWABLE`]).
fn trusted_macro(path: &syn::Path) -> bool {
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let last = match names.as_slice() {
        [last] if path.leading_colon.is_none() => last,
        [root, last] if matches!(root.as_str(), "std" | "core" | "alloc") => last,
        _ => return false,
    };
    last != "exercise" && shadowable(last)
}

/// The syn side: the file's structure, and every token stream syn keeps
/// unparsed (macro input and bodies, attribute arguments, verbatim items)
/// scanned strictly.
struct Checker<'f> {
    found: &'f mut Found,
}

impl Checker<'_> {
    fn raw(&mut self, tokens: &TokenStream) {
        scan(tokens, true, self.found);
    }
}

impl<'ast> Visit<'ast> for Checker<'_> {
    fn visit_file(&mut self, file: &'ast syn::File) {
        for attr in &file.attrs {
            self.found.at(attr.span(), INNER_ATTRIBUTE);
        }
        visit::visit_file(self, file);
    }

    fn visit_ident(&mut self, ident: &'ast Ident) {
        if let Some(why) = forbidden_ident(&ident.unraw().to_string()) {
            self.found.at(ident.span(), why);
        }
    }

    fn visit_attribute(&mut self, attr: &'ast syn::Attribute) {
        let args = match &attr.meta {
            syn::Meta::List(list) => Some(&list.tokens),
            _ => None,
        };
        for segment in &attr.path().segments {
            check_attribute_name(&segment.ident, args, self.found);
        }
        visit::visit_attribute(self, attr);
    }

    fn visit_meta_list(&mut self, list: &'ast syn::MetaList) {
        self.raw(&list.tokens);
        visit::visit_meta_list(self, list);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        if item.content.is_none() {
            self.found.at(item.mod_token.span, OUT_OF_LINE);
        }
        visit::visit_item_mod(self, item);
    }

    fn visit_item_extern_crate(&mut self, item: &'ast syn::ItemExternCrate) {
        self.found.at(item.extern_token.span, EXTERN_CRATE);
        visit::visit_item_extern_crate(self, item);
    }

    fn visit_item_foreign_mod(&mut self, item: &'ast syn::ItemForeignMod) {
        self.found.at(item.abi.extern_token.span, EXTERN_BLOCK);
        visit::visit_item_foreign_mod(self, item);
    }

    fn visit_item_macro(&mut self, item: &'ast syn::ItemMacro) {
        if item.mac.path.is_ident("macro_rules") {
            if let Some(name) = &item.ident {
                let name = name.unraw().to_string();
                if shadowable(&name) {
                    self.found.at(item.mac.path.span(), shadows(&name));
                }
            }
        }
        visit::visit_item_macro(self, item);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if let Some(last) = mac.path.segments.last() {
            if last.ident.unraw() == "env" {
                self.found.at(last.ident.span(), ENV);
            }
        }
        visit::visit_macro(self, mac);
        if trusted_macro(&mac.path) {
            let parser = Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated;
            // `vec![value; count]`.
            let repeat = |input: syn::parse::ParseStream| -> syn::Result<Vec<syn::Expr>> {
                let value = input.parse()?;
                input.parse::<syn::Token![;]>()?;
                Ok(vec![value, input.parse()?])
            };
            let args = match mac.parse_body_with(parser) {
                Ok(args) => Some(args.into_iter().collect()),
                Err(_) => mac.parse_body_with(repeat).ok(),
            };
            if let Some(args) = args {
                for arg in &args {
                    self.visit_expr(arg);
                }
                return;
            }
        }
        self.raw(&mac.tokens);
    }

    fn visit_use_tree(&mut self, tree: &'ast syn::UseTree) {
        match tree {
            syn::UseTree::Name(name) if name.ident.unraw() == "env" => {
                self.found.at(name.ident.span(), ENV_IMPORT);
            }
            syn::UseTree::Rename(rename) => {
                if rename.ident.unraw() == "env" {
                    self.found.at(rename.ident.span(), ENV_IMPORT);
                }
                let new_name = rename.rename.unraw().to_string();
                if shadowable(&new_name) {
                    self.found.at(rename.rename.span(), renames(&new_name));
                }
            }
            _ => {}
        }
        visit::visit_use_tree(self, tree);
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        if let syn::Item::Verbatim(tokens) = item {
            self.raw(tokens);
        }
        visit::visit_item(self, item);
    }

    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        if let syn::Expr::Verbatim(tokens) = expr {
            self.raw(tokens);
        }
        visit::visit_expr(self, expr);
    }

    fn visit_pat(&mut self, pat: &'ast syn::Pat) {
        if let syn::Pat::Verbatim(tokens) = pat {
            self.raw(tokens);
        }
        visit::visit_pat(self, pat);
    }

    fn visit_type(&mut self, ty: &'ast syn::Type) {
        if let syn::Type::Verbatim(tokens) = ty {
            self.raw(tokens);
        }
        visit::visit_type(self, ty);
    }

    fn visit_type_param_bound(&mut self, bound: &'ast syn::TypeParamBound) {
        if let syn::TypeParamBound::Verbatim(tokens) = bound {
            self.raw(tokens);
        }
        visit::visit_type_param_bound(self, bound);
    }

    fn visit_foreign_item(&mut self, item: &'ast syn::ForeignItem) {
        if let syn::ForeignItem::Verbatim(tokens) = item {
            self.raw(tokens);
        }
        visit::visit_foreign_item(self, item);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        if let syn::ImplItem::Verbatim(tokens) = item {
            self.raw(tokens);
        }
        visit::visit_impl_item(self, item);
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        if let syn::TraitItem::Verbatim(tokens) = item {
            self.raw(tokens);
        }
        visit::visit_trait_item(self, item);
    }
}

/// The most of a listed name that a report shows, in characters.
const MAX_NAME: usize = 200;

/// Whether a submission's file holds what the grader's pristine copy does.
/// Compared only when both are regular files of the same size, no larger
/// than an exercise file may be: a sparse file of gigabytes or a named pipe
/// beside the exercises is never read.
fn same_content(pristine: &Path, submitted: &Path) -> bool {
    let size = |path: &Path| {
        std::fs::symlink_metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len())
    };
    match (size(pristine), size(submitted)) {
        (Some(a), Some(b)) if a == b && a <= MAX_FILE => {
            matches!((read_capped(pristine, MAX_FILE), read_capped(submitted, MAX_FILE)), (Ok(a), Ok(b)) if a == b)
        }
        _ => false,
    }
}

/// At most `cap` bytes of a file; more is an error, unread.
fn read_capped(path: &Path, cap: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(cap + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(std::io::Error::other(format!("larger than {cap} bytes")));
    }
    Ok(bytes)
}

/// Files in the submission that are not exercise files and differ from the
/// grader's pristine copy (at most `MAX_LISTED`), relative to the submission.
fn ignored_files(curriculum: &Curriculum, dir: &Path, prefix: &str, src: &Path) -> Vec<String> {
    let mut ignored = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    let mut seen = 0;
    while let Some(folder) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            seen += 1;
            if seen > 10_000 || ignored.len() >= MAX_LISTED {
                return ignored;
            }
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !matches!(name.as_str(), ".git" | "target" | ".barista") {
                    stack.push(path);
                }
                continue;
            }
            let is_exercise = path.parent() == Some(src)
                && curriculum
                    .exercises
                    .iter()
                    .any(|e| name == format!("{}.rs", e.name));
            if is_exercise || name == "lib.rs" && path.parent() == Some(src) {
                continue;
            }
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let pristine = curriculum.root.join(prefix).join(relative);
            if !(kind.is_file() && same_content(&pristine, &path)) {
                let shown: String = relative
                    .display()
                    .to_string()
                    .chars()
                    .take(MAX_NAME)
                    .collect();
                ignored.push(super::model::printable(&shown, false));
            }
        }
    }
    ignored.sort();
    ignored
}

#[cfg(test)]
mod tests {
    use super::{read_capped, refuse, same_content, Screened};

    #[test]
    fn a_huge_sparse_file_beside_the_exercises_is_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let (pristine, huge) = (dir.path().join("Cargo.toml"), dir.path().join("notes.bin"));
        std::fs::write(&pristine, "[package]\n").unwrap();
        std::fs::File::create(&huge)
            .unwrap()
            .set_len(3 << 30)
            .unwrap();
        // Unread: the reader stops at its cap, and the comparison at the sizes.
        assert!(read_capped(&huge, 1 << 10).is_err());
        assert!(!same_content(&pristine, &huge));
        // Same size, same bytes: the same.
        let copy = dir.path().join("copy.toml");
        std::fs::write(&copy, "[package]\n").unwrap();
        assert!(same_content(&pristine, &copy));
        // A named pipe would block a reader forever: not a regular file.
        let fifo = dir.path().join("fifo");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        assert!(!same_content(&pristine, &fifo));
    }

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

    #[cfg(unix)]
    mod links {
        use std::os::unix::fs::symlink;
        use std::path::Path;

        use super::super::{class_folders, take, ClassFolders, Taken};
        use xtask::curriculum::{Curriculum, Exercise};

        const EXERCISES: [&str; 2] = ["ex01_first", "ex02_second"];
        const LINKED: &str =
            "is a symbolic link: a submission's files must be regular files inside its own folder";

        fn curriculum(root: &Path) -> Curriculum {
            Curriculum {
                root: root.to_path_buf(),
                exercises: EXERCISES
                    .iter()
                    .map(|name| Exercise {
                        name: name.to_string(),
                        title: String::new(),
                        topic: String::new(),
                        section: String::new(),
                        points: 1,
                        hints: Vec::new(),
                        compiles_as_shipped: true,
                    })
                    .collect(),
            }
        }

        /// A folder holding `src/` with both exercise files.
        fn crate_folder(dir: &Path) {
            std::fs::create_dir_all(dir.join("src")).unwrap();
            for name in EXERCISES {
                std::fs::write(dir.join(format!("src/{name}.rs")), "pub fn f() {}\n").unwrap();
            }
        }

        #[track_caller]
        fn all_rejected(files: &std::collections::BTreeMap<String, Taken>, why: &str) {
            assert_eq!(files.len(), EXERCISES.len());
            for (name, taken) in files {
                match taken {
                    Taken::Rejected(reason) => assert_eq!(reason, why, "{name}"),
                    other => panic!("{name}: {other:?}"),
                }
            }
        }

        #[test]
        fn a_real_submission_is_taken() {
            let tmp = tempfile::tempdir().unwrap();
            crate_folder(&tmp.path().join("class/alice/exercises"));
            // The class folder may itself be reached through a link.
            symlink(tmp.path().join("class"), tmp.path().join("linked-class")).unwrap();
            for class in ["class", "linked-class"] {
                let folders = class_folders(&tmp.path().join(class)).unwrap().students;
                assert_eq!(folders.len(), 1);
                let submission = take(&curriculum(tmp.path()), &folders[0]).unwrap();
                for taken in submission.files.values() {
                    assert!(matches!(taken, Taken::Text(_)), "{taken:?}");
                }
            }
        }

        #[test]
        fn an_exercises_folder_linked_elsewhere_is_rejected() {
            let tmp = tempfile::tempdir().unwrap();
            let grader = tmp.path().join("grader");
            crate_folder(&grader.join("solutions"));
            crate_folder(&tmp.path().join("class/bob/exercises"));
            let alice = tmp.path().join("class/alice");
            std::fs::create_dir_all(&alice).unwrap();
            // To the grader's solutions, and to a classmate's folder.
            symlink(grader.join("solutions"), alice.join("exercises")).unwrap();
            let submission = take(&curriculum(&grader), &alice).unwrap();
            all_rejected(&submission.files, &format!("exercises/ {LINKED}"));
            std::fs::remove_file(alice.join("exercises")).unwrap();
            symlink(
                tmp.path().join("class/bob/exercises"),
                alice.join("exercises"),
            )
            .unwrap();
            let submission = take(&curriculum(&grader), &alice).unwrap();
            all_rejected(&submission.files, &format!("exercises/ {LINKED}"));
            // A linked `src/`, in either layout.
            std::fs::remove_file(alice.join("exercises")).unwrap();
            std::fs::create_dir(alice.join("exercises")).unwrap();
            symlink(grader.join("solutions/src"), alice.join("exercises/src")).unwrap();
            let submission = take(&curriculum(&grader), &alice).unwrap();
            all_rejected(&submission.files, &format!("exercises/src/ {LINKED}"));
            let carol = tmp.path().join("class/carol");
            std::fs::create_dir_all(&carol).unwrap();
            symlink(grader.join("solutions/src"), carol.join("src")).unwrap();
            let submission = take(&curriculum(&grader), &carol).unwrap();
            all_rejected(&submission.files, &format!("src/ {LINKED}"));
        }

        #[test]
        fn a_linked_exercise_file_is_rejected() {
            let tmp = tempfile::tempdir().unwrap();
            let grader = tmp.path().join("grader");
            crate_folder(&grader.join("solutions"));
            let alice = tmp.path().join("class/alice");
            crate_folder(&alice.join("exercises"));
            let file = alice.join("exercises/src/ex01_first.rs");
            std::fs::remove_file(&file).unwrap();
            symlink(grader.join("solutions/src/ex01_first.rs"), &file).unwrap();
            let submission = take(&curriculum(&grader), &alice).unwrap();
            match &submission.files["ex01_first"] {
                Taken::Rejected(why) => {
                    assert_eq!(why, &format!("exercises/src/ex01_first.rs {LINKED}"));
                }
                other => panic!("{other:?}"),
            }
            assert!(matches!(submission.files["ex02_second"], Taken::Text(_)));
        }

        #[test]
        fn a_linked_student_folder_is_listed_and_rejected() {
            let tmp = tempfile::tempdir().unwrap();
            let grader = tmp.path().join("grader");
            crate_folder(&grader.join("solutions"));
            let class = tmp.path().join("class");
            crate_folder(&class.join("bob/exercises"));
            symlink(class.join("bob"), class.join("alice")).unwrap();
            symlink(grader.join("solutions"), class.join("mallory")).unwrap();
            // A link to a file, or to nothing, is no student folder.
            symlink(
                grader.join("solutions/src/ex01_first.rs"),
                class.join("notes"),
            )
            .unwrap();
            symlink(tmp.path().join("nowhere"), class.join("gone")).unwrap();
            std::fs::write(class.join("README.txt"), "grades due Friday").unwrap();
            std::fs::create_dir(class.join(".git")).unwrap();
            let ClassFolders {
                students: folders,
                left_out,
            } = class_folders(&class).unwrap();
            let name = |f: &Path| f.file_name().unwrap().to_string_lossy().into_owned();
            let names: Vec<_> = folders.iter().map(|f| name(f)).collect();
            assert_eq!(names, ["alice", "bob", "mallory"]);
            // What is not graded is named, with the reason: never silently left out.
            let left_out: Vec<_> = left_out.iter().map(|(f, why)| (name(f), *why)).collect();
            assert_eq!(
                left_out,
                [
                    ("README.txt".into(), "a file, not a student's folder"),
                    ("gone".into(), "a symbolic link that leads to no folder"),
                    ("notes".into(), "a symbolic link that leads to no folder"),
                ]
            );
            for folder in &folders {
                let submission = take(&curriculum(&grader), folder).unwrap();
                if folder.ends_with("bob") {
                    assert!(matches!(submission.files["ex01_first"], Taken::Text(_)));
                } else {
                    all_rejected(&submission.files, &format!("the student folder {LINKED}"));
                    assert!(submission.ignored.is_empty());
                }
            }
        }
    }
}
