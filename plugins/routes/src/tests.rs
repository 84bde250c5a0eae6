//! Native tests of `mikrotik_get_routes` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, FakeRouter, guest::run, rows_from_json};

fn ipv4_routes() -> Vec<Row> {
    // RouterOS 7 /ip/route/print rows (flags come as booleans).
    rows_from_json(&json!([
        {".id": "*80000001", "dst-address": "0.0.0.0/0", "gateway": "203.0.113.1", "immediate-gw": "203.0.113.1%ether1",
         "distance": 1, "scope": 30, "target-scope": 10, "routing-table": "main", "active": true, "dynamic": true,
         "static": false, "connect": false, "disabled": false, "inactive": false},
        {".id": "*80000002", "dst-address": "192.168.88.0/24", "gateway": "bridge", "immediate-gw": "bridge",
         "distance": 0, "routing-table": "main", "active": true, "dynamic": true, "connect": true, "disabled": false},
        {".id": "*1", "dst-address": "10.20.0.0/16", "gateway": "192.168.88.254", "distance": 1,
         "routing-table": "main", "active": false, "dynamic": false, "static": true, "disabled": true,
         "comment": "to lab"},
        {".id": "*2", "dst-address": "0.0.0.0/0", "gateway": "198.51.100.1", "immediate-gw": "198.51.100.1%ether2",
         "distance": 1, "routing-table": "isp2", "active": true, "dynamic": false, "static": true, "disabled": false}
    ]))
}

fn router() -> FakeRouter {
    let v6 = rows_from_json(&json!([
        {".id": "*3", "dst-address": "::/0", "gateway": "fe80::1%ether1", "distance": 1, "routing-table": "main",
         "active": true, "static": true, "disabled": false}
    ]));
    FakeRouter::new()
        .with_rows("/ip/route/print", ipv4_routes())
        .with_rows("/ipv6/route/print", v6)
}

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<Routes>(TOOL, &args.to_string(), router)
}

#[test]
fn lists_ipv4_routes_with_flags() {
    let r = router();
    let out = call(&r, json!({})).unwrap();
    assert_eq!(
        out.text,
        "routes: 4\n\
         flags  dst-address      gateway         immediate-gw         distance  routing-table  comment  .id\n\
         AD     0.0.0.0/0        203.0.113.1     203.0.113.1%ether1   1         main           -        *80000001\n\
         ADC    192.168.88.0/24  bridge          bridge               0         main           -        *80000002\n\
         XS     10.20.0.0/16     192.168.88.254  -                    1         main           to lab   *1\n\
         AS     0.0.0.0/0        198.51.100.1    198.51.100.1%ether2  1         isp2           -        *2"
    );
    let s = out.json().unwrap();
    assert_eq!(s["rows"][0]["distance"], json!(1));
    assert_eq!(s["rows"][0]["active"], json!(true));
    assert!(s["rows"][0].get("scope").is_none());
    let sent = &r.calls()[0];
    assert_eq!(sent.command, "/ip/route/print");
    assert_eq!(
        sent.proplist().unwrap(),
        FIELDS.iter().map(|f| f.name).collect::<Vec<_>>()
    );
    assert_eq!(sent.options.max_rows, Some(100));
}

#[test]
fn filters_run_on_the_router() {
    let r = router();
    let out = call(
        &r,
        json!({"dst": "0.0.0.0/0", "active_only": true, "routing_table": "main"}),
    )
    .unwrap();
    assert!(
        out.text.starts_with("routes: 1\n") && out.text.contains("*80000001"),
        "{}",
        out.text
    );
    assert_eq!(
        r.calls()[0].queries,
        vec![
            "dst-address=0.0.0.0/0".to_string(),
            "active=true".to_string(),
            "routing-table=main".to_string()
        ]
    );
}

#[test]
fn ipv6_family_uses_the_ipv6_menu() {
    let r = router();
    let out = call(&r, json!({"family": "ipv6"})).unwrap();
    assert!(out.text.contains("::/0") && out.text.contains("fe80::1%ether1"));
    assert_eq!(r.calls()[0].command, "/ipv6/route/print");
    assert!(
        call(&r, json!({"family": "ipx"}))
            .unwrap_err()
            .contains("unknown family")
    );
}

#[test]
fn big_tables_are_capped_and_counted_not_fetched() {
    let many: Vec<Row> = (0..5000)
        .map(|i| {
            Row::from_pairs([
                ("dst-address", format!("10.{}.{}.0/24", i / 256, i % 256)),
                ("active", "true".into()),
            ])
        })
        .collect();
    let r = FakeRouter::new().with_rows("/ip/route/print", many);
    let out = call(&r, json!({"limit": 10})).unwrap();
    assert!(
        out.text.starts_with("routes: showing 10 of 5000\n"),
        "{}",
        out.text
    );
    assert_eq!(out.text.lines().count(), 12);
    assert_eq!(r.fetches()[0].options.max_rows, Some(10));
    assert_eq!(r.counts().len(), 1);
    assert_eq!(out.json().unwrap()["total"], json!(5000));
}

#[test]
fn errors_name_the_menu() {
    let r = FakeRouter::new().with_error(
        "/ip/route/print",
        CallError::Denied("/ip/route/print not permitted".into()),
    );
    assert_eq!(
        call(&r, json!({})).unwrap_err(),
        "listing /ip/route failed: denied by the host: /ip/route/print not permitted"
    );
}
