//! The house rules that a compiler does not check, checked on every test run: the use cases
//! know no HTTP, handlers and pages reach the store only through use cases, no source file
//! passes 800 lines, and no two modules of a crate import each other (directly or round a
//! longer loop). Each failure names the file and the line to fix.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const MAX_LINES: usize = 800;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn files_under(rel: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    rust_files(&workspace().join(rel), &mut out);
    out.sort();
    out
}

/// The file's lines with `//` comments cut off, numbered from 1, up to its unit tests.
fn code_lines(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).expect("read source file");
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("#[cfg(test)]") {
            break;
        }
        let code = match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        };
        out.push((i + 1, code.to_owned()));
    }
    out
}

fn display(path: &Path) -> String {
    path.strip_prefix(workspace())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Every line of the files under `rel` that contains one of `banned`.
fn offences(rel: &str, banned: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for file in files_under(rel) {
        for (n, line) in code_lines(&file) {
            for word in banned {
                if line.contains(word) {
                    found.push(format!(
                        "{}:{n}: `{word}` in `{}`",
                        display(&file),
                        line.trim()
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn use_cases_know_no_http() {
    let found = offences(
        "crates/casefile-server/src/app",
        &["axum", "http::", "StatusCode", "tower", "hyper", "ApiError"],
    );
    assert!(
        found.is_empty(),
        "app/ must not speak HTTP:\n{}",
        found.join("\n")
    );
}

#[test]
fn handlers_and_pages_reach_the_store_only_through_use_cases() {
    for dir in ["api", "web"] {
        let found = offences(
            &format!("crates/casefile-server/src/{dir}"),
            &["casefile_store", "app.store", ".store.", ".store)"],
        );
        assert!(
            found.is_empty(),
            "{dir}/ must go through app/:\n{}",
            found.join("\n")
        );
    }
}

#[test]
fn no_source_file_passes_800_lines() {
    let mut long = Vec::new();
    for file in files_under("crates") {
        if file.components().any(|c| c.as_os_str() == "target") {
            continue;
        }
        let lines = std::fs::read_to_string(&file)
            .expect("read")
            .lines()
            .count();
        if lines > MAX_LINES {
            long.push(format!("{}: {lines} lines", display(&file)));
        }
    }
    assert!(
        long.is_empty(),
        "split these by concept (at most {MAX_LINES} lines each):\n{}",
        long.join("\n")
    );
}

/// A crate's module tree: module path (`["app", "task", "workitems"]`) → its file.
fn modules(src: &Path) -> BTreeMap<Vec<String>, PathBuf> {
    let mut out = BTreeMap::new();
    let mut files = Vec::new();
    rust_files(src, &mut files);
    for file in files {
        let rel = file.strip_prefix(src).expect("under src");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let last = parts.pop().expect("file name");
        match last.as_str() {
            "lib.rs" if parts.is_empty() => {}
            "main.rs" if parts.is_empty() => continue, // the binary is its own crate
            "mod.rs" => {}
            name => parts.push(name.trim_end_matches(".rs").to_owned()),
        }
        out.insert(parts, file);
    }
    out
}

fn ident_at(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// The module paths named from `module`'s file: `crate::a::b…`, `super::…`, and the first
/// segment of each item of a `use …::{x, y}` group.
fn referenced(module: &[String], lines: &[(usize, String)]) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (n, line) in lines {
        let mut rest = line.as_str();
        while let Some(at) = rest
            .find("crate::")
            .into_iter()
            .chain(rest.find("super::"))
            .min()
        {
            let start = &rest[at..];
            if at > 0
                && (rest.as_bytes()[at - 1].is_ascii_alphanumeric()
                    || rest.as_bytes()[at - 1] == b'_')
            {
                rest = &start[7..];
                continue;
            }
            let mut base: Vec<String> = Vec::new();
            let mut tail = start;
            if let Some(t) = start.strip_prefix("crate::") {
                tail = t;
            } else {
                base = module.to_vec();
                while let Some(t) = tail.strip_prefix("super::") {
                    base.pop();
                    tail = t;
                }
            }
            let mut path = base;
            loop {
                let (id, after) = ident_at(tail);
                if id.is_empty() {
                    if let Some(group) = tail.strip_prefix('{') {
                        let inner = group.split('}').next().unwrap_or("");
                        for item in inner.split(',') {
                            let (id, _) = ident_at(item.trim());
                            if !id.is_empty() && id != "self" {
                                let mut p = path.clone();
                                p.push(id.to_owned());
                                out.push((*n, p));
                            }
                        }
                    }
                    break;
                }
                path.push(id.to_owned());
                match after.strip_prefix("::") {
                    Some(t) => tail = t,
                    None => break,
                }
            }
            out.push((*n, path));
            rest = &start[7..];
        }
    }
    out
}

fn is_prefix(a: &[String], b: &[String]) -> bool {
    a.len() <= b.len() && b[..a.len()] == *a
}

/// Edges between modules, ignoring a module's use of its ancestors and descendants (a
/// parent declares and re-exports its children; children use their parent's shared types).
fn import_graph(src: &Path) -> BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> {
    let mods = modules(src);
    let mut graph: BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> = BTreeMap::new();
    for (module, file) in &mods {
        for (n, path) in referenced(module, &code_lines(file)) {
            let target = (0..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|p| mods.contains_key(p));
            let Some(target) = target else { continue };
            if is_prefix(&target, module) || is_prefix(module, &target) {
                continue;
            }
            graph
                .entry(module.clone())
                .or_default()
                .entry(target)
                .or_insert_with(|| format!("{}:{n}", display(file)));
        }
    }
    graph
}

/// The import loops of a graph (strongly connected components of more than one module).
fn loops(graph: &BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>) -> Vec<Vec<Vec<String>>> {
    let nodes: BTreeSet<&Vec<String>> = graph
        .keys()
        .chain(graph.values().flat_map(|m| m.keys()))
        .collect();
    let reach = |from: &Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for next in graph.get(&n).into_iter().flat_map(|m| m.keys()) {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reachable: BTreeMap<&Vec<String>, BTreeSet<Vec<String>>> =
        nodes.iter().map(|n| (*n, reach(n))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for n in &nodes {
        if done.contains(*n) {
            continue;
        }
        let group: Vec<Vec<String>> = nodes
            .iter()
            .filter(|m| reachable[*n].contains(**m) && reachable[**m].contains(*n))
            .map(|m| (*m).clone())
            .collect();
        for m in &group {
            done.insert(m.clone());
        }
        if group.len() > 1 {
            out.push(group);
        }
    }
    out
}

#[test]
fn no_two_modules_import_each_other() {
    let mut report = Vec::new();
    for krate in ["casefile-domain", "casefile-store", "casefile-server"] {
        let src = workspace().join("crates").join(krate).join("src");
        let graph = import_graph(&src);
        for group in loops(&graph) {
            report.push(format!(
                "{krate}: {}",
                group
                    .iter()
                    .map(|m| m.join("::"))
                    .collect::<Vec<_>>()
                    .join(" <-> ")
            ));
            for from in &group {
                for (to, at) in graph.get(from).into_iter().flatten() {
                    if group.contains(to) {
                        report.push(format!(
                            "    {at}: {} uses {}",
                            from.join("::"),
                            to.join("::")
                        ));
                    }
                }
            }
        }
    }
    assert!(report.is_empty(), "import loops:\n{}", report.join("\n"));
}

#[test]
fn the_loop_finder_sees_a_loop() {
    // The checker itself must be able to fail: a three-module loop and a clean chain.
    let m = |s: &str| s.split("::").map(str::to_owned).collect::<Vec<_>>();
    let mut graph = BTreeMap::new();
    for (a, b) in [
        ("x::a", "x::b"),
        ("x::b", "y::c"),
        ("y::c", "x::a"),
        ("y::c", "z"),
    ] {
        graph
            .entry(m(a))
            .or_insert_with(BTreeMap::new)
            .insert(m(b), String::new());
    }
    let found = loops(&graph);
    assert_eq!(found, vec![vec![m("x::a"), m("x::b"), m("y::c")]]);
    let lines = vec![
        (1, "use super::{documents, App};".to_owned()),
        (2, "crate::app::cases::get(x)".to_owned()),
    ];
    let refs = referenced(&m("app::task::jobs"), &lines);
    let paths: Vec<Vec<String>> = refs.into_iter().map(|(_, p)| p).collect();
    assert!(paths.contains(&m("app::task::documents")), "{paths:?}");
    assert!(paths.contains(&m("app::cases::get")), "{paths:?}");
}
