//! On-disk cache of compiled components, so a restart does not recompile every plugin.
//!
//! An entry is named by the SHA-256 of (component bytes, the engine's compatibility hash,
//! the wasmtime version) and holds the SHA-256 of its payload followed by the payload (the
//! output of `Engine::precompile_component`). A missing, corrupt or incompatible entry is
//! recompiled and rewritten; cache trouble is logged, never fatal. Writes are atomic (a
//! temporary file renamed into place).

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

const DIGEST_LEN: usize = 32;

/// Where compiled components are kept.
#[derive(Clone, Debug)]
pub struct CompileCache {
    dir: Option<PathBuf>,
}

/// How a component was obtained (for logs and tests).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheOutcome {
    Hit,
    Compiled,
}

impl CompileCache {
    /// A cache in `dir`; `None` disables caching.
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self { dir }
    }

    /// Compile `bytes` (a component) or load it from the cache.
    pub fn load_or_compile(
        &self,
        engine: &Engine,
        bytes: &[u8],
    ) -> anyhow::Result<(Component, CacheOutcome)> {
        let Some(path) = self.entry_path(engine, bytes) else {
            return Ok((compile(engine, bytes)?, CacheOutcome::Compiled));
        };
        if let Some(component) = read_entry(engine, &path) {
            return Ok((component, CacheOutcome::Hit));
        }
        let serialized = engine
            .precompile_component(bytes)
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        // SAFETY: `serialized` was produced just now by this engine.
        let component = unsafe { Component::deserialize(engine, &serialized) }
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        if let Err(e) = write_entry(&path, &serialized) {
            tracing::warn!("cannot write compile cache entry {}: {e}", path.display());
        }
        Ok((component, CacheOutcome::Compiled))
    }

    fn entry_path(&self, engine: &Engine, bytes: &[u8]) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let mut hasher = ShaHasher(Sha256::new());
        hasher
            .0
            .update(b"mcp-mikrotik compile cache v1\0wasmtime 48\0");
        hasher.0.update(Sha256::digest(bytes));
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Some(dir.join(format!("{}.cwasm", hex::encode(hasher.0.finalize()))))
    }
}

fn compile(engine: &Engine, bytes: &[u8]) -> anyhow::Result<Component> {
    Component::from_binary(engine, bytes).map_err(|e| anyhow::anyhow!("{e:#}"))
}

/// A valid entry, or `None` (missing, corrupt or from another engine: logged).
fn read_entry(engine: &Engine, path: &Path) -> Option<Component> {
    let data = match std::fs::read(path) {
        Ok(data) => data,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!(
                "cannot read compile cache entry {}: {e}; recompiling",
                path.display()
            );
            return None;
        }
    };
    if data.len() < DIGEST_LEN
        || Sha256::digest(&data[DIGEST_LEN..]).as_slice() != &data[..DIGEST_LEN]
    {
        tracing::warn!(
            "compile cache entry {} is corrupt; recompiling",
            path.display()
        );
        return None;
    }
    // SAFETY: the payload is byte-for-byte what `precompile_component` of an engine with the
    // same compatibility hash wrote (its checksum matches); wasmtime still checks the header
    // and rejects artifacts of another configuration or version.
    match unsafe { Component::deserialize(engine, &data[DIGEST_LEN..]) } {
        Ok(component) => Some(component),
        Err(e) => {
            tracing::warn!(
                "compile cache entry {} is not usable ({e}); recompiling",
                path.display()
            );
            None
        }
    }
}

fn write_entry(path: &Path, serialized: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    static NEXT_TMP: AtomicU64 = AtomicU64::new(0);
    let tmp = dir.join(format!(
        ".{}.{}.{}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
        std::process::id(),
        NEXT_TMP.fetch_add(1, Ordering::Relaxed)
    ));
    let mut data = Vec::with_capacity(DIGEST_LEN + serialized.len());
    data.extend_from_slice(&Sha256::digest(serialized));
    data.extend_from_slice(serialized);
    std::fs::write(&tmp, &data)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

/// Feeds `Hash` output into SHA-256 (the compatibility hash only implements `Hash`).
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
    fn finish(&self) -> u64 {
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(digest[..8].try_into().unwrap_or([0; 8]))
    }
}
