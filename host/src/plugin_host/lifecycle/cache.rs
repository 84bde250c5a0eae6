//! On-disk cache of compiled components, so a restart does not recompile every plugin.
//!
//! An entry is named by the SHA-256 of (component bytes, the engine's compatibility hash,
//! the wasmtime version): `<name>.cwasm` holds the output of `Engine::precompile_component`
//! and `<name>.cwasm.sum` its length and CRC-32 (corruption check; the cache directory is the
//! user's own, so this guards against damage, not against an attacker who could as well
//! rewrite both). A valid entry is mapped from disk rather than copied into memory, so only
//! the code a call runs becomes resident; where mapping fails, it is read into memory instead. A missing, corrupt or incompatible entry is
//! recompiled and rewritten; cache trouble is logged, never fatal. Writes are atomic (a
//! temporary file renamed into place).

use std::borrow::Cow;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// `.sum` file: magic, CRC-32 (LE), payload length (LE).
const SUM_MAGIC: &[u8; 4] = b"mmc1";
const SUM_LEN: usize = 16;

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

/// Why [`CompileCache::load_or_compile`] has no component.
#[derive(Debug)]
pub enum CompileError {
    /// The component's bytes could not be had (the message says why, for a person).
    Source(String),
    /// The bytes are not a component this engine accepts.
    Invalid(anyhow::Error),
}

/// SHA-256 of a component: what the cache knows it by.
pub fn digest(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

impl CompileCache {
    /// A cache in `dir`; `None` disables caching.
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self { dir }
    }

    /// Load the component whose bytes have SHA-256 `digest` from the cache, or compile it.
    /// `bytes` is called only when the component has to be compiled, so a cache hit never
    /// reads (or pages in) the component itself.
    pub fn load_or_compile<'a>(
        &self,
        engine: &Engine,
        digest: &[u8; 32],
        bytes: impl FnOnce() -> Result<Cow<'a, [u8]>, String>,
    ) -> Result<(Component, CacheOutcome), CompileError> {
        let Some(path) = self.entry_path(engine, digest) else {
            let bytes = bytes().map_err(CompileError::Source)?;
            return Ok((compile(engine, &bytes)?, CacheOutcome::Compiled));
        };
        if let Some(component) = read_entry(engine, &path) {
            return Ok((component, CacheOutcome::Hit));
        }
        let bytes = bytes().map_err(CompileError::Source)?;
        let serialized = engine
            .precompile_component(&bytes)
            .map_err(|e| CompileError::Invalid(anyhow::anyhow!("{e:#}")))?;
        // SAFETY: `serialized` was produced just now by this engine.
        let component = unsafe { Component::deserialize(engine, &serialized) }
            .map_err(|e| CompileError::Invalid(anyhow::anyhow!("{e:#}")))?;
        if let Err(e) = write_entry(&path, &serialized) {
            tracing::warn!("cannot write compile cache entry {}: {e}", path.display());
        }
        Ok((component, CacheOutcome::Compiled))
    }

    /// The entry (`.cwasm` file) of the component with `digest`; `None` without a cache.
    pub fn entry_path(&self, engine: &Engine, digest: &[u8; 32]) -> Option<PathBuf> {
        let dir = self.dir.as_ref()?;
        let mut hasher = ShaHasher(Sha256::new());
        hasher
            .0
            .update(b"mcp-mikrotik compile cache v2\0wasmtime 48\0");
        hasher.0.update(digest);
        engine.precompile_compatibility_hash().hash(&mut hasher);
        Some(dir.join(format!("{}.cwasm", hex::encode(hasher.0.finalize()))))
    }
}

fn compile(engine: &Engine, bytes: &[u8]) -> Result<Component, CompileError> {
    Component::from_binary(engine, bytes)
        .map_err(|e| CompileError::Invalid(anyhow::anyhow!("{e:#}")))
}

/// The `.sum` file next to an entry.
fn sum_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".sum");
    PathBuf::from(name)
}

/// The `.sum` record of `payload`.
fn sum_of(crc: u32, len: u64) -> [u8; SUM_LEN] {
    let mut sum = [0; SUM_LEN];
    sum[..4].copy_from_slice(SUM_MAGIC);
    sum[4..8].copy_from_slice(&crc.to_le_bytes());
    sum[8..].copy_from_slice(&len.to_le_bytes());
    sum
}

/// CRC-32 and length of a file, read in pieces (the file is not mapped into the process).
fn file_sum(path: &Path) -> std::io::Result<[u8; SUM_LEN]> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0; 64 * 1024];
    let mut len = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        len += n as u64;
    }
    Ok(sum_of(hasher.finalize(), len))
}

/// A valid entry, or `None` (missing, corrupt or from another engine: logged).
fn read_entry(engine: &Engine, path: &Path) -> Option<Component> {
    let expected = match std::fs::read(sum_path(path)) {
        Ok(sum) => sum,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!(
                "cannot read compile cache entry {}: {e}; recompiling",
                path.display()
            );
            return None;
        }
    };
    match file_sum(path) {
        Ok(actual) if actual.as_slice() == expected.as_slice() => {}
        Ok(_) => {
            tracing::warn!(
                "compile cache entry {} is corrupt; recompiling",
                path.display()
            );
            return None;
        }
        Err(e) => {
            tracing::warn!(
                "cannot read compile cache entry {}: {e}; recompiling",
                path.display()
            );
            return None;
        }
    }
    // SAFETY (both calls): the file is byte-for-byte what `precompile_component` of an engine
    // with the same compatibility hash wrote (its length and checksum match); wasmtime still
    // checks the header and rejects artifacts of another configuration or version.
    let mapped = unsafe { Component::deserialize_file(engine, path) };
    let error = match mapped {
        Ok(component) => return Some(component),
        Err(e) => e,
    };
    // Mapping can fail where reading works (on Windows, changing the mapped pages' protection
    // has been refused): load the code from memory rather than compile it again.
    tracing::debug!(
        "cannot map compile cache entry {} ({error:#}); reading it instead",
        path.display()
    );
    let loaded = match std::fs::read(path) {
        Ok(bytes) => {
            unsafe { Component::deserialize(engine, &bytes) }.map_err(|e| format!("{e:#}"))
        }
        Err(e) => Err(e.to_string()),
    };
    match loaded {
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
    let sum = sum_of(crc32fast::hash(serialized), serialized.len() as u64);
    write_atomically(path, serialized)?;
    write_atomically(&sum_path(path), &sum)
}

/// Write `data` to `path` through a temporary file renamed into place.
pub(crate) fn write_atomically(path: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    // A name no other writer (thread or process) picks: a fresh random 64-bit value.
    let unique = RandomState::new().hash_one(std::process::id());
    let tmp = dir.join(format!(
        ".{}.{unique:016x}.tmp",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("entry"),
    ));
    std::fs::write(&tmp, data)?;
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
