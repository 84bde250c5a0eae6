//! Plugin `system-resources`: `mikrotik_get_system_resources` shows CPU load, memory, disk,
//! uptime, RouterOS version and board in one object. A value the router did not send is
//! `unknown` (and left out of the JSON); a router that did not answer is an error.

use mikrotik_plugin_sdk::fields::{number, text};
use mikrotik_plugin_sdk::values::{format_bytes, parse_int};
use mikrotik_plugin_sdk::{
    Field, Manifest, Output, Plugin, RouterApi, Row, Tool, Value, export_plugin, json, print,
    schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct SystemResources;

const TOOL: &str = "mikrotik_get_system_resources";
const MENU: &str = "/system/resource";
const FIELDS: [Field; 10] = [
    number("cpu-load"),
    number("cpu-count"),
    number("free-memory"),
    number("total-memory"),
    number("free-hdd-space"),
    number("total-hdd-space"),
    text("uptime"),
    text("version"),
    text("board-name"),
    text("architecture-name"),
];

impl Plugin for SystemResources {
    fn manifest() -> Manifest {
        let mut properties = mikrotik_plugin_sdk::fields::row_schema(&FIELDS);
        properties["properties"]["memory-used-percent"] = json!({"type": "number"});
        let tool = Tool::reads(
            TOOL,
            "Show CPU load, memory and disk use, uptime, RouterOS version, board and architecture.",
            schema::object(json!({}), &[]),
        )
        .title("System resources")
        .output_schema(properties);
        Manifest::new(
            "system-resources",
            "0.1.0",
            &["/system/resource/print"],
            vec![tool],
        )
    }

    fn call(tool: &str, _args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("system-resources has no tool named {tool}"));
        }
        let reply = print(router, MENU, &FIELDS, &[], None)
            .map_err(|e| format!("reading /system/resource failed: {e}"))?;
        let row = reply
            .rows
            .first()
            .ok_or("the router returned no /system/resource row")?;
        Ok(render(row))
    }
}

export_plugin!(SystemResources);

fn int(row: &Row, name: &str) -> Option<u64> {
    row.get(name)
        .and_then(parse_int)
        .and_then(|n| u64::try_from(n).ok())
}

/// Used share of a total, in percent with one decimal.
fn used_percent(free: u64, total: u64) -> Option<f64> {
    (total > 0 && free <= total)
        .then(|| ((total - free) as f64 * 1000.0 / total as f64).round() / 10.0)
}

/// `1.2 MiB used of 3.9 GiB (30.8%), 2.7 GiB free`.
fn usage_line(free: Option<u64>, total: Option<u64>) -> String {
    match (free, total) {
        (Some(free), Some(total)) if free <= total => {
            let percent = used_percent(free, total)
                .map(|p| format!(" ({p}%)"))
                .unwrap_or_default();
            format!(
                "{} used of {}{percent}, {} free",
                format_bytes(total - free),
                format_bytes(total),
                format_bytes(free)
            )
        }
        (Some(free), _) => format!("{} free", format_bytes(free)),
        (None, Some(total)) => format!("{} total", format_bytes(total)),
        (None, None) => "unknown".to_string(),
    }
}

/// The value as sent: `-` when empty, `unknown` when the router did not send it.
fn or_dash(value: Option<&str>) -> &str {
    match value {
        None => "unknown",
        Some("") => "-",
        Some(value) => value,
    }
}

fn render(row: &Row) -> Output {
    let mut structured = mikrotik_plugin_sdk::fields::row_json(row, &FIELDS);
    let (free_mem, total_mem) = (int(row, "free-memory"), int(row, "total-memory"));
    let memory_percent = free_mem
        .zip(total_mem)
        .and_then(|(f, t)| used_percent(f, t));
    if let Some(percent) = memory_percent {
        structured["memory-used-percent"] = json!(percent);
    }
    let cpu = match (row.get("cpu-load"), row.get("cpu-count")) {
        (Some(load), Some(count)) => format!("load {load}%, {count} cores"),
        (Some(load), None) => format!("load {load}%"),
        (None, Some(count)) => format!("{count} cores"),
        (None, None) => "unknown".to_string(),
    };
    let lines = [
        format!(
            "board: {} ({})",
            or_dash(row.get("board-name")),
            or_dash(row.get("architecture-name"))
        ),
        format!("version: {}", or_dash(row.get("version"))),
        format!("uptime: {}", or_dash(row.get("uptime"))),
        format!("cpu: {cpu}"),
        format!("memory: {}", usage_line(free_mem, total_mem)),
        format!(
            "hdd: {}",
            usage_line(int(row, "free-hdd-space"), int(row, "total-hdd-space"))
        ),
    ];
    Output::with_json(lines.join("\n"), structured)
}
