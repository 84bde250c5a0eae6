//! `mikrotik_get_address_lists`: entries of `/ip/firewall/address-list`, optionally of one list.

use mikrotik_plugin_sdk::fields::{flag, text};
use mikrotik_plugin_sdk::{Field, Output, RouterApi, Tool, Value, args, json, list, schema};

pub const TOOL: &str = "mikrotik_get_address_lists";
const MENU: &str = "/ip/firewall/address-list";
const FIELDS: [Field; 7] = [
    text("list"),
    text("address"),
    flag("dynamic"),
    flag("disabled"),
    text("timeout"),
    text("comment"),
    text(".id"),
];
const DEFAULT_LIMIT: u32 = 200;
const MAX_LIMIT: u32 = 2000;

pub fn tool() -> Tool {
    let input = schema::object(
        json!({
            "list": schema::string("Only entries of this address list"),
            "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT)
        }),
        &[],
    );
    Tool::reads(
        TOOL,
        "List firewall address-list entries: list, address, dynamic, disabled, timeout, comment, .id.",
        input,
    )
    .title("Firewall address lists")
    .output_schema(schema::listing_output())
}

pub fn call(args: &Value, router: &dyn RouterApi) -> Result<Output, String> {
    let query = args::string(args, "list").map(|name| format!("list={name}"));
    let queries: Vec<&str> = query.iter().map(String::as_str).collect();
    let limit = args::limit(args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
    let listing = list(router, MENU, &FIELDS, &queries, limit)
        .map_err(|e| format!("listing firewall address lists failed: {e}"))?;
    Ok(listing.to_output("address-list entries", &FIELDS))
}
