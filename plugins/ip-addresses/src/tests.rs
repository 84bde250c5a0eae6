//! Native tests of `mikrotik_get_ip_addresses` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, FakeRouter, guest::run, rows_from_json};

/// Rows shaped like samples/test_get_interfaces_ip__both___{ip,ipv6}_address_print.json.
fn router() -> FakeRouter {
    let v4 = rows_from_json(&json!([
        {".id": "*1", "address": "192.168.88.1/24", "network": "192.168.88.0", "interface": "bridge",
         "actual-interface": "bridge", "invalid": false, "dynamic": false, "disabled": false, "comment": "defconf"},
        {".id": "*2", "address": "10.0.2.15/24", "network": "10.0.2.0", "interface": "ether1",
         "actual-interface": "ether1", "invalid": false, "dynamic": true, "disabled": false},
        {".id": "*3", "address": "10.9.9.1/30", "network": "10.9.9.0", "interface": "ether1",
         "invalid": true, "dynamic": false, "disabled": true}
    ]));
    let v6 = rows_from_json(&json!([
        {".id": "*1", "address": "fe80::a00:27ff:fea9:3f55/64", "from-pool": "", "interface": "ether1",
         "actual-interface": "ether1", "eui-64": false, "advertise": false, "invalid": false,
         "dynamic": true, "link-local": true, "disabled": false}
    ]));
    FakeRouter::new()
        .with_rows("/ip/address/print", v4)
        .with_rows("/ipv6/address/print", v6)
}

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<IpAddresses>(TOOL, &args.to_string(), router)
}

#[test]
fn both_families_by_default() {
    let r = router();
    let out = call(&r, json!({})).unwrap();
    assert_eq!(
        out.text,
        "IPv4 addresses: 3\n\
         address          network       interface  dynamic  invalid  disabled  comment  .id\n\
         192.168.88.1/24  192.168.88.0  bridge     false    false    false     defconf  *1\n\
         10.0.2.15/24     10.0.2.0      ether1     true     false    false     -        *2\n\
         10.9.9.1/30      10.9.9.0      ether1     false    true     true      -        *3\n\
         \n\
         IPv6 addresses: 1\n\
         address                      interface  advertise  link-local  dynamic  invalid  disabled  comment  .id\n\
         fe80::a00:27ff:fea9:3f55/64  ether1     false      true        true     false    false     -        *1"
    );
    let s = out.json().unwrap();
    assert_eq!(s["ipv4"]["total"], json!(3));
    assert_eq!(s["ipv6"]["rows"][0]["link-local"], json!(true));
    assert!(s["ipv6"]["rows"][0].get("eui-64").is_none());
    let calls = r.calls();
    assert_eq!(calls[0].command, "/ip/address/print");
    assert_eq!(
        calls[0].proplist().unwrap(),
        [
            "address",
            "network",
            "interface",
            "dynamic",
            "invalid",
            "disabled",
            "comment",
            ".id"
        ]
    );
    assert_eq!(calls[1].command, "/ipv6/address/print");
    assert!(calls[1].proplist().unwrap().contains(&"link-local"));
}

#[test]
fn one_family_with_interface_filter_and_limit() {
    let r = router();
    let out = call(
        &r,
        json!({"family": "ipv4", "interface": "ether1", "limit": 1}),
    )
    .unwrap();
    assert!(
        out.text.starts_with("IPv4 addresses: showing 1 of 2\n"),
        "{}",
        out.text
    );
    assert!(!out.text.contains("IPv6"));
    assert_eq!(r.fetches().len(), 1);
    assert_eq!(r.fetches()[0].queries, vec!["interface=ether1".to_string()]);
    assert_eq!(r.counts()[0].queries, vec!["interface=ether1".to_string()]);
    let s = out.json().unwrap();
    assert!(s.get("ipv6").is_none());
    assert_eq!(s["ipv4"]["shown"], json!(1));
}

#[test]
fn missing_ipv6_package_is_a_note_not_an_error() {
    let r = FakeRouter::new().with_rows("/ip/address/print", vec![]);
    let out = call(&r, json!({"family": "both"})).unwrap();
    assert_eq!(
        out.text,
        "IPv4 addresses: none\n\nThis router has no /ipv6/address menu \
         (ipv6 package not installed or disabled)."
    );
    assert!(out.json().unwrap()["ipv6"]["note"].is_string());
}

#[test]
fn other_errors_fail_the_call() {
    let r = router().with_error(
        "/ipv6/address/print",
        CallError::Denied("not granted".into()),
    );
    assert_eq!(
        call(&r, json!({"family": "ipv6"})).unwrap_err(),
        "listing /ipv6/address failed: denied by the host: not granted"
    );
}
