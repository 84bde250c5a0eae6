//! Loading plugins: gather the components (bundled ones and every `*.wasm` in the plugin
//! directory), compile them in parallel through the compile cache, check they target this
//! contract version, link them, ask each for its manifest and check it. A plugin that fails
//! any step is skipped with one [`LoadWarning`]; loading itself only fails when the engine
//! cannot be created.
//!
//! A plugin whose manifest is in the compile cache (see [`crate::plugin_host::lifecycle::manifest_cache`]) is not
//! loaded at start: its [`PluginCode`] maps and links the compiled code on the first call.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use wasmtime::Engine;
use wasmtime::component::{Component, Linker};

use crate::plugin_host::config::{PluginHostConfig, human_duration, human_limit};
use crate::plugin_host::lifecycle::bindings::{
    CONTRACT_PACKAGE, CONTRACT_VERSION, EXPORT_INTERFACE, PluginPre,
};
use crate::plugin_host::lifecycle::cache::{CompileCache, CompileError};
use crate::plugin_host::lifecycle::embedded::Bundled;
use crate::plugin_host::lifecycle::instance::{self, InstanceFailure, RunSpec};
use crate::plugin_host::lifecycle::manifest_cache;
use crate::plugin_host::lifecycle::state::{CallState, Caller};
use crate::plugin_host::policy::manifest::{CheckedManifest, check_manifest};
use crate::plugin_host::types::{LoadWarning, PluginSource};
use crate::routeros::Router;

/// A plugin ready to serve calls.
pub struct LoadedPlugin {
    pub source: PluginSource,
    pub manifest: CheckedManifest,
    /// Its code, and fresh instances for calls.
    pub code: PluginCode,
}

/// What every plugin load needs: the linker (with the engine) and the compile cache.
pub struct LoadContext {
    pub linker: Linker<CallState>,
    pub cache: CompileCache,
}

/// Where a component comes from, so it can be compiled again when its cache entry is gone.
#[derive(Clone, Debug)]
pub enum Origin {
    Bundled(&'static [u8]),
    File(std::path::PathBuf),
}

impl Origin {
    /// The component's bytes, which must still have SHA-256 `digest`.
    fn read(&self, digest: &[u8; 32]) -> Result<Cow<'static, [u8]>, String> {
        match self {
            Origin::Bundled(bytes) => Ok(Cow::Borrowed(bytes)),
            Origin::File(path) => {
                let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
                if crate::plugin_host::lifecycle::cache::digest(&bytes) != *digest {
                    return Err(
                        "the file changed since the server started; restart the server to load the new version"
                            .into(),
                    );
                }
                Ok(Cow::Owned(bytes))
            }
        }
    }
}

/// A component to load: its name for messages, where it comes from, its SHA-256, and its
/// bytes when they had to be read already (a plugin file; bundled bytes stay untouched).
pub struct Gathered {
    pub source: PluginSource,
    pub origin: Origin,
    pub digest: [u8; 32],
    pub bytes: Option<Vec<u8>>,
}

/// Components to load, in a stable order: bundled first, then the directory sorted by name.
pub fn gather_sources(
    cfg: &PluginHostConfig,
    bundled: &[Bundled],
    warnings: &mut Vec<LoadWarning>,
) -> Vec<Gathered> {
    let mut sources = Vec::new();
    if cfg.load_bundled {
        for plugin in bundled {
            sources.push(Gathered {
                source: PluginSource::Bundled(plugin.name.to_string()),
                origin: Origin::Bundled(plugin.bytes),
                digest: plugin.digest,
                bytes: None,
            });
        }
    }
    if let Some(dir) = &cfg.plugin_dir {
        sources.extend(read_plugin_dir(dir, warnings));
    }
    sources
}

fn read_plugin_dir(dir: &Path, warnings: &mut Vec<LoadWarning>) -> Vec<Gathered> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::debug!("plugin directory {} does not exist", dir.display());
            return Vec::new();
        }
        Err(e) => {
            warnings.push(LoadWarning {
                source: dir.display().to_string(),
                reason: format!("cannot read the plugin directory: {e}"),
            });
            return Vec::new();
        }
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wasm") && p.is_file())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for path in paths {
        let source = PluginSource::File(path.clone());
        match std::fs::read(&path) {
            Ok(bytes) => out.push(Gathered {
                source,
                origin: Origin::File(path),
                digest: crate::plugin_host::lifecycle::cache::digest(&bytes),
                bytes: Some(bytes),
            }),
            Err(e) => warnings.push(LoadWarning::new(&source, format!("cannot read it: {e}"))),
        }
    }
    out
}

