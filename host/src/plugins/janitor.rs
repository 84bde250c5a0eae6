//! The janitor: one background thread, with a tokio runtime of its own, that makes spare
//! instances and tears used ones down, so that work never competes with calls and MCP
//! traffic on the server's threads (with `--threads 1`, on its only thread). It runs at a lower
//! scheduling priority, so on a small machine it never delays a call in flight.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle};

/// Run `work` on the janitor thread (started on first use). When the thread cannot be
/// started, `work` runs on the caller's runtime instead.
pub fn spawn(work: impl Future<Output = ()> + Send + 'static) {
    match janitor() {
        Some(handle) => drop(handle.spawn(work)),
        None => drop(tokio::spawn(work)),
    }
}

/// Whether the janitor thread runs (off a tokio runtime, [`spawn`] needs it).
pub fn running() -> bool {
    janitor().is_some()
}

fn janitor() -> Option<&'static Handle> {
    static JANITOR: OnceLock<Option<Handle>> = OnceLock::new();
    JANITOR.get_or_init(start).as_ref()
}

fn start() -> Option<Handle> {
    let runtime = match Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::warn!("no background thread for plugin instances: {e}");
            return None;
        }
    };
    let handle = runtime.handle().clone();
    let started = std::thread::Builder::new()
        .name("wasm-janitor".into())
        .spawn(move || {
            lower_priority();
            runtime.block_on(std::future::pending::<()>())
        });
    match started {
        Ok(_) => Some(handle),
        Err(e) => {
            tracing::warn!("no background thread for plugin instances: {e}");
            None
        }
    }
}

/// How much nicer than the thread that starts it the janitor thread runs: its work can wait,
/// a call's next step cannot.
const NICENESS: libc::c_int = 10;

/// Let the scheduler prefer call threads (and the router and client processes on a small
/// machine) over the janitor, so making spares never delays a call in flight. It still gets
/// its share of an idle or busy CPU; a call that finds no spare instantiates its own.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // A new thread starts with its creator's niceness.
        let lowered = niceness().is_some_and(|current| {
            let nicer = (current + NICENESS).min(19);
            // SAFETY: setpriority only sets this thread's scheduling priority.
            unsafe {
                libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, nicer) == 0
            }
        });
        if !lowered {
            tracing::debug!(
                "janitor thread keeps its priority: {}",
                std::io::Error::last_os_error()
            );
        }
    }
}

/// The calling thread's niceness, `None` when it cannot be read.
#[cfg(target_os = "linux")]
fn niceness() -> Option<libc::c_int> {
    // SAFETY: getpriority only reads this thread's priority; errno is this thread's. -1 is a
    // valid niceness, so an error is told apart by errno.
    unsafe {
        *libc::__errno_location() = 0;
        let nice = libc::getpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t);
        (*libc::__errno_location() == 0).then_some(nice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_runs_on_the_janitor_thread() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        spawn(async move {
            let _ = tx.send(std::thread::current().name().map(String::from));
        });
        assert_eq!(rx.await.unwrap().as_deref(), Some("wasm-janitor"));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn the_janitor_runs_at_a_lower_priority_than_calls() {
        let (tx, rx) = tokio::sync::oneshot::channel();
        spawn(async move {
            let _ = tx.send(niceness());
        });
        let ours = niceness().expect("the test thread's niceness");
        assert_eq!(rx.await.unwrap(), Some((ours + NICENESS).min(19)));
    }
}
