//! Plugin `dns`: `mikrotik_get_dns` shows the DNS resolver settings (servers, cache, remote
//! requests) and the static DNS entries, optionally only those whose name contains a text.

use mikrotik_plugin_sdk::fields::{flag, number, row_json, text};
use mikrotik_plugin_sdk::{
    CallError, Cut, Field, Listing, Manifest, Output, Plugin, RouterApi, Row, Table, Tool, Value,
    args, export_plugin, json, list, print, schema,
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
const STATIC: [Field; 13] = [
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
            "properties": { "settings": { "type": "object" }, "static": { "type": "object" } }
        });
        let tool = Tool::reads(
            TOOL,
            "Show DNS settings (servers, dynamic servers, DoH, remote requests, cache) and static \
             DNS entries: name, type, value, TTL, disabled, comment.",
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
            .unwrap_or_default();
        let limit = args::limit(&args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        let (listing, scan_cut) = match args::string(&args, "name") {
            None => (list(router, STATIC_MENU, &STATIC, &[], limit), false),
            Some(wanted) => match search(router, wanted, limit) {
                Ok((listing, cut)) => (Ok(listing), cut),
                Err(e) => (Err(e), false),
            },
        };
        let listing = listing.map_err(|e| format!("listing /ip/dns/static failed: {e}"))?;
        Ok(render(&settings, &listing, scan_cut))
    }
}

export_plugin!(Dns);

/// Static entries whose name (or regexp) contains `wanted`, ignoring case, at most `limit`;
/// also whether the scan stopped at [`SCAN_CAP`].
fn search(router: &dyn RouterApi, wanted: &str, limit: u32) -> Result<(Listing, bool), CallError> {
    let reply = print(router, STATIC_MENU, &STATIC, &[], Some(SCAN_CAP))?;
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
    let cut = (reply.cut == Some(Cut::Deadline)).then_some(Cut::Deadline);
    let scan_cut = reply.cut == Some(Cut::RowCap);
    Ok((Listing { rows, total, cut }, scan_cut))
}

/// `servers: 1.1.1.1; dynamic servers: -; …` on one line.
fn settings_line(row: &Row) -> String {
    let or_dash = |name: &str| match row.text(name) {
        "" => "-".to_string(),
        value => value.to_string(),
    };
    let remote = if row.flag("allow-remote-requests") {
        "allowed"
    } else {
        "refused"
    };
    format!(
        "DNS servers: {}; dynamic servers: {}; DoH server: {}; remote requests: {remote}; \
         cache: {} of {} KiB used, max TTL {}",
        or_dash("servers"),
        or_dash("dynamic-servers"),
        or_dash("use-doh-server"),
        // RouterOS 7 says `2048KiB`, RouterOS 6 a bare number of KiB.
        or_dash("cache-used").trim_end_matches("KiB"),
        or_dash("cache-size").trim_end_matches("KiB"),
        or_dash("cache-max-ttl"),
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

fn render(settings: &Row, listing: &Listing, scan_cut: bool) -> Output {
    let mut text = settings_line(settings);
    text.push('\n');
    text.push_str(&listing.summary("static entries"));
    if scan_cut {
        text.push_str(&format!(" (searched only the first {SCAN_CAP} entries)"));
    }
    if !listing.rows.is_empty() {
        let mut table = Table::new(&["name", "type", "value", "ttl", "disabled", "comment"]);
        for row in &listing.rows {
            let kind = row.get("type").filter(|t| !t.is_empty()).unwrap_or("A");
            table.push(vec![
                entry_name(row),
                kind.to_string(),
                entry_value(row).to_string(),
                row.text("ttl").to_string(),
                row.text("disabled").to_string(),
                row.text("comment").to_string(),
            ]);
        }
        text.push('\n');
        text.push_str(&table.render());
    }
    let rows: Vec<Value> = listing.rows.iter().map(|r| row_json(r, &STATIC)).collect();
    let structured = json!({
        "settings": row_json(settings, &SETTINGS),
        "static": { "rows": rows, "shown": listing.rows.len(), "total": listing.total },
    });
    Output::with_json(text, structured)
}
