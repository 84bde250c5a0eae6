//! Native tests of `mikrotik_get_vlan_interfaces` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, FakeRouter, guest::run, rows_from_json};

fn router() -> FakeRouter {
    let vlans = rows_from_json(&json!([
        {".id": "*1", "name": "vlan10-office", "vlan-id": 10, "interface": "bridge1", "running": true,
         "mtu": 1500, "arp": "enabled", "disabled": false, "comment": "office"},
        {".id": "*2", "name": "vlan99-wan", "vlan-id": 99, "interface": "ether1", "running": false,
         "mtu": 1500, "disabled": true}
    ]));
    // samples/test_get_vlans__multi___interface_bridge_vlan_print.json plus a RouterOS 7 dynamic row.
    let bridge_vlans = rows_from_json(&json!([
        {"disabled": false, "comment": "", "tagged": "ether1,ether2", "untagged": "", "vlan-ids": "10,20",
         "bridge": "bridge1", "current-tagged": "ether1,ether2", "current-untagged": ""},
        {"bridge": "bridge2", "vlan-ids": "1", "tagged": "", "untagged": "", "current-untagged": "bridge2,ether5",
         "dynamic": true}
    ]));
    let ports = rows_from_json(&json!([
        {".id": "*0", "interface": "ether2", "bridge": "bridge1", "pvid": 1, "frame-types": "admit-all",
         "ingress-filtering": true},
        {".id": "*1", "interface": "ether3", "bridge": "bridge1", "pvid": 20,
         "frame-types": "admit-only-untagged-and-priority-tagged"},
        {".id": "*2", "interface": "ether5", "bridge": "bridge2", "pvid": 1, "frame-types": "admit-all"}
    ]));
    FakeRouter::new()
        .with_rows("/interface/vlan/print", vlans)
        .with_rows("/interface/bridge/vlan/print", bridge_vlans)
        .with_rows("/interface/bridge/port/print", ports)
}

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<Vlans>(TOOL, &args.to_string(), router)
}

#[test]
fn shows_all_three_tables() {
    let r = router();
    let out = call(&r, json!({})).unwrap();
    assert_eq!(
        out.text,
        "VLAN interfaces: 2\n\
         name           vlan-id  interface  running  mtu   disabled  comment\n\
         vlan10-office  10       bridge1    true     1500  false     office\n\
         vlan99-wan     99       ether1     false    1500  true      -\n\
         \n\
         bridge VLANs: 2\n\
         bridge   vlan-ids  tagged         untagged  current-tagged  current-untagged  dynamic\n\
         bridge1  10,20     ether1,ether2  -         ether1,ether2   -                 -\n\
         bridge2  1         -              -         -               bridge2,ether5    true\n\
         \n\
         bridge ports: 3\n\
         interface  bridge   pvid  frame-types\n\
         ether2     bridge1  1     admit-all\n\
         ether3     bridge1  20    admit-only-untagged-and-priority-tagged\n\
         ether5     bridge2  1     admit-all"
    );
    let s = out.json().unwrap();
    assert_eq!(s["vlan_interfaces"]["rows"][0]["vlan-id"], json!(10));
    assert_eq!(s["bridge_ports"]["rows"][1]["pvid"], json!(20));
    assert!(
        s["bridge_ports"]["rows"][0]
            .get("ingress-filtering")
            .is_none()
    );
    let calls = r.calls();
    let commands: Vec<&str> = calls.iter().map(|c| c.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "/interface/vlan/print",
            "/interface/bridge/vlan/print",
            "/interface/bridge/port/print"
        ]
    );
    assert_eq!(
        calls[2].proplist().unwrap(),
        ["interface", "bridge", "pvid", "frame-types"]
    );
}

#[test]
fn bridge_filter_runs_on_the_router() {
    let r = router();
    let out = call(&r, json!({"bridge": "bridge1"})).unwrap();
    assert!(out.text.starts_with("VLAN interfaces: 1\n"), "{}", out.text);
    assert!(out.text.contains("bridge VLANs: 1\n") && out.text.contains("bridge ports: 2\n"));
    assert!(!out.text.contains("ether5"));
    let queries: Vec<Vec<String>> = r.fetches().into_iter().map(|c| c.queries).collect();
    assert_eq!(
        queries,
        [
            vec!["interface=bridge1".to_string()],
            vec!["bridge=bridge1".to_string()],
            vec!["bridge=bridge1".to_string()]
        ]
    );
}

#[test]
fn limit_applies_per_table() {
    let r = router();
    let out = call(&r, json!({"limit": 1})).unwrap();
    assert!(out.text.starts_with("VLAN interfaces: showing 1 of 2\n"));
    assert!(out.text.contains("bridge VLANs: showing 1 of 2\n"));
    assert!(out.text.contains("bridge ports: showing 1 of 3\n"));
    assert_eq!(out.json().unwrap()["bridge_ports"]["total"], json!(3));
}

#[test]
fn a_missing_menu_is_a_note_and_other_errors_fail() {
    let r = FakeRouter::new()
        .with_rows("/interface/vlan/print", vec![])
        .with_rows("/interface/bridge/port/print", vec![]);
    let out = call(&r, json!({})).unwrap();
    assert_eq!(
        out.text,
        "VLAN interfaces: none\n\n\
         This router has no /interface/bridge/vlan menu (not supported by this RouterOS).\n\n\
         bridge ports: none"
    );
    let r = router().with_error(
        "/interface/bridge/port/print",
        CallError::Connection("session closed".into()),
    );
    assert_eq!(
        call(&r, json!({})).unwrap_err(),
        "listing /interface/bridge/port failed: connection problem: session closed"
    );
}
