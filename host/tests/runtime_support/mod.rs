//! Shared helpers of the runtime tests: building the hostile test plugin once, a fake router
//! that records what it was asked, and scratch directories.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use mcp_mikrotik::plugin_host::{PluginHost, PluginHostConfig};
use mcp_mikrotik::routeros::{CallError, Cut, Request, Response, Router, Row};

#[path = "../../../tests/hostile/build_support/mod.rs"]
mod build;

/// The three builds of `tests/hostile`.
#[derive(Clone, Copy, Debug)]
pub enum Hostile {
    Normal,
    BadSchema,
    ContractV9,
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Path of the built hostile component (built once per test binary).
pub fn hostile_wasm(which: Hostile) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let out = BUILT.get_or_init(|| {
        // Per process: other test binaries rebuild these files while this one reads them.
        let out = workspace()
            .join("target")
            .join("hostile")
            .join(format!("host-{}", std::process::id()));
        for (features, name) in [
            (None, "normal"),
            (Some("bad-schema"), "bad-schema"),
            (Some("contract-v9"), "contract-v9"),
        ] {
            let file = out.join(format!("{name}.wasm"));
            build::build_hostile(&workspace(), &workspace().join("target"), features, &file);
        }
        out
    });
    out.join(match which {
        Hostile::Normal => "normal.wasm",
        Hostile::BadSchema => "bad-schema.wasm",
        Hostile::ContractV9 => "contract-v9.wasm",
    })
}

/// A fresh, empty scratch directory for one test.
pub fn scratch_dir(test: &str) -> PathBuf {
    let dir = workspace()
        .join("target")
        .join("runtime-tests")
        .join(format!("{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A plugin directory holding copies of the given builds under the given file names.
pub fn plugin_dir(test: &str, files: &[(&str, Hostile)]) -> PathBuf {
    let dir = scratch_dir(test).join("plugins");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, which) in files {
        std::fs::copy(hostile_wasm(*which), dir.join(name)).unwrap();
    }
    dir
}

/// A config for tests: no bundled plugins, the given plugin dir, a private cache.
pub fn config(test: &str, plugin_dir: PathBuf) -> PluginHostConfig {
    PluginHostConfig {
        plugin_dir: Some(plugin_dir),
        cache_dir: Some(scratch_dir(&format!("{test}-cache"))),
        load_bundled: false,
        ..PluginHostConfig::default()
    }
}

/// What the fake router was asked.
#[derive(Clone, Debug)]
pub struct SeenRequest {
    pub command: String,
    pub args: Vec<(String, Bytes)>,
    pub queries: Vec<String>,
    pub deadline: Duration,
    pub max_rows: usize,
    pub observed: bool,
}

/// A router that answers every command with fixed rows (or a fixed error) and records calls.
pub struct FakeRouter {
    pub seen: Mutex<Vec<SeenRequest>>,
    rows: Vec<Row>,
    error: Option<CallError>,
}

impl FakeRouter {
    pub fn with_rows(rows: Vec<Row>) -> Arc<Self> {
        Arc::new(Self {
            seen: Mutex::new(Vec::new()),
            rows,
            error: None,
        })
    }
    pub fn failing(error: CallError) -> Arc<Self> {
        Arc::new(Self {
            seen: Mutex::new(Vec::new()),
            rows: Vec::new(),
            error: Some(error),
        })
    }
    /// Two interfaces, the second with a Windows-1252 comment.
    pub fn interfaces() -> Arc<Self> {
        Self::with_rows(vec![
            Row::from_pairs(&[(".id", "*1"), ("name", "ether1"), ("type", "ether")]),
            Row::from_pairs(&[
                (".id", &b"*2"[..]),
                ("name", b"ether2"),
                ("comment", b"caf\xe9"),
            ]),
            Row::from_pairs(&[(".id", "*3"), ("name", "bridge"), ("type", "bridge")]),
        ])
    }
    pub fn seen(&self) -> Vec<SeenRequest> {
        self.seen.lock().unwrap().clone()
    }
}

impl Router for FakeRouter {
    fn call(&self, request: Request) -> BoxFuture<'static, Result<Response, CallError>> {
        self.seen.lock().unwrap().push(SeenRequest {
            command: request.command.clone(),
            args: request.args.clone(),
            queries: request.queries.clone(),
            deadline: request.limits.deadline,
            max_rows: request.limits.max_rows,
            observed: request.on_row.is_some(),
        });
        let result = match &self.error {
            Some(error) => Err(error.clone()),
            None => {
                let mut rows = self.rows.clone();
                let mut cut = None;
                if rows.len() > request.limits.max_rows {
                    rows.truncate(request.limits.max_rows);
                    cut = Some(Cut::RowCap);
                }
                if let Some(observer) = &request.on_row {
                    for (i, row) in rows.iter().enumerate() {
                        (observer.0)(i + 1, row);
                    }
                }
                Ok(Response {
                    rows,
                    done: Row::new(),
                    cut,
                    empty: false,
                })
            }
        };
        Box::pin(async move { result })
    }
    fn target(&self) -> String {
        "fake-router:8728".into()
    }
}

/// Load a plugin host, panicking on engine failure.
pub async fn load(
    cfg: PluginHostConfig,
    router: Arc<FakeRouter>,
) -> (Arc<PluginHost>, Vec<String>) {
    let (host, warnings) = PluginHost::load(cfg, router).await.expect("engine starts");
    (
        Arc::new(host),
        warnings.iter().map(|w| w.to_string()).collect(),
    )
}
