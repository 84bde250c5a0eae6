//! The wasmtime [`Engine`] a plugin host owns, and the thread that advances its epoch.
//!
//! The engine compiles components for the component model with async host calls and epoch
//! interruption, and instantiates them from a pooling allocator sized for [`MAX_INSTANCES`]
//! instances at once (the host never runs more: see its call slots). Per-instance memory is
//! capped by each call's `ResourceLimiter`, not by the pool.
//!
//! The epoch advances every [`EPOCH_TICK`] on a thread that [`WasmEngine`] owns and stops
//! when it is dropped, as in wasmtime's own `serve` command.

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::{Context, anyhow};
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, OptLevel, PoolingAllocationConfig,
    ProfilingStrategy,
};

/// How often the epoch advances; the granularity of deadlines and of yielding to tokio.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Most plugin instances alive at once: the bound on concurrent calls (and describes).
pub const MAX_INSTANCES: usize = 64;

/// Largest linear memory the pool can host; the configured limit must not exceed it.
pub const POOL_MAX_MEMORY: usize = 1 << 30;

/// Memory (and table) bytes per instance kept resident between calls.
const KEEP_RESIDENT: usize = 256 << 10;

/// An engine and its epoch ticker; the ticker stops when this is dropped.
pub struct WasmEngine {
    engine: Engine,
    ticker: Option<EpochTicker>,
}

impl WasmEngine {
    /// A new engine with its own epoch ticker thread.
    pub fn new() -> anyhow::Result<Self> {
        let engine = build_engine().context("cannot create the WebAssembly engine")?;
        let ticker = EpochTicker::start(engine.clone())?;
        Ok(Self {
            engine,
            ticker: Some(ticker),
        })
    }

    /// The engine (cheap to clone; clones share it).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }
}

impl Drop for WasmEngine {
    fn drop(&mut self) {
        if let Some(ticker) = self.ticker.take() {
            ticker.stop();
        }
    }
}

fn build_engine() -> anyhow::Result<Engine> {
    let instances = MAX_INSTANCES as u32;
    let mut pool = PoolingAllocationConfig::new();
    pool.total_component_instances(instances)
        .total_core_instances(instances * 8)
        .max_core_instances_per_component(16)
        .total_memories(instances * 2)
        .max_memories_per_component(4)
        .total_tables(instances * 8)
        .max_tables_per_component(16)
        .total_stacks(instances)
        .max_memory_size(POOL_MAX_MEMORY)
        // A finished call's memory is reset in place up to this much instead of being handed
        // back to the OS and faulted in again by the next call.
        .linear_memory_keep_resident(KEEP_RESIDENT)
        .table_keep_resident(KEEP_RESIDENT);

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

/// A thread that increments the engine's epoch every [`EPOCH_TICK`] until stopped.
struct EpochTicker {
    /// Dropping it wakes the thread at once and ends it.
    stop: mpsc::Sender<()>,
    thread: JoinHandle<()>,
}

impl EpochTicker {
    fn start(engine: Engine) -> anyhow::Result<Self> {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("wasm-epoch".into())
            .spawn(move || {
                while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(EPOCH_TICK) {
                    engine.increment_epoch();
                }
            })
            .context("cannot start the epoch ticker thread")?;
        Ok(Self { stop, thread })
    }

    fn stop(self) {
        drop(self.stop);
        let _ = self.thread.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ticker_advances_the_epoch_and_stops_on_drop() {
        let wasm = WasmEngine::new().expect("engine");
        let weak = wasm.engine().weak();
        std::thread::sleep(EPOCH_TICK * 5);
        drop(wasm);
        // The ticker thread held the last other clone: once joined, the engine is gone.
        assert!(
            weak.upgrade().is_none(),
            "the ticker thread still holds the engine"
        );
    }
}
