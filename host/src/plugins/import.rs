//! The `routeros-call` import: checks the call against the plugin's permissions and the
//! operator's rules, bounds it by what is left of the tool call's deadline and by the row cap,
//! runs it on the router and maps the result onto the contract's types.

use std::time::{Duration, Instant};

use bytes::Bytes;

use super::access::{CallerPolicy, Refusal};
use super::bindings::host_routeros::{
    AttributeEnds, CallError as WitCallError, CallOptions, Cut as WitCut, Host, RawValue, Reply,
    Row as WitRow, Trap,
};
use super::state::{CallState, Caller};
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
        match self.caller.router.call(request).await {
            Ok(response) => Ok(reply_of(response)),
            Err(error) => Err(call_error_of(error, &command)),
        }
    }
}

/// Check and translate one call into a router [`Request`].
pub(crate) fn build_request(
    caller: &Caller,
    deadline: Instant,
    progress: Option<super::types::ProgressFn>,
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

/// A row in the contract's packed form: names and values back to back in one string.
fn row_of(row: &Row) -> WitRow {
    // Nearly every row is UTF-8 throughout: copy the bytes and check them once.
    let mut bytes = Vec::with_capacity(row.wire_len());
    let mut ends = Vec::with_capacity(16);
    for attr in row.iter() {
        bytes.extend_from_slice(attr.name);
        let name_end = bytes.len() as u32;
        bytes.extend_from_slice(attr.value);
        ends.push(AttributeEnds {
            name_end,
            value_end: bytes.len() as u32,
        });
    }
    match String::from_utf8(bytes) {
        Ok(text) => WitRow {
            text,
            ends,
            raw: Vec::new(),
        },
        Err(_) => row_of_mixed(row),
    }
}

/// [`row_of`] for a row with bytes that are not UTF-8: such values are read as text (see
/// [`crate::routeros::text`]) and also passed as their original bytes.
fn row_of_mixed(row: &Row) -> WitRow {
    let mut text = String::with_capacity(row.wire_len());
    let mut ends = Vec::new();
    let mut raw = Vec::new();
    for (index, attr) in row.iter().enumerate() {
        text.push_str(&attr.name());
        let name_end = text.len() as u32;
        match std::str::from_utf8(attr.value) {
            Ok(value) => text.push_str(value),
            Err(_) => {
                text.push_str(&attr.value());
                raw.push(RawValue {
                    index: index as u32,
                    bytes: attr.value.to_vec(),
                });
            }
        }
        ends.push(AttributeEnds {
            name_end,
            value_end: text.len() as u32,
        });
    }
    WitRow { text, ends, raw }
}

/// A router [`Response`] as the contract's `reply`.
pub(crate) fn reply_of(response: Response) -> Reply {
    Reply {
        rows: response.rows.iter().map(row_of).collect(),
        done: row_of(&response.done),
        cut: response.cut.map(|cut| match cut {
            Cut::Deadline => WitCut::Deadline,
            Cut::RowCap => WitCut::RowCap,
        }),
        empty: response.empty,
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

    /// Unpack a contract row the way the WIT documents it.
    fn unpack(row: &WitRow) -> Vec<(&str, &str)> {
        let mut start = 0;
        row.ends
            .iter()
            .map(|e| {
                let (n, v) = (e.name_end as usize, e.value_end as usize);
                let pair = (&row.text[start..n], &row.text[n..v]);
                start = v;
                pair
            })
            .collect()
    }

    #[test]
    fn rows_are_packed_as_the_contract_documents() {
        let row = Row::from_pairs(&[
            (&b".id"[..], &b"*1A"[..]),
            (b"comment", b"a=b=c"),
            (b"empty", b""),
            (b"name", "caf\u{e9}".as_bytes()),
        ]);
        let packed = row_of(&row);
        assert_eq!(
            unpack(&packed),
            vec![
                (".id", "*1A"),
                ("comment", "a=b=c"),
                ("empty", ""),
                ("name", "caf\u{e9}")
            ]
        );
        assert!(packed.raw.is_empty());
        assert!(unpack(&row_of(&Row::new())).is_empty());
    }

    #[test]
    fn values_that_are_not_utf8_come_with_their_bytes() {
        let row = Row::from_pairs(&[(&b"name"[..], &b"x"[..]), (b"comment", b"K\xfcche")]);
        let packed = row_of(&row);
        assert_eq!(
            unpack(&packed),
            vec![("name", "x"), ("comment", "K\u{fc}che")]
        );
        assert_eq!(packed.raw.len(), 1);
        assert_eq!(packed.raw[0].index, 1);
        assert_eq!(packed.raw[0].bytes, b"K\xfcche".to_vec());
    }
}
