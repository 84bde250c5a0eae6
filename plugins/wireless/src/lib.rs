//! Plugin `wireless`: `mikrotik_get_wireless_clients` lists connected wireless clients from
//! whichever wireless menu the router has (RouterOS 7 `/interface/wifi`, the older
//! `/interface/wifiwave2`, or legacy `/interface/wireless`), with each client's IP and host
//! name from the DHCP leases.

mod clients;
#[cfg(test)]
mod tests;

use mikrotik_plugin_sdk::fields::{flag, text};
use mikrotik_plugin_sdk::{
    CallError, Field, Listing, Manifest, Output, Plugin, RouterApi, Tool, Value, args,
    export_plugin, json, list, schema,
};

/// The plugin.
pub struct Wireless;

const TOOL: &str = "mikrotik_get_wireless_clients";
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

/// One wireless package's registration table.
pub struct Menu {
    /// e.g. `/interface/wifi`.
    pub base: &'static str,
    /// The fields asked for.
    pub fields: &'static [Field],
    /// The property holding the signal strength.
    pub signal: &'static str,
}

const MODERN_FIELDS: &[Field] = &[
    text("mac-address"),
    text("interface"),
    text("ssid"),
    text("band"),
    text("signal"),
    text("tx-rate"),
    text("rx-rate"),
    text("uptime"),
    text("last-activity"),
    flag("authorized"),
];

/// The menus tried, in order.
const MENUS: [Menu; 3] = [
    Menu {
        base: "/interface/wifi",
        fields: MODERN_FIELDS,
        signal: "signal",
    },
    Menu {
        base: "/interface/wifiwave2",
        fields: MODERN_FIELDS,
        signal: "signal",
    },
    Menu {
        base: "/interface/wireless",
        fields: &[
            text("mac-address"),
            text("interface"),
            text("signal-strength"),
            text("tx-rate"),
            text("rx-rate"),
            text("uptime"),
            text("last-activity"),
            text("last-ip"),
        ],
        signal: "signal-strength",
    },
];

impl Plugin for Wireless {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({
                "interface": schema::string("Only clients on this wireless interface"),
                "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT)
            }),
            &[],
        );
        let mut output = schema::listing_output();
        output["properties"]["menu"] = json!({ "type": "string" });
        let tool = Tool::reads(
            TOOL,
            "List connected wireless clients (wifi, wifiwave2 or legacy wireless): MAC, IP and \
             host name from DHCP, interface, SSID, signal, tx/rx rate, uptime, last activity.",
            input,
        )
        .title("Wireless clients")
        .output_schema(output);
        Manifest::new(
            "wireless",
            "0.1.0",
            &[
                "/interface/wifi/registration-table/print",
                "/interface/wifiwave2/registration-table/print",
                "/interface/wireless/registration-table/print",
                "/interface/wireless/print",
                "/ip/dhcp-server/lease/print",
            ],
            vec![tool],
        )
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("wireless has no tool named {tool}"));
        }
        let query = args::string(&args, "interface").map(|i| format!("interface={i}"));
        let queries: Vec<&str> = query.iter().map(String::as_str).collect();
        let limit = args::limit(&args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        let Some((menu, listing)) = find_clients(router, &queries, limit)? else {
            return Ok(no_wireless());
        };
        Ok(clients::render(router, menu, &listing))
    }
}

export_plugin!(Wireless);

/// The first wireless menu with clients (a router can have more than one package), else the
/// first one that exists, empty; `None` when the router has no wireless menu at all.
fn find_clients(
    router: &dyn RouterApi,
    queries: &[&str],
    limit: u32,
) -> Result<Option<(&'static Menu, Listing)>, String> {
    let mut first_empty = None;
    for menu in &MENUS {
        let table = format!("{}/registration-table", menu.base);
        match list(router, &table, menu.fields, queries, limit) {
            Ok(listing) if !listing.rows.is_empty() => return Ok(Some((menu, listing))),
            Ok(listing) => {
                first_empty.get_or_insert((menu, listing));
            }
            Err(e) if e.is_missing_menu() => continue,
            Err(e) => return Err(failed(&table, e)),
        }
    }
    Ok(first_empty)
}

fn failed(table: &str, error: CallError) -> String {
    format!("listing {table} failed: {error}")
}

/// The plain answer for a router without any wireless package.
fn no_wireless() -> Output {
    let text = "This router has no wireless menu (none of /interface/wifi, /interface/wifiwave2, \
                /interface/wireless): no wireless package is installed, so there are no \
                wireless clients.";
    Output::with_json(
        text,
        json!({ "rows": [], "shown": 0, "total": 0, "complete": true, "note": text }),
    )
}
