//! One API connection: read sentences, log in, run each command as its own task (replies of
//! different tags may interleave), `/cancel` running commands, `/quit`, and apply faults.
//! A single writer task serialises reply batches onto the socket.
//!
//! The router's firewall (see `firewall_gate.rs`) acts like on a real router: while new
//! connections are dropped, a connection that just opened is not read at all (as if its SYN
//! went unanswered; once the rule goes, it carries on); while packets of established
//! connections are dropped, what arrives is swallowed unanswered (like [`Fault::Silent`]).
//! A connection that opens with a TLS handshake gets no answer at all, as on a router's plain
//! API port.

use super::dispatch::{self, Ctx};
use super::faults::Fault;
use super::firewall_gate::{Conn, Gate};
use super::login::{LoginOutcome, LoginPolicy, LoginState};
use super::reply::{Closed, Out, ReplySink};
use super::rng::Rng;
use crate::codec::{SentenceDecoder, encode_sentence};
use crate::sentence::Command;
use bytes::{Bytes, BytesMut};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Everything a connection needs from its sim.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    pub ctx: Ctx,
    pub login: LoginPolicy,
    /// The firewall as this listener sees it.
    pub gate: Gate,
}

/// A command task still running.
struct Running {
    tag: Option<Bytes>,
    handle: JoinHandle<()>,
}

/// Running commands of one connection, for `/cancel`.
#[derive(Clone, Default)]
struct Registry {
    running: Arc<Mutex<HashMap<u64, Running>>>,
    next: Arc<AtomicU64>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Running>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Spawn `work` as a registered command task.
    fn spawn(&self, tag: Option<Bytes>, work: impl Future<Output = ()> + Send + 'static) {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let me = self.clone();
        // Holding the lock while spawning: the task's own removal waits until it is listed.
        let mut running = self.lock();
        let handle = tokio::spawn(async move {
            work.await;
            me.lock().remove(&id);
        });
        running.insert(id, Running { tag, handle });
    }

    /// Take the commands with this tag (all commands for `None`).
    fn take(&self, tag: Option<&[u8]>) -> Vec<Running> {
        let mut running = self.lock();
        let ids: Vec<u64> = running
            .iter()
            .filter(|(_, r)| tag.is_none() || r.tag.as_deref() == tag)
            .map(|(id, _)| *id)
            .collect();
        ids.into_iter()
            .filter_map(|id| running.remove(&id))
            .collect()
    }

    fn abort_all(&self) {
        for r in self.take(None) {
            r.handle.abort();
        }
    }
}

/// Aborts a connection's commands when the connection's task ends, even when it is aborted.
struct AbortOnDrop(Registry);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort_all();
    }
}

/// Serve one connection until it closes.
pub async fn serve<S>(stream: S, cfg: SessionConfig)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let (rd, wr) = tokio::io::split(stream);
    let (tx, rx) = mpsc::channel::<Out>(16);
    let registry = Registry::default();
    let _commands = AbortOnDrop(registry.clone());
    let mut writer = tokio::spawn(write_loop(wr, rx));
    tokio::select! {
        _ = &mut writer => {}
        _ = read_loop(rd, tx, registry.clone(), cfg) => {
            registry.abort_all();
            let _ = tokio::time::timeout(Duration::from_secs(5), &mut writer).await;
        }
    }
    registry.abort_all();
    writer.abort();
}

