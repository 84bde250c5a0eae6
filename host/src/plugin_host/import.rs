//! The `routeros-call` import: checks the call against the plugin's permissions and the
//! operator's rules, bounds it by what is left of the tool call's deadline and by the row cap,
//! runs it on the router (or, in a dry run, records a write instead: see
//! [`crate::plugin_host::policy::dry_run`]) and maps the result onto the contract's types, with secret values
//! redacted (see [`crate::plugin_host::policy::secrets`]) before they enter the sandbox.

use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::plugin_host::lifecycle::bindings::host_routeros::{
    CallError as WitCallError, CallOptions, Cut as WitCut, Host, RawValue, Reply, Trap,
};
use crate::plugin_host::lifecycle::state::{CallState, Caller};
use crate::plugin_host::policy::access::{CallerPolicy, Refusal, is_read, is_read_call};
use crate::plugin_host::policy::dry_run::DryRun;
use crate::plugin_host::policy::secrets::{self, REDACTED};
use crate::routeros::{CallError, Cut, Limits, Request, Response, Row, RowObserver};

impl Host for CallState {
    async fn routeros_call(
        &mut self,
        command: String,
        args: Vec<(String, String)>,
        queries: Vec<String>,
        options: CallOptions,
    ) -> Result<Reply, WitCallError> {
        let request = build_request(
            &self.caller,
            self.deadline,
            self.progress.clone(),
            command,
            args,
            queries,
            options,
        )?;
        let command = request.command.clone();
        if let Some(dry_run) = &self.dry_run
            && !is_read_call(&command, request.args.iter().map(|(n, _)| n.as_str()))
        {
            return record(dry_run, request);
        }
        let redact = !self.caller.show_secrets;
        match self.caller.router.call(request).await {
            Ok(response) => Ok(reply_of(response, redact)),
            Err(error) => Err(call_error_of(error, &command)),
        }
    }
}

/// Record a write of a dry run instead of sending it, and answer as the router would: an
/// `add` gets its placeholder id as `ret`.
fn record(dry_run: &DryRun, request: Request) -> Result<Reply, WitCallError> {
    let args = request
        .args
        .into_iter()
        .map(|(name, value)| (name, String::from_utf8_lossy(&value).into_owned()))
        .collect();
    let placeholder = dry_run
        .record(&request.command, args)
        .map_err(WitCallError::Denied)?;
    let mut done = Row::new();
    if let Some(id) = placeholder {
        done = Row::from_pairs(&[(&b"ret"[..], id.as_bytes())]);
    }
    Ok(reply_of(
        Response {
            done,
            ..Response::default()
        },
        false,
    ))
}

/// Check and translate one call into a router [`Request`].
pub(crate) fn build_request(
    caller: &Caller,
    deadline: Instant,
    progress: Option<crate::plugin_host::types::ProgressFn>,
    command: String,
    args: Vec<(String, String)>,
    queries: Vec<String>,
    options: CallOptions,
) -> Result<Request, WitCallError> {
    let policy = CallerPolicy {
        plugin: &caller.plugin,
        permissions: &caller.permissions,
        read_only: caller.read_only,
    };
    policy
        .check(&command, args.iter().map(|(name, _)| name.as_str()))
        .map_err(|refusal| match refusal {
            Refusal::BadRequest(m) => WitCallError::BadRequest(m),
            Refusal::Denied(m) => WitCallError::Denied(m),
        })?;
    if !is_read(&command) {
        let values = args.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        if let Some(refusal) = secrets::marker_refusal(&caller.plugin, &command, values) {
            return Err(WitCallError::Denied(refusal));
        }
    }
    if caller.describing {
        return Err(WitCallError::Denied(format!(
            "plugin {:?} may not call {command} from describe: the manifest must not depend on the router",
            caller.plugin
        )));
    }
    let remaining = deadline.saturating_duration_since(Instant::now());
    if remaining.is_zero() {
        return Err(WitCallError::Timeout(format!(
            "the tool call's deadline expired before {command} could be sent to router {}",
            caller.router.target()
        )));
    }
    // Leave the plugin a moment after the router's answer (or its cut) to build its output,
    // so a streaming command cut at the deadline still yields a partial result.
    let usable = remaining.saturating_sub((remaining / 10).min(Duration::from_millis(250)));
    let time_budget = options
        .timeout_ms
        .map(|ms| Duration::from_millis(ms.into()).min(usable))
        .unwrap_or(usable);
    let max_rows = options
        .max_rows
        .map(|n| (n as usize).min(caller.max_rows))
        .unwrap_or(caller.max_rows);
    let on_row = match (options.progress_total, progress) {
        (Some(total), Some(progress)) => {
            let command = command.clone();
            Some(RowObserver(std::sync::Arc::new(
                move |n: usize, _row: &Row| {
                    let n = u32::try_from(n).unwrap_or(u32::MAX);
                    progress(
                        n,
                        Some(total),
                        format!("{n} of {total} rows from {command}"),
                    );
                },
            )))
        }
        _ => None,
    };
    Ok(Request {
        command,
        args: args
            .into_iter()
            .map(|(name, value)| (name, Bytes::from(value.into_bytes())))
            .collect(),
        queries,
        limits: Limits {
            deadline: time_budget,
            max_rows,
        },
        on_row,
    })
}

