//! Plugin `run-command`: the generic `mikrotik_run_command` tool, which runs any RouterOS API
//! command and returns its rows, or the `ret` of `!done` (e.g. the new `.id` of an `add`).

use mikrotik_plugin_sdk::table::pairs_line;
use mikrotik_plugin_sdk::{
    Effect, Manifest, Output, Plugin, Reply, Request, RouterApi, Tool, Value, args, export_plugin,
    fields::row_json_all, json, schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct RunCommand;

const TOOL: &str = "mikrotik_run_command";

impl Plugin for RunCommand {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({
                "command": schema::string("API path, e.g. /ip/address/print or /ip/address/add"),
                "args": {"type": "object", "additionalProperties": {"type": "string"},
                         "description": "Arguments sent as =name=value"},
                "queries": {"type": "array", "items": {"type": "string"},
                            "description": "print queries, e.g. [\"type=ether\"]"}
            }),
            &["command"],
        );
        let output = json!({
            "type": "object",
            "properties": {
                "command": {"type": "string"},
                "rows": {"type": "array", "items": {"type": "object"}},
                "done": {"type": "object"},
                "complete": {"type": "boolean"}
            },
            "required": ["command", "rows", "complete"]
        });
        let tool = Tool::reads(
            TOOL,
            "Run any RouterOS API command (API path syntax) with optional arguments and print \
             queries; returns the rows, or the new .id of an add.",
            input,
        )
        .title("Run RouterOS command")
        .output_schema(output)
        .effect(Effect::Any, true, false);
        Manifest::new("run-command", "0.1.0", &["/**"], vec![tool])
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("run-command has no tool named {tool}"));
        }
        let command = args::string(&args, "command")
            .ok_or("`command` is required, e.g. /ip/address/print")?;
        if command.contains('=') {
            return Err(format!(
                "`command` is only the API path (e.g. /ip/address/add); put arguments in `args`, \
                 e.g. {{\"address\": \"10.0.0.1/24\"}}, not in `{command}`"
            ));
        }
        let command = normalize(command);
        let mut request = Request::new(&command);
        for (name, value) in args::string_map(&args, "args")? {
            request = request.arg(name, value);
        }
        for query in args::string_list(&args, "queries")? {
            request = request.query(query.strip_prefix('?').unwrap_or(&query));
        }
        let reply = request
            .send(router)
            .map_err(|e| format!("{command} failed: {e}"))?;
        Ok(render(&command, &reply))
    }
}

export_plugin!(RunCommand);

/// Accept `ip/address/print` and `/ip address print` as `/ip/address/print`.
fn normalize(command: &str) -> String {
    let path = command.split_whitespace().collect::<Vec<_>>().join("/");
    if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    }
}

fn render(command: &str, reply: &Reply) -> Output {
    let complete = reply.cut.is_none();
    let mut lines = Vec::new();
    let mut head = match reply.rows.len() {
        0 => format!("{command}: done, no rows"),
        1 => format!("{command}: 1 row"),
        n => format!("{command}: {n} rows"),
    };
    if let Some(ret) = reply.ret() {
        head.push_str(&format!(", ret={ret}"));
    }
    if let Some(cut) = reply.cut {
        head.push_str(&format!(" (incomplete: {})", cut_reason(cut)));
    }
    lines.push(head);
    lines.extend(reply.rows.iter().map(pairs_line));
    let rows: Vec<Value> = reply.rows.iter().map(row_json_all).collect();
    let mut structured = json!({ "command": command, "rows": rows, "complete": complete });
    if !reply.done.is_empty() {
        structured["done"] = row_json_all(&reply.done);
    }
    Output::with_json(lines.join("\n"), structured)
}

fn cut_reason(cut: mikrotik_plugin_sdk::Cut) -> &'static str {
    match cut {
        mikrotik_plugin_sdk::Cut::Deadline => "stopped at the deadline",
        mikrotik_plugin_sdk::Cut::RowCap => "row cap reached",
    }
}
