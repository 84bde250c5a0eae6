//! The hostile test plugin (`tests/hostile`): built once per test process for
//! `wasm32-wasip2` with the `plugin` profile (in the bundled plugins' target dir, so guest
//! dependencies are compiled once), then copied into a test's plugin directory.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::paths::{target_dir, workspace};

/// The built hostile component (every hostile tool; no features).
pub fn hostile_wasm() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let target = target_dir().join("plugins");
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(workspace())
            .args([
                "build",
                "--quiet",
                "--target",
                "wasm32-wasip2",
                "--profile",
                "plugin",
                "-p",
                "hostile-plugin",
                "--target-dir",
            ])
            .arg(&target);
        for var in [
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_BUILD_TARGET",
            "CARGO_TARGET_DIR",
        ] {
            cmd.env_remove(var);
        }
        let status = cmd.status().expect("run cargo to build tests/hostile");
        assert!(status.success(), "building tests/hostile failed");
        // Keep a private copy: another build of the crate (with features) may replace the
        // file cargo writes.
        let built = target.join("wasm32-wasip2/plugin/hostile_plugin.wasm");
        let out = target_dir().join("hostile");
        std::fs::create_dir_all(&out).expect("create target/hostile");
        let copy = out.join(format!("e2e-hostile-{}.wasm", std::process::id()));
        std::fs::copy(&built, &copy).expect("copy the hostile plugin");
        copy
    })
}

/// Copy the hostile plugin into `dir` as `hostile.wasm`.
pub fn install_hostile(dir: &Path) {
    std::fs::copy(hostile_wasm(), dir.join("hostile.wasm"))
        .expect("copy the hostile plugin into the plugin directory");
}
