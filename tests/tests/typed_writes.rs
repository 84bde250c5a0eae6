//! The typed write tools end to end against the simulated router, through change control:
//! a person accepts, declines or cancels (elicitation), a plan id applies once and is refused
//! when the item changed or went away meanwhile, items go by `.id` (place-before, move) as the
//! read tools show it, every kind reaches the router, and read-only mode hides the tools.

use std::collections::BTreeMap;

use e2e::TestEnv;
use e2e::mcp_client::ToolResult;
use mcp_mikrotik::routeros::Request;
use serde_json::{Value, json};

const FIREWALL: &str = "mikrotik_change_firewall";
const NETWORK: &str = "mikrotik_change_network";

fn ids(env: &TestEnv, menu: &str) -> Vec<String> {
    env.rows(menu, &[])
        .into_iter()
        .filter_map(|r| r.get(".id").cloned())
        .collect()
}

fn item(env: &TestEnv, menu: &str, id: &str) -> Option<BTreeMap<String, String>> {
    let query = format!(".id={id}");
    env.rows(menu, &[query.as_str()]).pop()
}

fn structured(result: &ToolResult) -> Value {
    result.structured.clone().expect("structured content")
}

fn state(result: &ToolResult) -> String {
    structured(result)["state"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// The id the router gave the item a change added.
fn added_id(result: &ToolResult) -> String {
    structured(result)["writes"][0]["ret"]
        .as_str()
        .unwrap_or_else(|| panic!("no new id in {}", result.text))
        .to_string()
}

#[test]
fn firewall_rules_go_by_id_when_a_person_accepts() {
    let env = TestEnv::new();
    let server = env.spawn_server();
    server.initialize_eliciting("accept");
    let menu = "/ip/firewall/filter";
    let before = ids(&env, menu);
    let added = server.call_tool(
        FIREWALL,
        json!({"action": "add", "kind": "filter", "place_before": before[1],
               "fields": {"chain": "forward", "action": "drop", "src-address": "203.0.113.0/24",
                          "comment": "typed"}}),
    );
    assert!(!added.is_error, "{}", added.text);
    assert_eq!(state(&added), "kept", "{}", added.text);
    let new = added_id(&added);
    let order = ids(&env, menu);
    assert_eq!(
        order[..3],
        [before[0].clone(), new.clone(), before[1].clone()]
    );
    let rule = item(&env, menu, &new).unwrap();
    assert_eq!(rule["src-address"], "203.0.113.0/24");
    assert_eq!(rule["comment"], "typed");
    let asked = server.elicitations();
    let message = asked[0]["params"]["message"].as_str().unwrap_or("");
    assert!(message.contains("place-before="), "{message}");

    let moved = server.call_tool(
        FIREWALL,
        json!({"action": "move", "kind": "filter", "id": new, "destination": before[0]}),
    );
    assert!(!moved.is_error, "{}", moved.text);
    assert_eq!(ids(&env, menu)[0], new);
    let disabled = server.call_tool(
        FIREWALL,
        json!({"action": "disable", "kind": "filter", "id": new}),
    );
    assert!(!disabled.is_error, "{}", disabled.text);
    assert_eq!(item(&env, menu, &new).unwrap()["disabled"], "true");
    let removed = server.call_tool(
        FIREWALL,
        json!({"action": "remove", "kind": "filter", "id": new}),
    );
    assert!(!removed.is_error, "{}", removed.text);
    assert_eq!(ids(&env, menu), before);

    let by_position = server.call_tool(
        FIREWALL,
        json!({"action": "remove", "kind": "filter", "id": "0"}),
    );
    assert!(by_position.is_error && by_position.text.contains(".id"));
    assert_eq!(server.elicitations().len(), 4, "no plan for a refused call");
}

#[test]
fn declined_or_cancelled_typed_changes_send_nothing() {
    let env = TestEnv::new();
    let dns_before = env.rows("/ip/dns/static", &[]);
    let first = dns_before[0][".id"].clone();
    for (answer, outcome) in [("decline", "declined"), ("cancel", "cancelled")] {
        let server = env.spawn_server();
        server.initialize_eliciting(answer);
        let result = server.call_tool(
            NETWORK,
            json!({"action": "update", "kind": "dns-static", "id": first,
                   "fields": {"address": "10.9.9.9"}}),
        );
        assert!(!result.is_error, "{}", result.text);
        assert_eq!(state(&result), outcome);
        assert_eq!(env.rows("/ip/dns/static", &[]), dns_before, "{answer}");
    }
}

#[test]
fn a_typed_plan_id_applies_once_and_not_after_the_item_changed() {
    let env = TestEnv::new();
    let server = env.server();
    let id = env.rows("/ip/dns/static", &[])[0][".id"].clone();
    let update = |address: &str| {
        server.call_tool(
            NETWORK,
            json!({"action": "update", "kind": "dns-static", "id": id,
                   "fields": {"address": address}}),
        )
    };
    let plan = update("10.7.7.7");
    assert_eq!(state(&plan), "pending", "{}", plan.text);
    assert!(plan.text.contains("→ 10.7.7.7"), "{}", plan.text);
    let plan_id = structured(&plan)["plan_id"].as_str().unwrap().to_string();
    let applied = server.call_tool("mikrotik_apply_plan", json!({"plan_id": plan_id}));
    assert!(!applied.is_error, "{}", applied.text);
    assert_eq!(
        item(&env, "/ip/dns/static", &id).unwrap()["address"],
        "10.7.7.7"
    );
    let reused = server.call_tool("mikrotik_apply_plan", json!({"plan_id": plan_id}));
    assert!(
        reused.is_error && reused.text.contains("used once"),
        "{}",
        reused.text
    );

    let stale = update("10.8.8.8");
    let stale_id = structured(&stale)["plan_id"].as_str().unwrap().to_string();
    env.truth(
        Request::new("/ip/dns/static/set")
            .arg("numbers", id.clone())
            .arg("comment", "edited by someone else"),
    )
    .unwrap();
    let refused = server.call_tool("mikrotik_apply_plan", json!({"plan_id": stale_id}));
    assert!(refused.is_error, "{}", refused.text);
    assert!(
        refused.text.contains("changed since the plan"),
        "{}",
        refused.text
    );
    assert_eq!(
        item(&env, "/ip/dns/static", &id).unwrap()["address"],
        "10.7.7.7"
    );
}

#[test]
fn every_network_kind_reaches_the_router() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_WRITES", "allow");
    let server = env.server();
    let change = |tool: &str, args: Value| {
        let result = server.call_tool(tool, args.clone());
        assert!(!result.is_error, "{args}: {}", result.text);
        result
    };
    let address = change(
        NETWORK,
        json!({"action": "add", "kind": "ip-address",
               "fields": {"address": "10.99.0.1/24", "interface": "bridge"}}),
    );
    let address_id = added_id(&address);
    assert_eq!(
        item(&env, "/ip/address", &address_id).unwrap()["address"],
        "10.99.0.1/24"
    );
    change(
        NETWORK,
        json!({"action": "remove", "kind": "ip-address", "id": address_id}),
    );
    assert!(item(&env, "/ip/address", &address_id).is_none());

    let interface = ids(&env, "/interface")[0].clone();
    change(
        NETWORK,
        json!({"action": "comment", "kind": "interface", "id": interface,
               "fields": {"comment": "uplink"}}),
    );
    change(
        NETWORK,
        json!({"action": "disable", "kind": "interface", "id": interface}),
    );
    let now = item(&env, "/interface", &interface).unwrap();
    assert_eq!(
        (now["comment"].as_str(), now["disabled"].as_str()),
        ("uplink", "true")
    );

    let route = change(
        NETWORK,
        json!({"action": "add", "kind": "route",
               "fields": {"dst-address": "10.123.0.0/16", "gateway": "192.168.88.254"}}),
    );
    let route_id = added_id(&route);
    change(
        NETWORK,
        json!({"action": "disable", "kind": "route", "id": route_id}),
    );
    assert_eq!(
        item(&env, "/ip/route", &route_id).unwrap()["disabled"],
        "true"
    );
    change(
        NETWORK,
        json!({"action": "remove", "kind": "route", "id": route_id}),
    );
    assert!(item(&env, "/ip/route", &route_id).is_none());

    let dynamic = env.rows("/ip/dhcp-server/lease", &["dynamic=true"]);
    let lease = dynamic[0][".id"].clone();
    let made = change(
        NETWORK,
        json!({"action": "make-static", "kind": "dhcp-lease", "id": lease}),
    );
    assert!(made.text.contains("make-static"), "{}", made.text);
    assert_eq!(
        item(&env, "/ip/dhcp-server/lease", &lease).unwrap()["dynamic"],
        "false"
    );

    let listed = change(
        FIREWALL,
        json!({"action": "add", "kind": "address-list",
               "fields": {"list": "blocked", "address": "198.51.100.7", "timeout": "1d"}}),
    );
    let entry = item(&env, "/ip/firewall/address-list", &added_id(&listed)).unwrap();
    assert_eq!(entry["list"], "blocked");
    assert!(entry.contains_key("timeout"), "{entry:?}");
}

#[test]
fn read_only_hides_the_typed_write_tools() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_READ_ONLY", "true");
    let server = env.server();
    let names = server.tool_names();
    assert!(names.contains(&"mikrotik_get_firewall_rules".to_string()));
    assert!(
        !names.iter().any(|n| n == FIREWALL || n == NETWORK),
        "{names:?}"
    );
}

