//! Plugin `dns`: `mikrotik_get_dns` shows the DNS resolver settings (servers, cache, remote
//! requests) and the static DNS entries, optionally only those whose name contains a text.
//!
//! It shows only what the router sent: a setting missing from the reply is `unknown`, never a
//! default, and a router that did not answer is an error.

use mikrotik_plugin_sdk::fields::{flag, number, row_json, text};
use mikrotik_plugin_sdk::values::parse_bool;
use mikrotik_plugin_sdk::{
    CallError, Field, Incomplete, Listing, Manifest, Output, Plugin, RouterApi, Row, Table, Tool,
    Value, args, export_plugin, json, list, print, schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct Dns;

const TOOL: &str = "mikrotik_get_dns";
const SETTINGS_MENU: &str = "/ip/dns";
const STATIC_MENU: &str = "/ip/dns/static";
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;
/// With a name filter the plugin matches names itself, over at most this many entries.
const SCAN_CAP: u32 = 5000;

const SETTINGS: [Field; 7] = [
    text("servers"),
    text("dynamic-servers"),
    text("use-doh-server"),
    flag("allow-remote-requests"),
    number("cache-size"),
    number("cache-used"),
    text("cache-max-ttl"),
];
const STATIC: [Field; 14] = [
    text("name"),
    text("regexp"),
    text("type"),
    text("address"),
    text("cname"),
    text("forward-to"),
    text("mx-exchange"),
    text("ns"),
    text("srv-target"),
    text("text"),
    text("ttl"),
    flag("disabled"),
    text("comment"),
    text(".id"),
];
/// Where an entry's answer lives, by record type; the first present one is shown.
const VALUE_FIELDS: [&str; 7] = [
    "address",
    "cname",
    "forward-to",
    "mx-exchange",
    "ns",
    "srv-target",
    "text",
];

impl Plugin for Dns {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({
                "name": schema::string("Only static entries whose name contains this text"),
                "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT)
            }),
            &[],
        );
        let output = json!({
            "type": "object",
            "properties": { "settings": { "type": "object" }, "static": schema::listing_output() },
            "required": ["settings", "static"]
        });
        let tool = Tool::reads(
            TOOL,
            "Show DNS settings (servers, dynamic servers, DoH, remote requests, cache) and static \
             DNS entries: name, type, value, TTL, disabled, comment, .id.",
            input,
        )
        .title("DNS")
        .output_schema(output);
        Manifest::new(
            "dns",
            "0.1.0",
            &["/ip/dns/print", "/ip/dns/static/print"],
            vec![tool],
        )
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("dns has no tool named {tool}"));
        }
        let settings = print(router, SETTINGS_MENU, &SETTINGS, &[], None)
            .map_err(|e| format!("reading /ip/dns failed: {e}"))?
            .rows
            .into_iter()
            .next()
            .ok_or("reading /ip/dns failed: the router sent no settings row")?;
        let limit = args::limit(&args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        let listing = match args::string(&args, "name") {
            None => list(router, STATIC_MENU, &STATIC, &[], limit),
            Some(wanted) => search(router, wanted, limit),
        };
        let listing = listing.map_err(|e| format!("listing /ip/dns/static failed: {e}"))?;
        Ok(render(&settings, &listing))
    }
}

export_plugin!(Dns);

/// Static entries whose name (or regexp) contains `wanted`, ignoring case, at most `limit`.
/// A scan stopped by [`SCAN_CAP`] or the deadline is incomplete, with no total.
fn search(router: &dyn RouterApi, wanted: &str, limit: u32) -> Result<Listing, CallError> {
    let reply = print(router, STATIC_MENU, &STATIC, &[], Some(SCAN_CAP))?;
    let incomplete = Incomplete::of(&reply);
    let wanted = wanted.to_lowercase();
    let mut rows: Vec<Row> = reply
        .rows
        .into_iter()
        .filter(|row| {
            ["name", "regexp"]
                .iter()
                .any(|f| row.text(f).to_lowercase().contains(&wanted))
        })
        .collect();
    let total = rows.len() as u64;
    rows.truncate(limit as usize);
    Ok(Listing {
        rows,
        total: incomplete.is_none().then_some(total),
        incomplete,
    })
}

/// `servers: 1.1.1.1; dynamic servers: -; …` on one line. An empty value is `-`; a setting
/// the router did not send is `unknown`.
fn settings_line(row: &Row) -> String {
    let shown = |name: &str| match row.get(name) {
        None => "unknown",
        Some("") => "-",
        Some(value) => value,
    };
    let remote = match row.get("allow-remote-requests").and_then(parse_bool) {
        Some(true) => "allowed",
        Some(false) => "refused",
        None => "unknown",
    };
    format!(
        "DNS servers: {}; dynamic servers: {}; DoH server: {}; remote requests: {remote}; \
         cache: {} of {} KiB used, max TTL {}",
        shown("servers"),
        shown("dynamic-servers"),
        shown("use-doh-server"),
        // RouterOS 7 says `2048KiB`, RouterOS 6 a bare number of KiB.
        shown("cache-used").trim_end_matches("KiB"),
        shown("cache-size").trim_end_matches("KiB"),
        shown("cache-max-ttl"),
    )
}

/// The name column: the name, or `/regexp/` for regexp entries.
fn entry_name(row: &Row) -> String {
    match (row.get("name"), row.get("regexp")) {
        (Some(name), _) if !name.is_empty() => name.to_string(),
        (_, Some(re)) if !re.is_empty() => format!("/{re}/"),
        _ => String::new(),
    }
}

/// The answer an entry gives, whatever its type.
fn entry_value(row: &Row) -> &str {
    VALUE_FIELDS
        .iter()
        .filter_map(|f| row.get(f))
        .find(|v| !v.is_empty())
        .unwrap_or("")
}

fn render(settings: &Row, listing: &Listing) -> Output {
    let mut text = settings_line(settings);
    text.push('\n');
    text.push_str(&listing.summary("static entries"));
    if !listing.rows.is_empty() {
        let mut table = Table::new(&["name", "type", "value", "ttl", "disabled", "comment", ".id"]);
        for row in &listing.rows {
            table.push(vec![
                entry_name(row),
                row.text("type").to_string(),
                entry_value(row).to_string(),
                row.text("ttl").to_string(),
                row.text("disabled").to_string(),
                row.text("comment").to_string(),
                row.text(".id").to_string(),
            ]);
        }
        text.push('\n');
        text.push_str(&table.render());
    }
    let structured = json!({
        "settings": row_json(settings, &SETTINGS),
        "static": listing.json(&STATIC),
    });
    Output::with_json(text, structured)
}
