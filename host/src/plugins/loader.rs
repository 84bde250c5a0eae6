//! Loading plugins: gather the components (bundled ones and every `*.wasm` in the plugin
//! directory), compile them in parallel through the compile cache, check they target this
//! contract version, link them, ask each for its manifest and check it. A plugin that fails
//! any step is skipped with one [`LoadWarning`]; loading itself only fails when the engine
//! cannot be created.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use wasmtime::Engine;
use wasmtime::component::{Component, Linker};

use super::bindings::{CONTRACT_PACKAGE, CONTRACT_VERSION, EXPORT_INTERFACE, PluginPre};
use super::cache::CompileCache;
use super::config::{RuntimeConfig, human_duration, human_limit};
use super::instance::{self, InstanceFailure, RunSpec, Spare};
use super::manifest::{CheckedManifest, check_manifest};
use super::state::{CallState, Caller};
use super::types::{LoadWarning, PluginSource};
use crate::routeros::Router;

/// A plugin ready to serve calls.
pub struct LoadedPlugin {
    pub source: PluginSource,
    pub manifest: CheckedManifest,
    /// Fresh instances for calls.
    pub spare: Arc<Spare>,
}

/// Components to load, in a stable order: bundled first, then the directory sorted by name.
pub fn gather_sources(
    cfg: &RuntimeConfig,
    bundled: &[(&str, &'static [u8])],
    warnings: &mut Vec<LoadWarning>,
) -> Vec<(PluginSource, Cow<'static, [u8]>)> {
    let mut sources: Vec<(PluginSource, Cow<'static, [u8]>)> = Vec::new();
    if cfg.load_bundled {
        for (name, bytes) in bundled {
            sources.push((
                PluginSource::Bundled(name.to_string()),
                Cow::Borrowed(*bytes),
            ));
        }
    }
    if let Some(dir) = &cfg.plugin_dir {
        sources.extend(read_plugin_dir(dir, warnings));
    }
    sources
}

/// Drop the resident pages of a component embedded in the executable once it is compiled:
/// they are read-only file-backed pages, so the kernel reads them again if ever needed.
pub fn release_resident(bytes: &'static [u8]) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096);
        let start = (bytes.as_ptr() as usize).div_ceil(page) * page;
        let end = (bytes.as_ptr() as usize + bytes.len()) / page * page;
        if end > start {
            // SAFETY: the range lies inside a 'static read-only slice of the executable's
            // file-backed mapping; MADV_DONTNEED there only drops clean pages, which the kernel
            // reloads unchanged from the file on the next access.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED);
            }
        }
    }
}

fn read_plugin_dir(
    dir: &Path,
    warnings: &mut Vec<LoadWarning>,
) -> Vec<(PluginSource, Cow<'static, [u8]>)> {
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
            Ok(bytes) => out.push((source, Cow::Owned(bytes))),
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

/// Compile through the cache (blocking work; run it on a blocking thread).
pub fn compile(engine: &Engine, cache: &CompileCache, bytes: &[u8]) -> Result<Component, String> {
    check_binary_kind(bytes)?;
    cache
        .load_or_compile(engine, bytes)
        .map(|(component, outcome)| {
            tracing::debug!("component {:?}", outcome);
            component
        })
        .map_err(|e| format!("it is not a valid WebAssembly component: {e:#}"))
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

/// Link a compiled component and read its manifest.
pub async fn prepare(
    source: PluginSource,
    component: Component,
    linker: &Linker<CallState>,
    cfg: &RuntimeConfig,
    router: &Arc<dyn Router>,
) -> Result<LoadedPlugin, LoadWarning> {
    let warn = |reason: String| LoadWarning::new(&source, reason);
    check_contract(linker.engine(), &component).map_err(warn)?;
    let instance_pre = linker.instantiate_pre(&component).map_err(|e| {
        warn(format!(
            "it needs imports this host does not provide: {e:#}"
        ))
    })?;
    let pre = PluginPre::new(instance_pre)
        .map_err(|e| warn(format!("its exports do not match the contract: {e:#}")))?;

    let label = source.to_string();
    let describe_caller = Arc::new(Caller {
        plugin: Arc::from(label.as_str()),
        permissions: Arc::from(Vec::new()),
        read_only: true,
        max_rows: 0,
        router: router.clone(),
        describing: true,
    });
    let spec = RunSpec {
        caller: describe_caller,
        deadline: Instant::now() + cfg.deadline,
        memory_limit: cfg.memory_limit,
        progress: None,
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
    let manifest = check_manifest(manifest, &cfg.grant).map_err(warn)?;
    let caller = Arc::new(Caller {
        plugin: Arc::from(manifest.name.as_str()),
        permissions: Arc::from(manifest.permissions.clone()),
        read_only: cfg.read_only,
        max_rows: cfg.max_rows,
        router: router.clone(),
        describing: false,
    });
    Ok(LoadedPlugin {
        source,
        manifest,
        spare: Spare::new(pre, caller, cfg.memory_limit),
    })
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
        assert!(!is_other_contract_version("mikrotik:plugin/tools@0.2.0"));
        assert!(!is_other_contract_version("wasi:cli/stdout@0.2.0"));
    }
}
