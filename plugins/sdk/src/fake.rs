//! [`FakeRouter`]: an in-memory [`RouterApi`] for native plugin tests.
//!
//! Give it rows per `print` command and it answers like RouterOS: it applies the queries
//! (`name=value`, `name`, `-name`, `<name=v`, `>name=v`, `#|&!.`), `.proplist`,
//! `count-only` (`!done =ret=<n>`), `max-rows` (`Cut::RowCap`) and `!empty`. Other commands
//! get canned replies or errors; an unknown command gets RouterOS's category-0 trap. Every
//! call is recorded so tests can assert the command, proplist and queries sent.

use std::cell::RefCell;
use std::collections::HashMap;

use serde_json::Value;

use crate::router::{CallError, CallOptions, Cut, Reply, RouterApi, Row};

/// Rows from a JSON array of objects, e.g. a captured print output. Values become RouterOS
/// wire text: strings as is, booleans `true`/`false`, numbers in decimal; `null` is left out.
pub fn rows_from_json(value: &Value) -> Vec<Row> {
    let Some(items) = value.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .filter_map(Value::as_object)
        .map(|object| {
            Row::from_pairs(object.iter().filter_map(|(name, v)| {
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Null => return None,
                    other => other.to_string(),
                };
                Some((name.clone(), text))
            }))
        })
        .collect()
}

/// One call the plugin made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedCall {
    pub command: String,
    pub args: Vec<(String, String)>,
    pub queries: Vec<String>,
    pub options: CallOptions,
}

impl RecordedCall {
    /// Value of argument `name`.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `.proplist` names, if one was sent.
    pub fn proplist(&self) -> Option<Vec<&str>> {
        self.arg(".proplist").map(|p| p.split(',').collect())
    }

    /// Whether this was a `count-only` print.
    pub fn is_count(&self) -> bool {
        self.arg("count-only").is_some()
    }
}

enum Canned {
    Table(Vec<Row>),
    Reply(Reply),
    Error(CallError),
}

/// An in-memory router for tests.
#[derive(Default)]
pub struct FakeRouter {
    canned: HashMap<String, Canned>,
    calls: RefCell<Vec<RecordedCall>>,
}

impl FakeRouter {
    /// A router that knows no commands.
    pub fn new() -> Self {
        Self::default()
    }

    /// Serve `command` (a `print`, e.g. `/interface/print`) from `rows` with RouterOS semantics.
    pub fn with_rows(mut self, command: &str, rows: Vec<Row>) -> Self {
        self.canned.insert(command.to_string(), Canned::Table(rows));
        self
    }

    /// Answer `command` with `reply` as is.
    pub fn with_reply(mut self, command: &str, reply: Reply) -> Self {
        self.canned
            .insert(command.to_string(), Canned::Reply(reply));
        self
    }

    /// Fail `command` with `error`.
    pub fn with_error(mut self, command: &str, error: CallError) -> Self {
        self.canned
            .insert(command.to_string(), Canned::Error(error));
        self
    }

    /// Every call so far, in order.
    pub fn calls(&self) -> Vec<RecordedCall> {
        self.calls.borrow().clone()
    }

    /// Calls that fetched rows (not `count-only`).
    pub fn fetches(&self) -> Vec<RecordedCall> {
        self.calls().into_iter().filter(|c| !c.is_count()).collect()
    }

    /// Calls that only counted.
    pub fn counts(&self) -> Vec<RecordedCall> {
        self.calls()
            .into_iter()
            .filter(RecordedCall::is_count)
            .collect()
    }

    fn serve_table(rows: &[Row], call: &RecordedCall) -> Result<Reply, CallError> {
        let mut matched = Vec::new();
        for row in rows {
            if matches(row, &call.queries)? {
                matched.push(row.clone());
            }
        }
        if call.is_count() {
            let done = Row::from_pairs([("ret", matched.len().to_string())]);
            return Ok(Reply {
                done,
                ..Default::default()
            });
        }
        let empty = matched.is_empty();
        if let Some(props) = call.proplist() {
            for row in &mut matched {
                row.retain(|a| props.contains(&a.name));
            }
        }
        let mut cut = None;
        if let Some(max) = call.options.max_rows
            && matched.len() > max as usize
        {
            matched.truncate(max as usize);
            cut = Some(Cut::RowCap);
        }
        Ok(Reply {
            rows: matched,
            done: Row::default(),
            cut,
            empty,
        })
    }
}

impl RouterApi for FakeRouter {
    fn call(
        &self,
        command: &str,
        args: &[(&str, &str)],
        queries: &[&str],
        options: CallOptions,
    ) -> Result<Reply, CallError> {
        let call = RecordedCall {
            command: command.to_string(),
            args: args
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            queries: queries.iter().map(|q| q.to_string()).collect(),
            options,
        };
        self.calls.borrow_mut().push(call.clone());
        match self.canned.get(command) {
            Some(Canned::Table(rows)) => Self::serve_table(rows, &call),
            Some(Canned::Reply(reply)) => Ok(reply.clone()),
            Some(Canned::Error(error)) => Err(error.clone()),
            None => {
                let word = command
                    .trim_end_matches('/')
                    .rsplit('/')
                    .nth(1)
                    .unwrap_or(command);
                Err(CallError::trap(
                    0,
                    format!("no such command or directory ({word})"),
                ))
            }
        }
    }
}

