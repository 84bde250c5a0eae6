//! Running one plugin instance: a fresh `Store` with the memory limiter and the epoch deadline,
//! instantiated from the plugin's `InstancePre`, then `describe` or `call`; a failure is
//! explained (deadline, memory, trap).
//!
//! Every call gets an instance of its own, made for it and dropped where the call ends (or
//! where its future is dropped, when the client cancels). The caller holds a call slot of
//! the host for as long as the instance lives.

use std::sync::Arc;
use std::time::Instant;

use wasmtime::{Store, Trap, UpdateDeadline};

use crate::plugin_host::lifecycle::bindings::PluginPre;
use crate::plugin_host::lifecycle::bindings::guest_tools::{Manifest, Output};
use crate::plugin_host::lifecycle::state::{CallState, Caller};
use crate::plugin_host::policy::dry_run::DryRun;
use crate::plugin_host::types::ProgressFn;

/// Why an instance did not finish normally.
#[derive(Debug, PartialEq, Eq)]
pub enum InstanceFailure {
    /// The deadline passed while the guest ran.
    Deadline,
    /// A memory growth beyond the limit was refused and the guest then failed.
    OutOfMemory,
    /// The guest trapped (panic, unreachable, …) or could not be instantiated.
    Trapped(String),
}

/// What a run needs besides the guest function.
pub struct RunSpec {
    pub caller: Arc<Caller>,
    pub deadline: Instant,
    pub memory_limit: usize,
    pub progress: Option<ProgressFn>,
    pub dry_run: Option<Arc<DryRun>>,
}

fn new_store(pre: &PluginPre<CallState>, spec: RunSpec) -> Store<CallState> {
    let state = CallState::new(
        spec.caller,
        spec.deadline,
        spec.memory_limit,
        spec.progress,
        spec.dry_run,
    );
    let mut store = Store::new(pre.engine(), state);
    store.limiter(|state| &mut state.limiter);
    // Check the deadline at every epoch tick, yielding to tokio in between so a spinning
    // guest neither blocks a worker thread nor outlives a dropped call future.
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(|mut ctx| {
        if Instant::now() >= ctx.data().deadline {
            ctx.data_mut().deadline_hit = true;
            Ok(UpdateDeadline::Interrupt)
        } else {
            Ok(UpdateDeadline::Yield(1))
        }
    });
    store
}

fn explain(store: &Store<CallState>, error: wasmtime::Error) -> InstanceFailure {
    let state = store.data();
    if state.deadline_hit || Instant::now() >= state.deadline {
        return InstanceFailure::Deadline;
    }
    if state.limiter.exceeded {
        return InstanceFailure::OutOfMemory;
    }
    match error.downcast_ref::<Trap>() {
        Some(trap) => InstanceFailure::Trapped(trap.to_string()),
        None => InstanceFailure::Trapped(format!("{error:#}")),
    }
}

/// Instantiate and run `describe`.
pub async fn describe(
    pre: &PluginPre<CallState>,
    spec: RunSpec,
) -> Result<Manifest, InstanceFailure> {
    let mut store = new_store(pre, spec);
    let result = async {
        let plugin = pre.instantiate_async(&mut store).await?;
        plugin
            .mikrotik_plugin_tools()
            .call_describe(&mut store)
            .await
    }
    .await;
    result.map_err(|e| explain(&store, e))
}

/// Instantiate and run `call(tool, arguments)`. `Ok(Err(message))` is the plugin's own error.
pub async fn call(
    pre: &PluginPre<CallState>,
    spec: RunSpec,
    tool: &str,
    arguments: &str,
) -> Result<Result<Output, String>, InstanceFailure> {
    let mut store = new_store(pre, spec);
    let result = async {
        let plugin = pre.instantiate_async(&mut store).await?;
        plugin
            .mikrotik_plugin_tools()
            .call_call(&mut store, tool, arguments)
            .await
    }
    .await;
    result.map_err(|e| explain(&store, e))
}
