//! Where things are: the workspace, the target directory, the `mcp-mikrotik` binary (built
//! once per test process when missing or older than its sources) and per-test scratch
//! directories.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// The workspace root (the parent of the `tests/` crate).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ lives inside the workspace")
        .to_path_buf()
}

/// The profile directory this test binary was built into (`<target>/debug`), derived from
/// the running executable (`<target>/debug/deps/<test>-<hash>` or `<target>/debug/<bin>`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test knows its own executable");
    let dir = exe.parent().expect("the executable is in a directory");
    if dir.file_name().is_some_and(|n| n == "deps") {
        dir.parent()
            .expect("deps/ is inside a profile dir")
            .to_path_buf()
    } else {
        dir.to_path_buf()
    }
}

/// The cargo target directory (`<workspace>/target` unless redirected).
pub fn target_dir() -> PathBuf {
    profile_dir()
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| workspace().join("target"))
}

/// The `mcp-mikrotik` binary next to this test binary, built (once) if missing or stale.
/// `MCP_MIKROTIK_BIN` overrides the location (then nothing is built).
pub fn server_binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        if let Some(path) = std::env::var_os("MCP_MIKROTIK_BIN") {
            return PathBuf::from(path);
        }
        let profile = profile_dir();
        let binary = profile.join(format!("mcp-mikrotik{}", std::env::consts::EXE_SUFFIX));
        if is_stale(&binary) {
            build_server(&profile);
        }
        assert!(
            binary.is_file(),
            "{} is missing after building it",
            binary.display()
        );
        binary
    })
}

/// Whether `binary` is missing or older than any source it is built from.
fn is_stale(binary: &Path) -> bool {
    let Some(built) = modified(binary) else {
        return true;
    };
    let ws = workspace();
    let sources = [
        ws.join("Cargo.toml"),
        ws.join("Cargo.lock"),
        ws.join("host"),
        ws.join("plugins"),
        ws.join("wit"),
    ];
    sources.iter().any(|s| newest(s).is_some_and(|t| t > built))
}

fn modified(path: &Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// The newest modification time of a file or of any file under a directory.
fn newest(path: &Path) -> Option<SystemTime> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_dir() {
        return meta.modified().ok();
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.file_name() != "target")
        .filter_map(|e| newest(&e.path()))
        .max()
}

/// `cargo build -p mcp-mikrotik` for the profile of this test binary.
fn build_server(profile: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace())
        .args(["build", "-p", "mcp-mikrotik", "--target-dir"])
        .arg(target_dir());
    match profile.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => {}
        Some("release") => {
            cmd.arg("--release");
        }
        Some(other) => {
            cmd.args(["--profile", other]);
        }
    }
    let status = cmd.status().expect("run cargo to build mcp-mikrotik");
    assert!(status.success(), "cargo build -p mcp-mikrotik failed");
}

/// A fresh directory under `<target>/e2e/`, removed when dropped.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
}

impl Scratch {
    /// A new, empty directory named after `label`.
    pub fn new(label: &str) -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = target_dir()
            .join("e2e")
            .join(format!("{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create a scratch directory");
        Self { path }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A subdirectory, created.
    pub fn subdir(&self, name: &str) -> PathBuf {
        let dir = self.path.join(name);
        std::fs::create_dir_all(&dir).expect("create a scratch subdirectory");
        dir
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// A compile cache shared by every test of this process (under `<target>/e2e/`, never the
/// user's cache), so each bundled plugin is compiled once rather than once per test.
pub fn shared_cache_home() -> &'static Path {
    static CACHE: OnceLock<PathBuf> = OnceLock::new();
    CACHE.get_or_init(|| {
        let dir = target_dir().join("e2e").join("shared-xdg-cache");
        std::fs::create_dir_all(&dir).expect("create the shared compile cache directory");
        dir
    })
}
