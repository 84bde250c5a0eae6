//! Glue between the WIT bindings and the plain SDK types: the import-backed [`WitRouter`] and
//! the `describe`/`call` adapters [`crate::export_plugin!`] expands to.

use crate::Plugin;
use crate::bindings::exports::mikrotik::plugin::tools as wit_tools;
use crate::bindings::mikrotik::plugin::routeros as wit;
use crate::manifest::{Effect, Manifest, Output, Tool};
use crate::router::{CallError, CallOptions, Cut, Reply, RouterApi, Row, Trap};

/// The router the host is connected to, reached through the `routeros-call` import.
///
/// Outside a wasm32 component (native tests) there is no host: every call fails with a
/// [`CallError::Connection`] saying so; use [`crate::FakeRouter`] there.
pub struct WitRouter;

impl RouterApi for WitRouter {
    #[cfg(target_arch = "wasm32")]
    fn call(
        &self,
        command: &str,
        args: &[(&str, &str)],
        queries: &[&str],
        options: CallOptions,
    ) -> Result<Reply, CallError> {
        let options = wit::CallOptions {
            timeout_ms: options.timeout_ms,
            max_rows: options.max_rows,
            progress_total: options.progress_total,
        };
        wit::routeros_call(command, args, queries, options)
            .map(reply_from_wit)
            .map_err(error_from_wit)
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn call(
        &self,
        command: &str,
        _args: &[(&str, &str)],
        _queries: &[&str],
        _options: CallOptions,
    ) -> Result<Reply, CallError> {
        Err(CallError::Connection(format!(
            "cannot run {command}: the routeros-call import exists only inside the mcp-mikrotik host \
             (use FakeRouter in native tests)"
        )))
    }
}

/// The rows of a packed contract reply (see the WIT's `reply`). Offsets that do not fit the
/// text give empty pieces, not a panic.
pub fn reply_from_wit(reply: wit::Reply) -> Reply {
    let wit::Reply {
        text,
        ends,
        row_ends,
        raw,
        cut,
        empty,
    } = reply;
    let attributes = ends.len() / 2;
    // Attribute ranges of the rows, then of `!done`.
    let mut bounds = Vec::with_capacity(row_ends.len() + 1);
    let mut from = 0usize;
    for &end in &row_ends {
        let end = (end as usize).clamp(from, attributes);
        bounds.push((from, end));
        from = end;
    }
    bounds.push((from, attributes));
    let mut raws: Vec<Vec<(u32, Vec<u8>)>> = vec![Vec::new(); bounds.len()];
    for value in raw {
        let a = value.attribute as usize;
        let r = bounds.partition_point(|&(_, to)| to <= a);
        if let Some(&(from, to)) = bounds.get(r)
            && (from..to).contains(&a)
        {
            raws[r].push(((a - from) as u32, value.bytes));
        }
    }
    let mut rows: Vec<Row> = bounds
        .iter()
        .zip(raws)
        .map(|(&(from, to), raw)| row_of(&text, &ends, from, to, raw))
        .collect();
    let done = rows.pop().unwrap_or_default();
    Reply {
        rows,
        done,
        cut: cut.map(|cut| match cut {
            wit::Cut::Deadline => Cut::Deadline,
            wit::Cut::RowCap => Cut::RowCap,
        }),
        empty,
    }
}

/// Attributes `from..to` of a packed reply as one [`Row`], its offsets made relative to it.
fn row_of(text: &str, ends: &[u32], from: usize, to: usize, raw: Vec<(u32, Vec<u8>)>) -> Row {
    let end_of = |a: usize| match a {
        0 => 0,
        _ => ends[2 * a - 1],
    };
    let (start, stop) = (end_of(from), end_of(to));
    let piece = text.get(start as usize..stop as usize).unwrap_or("");
    let relative = (from..to)
        .map(|a| {
            (
                ends[2 * a].saturating_sub(start),
                ends[2 * a + 1].saturating_sub(start),
            )
        })
        .collect();
    Row::from_packed(piece.to_string(), relative, raw)
}

pub fn error_from_wit(error: wit::CallError) -> CallError {
    match error {
        wit::CallError::Trap(t) => CallError::Trap(Trap {
            category: t.category,
            message: t.message,
        }),
        wit::CallError::Denied(m) => CallError::Denied(m),
        wit::CallError::Connection(m) => CallError::Connection(m),
        wit::CallError::Timeout(m) => CallError::Timeout(m),
        wit::CallError::BadRequest(m) => CallError::BadRequest(m),
    }
}

fn tool_to_wit(tool: Tool) -> wit_tools::Tool {
    wit_tools::Tool {
        name: tool.name,
        title: tool.title,
        description: tool.description,
        input_schema: compact_json(&tool.input_schema),
        output_schema: tool.output_schema.as_ref().map(compact_json),
        effect: match tool.effect {
            Effect::Reads => wit_tools::Effect::Reads,
            Effect::Writes => wit_tools::Effect::Writes,
            Effect::Any => wit_tools::Effect::Any,
        },
        destructive: tool.destructive,
        idempotent: tool.idempotent,
        open_world: tool.open_world,
    }
}

/// Convert a [`Manifest`] into its WIT form.
pub fn manifest_to_wit(manifest: Manifest) -> wit_tools::Manifest {
    wit_tools::Manifest {
        name: manifest.name,
        version: manifest.version,
        permissions: manifest.permissions,
        tools: manifest.tools.into_iter().map(tool_to_wit).collect(),
    }
}

/// The export `describe`, for plugin `P`.
pub fn describe<P: Plugin>() -> wit_tools::Manifest {
    manifest_to_wit(P::manifest())
}

/// The export `call`, for plugin `P`: parses the arguments and runs it against [`WitRouter`].
pub fn call<P: Plugin>(tool: &str, arguments: &str) -> Result<wit_tools::Output, String> {
    run::<P>(tool, arguments, &WitRouter).map(output_to_wit)
}

/// Convert an [`Output`] into its WIT form (structured JSON as text).
pub fn output_to_wit(output: Output) -> wit_tools::Output {
    let (text, structured) = output.into_parts();
    wit_tools::Output { text, structured }
}

/// Compact JSON text of `value`, written straight into a buffer (`Value`'s `Display` goes
/// through formatter adapters and is several times slower).
fn compact_json(value: &serde_json::Value) -> String {
    // Cannot fail: a `Value`'s map keys are strings and its numbers are finite.
    serde_json::to_string(value).unwrap_or_default()
}

/// Parse `arguments` (JSON text; empty means `{}`) and run `tool` of plugin `P` on `router`.
pub fn run<P: Plugin>(
    tool: &str,
    arguments: &str,
    router: &dyn RouterApi,
) -> Result<Output, String> {
    let args = if arguments.trim().is_empty() {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_str(arguments)
            .map_err(|e| format!("arguments of {tool} are not valid JSON: {e}"))?
    };
    P::call(tool, args, router)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replies_and_errors_convert_field_by_field() {
        // Rows `name=wan comment=café` (not UTF-8 on the wire) and `name=lan`, done `ret=*5`.
        let reply = wit::Reply {
            text: "namewancommentcaf\u{e9}namelanret*5".into(),
            ends: vec![4, 7, 14, 19, 23, 26, 29, 31],
            row_ends: vec![2, 3],
            raw: vec![wit::RawValue {
                attribute: 1,
                bytes: vec![0x63, 0x61, 0x66, 0xE9],
            }],
            cut: Some(wit::Cut::RowCap),
            empty: false,
        };
        let reply = reply_from_wit(reply);
        assert_eq!(reply.rows.len(), 2);
        assert_eq!(reply.rows[0].get("name"), Some("wan"));
        assert_eq!(reply.rows[0].get("comment"), Some("caf\u{e9}"));
        assert_eq!(reply.rows[0].attribute(0).unwrap().raw, None);
        assert_eq!(
            reply.rows[0].attribute(1).unwrap().raw,
            Some(&[0x63, 0x61, 0x66, 0xE9][..])
        );
        assert_eq!(reply.rows[1].len(), 1);
        assert_eq!(reply.rows[1].get("name"), Some("lan"));
        assert_eq!(reply.rows[1].attribute(0).unwrap().raw, None);
        assert_eq!(reply.ret(), Some("*5"));
        assert_eq!(reply.done.len(), 1);
        assert_eq!(reply.cut, Some(Cut::RowCap));
        let trap = wit::Trap {
            category: Some(0),
            message: "no such command".into(),
        };
        assert!(error_from_wit(wit::CallError::Trap(trap)).is_missing_menu());
        assert_eq!(
            error_from_wit(wit::CallError::Timeout("t".into())),
            CallError::Timeout("t".into())
        );
    }

    #[test]
    fn a_reply_without_rows_or_done_is_empty() {
        let reply = reply_from_wit(wit::Reply {
            text: String::new(),
            ends: vec![],
            row_ends: vec![],
            raw: vec![],
            cut: None,
            empty: true,
        });
        assert!(reply.rows.is_empty() && reply.done.is_empty() && reply.empty);
        let rows_without_attributes = reply_from_wit(wit::Reply {
            text: String::new(),
            ends: vec![],
            row_ends: vec![0, 0],
            raw: vec![],
            cut: None,
            empty: false,
        });
        assert_eq!(rows_without_attributes.rows.len(), 2);
        assert!(rows_without_attributes.rows[1].is_empty());
    }

    #[test]
    fn offsets_outside_the_text_give_empty_strings_instead_of_a_panic() {
        let cases = [
            // Past the end, backwards, odd count, row ends past the attributes.
            (vec![4, 99, 2, 1], vec![1, 9]),
            (vec![4, 5, 3], vec![5]),
            (vec![1, 2, 0, 0, 7, 3], vec![2, 1]),
        ];
        for (ends, row_ends) in cases {
            let reply = reply_from_wit(wit::Reply {
                text: "namex".into(),
                ends: ends.clone(),
                row_ends,
                raw: vec![wit::RawValue {
                    attribute: 7,
                    bytes: vec![1],
                }],
                cut: None,
                empty: false,
            });
            let attributes: usize =
                reply.rows.iter().map(Row::len).sum::<usize>() + reply.done.len();
            assert_eq!(attributes, ends.len() / 2, "{ends:?}");
            for row in reply.rows.iter().chain([&reply.done]) {
                for attribute in row.attributes() {
                    assert!(attribute.name.len() <= 5 && attribute.value.len() <= 5);
                    assert_eq!(attribute.raw, None);
                }
            }
        }
    }

    #[test]
    fn manifest_converts_schemas_to_json_text() {
        let tool = Tool::reads("mikrotik_x", "X.", json!({"type": "object"}))
            .output_schema(json!({"type": "object"}))
            .effect(Effect::Writes, true, false);
        let wit = manifest_to_wit(Manifest::new("x", "0.1.0", &["/x/print"], vec![tool]));
        assert_eq!(wit.permissions, vec!["/x/print".to_string()]);
        let tool = &wit.tools[0];
        assert_eq!(tool.input_schema, r#"{"type":"object"}"#);
        assert_eq!(tool.output_schema.as_deref(), Some(r#"{"type":"object"}"#));
        assert!(matches!(tool.effect, wit_tools::Effect::Writes));
        assert!(tool.destructive && !tool.idempotent);
    }

    #[test]
    fn native_import_fails_cleanly_instead_of_panicking() {
        let err = WitRouter
            .call("/interface/print", &[], &[], CallOptions::default())
            .unwrap_err();
        assert!(matches!(err, CallError::Connection(m) if m.contains("FakeRouter")));
    }
}
