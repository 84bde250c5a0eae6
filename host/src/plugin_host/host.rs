//! [`PluginHost`]: the one object that owns the plugin machinery — the engine and its epoch
//! thread, the linker and compile cache, the loaded plugins and their tools, and the slots that
//! bound concurrent calls — and the entry point for tool calls.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use wasmtime::component::{HasSelf, Linker};

use crate::plugin_host::config::{PluginHostConfig, human_duration, human_limit, human_size};
use crate::plugin_host::lifecycle::bindings::Plugin;
use crate::plugin_host::lifecycle::cache::CompileCache;
use crate::plugin_host::lifecycle::embedded::Bundled;
use crate::plugin_host::lifecycle::engine::{MAX_INSTANCES, POOL_MAX_MEMORY, WasmEngine};
use crate::plugin_host::lifecycle::instance::{self, InstanceFailure, RunSpec};
use crate::plugin_host::lifecycle::loader::{self, LoadContext, LoadedPlugin};
use crate::plugin_host::lifecycle::state::CallState;
use crate::plugin_host::policy::dry_run::DryRun;
use crate::plugin_host::policy::manifest::validation_errors;
use crate::plugin_host::policy::structured;
use crate::plugin_host::types::{Effect, LoadWarning, ProgressFn, ToolError, ToolInfo, ToolOutput};
use crate::routeros::Router;

/// The loaded plugins and everything their calls need. Share it behind an `Arc`.
pub struct PluginHost {
    cfg: PluginHostConfig,
    /// Calls (and loads) in flight; at most [`MAX_INSTANCES`], as many as the pool has room for.
    slots: Semaphore,
    /// For plugins linked on their first call.
    load: Arc<LoadContext>,
    plugins: Vec<LoadedPlugin>,
    /// Visible tools, sorted by name.
    tools: Vec<ToolInfo>,
    /// Tool name → (plugin index, tool index in its manifest), visible tools only.
    index: HashMap<String, (usize, usize)>,
    /// Dropped last: stops the epoch ticker.
    _engine: WasmEngine,
}

impl PluginHost {
    /// Load the bundled plugins and those in `cfg.plugin_dir`. Plugins that cannot be used are
    /// skipped and described in the returned warnings (also logged); this fails only when the
    /// WebAssembly engine itself cannot be set up.
    pub async fn load(
        cfg: PluginHostConfig,
        router: Arc<dyn Router>,
    ) -> anyhow::Result<(PluginHost, Vec<LoadWarning>)> {
        Self::load_with(
            cfg,
            router,
            crate::plugin_host::lifecycle::embedded::BUNDLED,
        )
        .await
    }

    /// [`PluginHost::load`] with an explicit list of bundled components.
    pub async fn load_with(
        cfg: PluginHostConfig,
        router: Arc<dyn Router>,
        bundled: &[Bundled],
    ) -> anyhow::Result<(PluginHost, Vec<LoadWarning>)> {
        anyhow::ensure!(
            cfg.memory_limit <= POOL_MAX_MEMORY,
            "the memory limit {} is above the most this server supports ({})",
            human_limit(cfg.memory_limit),
            human_limit(POOL_MAX_MEMORY)
        );
        let wasm = WasmEngine::new()?;
        let mut linker = Linker::<CallState>::new(wasm.engine());
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| anyhow::anyhow!("cannot link WASI: {e:#}"))?;
        Plugin::add_to_linker::<CallState, HasSelf<CallState>>(&mut linker, |state| state)
            .map_err(|e| anyhow::anyhow!("cannot link the plugin contract: {e:#}"))?;

        let mut warnings = Vec::new();
        let sources = loader::gather_sources(&cfg, bundled, &mut warnings);
        let ctx = Arc::new(LoadContext {
            linker,
            cache: CompileCache::new(cfg.resolved_cache_dir()),
        });
        let started = Instant::now();

