//! The request/response types of one RouterOS API call, as the rest of the host sees them.
//!
//! [`super::client::Client::call`] takes a [`Request`] and gives a [`Response`] or a
//! [`CallError`]; the plugin runtime maps these one to one onto the WIT contract.

use bytes::Bytes;
use futures::future::BoxFuture;
use std::sync::Arc;
use std::time::Duration;

use super::sentence::Row;

/// Bounds on one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Wall-clock budget for the whole call, connecting and logging in included.
    pub deadline: Duration,
    /// Most `!re` rows kept (or handed over by [`super::client::Client::stream`]); at the cap
    /// the command is cancelled and the reply is truncated.
    pub max_rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            deadline: Duration::from_secs(30),
            max_rows: 10_000,
        }
    }
}

/// One command to run.
#[derive(Clone, Debug, Default)]
pub struct Request {
    /// API path such as `/interface/print`.
    pub command: String,
    /// Attribute arguments, sent as `=name=value`.
    pub args: Vec<(String, Bytes)>,
    /// Query words without the leading `?` (`type=ether`, `#|`, …).
    pub queries: Vec<String>,
    pub limits: Limits,
    /// Called for each `!re` row as it arrives (row number from 1), e.g. to report progress.
    pub on_row: Option<RowObserver>,
}

/// What a [`RowObserver`] runs: row number (from 1) and the row.
pub type RowCallback = dyn Fn(usize, &Row) + Send + Sync;

/// A callback run for each arriving row.
#[derive(Clone)]
pub struct RowObserver(pub Arc<RowCallback>);

impl std::fmt::Debug for RowObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RowObserver")
    }
}

/// Anything that runs RouterOS commands: the real [`super::client::Client`], or a fake in tests.
pub trait Router: Send + Sync + 'static {
    /// Run one command within `request.limits`.
    fn call(&self, request: Request) -> BoxFuture<'static, Result<Response, CallError>>;
    /// `host:port` of the router, for messages.
    fn target(&self) -> String;
}

impl Request {
    /// A request with no args or queries and default limits.
    pub fn new(command: impl Into<String>) -> Self {
        Self {
            command: command.into(),
            ..Default::default()
        }
    }
    /// Add an argument.
    pub fn arg(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.args.push((name.into(), Bytes::from(value.into())));
        self
    }
    /// Add a query word.
    pub fn query(mut self, q: impl Into<String>) -> Self {
        self.queries.push(q.into());
        self
    }
    /// Replace the limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// Why a reply is incomplete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// The deadline expired; the command was cancelled with `/cancel`.
    Deadline,
    /// The row cap was reached; the command was cancelled.
    RowCap,
}

/// What a command returned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Response {
    /// `!re` rows, attributes in router order.
    pub rows: Vec<Row>,
    /// Attributes of `!done` (e.g. `ret` of `add`).
    pub done: Row,
    /// `None` when the router finished the command; otherwise why it was cut short.
    pub cut: Option<Cut>,
    /// The router said `!empty` (RouterOS ≥ 7.18, nothing matched).
    pub empty: bool,
}

impl Response {
    /// The router finished the command (nothing was cut).
    pub fn is_complete(&self) -> bool {
        self.cut.is_none()
    }
}

/// Why a call failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// The router answered `!trap`.
    #[error("router {router} refused {command}: {message}{}", category.map(|c| format!(" (trap category {c}: {})", trap_category_name(c))).unwrap_or_default())]
    Trap {
        router: String,
        command: String,
        category: Option<u8>,
        message: String,
    },
    /// The router sent `!fatal` and closed the session.
    #[error("router {router} ended the session (!fatal): {reason}")]
    Fatal { router: String, reason: String },
    /// The router could not be reached or the session broke.
    #[error("cannot talk to router {router}: {cause}")]
    Connection { router: String, cause: String },
    /// The deadline expired before the command could be sent (connecting or logging in), or
    /// before the router answered anything at all to it.
    #[error("deadline of {} ms expired {stage} router {router}", deadline.as_millis())]
    Timeout {
        router: String,
        stage: String,
        deadline: Duration,
    },
    /// The router refused the login.
    #[error("login to router {router} as {user:?} failed: {message}")]
    Login {
        router: String,
        user: String,
        message: String,
    },
    /// TLS could not be established or the certificate was not trusted.
    #[error("TLS with router {router} failed: {message}")]
    Tls { router: String, message: String },
    /// The request itself is malformed (bad command path, bad argument name).
    #[error("bad request: {0}")]
    BadRequest(String),
}

/// RouterOS names of `!trap` categories.
pub fn trap_category_name(category: u8) -> &'static str {
    match category {
        0 => "missing item or command",
        1 => "argument value failure",
        2 => "execution of command interrupted",
        3 => "scripting related failure",
        4 => "general failure",
        5 => "API related failure",
        6 => "TTY related failure",
        7 => "value generated with :return command",
        _ => "unknown category",
    }
}
