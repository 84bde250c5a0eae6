//! Glue between the WIT bindings and the plain SDK types: the import-backed [`WitRouter`] and
//! the `describe`/`call` adapters [`crate::export_plugin!`] expands to.

use crate::Plugin;
use crate::bindings::exports::mikrotik::plugin::tools as wit_tools;
use crate::bindings::mikrotik::plugin::routeros as wit;
use crate::manifest::{Effect, Manifest, Output, Tool};
use crate::router::{Attribute, CallError, CallOptions, Cut, Reply, RouterApi, Row, Trap};

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
        let args: Vec<(String, String)> = args
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let queries: Vec<String> = queries.iter().map(|q| q.to_string()).collect();
        let options = wit::CallOptions {
            timeout_ms: options.timeout_ms,
            max_rows: options.max_rows,
            progress_total: options.progress_total,
        };
        wit::routeros_call(command, &args, &queries, options)
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

fn row_from_wit(row: wit::Row) -> Row {
    Row(row
        .into_iter()
        .map(|a| Attribute {
            name: a.name,
            value: a.value,
            raw: a.raw,
        })
        .collect())
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
        input_schema: tool.input_schema.to_string(),
        output_schema: tool.output_schema.map(|s| s.to_string()),
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
    let output = run::<P>(tool, arguments, &WitRouter)?;
    Ok(wit_tools::Output {
        text: output.text,
        structured: output.structured.map(|s| s.to_string()),
    })
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
