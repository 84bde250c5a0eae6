//! VLANs, IP addresses, ARP, DNS and neighbors against the simulated router: default call,
//! each filter, and the `limit` with its "showing N of M" line, compared with what the
//! library client reads.

use e2e::TestEnv;
use e2e::listing::{check_listing, column, truth_column};
use mcp_mikrotik::routeros::sim::SimConfig;
use serde_json::json;

#[test]
fn vlans_show_three_tables_and_filter_by_bridge() {
    let env = TestEnv::new();
    let server = env.server();
    let vlans = env.rows("/interface/vlan", &[]);
    let bridge_vlans = env.rows("/interface/bridge/vlan", &[]);
    let ports = env.rows("/interface/bridge/port", &[]);
    assert!(!vlans.is_empty() && !bridge_vlans.is_empty() && !ports.is_empty());
    let result = server.call_ok("mikrotik_get_vlan_interfaces", json!({}));
    let s = result.structured.expect("structured");
    assert_eq!(
        column(&s["vlan_interfaces"], "name"),
        truth_column(&vlans, "name")
    );
    assert_eq!(s["bridge_vlans"]["total"], bridge_vlans.len());
    assert_eq!(
        column(&s["bridge_ports"], "interface"),
        truth_column(&ports, "interface")
    );
    assert!(
        result
            .text
            .contains(&format!("VLAN interfaces: {}", vlans.len())),
        "{}",
        result.text
    );

    let bridge = ports[0]["bridge"].clone();
    let on_bridge = server.call_ok("mikrotik_get_vlan_interfaces", json!({"bridge": bridge}));
    let s = on_bridge.structured.expect("structured");
    let ports_on = env.rows("/interface/bridge/port", &[&format!("bridge={bridge}")]);
    let vlans_on = env.rows("/interface/vlan", &[&format!("interface={bridge}")]);
    assert_eq!(s["bridge_ports"]["total"], ports_on.len());
    assert_eq!(s["vlan_interfaces"]["total"], vlans_on.len());

    let capped = server.call_ok("mikrotik_get_vlan_interfaces", json!({"limit": 1}));
    assert!(
        capped
            .text
            .contains(&format!("bridge ports: showing 1 of {}", ports.len())),
        "{}",
        capped.text
    );
}

#[test]
fn ip_addresses_by_family_and_interface() {
    let env = TestEnv::new();
    let server = env.server();
    let v4 = env.rows("/ip/address", &[]);
    let v6 = env.rows("/ipv6/address", &[]);
    let both = server.call_ok("mikrotik_get_ip_addresses", json!({}));
    let s = both.structured.expect("structured");
    assert_eq!(column(&s["ipv4"], "address"), truth_column(&v4, "address"));
    assert_eq!(column(&s["ipv6"], "address"), truth_column(&v6, "address"));
    assert!(
        both.text
            .starts_with(&format!("IPv4 addresses: {}", v4.len())),
        "{}",
        both.text
    );
    assert!(
        both.text.contains(&format!("IPv6 addresses: {}", v6.len())),
        "{}",
        both.text
    );

    let only_v6 = server.call_ok("mikrotik_get_ip_addresses", json!({"family": "ipv6"}));
    let s = only_v6.structured.expect("structured");
    assert!(s.get("ipv4").is_none(), "{s}");
    assert_eq!(s["ipv6"]["total"], v6.len());

    let bridge4 = env.rows("/ip/address", &["interface=bridge"]);
    let bridge6 = env.rows("/ipv6/address", &["interface=bridge"]);
    let on_bridge = server.call_ok("mikrotik_get_ip_addresses", json!({"interface": "bridge"}));
    let s = on_bridge.structured.expect("structured");
    assert_eq!(
        column(&s["ipv4"], "address"),
        truth_column(&bridge4, "address")
    );
    assert_eq!(
        column(&s["ipv6"], "address"),
        truth_column(&bridge6, "address")
    );

    let capped = server.call_ok(
        "mikrotik_get_ip_addresses",
        json!({"family": "ipv4", "limit": 2}),
    );
    assert_eq!(
        capped.text.lines().next().unwrap_or(""),
        format!("IPv4 addresses: showing 2 of {}", v4.len())
    );
}

#[test]
fn arp_with_interface_filter_and_limit() {
    let env = TestEnv::new();
    let server = env.server();
    let all = env.rows("/ip/arp", &[]);
    check_listing(
        &server,
        "mikrotik_get_arp",
        json!({}),
        &all,
        "address",
        &format!("arp entries: {}", all.len()),
    );
    let vlan10 = env.rows("/ip/arp", &["interface=vlan10"]);
    assert!(!vlan10.is_empty() && vlan10.len() < all.len());
    check_listing(
        &server,
        "mikrotik_get_arp",
        json!({"interface": "vlan10"}),
        &vlan10,
        "address",
        &format!("arp entries: {}", vlan10.len()),
    );
    let capped = server.call_ok("mikrotik_get_arp", json!({"limit": 4}));
    assert_eq!(
        capped.text.lines().next().unwrap_or(""),
        format!("arp entries: showing 4 of {}", all.len())
    );
}

#[test]
fn dns_settings_and_static_entries() {
    let env = TestEnv::new();
    let server = env.server();
    let settings = env.rows("/ip/dns", &[]);
    let entries = env.rows("/ip/dns/static", &[]);
    let result = server.call_ok("mikrotik_get_dns", json!({}));
    let s = result.structured.expect("structured");
    assert_eq!(s["settings"]["servers"], settings[0]["servers"].as_str());
    assert_eq!(column(&s["static"], "name"), truth_column(&entries, "name"));
    assert!(
        result
            .text
            .starts_with(&format!("DNS servers: {};", settings[0]["servers"])),
        "{}",
        result.text
    );

    let nas: Vec<String> = truth_column(&entries, "name")
        .into_iter()
        .filter(|n| n.to_lowercase().contains("nas"))
        .collect();
    assert!(!nas.is_empty());
    let found = server.call_ok("mikrotik_get_dns", json!({"name": "NAS"}));
    assert_eq!(
        column(&found.structured.expect("structured")["static"], "name"),
        nas
    );

    let capped = server.call_ok("mikrotik_get_dns", json!({"limit": 2}));
    assert!(
        capped
            .text
            .contains(&format!("static entries: showing 2 of {}", entries.len())),
        "{}",
        capped.text
    );
}

#[test]
fn neighbors_and_limit() {
    let env = TestEnv::new();
    let server = env.server();
    let all = env.rows("/ip/neighbor", &[]);
    check_listing(
        &server,
        "mikrotik_get_neighbors",
        json!({}),
        &all,
        "identity",
        &format!("neighbors: {}", all.len()),
    );
    let capped = server.call_ok("mikrotik_get_neighbors", json!({"limit": 1}));
    assert_eq!(
        capped.text.lines().next().unwrap_or(""),
        format!("neighbors: showing 1 of {}", all.len())
    );
}

#[test]
fn listings_work_on_routeros_6_without_empty() {
    let env = TestEnv::with_sim(SimConfig {
        ros6: true,
        ..SimConfig::default()
    });
    let server = env.server();
    let none = server.call_ok("mikrotik_get_routes", json!({"dst": "10.255.255.0/24"}));
    assert_eq!(none.text.lines().next(), Some("routes: none"));
    let arp = env.rows("/ip/arp", &[]);
    let result = server.call_ok("mikrotik_get_arp", json!({}));
    assert_eq!(result.structured.expect("structured")["total"], arp.len());
}
