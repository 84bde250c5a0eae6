//! One logged-in session: a writer task, a reader task that routes replies to commands by
//! `.tag`, and the table of commands in flight. When the session breaks, every waiting command
//! is told at once. A router that sends nothing at all for [`CANCEL_GRACE`] after a `/cancel`
//! has stopped answering: the session is declared dead, so the next call reconnects.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::Weak;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::sync::{Notify, mpsc};

use super::framed::SentenceReader;
use crate::api::CallError;
use crate::codec::put_sentence;
use crate::sentence::{Reply, ReplyKind, Row};
use crate::text::to_text;

/// How long a router may stay completely silent after a `/cancel` before the session is
/// declared dead. A healthy router answers `/cancel` at once (a `!trap` and `!done` for the
/// cancelled command, a `!done` for the `/cancel`).
pub const CANCEL_GRACE: Duration = Duration::from_secs(2);

/// What the reader tells a waiting command.
#[derive(Debug)]
pub enum Event {
    Row(Row),
    Done(Row),
    Trap {
        category: Option<u8>,
        message: String,
    },
    Empty,
    /// The session is gone; no more events will come.
    Gone(CallError),
}

/// Events for one command, delivered together: every sentence decoded from one read is routed
/// in one batch, so a big reply wakes the waiting command once per read, not once per row.
pub type Batch = Vec<Event>;

type Pending = HashMap<u64, mpsc::UnboundedSender<Batch>>;

/// Events decoded from the current read, per tag, with whether the tag is finished.
type Staged = Vec<(u64, Batch, bool)>;

/// A live session. Dropping the last handle stops its tasks.
pub struct Session {
    router: String,
    out: mpsc::UnboundedSender<Bytes>,
    pending: Mutex<Pending>,
    next_tag: AtomicU64,
    dead: AtomicBool,
    /// Bytes received so far (see [`SentenceReader::received`]).
    received: Arc<AtomicU64>,
    /// Wakes the reader task so it lets go of the socket when the session dies or is dropped.
    stop: Arc<Notify>,
    /// This session, for the `/cancel` watchdog tasks.
    me: Weak<Session>,
}

impl Session {
    /// Start the reader and writer tasks on a logged-in connection.
    pub fn start<R, W>(router: String, reader: SentenceReader<R>, writer: W) -> Arc<Self>
    where
        R: AsyncRead + Unpin + Send + 'static,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let (out, rx) = mpsc::unbounded_channel();
        let stop = Arc::new(Notify::new());
        let session = Arc::new_cyclic(|me| Session {
            router,
            out,
            pending: Mutex::new(HashMap::new()),
            next_tag: AtomicU64::new(1),
            dead: AtomicBool::new(false),
            received: reader.received(),
            stop: stop.clone(),
            me: me.clone(),
        });
        tokio::spawn(write_loop(Arc::downgrade(&session), writer, rx));
        tokio::spawn(read_loop(Arc::downgrade(&session), reader, stop));
        session
    }

    /// The session can still take commands.
    pub fn is_alive(&self) -> bool {
        !self.dead.load(Ordering::Acquire)
    }

    /// Reserve a tag and the channel its replies arrive on.
    pub fn register(&self) -> Option<(u64, mpsc::UnboundedReceiver<Batch>)> {
        let mut pending = self.pending.lock().ok()?;
        if !self.is_alive() {
            return None;
        }
        let tag = self.next_tag.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = mpsc::unbounded_channel();
        pending.insert(tag, tx);
        Some((tag, rx))
    }

    /// Forget a tag: later replies for it are dropped.
    pub fn unregister(&self, tag: u64) {
        if let Ok(mut p) = self.pending.lock() {
            p.remove(&tag);
        }
    }

    /// Queue a sentence for sending.
    pub fn send(&self, words: &[Bytes]) {
        let mut buf = BytesMut::new();
        put_sentence(words, &mut buf);
        let _ = self.out.send(buf.freeze());
    }

    /// Ask the router to stop the command with `tag`, and drop the session if the router then
    /// sends nothing at all within [`CANCEL_GRACE`]. A router still sending (e.g. the rest of a
    /// long reply) is alive, however slow.
    pub fn cancel(&self, tag: u64) {
        if !self.is_alive() {
            return;
        }
        let before = self.received.load(Ordering::Acquire);
        self.send(&[
            Bytes::from_static(b"/cancel"),
            Bytes::from(format!("=tag={tag}")),
        ]);
        // Outside a runtime (a command dropped while its runtime shuts down) there is nothing
        // left to watch.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let me = self.me.clone();
        runtime.spawn(async move {
            tokio::time::sleep(CANCEL_GRACE).await;
            let Some(s) = me.upgrade() else { return };
            if s.is_alive() && s.received.load(Ordering::Acquire) == before {
                s.fail_all(s.broken(format!(
                    "the router sent nothing for {} s after /cancel: it stopped answering, so \
                     the session was dropped (the next call reconnects)",
                    CANCEL_GRACE.as_secs()
                )));
            }
        });
    }

    /// Mark the session dead and tell every waiting command why.
    fn fail_all(&self, err: CallError) {
        self.dead.store(true, Ordering::Release);
        self.stop.notify_one();
        let drained: Vec<_> = match self.pending.lock() {
            Ok(mut p) => p.drain().collect(),
            Err(_) => Vec::new(),
        };
        for (_, tx) in drained {
            let _ = tx.send(vec![Event::Gone(err.clone())]);
        }
    }

    fn broken(&self, cause: String) -> CallError {
        CallError::Connection {
            router: self.router.clone(),
            cause,
        }
    }

    /// Route one reply to its command. `false` ends the session.
    fn dispatch(&self, reply: Reply, staged: &mut Staged) -> bool {
        if reply.kind == ReplyKind::Fatal {
            let reason = reply
                .other
                .first()
                .map(|w| &w[..])
                .or_else(|| reply.get("message"))
                .map(|r| to_text(r).into_owned())
                .unwrap_or_else(|| "no reason given".into());
            self.fail_all(CallError::Fatal {
                router: self.router.clone(),
                reason,
            });
            return false;
        }
        let Some(tag) = reply
            .tag
            .as_ref()
            .and_then(|t| std::str::from_utf8(t).ok()?.parse::<u64>().ok())
        else {
            tracing::debug!(router = %self.router, "dropping an untagged reply");
            return true;
        };
        let done = reply.kind == ReplyKind::Done;
        let event = match reply.kind {
            ReplyKind::Re => Event::Row(reply.attrs),
            ReplyKind::Done => Event::Done(reply.attrs),
            ReplyKind::Empty => Event::Empty,
            ReplyKind::Trap => {
                let category = reply
                    .get("category")
                    .and_then(|c| std::str::from_utf8(c).ok()?.parse().ok());
                let message = reply
                    .get("message")
                    .map(|m| to_text(m).into_owned())
                    .unwrap_or_default();
                Event::Trap { category, message }
            }
            ReplyKind::Fatal => unreachable!("handled above"),
        };
        match staged.iter_mut().find(|(t, _, _)| *t == tag) {
            Some((_, batch, finished)) => {
                batch.push(event);
                *finished |= done;
            }
            None => staged.push((tag, vec![event], done)),
        }
        true
    }

    /// Hand the staged batches to their commands (one lock, one wake-up per command).
    fn deliver(&self, staged: &mut Staged) {
        if staged.is_empty() {
            return;
        }
        if let Ok(mut p) = self.pending.lock() {
            // Sending on an unbounded channel never blocks, so it is fine under the lock.
            for (tag, batch, done) in staged.drain(..) {
                let tx = if done {
                    p.remove(&tag)
                } else {
                    p.get(&tag).cloned()
                };
                if let Some(tx) = tx {
                    let _ = tx.send(batch);
                }
            }
        }
        staged.clear();
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.stop.notify_one();
    }
}