#[test]
fn a_typed_plan_expires_and_needs_terminal_approval_under_apply_plans_person() {
    let mut env = TestEnv::new();
    env.set("MCP_MIKROTIK_APPLY_PLANS", "person")
        .set("MCP_MIKROTIK_PLAN_TTL", "4");
    let server = env.server();
    let add = |address: &str| {
        server.call_tool(
            NETWORK,
            json!({"action": "add", "kind": "dns-static",
                   "fields": {"name": "typed.lan", "address": address}}),
        )
    };
    let named = |address: &str| {
        env.rows("/ip/dns/static", &["name=typed.lan"])
            .iter()
            .any(|r| r["address"] == address)
    };
    let late = add("10.5.5.5");
    let late_id = structured(&late)["plan_id"].as_str().unwrap().to_string();
    std::thread::sleep(std::time::Duration::from_millis(4500));
    let approve_late = env.cli(&["plan", "approve", &late_id]);
    assert_ne!(
        approve_late.code,
        Some(0),
        "an expired plan cannot be approved"
    );
    assert!(
        approve_late.stderr.contains("expired"),
        "{}",
        approve_late.stderr
    );

    let plan = add("10.6.6.6");
    let id = structured(&plan)["plan_id"].as_str().unwrap().to_string();
    let early = server.call_tool("mikrotik_apply_plan", json!({"plan_id": id}));
    assert!(
        early.is_error && early.text.contains("plan approve"),
        "{}",
        early.text
    );
    assert!(!named("10.6.6.6"));
    let approved = env.cli(&["plan", "approve", &id]);
    assert_eq!(approved.code, Some(0), "{}", approved.stderr);
    let applied = server.call_tool("mikrotik_apply_plan", json!({"plan_id": id}));
    assert!(!applied.is_error, "{}", applied.text);
    assert!(named("10.6.6.6") && !named("10.5.5.5"));
}

