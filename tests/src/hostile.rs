//! The hostile test plugin (`tests/hostile`): built once per test process for
//! `wasm32-wasip2` with the `plugin` profile (in the bundled plugins' target dir, so guest
//! dependencies are compiled once), then copied into a test's plugin directory.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::paths::{target_dir, workspace};

#[path = "../hostile/build_support/mod.rs"]
mod build;

/// The built hostile component (every hostile tool; no features).
pub fn hostile_wasm() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        // A private copy per process: other processes rebuild the file for their features.
        let copy = target_dir()
            .join("hostile")
            .join(format!("e2e-hostile-{}.wasm", std::process::id()));
        build::build_hostile(&workspace(), &target_dir(), None, &copy);
        copy
    })
}

/// Copy the hostile plugin into `dir` as `hostile.wasm`.
pub fn install_hostile(dir: &Path) {
    std::fs::copy(hostile_wasm(), dir.join("hostile.wasm"))
        .expect("copy the hostile plugin into the plugin directory");
}
