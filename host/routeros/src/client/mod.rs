//! Async RouterOS API client: one persistent session per router, many tagged commands.
//!
//! Connects lazily on the first call, logs in (plain, with MD5-challenge fallback), multiplexes
//! concurrent commands with `.tag`, cancels at deadlines and row caps, and reconnects with
//! backoff after the session breaks.

mod config;
mod connect;
mod framed;
mod login;
mod session;
pub mod tls;

pub use config::{ClientConfig, TlsMode};
pub use login::challenge_response;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::{Instant, sleep_until, timeout_at};

use super::api::{CallError, Cut, Request, Response};
use super::sentence::{Row, command_words};
use session::{Batch, Event, Session};

/// First wait before reconnecting after a failed connect; doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// A handle to one router; cheap to clone, safe to share.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    config: ClientConfig,
    tls: Option<tls::Tls>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    session: Option<Arc<Session>>,
    failures: u32,
    retry_at: Option<Instant>,
    last_error: Option<CallError>,
}

impl Client {
    /// A client for one router. Nothing is connected until the first call; only local
    /// setup (e.g. an unreadable CA file) can fail here.
    pub fn new(config: ClientConfig) -> Result<Self, String> {
        let tls = config.tls.as_ref().map(tls::Tls::new).transpose()?;
        if matches!(config.tls, Some(TlsMode::Insecure)) {
            tracing::warn!(
                router = %config.target(),
                "TLS certificate verification is OFF (insecure mode): anyone on the path can impersonate the router"
            );
        }
        Ok(Self {
            inner: Arc::new(Inner {
                config,
                tls,
                state: Mutex::new(State::default()),
            }),
        })
    }

    /// `host:port` of the router, for messages.
    pub fn target(&self) -> String {
        self.inner.config.target()
    }