/// The `.id` of the first row of a read tool's structured `rows` (under `section`, when the
/// tool has several) for which `pick` holds.
fn read_id(
    server: &e2e::mcp_client::McpClient,
    tool: &str,
    args: Value,
    section: Option<&str>,
    pick: impl Fn(&Value) -> bool,
) -> String {
    let result = server.call_ok(tool, args);
    let json = structured(&result);
    let rows = match section {
        Some(name) => &json[name]["rows"],
        None => &json["rows"],
    };
    let row = rows
        .as_array()
        .and_then(|rows| rows.iter().find(|r| pick(r)))
        .unwrap_or_else(|| panic!("no matching row from {tool}: {}", result.text));
    let id = row[".id"].as_str().unwrap_or("").to_string();
    assert!(id.starts_with('*'), "{tool} shows no .id: {row}");
    assert!(result.text.contains(&id), "{tool}'s text shows {id}");
    id
}

#[test]
fn ids_from_the_read_tools_drive_the_typed_tools() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_WRITES", "allow");
    let server = env.server();
    let change = |tool: &str, args: Value| {
        let result = server.call_ok(tool, args);
        assert_eq!(state(&result), "kept", "{}", result.text);
        result
    };

    let nat = read_id(
        &server,
        "mikrotik_get_firewall_rules",
        json!({"table": "nat"}),
        None,
        |_| true,
    );
    let added = change(
        FIREWALL,
        json!({"action": "add", "kind": "nat", "place_before": nat,
               "fields": {"chain": "dstnat", "action": "dst-nat", "protocol": "tcp",
                          "dst-port": 8443, "to-addresses": "192.168.88.11",
                          "to-ports": 443, "disabled": true}}),
    );
    let new = added_id(&added);
    assert_eq!(ids(&env, "/ip/firewall/nat")[..2], [new.clone(), nat]);
    change(
        FIREWALL,
        json!({"action": "update", "kind": "nat", "id": new, "fields": {"to-ports": 8443}}),
    );
    change(
        FIREWALL,
        json!({"action": "enable", "kind": "nat", "id": new}),
    );
    let rule = item(&env, "/ip/firewall/nat", &new).unwrap();
    assert_eq!(
        (rule["to-ports"].as_str(), rule["disabled"].as_str()),
        ("8443", "false")
    );

    change(
        FIREWALL,
        json!({"action": "add", "kind": "address-list",
               "fields": {"list": "typed", "address": "192.0.2.44", "comment": "by id"}}),
    );
    let entry = read_id(
        &server,
        "mikrotik_get_address_lists",
        json!({"list": "typed"}),
        None,
        |_| true,
    );
    change(
        FIREWALL,
        json!({"action": "remove", "kind": "address-list", "id": entry}),
    );
    assert!(
        env.rows("/ip/firewall/address-list", &["list=typed"])
            .is_empty()
    );

    let dns = read_id(
        &server,
        "mikrotik_get_dns",
        json!({}),
        Some("static"),
        |_| true,
    );
    change(
        NETWORK,
        json!({"action": "update", "kind": "dns-static", "id": dns,
               "fields": {"comment": "checked"}}),
    );
    assert_eq!(
        item(&env, "/ip/dns/static", &dns).unwrap()["comment"],
        "checked"
    );
    change(
        NETWORK,
        json!({"action": "remove", "kind": "dns-static", "id": dns}),
    );
    assert!(item(&env, "/ip/dns/static", &dns).is_none());

    change(
        NETWORK,
        json!({"action": "add", "kind": "dhcp-lease",
               "fields": {"address": "192.168.88.231", "mac-address": "02:00:00:00:02:31",
                          "server": "defconf"}}),
    );
    let lease = read_id(&server, "mikrotik_get_dhcp_leases", json!({}), None, |r| {
        r["address"] == "192.168.88.231"
    });
    assert_eq!(
        item(&env, "/ip/dhcp-server/lease", &lease).unwrap()["dynamic"],
        "false"
    );
    change(
        NETWORK,
        json!({"action": "remove", "kind": "dhcp-lease", "id": lease}),
    );
    assert!(item(&env, "/ip/dhcp-server/lease", &lease).is_none());
    let dynamic = read_id(&server, "mikrotik_get_dhcp_leases", json!({}), None, |r| {
        r["dynamic"] == true
    });
    let refused = server.call_tool(
        NETWORK,
        json!({"action": "remove", "kind": "dhcp-lease", "id": dynamic}),
    );
    assert!(
        refused.is_error && refused.text.contains("static leases only"),
        "{}",
        refused.text
    );
    assert!(item(&env, "/ip/dhcp-server/lease", &dynamic).is_some());

    let address = read_id(
        &server,
        "mikrotik_get_ip_addresses",
        json!({"family": "ipv4"}),
        Some("ipv4"),
        |r| r["interface"] == "vlan20",
    );
    change(
        NETWORK,
        json!({"action": "remove", "kind": "ip-address", "id": address}),
    );
    assert!(item(&env, "/ip/address", &address).is_none());

    let ether = read_id(
        &server,
        "mikrotik_get_interfaces",
        json!({"type": "ether"}),
        None,
        |r| r["disabled"] == false,
    );
    change(
        NETWORK,
        json!({"action": "disable", "kind": "interface", "id": ether}),
    );
    change(
        NETWORK,
        json!({"action": "enable", "kind": "interface", "id": ether}),
    );
    assert_eq!(
        item(&env, "/interface", &ether).unwrap()["disabled"],
        "false"
    );

    let route = read_id(&server, "mikrotik_get_routes", json!({}), None, |r| {
        r["static"] == true && r["disabled"] == false
    });
    change(
        NETWORK,
        json!({"action": "disable", "kind": "route", "id": route}),
    );
    assert_eq!(item(&env, "/ip/route", &route).unwrap()["disabled"], "true");
    change(
        NETWORK,
        json!({"action": "enable", "kind": "route", "id": route}),
    );
    assert_eq!(
        item(&env, "/ip/route", &route).unwrap()["disabled"],
        "false"
    );
}