/// A router [`Response`] as the contract's `reply`: every attribute of every row, then those
/// of `!done`, packed into one string with their end offsets (see the WIT for the layout).
/// With `redact`, the value of every secret attribute is replaced by the redaction marker.
pub(crate) fn reply_of(response: Response, redact: bool) -> Reply {
    let wire: usize = response.rows.iter().map(Row::wire_len).sum();
    let mut packed = Packed {
        bytes: Vec::with_capacity(wire + response.done.wire_len()),
        ends: Vec::with_capacity(wire / 8),
        raw: Vec::new(),
        redact,
    };
    let mut row_ends = Vec::with_capacity(response.rows.len());
    for row in &response.rows {
        packed.push_row(row);
        row_ends.push((packed.ends.len() / 2) as u32);
    }
    packed.push_row(&response.done);
    // Every piece was checked to be UTF-8 as it was added.
    let text = String::from_utf8(packed.bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Reply {
        text,
        ends: packed.ends,
        row_ends,
        raw: packed.raw,
        cut: response.cut.map(|cut| match cut {
            Cut::Deadline => WitCut::Deadline,
            Cut::RowCap => WitCut::RowCap,
        }),
        empty: response.empty,
    }
}

/// A reply being packed.
struct Packed {
    bytes: Vec<u8>,
    ends: Vec<u32>,
    raw: Vec<RawValue>,
    /// Replace secret values by the redaction marker.
    redact: bool,
}

impl Packed {
    fn push_row(&mut self, row: &Row) {
        // Nearly every row is UTF-8 throughout: copy its bytes and check them once.
        let (start, attributes) = (self.bytes.len(), self.ends.len());
        for attr in row.iter() {
            self.bytes.extend_from_slice(attr.name);
            self.ends.push(self.bytes.len() as u32);
            self.bytes
                .extend_from_slice(self.shown(attr.name, attr.value));
            self.ends.push(self.bytes.len() as u32);
        }
        if std::str::from_utf8(&self.bytes[start..]).is_err() {
            self.bytes.truncate(start);
            self.ends.truncate(attributes);
            self.push_mixed_row(row);
        }
    }

    /// [`Packed::push_row`] for a row with bytes that are not UTF-8: such values are read as
    /// text (see [`crate::routeros::text`]) and also passed as their original bytes.
    fn push_mixed_row(&mut self, row: &Row) {
        for attr in row.iter() {
            self.bytes.extend_from_slice(attr.name().as_bytes());
            self.ends.push(self.bytes.len() as u32);
            let value = self.shown(attr.name, attr.value);
            if std::str::from_utf8(value).is_ok() {
                self.bytes.extend_from_slice(value);
            } else {
                self.bytes.extend_from_slice(attr.value().as_bytes());
                self.raw.push(RawValue {
                    attribute: (self.ends.len() / 2) as u32,
                    bytes: attr.value.to_vec(),
                });
            }
            self.ends.push(self.bytes.len() as u32);
        }
    }
}

impl Packed {
    /// What the plugin sees of the value of attribute `name`: the marker for a non-empty
    /// secret when redacting, else the value itself.
    fn shown<'v>(&self, name: &[u8], value: &'v [u8]) -> &'v [u8] {
        let secret = self.redact
            && !value.is_empty()
            && std::str::from_utf8(name).is_ok_and(secrets::is_secret);
        if secret { REDACTED.as_bytes() } else { value }
    }
}

