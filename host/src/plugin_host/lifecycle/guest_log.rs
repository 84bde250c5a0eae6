//! Where a plugin's stdout and stderr go: line by line into the host's log (tracing, on
//! stderr), each line prefixed with the plugin name. Never to the process's stdout, which
//! carries the MCP protocol.
//!
//! A call may log at most [`LOG_CAP`] bytes per stream; the rest is counted and dropped, and
//! one line at the end of the call says how much. The guest never blocks on its output.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// Bytes of guest output logged per stream and call.
pub const LOG_CAP: usize = 64 * 1024;
/// A longer line is logged in pieces of this size.
const MAX_LINE: usize = 4096;

/// One guest output stream (stdout or stderr) of one call.
#[derive(Clone)]
pub struct GuestLog {
    state: Arc<Mutex<LogState>>,
}

struct LogState {
    plugin: Arc<str>,
    stream: &'static str,
    line: Vec<u8>,
    logged: usize,
    dropped: usize,
}

impl GuestLog {
    /// A stream named `stream` (`stdout`/`stderr`) of `plugin`.
    pub fn new(plugin: Arc<str>, stream: &'static str) -> Self {
        Self {
            state: Arc::new(Mutex::new(LogState {
                plugin,
                stream,
                line: Vec::new(),
                logged: 0,
                dropped: 0,
            })),
        }
    }

    fn append(&self, bytes: &[u8]) {
        if let Ok(mut state) = self.state.lock() {
            state.take(bytes);
        }
    }
}

impl LogState {
    fn take(&mut self, bytes: &[u8]) {
        let room = LOG_CAP.saturating_sub(self.logged);
        let (kept, dropped) = bytes.split_at(bytes.len().min(room));
        self.logged += kept.len();
        self.dropped += dropped.len();
        for &b in kept {
            if b == b'\n' {
                self.emit();
            } else {
                self.line.push(b);
                if self.line.len() >= MAX_LINE {
                    self.emit();
                }
            }
        }
    }

    fn emit(&mut self) {
        let text = String::from_utf8_lossy(&self.line);
        let text = text.trim_end_matches('\r');
        tracing::info!(target: "mcp_mikrotik::plugin", stream = self.stream, "[{}] {}", self.plugin, text);
        self.line.clear();
    }
}

impl Drop for LogState {
    fn drop(&mut self) {
        if !self.line.is_empty() {
            self.emit();
        }
        if self.dropped > 0 {
            tracing::warn!(
                target: "mcp_mikrotik::plugin",
                "[{}] {} more bytes on {} not logged (log cap {} KiB per call)",
                self.plugin,
                self.dropped,
                self.stream,
                LOG_CAP / 1024
            );
        }
    }
}

impl IsTerminal for GuestLog {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for GuestLog {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }
    fn async_stream(&self) -> Box<dyn tokio::io::AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl OutputStream for GuestLog {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.append(&bytes);
        Ok(())
    }
    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }
    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(64 * 1024)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for GuestLog {
    async fn ready(&mut self) {}
}

impl tokio::io::AsyncWrite for GuestLog {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        self.append(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(log: &GuestLog) -> (usize, usize, usize) {
        let state = log.state.lock().unwrap();
        (state.logged, state.dropped, state.line.len())
    }

    #[test]
    fn output_beyond_the_cap_is_counted_and_dropped() {
        let log = GuestLog::new(Arc::from("flood"), "stdout");
        log.append(b"first line\nsecond");
        assert_eq!(
            counts(&log),
            (17, 0, 6),
            "a partial line waits for its newline"
        );
        log.append(&vec![b'x'; LOG_CAP]);
        let (logged, dropped, pending) = counts(&log);
        assert_eq!(logged, LOG_CAP);
        assert_eq!(dropped, 17);
        assert!(pending < MAX_LINE, "long lines are emitted in pieces");
    }
}
