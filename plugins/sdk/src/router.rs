//! Plain Rust mirrors of the WIT `routeros` types and the [`RouterApi`] trait plugins call.

use std::fmt;

/// One attribute of a reply row, in the router's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    /// Attribute name, e.g. `mac-address` or `.id`.
    pub name: String,
    /// Value as text (Windows-1252 reading when the bytes are not UTF-8).
    pub value: String,
    /// The original bytes, present only when they are not valid UTF-8.
    pub raw: Option<Vec<u8>>,
}

/// One `!re` sentence (or the attributes of `!done`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row(pub Vec<Attribute>);

impl Row {
    /// A row from `(name, value)` pairs; handy in tests.
    pub fn from_pairs<N: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        Row(pairs
            .into_iter()
            .map(|(name, value)| Attribute {
                name: name.into(),
                value: value.into(),
                raw: None,
            })
            .collect())
    }

    /// The value of attribute `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.value.as_str())
    }

    /// The value of attribute `name`, or `""` when absent.
    pub fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }

    /// Whether attribute `name` is present and a RouterOS true (`true`/`yes`).
    pub fn flag(&self, name: &str) -> bool {
        self.get(name)
            .and_then(crate::values::parse_bool)
            .unwrap_or(false)
    }

    /// The attributes in the router's order.
    pub fn attributes(&self) -> &[Attribute] {
        &self.0
    }
}

/// Why a reply is incomplete.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cut {
    /// The call's deadline expired; what had arrived is returned.
    Deadline,
    /// The row cap (`max_rows`) was reached.
    RowCap,
}

/// What a command returned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// `!re` rows.
    pub rows: Vec<Row>,
    /// Attributes of the final `!done`, e.g. `ret` of an `add`.
    pub done: Row,
    /// `None` when the router finished the command.
    pub cut: Option<Cut>,
    /// The router said `!empty`.
    pub empty: bool,
}

impl Reply {
    /// A complete reply with these rows.
    pub fn rows(rows: Vec<Row>) -> Self {
        Reply {
            rows,
            ..Default::default()
        }
    }

    /// The `ret` attribute of `!done` (new `.id` of `add`, count of `count-only`).
    pub fn ret(&self) -> Option<&str> {
        self.done.get("ret")
    }
}

/// The router's `!trap`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    /// 0 missing item or command, 1 argument value failure, 2 interrupted, 3 scripting,
    /// 4 general failure, 5 API failure, 6 TTY, 7 `:return`.
    pub category: Option<u8>,
    /// The router's message.
    pub message: String,
}

/// Why a call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    /// The router refused the command (`!trap`).
    Trap(Trap),
    /// The host refused the command (permissions or read-only mode).
    Denied(String),
    /// The router is unreachable, refused the login or broke the session.
    Connection(String),
    /// The deadline expired before the command could be sent.
    Timeout(String),
    /// The request is malformed.
    BadRequest(String),
}

impl CallError {
    /// A trap with a category and message; handy in tests.
    pub fn trap(category: u8, message: impl Into<String>) -> Self {
        CallError::Trap(Trap {
            category: Some(category),
            message: message.into(),
        })
    }

    /// Whether this error says the menu or command does not exist on this router (trap
    /// category 0 or `no such command`), e.g. a missing optional package.
    pub fn is_missing_menu(&self) -> bool {
        match self {
            CallError::Trap(trap) => {
                trap.category == Some(0) || trap.message.contains("no such command")
            }
            _ => false,
        }
    }
}

fn trap_category_name(category: u8) -> &'static str {
    match category {
        0 => "missing item or command",
        1 => "argument value failure",
        2 => "execution interrupted",
        3 => "scripting failure",
        4 => "general failure",
        5 => "API failure",
        6 => "TTY failure",
        7 => "return value",
        _ => "unknown category",
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Trap(Trap {
                category: Some(c),
                message,
            }) => {
                write!(
                    f,
                    "router error ({}, category {c}): {message}",
                    trap_category_name(*c)
                )
            }
            CallError::Trap(Trap {
                category: None,
                message,
            }) => write!(f, "router error: {message}"),
            CallError::Denied(why) => write!(f, "denied by the host: {why}"),
            CallError::Connection(why) => write!(f, "connection problem: {why}"),
            CallError::Timeout(why) => write!(f, "timed out: {why}"),
            CallError::BadRequest(why) => write!(f, "bad request: {why}"),
        }
    }
}

impl std::error::Error for CallError {}

/// Per-call tuning; the host caps each value by its own limits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Stop after this many milliseconds (`Cut::Deadline`).
    pub timeout_ms: Option<u32>,
    /// Keep at most this many rows (`Cut::RowCap`).
    pub max_rows: Option<u32>,
    /// Report progress to the client per row, counting up to this total.
    pub progress_total: Option<u32>,
}

/// Runs RouterOS API commands: the host import inside a component, [`crate::FakeRouter`] in tests.
pub trait RouterApi {
    /// Run `command` (e.g. `/interface/print`) with `=name=value` `args` and `queries`
    /// (query words without the leading `?`).
    fn call(
        &self,
        command: &str,
        args: &[(&str, &str)],
        queries: &[&str],
        options: CallOptions,
    ) -> Result<Reply, CallError>;
}

/// A command being built, for when arguments are computed: `Request::new("/ip/route/print")
/// .arg(".proplist", "dst-address").query("active=true").max_rows(50).send(router)`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    pub command: String,
    pub args: Vec<(String, String)>,
    pub queries: Vec<String>,
    pub options: CallOptions,
}

impl Request {
    /// A request for `command` with no arguments.
    pub fn new(command: impl Into<String>) -> Self {
        Request {
            command: command.into(),
            ..Default::default()
        }
    }

    /// Add an `=name=value` argument.
    pub fn arg(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.args.push((name.into(), value.into()));
        self
    }

    /// Add a query word (without `?`).
    pub fn query(mut self, word: impl Into<String>) -> Self {
        self.queries.push(word.into());
        self
    }

    /// Cap the rows kept.
    pub fn max_rows(mut self, rows: u32) -> Self {
        self.options.max_rows = Some(rows);
        self
    }

    /// Cap the time spent.
    pub fn timeout_ms(mut self, ms: u32) -> Self {
        self.options.timeout_ms = Some(ms);
        self
    }

    /// Run it on `router`.
    pub fn send(&self, router: &dyn RouterApi) -> Result<Reply, CallError> {
        let args: Vec<(&str, &str)> = self
            .args
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let queries: Vec<&str> = self.queries.iter().map(String::as_str).collect();
        router.call(&self.command, &args, &queries, self.options)
    }
}
