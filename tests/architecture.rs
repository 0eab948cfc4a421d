//! The crate's layers, checked: every `src/` file's paths (`use crate::…`, `super::…`,
//! a child module's name, and paths written in code) are resolved to the file they
//! name, and then
//!
//! - no two files import each other, directly or in a circle (tests aside: a file's
//!   `#[cfg(test)]` module is not read);
//! - a top-level module imports only the layers below it (`LAYERS`);
//! - `ARCHITECTURE.md` names every folder and top-level module of `src/`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The top-level modules, lowest layer first; a module may use only those of a lower
/// rank (modules of one rank do not use each other).
const LAYERS: &[(&str, u8)] = &[
    ("model", 0),
    ("sanitize", 0),
    ("keymap", 0),
    ("output", 1),
    ("parse", 1),
    ("query", 1),
    ("config", 2),
    ("group", 2),
    ("sources", 3),
    ("store", 4),
    ("demo", 5),
    ("reader", 5),
    ("cli", 6),
];

/// A module path (`["reader", "app", "scan"]`) and the file it lives in.
struct Module {
    path: Vec<String>,
    file: PathBuf,
    /// Whether the file is `mod.rs` or `lib.rs` (its children live beside it).
    is_dir: bool,
}

fn modules(src: &Path) -> Vec<Module> {
    let mut found = Vec::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let mut entries: Vec<PathBuf> = fs::read_dir(&dir)
            .expect("src is readable")
            .map(|entry| entry.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let relative = path.strip_prefix(src).expect("under src");
            let mut segments: Vec<String> = relative
                .iter()
                .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            let last = segments.last().cloned().unwrap_or_default();
            let is_dir = last == "mod" || last == "lib" || last == "main";
            if is_dir {
                segments.pop();
            }
            if last == "main" {
                continue;
            }
            found.push(Module {
                path: segments,
                file: path,
                is_dir,
            });
        }
    }
    found
}

/// The code of a file without comments, string and char literals, and without its
/// `#[cfg(test)]` module (by convention the last item of a file).
fn code_of(text: &str) -> String {
    let text = match text.find("\n#[cfg(test)]") {
        Some(at) => &text[..at],
        None => text,
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r'
            && (next == Some('"') || next == Some('#'))
            && !chars
                .get(i.wrapping_sub(1))
                .is_some_and(|p| p.is_alphanumeric() || *p == '_')
        {
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str(" \"\" ");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str(" \"\" ");
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{1b}'), else a lifetime.
            let close = if next == Some('\\') {
                (i + 2..chars.len().min(i + 12)).find(|&j| chars[j] == '\'')
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match close {
                Some(end) => {
                    out.push_str(" ' ");
                    i = end + 1;
                }
                None => {
                    out.push(c);
                    i += 1;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    PathSep,
    Other(char),
}

fn tokens(code: &str) -> Vec<Token> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Token::Ident(chars[start..i].iter().collect()));
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push(Token::PathSep);
            i += 2;
        } else {
            if !c.is_whitespace() {
                out.push(Token::Other(c));
            }
            i += 1;
        }
    }
    out
}

/// The paths starting at `tokens[at]` (a `use` tree's groups expanded), and where they end.
fn paths_at(tokens: &[Token], mut at: usize) -> (Vec<Vec<String>>, usize) {
    let mut prefix = Vec::new();
    loop {
        match tokens.get(at) {
            Some(Token::Ident(name)) => {
                prefix.push(name.clone());
                at += 1;
            }
            Some(Token::Other('{')) => {
                at += 1;
                let mut all = Vec::new();
                loop {
                    match tokens.get(at) {
                        Some(Token::Other('}')) | None => {
                            at += 1;
                            break;
                        }
                        Some(Token::Other(',')) => at += 1,
                        Some(Token::Other('*')) => {
                            all.push(prefix.clone());
                            at += 1;
                        }
                        _ => {
                            let (inner, end) = paths_at(tokens, at);
                            for path in inner {
                                let mut full = prefix.clone();
                                full.extend(path);
                                all.push(full);
                            }
                            at = end.max(at + 1);
                        }
                    }
                }
                return (all, at);
            }
            _ => return (vec![prefix], at),
        }
        if tokens.get(at) == Some(&Token::PathSep) {
            at += 1;
        } else {
            return (vec![prefix], at);
        }
    }
}

/// Every module path this file's code names: absolute, as `["reader", "app", …]`.
fn referenced(module: &Module, code: &str) -> Vec<Vec<String>> {
    let tokens = tokens(code);
    // `mod x;` declares a child that the file may name bare.
    let mut children = BTreeSet::new();
    for window in tokens.windows(3) {
        if let [Token::Ident(m), Token::Ident(name), Token::Other(';')] = window
            && m == "mod"
        {
            children.insert(name.clone());
        }
    }
    // The module `self::` stands for, and its parent (`super::`).
    let own = module.path.clone();
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        // `pub(super)`, `pub(crate)` and `pub(self)` are visibilities, not paths.
        let is_visibility = i >= 2
            && tokens[i - 1] == Token::Other('(')
            && tokens[i - 2] == Token::Ident("pub".into())
            && tokens.get(i + 1) == Some(&Token::Other(')'));
        let starts_path = (i == 0 || tokens[i - 1] != Token::PathSep) && !is_visibility;
        let Token::Ident(first) = &tokens[i] else {
            i += 1;
            continue;
        };
        let is_root = matches!(first.as_str(), "crate" | "super" | "self");
        let is_child = children.contains(first)
            && tokens.get(i + 1) == Some(&Token::PathSep)
            && !(i > 0 && tokens[i - 1] == Token::Ident("mod".into()));
        if !starts_path || !(is_root || is_child) {
            i += 1;
            continue;
        }
        let (paths, end) = paths_at(&tokens, i);
        for path in paths {
            let mut absolute: Vec<String> = Vec::new();
            let mut rest = path.as_slice();
            match rest.first().map(String::as_str) {
                Some("crate") => rest = &rest[1..],
                Some("self") | Some("super") => {
                    // `self` in `x/y.rs` (or `x/y/mod.rs`) is `x::y`; `super` is `x`.
                    absolute = own.clone();
                    while let Some(step) = rest.first().map(String::as_str) {
                        match step {
                            "self" => rest = &rest[1..],
                            "super" => {
                                absolute.pop();
                                rest = &rest[1..];
                            }
                            _ => break,
                        }
                    }
                }
                _ => absolute = own.clone(),
            }
            absolute.extend(rest.iter().cloned());
            // `use x::{self, …}` names `x` itself.
            if absolute.last().is_some_and(|last| last == "self") {
                absolute.pop();
            }
            found.push(absolute);
        }
        i = end.max(i + 1);
    }
    found
}

