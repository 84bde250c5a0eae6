//! Native tests of the typed write tools against a FakeRouter: the exact write each action of
//! each kind sends, and the clear refusals of bad arguments and missing items.

use super::*;
use mikrotik_plugin_sdk::{FakeRouter, Reply, Row, guest::run, rows_from_json};

/// One existing item in every menu (`*1`, `*2` in the ordered firewall tables), a dynamic
/// lease `*1A` and a static lease `*1B`; every write the tools send answers, an add with
/// `*PLAN1`.
fn router() -> FakeRouter {
    let two = rows_from_json(&json!([{".id": "*1"}, {".id": "*2"}]));
    let leases = rows_from_json(&json!([
        {".id": "*1A", "address": "192.168.88.20", "dynamic": true},
        {".id": "*1B", "address": "192.168.88.21", "dynamic": false}
    ]));
    let added = Reply {
        done: Row::from_pairs([("ret", "*PLAN1")]),
        ..Default::default()
    };
    let mut fake = FakeRouter::new().with_rows("/ip/dhcp-server/lease/print", leases);
    for kind in FIREWALL_KINDS.iter().chain(NETWORK_KINDS) {
        if kind.name != "dhcp-lease" {
            fake = fake.with_rows(&format!("{}/print", kind.menu), two.clone());
        }
        for action in kind.actions {
            let command = format!("{}/{}", kind.menu, verb(action));
            let reply = if *action == "add" {
                added.clone()
            } else {
                Reply::default()
            };
            fake = fake.with_reply(&command, reply);
        }
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

/// The commands other than prints the tools sent.
fn writes(router: &FakeRouter) -> Vec<String> {
    router
        .calls()
        .iter()
        .filter(|c| !c.command.ends_with("/print"))
        .map(|c| c.command.clone())
        .collect()
}

#[test]
fn each_action_sends_one_exact_write() {
    let cases = [
        (
            FIREWALL,
            json!({"action": "add", "kind": "filter", "place_before": "*1",
                   "fields": {"chain": "input", "action": "drop", "dst-port": 8291,
                              "protocol": "tcp", "log": true}}),
            "/ip/firewall/filter/add action=drop chain=input dst-port=8291 log=yes protocol=tcp place-before=*1",
        ),
        (
            FIREWALL,
            json!({"action": "move", "kind": "filter", "id": "*2", "destination": "*1"}),
            "/ip/firewall/filter/move numbers=*2 destination=*1",
        ),
        (
            FIREWALL,
            json!({"action": "update", "kind": "nat", "id": "*2",
                   "fields": {"to-ports": 8080, "log": false}}),
            "/ip/firewall/nat/set numbers=*2 log=no to-ports=8080",
        ),
        (
            FIREWALL,
            json!({"action": "enable", "kind": "mangle", "id": "*1"}),
            "/ip/firewall/mangle/enable numbers=*1",
        ),
        (
            FIREWALL,
            json!({"action": "disable", "kind": "raw", "id": "*2"}),
            "/ip/firewall/raw/disable numbers=*2",
        ),
        (
            FIREWALL,
            json!({"action": "remove", "kind": "raw", "id": "*1"}),
            "/ip/firewall/raw/remove numbers=*1",
        ),
        (
            FIREWALL,
            json!({"action": "add", "kind": "address-list",
                   "fields": {"list": "blocked", "address": "203.0.113.9", "timeout": "1d"}}),
            "/ip/firewall/address-list/add address=203.0.113.9 list=blocked timeout=1d",
        ),
        (
            FIREWALL,
            json!({"action": "remove", "kind": "address-list", "id": "*2"}),
            "/ip/firewall/address-list/remove numbers=*2",
        ),
        (
            NETWORK,
            json!({"action": "add", "kind": "dns-static",
                   "fields": {"name": "nas.lan", "address": "10.0.0.5", "ttl": "1h"}}),
            "/ip/dns/static/add address=10.0.0.5 name=nas.lan ttl=1h",
        ),
        (
            NETWORK,
            json!({"action": "update", "kind": "dns-static", "id": "*1",
                   "fields": {"address": "10.0.0.6"}}),
            "/ip/dns/static/set numbers=*1 address=10.0.0.6",
        ),
        (
            NETWORK,
            json!({"action": "remove", "kind": "dns-static", "id": "*2"}),
            "/ip/dns/static/remove numbers=*2",
        ),
        (
            NETWORK,
            json!({"action": "make-static", "kind": "dhcp-lease", "id": "*1A"}),
            "/ip/dhcp-server/lease/make-static numbers=*1A",
        ),
        (
            NETWORK,
            json!({"action": "add", "kind": "dhcp-lease",
                   "fields": {"address": "192.168.88.50", "mac-address": "02:00:00:00:00:50",
                              "server": "defconf"}}),
            "/ip/dhcp-server/lease/add address=192.168.88.50 mac-address=02:00:00:00:00:50 server=defconf",
        ),
        (
            NETWORK,
            json!({"action": "remove", "kind": "dhcp-lease", "id": "*1B"}),
            "/ip/dhcp-server/lease/remove numbers=*1B",
        ),
        (
            NETWORK,
            json!({"action": "add", "kind": "ip-address",
                   "fields": {"address": "10.9.0.1/24", "interface": "bridge"}}),
            "/ip/address/add address=10.9.0.1/24 interface=bridge",
        ),
        (
            NETWORK,
            json!({"action": "remove", "kind": "ip-address", "id": "*2"}),
            "/ip/address/remove numbers=*2",
        ),
        (
            NETWORK,
            json!({"action": "comment", "kind": "interface", "id": "*1",
                   "fields": {"comment": "uplink"}}),
            "/interface/set numbers=*1 comment=uplink",
        ),
        (
            NETWORK,
            json!({"action": "enable", "kind": "interface", "id": "*2"}),
            "/interface/enable numbers=*2",
        ),
        (
            NETWORK,
            json!({"action": "disable", "kind": "interface", "id": "*2"}),
            "/interface/disable numbers=*2",
        ),
        (
            NETWORK,
            json!({"action": "add", "kind": "route",
                   "fields": {"dst-address": "10.50.0.0/16", "gateway": "192.168.88.254",
                              "distance": 5}}),
            "/ip/route/add distance=5 dst-address=10.50.0.0/16 gateway=192.168.88.254",
        ),
        (
            NETWORK,
            json!({"action": "enable", "kind": "route", "id": "*1"}),
            "/ip/route/enable numbers=*1",
        ),
        (
            NETWORK,
            json!({"action": "disable", "kind": "route", "id": "*1"}),
            "/ip/route/disable numbers=*1",
        ),
        (
            NETWORK,
            json!({"action": "remove", "kind": "route", "id": "*2"}),
            "/ip/route/remove numbers=*2",
        ),
    ];
    for (tool, args, expected) in cases {
        let r = router();
        let out = call(&r, tool, args.clone()).unwrap_or_else(|e| panic!("{args}: {e}"));
        assert_eq!(sent(&r), expected, "{args}");
        assert_eq!(writes(&r).len(), 1, "{args}: one write");
        if args["action"] == "add" {
            assert!(out.text.contains("*PLAN1"), "{}", out.text);
            assert_eq!(out.json().unwrap()["ret"], "*PLAN1");
        }
    }
}

#[test]
fn named_items_are_checked_by_id_before_the_write() {
    let r = router();
    call(
        &r,
        FIREWALL,
        json!({"action": "move", "kind": "nat", "id": "*2", "destination": "*1"}),
    )
    .unwrap();
    let checks: Vec<_> = r
        .calls()
        .into_iter()
        .filter(|c| c.command.ends_with("/print"))
        .map(|c| (c.command, c.queries))
        .collect();
    assert_eq!(
        checks,
        [
            ("/ip/firewall/nat/print".into(), vec![".id=*2".to_string()]),
            ("/ip/firewall/nat/print".into(), vec![".id=*1".to_string()]),
        ]
    );
}

#[test]
fn bad_arguments_are_refused_with_what_to_do() {
    let r = router();
    let refused = |tool: &str, args: Value| call(&r, tool, args).unwrap_err();
    let by_position = refused(
        FIREWALL,
        json!({"action": "remove", "kind": "filter", "id": "3"}),
    );
    assert!(
        by_position.contains("*1F") && by_position.contains("mikrotik_get_firewall_rules"),
        "{by_position}"
    );
    let by_name = refused(
        NETWORK,
        json!({"action": "disable", "kind": "interface", "id": "ether1"}),
    );
    assert!(by_name.contains("mikrotik_get_interfaces"), "{by_name}");
    let wrong_action = refused(
        NETWORK,
        json!({"action": "move", "kind": "dns-static", "id": "*1"}),
    );
    assert!(
        wrong_action.contains("add, update, remove"),
        "{wrong_action}"
    );
    for bad in ["numbers", ".id", "place-before", "Chain", "-x", ""] {
        let field = refused(
            FIREWALL,
            json!({"action": "add", "kind": "filter", "fields": {bad: "*1"}}),
        );
        assert!(field.contains("not a field"), "{bad}: {field}");
    }
    let nested = refused(
        FIREWALL,
        json!({"action": "add", "kind": "filter", "fields": {"chain": ["input"]}}),
    );
    assert!(nested.contains("string, number or boolean"), "{nested}");
    let no_fields = refused(
        NETWORK,
        json!({"action": "update", "kind": "dns-static", "id": "*1"}),
    );
    assert!(no_fields.contains("needs `fields`"), "{no_fields}");
    let extra_fields = refused(
        NETWORK,
        json!({"action": "remove", "kind": "route", "id": "*1", "fields": {"comment": "x"}}),
    );
    assert!(extra_fields.contains("takes no `fields`"), "{extra_fields}");
    let comment = refused(
        NETWORK,
        json!({"action": "comment", "kind": "interface", "id": "*1", "fields": {"mtu": 1400}}),
    );
    assert!(comment.contains("only `fields.comment`"), "{comment}");
    let add_with_id = refused(
        NETWORK,
        json!({"action": "add", "kind": "route", "id": "*1", "fields": {"gateway": "10.0.0.1"}}),
    );
    assert!(add_with_id.contains("leave `id` out"), "{add_with_id}");
    let no_id = refused(NETWORK, json!({"action": "enable", "kind": "route"}));
    assert!(no_id.contains("needs `id`"), "{no_id}");
    let place = refused(
        FIREWALL,
        json!({"action": "add", "kind": "address-list", "place_before": "*1",
               "fields": {"list": "x", "address": "10.0.0.1"}}),
    );
    assert!(place.contains("place_before is only"), "{place}");
    let both = refused(
        FIREWALL,
        json!({"action": "move", "kind": "filter", "id": "*1", "place_before": "*2",
               "destination": "*2"}),
    );
    assert!(both.contains("either place_before"), "{both}");
    let kind = refused(NETWORK, json!({"action": "add", "kind": "bridge"}));
    assert!(kind.contains("dns-static"), "{kind}");
    let firewall_kind_on_network = refused(
        NETWORK,
        json!({"action": "enable", "kind": "filter", "id": "*1"}),
    );
    assert!(
        firewall_kind_on_network.contains("must be one of"),
        "{firewall_kind_on_network}"
    );
    let tool = refused("mikrotik_change_bridge", json!({}));
    assert!(tool.contains("no tool named"), "{tool}");
    assert!(writes(&r).is_empty(), "nothing refused was sent");
}

#[test]
fn missing_items_and_wrong_lease_states_are_refused_before_any_write() {
    let r = router();
    let refused = |tool: &str, args: Value| call(&r, tool, args).unwrap_err();
    let missing = refused(
        FIREWALL,
        json!({"action": "remove", "kind": "filter", "id": "*9"}),
    );
    assert!(
        missing.contains("has no item *9") && missing.contains("mikrotik_get_firewall_rules"),
        "{missing}"
    );
    let missing_place = refused(
        FIREWALL,
        json!({"action": "add", "kind": "filter", "place_before": "*9",
               "fields": {"chain": "input"}}),
    );
    assert!(missing_place.contains("has no item *9"), "{missing_place}");
    let missing_destination = refused(
        FIREWALL,
        json!({"action": "move", "kind": "mangle", "id": "*1", "destination": "*7"}),
    );
    assert!(
        missing_destination.contains("has no item *7"),
        "{missing_destination}"
    );
    let static_again = refused(
        NETWORK,
        json!({"action": "make-static", "kind": "dhcp-lease", "id": "*1B"}),
    );
    assert!(static_again.contains("already static"), "{static_again}");
    let dynamic_removed = refused(
        NETWORK,
        json!({"action": "remove", "kind": "dhcp-lease", "id": "*1A"}),
    );
    assert!(
        dynamic_removed.contains("static leases only"),
        "{dynamic_removed}"
    );
    assert!(writes(&r).is_empty(), "nothing refused was sent");
}

#[test]
fn permissions_are_exactly_the_commands_sent() {
    let m = Changes::manifest();
    let mut expected = Vec::new();
    for kind in FIREWALL_KINDS.iter().chain(NETWORK_KINDS) {
        expected.push(format!("{}/print", kind.menu));
        for action in kind.actions {
            expected.push(format!("{}/{}", kind.menu, verb(action)));
        }
    }
    expected.sort();
    expected.dedup();
    let mut granted = m.permissions.clone();
    granted.sort();
    assert_eq!(granted, expected);
    assert!(granted.iter().all(|p| !p.contains('*')), "{granted:?}");
    assert!(granted.contains(&"/ip/dhcp-server/lease/make-static".to_string()));
    assert!(!granted.contains(&"/interface/remove".to_string()));
    assert!(m.tools.iter().all(|t| t.effect == Effect::Writes));
}
