//! Firewall rules, address lists, routes and logs against the simulated router: default
//! call, each filter, and the `limit` with its "showing N of M" line, compared with what the
//! library client reads.

use e2e::TestEnv;
use e2e::listing::{check_listing, column, truth_column};
use mcp_mikrotik::routeros::sim::SimConfig;
use serde_json::json;

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
