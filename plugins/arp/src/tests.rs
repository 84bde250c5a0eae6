//! Native tests of `mikrotik_get_arp` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, FakeRouter, guest::run, rows_from_json};

/// RouterOS 6 rows (samples/test_get_arp_table__normal___ip_arp_print.json): `complete`, no
/// `status`.
fn v6_router() -> FakeRouter {
    let rows = rows_from_json(&json!([
        {"interface": "ether1", "disabled": false, "dynamic": true, "comment": "", "DHCP": false, ".id": "*1",
         "invalid": false, "mac-address": "08:00:27:CE:A3:7E", "address": "192.168.56.254"},
        {"interface": "ether1", "disabled": false, "dynamic": true, "comment": "", "DHCP": false, ".id": "*2",
         "invalid": false, "mac-address": "0A:00:27:00:00:00", "address": "192.168.56.1"},
        {"complete": false, "address": "192.168.0.220", "dynamic": true, "invalid": false, "disabled": false,
         ".id": "*13", "published": false, "interface": "ether2", "DHCP": false}
    ]));
    FakeRouter::new().with_rows("/ip/arp/print", rows)
}

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<Arp>(TOOL, &args.to_string(), router)
}

#[test]
fn lists_arp_with_only_the_shown_fields() {
    let r = v6_router();
    let out = call(&r, json!({})).unwrap();
    assert_eq!(
        out.text,
        "arp entries: 3\n\
         address         mac-address        interface  complete  dynamic  invalid  comment\n\
         192.168.56.254  08:00:27:CE:A3:7E  ether1     -         true     false    -\n\
         192.168.56.1    0A:00:27:00:00:00  ether1     -         true     false    -\n\
         192.168.0.220   -                  ether2     false     true     false    -"
    );
    let s = out.json().unwrap();
    assert_eq!(s["rows"][2]["complete"], json!(false));
    assert!(s["rows"][0].get("DHCP").is_none());
    assert_eq!(
        r.calls()[0].proplist().unwrap(),
        FIELDS.iter().map(|f| f.name).collect::<Vec<_>>()
    );
}

#[test]
fn v7_status_column_replaces_complete() {
    let rows = rows_from_json(&json!([
        {"address": "10.0.0.1", "mac-address": "AA:BB:CC:00:00:01", "interface": "bridge",
         "status": "reachable", "dynamic": true, "invalid": false}
    ]));
    let r = FakeRouter::new().with_rows("/ip/arp/print", rows);
    let out = call(&r, json!({})).unwrap();
    assert!(
        out.text.contains("interface  status     dynamic")
            && out.text.contains("bridge     reachable  true"),
        "{}",
        out.text
    );
    assert!(!out.text.contains("complete"));
}

#[test]
fn interface_filter_and_limit_run_on_the_router() {
    let r = v6_router();
    let out = call(&r, json!({"interface": "ether1", "limit": 1})).unwrap();
    assert!(
        out.text.starts_with("arp entries: showing 1 of 2\n"),
        "{}",
        out.text
    );
    assert_eq!(r.fetches()[0].queries, vec!["interface=ether1".to_string()]);
    assert_eq!(r.counts()[0].queries, vec!["interface=ether1".to_string()]);
    assert_eq!(out.json().unwrap()["total"], json!(2));
}

#[test]
fn empty_table_and_errors() {
    let r = FakeRouter::new().with_rows("/ip/arp/print", vec![]);
    assert_eq!(call(&r, json!({})).unwrap().text, "arp entries: none");
    let r = FakeRouter::new().with_error(
        "/ip/arp/print",
        CallError::Connection("router 10.0.0.1 unreachable".into()),
    );
    assert_eq!(
        call(&r, json!({})).unwrap_err(),
        "listing the ARP table failed: connection problem: router 10.0.0.1 unreachable"
    );
}
