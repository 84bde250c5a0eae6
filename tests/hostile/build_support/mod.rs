//! Building the hostile test plugin (`tests/hostile`) for `wasm32-wasip2`.
//!
//! One file shared by the host's runtime tests and the e2e tests (each includes it with
//! `#[path]`). It builds with the same cargo command as the bundled plugins
//! (`host/guest_build.rs`), in their target dir, so guest dependencies are compiled once. Test
//! processes run in parallel and every feature set writes the same output file, so the build
//! and the copy happen under a lock.

use std::path::Path;

#[path = "../../../host/guest_build.rs"]
mod guest_build;

/// Build `tests/hostile` with `features` (none: every hostile tool) and copy the component to
/// `out`. `target_root` is the workspace's target directory.
pub fn build_hostile(workspace: &Path, target_root: &Path, features: Option<&str>, out: &Path) {
    let target_dir = target_root.join("plugins");
    std::fs::create_dir_all(&target_dir).expect("create the plugins target dir");
    let lock = std::fs::File::create(target_dir.join("hostile-build.lock"))
        .expect("create the hostile build lock");
    lock.lock().expect("lock the hostile build");
    let mut cmd = guest_build::guest_cargo(workspace, &target_dir, &["hostile-plugin"]);
    if let Some(features) = features {
        cmd.args(["--features", features]);
    }
    let what = features.unwrap_or("every hostile tool");
    let status = cmd.status().expect("run cargo to build tests/hostile");
    assert!(status.success(), "building tests/hostile ({what}) failed");
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).expect("create the hostile output dir");
    }
    let built = guest_build::built_component(&target_dir, "hostile-plugin");
    std::fs::copy(&built, out).expect("copy the built hostile plugin");
}