    /// A live session, connecting (with backoff after failures) if needed.
    async fn session(&self, deadline: Instant) -> Result<Arc<Session>, CallError> {
        let mut state = self.inner.state.lock().await;
        if let Some(s) = state.session.as_ref().filter(|s| s.is_alive()) {
            return Ok(s.clone());
        }
        state.session = None;
        if let (Some(at), Some(err)) = (state.retry_at, &state.last_error) {
            if at > deadline {
                return Err(err.clone());
            }
            sleep_until(at).await;
        }
        let config = &self.inner.config;
        let budget = deadline.min(Instant::now() + config.connect_timeout);
        let budget_len = budget.saturating_duration_since(Instant::now());
        let opened = timeout_at(budget, connect::open(config, self.inner.tls.as_ref())).await;
        let result = opened.unwrap_or_else(|_| {
            Err(CallError::Timeout {
                router: self.target(),
                stage: "while connecting to and logging in to".into(),
                deadline: budget_len,
            })
        });
        match result {
            Ok(s) => {
                *state = State {
                    session: Some(s.clone()),
                    ..State::default()
                };
                tracing::debug!(router = %self.target(), "session opened");
                Ok(s)
            }
            Err(e) => {
                state.failures += 1;
                let wait = FIRST_BACKOFF
                    .saturating_mul(1 << state.failures.min(6).saturating_sub(1))
                    .min(MAX_BACKOFF);
                state.retry_at = Some(Instant::now() + wait);
                state.last_error = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Run one command and collect its reply within `request.limits`.
    pub async fn call(&self, request: Request) -> Result<Response, CallError> {
        self.run(request, None).await
    }

    /// Run one command and hand each `!re` row to `each` as it arrives, keeping none, so
    /// memory stays flat however long the reply is. The [`Response`] has no rows (everything
    /// else as from [`Client::call`]); `request.limits.max_rows` bounds the rows handed over
    /// (at the cap the command is cancelled and `cut` is [`Cut::RowCap`]).
    pub async fn stream(
        &self,
        request: Request,
        mut each: impl FnMut(Row) + Send,
    ) -> Result<Response, CallError> {
        self.run(request, Some(&mut each)).await
    }

    /// [`Client::call`] or, with `hand`, [`Client::stream`].
    async fn run(
        &self,
        request: Request,
        hand: Option<&mut (dyn FnMut(Row) + Send)>,
    ) -> Result<Response, CallError> {
        let started = Instant::now();
        let deadline = started + request.limits.deadline;
        if !request.command.starts_with('/') {
            return Err(CallError::BadRequest(format!(
                "command {:?} must be an API path starting with '/', e.g. /interface/print",
                request.command
            )));
        }
        if let Some((name, _)) = request
            .args
            .iter()
            .find(|(n, _)| n.is_empty() || n.contains('='))
        {
            return Err(CallError::BadRequest(format!(
                "argument name {name:?} is empty or contains '='"
            )));
        }
        let session = match timeout_at(deadline, self.session(deadline)).await {
            Ok(r) => r?,
            Err(_) => {
                return Err(CallError::Timeout {
                    router: self.target(),
                    stage: "while connecting to".into(),
                    deadline: request.limits.deadline,
                });
            }
        };
        let Some((tag, mut rx)) = session.register() else {
            return Err(CallError::Connection {
                router: self.target(),
                cause: "the session closed just before the command was sent; try again".into(),
            });
        };
        let guard = InFlight {
            session: &session,
            tag,
            finished: false,
        };
        session.send(&command_words(
            &request.command,
            &request.args,
            &request.queries,
            Some(&tag.to_string()),
        ));
        collect(&request, deadline, &mut rx, guard, &self.target(), hand).await
    }
}

/// Cancels a command that is dropped or abandoned before its `!done`.
struct InFlight<'a> {
    session: &'a Session,
    tag: u64,
    finished: bool,
}

impl InFlight<'_> {
    fn abandon(&mut self) {
        if !self.finished {
            self.finished = true;
            self.session.cancel(self.tag);
            self.session.unregister(self.tag);
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.abandon();
    }
}

/// Gather events for one command until `!done`, the deadline, or the row cap. Rows go to
/// `hand` when given, otherwise into the response.
async fn collect(
    request: &Request,
    deadline: Instant,
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<Batch>,
    mut guard: InFlight<'_>,
    router: &str,
    mut hand: Option<&mut (dyn FnMut(Row) + Send)>,
) -> Result<Response, CallError> {
    let max_rows = request.limits.max_rows.max(1);
    let mut response = Response::default();
    let mut trap: Option<(Option<u8>, String)> = None;
    let mut rows = 0;
    // Whether anything at all (a row, `!empty`, a trap) came for this command.
    let mut heard = false;
    // One timer for the whole command: re-creating it per event would register and deregister
    // a timer entry per row.
    let expiry = sleep_until(deadline);
    tokio::pin!(expiry);
    let mut batches: Vec<Batch> = Vec::with_capacity(16);
    loop {
        let received = tokio::select! {
            biased;
            n = rx.recv_many(&mut batches, 16) => n,
            _ = &mut expiry => {
                guard.abandon();
                if !heard {
                    // A router that does not answer is an error, never an empty answer.
                    return Err(CallError::Timeout {
                        router: router.to_string(),
                        stage: format!("waiting for any answer to {} from", request.command),
                        deadline: request.limits.deadline,
                    });
                }
                response.cut = Some(Cut::Deadline);
                return Ok(response);
            }
        };
        if received == 0 {
            guard.finished = true;
            return Err(CallError::Connection {
                router: router.to_string(),
                cause: "session closed".into(),
            });
        }
        heard = true;
        for event in batches.drain(..).flatten() {
            match event {
                Event::Row(row) => {
                    rows += 1;
                    if let Some(observer) = &request.on_row {
                        (observer.0)(rows, &row);
                    }
                    match hand.as_mut() {
                        Some(hand) => hand(row),
                        None => response.rows.push(row),
                    }
                    if rows >= max_rows {
                        guard.abandon();
                        response.cut = Some(Cut::RowCap);
                        return Ok(response);
                    }
                }
                Event::Empty => response.empty = true,
                Event::Trap { category, message } => match &mut trap {
                    Some((_, all)) => {
                        all.push_str("; ");
                        all.push_str(&message);
                    }
                    None => trap = Some((category, message)),
                },
                Event::Done(done) => {
                    guard.finished = true;
                    if let Some((category, message)) = trap {
                        return Err(CallError::Trap {
                            router: router.to_string(),
                            command: request.command.clone(),
                            category,
                            message,
                        });
                    }
                    response.done = done;
                    return Ok(response);
                }
                Event::Gone(err) => {
                    guard.finished = true;
                    return Err(err);
                }
            }
        }
    }
}

impl super::api::Router for Client {
    fn call(
        &self,
        request: Request,
    ) -> futures::future::BoxFuture<'static, Result<Response, CallError>> {
        let this = self.clone();
        Box::pin(async move { Client::call(&this, request).await })
    }
    fn target(&self) -> String {
        Client::target(self)
    }
}