/// Recognise what the bytes are before handing them to the compiler, for a clear message.
fn check_binary_kind(bytes: &[u8]) -> Result<(), String> {
    const MAGIC: &[u8] = b"\0asm";
    if bytes.len() < 8 || &bytes[..4] != MAGIC {
        return Err("it is not a WebAssembly component (no \\0asm header)".into());
    }
    // Layer field: 0 = core module, 1 = component.
    if bytes[6..8] == [0, 0] {
        return Err(
            "it is a core WebAssembly module, not a component; build the plugin for wasm32-wasip2"
                .into(),
        );
    }
    Ok(())
}

/// Compile through the cache (blocking work; run it on a blocking thread). `held` are the
/// bytes when already read; otherwise they are fetched from `origin` only on a cache miss.
pub fn compile(
    engine: &Engine,
    cache: &CompileCache,
    origin: &Origin,
    digest: &[u8; 32],
    held: Option<&[u8]>,
) -> Result<Component, String> {
    let bytes = || {
        let bytes = match held {
            Some(bytes) => Cow::Borrowed(bytes),
            None => origin.read(digest)?,
        };
        check_binary_kind(&bytes)?;
        Ok(bytes)
    };
    let (component, outcome) =
        cache
            .load_or_compile(engine, digest, bytes)
            .map_err(|e| match e {
                CompileError::Source(why) => why,
                CompileError::Invalid(e) => {
                    format!("it is not a valid WebAssembly component: {e:#}")
                }
            })?;
    tracing::debug!("component {outcome:?}");
    Ok(component)
}

/// Check the component targets this contract version; name the version it wants otherwise.
fn check_contract(engine: &Engine, component: &Component) -> Result<(), String> {
    let ty = component.component_type();
    let exports: Vec<String> = ty
        .exports(engine)
        .map(|(name, _)| name.to_string())
        .collect();
    let imports: Vec<String> = ty
        .imports(engine)
        .map(|(name, _)| name.to_string())
        .collect();
    if exports.iter().any(|e| e == EXPORT_INTERFACE) {
        if let Some(other) = imports.iter().find(|i| is_other_contract_version(i)) {
            return Err(format!(
                "it imports {other}, but this host implements {CONTRACT_PACKAGE}@{CONTRACT_VERSION}"
            ));
        }
        return Ok(());
    }
    if let Some(other) = exports
        .iter()
        .chain(&imports)
        .find(|e| is_other_contract_version(e))
    {
        let wanted = other
            .rsplit_once('@')
            .map(|(_, v)| v)
            .unwrap_or("(no version)");
        return Err(format!(
            "it targets contract {CONTRACT_PACKAGE}@{wanted} ({other}), but this host implements {CONTRACT_PACKAGE}@{CONTRACT_VERSION}; rebuild it against this version"
        ));
    }
    Err(format!(
        "it does not export {EXPORT_INTERFACE}, so it is not an mcp-mikrotik plugin (exports: [{}])",
        exports.join(", ")
    ))
}

fn is_other_contract_version(name: &str) -> bool {
    name.starts_with(&format!("{CONTRACT_PACKAGE}/"))
        && name.rsplit_once('@').map(|(_, v)| v) != Some(CONTRACT_VERSION)
}

/// Check a compiled component targets this contract and link it.
fn link(linker: &Linker<CallState>, component: &Component) -> Result<PluginPre<CallState>, String> {
    check_contract(linker.engine(), component)?;
    let instance_pre = linker
        .instantiate_pre(component)
        .map_err(|e| format!("it needs imports this host does not provide: {e:#}"))?;
    PluginPre::new(instance_pre)
        .map_err(|e| format!("its exports do not match the contract: {e:#}"))
}

/// Link a compiled component, read its manifest (storing it in the compile cache) and check it.
pub async fn prepare(
    gathered: Gathered,
    component: Component,
    ctx: &LoadContext,
    cfg: &PluginHostConfig,
    router: &Arc<dyn Router>,
) -> Result<LoadedPlugin, LoadWarning> {
    let Gathered {
        source,
        origin,
        digest,
        ..
    } = gathered;
    let warn = |reason: String| LoadWarning::new(&source, reason);
    let pre = link(&ctx.linker, &component).map_err(warn)?;

    let label = source.to_string();
    let describe_caller = Arc::new(Caller {
        plugin: Arc::from(label.as_str()),
        permissions: Arc::from(Vec::new()),
        read_only: true,
        show_secrets: false,
        max_rows: 0,
        router: router.clone(),
        describing: true,
    });
    let spec = RunSpec {
        caller: describe_caller,
        deadline: Instant::now() + cfg.deadline,
        memory_limit: cfg.memory_limit,
        progress: None,
        dry_run: None,
    };
    let manifest = match tokio::time::timeout(cfg.deadline, instance::describe(&pre, spec)).await {
        Ok(Ok(manifest)) => manifest,
        Ok(Err(InstanceFailure::Trapped(msg))) => {
            return Err(warn(format!("describe trapped: {msg}")));
        }
        Ok(Err(InstanceFailure::OutOfMemory)) => {
            return Err(warn(format!(
                "describe ran out of memory (limit {})",
                human_limit(cfg.memory_limit)
            )));
        }
        Ok(Err(InstanceFailure::Deadline)) | Err(_) => {
            return Err(warn(format!(
                "describe did not finish within {}",
                human_duration(cfg.deadline)
            )));
        }
    };
    if let Some(entry) = ctx.cache.entry_path(ctx.linker.engine(), &digest) {
        manifest_cache::write(&entry, &manifest);
    }
    let manifest = check_manifest(manifest, &cfg.grant).map_err(warn)?;
    let code = PluginCode::new(origin, digest, caller_of(&manifest, cfg, router));
    let _ = code.pre.set(pre);
    Ok(LoadedPlugin {
        source,
        manifest,
        code,
    })
}

