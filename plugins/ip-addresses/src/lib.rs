//! Plugin `ip-addresses`: `mikrotik_get_ip_addresses` lists the router's IPv4 and/or IPv6
//! addresses, filtered on the router by interface.

use mikrotik_plugin_sdk::fields::{flag, text};
use mikrotik_plugin_sdk::{
    Field, Manifest, Output, Plugin, RouterApi, Tool, Value, args, export_plugin, json, list,
    missing_menu_or_error, schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct IpAddresses;

const TOOL: &str = "mikrotik_get_ip_addresses";
const DEFAULT_LIMIT: u32 = 200;
const MAX_LIMIT: u32 = 2000;

/// One address family: its menu, the fields shown and the noun of its summary line.
struct Family {
    key: &'static str,
    menu: &'static str,
    fields: &'static [Field],
    noun: &'static str,
    missing: &'static str,
}

const IPV4: Family = Family {
    key: "ipv4",
    menu: "/ip/address",
    fields: &[
        text("address"),
        text("network"),
        text("interface"),
        flag("dynamic"),
        flag("invalid"),
        flag("disabled"),
        text("comment"),
        text(".id"),
    ],
    noun: "IPv4 addresses",
    missing: "no IP package",
};

const IPV6: Family = Family {
    key: "ipv6",
    menu: "/ipv6/address",
    fields: &[
        text("address"),
        text("interface"),
        flag("advertise"),
        flag("link-local"),
        flag("dynamic"),
        flag("invalid"),
        flag("disabled"),
        text("comment"),
        text(".id"),
    ],
    noun: "IPv6 addresses",
    missing: "ipv6 package not installed or disabled",
};

impl Plugin for IpAddresses {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({
                "family": schema::one_of(&["ipv4", "ipv6", "both"], "both"),
                "interface": schema::string("Only addresses on this interface"),
                "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT)
            }),
            &[],
        );
        let listing = json!({ "type": "object" });
        let output = json!({
            "type": "object",
            "properties": { "ipv4": listing, "ipv6": listing }
        });
        let tool = Tool::reads(
            TOOL,
            "List IPv4 and/or IPv6 addresses: address, network, interface, flags, comment, .id \
             (limit applies per family).",
            input,
        )
        .title("IP addresses")
        .output_schema(output);
        Manifest::new(
            "ip-addresses",
            "0.1.0",
            &["/ip/address/print", "/ipv6/address/print"],
            vec![tool],
        )
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("ip-addresses has no tool named {tool}"));
        }
        let families: &[Family] = match args::string(&args, "family").unwrap_or("both") {
            "ipv4" => &[IPV4],
            "ipv6" => &[IPV6],
            "both" => &[IPV4, IPV6],
            other => return Err(format!("unknown family `{other}`; use ipv4, ipv6 or both")),
        };
        let query = args::string(&args, "interface").map(|i| format!("interface={i}"));
        let queries: Vec<&str> = query.iter().map(String::as_str).collect();
        let limit = args::limit(&args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        let mut sections = Vec::new();
        for family in families {
            let output = match list(router, family.menu, family.fields, &queries, limit) {
                Ok(listing) => listing.to_output(family.noun, family.fields),
                Err(e) => missing_menu_or_error(e, family.menu, family.missing)
                    .map_err(|e| format!("listing {} failed: {e}", family.menu))?,
            };
            sections.push((family.key, output));
        }
        Ok(Output::combine(sections))
    }
}

export_plugin!(IpAddresses);