async fn read_loop<R: AsyncRead + Unpin>(
    session: Weak<Session>,
    mut reader: SentenceReader<R>,
    stop: Arc<Notify>,
) {
    let mut staged: Staged = Vec::new();
    loop {
        let mut result = tokio::select! {
            r = reader.read() => r.map(Some),
            _ = stop.notified() => return,
        };
        let Some(s) = session.upgrade() else { return };
        // Route everything this read brought before waking anyone.
        loop {
            let frame = match result {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(e) => {
                    s.deliver(&mut staged);
                    s.fail_all(s.broken(format!("session broke: {e}")));
                    return;
                }
            };
            let keep = match Reply::from_frame(frame) {
                Ok(reply) => s.dispatch(reply, &mut staged),
                Err(e) => {
                    s.deliver(&mut staged);
                    s.fail_all(s.broken(format!("the router sent a bad reply: {e}")));
                    return;
                }
            };
            if !keep {
                s.deliver(&mut staged);
                return;
            }
            result = reader.try_buffered();
        }
        s.deliver(&mut staged);
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(
    session: Weak<Session>,
    mut writer: W,
    mut rx: mpsc::UnboundedReceiver<Bytes>,
) {
    let mut batch = BytesMut::new();
    while let Some(first) = rx.recv().await {
        batch.extend_from_slice(&first);
        while let Ok(more) = rx.try_recv() {
            batch.extend_from_slice(&more);
        }
        let result = async {
            writer.write_all(&batch).await?;
            writer.flush().await
        }
        .await;
        batch.clear();
        if let Err(e) = result {
            if let Some(s) = session.upgrade() {
                s.fail_all(s.broken(format!("sending failed: {e}")));
            }
            return;
        }
    }
    let _ = writer.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode_sentence;
    use tokio::io::{AsyncReadExt, DuplexStream};

    /// A session on an in-memory pipe; the other end plays the router.
    fn session() -> (Arc<Session>, DuplexStream) {
        let (ours, router) = tokio::io::duplex(64 * 1024);
        let (read, write) = tokio::io::split(ours);
        let s = Session::start("test".into(), SentenceReader::new(read), write);
        (s, router)
    }

    #[tokio::test]
    async fn unanswered_cancel_drops_the_session_and_tells_waiting_commands() {
        let (s, mut router) = session();
        let (tag, _) = s.register().unwrap();
        let (_, mut waiting) = s.register().unwrap();
        s.cancel(tag);
        let mut sink = [0u8; 256];
        let _ = router.read(&mut sink).await.unwrap(); // the /cancel, left unanswered
        let batch = tokio::time::timeout(CANCEL_GRACE * 2, waiting.recv())
            .await
            .expect("told within the grace period")
            .unwrap();
        assert!(
            matches!(&batch[..], [Event::Gone(CallError::Connection { cause, .. })] if cause.contains("stopped answering")),
            "{batch:?}"
        );
        assert!(!s.is_alive());
    }

    #[tokio::test]
    async fn a_router_still_sending_after_cancel_stays_alive() {
        let (s, mut router) = session();
        let (tag, _) = s.register().unwrap();
        s.cancel(tag);
        // The rest of a long reply trickles in, slower than nothing but well within the grace.
        let row = encode_sentence(&[&b"!re"[..], b"=x=1", format!(".tag={tag}").as_bytes()]);
        for _ in 0..6 {
            tokio::time::sleep(CANCEL_GRACE / 4).await;
            router.write_all(&row).await.unwrap();
        }
        assert!(s.is_alive(), "bytes arrived after the /cancel");
    }
}
