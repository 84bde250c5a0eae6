//! Plugin `routes`: `mikrotik_get_routes` lists the IPv4 or IPv6 routing table, filtered on the
//! router, capped with `max-rows` and counted with `count-only` so huge tables stay cheap.

use mikrotik_plugin_sdk::fields::{flag, number, text};
use mikrotik_plugin_sdk::{
    Field, Listing, Manifest, Output, Plugin, RouterApi, Row, Table, Tool, Value, args,
    export_plugin, json, list, schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct Routes;

const TOOL: &str = "mikrotik_get_routes";
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;
const FIELDS: [Field; 12] = [
    text(".id"),
    text("dst-address"),
    text("gateway"),
    text("immediate-gw"),
    number("distance"),
    text("routing-table"),
    flag("active"),
    flag("dynamic"),
    flag("static"),
    flag("connect"),
    flag("disabled"),
    text("comment"),
];
/// RouterOS-style flag letters shown in the text table.
const FLAG_LETTERS: [(&str, char); 5] = [
    ("disabled", 'X'),
    ("active", 'A'),
    ("dynamic", 'D'),
    ("connect", 'C'),
    ("static", 'S'),
];

impl Plugin for Routes {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({
                "family": schema::one_of(&["ipv4", "ipv6"], "ipv4"),
                "dst": schema::string("Only this destination prefix, e.g. 0.0.0.0/0"),
                "active_only": schema::boolean("Only active routes", false),
                "routing_table": schema::string("Only this routing table, e.g. main"),
                "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT)
            }),
            &[],
        );
        let tool = Tool::reads(
            TOOL,
            "List IPv4 or IPv6 routes: dst-address, gateway, immediate-gw, distance, table, flags \
             (X disabled, A active, D dynamic, C connect, S static), comment, .id.",
            input,
        )
        .title("Routes")
        .output_schema(schema::listing_output());
        Manifest::new(
            "routes",
            "0.1.0",
            &["/ip/route/print", "/ipv6/route/print"],
            vec![tool],
        )
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("routes has no tool named {tool}"));
        }
        let menu = match args::string(&args, "family").unwrap_or("ipv4") {
            "ipv4" => "/ip/route",
            "ipv6" => "/ipv6/route",
            other => return Err(format!("unknown family `{other}`; use ipv4 or ipv6")),
        };
        let mut queries = Vec::new();
        if let Some(dst) = args::string(&args, "dst") {
            queries.push(format!("dst-address={dst}"));
        }
        if args::flag(&args, "active_only", false) {
            queries.push("active=true".to_string());
        }
        if let Some(table) = args::string(&args, "routing_table") {
            queries.push(format!("routing-table={table}"));
        }
        let queries: Vec<&str> = queries.iter().map(String::as_str).collect();
        let limit = args::limit(&args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        let listing = list(router, menu, &FIELDS, &queries, limit)
            .map_err(|e| format!("listing {menu} failed: {e}"))?;
        Ok(render(&listing))
    }
}

export_plugin!(Routes);

fn flag_letters(row: &Row) -> String {
    FLAG_LETTERS
        .iter()
        .filter(|(name, _)| row.flag(name))
        .map(|(_, letter)| *letter)
        .collect()
}

fn render(listing: &Listing) -> Output {
    let mut text = listing.summary("routes");
    if !listing.rows.is_empty() {
        let headers = [
            "flags",
            "dst-address",
            "gateway",
            "immediate-gw",
            "distance",
            "routing-table",
            "comment",
            ".id",
        ];
        let mut table = Table::new(&headers);
        for row in &listing.rows {
            let mut cells = vec![flag_letters(row)];
            cells.extend(headers[1..].iter().map(|name| row.text(name).to_string()));
            table.push(cells);
        }
        text.push('\n');
        text.push_str(&table.render());
    }
    Output::with_json_text(text, listing.json_text(&FIELDS))
}
