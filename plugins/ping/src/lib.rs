//! Plugin `ping`: `mikrotik_ping` pings an address from the router with `count` probes and
//! returns each probe plus a loss/RTT summary. Progress is reported per probe, and a reply cut
//! by the deadline reports the probes that were done, marked incomplete; no probe result
//! before the deadline is an error, never "0 sent".

mod summary;
#[cfg(test)]
mod tests;

use std::time::Duration;

use mikrotik_plugin_sdk::values::parse_duration;
use mikrotik_plugin_sdk::{
    CallError, CallOptions, Manifest, Output, Plugin, Reply, RouterApi, Tool, Value, answer, args,
    export_plugin, json, schema,
};

/// The plugin.
pub struct Ping;

const TOOL: &str = "mikrotik_ping";
/// The API path of ping; `/tool/ping` is the same command under its menu, tried when a
/// router has no top-level `/ping`.
const COMMANDS: [&str; 2] = ["/ping", "/tool/ping"];
const DEFAULT_COUNT: u32 = 4;
const MAX_COUNT: u32 = 100;
/// RouterOS's own limits on `interval`.
const MIN_INTERVAL: Duration = Duration::from_millis(10);
const MAX_INTERVAL: Duration = Duration::from_secs(5);
const DEFAULT_INTERVAL: Duration = Duration::from_secs(1);
/// Time allowed after the last probe is sent for its answer (RouterOS waits 1 s).
const LAST_REPLY_WAIT: Duration = Duration::from_millis(1500);

impl Plugin for Ping {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({
                "address": schema::string("IPv4/IPv6 address or host name to ping"),
                "count": { "type": "integer", "minimum": 1, "maximum": MAX_COUNT, "default": DEFAULT_COUNT },
                "size": { "type": "integer", "minimum": 14, "maximum": 65535 },
                "interval": schema::string("Time between probes, 10ms..5s, e.g. 200ms (default 1s)"),
                "src_address": schema::string("Source address"),
                "interface": schema::string("Send through this interface"),
                "routing_table": schema::string("Routing table (VRF) to ping in")
            }),
            &["address"],
        );
        let output = json!({
            "type": "object",
            "properties": {
                "probes": { "type": "array", "items": { "type": "object" } },
                "sent": { "type": "integer" },
                "received": { "type": "integer" },
                "loss_percent": { "type": "number" },
                "min_rtt_ms": { "type": "number" },
                "avg_rtt_ms": { "type": "number" },
                "max_rtt_ms": { "type": "number" },
                "cut_by_deadline": { "type": "boolean" },
                "complete": { "type": "boolean" }
            },
            "required": ["probes", "sent", "received", "complete"]
        });
        let tool = Tool::reads(
            TOOL,
            "Ping an address from the router: per-probe time/TTL/status and a loss and RTT \
             min/avg/max summary. Unanswered probes show as timeout.",
            input,
        )
        .title("Ping")
        .output_schema(output)
        .open_world();
        Manifest::new("ping", "0.1.0", &COMMANDS, vec![tool])
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("ping has no tool named {tool}"));
        }
        let plan = Plan::from_args(&args)?;
        let reply = plan
            .run(router)
            .map_err(|e| format!("ping {} failed: {e}", plan.address))?;
        summary::render(&plan.address, plan.count, &reply)
    }
}

export_plugin!(Ping);

/// A validated ping request.
struct Plan {
    address: String,
    count: u32,
    interval: Duration,
    /// `=name=value` arguments besides `address` and `count`.
    extra: Vec<(&'static str, String)>,
}

impl Plan {
    fn from_args(args: &Value) -> Result<Self, String> {
        let address = args::string(args, "address")
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .ok_or("`address` is required: the IP address or host name to ping")?
            .to_string();
        let count = args::limit(args, "count", DEFAULT_COUNT, MAX_COUNT);
        let mut extra = Vec::new();
        let interval = match args::string(args, "interval") {
            None => DEFAULT_INTERVAL,
            Some(text) => {
                let interval = parse_interval(text)?;
                extra.push(("interval", text.trim().to_string()));
                interval
            }
        };
        if let Some(size) = args.get("size").filter(|v| !v.is_null()) {
            let size = size
                .as_u64()
                .filter(|s| (14..=65535).contains(s))
                .ok_or("`size` must be an integer from 14 to 65535 (bytes)")?;
            extra.push(("size", size.to_string()));
        }
        for (arg, name) in [
            ("src_address", "src-address"),
            ("interface", "interface"),
            ("routing_table", "vrf"),
        ] {
            if let Some(value) = args::string(args, arg) {
                extra.push((name, value.to_string()));
            }
        }
        Ok(Plan {
            address,
            count,
            interval,
            extra,
        })
    }

    /// How long the whole ping may take: every interval plus the wait for the last answer.
    fn budget(&self) -> Duration {
        self.interval
            .saturating_mul(self.count.saturating_sub(1))
            .saturating_add(LAST_REPLY_WAIT)
    }

    /// Send the ping, trying `/tool/ping` when the router has no `/ping`. No answer before
    /// the deadline is an error.
    fn run(&self, router: &dyn RouterApi) -> Result<Reply, CallError> {
        let count = self.count.to_string();
        let mut call_args: Vec<(&str, &str)> = vec![
            ("address", self.address.as_str()),
            ("count", count.as_str()),
        ];
        call_args.extend(self.extra.iter().map(|(n, v)| (*n, v.as_str())));
        let options = CallOptions {
            timeout_ms: Some(u32::try_from(self.budget().as_millis()).unwrap_or(u32::MAX)),
            max_rows: None,
            progress_total: Some(self.count),
        };
        match answer::call(router, COMMANDS[0], &call_args, &[], options) {
            Err(e) if e.is_missing_menu() => {
                answer::call(router, COMMANDS[1], &call_args, &[], options)
            }
            other => other,
        }
    }
}

/// `200ms`, `1s`, or a bare number of seconds, within RouterOS's 10ms..5s.
fn parse_interval(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let parsed = if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
        parse_duration(&format!("{text}s"))
    } else {
        parse_duration(text)
    };
    parsed
        .filter(|d| (MIN_INTERVAL..=MAX_INTERVAL).contains(d))
        .ok_or_else(|| {
            format!("`interval` must be a time from 10ms to 5s, like 200ms or 1s (got `{text}`)")
        })
}
