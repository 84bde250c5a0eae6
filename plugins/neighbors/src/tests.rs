//! Native tests of `mikrotik_get_neighbors` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, FakeRouter, Row, guest::run, rows_from_json};

/// Rows shaped like samples/test_get_lldp_neighbors__with_parent___ip_neighbor_print.json,
/// plus a RouterOS 7 row with `discovered-by`.
fn router(extra: usize) -> FakeRouter {
    let mut rows = rows_from_json(&json!([
        {".id": "*1F", "interface": "ether3,br-lan", "address": "172.31.1.12", "address4": "172.31.1.12",
         "mac-address": "4C:5E:0C:12:AA:CC", "identity": "sw", "platform": "MikroTik",
         "version": "6.40.8 (bugfix)", "age": "49s", "uptime": "8w6d6h18m17s", "board": "CRS112-8G-4S",
         "interface-name": "ether1", "system-caps": "bridge,router"},
        {".id": "*20", "interface": "ether2", "address": "fe80::1", "mac-address": "00:11:22:33:44:55",
         "identity": "core-switch", "platform": "Cisco IOS", "discovered-by": "cdp,lldp"}
    ]));
    for i in 0..extra {
        rows.push(Row::from_pairs([("identity", format!("ap{i}"))]));
    }
    FakeRouter::new().with_rows("/ip/neighbor/print", rows)
}

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<Neighbors>(TOOL, &args.to_string(), router)
}

#[test]
fn lists_neighbors_with_only_the_shown_fields() {
    let r = router(0);
    let out = call(&r, json!({})).unwrap();
    assert_eq!(
        out.text,
        "neighbors: 2\n\
         identity     address      mac-address        interface      platform   version          board         discovered-by\n\
         sw           172.31.1.12  4C:5E:0C:12:AA:CC  ether3,br-lan  MikroTik   6.40.8 (bugfix)  CRS112-8G-4S  -\n\
         core-switch  fe80::1      00:11:22:33:44:55  ether2         Cisco IOS  -                -             cdp,lldp"
    );
    let s = out.json().unwrap();
    assert_eq!(s["rows"][1]["discovered-by"], json!("cdp,lldp"));
    assert!(s["rows"][0].get("uptime").is_none());
    assert_eq!(
        r.calls()[0].proplist().unwrap(),
        FIELDS.iter().map(|f| f.name).collect::<Vec<_>>()
    );
}

#[test]
fn limit_counts_the_rest_on_the_router() {
    let r = router(10);
    let out = call(&r, json!({"limit": 5})).unwrap();
    assert!(
        out.text.starts_with("neighbors: showing 5 of 12\n"),
        "{}",
        out.text
    );
    assert_eq!(r.fetches()[0].options.max_rows, Some(5));
    assert_eq!(r.counts().len(), 1);
}

#[test]
fn missing_menu_and_other_errors() {
    let out = call(&FakeRouter::new(), json!({})).unwrap();
    assert_eq!(
        out.text,
        "This router has no /ip/neighbor menu (neighbor discovery not available)."
    );
    let r = FakeRouter::new().with_error(
        "/ip/neighbor/print",
        CallError::Timeout("login took too long".into()),
    );
    assert_eq!(
        call(&r, json!({})).unwrap_err(),
        "listing neighbors failed: timed out: login took too long"
    );
}
