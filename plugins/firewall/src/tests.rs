//! Native tests of the firewall tools against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, FakeRouter, guest::run, json, rows_from_json};

fn filter_rows() -> Vec<mikrotik_plugin_sdk::Row> {
    // RouterOS 7 defconf filter rules as the API prints them (counters included).
    rows_from_json(&json!([
        {".id": "*1", "chain": "input", "action": "accept", "connection-state": "established,related,untracked",
         "bytes": 123456, "packets": 1024, "invalid": false, "dynamic": false, "disabled": false, "log": false,
         "log-prefix": "", "comment": "defconf: accept established,related,untracked"},
        {".id": "*2", "chain": "input", "action": "drop", "connection-state": "invalid", "bytes": 0, "packets": 0,
         "invalid": false, "dynamic": false, "disabled": false, "log": false, "comment": "defconf: drop invalid"},
        {".id": "*3", "chain": "input", "action": "drop", "in-interface-list": "!LAN", "bytes": 5000, "packets": 80,
         "invalid": false, "dynamic": false, "disabled": false, "log": true, "log-prefix": "in-drop",
         "comment": "defconf: drop all not coming from LAN"},
        {".id": "*4", "chain": "forward", "action": "fasttrack-connection", "connection-state": "established,related",
         "hw-offload": true, "bytes": 9000000, "packets": 7000, "invalid": false, "dynamic": false, "disabled": true,
         "log": false},
        {".id": "*5", "chain": "forward", "action": "jump", "jump-target": "custom", "protocol": "tcp",
         "dst-port": "22,80", "src-address": "10.0.0.0/8", "bytes": 1, "packets": 1, "invalid": false,
         "dynamic": false, "disabled": false, "log": false}
    ]))
}

fn router() -> FakeRouter {
    let nat = rows_from_json(&json!([
        {".id": "*A", "chain": "dstnat", "action": "dst-nat", "protocol": "tcp", "dst-port": "8080",
         "in-interface": "ether1", "to-addresses": "192.168.88.10", "to-ports": "80", "bytes": 10, "packets": 1,
         "invalid": false, "dynamic": false, "disabled": false, "log": false}
    ]));
    let lists = rows_from_json(&json!([
        {".id": "*10", "list": "blocked", "address": "203.0.113.7", "dynamic": true, "disabled": false,
         "timeout": "23h59m12s", "creation-time": "2025-03-11 11:59:04"},
        {".id": "*11", "list": "lan", "address": "192.168.88.0/24", "dynamic": false, "disabled": false, "comment": "home"}
    ]));
    FakeRouter::new()
        .with_rows("/ip/firewall/filter/print", filter_rows())
        .with_rows("/ip/firewall/nat/print", nat)
        .with_rows("/ip/firewall/address-list/print", lists)
}

fn call(router: &FakeRouter, tool: &str, args: Value) -> Result<Output, String> {
    run::<Firewall>(tool, &args.to_string(), router)
}

#[test]
fn filter_rules_in_order_with_set_matchers_and_flags() {
    let r = router();
    let out = call(&r, rules::TOOL, json!({})).unwrap();
    let expected = [
        "filter rules (evaluation order): 5",
        ".id  chain    action                   matchers                                            flags  bytes    packets  comment",
        "*1   input    accept                   connection-state=established,related,untracked      -      123456   1024     defconf: accept established,related,untracked",
        "*2   input    drop                     connection-state=invalid                            -      0        0        defconf: drop invalid",
        "*3   input    drop log-prefix=in-drop  in-interface-list=!LAN                              L      5000     80       defconf: drop all not coming from LAN",
        "*4   forward  fasttrack-connection     connection-state=established,related                X      9000000  7000     -",
        "*5   forward  jump jump-target=custom  src-address=10.0.0.0/8 protocol=tcp dst-port=22,80  -      1        1        -",
    ];
    assert_eq!(out.text, expected.join("\n"));
    let s = out.json().unwrap();
    assert_eq!(s["table"], json!("filter"));
    assert_eq!(s["rows"][0]["bytes"], json!(123456));
    assert_eq!(s["rows"][3]["disabled"], json!(true));
    assert!(s["rows"][3].get("hw-offload").is_none());
    let sent = &r.calls()[0];
    assert_eq!(sent.command, "/ip/firewall/filter/print");
    let props = sent.proplist().unwrap();
    assert!(
        props.contains(&".id") && props.contains(&"dst-port") && props.contains(&"to-addresses")
    );
    assert!(!props.contains(&"hw-offload"));
}

