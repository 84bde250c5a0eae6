//! Native tests of the typed write tools against a FakeRouter: the exact write each action
//! sends, and the clear refusals of bad arguments and missing items.

use super::*;
use mikrotik_plugin_sdk::{FakeRouter, Reply, Row, guest::run, rows_from_json};

fn router() -> FakeRouter {
    let rules = rows_from_json(&json!([
        {".id": "*1", "chain": "input", "action": "accept"},
        {".id": "*2", "chain": "input", "action": "drop"}
    ]));
    let dns = rows_from_json(&json!([{".id": "*3", "name": "a.lan", "address": "10.0.0.1"}]));
    let leases =
        rows_from_json(&json!([{".id": "*1A", "address": "192.168.88.20", "dynamic": true}]));
    let added = Reply {
        done: Row::from_pairs([("ret", "*PLAN1")]),
        ..Default::default()
    };
    let mut fake = FakeRouter::new()
        .with_rows("/ip/firewall/filter/print", rules)
        .with_rows("/ip/dns/static/print", dns)
        .with_rows("/ip/dhcp-server/lease/print", leases)
        .with_reply("/ip/firewall/filter/add", added.clone())
        .with_reply("/ip/firewall/address-list/add", added);
    for command in [
        "/ip/firewall/filter/move",
        "/ip/firewall/filter/set",
        "/ip/dns/static/remove",
        "/ip/dhcp-server/lease/make-static",
    ] {
        fake = fake.with_reply(command, Reply::default());
    }
    fake
}

fn call(router: &FakeRouter, tool: &str, args: Value) -> Result<Output, String> {
    run::<Changes>(tool, &args.to_string(), router)
}

/// The last call the tool made, as `command name=value …`.
fn sent(router: &FakeRouter) -> String {
    let call = router.calls().pop().expect("a call");
    let mut line = call.command.clone();
    for (n, v) in &call.args {
        line.push_str(&format!(" {n}={v}"));
    }
    line
}

#[test]
fn each_action_sends_one_exact_write() {
    let r = router();
    let out = call(
        &r,
        FIREWALL,
        json!({"action": "add", "kind": "filter", "place_before": "*1",
               "fields": {"chain": "input", "action": "drop", "dst-port": 8291, "protocol": "tcp", "log": true}}),
    )
    .unwrap();
    assert_eq!(
        sent(&r),
        "/ip/firewall/filter/add action=drop chain=input dst-port=8291 log=yes protocol=tcp place-before=*1"
    );
    assert!(out.text.contains("*PLAN1"), "{}", out.text);

    call(
        &r,
        FIREWALL,
        json!({"action": "move", "kind": "filter", "id": "*2", "destination": "*1"}),
    )
    .unwrap();
    assert_eq!(
        sent(&r),
        "/ip/firewall/filter/move numbers=*2 destination=*1"
    );
    call(
        &r,
        FIREWALL,
        json!({"action": "update", "kind": "filter", "id": "*2", "fields": {"comment": "x"}}),
    )
    .unwrap();
    assert_eq!(sent(&r), "/ip/firewall/filter/set numbers=*2 comment=x");
    call(
        &r,
        FIREWALL,
        json!({"action": "add", "kind": "address-list",
               "fields": {"list": "blocked", "address": "203.0.113.9", "timeout": "1d"}}),
    )
    .unwrap();
    assert_eq!(
        sent(&r),
        "/ip/firewall/address-list/add address=203.0.113.9 list=blocked timeout=1d"
    );
    call(
        &r,
        NETWORK,
        json!({"action": "remove", "kind": "dns-static", "id": "*3"}),
    )
    .unwrap();
    assert_eq!(sent(&r), "/ip/dns/static/remove numbers=*3");
    call(
        &r,
        NETWORK,
        json!({"action": "make-static", "kind": "dhcp-lease", "id": "*1A"}),
    )
    .unwrap();
    assert_eq!(sent(&r), "/ip/dhcp-server/lease/make-static numbers=*1A");
}

#[test]
fn bad_arguments_are_refused_with_what_to_do() {
    let r = router();
    let refused = |tool: &str, args: Value| call(&r, tool, args).unwrap_err();
    let by_position = refused(
        FIREWALL,
        json!({"action": "remove", "kind": "filter", "id": "3"}),
    );
    assert!(by_position.contains("*1F"), "{by_position}");
    let missing = refused(
        FIREWALL,
        json!({"action": "remove", "kind": "filter", "id": "*9"}),
    );
    assert!(missing.contains("has no item *9"), "{missing}");
    let wrong_action = refused(
        NETWORK,
        json!({"action": "move", "kind": "dns-static", "id": "*3"}),
    );
    assert!(
        wrong_action.contains("add, update, remove"),
        "{wrong_action}"
    );
    let selector = refused(
        FIREWALL,
        json!({"action": "add", "kind": "filter", "fields": {"numbers": "*1"}}),
    );
    assert!(selector.contains("not a field"), "{selector}");
    let nested = refused(
        FIREWALL,
        json!({"action": "add", "kind": "filter", "fields": {"chain": ["input"]}}),
    );
    assert!(nested.contains("string, number or boolean"), "{nested}");
    let no_fields = refused(
        NETWORK,
        json!({"action": "update", "kind": "dns-static", "id": "*3"}),
    );
    assert!(no_fields.contains("needs `fields`"), "{no_fields}");
    let place = refused(
        FIREWALL,
        json!({"action": "add", "kind": "address-list", "place_before": "*1",
               "fields": {"list": "x", "address": "10.0.0.1"}}),
    );
    assert!(place.contains("place_before is only"), "{place}");
    let kind = refused(NETWORK, json!({"action": "add", "kind": "bridge"}));
    assert!(kind.contains("dns-static"), "{kind}");
    let writes: Vec<String> = r
        .calls()
        .iter()
        .filter(|c| !c.command.ends_with("/print"))
        .map(|c| c.command.clone())
        .collect();
    assert!(writes.is_empty(), "nothing refused was sent: {writes:?}");
}

#[test]
fn permissions_are_exactly_the_commands_sent() {
    let m = Changes::manifest();
    assert!(
        m.permissions.iter().all(|p| !p.contains('*')),
        "{:?}",
        m.permissions
    );
    for command in [
        "/ip/firewall/raw/move",
        "/ip/firewall/address-list/remove",
        "/ip/dhcp-server/lease/make-static",
        "/interface/set",
        "/ip/route/disable",
        "/ip/address/print",
    ] {
        assert!(m.permissions.iter().any(|p| p == command), "{command}");
    }
    assert!(!m.permissions.iter().any(|p| p == "/interface/remove"));
    assert!(m.tools.iter().all(|t| t.effect == Effect::Writes));
}
