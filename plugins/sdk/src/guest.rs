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

/// A contract row as the SDK's [`Row`]: the packed text and offsets are kept as they are.
fn row_from_wit(row: wit::Row) -> Row {
    let ends = row
        .ends
        .into_iter()
        .map(|e| (e.name_end, e.value_end))
        .collect();
    let raw = row.raw.into_iter().map(|r| (r.index, r.bytes)).collect();
    Row::from_packed(row.text, ends, raw)
}

/// Convert an import reply into the SDK's [`Reply`].
pub fn reply_from_wit(reply: wit::Reply) -> Reply {
    Reply {
        rows: reply.rows.into_iter().map(row_from_wit).collect(),
        done: row_from_wit(reply.done),
        cut: reply.cut.map(|cut| match cut {
            wit::Cut::Deadline => Cut::Deadline,
            wit::Cut::RowCap => Cut::RowCap,
        }),
        empty: reply.empty,
    }
}

/// Convert an import error into the SDK's [`CallError`].
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
        let reply = wit::Reply {
            rows: vec![wit::Row {
                text: "namewancommentcaf\u{e9}".into(),
                ends: vec![
                    wit::AttributeEnds {
                        name_end: 4,
                        value_end: 7,
                    },
                    wit::AttributeEnds {
                        name_end: 14,
                        value_end: 19,
                    },
                ],
                raw: vec![wit::RawValue {
                    index: 1,
                    bytes: vec![0x63, 0x61, 0x66, 0xE9],
                }],
            }],
            done: wit::Row {
                text: "ret*5".into(),
                ends: vec![wit::AttributeEnds {
                    name_end: 3,
                    value_end: 5,
                }],
                raw: vec![],
            },
            cut: Some(wit::Cut::RowCap),
            empty: false,
        };
        let reply = reply_from_wit(reply);
        assert_eq!(reply.rows[0].get("name"), Some("wan"));
        assert_eq!(reply.rows[0].get("comment"), Some("caf\u{e9}"));
        assert_eq!(reply.rows[0].attribute(0).unwrap().raw, None);
        assert_eq!(
            reply.rows[0].attribute(1).unwrap().raw,
            Some(&[0x63, 0x61, 0x66, 0xE9][..])
        );
        assert_eq!(reply.ret(), Some("*5"));
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
    fn offsets_outside_the_text_give_empty_strings_instead_of_a_panic() {
        let row = wit::Row {
            text: "namex".into(),
            ends: vec![
                wit::AttributeEnds {
                    name_end: 4,
                    value_end: 99,
                },
                wit::AttributeEnds {
                    name_end: 2,
                    value_end: 1,
                },
            ],
            raw: vec![wit::RawValue {
                index: 7,
                bytes: vec![1],
            }],
        };
        let row = row_from_wit(row);
        assert_eq!(row.attributes().len(), 2);
        assert_eq!(row.get("name"), Some(""));
        assert_eq!(row.attribute(1).map(|a| (a.name, a.value)), Some(("", "")));
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
