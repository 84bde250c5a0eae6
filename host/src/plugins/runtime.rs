//! [`Runtime`]: the loaded plugins and their tools, and the entry point for tool calls.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use tokio::task::JoinSet;
use wasmtime::component::{HasSelf, Linker};

use super::bindings::Plugin;
use super::cache::CompileCache;
use super::config::{RuntimeConfig, human_duration, human_limit, human_size};
use super::embedded::Bundled;
use super::engine::{POOL_MAX_MEMORY, shared_engine};
use super::instance::{self, InstanceFailure, RunSpec};
use super::loader::{self, LoadContext, LoadedPlugin};
use super::manifest::validation_errors;
use super::state::CallState;
use super::structured::{self, Check};
use super::types::{
    Effect, LoadWarning, PluginSource, ProgressFn, ToolError, ToolInfo, ToolOutput,
};
use crate::routeros::Router;

/// The loaded plugins. Cheap to clone; share it between tasks.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    cfg: RuntimeConfig,
    /// For plugins linked on their first call.
    load: Arc<LoadContext>,
    plugins: Vec<LoadedPlugin>,
    /// Visible tools, sorted by name.
    tools: Vec<ToolInfo>,
    /// Tool name → (plugin index, tool index in its manifest), visible tools only.
    index: HashMap<String, (usize, usize)>,
}

impl Runtime {
    /// Load the bundled plugins and those in `cfg.plugin_dir`. Plugins that cannot be used are
    /// skipped and described in the returned warnings (also logged); this fails only when the
    /// WebAssembly engine itself cannot be set up.
    pub async fn load(
        cfg: RuntimeConfig,
        router: Arc<dyn Router>,
    ) -> anyhow::Result<(Runtime, Vec<LoadWarning>)> {
        Self::load_with(cfg, router, super::embedded::BUNDLED).await
    }

    /// [`Runtime::load`] with an explicit list of bundled components.
    pub async fn load_with(
        cfg: RuntimeConfig,
        router: Arc<dyn Router>,
        bundled: &[Bundled],
    ) -> anyhow::Result<(Runtime, Vec<LoadWarning>)> {
        anyhow::ensure!(
            cfg.memory_limit <= POOL_MAX_MEMORY,
            "the memory limit {} is above the most this server supports ({})",
            human_limit(cfg.memory_limit),
            human_limit(POOL_MAX_MEMORY)
        );
        let engine = shared_engine()?;
        let mut linker = Linker::<CallState>::new(&engine);
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
        Ok((Runtime::assemble(cfg, ctx, plugins), warnings))
    }

    fn assemble(cfg: RuntimeConfig, load: Arc<LoadContext>, plugins: Vec<LoadedPlugin>) -> Runtime {
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
        Runtime {
            inner: Arc::new(Inner {
                cfg,
                load,
                plugins,
                tools,
                index,
            }),
        }
    }

    /// The visible tools, sorted by name (tools that write are hidden in read-only mode).
    pub fn tools(&self) -> &[ToolInfo] {
        &self.inner.tools
    }

    /// Run a tool: validate `args` against its schema, then run it in a fresh instance within
    /// the configured deadline, memory and output caps. Dropping the future stops the call.
    pub async fn call(
        &self,
        name: &str,
        args: Value,
        progress: Option<ProgressFn>,
    ) -> Result<ToolOutput, ToolError> {
        let inner = &self.inner;
        let &(p, t) = inner
            .index
            .get(name)
            .ok_or_else(|| ToolError::UnknownTool(name.to_string()))?;
        let plugin = &inner.plugins[p];
        let tool = &plugin.manifest.tools[t];
        if let Some(errors) = validation_errors(&tool.input, &args) {
            return Err(ToolError::InvalidArguments(errors));
        }
        let cfg = &inner.cfg;
        let who = format!("tool {name} (plugin {:?})", plugin.manifest.name);
        let deadline = Instant::now() + cfg.deadline;
        // Only a plugin's first call waits for it to load (and so needs a timer for that).
        let loading = async {
            match plugin.code.loaded() {
                Some(spare) => Ok(Ok(spare)),
                None => {
                    tokio::time::timeout_at(deadline.into(), plugin.code.spare(&inner.load)).await
                }
            }
        };
        let spare = match loading.await {
            Ok(Ok(spare)) => spare,
            Ok(Err(why)) => {
                return Err(ToolError::Failed(format!(
                    "{who} cannot run: its plugin {} could not be loaded: {why}",
                    plugin.source
                )));
            }
            Err(_) => {
                return Err(ToolError::Failed(format!(
                    "{who} exceeded its {} deadline while its plugin was being loaded",
                    human_duration(cfg.deadline)
                )));
            }
        };
        let spec = RunSpec {
            caller: plugin.code.caller().clone(),
            deadline,
            memory_limit: cfg.memory_limit,
            progress,
        };
        let arguments = args.to_string();
        let run = instance::call(spare, spec, name, &arguments);
        let outcome = match tokio::time::timeout_at(deadline.into(), run).await {
            Ok(outcome) => outcome,
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
        let check = match plugin.source {
            PluginSource::Bundled(_) => Check::Syntax,
            PluginSource::File(_) => Check::Schema,
        };
        let structured = match output.structured {
            None => None,
            Some(text) => Some(
                structured::accept(text, check, tool.output.as_ref())
                    .map_err(|why| ToolError::Failed(format!("{who} {why}")))?,
            ),
        };
        Ok(ToolOutput {
            text: output.text,
            structured,
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
