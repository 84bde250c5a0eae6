//! Plugin `firewall`: `mikrotik_get_firewall_rules` (filter, nat, mangle or raw rules in
//! evaluation order, with the matchers that are set and their counters) and
//! `mikrotik_get_address_lists` (`/ip/firewall/address-list` entries).

mod address_lists;
mod rules;

use mikrotik_plugin_sdk::{Manifest, Output, Plugin, RouterApi, Value, export_plugin};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct Firewall;

impl Plugin for Firewall {
    fn manifest() -> Manifest {
        Manifest::new(
            "firewall",
            "0.1.0",
            &[
                "/ip/firewall/filter/print",
                "/ip/firewall/nat/print",
                "/ip/firewall/mangle/print",
                "/ip/firewall/raw/print",
                "/ip/firewall/address-list/print",
            ],
            vec![rules::tool(), address_lists::tool()],
        )
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        match tool {
            rules::TOOL => rules::call(&args, router),
            address_lists::TOOL => address_lists::call(&args, router),
            _ => Err(format!("firewall has no tool named {tool}")),
        }
    }
}

export_plugin!(Firewall);