/// Evaluate RouterOS query words against `row`: each word pushes a result, `#` words combine
/// them, and the row matches when every value left on the stack is true.
fn matches(row: &Row, queries: &[String]) -> Result<bool, CallError> {
    let mut stack: Vec<bool> = Vec::new();
    for word in queries {
        if let Some(ops) = word.strip_prefix('#') {
            for op in ops.chars() {
                apply_operator(&mut stack, op, word)?;
            }
        } else {
            stack.push(test_word(row, word));
        }
    }
    Ok(stack.iter().all(|v| *v))
}

fn apply_operator(stack: &mut Vec<bool>, op: char, word: &str) -> Result<(), CallError> {
    let bad = || {
        CallError::trap(
            1,
            format!("FakeRouter: cannot apply `{op}` in query `#{word}`"),
        )
    };
    match op {
        '!' => {
            let top = stack.pop().ok_or_else(bad)?;
            stack.push(!top);
        }
        '.' => {
            let top = *stack.last().ok_or_else(bad)?;
            stack.push(top);
        }
        '|' | '&' => {
            let b = stack.pop().ok_or_else(bad)?;
            let a = stack.pop().ok_or_else(bad)?;
            stack.push(if op == '|' { a || b } else { a && b });
        }
        _ => return Err(bad()),
    }
    Ok(())
}

fn test_word(row: &Row, word: &str) -> bool {
    if let Some(name) = word.strip_prefix('-') {
        return row.get(name).is_none();
    }
    let (op, body) = match word.chars().next() {
        Some(c @ ('<' | '>' | '=')) => (c, &word[1..]),
        _ => ('=', word),
    };
    let Some((name, wanted)) = body.split_once('=') else {
        return row.get(body).is_some();
    };
    let Some(value) = row.get(name) else {
        return false;
    };
    match op {
        '<' | '>' => {
            let ordering = match (value.parse::<f64>(), wanted.parse::<f64>()) {
                (Ok(a), Ok(b)) => a.partial_cmp(&b),
                _ => Some(value.cmp(wanted)),
            };
            ordering
                == Some(if op == '<' {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Greater
                })
        }
        _ => value == wanted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn router() -> FakeRouter {
        let rows = vec![
            Row::from_pairs([("name", "ether1"), ("type", "ether"), ("mtu", "1500")]),
            Row::from_pairs([
                ("name", "wlan1"),
                ("type", "wlan"),
                ("mtu", "1500"),
                ("comment", "ap"),
            ]),
            Row::from_pairs([("name", "bridge"), ("type", "bridge"), ("mtu", "9000")]),
        ];
        FakeRouter::new().with_rows("/interface/print", rows)
    }

    fn names(reply: &Reply) -> Vec<&str> {
        reply.rows.iter().map(|r| r.text("name")).collect()
    }

    #[test]
    fn queries_follow_routeros_stack_rules() {
        let r = router();
        let none = CallOptions::default();
        let q = |qs: &[&str]| r.call("/interface/print", &[], qs, none).unwrap();
        assert_eq!(names(&q(&["type=ether"])), ["ether1"]);
        assert_eq!(
            names(&q(&["type=ether", "type=wlan", "#|"])),
            ["ether1", "wlan1"]
        );
        assert_eq!(names(&q(&["comment"])), ["wlan1"]);
        assert_eq!(names(&q(&["-comment", ">mtu=1500"])), ["bridge"]);
        assert_eq!(names(&q(&["type=bridge", "#!"])), ["ether1", "wlan1"]);
        assert!(q(&["type=none"]).empty);
        assert!(r.call("/interface/print", &[], &["#|"], none).is_err());
    }

    #[test]
    fn proplist_count_and_cap() {
        let r = router();
        let reply = r
            .call(
                "/interface/print",
                &[(".proplist", "name")],
                &[],
                CallOptions {
                    max_rows: Some(2),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(
            reply.rows,
            vec![
                Row::from_pairs([("name", "ether1")]),
                Row::from_pairs([("name", "wlan1")])
            ]
        );
        assert_eq!(reply.cut, Some(Cut::RowCap));
        let count = r
            .call(
                "/interface/print",
                &[("count-only", "")],
                &["mtu=1500"],
                CallOptions::default(),
            )
            .unwrap();
        assert_eq!(count.ret(), Some("2"));
        assert_eq!(r.calls().len(), 2);
        assert_eq!(r.fetches()[0].proplist(), Some(vec!["name"]));
        assert_eq!(r.counts()[0].queries, vec!["mtu=1500".to_string()]);
    }

    #[test]
    fn rows_from_json_writes_wire_text() {
        let rows = rows_from_json(
            &serde_json::json!([{"name": "e1", "running": true, "mtu": 1500, "x": null}]),
        );
        assert_eq!(
            rows,
            vec![Row::from_pairs([
                ("mtu", "1500"),
                ("name", "e1"),
                ("running", "true")
            ])]
        );
        assert!(rows_from_json(&serde_json::json!({"a": 1})).is_empty());
    }

    #[test]
    fn unknown_command_is_a_category_0_trap() {
        let err = router()
            .call("/interface/wifi/print", &[], &[], CallOptions::default())
            .unwrap_err();
        assert_eq!(
            err,
            CallError::trap(0, "no such command or directory (wifi)")
        );
        assert!(err.is_missing_menu());
    }
}
