//! Structured results travel to the client as the JSON text the plugin wrote, not parsed into a
//! `serde_json::Value` and serialised again.
//!
//! rmcp's result type holds `structuredContent` as a `Value`. The handler therefore puts a
//! placeholder there, `{"<marker>":null}` with a marker no plugin can forge
//! ([`Stash::placeholder`]; an object, because rmcp drops structured content that is not one
//! for older clients), and keeps the text aside; [`SpliceWriter`], the writer under rmcp's
//! stdout transport, replaces the placeholder in each outgoing line with the kept text.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll, ready};

use memchr::memmem::Finder;
use serde_json::Value;
use tokio::io::AsyncWrite;

/// How a placeholder ends once serialised (compactly, as rmcp writes messages).
const PLACEHOLDER_END: &[u8] = b"\":null}";

/// Structured results waiting for their line to be written.
pub struct Stash {
    /// `mcp-mikrotik-structured-<random>-`: the placeholder's key, without its id.
    marker: String,
    /// Finds `{"` + marker: how every placeholder starts once serialised.
    finder: Finder<'static>,
    next: AtomicU64,
    texts: Mutex<HashMap<u64, String>>,
}

impl Default for Stash {
    fn default() -> Self {
        Self::new()
    }
}

impl Stash {
    /// A stash whose placeholders carry a fresh random nonce.
    pub fn new() -> Self {
        let random = RandomState::new();
        let nonce = (random.hash_one(std::process::id()), random.hash_one(0u8));
        let marker = format!("mcp-mikrotik-structured-{:016x}{:016x}-", nonce.0, nonce.1);
        Self {
            finder: Finder::new(format!("{{\"{marker}").as_bytes()).into_owned(),
            marker,
            next: AtomicU64::new(0),
            texts: Mutex::new(HashMap::new()),
        }
    }

    /// Keep `json` (the text of one JSON value) and return the placeholder that stands for it.
    pub fn placeholder(&self, json: String) -> Value {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut texts) = self.texts.lock() {
            texts.insert(id, json);
        }
        let mut placeholder = serde_json::Map::new();
        placeholder.insert(format!("{}{id}", self.marker), Value::Null);
        Value::Object(placeholder)
    }

    fn take(&self, id: u64) -> Option<String> {
        self.texts.lock().ok()?.remove(&id)
    }

    fn is_empty(&self) -> bool {
        self.texts.lock().map_or(true, |texts| texts.is_empty())
    }

    /// Append `line` to `out` with every known placeholder replaced by its text.
    fn splice_into(&self, line: &[u8], out: &mut Vec<u8>) {
        if self.is_empty() {
            out.extend_from_slice(line);
            return;
        }
        let prefix_len = self.finder.needle().len();
        let mut rest = line;
        while let Some(at) = self.finder.find(rest) {
            let after = &rest[at + prefix_len..];
            let digits = after.iter().take_while(|b| b.is_ascii_digit()).count();
            let id = std::str::from_utf8(&after[..digits])
                .ok()
                .and_then(|d| d.parse().ok());
            let closed = after[digits..].starts_with(PLACEHOLDER_END);
            match id.filter(|_| closed).and_then(|id| self.take(id)) {
                Some(text) => {
                    out.extend_from_slice(&rest[..at]);
                    out.extend_from_slice(text.as_bytes());
                    rest = &after[digits + PLACEHOLDER_END.len()..];
                }
                None => {
                    let end = at + prefix_len;
                    out.extend_from_slice(&rest[..end]);
                    rest = &rest[end..];
                }
            }
        }
        out.extend_from_slice(rest);
    }
}

/// Most bytes held for writing before the writer stops accepting more.
const HOLD_LIMIT: usize = 64 << 20;

/// An [`AsyncWrite`] that splices stashed texts into each complete line before passing it on.
pub struct SpliceWriter<W> {
    inner: W,
    stash: std::sync::Arc<Stash>,
    /// Bytes of a line not yet complete.
    partial: Vec<u8>,
    /// Spliced bytes not yet written to `inner`; `sent` of them are.
    ready: Vec<u8>,
    sent: usize,
}

impl<W: AsyncWrite + Unpin> SpliceWriter<W> {
    pub fn new(inner: W, stash: std::sync::Arc<Stash>) -> Self {
        Self {
            inner,
            stash,
            partial: Vec::new(),
            ready: Vec::new(),
            sent: 0,
        }
    }

    /// Write what is ready to `inner`.
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while self.sent < self.ready.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.ready[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.ready.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }

    /// Move the complete lines of `partial` (spliced) to `ready`.
    fn take_lines(&mut self) {
        let Some(last) = memchr::memrchr(b'\n', &self.partial) else {
            return;
        };
        for line in self.partial[..=last].split_inclusive(|b| *b == b'\n') {
            self.stash.splice_into(line, &mut self.ready);
        }
        self.partial.drain(..=last);
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for SpliceWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.ready.len() + this.partial.len() >= HOLD_LIMIT {
            ready!(this.poll_drain(cx))?;
        }
        this.partial.extend_from_slice(data);
        this.take_lines();
        // Start writing now; what `inner` does not take yet is written on flush.
        if let Poll::Ready(Err(e)) = this.poll_drain(cx) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if !this.partial.is_empty() {
            let partial = std::mem::take(&mut this.partial);
            this.ready.extend_from_slice(&partial);
        }
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().poll_flush(cx))?;
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests;
