//! `mikrotik_get_firewall_rules`: the rules of one firewall table in evaluation order, each
//! as `.id`, chain, action (with its parameters), the matchers that are set, flags, counters.

use mikrotik_plugin_sdk::fields::{flag, number, text};
use mikrotik_plugin_sdk::{
    Cells, Field, Listing, Output, RouterApi, Row, Table, Tool, Value, args, json, json_text, list,
    missing_menu_or_error, schema,
};

pub const TOOL: &str = "mikrotik_get_firewall_rules";
const TABLES: [&str; 4] = ["filter", "nat", "mangle", "raw"];
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

/// What a rule matches on; shown as `name=value` when set.
const MATCHERS: [&str; 22] = [
    "src-address",
    "dst-address",
    "src-address-list",
    "dst-address-list",
    "src-address-type",
    "dst-address-type",
    "protocol",
    "src-port",
    "dst-port",
    "port",
    "in-interface",
    "out-interface",
    "in-interface-list",
    "out-interface-list",
    "in-bridge-port",
    "connection-state",
    "connection-nat-state",
    "connection-mark",
    "packet-mark",
    "routing-mark",
    "icmp-options",
    "tcp-flags",
];

/// What the action does beyond its name; shown after it as `name=value` when set.
const ACTION_PARAMS: [&str; 11] = [
    "jump-target",
    "to-addresses",
    "to-ports",
    "new-connection-mark",
    "new-packet-mark",
    "new-routing-mark",
    "passthrough",
    "address-list",
    "address-list-timeout",
    "reject-with",
    "log-prefix",
];

/// Everything else the tool shows.
const BASE: [Field; 9] = [
    text(".id"),
    text("chain"),
    text("action"),
    flag("disabled"),
    flag("invalid"),
    flag("dynamic"),
    flag("log"),
    number("bytes"),
    number("packets"),
];

/// All fields asked for, in display order.
fn fields() -> Vec<Field> {
    let extra = MATCHERS
        .iter()
        .chain(&ACTION_PARAMS)
        .map(|&name| text(name));
    BASE.iter()
        .copied()
        .chain(extra)
        .chain([text("comment")])
        .collect()
}

pub fn tool() -> Tool {
    let input = schema::object(
        json!({
            "table": schema::one_of(&TABLES, "filter"),
            "chain": schema::string("Only this chain, e.g. input, forward, srcnat"),
            "include_disabled": schema::boolean("Include disabled rules", true),
            "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT)
        }),
        &[],
    );
    let mut output = schema::listing_output();
    output["properties"]["table"] = json!({"type": "string"});
    Tool::reads(
        TOOL,
        "List one firewall table's rules in evaluation order: .id, chain, action, matchers set, \
         flags (X disabled, I invalid, D dynamic, L log), bytes, packets, comment.",
        input,
    )
    .title("Firewall rules")
    .output_schema(output)
}

pub fn call(args: &Value, router: &dyn RouterApi) -> Result<Output, String> {
    let table = args::string(args, "table").unwrap_or("filter");
    if !TABLES.contains(&table) {
        return Err(format!(
            "unknown firewall table `{table}`; use one of filter, nat, mangle, raw"
        ));
    }
    let menu = format!("/ip/firewall/{table}");
    let mut queries = Vec::new();
    if let Some(chain) = args::string(args, "chain") {
        queries.push(format!("chain={chain}"));
    }
    if !args::flag(args, "include_disabled", true) {
        queries.push("disabled=false".to_string());
    }
    let queries: Vec<&str> = queries.iter().map(String::as_str).collect();
    let limit = args::limit(args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
    let fields = fields();
    match list(router, &menu, &fields, &queries, limit) {
        Ok(listing) => Ok(render(table, &listing, &fields)),
        Err(e) => missing_menu_or_error(e, &menu, "not available on this RouterOS version")
            .map(|mut out| {
                if let Some(s) = out.json_mut() {
                    s["table"] = json!(table);
                }
                out
            })
            .map_err(|e| format!("listing {menu} rules failed: {e}")),
    }
}

/// `name=value` for each of `names` set in `row`, space separated.
fn set_pairs(row: &Row, names: &[&str]) -> String {
    names
        .iter()
        .filter_map(|name| {
            row.get(name)
                .filter(|v| !v.is_empty())
                .map(|v| format!("{name}={v}"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// RouterOS-style flag letters: X disabled, I invalid, D dynamic, L log.
fn flag_letters(row: &Row) -> String {
    [
        ("disabled", 'X'),
        ("invalid", 'I'),
        ("dynamic", 'D'),
        ("log", 'L'),
    ]
    .iter()
    .filter(|(name, _)| row.flag(name))
    .map(|(_, letter)| *letter)
    .collect()
}

fn render(table: &str, listing: &Listing, fields: &[Field]) -> Output {
    let mut text = listing.summary(&format!("{table} rules (evaluation order)"));
    if !listing.rows.is_empty() {
        let mut out = Table::new(&[
            ".id", "chain", "action", "matchers", "flags", "bytes", "packets", "comment",
        ]);
        for row in &listing.rows {
            let params = set_pairs(row, &ACTION_PARAMS);
            let action = [row.text("action"), params.as_str()].join(" ");
            out.push(vec![
                row.text(".id").to_string(),
                row.text("chain").to_string(),
                action.trim().to_string(),
                set_pairs(row, &MATCHERS),
                flag_letters(row),
                row.text("bytes").to_string(),
                row.text("packets").to_string(),
                row.text("comment").to_string(),
            ]);
        }
        text.push('\n');
        text.push_str(&out.render());
    }
    // The listing's JSON plus `table`, written directly.
    let mut json = String::from("{\"rows\":");
    json_text::push_rows(&mut json, &Cells::new(fields, &listing.rows));
    json.push(',');
    listing.push_status(&mut json);
    json.push_str(",\"table\":");
    json_text::push_str(&mut json, table);
    json.push('}');
    Output::with_json_text(text, json)
}
