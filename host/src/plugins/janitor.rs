//! The janitor: one background thread, with a tokio runtime of its own, that makes spare
//! instances and tears used ones down, so that work never competes with calls and MCP
//! traffic on the server's threads (with `--threads 1`, on its only thread).

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
        .spawn(move || runtime.block_on(std::future::pending::<()>()));
    match started {
        Ok(_) => Some(handle),
        Err(e) => {
            tracing::warn!("no background thread for plugin instances: {e}");
            None
        }
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
}
