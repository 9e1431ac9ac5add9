//! The runtime's modules import in one direction (ARCHITECTURE.md): no
//! module of `src/` reaches, through any chain of imports, back to itself.
//! Read from the source, as a maintainer would: every `crate::` path in
//! code (doc comments and comments aside), the crate root's re-exports
//! resolved to the module that defines them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The top-level module a file of `src/` belongs to.
fn module_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str();
    let name = first.to_str().unwrap().trim_end_matches(".rs");
    match name {
        // `#[path = "private.rs"] pub mod __private`
        "private" => "__private".to_string(),
        name => name.to_string(),
    }
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}

/// The code of a file: comments dropped (a `//` outside a string ends the
/// line's code; the runtime's sources put no `//` inside strings that
/// also name a module).
fn code_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(|line| match line.find("//") {
        Some(at) => &line[..at],
        None => line,
    })
}

/// The first segment of each `crate::` path in `line` (`crate::{a, b::c}`
/// gives both `a` and `b`); `$crate` (a macro's) is not an import.
fn crate_paths(line: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + "crate::".len()..];
        rest = after;
        if matches!(before, Some(c) if c == '$' || c.is_alphanumeric() || c == '_') {
            continue;
        }
        let names: Vec<&str> = match after.strip_prefix('{') {
            Some(group) => group
                .split('}')
                .next()
                .unwrap()
                .split(',')
                .map(|part| part.trim())
                .collect(),
            None => vec![after],
        };
        for name in names {
            let first: String = name
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !first.is_empty() {
                found.push(first);
            }
        }
    }
    found
}

/// The crate root's `pub use module::{names}`: which module each
/// re-exported name comes from.
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut exports = BTreeMap::new();
    let mut statement = String::new();
    for line in code_lines(lib) {
        let line = line.trim();
        if statement.is_empty() && !line.starts_with("pub use ") {
            continue;
        }
        statement.push_str(line);
        if !line.ends_with(';') {
            continue;
        }
        let path = statement["pub use ".len()..]
            .trim_end_matches(';')
            .to_string();
        statement.clear();
        let Some((module, names)) = path.split_once("::") else {
            continue;
        };
        let names = names.trim_start_matches('{').trim_end_matches('}');
        for name in names.split(',') {
            let name = name.trim().rsplit("::").next().unwrap().to_string();
            exports.insert(name, module.to_string());
        }
    }
    exports
}

fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let exports = root_exports(&lib);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(&src, f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        if file.ends_with("lib.rs") {
            continue;
        }
        let from = module_of(&src, &file);
        let text = std::fs::read_to_string(&file).unwrap();
        let edges = graph.entry(from.clone()).or_default();
        for name in code_lines(&text).flat_map(crate_paths) {
            // A module's own name wins over a re-export of the same name
            // (`task`, the module, and `task`, the attribute macro).
            let to = match exports.get(&name) {
                Some(module) if !modules.contains(&name) => module.clone(),
                _ => name,
            };
            if to != from {
                edges.insert(to);
            }
        }
    }
    graph
}

/// A chain of imports from a module back to itself, if there is one.
fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        graph: &BTreeMap<String, BTreeSet<String>>,
        node: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(graph, next, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(graph, node, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_of_the_runtime_imports_itself_back() {
    let graph = imports();
    // The reading itself works: the recorder is known to import the
    // clock's config and the turns.
    let recorder = &graph["recorder"];
    assert!(
        recorder.contains("config") && recorder.contains("turns"),
        "{graph:#?}"
    );
    if let Some(cycle) = find_cycle(&graph) {
        panic!("a circle of imports in src/: {}", cycle.join(" -> "));
    }
}

#[test]
fn a_circle_of_imports_is_found() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", &["b"][..]), ("b", &["c"]), ("c", &["a"]), ("d", &[])]
            .into_iter()
            .map(|(from, to)| {
                let to = to.iter().map(|t| t.to_string()).collect();
                (from.to_string(), to)
            })
            .collect();
    assert_eq!(find_cycle(&graph).unwrap(), ["a", "b", "c", "a"]);
    assert_eq!(
        crate_paths("use crate::{config::Config, env}; $crate::x; crate::run(c)"),
        ["config", "env", "run"]
    );
}
