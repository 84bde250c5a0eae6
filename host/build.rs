//! Builds the bundled plugins and embeds them in the binary.
//!
//! Every crate in `<workspace>/plugins/` whose Cargo.toml has
//! `[package.metadata.mcp-mikrotik]` with `plugin = true` is built for `wasm32-wasip2` with the
//! workspace's `plugin` profile into `<workspace>/target/plugins`, and `OUT_DIR/embedded.rs`
//! lists the resulting components as `Bundled` values: name, bytes (`include_bytes!`) and
//! SHA-256, so that a warm start finds a plugin's compile-cache entry without reading its bytes.
//! With no plugin crates nothing is embedded. The nested build is quiet unless it fails.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::Digest as _;

mod guest_build;

use guest_build::TARGET;

fn main() {
    let manifest_dir = PathBuf::from(env("CARGO_MANIFEST_DIR"));
    let workspace = manifest_dir
        .parent()
        .expect("host/ lives inside the workspace")
        .to_path_buf();
    let plugins_dir = workspace.join("plugins");
    println!("cargo:rerun-if-changed={}", plugins_dir.display());
    println!("cargo:rerun-if-changed={}", workspace.join("wit").display());
    // The `plugin` profile lives in the workspace manifest.
    println!(
        "cargo:rerun-if-changed={}",
        workspace.join("Cargo.toml").display()
    );
    println!("cargo:rerun-if-env-changed=MCP_MIKROTIK_SKIP_PLUGIN_BUILD");

    let crates = plugin_crates(&plugins_dir);
    let skip = std::env::var_os("MCP_MIKROTIK_SKIP_PLUGIN_BUILD").is_some();
    let mut embedded = String::from("&[\n");
    if !crates.is_empty() && !skip {
        let target_dir = workspace.join("target").join("plugins");
        build_plugins(&workspace, &target_dir, &crates);
        for name in &crates {
            let file = guest_build::built_component(&target_dir, name);
            if !file.is_file() {
                fail(&format!(
                    "plugin crate {name} built, but {} is missing; is its crate-type cdylib?",
                    file.display()
                ));
            }
            let bytes = std::fs::read(&file)
                .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", file.display())));
            let digest: [u8; 32] = sha2::Sha256::digest(&bytes).into();
            writeln!(
                embedded,
                "    Bundled {{ name: {name:?}, bytes: include_bytes!({:?}), digest: {digest:?} }},",
                file.display().to_string()
            )
            .expect("writing to a String");
        }
    }
    embedded.push_str("]\n");
    let out = PathBuf::from(env("OUT_DIR")).join("embedded.rs");
    std::fs::write(&out, embedded)
        .unwrap_or_else(|e| fail(&format!("cannot write {}: {e}", out.display())));
}

/// Stop the build with `message` as cargo's error (no backtrace: the message is the fix).
fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| fail(&format!("cargo did not set {name}")))
}

/// Package names of the marked plugin crates, sorted.
fn plugin_crates(plugins_dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(plugins_dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path().join("Cargo.toml")).ok())
        .filter_map(|toml| marked_plugin_name(&toml))
        .collect();
    names.sort();
    names
}

/// The package name when the manifest has `plugin = true` in
/// `[package.metadata.mcp-mikrotik]`. A small line-based reader: enough for Cargo.toml files
/// written by hand in this repository.
fn marked_plugin_name(toml: &str) -> Option<String> {
    let mut section = String::new();
    let mut name = None;
    let mut marked = false;
    for line in toml.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.starts_with('[') {
            section = line.trim_matches(['[', ']']).trim().to_string();
            continue;
        }
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        match section.as_str() {
            "package" if key == "name" => name = Some(value.trim_matches('"').to_string()),
            "package.metadata.mcp-mikrotik" if key == "plugin" => marked = value == "true",
            _ => {}
        }
    }
    if marked { name } else { None }
}

fn build_plugins(workspace: &Path, target_dir: &Path, crates: &[String]) {
    check_target_installed();
    let names: Vec<&str> = crates.iter().map(String::as_str).collect();
    let mut cmd = guest_build::guest_cargo(workspace, target_dir, &names);
    let output = cmd.output().unwrap_or_else(|e| {
        fail(&format!(
            "cannot run cargo to build the bundled plugins: {e}"
        ))
    });
    if !output.status.success() {
        eprintln!("{}", String::from_utf8_lossy(&output.stderr));
        fail(&format!(
            "building the bundled plugins ({}) for {TARGET} failed; the cargo output is above",
            crates.join(", ")
        ));
    }
}

/// Fail early, with the fix, when the wasm32-wasip2 standard library is not installed.
fn check_target_installed() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(sysroot) = sysroot
        && !sysroot.join("lib").join("rustlib").join(TARGET).is_dir()
    {
        fail(&format!(
            "the {TARGET} target is not installed for {}; run `rustup target add {TARGET}` and build again",
            sysroot.display()
        ));
    }
}
