//! The roadmap listing tools (firewall, address lists, routes, logs, VLANs, IP addresses,
//! ARP, DNS, neighbors) against the simulated router: default call, each filter, and the
//! `limit` with its "showing N of M" line, compared with what the library client reads.

use std::collections::BTreeMap;

use e2e::{McpClient, TestEnv};
use mcp_mikrotik::routeros::sim::SimConfig;
use serde_json::{Value, json};

type Rows = Vec<BTreeMap<String, String>>;

fn column(listing: &Value, key: &str) -> Vec<String> {
    listing["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no rows in {listing}"))
        .iter()
        .map(|r| match &r[key] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        })
        .collect()
}

fn truth_column(rows: &Rows, key: &str) -> Vec<String> {
    rows.iter()
        .map(|r| r.get(key).cloned().unwrap_or_default())
        .collect()
}

/// Call `tool` and check its listing against `expected` rows compared on `key`; the text's
/// first line must be `first_line`.
fn check_listing(
    server: &McpClient,
    tool: &str,
    args: Value,
    expected: &Rows,
    key: &str,
    first_line: &str,
) -> Value {
    let result = server.call_ok(tool, args.clone());
    let s = result.structured.expect("structured content");
    assert_eq!(s["total"], expected.len(), "{tool} {args}: {s}");
    assert_eq!(
        column(&s, key),
        truth_column(expected, key),
        "{tool} {args}"
    );
    assert_eq!(
        result.text.lines().next().unwrap_or(""),
        first_line,
        "{tool} {args}"
    );
    s
}

#[test]
fn firewall_rules_in_evaluation_order_with_filters() {
    let env = TestEnv::new();
    let server = env.server();
    let filter = env.rows("/ip/firewall/filter", &[]);
    let s = check_listing(
        &server,
        "mikrotik_get_firewall_rules",
        json!({}),
        &filter,
        ".id",
        &format!("filter rules (evaluation order): {}", filter.len()),
    );
    assert_eq!(s["table"], "filter");

    let forward = env.rows("/ip/firewall/filter", &["chain=forward"]);
    check_listing(
        &server,
        "mikrotik_get_firewall_rules",
        json!({"chain": "forward"}),
        &forward,
        ".id",
        &format!("filter rules (evaluation order): {}", forward.len()),
    );

    let enabled = env.rows("/ip/firewall/filter", &["disabled=false"]);
    assert!(enabled.len() < filter.len(), "the sim has a disabled rule");
    check_listing(
        &server,
        "mikrotik_get_firewall_rules",
        json!({"include_disabled": false}),
        &enabled,
        ".id",
        &format!("filter rules (evaluation order): {}", enabled.len()),
    );

    for table in ["nat", "mangle", "raw"] {
        let rows = env.rows(&format!("/ip/firewall/{table}"), &[]);
        let s = check_listing(
            &server,
            "mikrotik_get_firewall_rules",
            json!({"table": table}),
            &rows,
            "chain",
            &format!("{table} rules (evaluation order): {}", rows.len()),
        );
        assert_eq!(s["table"], table);
    }

    let capped = server.call_ok("mikrotik_get_firewall_rules", json!({"limit": 2}));
    assert!(
        capped.text.starts_with(&format!(
            "filter rules (evaluation order): showing 2 of {}",
            filter.len()
        )),
        "{}",
        capped.text
    );
    let nat = server.call_ok("mikrotik_get_firewall_rules", json!({"table": "nat"}));
    assert!(
        nat.text.contains("to-addresses=192.168.88.11"),
        "{}",
        nat.text
    );
}

#[test]
fn address_lists_with_list_filter_and_limit() {
    let env = TestEnv::new();
    let server = env.server();
    let all = env.rows("/ip/firewall/address-list", &[]);
    check_listing(
        &server,
        "mikrotik_get_address_lists",
        json!({}),
        &all,
        "address",
        &format!("address-list entries: {}", all.len()),
    );
    let trusted = env.rows("/ip/firewall/address-list", &["list=trusted"]);
    assert!(!trusted.is_empty() && trusted.len() < all.len());
    check_listing(
        &server,
        "mikrotik_get_address_lists",
        json!({"list": "trusted"}),
        &trusted,
        "address",
        &format!("address-list entries: {}", trusted.len()),
    );
    let capped = server.call_ok("mikrotik_get_address_lists", json!({"limit": 1}));
    assert!(
        capped
            .text
            .starts_with(&format!("address-list entries: showing 1 of {}", all.len())),
        "{}",
        capped.text
    );
}