async fn write_loop<W: AsyncWrite>(wr: W, mut rx: mpsc::Receiver<Out>) {
    tokio::pin!(wr);
    while let Some(out) = rx.recv().await {
        match out {
            Out::Data(bytes) => {
                if wr.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Out::Close => break,
        }
    }
    let _ = wr.flush().await;
    let _ = wr.shutdown().await;
}

/// Whether the read loop goes on after a sentence.
enum Next {
    Continue,
    Stop,
}

async fn read_loop<R: AsyncRead>(
    rd: R,
    tx: mpsc::Sender<Out>,
    registry: Registry,
    cfg: SessionConfig,
) {
    tokio::pin!(rd);
    let mut gate = cfg.gate.clone();
    gate.wait_until_open(Conn::New).await;
    let mut buf = BytesMut::with_capacity(8 * 1024);
    let mut decoder = SentenceDecoder::default();
    let mut login = LoginState::default();
    let mut logged_in = false;
    // Whether the connection's first bytes were looked at.
    let mut opened = false;
    loop {
        loop {
            let words = match decoder.decode(&mut buf) {
                Ok(Some(words)) => words,
                Ok(None) => break,
                // A broken stream (or a control byte from the client) ends the session.
                Err(_) => return,
            };
            let Some(cmd) = Command::parse(words) else {
                continue;
            };
            if cfg.login.faults.current() == Some(Fault::Silent) || !gate.allows(Conn::Established)
            {
                continue;
            }
            let next = if logged_in {
                command(&cmd, &tx, &registry, &cfg).await
            } else {
                before_login(&cmd, &tx, &mut login, &mut logged_in, &cfg).await
            };
            if let Next::Stop = next {
                return;
            }
        }
        match rd.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if !opened && buf.len() >= TLS_RECORD.len() {
            opened = true;
            if buf.starts_with(TLS_RECORD) {
                // A TLS client on the plain port: its handshake is no API sentence, and a
                // router answers it with silence (not with what its random bytes decode to).
                return swallow(rd, buf).await;
            }
        }
    }
}

/// How a TLS connection starts: a handshake record of TLS 1.x.
const TLS_RECORD: &[u8] = &[0x16, 0x03];

/// Read and drop everything until the peer closes.
async fn swallow<R: AsyncRead>(mut rd: std::pin::Pin<&mut R>, mut buf: BytesMut) {
    loop {
        buf.clear();
        match rd.read_buf(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

async fn fatal(tx: &mpsc::Sender<Out>, reason: &str) -> Next {
    let _ = tx
        .send(Out::Data(
            encode_sentence(&[&b"!fatal"[..], reason.as_bytes()]).freeze(),
        ))
        .await;
    let _ = tx.send(Out::Close).await;
    Next::Stop
}

async fn before_login(
    cmd: &Command,
    tx: &mpsc::Sender<Out>,
    state: &mut LoginState,
    logged_in: &mut bool,
    cfg: &SessionConfig,
) -> Next {
    match cmd.path.as_str() {
        "/login" => {}
        "/quit" => return fatal(tx, "session terminated on request").await,
        _ => return fatal(tx, "not logged in").await,
    }
    let mut sink = ReplySink::new(tx.clone(), cmd.tag.clone());
    let sent = match state.handle(&cfg.login, cmd) {
        LoginOutcome::Accepted => {
            *logged_in = true;
            sink.done(None).await
        }
        LoginOutcome::Challenge(c) => sink.done(Some(c.as_bytes())).await,
        LoginOutcome::Refused(msg) => sink.trap(None, msg).await,
    };
    if sent.is_err() {
        Next::Stop
    } else {
        Next::Continue
    }
}

/// Bytes that are not the RouterOS protocol.
fn garbage() -> Bytes {
    let mut rng = Rng::from_clock();
    let mut out = b"HTTP/1.1 400 Bad Request\r\n\r\n".to_vec();
    out.extend((0..200).map(|_| rng.next_u64() as u8));
    out.into()
}

async fn command(
    cmd: &Command,
    tx: &mpsc::Sender<Out>,
    registry: &Registry,
    cfg: &SessionConfig,
) -> Next {
    match cmd.path.as_str() {
        "/quit" => return fatal(tx, "session terminated on request").await,
        "/login" => {
            let mut sink = ReplySink::new(tx.clone(), cmd.tag.clone());
            return if sink.done(None).await.is_ok() {
                Next::Continue
            } else {
                Next::Stop
            };
        }
        "/cancel" => {
            let registry = registry.clone();
            let tx = tx.clone();
            let cmd = cmd.clone();
            tokio::spawn(async move {
                let _ = cancel(&cmd, tx, &registry).await;
            });
            return Next::Continue;
        }
        _ => {}
    }
    let mut sink = ReplySink::new(tx.clone(), cmd.tag.clone());
    match cfg.login.faults.take_for_command() {
        Some(Fault::Fatal) => return fatal(tx, "simulated fatal failure").await,
        Some(Fault::Garbage) => {
            let _ = sink.raw(garbage()).await;
            sink.close().await;
            return Next::Stop;
        }
        Some(Fault::ControlByte) => {
            let byte = 0xF8 + (Rng::from_clock().next_u64() % 8) as u8;
            let _ = sink.raw(Bytes::copy_from_slice(&[byte])).await;
            sink.close().await;
            return Next::Stop;
        }
        Some(Fault::Stall | Fault::Silent) => {
            registry.spawn(cmd.tag.clone(), std::future::pending());
            return Next::Continue;
        }
        Some(Fault::DropMidReply) => sink.drop_after = Some(2),
        Some(Fault::SlowReplies(d)) => sink.slow = Some(d),
        Some(Fault::RefuseLogin) | None => {}
    }
    let ctx = cfg.ctx.clone();
    let cmd = cmd.clone();
    registry.spawn(cmd.tag.clone(), async move {
        let _ = dispatch::run(&ctx, &cmd, &mut sink).await;
    });
    Next::Continue
}

/// `/cancel [=tag=X]`: interrupt X (or every running command): X gets `!trap =category=2
/// =message=interrupted`, the `/cancel` its `!done`, then X its `!done`. A tag that is not
/// running (unknown or already finished) just gets the `/cancel` its `!done`, as real
/// routers answer.
async fn cancel(cmd: &Command, tx: mpsc::Sender<Out>, registry: &Registry) -> Result<(), Closed> {
    let target = cmd.arg("tag").cloned();
    let mut interrupted = Vec::new();
    for r in registry.take(target.as_deref()) {
        r.handle.abort();
        // A command that had already finished is not interrupted (nothing more is sent).
        if matches!(r.handle.await, Err(e) if e.is_cancelled()) {
            let mut sink = ReplySink::new(tx.clone(), r.tag.clone());
            sink.sentence(
                b"!trap",
                &[(b"category", b"2"), (b"message", b"interrupted")],
            )
            .await?;
            sink.flush().await?;
            interrupted.push(sink);
        }
    }
    ReplySink::new(tx.clone(), cmd.tag.clone())
        .done(None)
        .await?;
    for mut sink in interrupted {
        sink.done(None).await?;
    }
    Ok(())
}