        // Plugins described in the compile cache are ready now (and linked on first call);
        // the others are compiled (CPU-bound) in parallel on blocking threads, then linked
        // and described.
        let mut loaded: Vec<(usize, Result<LoadedPlugin, LoadWarning>)> = Vec::new();
        let mut compiling = JoinSet::new();
        for (i, gathered) in sources.into_iter().enumerate() {
            if let Some(plugin) = loader::from_cache(&gathered, &ctx, &cfg, &router) {
                loaded.push((i, plugin));
                continue;
            }
            let ctx = ctx.clone();
            compiling.spawn_blocking(move || {
                let component = loader::compile(
                    ctx.linker.engine(),
                    &ctx.cache,
                    &gathered.origin,
                    &gathered.digest,
                    gathered.bytes.as_deref(),
                );
                (i, gathered, component)
            });
        }
        let mut compiled = Vec::new();
        while let Some(joined) = compiling.join_next().await {
            compiled
                .push(joined.map_err(|e| anyhow::anyhow!("plugin compilation task failed: {e}"))?);
        }
        compiled.sort_by_key(|(i, _, _)| *i);
        for (i, gathered, component) in compiled {
            let plugin = match component {
                Ok(component) => loader::prepare(gathered, component, &ctx, &cfg, &router).await,
                Err(reason) => Err(LoadWarning::new(&gathered.source, reason)),
            };
            loaded.push((i, plugin));
        }
        loaded.sort_by_key(|(i, _)| *i);

