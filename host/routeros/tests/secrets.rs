//! Keeps `routeros::secrets` complete: every argument name in the RouterOS 7.24 command tree
//! that looks like it carries a secret must be in the list (or be a known non-secret).

use std::collections::BTreeSet;

use routeros::secrets::{SECRET_NAMES, is_secret};

/// Names that match the heuristic but are not secret values (see the module docs).
const NOT_SECRET: &[&str] = &[
    "aaa.password-format",
    "minimum-password-length",
    "multi-passphrase-group",
    "password-authentication",
    "password-format",
    "private-key-file",
    "reset-private-key",
    "security.multi-passphrase-group",
];

/// Every `arg` name in the `/console/inspect` tree.
fn argument_names() -> BTreeSet<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/command-tree-7.24.json"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("the command tree must be at {path}: {e}"));
    let tree: serde_json::Value = serde_json::from_str(&text).expect("the command tree is JSON");
    let mut names = BTreeSet::new();
    let mut todo = vec![&tree];
    while let Some(node) = todo.pop() {
        let Some(map) = node.as_object() else {
            continue;
        };
        for (name, child) in map {
            if child.get("_type").and_then(|t| t.as_str()) == Some("arg") {
                names.insert(name.clone());
            }
            todo.push(child);
        }
    }
    names
}

fn looks_secret(name: &str) -> bool {
    let parts = [
        "password",
        "passphrase",
        "secret",
        "pre-shared-key",
        "preshared-key",
        "private-key",
        "psk",
        "community",
    ];
    parts.iter().any(|p| name.contains(p)) || name == "pin" || name.ends_with("-pin")
}

#[test]
fn every_secret_looking_argument_of_the_command_tree_is_listed() {
    let names = argument_names();
    assert!(
        names.len() > 1_000,
        "only {} argument names read",
        names.len()
    );
    let missing: Vec<&String> = names
        .iter()
        .filter(|n| looks_secret(n) && !is_secret(n) && !NOT_SECRET.contains(&n.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "add these to routeros::secrets::SECRET_NAMES (or to NOT_SECRET here): {missing:?}"
    );
}

#[test]
fn listed_names_are_real_arguments_or_known_older_ones() {
    // RouterOS 6 wireless security profiles, not in the 7.24 tree.
    let older = [
        "management-protection-key",
        "mschapv2-password",
        "static-key-0",
        "static-key-1",
        "static-key-2",
        "static-key-3",
        "static-sta-private-key",
        "wpa-pre-shared-key",
        "wpa2-pre-shared-key",
    ];
    let names = argument_names();
    let unknown: Vec<&&str> = SECRET_NAMES
        .iter()
        .filter(|n| !names.contains(**n) && !older.contains(n))
        .collect();
    assert!(unknown.is_empty(), "not in the command tree: {unknown:?}");
}
