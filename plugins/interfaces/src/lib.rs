//! Plugin `interfaces`: `mikrotik_get_interfaces` lists interfaces with their type, state,
//! MTU and MAC address, filtered on the router by type and running state.

use mikrotik_plugin_sdk::fields::{flag, number, text};
use mikrotik_plugin_sdk::{
    Field, Manifest, Output, Plugin, RouterApi, Tool, Value, args, export_plugin, json, list,
    schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct Interfaces;

const TOOL: &str = "mikrotik_get_interfaces";
const MENU: &str = "/interface";
const FIELDS: [Field; 8] = [
    text("name"),
    text("type"),
    flag("running"),
    flag("disabled"),
    number("mtu"),
    text("mac-address"),
    text("comment"),
    text(".id"),
];
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

impl Plugin for Interfaces {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({
                "type": schema::string("Only this interface type, e.g. ether, bridge, vlan, wifi"),
                "running_only": schema::boolean("Only running interfaces", false),
                "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT)
            }),
            &[],
        );
        let tool = Tool::reads(
            TOOL,
            "List the router's interfaces: name, type, running, disabled, MTU, MAC address, comment, .id.",
            input,
        )
        .title("Interfaces")
        .output_schema(schema::listing_output());
        Manifest::new("interfaces", "0.1.0", &["/interface/print"], vec![tool])
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("interfaces has no tool named {tool}"));
        }
        let mut queries = Vec::new();
        if let Some(kind) = args::string(&args, "type") {
            queries.push(format!("type={kind}"));
        }
        if args::flag(&args, "running_only", false) {
            queries.push("running=true".to_string());
        }
        let queries: Vec<&str> = queries.iter().map(String::as_str).collect();
        let limit = args::limit(&args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        let listing = list(router, MENU, &FIELDS, &queries, limit)
            .map_err(|e| format!("listing interfaces failed: {e}"))?;
        Ok(listing.to_output("interfaces", &FIELDS))
    }
}

export_plugin!(Interfaces);