#[test]
fn chain_and_disabled_filter_on_the_router() {
    let r = router();
    let out = call(
        &r,
        rules::TOOL,
        json!({"chain": "forward", "include_disabled": false}),
    )
    .unwrap();
    assert!(
        out.text.starts_with("filter rules (evaluation order): 1\n"),
        "{}",
        out.text
    );
    assert!(out.text.contains("*5"));
    assert_eq!(
        r.calls()[0].queries,
        vec!["chain=forward".to_string(), "disabled=false".to_string()]
    );
}

#[test]
fn nat_table_shows_action_parameters() {
    let r = router();
    let out = call(&r, rules::TOOL, json!({"table": "nat"})).unwrap();
    assert!(
        out.text
            .contains("dst-nat to-addresses=192.168.88.10 to-ports=80"),
        "{}",
        out.text
    );
    assert_eq!(r.calls()[0].command, "/ip/firewall/nat/print");
}

#[test]
fn limit_counts_the_rest_on_the_router() {
    let r = router();
    let out = call(&r, rules::TOOL, json!({"limit": 2})).unwrap();
    assert!(
        out.text
            .starts_with("filter rules (evaluation order): showing 2 of 5\n")
    );
    assert_eq!(r.counts().len(), 1);
}

#[test]
fn unknown_table_and_traps_are_errors_missing_menu_is_not() {
    let r = router();
    assert!(
        call(&r, rules::TOOL, json!({"table": "bridge"}))
            .unwrap_err()
            .contains("unknown firewall table")
    );
    let out = call(&r, rules::TOOL, json!({"table": "raw"})).unwrap();
    assert!(
        out.text
            .starts_with("This router has no /ip/firewall/raw menu")
    );
    assert_eq!(out.json().unwrap()["table"], json!("raw"));
    let r = FakeRouter::new().with_error("/ip/firewall/filter/print", CallError::trap(4, "busy"));
    let err = call(&r, rules::TOOL, json!({})).unwrap_err();
    assert_eq!(
        err,
        "listing /ip/firewall/filter rules failed: router error (general failure, category 4): busy"
    );
}

#[test]
fn address_lists_with_optional_list_filter() {
    let r = router();
    let out = call(&r, address_lists::TOOL, json!({})).unwrap();
    assert_eq!(
        out.text,
        "address-list entries: 2\n\
         list     address          dynamic  disabled  timeout    comment  .id\n\
         blocked  203.0.113.7      true     false     23h59m12s  -        *10\n\
         lan      192.168.88.0/24  false    false     -          home     *11"
    );
    let out = call(&r, address_lists::TOOL, json!({"list": "lan"})).unwrap();
    assert_eq!(
        out.json().unwrap()["rows"],
        json!([{"list": "lan", "address": "192.168.88.0/24", "dynamic": false, "disabled": false, "comment": "home",
                 ".id": "*11"}])
    );
    assert_eq!(r.calls()[1].queries, vec!["list=lan".to_string()]);
}

#[test]
fn manifest_lists_exactly_the_menus_called() {
    let m = Firewall::manifest();
    assert_eq!(m.tools.len(), 2);
    assert_eq!(m.permissions.len(), 5);
    assert!(
        m.permissions
            .iter()
            .all(|p| p.starts_with("/ip/firewall/") && p.ends_with("/print"))
    );
    assert!(call(&router(), "mikrotik_nope", json!({})).is_err());
}
