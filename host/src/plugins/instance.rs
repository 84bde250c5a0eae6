//! Running one plugin instance: a fresh `Store` with the memory limiter and the epoch deadline,
//! instantiated from the plugin's `InstancePre`, then `describe` or `call`; a failure is
//! explained (deadline, memory, trap).
//!
//! Every call gets an instance nobody used before. To keep instantiation and teardown off a
//! call's path, a plugin that has been called keeps a small stock of fresh instances
//! ([`Spare`]), made on the janitor thread. A call that leaves the stock low wakes the janitor,
//! which tops it up to [`STOCK`] in one job, so sequential calls wake it only every few calls
//! (each wake costs the calling thread a system call and, here, an inter-processor interrupt).
//! A used instance waits in a queue until the janitor next runs — a top-up job tears the queue
//! down first — or, at the latest, until the next epoch tick hands the queue to it ([`sweep`]).

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::{Semaphore, SemaphorePermit};
use wasmtime::{Store, Trap, UpdateDeadline};

use super::bindings::guest_tools::{Manifest, Output};
use super::bindings::{Plugin, PluginPre};
use super::engine::{MAX_INSTANCES, MAX_SPARES};
use super::state::{CallState, Caller};
use super::types::ProgressFn;

/// Why an instance did not finish normally.
#[derive(Debug, PartialEq, Eq)]
pub enum InstanceFailure {
    /// The deadline passed while the guest ran (or while the call waited for a slot).
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
}

/// Instance slots: calls beyond the pool's size wait here instead of failing.
fn slots() -> &'static Semaphore {
    static SLOTS: OnceLock<Semaphore> = OnceLock::new();
    SLOTS.get_or_init(|| Semaphore::new(MAX_INSTANCES))
}

fn new_store(pre: &PluginPre<CallState>, spec: RunSpec) -> Store<CallState> {
    let state = CallState::new(spec.caller, spec.deadline, spec.memory_limit, spec.progress);
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

/// A used instance waiting to be torn down, and the pool slot it keeps until then.
struct Used {
    _store: Store<CallState>,
    _slot: SemaphorePermit<'static>,
}

/// Used instances not yet torn down.
fn used() -> &'static Mutex<Vec<Used>> {
    static USED: Mutex<Vec<Used>> = Mutex::new(Vec::new());
    &USED
}

fn lock_used() -> std::sync::MutexGuard<'static, Vec<Used>> {
    used().lock().unwrap_or_else(|e| e.into_inner())
}

/// Tear down the used instances queued so far (on the janitor thread).
fn tear_down_used() {
    let batch = std::mem::take(&mut *lock_used());
    drop(batch);
}

/// Hand any used instances still queued to the janitor. The epoch ticker calls this, so none
/// waits longer than a tick when no further call comes.
pub fn sweep() {
    if lock_used().is_empty() {
        return;
    }
    // The ticker is no tokio thread: without the janitor, tear down here.
    if super::janitor::running() {
        super::janitor::spawn(async { tear_down_used() });
    } else {
        tear_down_used();
    }
}

/// An instantiated, never-called instance and its store.
struct Fresh {
    store: Store<CallState>,
    plugin: Plugin,
}

/// How long making a spare instance may take (its start functions run then).
const SPARE_DEADLINE: Duration = Duration::from_secs(5);

/// Spare instances alive or being made, across all plugins (the engine's pool has room for
/// [`MAX_SPARES`] besides the [`MAX_INSTANCES`] calls).
fn spares_alive() -> &'static std::sync::atomic::AtomicUsize {
    static ALIVE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    &ALIVE
}

/// Fresh instances a called plugin keeps ready.
const STOCK: usize = 4;

/// A call that leaves fewer than this many ready asks the janitor to top the stock up.
const LOW_WATER: usize = 2;

/// Used instances queued past this many are handed to the janitor at once, even when no
/// top-up is due (so they give their pool slots back without waiting for the next tick).
const TEARDOWN_BATCH: usize = 8;

/// One plugin's stock of fresh instances, topped up on the janitor thread.
pub struct Spare {
    pre: PluginPre<CallState>,
    caller: Arc<Caller>,
    memory_limit: usize,
    state: Mutex<SpareState>,
}

#[derive(Default)]
struct SpareState {
    ready: Vec<Fresh>,
    /// A janitor job is topping the stock up: do not start another.
    refilling: bool,
}

