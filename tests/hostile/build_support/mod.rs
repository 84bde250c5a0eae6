//! Building the hostile test plugin (`tests/hostile`) for `wasm32-wasip2`.
//!
//! One file shared by the host's runtime tests and the e2e tests (each includes it with
//! `#[path]`), so both build the plugin the same way: the `plugin` profile in the bundled
//! plugins' target dir (guest dependencies are compiled once), with the caller's environment
//! that would redirect or change the build removed. Test processes run in parallel and every
//! feature set writes the same output file, so the build and the copy happen under a lock.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Build `tests/hostile` with `features` (none: every hostile tool) and copy the component to
/// `out`. `target_root` is the workspace's target directory.
pub fn build_hostile(workspace: &Path, target_root: &Path, features: Option<&str>, out: &Path) {
    let target_dir = target_root.join("plugins");
    std::fs::create_dir_all(&target_dir).expect("create the plugins target dir");
    let lock = std::fs::File::create(target_dir.join("hostile-build.lock"))
        .expect("create the hostile build lock");
    lock.lock().expect("lock the hostile build");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace)
        .args(["build", "--quiet", "--target", "wasm32-wasip2"])
        .args([
            "--profile",
            "plugin",
            "-p",
            "hostile-plugin",
            "--target-dir",
        ])
        .arg(&target_dir);
    if let Some(features) = features {
        cmd.args(["--features", features]);
    }
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
    ] {
        cmd.env_remove(var);
    }
    let what = features.unwrap_or("every hostile tool");
    let status = cmd.status().expect("run cargo to build tests/hostile");
    assert!(status.success(), "building tests/hostile ({what}) failed");
    let built: PathBuf = target_dir.join("wasm32-wasip2/plugin/hostile_plugin.wasm");
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("create the hostile output dir");
    }
    std::fs::copy(&built, out).expect("copy the built hostile plugin");
}