/// A router [`CallError`] as the contract's `call-error`.
pub(crate) fn call_error_of(error: CallError, command: &str) -> WitCallError {
    match error {
        CallError::Trap {
            category, message, ..
        } => WitCallError::Trap(Trap { category, message }),
        CallError::BadRequest(_) => WitCallError::BadRequest(format!("{error} ({command})")),
        CallError::Timeout { .. } => WitCallError::Timeout(error.to_string()),
        CallError::Fatal { .. }
        | CallError::Connection { .. }
        | CallError::Login { .. }
        | CallError::Tls { .. } => WitCallError::Connection(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(name, value)` pairs of one row.
    type Pairs<'a> = Vec<(&'a str, &'a str)>;

    /// Unpack a contract reply the way the WIT documents it: rows, then the done attributes.
    fn unpack(reply: &Reply) -> (Vec<Pairs<'_>>, Pairs<'_>) {
        let attribute = |a: usize| {
            let start = if a == 0 {
                0
            } else {
                reply.ends[2 * a - 1] as usize
            };
            let (n, v) = (reply.ends[2 * a] as usize, reply.ends[2 * a + 1] as usize);
            (&reply.text[start..n], &reply.text[n..v])
        };
        let mut rows = Vec::new();
        let mut from = 0;
        for &end in &reply.row_ends {
            rows.push((from..end as usize).map(attribute).collect());
            from = end as usize;
        }
        let done = (from..reply.ends.len() / 2).map(attribute).collect();
        (rows, done)
    }

    fn response(rows: Vec<Row>, done: Row) -> Response {
        Response {
            rows,
            done,
            ..Response::default()
        }
    }

    #[test]
    fn replies_are_packed_as_the_contract_documents() {
        let rows = vec![
            Row::from_pairs(&[(&b"name"[..], &b"ether1"[..]), (b"mtu", b"1500")]),
            Row::from_pairs(&[(&b"name"[..], &b"ether2"[..])]),
        ];
        let done = Row::from_pairs(&[(&b"ret"[..], &b"*5"[..])]);
        let packed = reply_of(response(rows, done), true);
        // The example of the WIT, to the letter.
        assert_eq!(packed.text, "nameether1mtu1500nameether2ret*5");
        assert_eq!(packed.ends, vec![4, 10, 13, 17, 21, 27, 30, 32]);
        assert_eq!(packed.row_ends, vec![2, 3]);
        let (rows, done) = unpack(&packed);
        assert_eq!(
            rows,
            vec![
                vec![("name", "ether1"), ("mtu", "1500")],
                vec![("name", "ether2")]
            ]
        );
        assert_eq!(done, vec![("ret", "*5")]);
        assert!(packed.raw.is_empty());
    }

    #[test]
    fn empty_rows_values_and_replies_pack_too() {
        let rows = vec![
            Row::new(),
            Row::from_pairs(&[
                (&b".id"[..], &b"*1A"[..]),
                (b"comment", b"a=b=c"),
                (b"empty", b""),
                (b"name", "caf\u{e9}".as_bytes()),
            ]),
        ];
        let packed = reply_of(response(rows, Row::new()), true);
        let (rows, done) = unpack(&packed);
        assert_eq!(rows[0], vec![]);
        assert_eq!(
            rows[1],
            vec![
                (".id", "*1A"),
                ("comment", "a=b=c"),
                ("empty", ""),
                ("name", "caf\u{e9}")
            ]
        );
        assert!(done.is_empty());
        let nothing = reply_of(Response::default(), true);
        assert_eq!((nothing.text.as_str(), nothing.ends.len()), ("", 0));
        assert!(nothing.row_ends.is_empty());
    }

    #[test]
    fn values_that_are_not_utf8_come_with_their_bytes() {
        let rows = vec![
            Row::from_pairs(&[(&b"name"[..], &b"a"[..])]),
            Row::from_pairs(&[(&b"name"[..], &b"x"[..]), (b"comment", b"K\xfcche")]),
        ];
        let packed = reply_of(response(rows, Row::new()), true);
        let (rows, _) = unpack(&packed);
        assert_eq!(rows[0], vec![("name", "a")]);
        assert_eq!(rows[1], vec![("name", "x"), ("comment", "K\u{fc}che")]);
        assert_eq!(packed.raw.len(), 1);
        assert_eq!(packed.raw[0].attribute, 2, "counted across the whole reply");
        assert_eq!(packed.raw[0].bytes, b"K\xfcche".to_vec());
    }

    #[test]
    fn secret_values_are_redacted_unless_the_operator_opted_in() {
        let rows = vec![Row::from_pairs(&[
            (&b"name"[..], &b"home"[..]),
            (b"passphrase", b"hunter22"),
            (b"password", b""),
            (b"comment", b"K\xfcche"),
        ])];
        let redacted = reply_of(response(rows.clone(), Row::new()), true);
        let (seen, _) = unpack(&redacted);
        assert_eq!(
            seen[0],
            vec![
                ("name", "home"),
                ("passphrase", REDACTED),
                ("password", ""),
                ("comment", "K\u{fc}che")
            ]
        );
        assert!(!redacted.text.contains("hunter22"));
        let shown = reply_of(response(rows, Row::new()), false);
        assert_eq!(unpack(&shown).0[0][1], ("passphrase", "hunter22"));
    }
}
