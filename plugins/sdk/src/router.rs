//! Plain Rust mirrors of the WIT `routeros` types and the [`RouterApi`] trait plugins call.

use std::fmt;

/// One attribute of a reply row, in the router's order, borrowed from its [`Row`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attribute<'a> {
    /// Attribute name, e.g. `mac-address` or `.id`.
    pub name: &'a str,
    /// Value as text (Windows-1252 reading when the bytes are not UTF-8).
    pub value: &'a str,
    /// The original bytes, present only when they are not valid UTF-8.
    pub raw: Option<&'a [u8]>,
}

/// One `!re` sentence (or the attributes of `!done`).
///
/// Kept as the host sends it: names and values back to back in one string with their end
/// offsets, so a reply row costs no allocation per attribute.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    text: String,
    /// `(name_end, value_end)` of each attribute; a name starts where the previous value ends.
    ends: Vec<(u32, u32)>,
    /// Original bytes of values that are not UTF-8, by attribute index.
    raw: Vec<(u32, Vec<u8>)>,
}

impl Row {
    /// A row from `(name, value)` pairs; handy in tests.
    pub fn from_pairs<N: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        let mut row = Row::default();
        for (name, value) in pairs {
            row.push(name.as_ref(), value.as_ref());
        }
        row
    }

    /// Append one attribute.
    pub fn push(&mut self, name: &str, value: &str) {
        self.text.push_str(name);
        let name_end = offset(self.text.len());
        self.text.push_str(value);
        self.ends.push((name_end, offset(self.text.len())));
    }

    /// A row in the contract's packed form. Offsets that do not fit the text (a host bug)
    /// give empty names and values, not a panic.
    pub(crate) fn from_packed(
        text: String,
        ends: Vec<(u32, u32)>,
        raw: Vec<(u32, Vec<u8>)>,
    ) -> Self {
        let mut start = 0usize;
        let sound = ends.iter().all(|&(name_end, value_end)| {
            let (n, v) = (name_end as usize, value_end as usize);
            let ok = start <= n
                && n <= v
                && v <= text.len()
                && text.is_char_boundary(n)
                && text.is_char_boundary(v);
            start = v;
            ok
        });
        if sound {
            return Row { text, ends, raw };
        }
        let mut row = Row::default();
        let mut start = 0usize;
        for &(name_end, value_end) in &ends {
            let piece = |from: usize, to: u32| text.get(from..to as usize).unwrap_or("");
            row.push(piece(start, name_end), piece(name_end as usize, value_end));
            start = value_end as usize;
        }
        row.raw = raw;
        row
    }

    /// Keep only the attributes for which `keep` is true, in their order.
    pub fn retain(&mut self, mut keep: impl FnMut(&Attribute<'_>) -> bool) {
        let mut kept = Row::default();
        for attribute in self.attributes().filter(|a| keep(a)) {
            if let Some(bytes) = attribute.raw {
                kept.raw.push((offset(kept.ends.len()), bytes.to_vec()));
            }
            kept.push(attribute.name, attribute.value);
        }
        *self = kept;
    }

    /// Attribute `index`, if there is one.
    pub fn attribute(&self, index: usize) -> Option<Attribute<'_>> {
        let &(name_end, value_end) = self.ends.get(index)?;
        let start = match index {
            0 => 0,
            _ => self.ends[index - 1].1 as usize,
        };
        let raw = match self.raw.is_empty() {
            true => None,
            false => self
                .raw
                .iter()
                .find(|(i, _)| *i as usize == index)
                .map(|(_, bytes)| bytes.as_slice()),
        };
        Some(Attribute {
            name: self.text.get(start..name_end as usize).unwrap_or(""),
            value: self
                .text
                .get(name_end as usize..value_end as usize)
                .unwrap_or(""),
            raw,
        })
    }

    /// The attributes in the router's order.
    pub fn attributes(&self) -> impl ExactSizeIterator<Item = Attribute<'_>> + '_ {
        (0..self.ends.len()).map(move |i| {
            self.attribute(i).unwrap_or(Attribute {
                name: "",
                value: "",
                raw: None,
            })
        })
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// The row has no attributes.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Index of the first attribute called `name`.
    pub fn position(&self, name: &str) -> Option<usize> {
        let mut start = 0usize;
        for (i, &(name_end, value_end)) in self.ends.iter().enumerate() {
            if self.text.get(start..name_end as usize) == Some(name) {
                return Some(i);
            }
            start = value_end as usize;
        }
        None
    }

    /// The value of attribute `name`, if present.
    pub fn get(&self, name: &str) -> Option<&str> {
        let mut start = 0usize;
        for &(name_end, value_end) in &self.ends {
            if self.text.get(start..name_end as usize) == Some(name) {
                return self.text.get(name_end as usize..value_end as usize);
            }
            start = value_end as usize;
        }
        None
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
}

/// An offset into a row's text (rows are far smaller than 4 GiB).
fn offset(len: usize) -> u32 {
    u32::try_from(len).unwrap_or(u32::MAX)
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
    /// The deadline expired before the command could be sent, or (from the SDK's helpers,
    /// see [`crate::answer::call`]) before the router sent anything.
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

    /// Run it on `router`. A reply the deadline cut before anything arrived is a
    /// [`CallError::Timeout`] (see [`crate::answer::call`]).
    pub fn send(&self, router: &dyn RouterApi) -> Result<Reply, CallError> {
        let args: Vec<(&str, &str)> = self
            .args
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let queries: Vec<&str> = self.queries.iter().map(String::as_str).collect();
        crate::answer::call(router, &self.command, &args, &queries, self.options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_rows_read_like_pairs() {
        let mut row = Row::from_pairs([("name", "ether1"), ("comment", "a=b"), ("empty", "")]);
        row.push("name", "second");
        assert_eq!(row.len(), 4);
        assert_eq!(
            row.get("name"),
            Some("ether1"),
            "the first of a repeated name"
        );
        assert_eq!(row.get("comment"), Some("a=b"));
        assert_eq!(row.get("empty"), Some(""));
        assert_eq!(row.get("missing"), None);
        assert_eq!(row.position("empty"), Some(2));
        let pairs: Vec<(&str, &str)> = row.attributes().map(|a| (a.name, a.value)).collect();
        assert_eq!(
            pairs,
            [
                ("name", "ether1"),
                ("comment", "a=b"),
                ("empty", ""),
                ("name", "second")
            ]
        );
        assert_eq!(row.attribute(4), None);
        assert!(Row::default().is_empty());
    }

    #[test]
    fn retain_keeps_order_and_the_raw_bytes_of_what_it_keeps() {
        let mut row = Row::from_packed(
            "namexcommentK\u{fc}che".into(),
            vec![(4, 5), (12, 18)],
            vec![(1, vec![b'K', 0xFC, b'c', b'h', b'e'])],
        );
        assert_eq!(row.attribute(1).unwrap().raw, Some(&b"K\xfcche"[..]));
        row.retain(|a| a.name == "comment");
        assert_eq!(row.len(), 1);
        let kept = row.attribute(0).unwrap();
        assert_eq!((kept.name, kept.value), ("comment", "K\u{fc}che"));
        assert_eq!(kept.raw, Some(&b"K\xfcche"[..]));
    }

    #[test]
    fn unsound_offsets_give_empty_pieces_not_a_panic() {
        // Past the end, backwards, and inside a multi-byte character.
        for ends in [vec![(4, 99)], vec![(4, 5), (2, 1)], vec![(1, 2)]] {
            let row = Row::from_packed("\u{e9}ame".into(), ends.clone(), vec![]);
            assert_eq!(row.len(), ends.len());
            for attribute in row.attributes() {
                assert!(attribute.name.len() <= 5 && attribute.value.len() <= 5);
            }
        }
    }
}