        let mut plugins: Vec<LoadedPlugin> = Vec::new();
        for (_, plugin) in loaded {
            match plugin {
                Ok(plugin) => match clash(&plugins, &plugin) {
                    Some(reason) => warnings.push(LoadWarning::new(&plugin.source, reason)),
                    None => {
                        tracing::info!(
                            "plugin {} {} loaded from {} ({} tools)",
                            plugin.manifest.name,
                            plugin.manifest.version,
                            plugin.source,
                            plugin.manifest.tools.len()
                        );
                        plugins.push(plugin)
                    }
                },
                Err(warning) => warnings.push(warning),
            }
        }
        for warning in &warnings {
            tracing::warn!("{warning}");
        }
        tracing::info!(
            "loaded {} plugin(s) in {} ms",
            plugins.len(),
            started.elapsed().as_millis()
        );
        Ok((PluginHost::assemble(wasm, cfg, ctx, plugins), warnings))
    }

    fn assemble(
        wasm: WasmEngine,
        cfg: PluginHostConfig,
        load: Arc<LoadContext>,
        plugins: Vec<LoadedPlugin>,
    ) -> PluginHost {
        let mut tools = Vec::new();
        let mut index = HashMap::new();
        for (p, plugin) in plugins.iter().enumerate() {
            for (t, tool) in plugin.manifest.tools.iter().enumerate() {
                if cfg.read_only && tool.info.effect == Effect::Writes {
                    continue;
                }
                tools.push(tool.info.clone());
                index.insert(tool.info.name.clone(), (p, t));
            }
        }
        tools.sort_by(|a, b| a.name.cmp(&b.name));
        PluginHost {
            cfg,
            slots: Semaphore::new(MAX_INSTANCES),
            load,
            plugins,
            tools,
            index,
            _engine: wasm,
        }
    }

    /// The visible tools, sorted by name (tools that write are hidden in read-only mode).
    pub fn tools(&self) -> &[ToolInfo] {
        &self.tools
    }

    /// Run a tool: validate `args` against its schema, then run it in a fresh instance within
    /// the configured deadline, memory and output caps. Dropping the future stops the call.
    /// With [`PluginHostConfig::plan_writes`] the call is a dry run: its writes are recorded,
    /// not sent, and returned in [`ToolOutput::writes`] for the host to plan.
    pub async fn call(
        &self,
        name: &str,
        args: Value,
        progress: Option<ProgressFn>,
    ) -> Result<ToolOutput, ToolError> {
        let &(p, t) = self
            .index
            .get(name)
            .ok_or_else(|| ToolError::UnknownTool(name.to_string()))?;
        let plugin = &self.plugins[p];
        let tool = &plugin.manifest.tools[t];
        if let Some(errors) = validation_errors(&tool.input, &args) {
            return Err(ToolError::InvalidArguments(errors));
        }
        let cfg = &self.cfg;
        let who = format!("tool {name} (plugin {:?})", plugin.manifest.name);
        let deadline = Instant::now() + cfg.deadline;
        let dry_run = cfg.plan_writes.then(|| Arc::new(DryRun::default()));
        // The deadline covers waiting for a slot, loading the plugin on its first call and
        // running it; the slot is held until the instance is dropped.
        let run = async {
            let _slot = self.slots.acquire().await;
            let pre = plugin.code.linked(&self.load).await.map_err(|why| {
                ToolError::Failed(format!(
                    "{who} cannot run: its plugin {} could not be loaded: {why}",
                    plugin.source
                ))
            })?;
            let spec = RunSpec {
                caller: plugin.code.caller().clone(),
                deadline,
                memory_limit: cfg.memory_limit,
                progress,
                dry_run: dry_run.clone(),
            };
            Ok(instance::call(pre, spec, name, &args.to_string()).await)
        };
        let outcome = match tokio::time::timeout_at(deadline.into(), run).await {
            Ok(Ok(outcome)) => outcome,
            Ok(Err(failed)) => return Err(failed),
            Err(_) => Err(InstanceFailure::Deadline),
        };
        let output = match outcome {
            Ok(Ok(output)) => output,
            Ok(Err(message)) => return Err(ToolError::Failed(cap_text(message, cfg.max_output))),
            Err(InstanceFailure::Deadline) => {
                return Err(ToolError::Failed(format!(
                    "{who} exceeded its {} deadline",
                    human_duration(cfg.deadline)
                )));
            }
            Err(InstanceFailure::OutOfMemory) => {
                return Err(ToolError::Failed(format!(
                    "{who} ran out of memory (limit {})",
                    human_limit(cfg.memory_limit)
                )));
            }
            Err(InstanceFailure::Trapped(trap)) => {
                return Err(ToolError::Failed(format!("{who} trapped: {trap}")));
            }
        };
        let size = output.text.len() + output.structured.as_ref().map_or(0, String::len);
        if size > cfg.max_output {
            return Err(ToolError::Failed(format!(
                "{who} returned {}, over the {} output cap",
                human_size(size),
                human_limit(cfg.max_output)
            )));
        }
        let structured = match output.structured {
            None => None,
            Some(text) => Some(
                structured::accept(&text, tool.output.as_ref())
                    .map_err(|why| ToolError::Failed(format!("{who} {why}")))?,
            ),
        };
        Ok(ToolOutput {
            text: output.text,
            structured,
            writes: dry_run.map(|run| run.take()).unwrap_or_default(),
        })
    }
}

/// Why `candidate` cannot join the already loaded `plugins` (duplicate plugin or tool name).
fn clash(plugins: &[LoadedPlugin], candidate: &LoadedPlugin) -> Option<String> {
    let name = &candidate.manifest.name;
    for other in plugins {
        if other.manifest.name == *name {
            return Some(format!(
                "a plugin named {name:?} is already loaded from {}",
                other.source
            ));
        }
        for tool in &candidate.manifest.tools {
            if other
                .manifest
                .tools
                .iter()
                .any(|t| t.info.name == tool.info.name)
            {
                return Some(format!(
                    "plugin {name:?} declares tool {}, which plugin {:?} ({}) already provides",
                    tool.info.name, other.manifest.name, other.source
                ));
            }
        }
    }
    None
}

/// A plugin's error message, cut to `max` bytes at a character boundary.
fn cap_text(mut text: String, max: usize) -> String {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        text.push_str(" … (truncated)");
    }
    text
}
