//! Native tests of `mikrotik_get_interfaces` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, FakeRouter, guest::run, rows_from_json};

fn router() -> FakeRouter {
    // Shapes from a real RouterOS 7 /interface/print (plus fields we do not ask for).
    let rows = rows_from_json(&json!([
        {".id": "*1", "name": "ether1", "default-name": "ether1", "type": "ether", "mtu": 1500, "actual-mtu": 1500,
         "mac-address": "08:00:27:A9:3F:55", "running": true, "disabled": false, "comment": "WAN", "rx-byte": 3910},
        {".id": "*2", "name": "ether2", "type": "ether", "mtu": 1500, "mac-address": "08:00:27:A9:3F:56",
         "running": false, "disabled": false},
        {".id": "*3", "name": "bridge", "type": "bridge", "mtu": "auto", "mac-address": "08:00:27:A9:3F:57",
         "running": true, "disabled": false, "comment": "LAN"},
        {".id": "*4", "name": "vlan10", "type": "vlan", "mtu": 1500, "mac-address": "08:00:27:A9:3F:57",
         "running": true, "disabled": true}
    ]));
    FakeRouter::new().with_rows("/interface/print", rows)
}

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<Interfaces>(TOOL, &args.to_string(), router)
}

#[test]
fn lists_all_with_only_the_shown_fields() {
    let r = router();
    let out = call(&r, json!({})).unwrap();
    assert_eq!(
        out.text,
        "interfaces: 4\n\
         name    type    running  disabled  mtu   mac-address        comment  .id\n\
         ether1  ether   true     false     1500  08:00:27:A9:3F:55  WAN      *1\n\
         ether2  ether   false    false     1500  08:00:27:A9:3F:56  -        *2\n\
         bridge  bridge  true     false     auto  08:00:27:A9:3F:57  LAN      *3\n\
         vlan10  vlan    true     true      1500  08:00:27:A9:3F:57  -        *4"
    );
    let s = out.json().unwrap();
    assert_eq!(
        s["rows"][0],
        json!({"name": "ether1", "type": "ether", "running": true, "disabled": false, "mtu": 1500,
               "mac-address": "08:00:27:A9:3F:55", "comment": "WAN", ".id": "*1"})
    );
    assert_eq!(s["rows"][2]["mtu"], json!("auto"));
    assert_eq!(
        (s["shown"].clone(), s["total"].clone()),
        (json!(4), json!(4))
    );
    let sent = &r.calls()[0];
    assert_eq!(sent.command, "/interface/print");
    assert_eq!(
        sent.proplist(),
        Some(vec![
            "name",
            "type",
            "running",
            "disabled",
            "mtu",
            "mac-address",
            "comment",
            ".id"
        ])
    );
    assert!(sent.queries.is_empty());
    assert_eq!(sent.options.max_rows, Some(100));
}

#[test]
fn filters_on_the_router() {
    let r = router();
    let out = call(&r, json!({"type": "ether", "running_only": true})).unwrap();
    assert!(out.text.starts_with("interfaces: 1\n"), "{}", out.text);
    assert!(out.text.contains("ether1") && !out.text.contains("ether2"));
    assert_eq!(
        r.calls()[0].queries,
        vec!["type=ether".to_string(), "running=true".to_string()]
    );
}

#[test]
fn limit_shows_n_of_m_counted_on_the_router() {
    let r = router();
    let out = call(&r, json!({"limit": 2})).unwrap();
    assert!(
        out.text.starts_with("interfaces: showing 2 of 4\n"),
        "{}",
        out.text
    );
    assert_eq!(out.text.lines().count(), 4);
    assert_eq!(r.counts().len(), 1);
    assert_eq!(out.json().unwrap()["total"], json!(4));
}

#[test]
fn router_errors_are_reported() {
    let r = FakeRouter::new().with_error(
        "/interface/print",
        CallError::Connection("192.168.88.1:8728 refused".into()),
    );
    let err = call(&r, json!({})).unwrap_err();
    assert_eq!(
        err,
        "listing interfaces failed: connection problem: 192.168.88.1:8728 refused"
    );
}

#[test]
fn manifest_permits_exactly_what_it_calls() {
    let m = Interfaces::manifest();
    assert_eq!(m.name, "interfaces");
    assert_eq!(m.permissions, vec!["/interface/print".to_string()]);
    assert_eq!(
        m.tools[0].input_schema["properties"]["limit"]["default"],
        json!(100)
    );
}
