//! Native tests of `mikrotik_get_dhcp_leases` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, FakeRouter, guest::run, rows_from_json};

fn router() -> FakeRouter {
    let rows = rows_from_json(&json!([
        {".id": "*1A", "address": "192.168.88.10", "mac-address": "00:00:00:00:00:01", "active-address": "192.168.88.10",
         "host-name": "Device_1", "comment": "Mobile", "status": "bound", "server": "defconf", "dynamic": true,
         "expires-after": "8m12s"},
        {".id": "*1B", "address": "192.168.88.20", "mac-address": "00:00:00:00:00:02", "host-name": "Device_2",
         "comment": "PC", "status": "bound", "server": "defconf", "dynamic": false, "expires-after": "9m1s"},
        {".id": "*1C", "address": "10.10.0.5", "mac-address": "00:00:00:00:00:03", "status": "waiting",
         "server": "guest", "dynamic": false}
    ]));
    FakeRouter::new().with_rows("/ip/dhcp-server/lease/print", rows)
}

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<DhcpLeases>(TOOL, &args.to_string(), router)
}

#[test]
fn lists_leases_with_only_the_shown_fields() {
    let r = router();
    let out = call(&r, json!({})).unwrap();
    assert_eq!(
        out.text,
        "leases: 3\n\
         address        mac-address        host-name  status   server   dynamic  expires-after  comment  .id\n\
         192.168.88.10  00:00:00:00:00:01  Device_1   bound    defconf  true     8m12s          Mobile   *1A\n\
         192.168.88.20  00:00:00:00:00:02  Device_2   bound    defconf  false    9m1s           PC       *1B\n\
         10.10.0.5      00:00:00:00:00:03  -          waiting  guest    false    -              -        *1C"
    );
    let s = out.json().unwrap();
    assert_eq!(s["rows"][0]["dynamic"], json!(true));
    assert_eq!(s["rows"][1][".id"], json!("*1B"));
    assert!(s["rows"][0].get("active-address").is_none());
    assert_eq!(
        r.calls()[0].proplist().unwrap(),
        FIELDS.iter().map(|f| f.name).collect::<Vec<_>>()
    );
}

#[test]
fn status_and_server_filter_on_the_router() {
    let r = router();
    let out = call(
        &r,
        json!({"status": "bound", "server": "defconf", "limit": 1}),
    )
    .unwrap();
    assert!(
        out.text.starts_with("leases: showing 1 of 2\n"),
        "{}",
        out.text
    );
    let expected = vec!["status=bound".to_string(), "server=defconf".to_string()];
    assert_eq!(r.fetches()[0].queries, expected);
    assert_eq!(r.counts()[0].queries, expected);
    assert_eq!(r.fetches()[0].options.max_rows, Some(1));
}

#[test]
fn nothing_matching_says_none() {
    let r = router();
    let out = call(&r, json!({"status": "offered"})).unwrap();
    assert_eq!(out.text, "leases: none");
    assert_eq!(
        out.json().unwrap(),
        json!({"rows": [], "shown": 0, "total": 0, "complete": true})
    );
}

#[test]
fn missing_menu_is_a_friendly_answer_and_other_traps_are_errors() {
    let out = call(&FakeRouter::new(), json!({})).unwrap();
    assert_eq!(
        out.text,
        "This router has no /ip/dhcp-server/lease menu (dhcp package not installed)."
    );
    let r = FakeRouter::new().with_error(
        "/ip/dhcp-server/lease/print",
        CallError::Denied("read-only mode".into()),
    );
    assert_eq!(
        call(&r, json!({})).unwrap_err(),
        "listing DHCP leases failed: denied by the host: read-only mode"
    );
}
