//! Plugin `run-command`: the generic `mikrotik_run_command` tool, which runs any RouterOS API
//! command and returns its rows, or the `ret` of `!done` (e.g. the new `.id` of an `add`).
//!
//! A table too big for the host's output cap is not refused: the rows that fit are returned,
//! with "showing N of M" (M counted on the router with `count-only`) and how to narrow the
//! command. A router that sent nothing before the deadline is an error.

mod fit;

use mikrotik_plugin_sdk::{
    Cut, Effect, Incomplete, Manifest, Output, Plugin, Reply, Request, RouterApi, Tool, Value,
    args, count, export_plugin, fields::row_json_all, json, json_text, schema, serde_json,
};

use fit::Rendered;

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
                "complete": {"type": "boolean"},
                "shown": {"type": "integer"},
                "received": {"type": "integer"},
                "total": {"type": "integer"}
            },
            "required": ["command", "rows", "complete", "shown", "received"]
        });
        let tool = Tool::reads(
            TOOL,
            "Run any RouterOS API command (API path syntax) with optional arguments and print \
             queries; returns the rows (as many as fit in the output, with how many there are), \
             or the new .id of an add.",
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
        let done_size = serde_json::to_string(&row_json_all(&reply.done)).map_or(0, |j| j.len());
        let rendered = fit::leading_rows(&reply.rows, 2 * done_size);
        let total = match_count(router, &request, &reply, rendered.len());
        Ok(render(&command, &reply, &rendered, total))
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

/// How many items a `print` matches, counted on the router with the same queries, when not
/// every row is shown (left out for the output cap, or cut at the row cap). `None` for other
/// commands, after a deadline (the router is slow) or when counting fails.
fn match_count(
    router: &dyn RouterApi,
    request: &Request,
    reply: &Reply,
    shown: usize,
) -> Option<u64> {
    let menu = request.command.strip_suffix("/print")?;
    let partial = shown < reply.rows.len() || reply.cut == Some(Cut::RowCap);
    if !partial || reply.cut == Some(Cut::Deadline) {
        return None;
    }
    let queries: Vec<&str> = request.queries.iter().map(String::as_str).collect();
    count(router, menu, &queries).ok()
}

/// The summary line, one `name=value` line per row shown; structured as
/// `{command, complete, done?, rows, shown, received, total?}` written as JSON text.
fn render(command: &str, reply: &Reply, rendered: &Rendered, total: Option<u64>) -> Output {
    let (shown, received) = (rendered.len(), reply.rows.len());
    let total = total.map(|t| t.max(received as u64));
    let mut head = match (shown, total) {
        (shown, Some(total)) if (shown as u64) < total => {
            format!("{command}: showing {shown} of {total} rows")
        }
        (shown, _) if shown < received => {
            format!("{command}: showing {shown} of the {received} rows received")
        }
        (0, _) => format!("{command}: done, no rows"),
        (1, _) => format!("{command}: 1 row"),
        (n, _) => format!("{command}: {n} rows"),
    };
    if let Some(ret) = reply.ret() {
        head.push_str(&format!(", ret={ret}"));
    }
    if let Some(incomplete) = Incomplete::of(reply) {
        head.push_str(&format!("; {}", incomplete.note()));
    }
    if shown < received {
        head.push_str(&format!(
            "; the other rows would pass the {} output cap. Narrow the command with queries \
             (e.g. \"queries\": [\"dst-address=10.0.0.0/8\"]) or ask for fewer fields \
             (e.g. \"args\": {{\".proplist\": \".id,dst-address,gateway\"}})",
            fit::HOST_OUTPUT_CAP_TEXT
        ));
    }
    let mut text = head;
    for line in &rendered.lines {
        text.push('\n');
        text.push_str(line);
    }
    let mut json = String::from("{\"command\":");
    json_text::push_str(&mut json, command);
    json.push_str(",\"complete\":");
    json.push_str(if reply.cut.is_none() { "true" } else { "false" });
    if !reply.done.is_empty() {
        json.push_str(",\"done\":");
        json.push_str(&serde_json::to_string(&row_json_all(&reply.done)).unwrap_or_default());
    }
    json.push_str(",\"rows\":[");
    json.push_str(&rendered.json.join(","));
    json.push_str("],\"shown\":");
    json.push_str(&shown.to_string());
    json.push_str(",\"received\":");
    json.push_str(&received.to_string());
    if let Some(total) = total {
        json.push_str(",\"total\":");
        json.push_str(&total.to_string());
    }
    json.push('}');
    Output::with_json_text(text, json)
}
