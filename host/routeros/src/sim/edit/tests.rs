//! Tests of the writing verbs: new items' field order and derived fields, `place-before`
//! and `move` on ordered menus, `unset` of several fields.

use super::*;
use crate::sim::SimConfig;

fn cmd(path: &str, args: &[(&str, &str)]) -> Command {
    Command {
        path: path.into(),
        args: args
            .iter()
            .map(|(n, v)| Attr::new(n.to_string(), v.to_string()))
            .collect(),
        ..Command::default()
    }
}

fn comments(st: &State, menu: &str) -> Vec<String> {
    st.tables[menu]
        .items
        .iter()
        .map(|r| r.get_str("comment").unwrap_or_default())
        .collect()
}

#[test]
fn networks_and_booleans() {
    assert_eq!(
        network_of(b"192.168.5.77/24").as_deref(),
        Some("192.168.5.0")
    );
    assert_eq!(network_of(b"10.0.0.1").as_deref(), Some("10.0.0.1"));
    assert_eq!(network_of(b"bogus/99"), None);
    assert_eq!(normalize(b"yes"), b"true");
    assert_eq!(normalize(b"ether1"), b"ether1");
}

#[test]
fn new_items_follow_the_template_order() {
    let t = Table::with_items(vec![FlatRow::from_pairs(&[
        ("address", "1.1.1.1/24"),
        ("network", "1.1.1.0"),
        ("interface", "ether1"),
        ("dynamic", "true"),
        ("disabled", "false"),
    ])]);
    let a = [
        Attr::new("interface", "bridge"),
        Attr::new("address", "10.1.2.3/16"),
        Attr::new("comment", "x"),
    ];
    let refs: Vec<&Attr> = a.iter().collect();
    let row = new_item(&t, "/ip/address", &refs);
    let names: Vec<&[u8]> = row.iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        vec![
            &b"address"[..],
            b"network",
            b"interface",
            b"dynamic",
            b"disabled",
            b"comment",
            b"actual-interface"
        ]
    );
    assert_eq!(row.get(b"network"), Some(&b"10.1.0.0"[..]));
}

#[test]
fn place_before_and_move_keep_rule_order() {
    let mut st = State::seed(&SimConfig::default());
    let menu = "/ip/firewall/nat";
    let add = cmd(
        "/ip/firewall/nat/add",
        &[
            ("chain", "srcnat"),
            ("comment", "new"),
            ("place-before", "*2"),
        ],
    );
    assert_eq!(apply(&mut st, menu, "add", &add), Ok(Some("*4".into())));
    let c = comments(&st, menu);
    assert_eq!(c[1], "new");
    assert!(!st.tables[menu].items[1].has(b"place-before"));
    let mv = cmd("", &[("numbers", "*4,*1"), ("destination", "*3")]);
    apply(&mut st, menu, "move", &mv).unwrap();
    assert_eq!(
        comments(&st, menu),
        ["NAS web", "new", "defconf: masquerade", "wireguard on pi"]
    );
    let last = cmd("", &[("numbers", "*2")]);
    apply(&mut st, menu, "move", &last).unwrap();
    assert_eq!(comments(&st, menu)[3], "NAS web");
    for bad in [
        cmd("", &[("numbers", "*99")]),
        cmd("", &[("numbers", "*1"), ("destination", "*99")]),
        cmd("", &[("chain", "srcnat"), ("place-before", "*99")]),
    ] {
        let verb = if bad.arg("chain").is_some() {
            "add"
        } else {
            "move"
        };
        let err = apply(&mut st, menu, verb, &bad).unwrap_err();
        assert_eq!(err.message, "no such item");
    }
    // Menus without an order know neither.
    let err = apply(&mut st, "/ip/address", "move", &last).unwrap_err();
    assert_eq!(err.category, Some(CATEGORY_MISSING));
    let placed = cmd(
        "",
        &[
            ("address", "10.9.9.1/24"),
            ("interface", "bridge"),
            ("place-before", "*1"),
        ],
    );
    let err = apply(&mut st, "/ip/address", "add", &placed).unwrap_err();
    assert_eq!(err.message, "unknown parameter place-before");
}

#[test]
fn unset_clears_several_fields() {
    let mut st = State::seed(&SimConfig::default());
    let menu = "/ip/firewall/filter";
    let u = cmd("", &[("numbers", "*5"), ("value-name", "comment,dst-port")]);
    apply(&mut st, menu, "unset", &u).unwrap();
    let row = &st.tables[menu].items[4];
    assert!(!row.has(b"comment") && !row.has(b"dst-port") && row.has(b"protocol"));
    let bad = cmd("", &[("numbers", "*5"), ("value-name", "bogus")]);
    let err = apply(&mut st, menu, "unset", &bad).unwrap_err();
    assert_eq!(err.message, "unknown parameter bogus");
}