/// A plugin whose manifest is in the compile cache: checked now, loaded on its first call.
/// `None` when the cache has no manifest for it.
pub fn from_cache(
    gathered: &Gathered,
    ctx: &LoadContext,
    cfg: &PluginHostConfig,
    router: &Arc<dyn Router>,
) -> Option<Result<LoadedPlugin, LoadWarning>> {
    let entry = ctx
        .cache
        .entry_path(ctx.linker.engine(), &gathered.digest)?;
    let manifest = manifest_cache::read(&entry)?;
    let source = gathered.source.clone();
    Some(match check_manifest(manifest, &cfg.grant) {
        Ok(manifest) => {
            let caller = caller_of(&manifest, cfg, router);
            let code = PluginCode::new(gathered.origin.clone(), gathered.digest, caller);
            Ok(LoadedPlugin {
                source,
                manifest,
                code,
            })
        }
        Err(reason) => Err(LoadWarning::new(&source, reason)),
    })
}

/// On whose behalf the calls of a plugin with this manifest run.
fn caller_of(
    manifest: &CheckedManifest,
    cfg: &PluginHostConfig,
    router: &Arc<dyn Router>,
) -> Arc<Caller> {
    Arc::new(Caller {
        plugin: Arc::from(manifest.name.as_str()),
        permissions: Arc::from(manifest.permissions.clone()),
        read_only: cfg.read_only,
        show_secrets: cfg.show_secrets,
        max_rows: cfg.max_rows,
        router: router.clone(),
        describing: false,
    })
}

/// A plugin's code: linked at load, or on its first call when its manifest came from the
/// compile cache.
pub struct PluginCode {
    origin: Origin,
    digest: [u8; 32],
    caller: Arc<Caller>,
    pre: tokio::sync::OnceCell<PluginPre<CallState>>,
}

impl PluginCode {
    fn new(origin: Origin, digest: [u8; 32], caller: Arc<Caller>) -> Self {
        Self {
            origin,
            digest,
            caller,
            pre: tokio::sync::OnceCell::new(),
        }
    }

    /// On whose behalf this plugin's instances run.
    pub fn caller(&self) -> &Arc<Caller> {
        &self.caller
    }

    /// The plugin's linked code, compiling (or mapping it from the cache) and linking it first
    /// if this is its first call. A failure is not remembered: the next call tries again.
    pub async fn linked(&self, ctx: &Arc<LoadContext>) -> Result<&PluginPre<CallState>, String> {
        self.pre
            .get_or_try_init(|| async {
                let (job_ctx, origin, digest) = (ctx.clone(), self.origin.clone(), self.digest);
                let component = tokio::task::spawn_blocking(move || {
                    compile(
                        job_ctx.linker.engine(),
                        &job_ctx.cache,
                        &origin,
                        &digest,
                        None,
                    )
                })
                .await
                .map_err(|e| format!("its compilation task failed: {e}"))??;
                let pre = link(&ctx.linker, &component)?;
                tracing::debug!("plugin {} linked on its first call", self.caller.plugin);
                Ok(pre)
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_kinds_are_told_apart() {
        assert!(
            check_binary_kind(b"hello world")
                .unwrap_err()
                .contains("no \\0asm header")
        );
        assert!(
            check_binary_kind(b"\0asm\x01\0\0\0")
                .unwrap_err()
                .contains("core WebAssembly module")
        );
        assert!(check_binary_kind(b"\0asm\x0d\0\x01\0").is_ok());
    }

    #[test]
    fn other_contract_versions_are_recognised() {
        assert!(is_other_contract_version("mikrotik:plugin/tools@9.0.0"));
        assert!(is_other_contract_version("mikrotik:plugin/tools"));
        assert!(!is_other_contract_version("mikrotik:plugin/tools@0.3.0"));
        assert!(!is_other_contract_version("wasi:cli/stdout@0.2.0"));
    }
}
