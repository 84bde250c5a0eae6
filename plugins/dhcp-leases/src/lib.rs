//! Plugin `dhcp-leases`: `mikrotik_get_dhcp_leases` lists DHCP server leases, filtered on the
//! router by status and server.

use mikrotik_plugin_sdk::fields::{flag, text};
use mikrotik_plugin_sdk::{
    Field, Manifest, Output, Plugin, RouterApi, Tool, Value, args, export_plugin, json, list,
    missing_menu_or_error, schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct DhcpLeases;

const TOOL: &str = "mikrotik_get_dhcp_leases";
const MENU: &str = "/ip/dhcp-server/lease";
const FIELDS: [Field; 9] = [
    text("address"),
    text("mac-address"),
    text("host-name"),
    text("status"),
    text("server"),
    flag("dynamic"),
    text("expires-after"),
    text("comment"),
    text(".id"),
];
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

impl Plugin for DhcpLeases {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({
                "status": schema::string("Only leases in this status, e.g. bound, waiting, offered"),
                "server": schema::string("Only leases of this DHCP server"),
                "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT)
            }),
            &[],
        );
        let tool = Tool::reads(
            TOOL,
            "List DHCP server leases: address, MAC, host name, status, server, dynamic, expiry, comment, .id.",
            input,
        )
        .title("DHCP leases")
        .output_schema(schema::listing_output());
        Manifest::new(
            "dhcp-leases",
            "0.1.0",
            &["/ip/dhcp-server/lease/print"],
            vec![tool],
        )
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("dhcp-leases has no tool named {tool}"));
        }
        let mut queries = Vec::new();
        if let Some(status) = args::string(&args, "status") {
            queries.push(format!("status={status}"));
        }
        if let Some(server) = args::string(&args, "server") {
            queries.push(format!("server={server}"));
        }
        let queries: Vec<&str> = queries.iter().map(String::as_str).collect();
        let limit = args::limit(&args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        match list(router, MENU, &FIELDS, &queries, limit) {
            Ok(listing) => Ok(listing.to_output("leases", &FIELDS)),
            Err(e) => missing_menu_or_error(e, MENU, "dhcp package not installed")
                .map_err(|e| format!("listing DHCP leases failed: {e}")),
        }
    }
}

export_plugin!(DhcpLeases);
