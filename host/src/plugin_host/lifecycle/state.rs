//! What one plugin instance's `Store` holds: a WASI context with nothing granted, the memory
//! limiter, who is calling (for the permission check at the import) and, in a dry run, where
//! its writes are recorded.

use std::sync::Arc;
use std::time::Instant;

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use crate::plugin_host::lifecycle::guest_log::GuestLog;
use crate::plugin_host::policy::dry_run::DryRun;
use crate::plugin_host::types::ProgressFn;
use crate::routeros::Router;

/// Most table elements an instance may grow to (tables hold function references).
const TABLE_ELEMENTS_LIMIT: usize = 1 << 20;

/// The plugin on whose behalf an instance runs, and the operator's rules for it.
pub struct Caller {
    pub plugin: Arc<str>,
    pub permissions: Arc<[String]>,
    pub read_only: bool,
    /// Secret values reach the plugin as they are (else they are redacted at the import).
    pub show_secrets: bool,
    /// Cap on rows per router call.
    pub max_rows: usize,
    pub router: Arc<dyn Router>,
    /// `true` while `describe` runs: the router is off limits then.
    pub describing: bool,
}

/// Per-call data of a `Store`.
pub struct CallState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub limiter: MemoryLimiter,
    pub caller: Arc<Caller>,
    /// When the whole tool call must be finished.
    pub deadline: Instant,
    /// Set when the epoch callback stopped the guest at the deadline.
    pub deadline_hit: bool,
    pub progress: Option<ProgressFn>,
    /// Set when the call is a dry run: writes are recorded here instead of sent.
    pub dry_run: Option<Arc<DryRun>>,
}

impl CallState {
    pub fn new(
        caller: Arc<Caller>,
        deadline: Instant,
        memory_limit: usize,
        progress: Option<ProgressFn>,
        dry_run: Option<Arc<DryRun>>,
    ) -> Self {
        // Nothing granted: no preopens, env, args or network; stdin is empty; stdout and
        // stderr go to the log.
        let wasi = WasiCtx::builder()
            .stdout(GuestLog::new(caller.plugin.clone(), "stdout"))
            .stderr(GuestLog::new(caller.plugin.clone(), "stderr"))
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        Self {
            wasi,
            table: ResourceTable::new(),
            limiter: MemoryLimiter::new(memory_limit),
            caller,
            deadline,
            deadline_hit: false,
            progress,
            dry_run,
        }
    }
}

impl WasiView for CallState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Caps one instance's linear memory and remembers whether the guest hit the cap.
pub struct MemoryLimiter {
    limit: usize,
    /// A memory growth was refused (the guest most likely trapped because of it).
    pub exceeded: bool,
}

impl MemoryLimiter {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            exceeded: false,
        }
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit {
            self.exceeded = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.exceeded = true;
        Ok(())
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= TABLE_ELEMENTS_LIMIT)
    }
}