impl Spare {
    pub fn new(pre: PluginPre<CallState>, caller: Arc<Caller>, memory_limit: usize) -> Arc<Self> {
        Arc::new(Self {
            pre,
            caller,
            memory_limit,
            state: Mutex::new(SpareState::default()),
        })
    }

    fn take(&self) -> Option<Fresh> {
        let fresh = self.state.lock().ok()?.ready.pop()?;
        spares_alive().fetch_sub(1, Ordering::AcqRel);
        Some(fresh)
    }

    /// Ask the janitor to top the stock up when it runs low, unless a top-up is under way.
    /// Called when a call starts, so the instances are made while the call runs. Returns
    /// whether a job was started.
    fn refill_in_background(self: &Arc<Self>) -> bool {
        let start = self.state.lock().is_ok_and(|mut state| {
            let due = !state.refilling && state.ready.len() < LOW_WATER;
            state.refilling |= due;
            due
        });
        if start {
            let this = self.clone();
            super::janitor::spawn(async move { this.refill().await });
        }
        start
    }

    /// Top the stock up to [`STOCK`] (as far as the pool has room for spares).
    async fn refill(&self) {
        // Give the pool back what earlier calls used first, so these instances can take over
        // slots (and memory) just reset.
        tear_down_used();
        loop {
            let wanted = self
                .state
                .lock()
                .is_ok_and(|state| state.ready.len() < STOCK);
            if !wanted || !reserve_spare() {
                break;
            }
            let spec = RunSpec {
                caller: self.caller.clone(),
                deadline: Instant::now() + SPARE_DEADLINE,
                memory_limit: self.memory_limit,
                progress: None,
            };
            let mut store = new_store(&self.pre, spec);
            match self.pre.instantiate_async(&mut store).await {
                Ok(plugin) => {
                    if let Ok(mut state) = self.state.lock() {
                        state.ready.push(Fresh { store, plugin });
                        continue;
                    }
                    spares_alive().fetch_sub(1, Ordering::AcqRel);
                    break;
                }
                Err(e) => {
                    tracing::debug!("plugin {}: no spare instance: {e:#}", self.caller.plugin);
                    spares_alive().fetch_sub(1, Ordering::AcqRel);
                    break;
                }
            }
        }
        if let Ok(mut state) = self.state.lock() {
            state.refilling = false;
        }
    }
}

/// Count one more spare against [`MAX_SPARES`]; `false` when the pool has no room.
fn reserve_spare() -> bool {
    if spares_alive().fetch_add(1, Ordering::AcqRel) < MAX_SPARES {
        return true;
    }
    spares_alive().fetch_sub(1, Ordering::AcqRel);
    false
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
    let _slot = slots()
        .acquire()
        .await
        .map_err(|_| InstanceFailure::Deadline)?;
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

/// Run `call(tool, arguments)` in a fresh instance: the plugin's spare when one is ready,
/// else one instantiated now. The used instance is dropped in the background.
pub async fn call(
    spare: &Arc<Spare>,
    spec: RunSpec,
    tool: &str,
    arguments: &str,
) -> Result<Result<Output, String>, InstanceFailure> {
    // The slot is held until the used instance is torn down, so instances waiting for their
    // teardown count against the pool too and calls wait for them rather than overfill it.
    let slot = slots()
        .acquire()
        .await
        .map_err(|_| InstanceFailure::Deadline)?;
    let ready = spare.take();
    let refilling = spare.refill_in_background();
    let (mut store, plugin) = match ready {
        Some(Fresh { mut store, plugin }) => {
            let state = store.data_mut();
            state.deadline = spec.deadline;
            state.progress = spec.progress;
            store.set_epoch_deadline(1);
            (store, Ok(plugin))
        }
        None => {
            let mut store = new_store(&spare.pre, spec);
            let plugin = spare.pre.instantiate_async(&mut store).await;
            (store, plugin)
        }
    };
    let result = match plugin {
        Ok(plugin) => {
            plugin
                .mikrotik_plugin_tools()
                .call_call(&mut store, tool, arguments)
                .await
        }
        Err(e) => Err(e),
    };
    let outcome = result.map_err(|e| explain(&store, e));
    // Tearing an instance down takes a while; the janitor thread does it, off the call's path:
    // with the spare it is making now when there is one, else in a job of its own.
    let queued = {
        let mut used = lock_used();
        used.push(Used {
            _store: store,
            _slot: slot,
        });
        used.len()
    };
    if !refilling && queued >= TEARDOWN_BATCH {
        super::janitor::spawn(async { tear_down_used() });
    }
    outcome
}
