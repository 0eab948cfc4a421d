//! `rust-version` in Cargo.toml is the true minimum: at least the highest
//! `rust-version` of any crate the program is built from (normal and build
//! dependencies, as cargo resolved them in Cargo.lock), so `cargo install` on an older
//! toolchain fails with cargo's clear message instead of a compile error deep in a
//! dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.split('.').map(|part| part.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

#[test]
fn rust_version_is_the_highest_any_dependency_needs() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata JSON");
    let packages: BTreeMap<&str, &Value> = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .map(|package| (package["id"].as_str().unwrap_or(""), package))
        .collect();
    let nodes: BTreeMap<&str, &Value> = metadata["resolve"]["nodes"]
        .as_array()
        .expect("resolve")
        .iter()
        .map(|node| (node["id"].as_str().unwrap_or(""), node))
        .collect();
    let root = metadata["resolve"]["root"].as_str().expect("root package");
    // Walk what building the program needs: normal and build dependencies, not dev ones.
    let mut seen = BTreeSet::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes[id]["deps"].as_array().into_iter().flatten() {
            let needed = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|kind| matches!(kind["kind"].as_str(), None | Some("build")));
            if needed && let Some(pkg) = dep["pkg"].as_str() {
                stack.push(pkg);
            }
        }
    }
    let (highest, by) = seen
        .iter()
        .filter(|id| **id != root)
        .filter_map(|id| {
            let package = packages[id];
            let needs = package["rust_version"].as_str()?;
            Some((
                version(needs),
                package["name"].as_str().unwrap_or("?").to_string(),
            ))
        })
        .max()
        .expect("some dependency states a rust-version");
    let ours = packages[root]["rust_version"]
        .as_str()
        .expect("Cargo.toml states rust-version");
    assert!(
        version(ours) >= highest,
        "rust-version = {ours} in Cargo.toml, but {by} needs {}.{}.{}",
        highest.0,
        highest.1,
        highest.2
    );
    assert_eq!(
        version(ours),
        highest,
        "rust-version = {ours} is higher than any dependency needs ({by}: {}.{}.{}): say the true minimum",
        highest.0,
        highest.1,
        highest.2
    );
}
