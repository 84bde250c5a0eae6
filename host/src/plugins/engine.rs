//! The one wasmtime [`Engine`] of the process: component model, async host calls, epoch
//! interruption driven by a ticker thread, and a pooling allocator sized for
//! [`MAX_INSTANCES`] instances at once.
//!
//! Per-instance memory is capped by each call's `ResourceLimiter`, not by the pool, so the
//! engine does not depend on any runtime setting and every `Runtime` shares it.

use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{Context, anyhow};
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig,
    ProfilingStrategy,
};

/// How often the epoch advances; the granularity of deadlines and of yielding to tokio.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Most plugin instances alive at once (calls beyond this wait for a slot).
pub const MAX_INSTANCES: usize = 64;

/// Most spare instances kept ready for the next call (one per plugin that has been called).
pub const MAX_SPARES: usize = 64;

/// Largest linear memory the pool can host; the configured limit must not exceed it.
pub const POOL_MAX_MEMORY: usize = 1 << 30;

/// Dirty linear memory up to this much per instance is reset in place (found with the
/// `PAGEMAP_SCAN` ioctl on Linux ≥ 6.7) instead of being given back with `madvise`.
const KEEP_RESIDENT: usize = 256 << 10;

/// The process-wide engine, created on first use with its epoch ticker.
pub fn shared_engine() -> anyhow::Result<Engine> {
    static ENGINE: OnceLock<Result<Engine, String>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let engine = build_engine().map_err(|e| format!("{e:#}"))?;
            start_epoch_ticker(engine.clone()).map_err(|e| format!("{e:#}"))?;
            Ok(engine)
        })
        .clone()
        .map_err(|e| anyhow!("cannot create the WebAssembly engine: {e}"))
}

fn build_engine() -> anyhow::Result<Engine> {
    let mut pool = PoolingAllocationConfig::new();
    let instances = (MAX_INSTANCES + MAX_SPARES) as u32;
    pool.total_component_instances(instances)
        .total_core_instances(instances * 8)
        .max_core_instances_per_component(16)
        .total_memories(instances * 2)
        .max_memories_per_component(4)
        .total_tables(instances * 8)
        .max_tables_per_component(16)
        .total_stacks(instances)
        .max_memory_size(POOL_MAX_MEMORY)
        .linear_memory_keep_resident(KEEP_RESIDENT)
        .pagemap_scan(Enabled::Auto)
        .table_keep_resident(1 << 16);

    let mut config = Config::new();
    config
        .wasm_component_model(true)
        .epoch_interruption(true)
        .cranelift_opt_level(OptLevel::Speed)
        .profiler(profiler())
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config).map_err(|e| anyhow!("{e:#}"))
}

/// `MCP_MIKROTIK_PERF_MAP=1` writes `/tmp/perf-<pid>.map` so `perf` can name plugin code.
fn profiler() -> ProfilingStrategy {
    match std::env::var_os("MCP_MIKROTIK_PERF_MAP") {
        Some(v) if v == "1" => ProfilingStrategy::PerfMap,
        _ => ProfilingStrategy::None,
    }
}

/// Advance the engine's epoch every [`EPOCH_TICK`] for the life of the process, and hand used
/// instances still waiting for their teardown to the janitor.
fn start_epoch_ticker(engine: Engine) -> anyhow::Result<()> {
    std::thread::Builder::new()
        .name("wasm-epoch".into())
        .spawn(move || {
            loop {
                std::thread::sleep(EPOCH_TICK);
                engine.increment_epoch();
                super::instance::sweep();
            }
        })
        .map(|_| ())
        .context("cannot start the epoch ticker thread")
}