#[test]
fn routes_by_family_destination_state_and_table() {
    let env = TestEnv::new();
    let server = env.server();
    let v4 = env.rows("/ip/route", &[]);
    check_listing(
        &server,
        "mikrotik_get_routes",
        json!({}),
        &v4,
        "dst-address",
        &format!("routes: {}", v4.len()),
    );
    let v6 = env.rows("/ipv6/route", &[]);
    check_listing(
        &server,
        "mikrotik_get_routes",
        json!({"family": "ipv6"}),
        &v6,
        "dst-address",
        &format!("routes: {}", v6.len()),
    );
    let default = env.rows("/ip/route", &["dst-address=0.0.0.0/0"]);
    assert!(default.len() >= 2, "the sim has a backup default route");
    check_listing(
        &server,
        "mikrotik_get_routes",
        json!({"dst": "0.0.0.0/0"}),
        &default,
        ".id",
        &format!("routes: {}", default.len()),
    );
    let active = env.rows("/ip/route", &["active=true"]);
    assert!(active.len() < v4.len());
    check_listing(
        &server,
        "mikrotik_get_routes",
        json!({"active_only": true}),
        &active,
        ".id",
        &format!("routes: {}", active.len()),
    );
    let main = env.rows("/ip/route", &["routing-table=main"]);
    check_listing(
        &server,
        "mikrotik_get_routes",
        json!({"routing_table": "main"}),
        &main,
        ".id",
        &format!("routes: {}", main.len()),
    );
    let nowhere = server.call_ok("mikrotik_get_routes", json!({"routing_table": "nowhere"}));
    assert_eq!(nowhere.text.lines().next(), Some("routes: none"));
}

#[test]
fn routes_limit_on_a_full_table() {
    let env = TestEnv::with_sim(SimConfig {
        routes: 20_000,
        ..SimConfig::default()
    });
    let server = env.server();
    let counted = env
        .truth(mcp_mikrotik::routeros::Request::new("/ip/route/print").arg("count-only", ""))
        .expect("count-only");
    let total = counted
        .done
        .iter()
        .find(|a| a.name() == "ret")
        .map(|a| a.value().into_owned())
        .expect("ret");
    let result = server.call_ok("mikrotik_get_routes", json!({}));
    assert_eq!(
        result.text.lines().next().unwrap_or(""),
        format!("routes: showing 100 of {total}")
    );
    let result = server.call_ok("mikrotik_get_routes", json!({"limit": 5}));
    let s = result.structured.expect("structured");
    assert_eq!(
        (s["shown"].as_u64(), s["total"].to_string()),
        (Some(5), total)
    );
}

#[test]
fn logs_newest_last_with_topic_and_text_filters() {
    let env = TestEnv::new();
    let server = env.server();
    let log = env.rows("/log", &[]);
    assert!(log.len() > 50, "the sim keeps a day of log");
    let messages = truth_column(&log, "message");

    let default = server.call_ok("mikrotik_get_logs", json!({}));
    assert_eq!(
        default.text.lines().next().unwrap_or(""),
        format!("log entries: newest 50 of {}, oldest first", log.len())
    );
    let s = default.structured.expect("structured");
    assert_eq!(
        column(&s, "message"),
        messages[messages.len() - 50..].to_vec()
    );

    let few = server.call_ok("mikrotik_get_logs", json!({"limit": 3}));
    let s = few.structured.expect("structured");
    assert_eq!(
        column(&s, "message"),
        messages[messages.len() - 3..].to_vec()
    );

    let firewall: Vec<String> = log
        .iter()
        .filter(|r| r["topics"].split(',').any(|t| t == "firewall"))
        .map(|r| r["message"].clone())
        .collect();
    assert!(!firewall.is_empty());
    let result = server.call_ok(
        "mikrotik_get_logs",
        json!({"topics": ["firewall"], "limit": 1000}),
    );
    let s = result.structured.expect("structured");
    assert_eq!(column(&s, "message"), firewall);
    let as_text = server.call_ok(
        "mikrotik_get_logs",
        json!({"topics": "firewall", "limit": 1000}),
    );
    assert_eq!(
        as_text.structured.expect("structured")["total"],
        firewall.len()
    );

    let link_down: Vec<String> = messages
        .iter()
        .filter(|m| m.to_lowercase().contains("link down"))
        .cloned()
        .collect();
    assert!(!link_down.is_empty());
    let result = server.call_ok(
        "mikrotik_get_logs",
        json!({"contains": "LINK DOWN", "limit": 1000}),
    );
    assert_eq!(
        column(&result.structured.expect("structured"), "message"),
        link_down
    );

    let nothing = server.call_ok(
        "mikrotik_get_logs",
        json!({"contains": "no such text anywhere"}),
    );
    assert_eq!(nothing.text.lines().next(), Some("log entries: none"));
}

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