/// The file (its module path) that a path lives in: its longest prefix that is a module.
fn resolve<'a>(
    path: &[String],
    known: &'a BTreeMap<Vec<String>, PathBuf>,
) -> Option<&'a Vec<String>> {
    (0..=path.len())
        .rev()
        .find_map(|n| known.get_key_value(&path[..n]).map(|(key, _)| key))
}

fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    let known: BTreeMap<Vec<String>, PathBuf> = modules
        .iter()
        .map(|m| (m.path.clone(), m.file.clone()))
        .collect();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for module in &modules {
        let text = fs::read_to_string(&module.file).expect("readable source");
        let targets = edges.entry(module.path.clone()).or_default();
        for path in referenced(module, &code_of(&text)) {
            if let Some(target) = resolve(&path, &known)
                && *target != module.path
                && !target.is_empty()
            {
                targets.insert(target.clone());
            }
        }
    }
    edges
}

fn name(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_string()
    } else {
        path.join("::")
    }
}

#[test]
fn no_file_imports_another_that_imports_it_back() {
    let edges = graph();
    // Tarjan's strongly connected components, iteratively small enough to recurse.
    struct State<'a> {
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        next: usize,
        circles: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a Vec<String>) {
        state.index.insert(node, state.next);
        state.low.insert(node, state.next);
        state.next += 1;
        state.stack.push(node);
        state.on_stack.insert(node);
        let edges = state.edges;
        for target in edges.get(node).into_iter().flatten() {
            let Some((target, _)) = edges.get_key_value(target) else {
                continue;
            };
            if !state.index.contains_key(target) {
                visit(state, target);
                let low = state.low[target].min(state.low[node]);
                state.low.insert(node, low);
            } else if state.on_stack.contains(target) {
                let low = state.index[target].min(state.low[node]);
                state.low.insert(node, low);
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(member) = state.stack.pop() {
                state.on_stack.remove(member);
                component.push(name(member));
                if member == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.circles.push(component);
            }
        }
    }
    let mut state = State {
        edges: &edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        circles: Vec::new(),
    };
    for node in edges.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    // Each circle as one shortest loop through its first member: `a → b → a`.
    let key = |name: &str| -> Vec<String> {
        if name == "crate" {
            Vec::new()
        } else {
            name.split("::").map(str::to_string).collect()
        }
    };
    let circles: Vec<String> = state
        .circles
        .iter()
        .map(|members| {
            let start = key(&members[0]);
            let inside: BTreeSet<Vec<String>> = members.iter().map(|m| key(m)).collect();
            let mut came_from: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
            let mut queue = std::collections::VecDeque::from([start.clone()]);
            'search: while let Some(node) = queue.pop_front() {
                for next in edges.get(&node).into_iter().flatten() {
                    if !inside.contains(next) || came_from.contains_key(next) {
                        continue;
                    }
                    came_from.insert(next.clone(), node.clone());
                    if *next == start {
                        break 'search;
                    }
                    queue.push_back(next.clone());
                }
            }
            let mut path = vec![name(&start)];
            let mut at = came_from.get(&start).cloned();
            while let Some(node) = at {
                path.push(name(&node));
                if node == start {
                    break;
                }
                at = came_from.get(&node).cloned();
            }
            path.reverse();
            path.join(" → ")
        })
        .collect();
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn each_layer_imports_only_the_layers_below() {
    let edges = graph();
    let rank = |path: &[String]| {
        let top = path.first()?;
        LAYERS
            .iter()
            .find(|(name, _)| name == top)
            .map(|(_, rank)| *rank)
    };
    let mut unknown = BTreeSet::new();
    let mut upward = Vec::new();
    for (from, targets) in &edges {
        if from.is_empty() {
            continue;
        }
        let Some(from_rank) = rank(from) else {
            unknown.insert(name(&from[..1]));
            continue;
        };
        for to in targets {
            if to.first() == from.first() {
                continue;
            }
            match rank(to) {
                Some(to_rank) if to_rank < from_rank => {}
                Some(_) => upward.push(format!("{} → {}", name(from), name(to))),
                None => {
                    unknown.insert(name(&to[..1]));
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "modules missing from LAYERS (give each a layer): {unknown:?}"
    );
    assert!(
        upward.is_empty(),
        "imports that do not go down a layer:\n{}",
        upward.join("\n")
    );
}

#[test]
fn architecture_md_names_every_folder_and_top_level_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let map = fs::read_to_string(root.join("ARCHITECTURE.md")).expect("ARCHITECTURE.md exists");
    let mut missing = Vec::new();
    for module in modules(&root.join("src")) {
        // Each top-level module, and each folder (a module with children).
        if module.path.len() == 1 || (module.is_dir && !module.path.is_empty()) {
            let written = if module.is_dir {
                format!("src/{}/", module.path.join("/"))
            } else {
                format!("src/{}.rs", module.path.join("/"))
            };
            if !map.contains(&written) {
                missing.push(written);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not say what these hold: {missing:?}"
    );
}

#[test]
fn the_checker_reads_paths_as_rust_does() {
    let module = Module {
        path: vec!["reader".into(), "app".into()],
        file: PathBuf::from("src/reader/app/mod.rs"),
        is_dir: true,
    };
    let code = code_of(
        "mod scan;\nuse super::ui::{self, draw};\nuse crate::{model::Entry, query::{Query, sql}};\n\
         // crate::commented::out\nlet s = \"crate::in_a_string\"; let c = '{';\n\
         pub(super) fn f<'a>() { scan::Scan::new(); crate::store::Store::open(); }\n\
         #[cfg(test)]\nmod tests { use crate::cli::main; }",
    );
    let found: BTreeSet<String> = referenced(&module, &code)
        .iter()
        .map(|p| p.join("::"))
        .collect();
    let expected: BTreeSet<String> = [
        "reader::ui",
        "reader::ui::draw",
        "model::Entry",
        "query::Query",
        "query::sql",
        "reader::app::scan::Scan::new",
        "store::Store::open",
    ]
    .into_iter()
    .map(str::to_string)
    .collect();
    assert_eq!(found, expected);
    // In `x/y.rs`, `super` is `x`.
    let leaf = Module {
        path: vec!["reader".into(), "app".into(), "scan".into()],
        file: PathBuf::from("src/reader/app/scan.rs"),
        is_dir: false,
    };
    let found: Vec<String> = referenced(&leaf, &code_of("use super::{App, filter::Filter};"))
        .iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(
        found,
        vec!["reader::app::App", "reader::app::filter::Filter"]
    );
}