#[test]
fn a_firewall_plan_is_refused_when_its_rule_changed_or_went_away() {
    let env = TestEnv::new();
    let server = env.server();
    let menu = "/ip/firewall/filter";
    let rules = ids(&env, menu);
    let plan = |args: Value| {
        let result = server.call_tool(FIREWALL, args);
        assert_eq!(state(&result), "pending", "{}", result.text);
        structured(&result)["plan_id"].as_str().unwrap().to_string()
    };
    let moved = plan(json!({"action": "move", "kind": "filter", "id": rules[2],
                            "destination": rules[0]}));
    env.truth(
        Request::new("/ip/firewall/filter/set")
            .arg("numbers", rules[2].clone())
            .arg("comment", "edited on the router"),
    )
    .unwrap();
    let refused = server.call_tool("mikrotik_apply_plan", json!({"plan_id": moved}));
    assert!(
        refused.is_error && refused.text.contains("changed since the plan"),
        "{}",
        refused.text
    );
    assert_eq!(ids(&env, menu), rules, "nothing moved");

    let extra = env
        .truth(
            Request::new("/ip/firewall/filter/add")
                .arg("chain", "forward")
                .arg("action", "accept")
                .arg("comment", "short-lived"),
        )
        .unwrap()
        .done
        .text("ret")
        .expect("new id")
        .to_string();
    let disabled = plan(json!({"action": "disable", "kind": "filter", "id": extra}));
    env.truth(Request::new("/ip/firewall/filter/remove").arg("numbers", extra.clone()))
        .unwrap();
    let gone = server.call_tool("mikrotik_apply_plan", json!({"plan_id": disabled}));
    assert!(
        gone.is_error && gone.text.contains(&format!("{extra} was removed")),
        "{}",
        gone.text
    );
    assert!(item(&env, menu, &extra).is_none());
    assert_eq!(ids(&env, menu), rules);
}
