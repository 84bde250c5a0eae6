//! Plugin `logs`: `mikrotik_get_logs` shows the newest entries of the router's log, optionally
//! only those with given topics or containing a text, oldest first (newest last).
//!
//! RouterOS API queries can only compare whole values, and `topics` is a comma list such as
//! `system,error,critical`, so both filters run in the plugin over the fetched log. A router
//! that sent nothing before the deadline is an error; a log cut short says so (the newest
//! entries are the ones missing).

use mikrotik_plugin_sdk::fields::text;
use mikrotik_plugin_sdk::{
    Cut, Field, Incomplete, Listing, Manifest, Output, Plugin, RouterApi, Row, Table, Tool, Value,
    args, export_plugin, json, print, schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct Logs;

const TOOL: &str = "mikrotik_get_logs";
const MENU: &str = "/log";
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
        let reply = print(router, MENU, &FIELDS, &[], Some(FETCH_CAP))
            .map_err(|e| format!("reading the log failed: {e}"))?;
        let incomplete = Incomplete::of(&reply);
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
        let total = matching.len();
        let newest = matching[total.saturating_sub(limit)..]
            .iter()
            .map(|row| (*row).clone())
            .collect();
        let listing = Listing {
            rows: newest,
            total: incomplete.is_none().then_some(total as u64),
            incomplete,
        };
        Ok(render(&listing, total))
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

/// Summary, table and JSON; `matching` counts the entries read that pass the filters.
fn render(listing: &Listing, matching: usize) -> Output {
    let shown = listing.rows.len();
    let mut text = if let Some(incomplete) = listing.incomplete {
        let unread = match incomplete.cut {
            Cut::RowCap => format!("the log is longer than {FETCH_CAP} lines"),
            Cut::Deadline => "the router stopped sending it".to_string(),
        };
        format!(
            "log entries: newest {shown} of {matching} read, oldest first; {} — newer entries \
             were not read: {unread}",
            incomplete.note()
        )
    } else if matching == 0 {
        "log entries: none".to_string()
    } else if shown < matching {
        format!("log entries: newest {shown} of {matching}, oldest first")
    } else {
        format!("log entries: {shown}, oldest first")
    };
    if !listing.rows.is_empty() {
        let mut table = Table::new(&["time", "topics", "message"]);
        for row in &listing.rows {
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
    let mut structured = listing.json(&FIELDS);
    structured["order"] = json!("oldest first");
    Output::with_json(text, structured)
}
