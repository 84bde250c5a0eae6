//! The cargo command that builds WebAssembly guests: the bundled plugins (from `build.rs`) and
//! the hostile test plugin (from the tests). One file, included with `mod`/`#[path]` by each,
//! so every guest is built the same way: `wasm32-wasip2`, the workspace's `plugin` profile,
//! its own target directory, and none of the outer build's settings.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The guests' target triple.
pub const TARGET: &str = "wasm32-wasip2";

/// `cargo build` of `crates` for [`TARGET`] with the `plugin` profile into `target_dir`,
/// quiet, run from `workspace`. Settings of the outer build (flags, target, profile and
/// feature variables cargo passes to build scripts and tests) are removed, so they cannot leak
/// into the guest build.
pub fn guest_cargo(workspace: &Path, target_dir: &Path, crates: &[&str]) -> Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace)
        .args(["build", "--quiet", "--manifest-path"])
        .arg(workspace.join("Cargo.toml"))
        .args(["--target", TARGET, "--profile", "plugin", "--target-dir"])
        .arg(target_dir);
    for name in crates {
        cmd.args(["-p", name]);
    }
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_TARGET_DIR",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
    ] {
        cmd.env_remove(var);
    }
    for (key, _) in std::env::vars_os() {
        if let Some(key) = key.to_str()
            && (key.starts_with("CARGO_PROFILE_")
                || key.starts_with("CARGO_CFG_")
                || key.starts_with("CARGO_FEATURE_"))
        {
            cmd.env_remove(key);
        }
    }
    cmd
}

/// Where [`guest_cargo`] leaves the component of crate `name`.
pub fn built_component(target_dir: &Path, name: &str) -> PathBuf {
    target_dir
        .join(TARGET)
        .join("plugin")
        .join(format!("{}.wasm", name.replace('-', "_")))
}
