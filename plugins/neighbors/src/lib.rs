//! Plugin `neighbors`: `mikrotik_get_neighbors` lists devices found by MNDP/CDP/LLDP
//! (`/ip/neighbor`), capped with a `limit`.

use mikrotik_plugin_sdk::fields::text;
use mikrotik_plugin_sdk::{
    Field, Manifest, Output, Plugin, RouterApi, Tool, Value, args, export_plugin, json, list,
    missing_menu_or_error, schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct Neighbors;

const TOOL: &str = "mikrotik_get_neighbors";
const MENU: &str = "/ip/neighbor";
const FIELDS: [Field; 8] = [
    text("identity"),
    text("address"),
    text("mac-address"),
    text("interface"),
    text("platform"),
    text("version"),
    text("board"),
    text("discovered-by"),
];
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

impl Plugin for Neighbors {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({ "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT) }),
            &[],
        );
        let tool = Tool::reads(
            TOOL,
            "List neighbor devices seen via MNDP/CDP/LLDP: identity, address, MAC, interface, \
             platform, version, board, protocol.",
            input,
        )
        .title("Neighbors")
        .output_schema(schema::listing_output());
        Manifest::new("neighbors", "0.1.0", &["/ip/neighbor/print"], vec![tool])
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("neighbors has no tool named {tool}"));
        }
        let limit = args::limit(&args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        match list(router, MENU, &FIELDS, &[], limit) {
            Ok(listing) => Ok(listing.to_output("neighbors", &FIELDS)),
            Err(e) => missing_menu_or_error(e, MENU, "neighbor discovery not available")
                .map_err(|e| format!("listing neighbors failed: {e}")),
        }
    }
}

export_plugin!(Neighbors);
