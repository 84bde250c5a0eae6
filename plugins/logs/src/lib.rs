//! Plugin `logs`: `mikrotik_get_logs` shows the newest entries of the router's log, optionally
//! only those with given topics or containing a text, oldest first (newest last).
//!
//! RouterOS API queries can only compare whole values, and `topics` is a comma list such as
//! `system,error,critical`, so both filters run in the plugin over the fetched log.

use mikrotik_plugin_sdk::fields::{row_json, text};
use mikrotik_plugin_sdk::{
    CallOptions, Cut, Field, Manifest, Output, Plugin, RouterApi, Row, Table, Tool, Value, args,
    export_plugin, json, schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct Logs;

const TOOL: &str = "mikrotik_get_logs";
const COMMAND: &str = "/log/print";
const FIELDS: [Field; 3] = [text("time"), text("topics"), text("message")];
const DEFAULT_LIMIT: u32 = 50;
const MAX_LIMIT: u32 = 1000;
/// Most log lines fetched (RouterOS keeps 1000 in memory by default).
const FETCH_CAP: u32 = 10_000;

impl Plugin for Logs {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({
                "topics": {"type": ["array", "string"], "items": {"type": "string"},
                           "description": "Only entries with any of these topics, e.g. [\"firewall\"] or \"error,critical\""},
                "contains": schema::string("Only entries whose message contains this text (case-insensitive)"),
                "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT)
            }),
            &[],
        );
        let mut output = schema::listing_output();
        output["properties"]["order"] = json!({"type": "string"});
        let tool = Tool::reads(
            TOOL,
            "Show the newest router log entries (time, topics, message), oldest first and newest \
             last, optionally only given topics or messages containing a text.",
            input,
        )
        .title("Router log")
        .output_schema(output);
        Manifest::new("logs", "0.1.0", &[COMMAND], vec![tool])
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("logs has no tool named {tool}"));
        }
        let topics = wanted_topics(&args)?;
        let needle = args::string(&args, "contains").map(str::to_lowercase);
        let limit = args::limit(&args, "limit", DEFAULT_LIMIT, MAX_LIMIT) as usize;
        let proplist = mikrotik_plugin_sdk::fields::proplist(&FIELDS);
        let options = CallOptions {
            max_rows: Some(FETCH_CAP),
            ..Default::default()
        };
        let reply = router
            .call(COMMAND, &[(".proplist", &proplist)], &[], options)
            .map_err(|e| format!("reading the log failed: {e}"))?;
        let matching: Vec<&Row> = reply
            .rows
            .iter()
            .filter(|row| has_any_topic(row, &topics))
            .filter(|row| {
                needle
                    .as_ref()
                    .is_none_or(|n| row.text("message").to_lowercase().contains(n))
            })
            .collect();
        let newest = &matching[matching.len().saturating_sub(limit)..];
        Ok(render(newest, matching.len(), reply.cut))
    }
}

export_plugin!(Logs);

/// The `topics` argument as a list, from an array or a comma-separated string.
fn wanted_topics(args: &Value) -> Result<Vec<String>, String> {
    let raw = match args.get("topics") {
        Some(Value::String(list)) => list.split(',').map(str::to_string).collect(),
        _ => args::string_list(args, "topics")?,
    };
    Ok(raw
        .iter()
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty())
        .collect())
}

/// Whether the entry's comma list of topics holds any of `wanted` (all entries when empty).
fn has_any_topic(row: &Row, wanted: &[String]) -> bool {
    wanted.is_empty()
        || row
            .text("topics")
            .split(',')
            .any(|t| wanted.iter().any(|w| w == t.trim()))
}

fn render(entries: &[&Row], matching: usize, cut: Option<Cut>) -> Output {
    let shown = entries.len();
    let mut text = if matching == 0 {
        "log entries: none".to_string()
    } else if shown < matching {
        format!("log entries: newest {shown} of {matching}, oldest first")
    } else {
        format!("log entries: {shown}, oldest first")
    };
    match cut {
        Some(Cut::RowCap) => text.push_str(&format!(
            " (log longer than {FETCH_CAP} lines: only the oldest were read)"
        )),
        Some(Cut::Deadline) => text.push_str(" (incomplete: the router did not answer in time)"),
        None => {}
    }
    if !entries.is_empty() {
        let mut table = Table::new(&["time", "topics", "message"]);
        for row in entries {
            table.push(
                FIELDS
                    .iter()
                    .map(|f| row.text(f.name).to_string())
                    .collect(),
            );
        }
        text.push('\n');
        text.push_str(&table.render());
    }
    let rows: Vec<Value> = entries.iter().map(|r| row_json(r, &FIELDS)).collect();
    let structured =
        json!({ "rows": rows, "shown": shown, "total": matching, "order": "oldest first" });
    Output::with_json(text, structured)
}
