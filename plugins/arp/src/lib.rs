//! Plugin `arp`: `mikrotik_get_arp` lists the ARP table (IP ↔ MAC per interface), filtered on
//! the router by interface and capped with a `limit`.

use mikrotik_plugin_sdk::fields::{flag, text};
use mikrotik_plugin_sdk::{
    Field, Manifest, Output, Plugin, RouterApi, Row, Tool, Value, args, export_plugin, json, list,
    schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct Arp;

const TOOL: &str = "mikrotik_get_arp";
const MENU: &str = "/ip/arp";
/// `status` exists on RouterOS 7, `complete` on 6; each router answers the one it has.
const FIELDS: [Field; 8] = [
    text("address"),
    text("mac-address"),
    text("interface"),
    text("status"),
    flag("complete"),
    flag("dynamic"),
    flag("invalid"),
    text("comment"),
];
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

impl Plugin for Arp {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({
                "interface": schema::string("Only entries on this interface"),
                "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT)
            }),
            &[],
        );
        let tool = Tool::reads(
            TOOL,
            "List the ARP table: IP, MAC, interface, status/complete, dynamic, invalid, comment.",
            input,
        )
        .title("ARP table")
        .output_schema(schema::listing_output());
        Manifest::new("arp", "0.1.0", &["/ip/arp/print"], vec![tool])
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("arp has no tool named {tool}"));
        }
        let query = args::string(&args, "interface").map(|i| format!("interface={i}"));
        let queries: Vec<&str> = query.iter().map(String::as_str).collect();
        let limit = args::limit(&args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        let listing = list(router, MENU, &FIELDS, &queries, limit)
            .map_err(|e| format!("listing the ARP table failed: {e}"))?;
        Ok(listing.to_output("arp entries", &shown_fields(&listing.rows)))
    }
}

export_plugin!(Arp);

/// The fields worth a column: `status` and `complete` only when some row has them (a router
/// has one or the other), everything else always.
fn shown_fields(rows: &[Row]) -> Vec<Field> {
    FIELDS
        .iter()
        .copied()
        .filter(|f| {
            !matches!(f.name, "status" | "complete") || rows.iter().any(|r| r.get(f.name).is_some())
        })
        .collect()
}
