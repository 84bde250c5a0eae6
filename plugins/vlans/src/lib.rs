//! Plugin `vlans`: `mikrotik_get_vlan_interfaces` shows VLAN interfaces, the bridge VLAN table
//! and each bridge port's PVID, optionally for one bridge only.

use mikrotik_plugin_sdk::fields::{flag, number, text};
use mikrotik_plugin_sdk::{
    Field, Manifest, Output, Plugin, RouterApi, Tool, Value, args, export_plugin, json, list,
    missing_menu_or_error, schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct Vlans;

const TOOL: &str = "mikrotik_get_vlan_interfaces";
const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

/// One of the three tables shown.
struct Section {
    key: &'static str,
    menu: &'static str,
    fields: &'static [Field],
    noun: &'static str,
    /// The property holding the bridge, for the `bridge` filter.
    bridge_property: &'static str,
}

const SECTIONS: [Section; 3] = [
    Section {
        key: "vlan_interfaces",
        menu: "/interface/vlan",
        fields: &[
            text("name"),
            number("vlan-id"),
            text("interface"),
            flag("running"),
            number("mtu"),
            flag("disabled"),
            text("comment"),
        ],
        noun: "VLAN interfaces",
        bridge_property: "interface",
    },
    Section {
        key: "bridge_vlans",
        menu: "/interface/bridge/vlan",
        fields: &[
            text("bridge"),
            text("vlan-ids"),
            text("tagged"),
            text("untagged"),
            text("current-tagged"),
            text("current-untagged"),
            flag("dynamic"),
        ],
        noun: "bridge VLANs",
        bridge_property: "bridge",
    },
    Section {
        key: "bridge_ports",
        menu: "/interface/bridge/port",
        fields: &[
            text("interface"),
            text("bridge"),
            number("pvid"),
            text("frame-types"),
        ],
        noun: "bridge ports",
        bridge_property: "bridge",
    },
];

impl Plugin for Vlans {
    fn manifest() -> Manifest {
        let input = schema::object(
            json!({
                "bridge": schema::string("Only this bridge: its VLAN table, its ports and VLAN interfaces on it"),
                "limit": schema::limit(DEFAULT_LIMIT, MAX_LIMIT)
            }),
            &[],
        );
        let listing = json!({ "type": "object" });
        let output = json!({
            "type": "object",
            "properties": {
                "vlan_interfaces": listing, "bridge_vlans": listing, "bridge_ports": listing
            }
        });
        let tool = Tool::reads(
            TOOL,
            "Show VLAN interfaces (name, VLAN ID, parent, running, MTU), the bridge VLAN table \
             (tagged/untagged ports) and bridge port PVIDs (limit applies per table).",
            input,
        )
        .title("VLANs")
        .output_schema(output);
        Manifest::new(
            "vlans",
            "0.1.0",
            &[
                "/interface/vlan/print",
                "/interface/bridge/vlan/print",
                "/interface/bridge/port/print",
            ],
            vec![tool],
        )
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        if tool != TOOL {
            return Err(format!("vlans has no tool named {tool}"));
        }
        let bridge = args::string(&args, "bridge");
        let limit = args::limit(&args, "limit", DEFAULT_LIMIT, MAX_LIMIT);
        let mut sections = Vec::new();
        for section in &SECTIONS {
            let query = bridge.map(|b| format!("{}={b}", section.bridge_property));
            let queries: Vec<&str> = query.iter().map(String::as_str).collect();
            let output = match list(router, section.menu, section.fields, &queries, limit) {
                Ok(listing) => listing.to_output(section.noun, section.fields),
                Err(e) => missing_menu_or_error(e, section.menu, "not supported by this RouterOS")
                    .map_err(|e| format!("listing {} failed: {e}", section.menu))?,
            };
            sections.push((section.key, output));
        }
        Ok(Output::combine(sections))
    }
}

export_plugin!(Vlans);
