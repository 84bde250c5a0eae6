//! Native tests of `mikrotik_run_command` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, Cut, FakeRouter, Row, guest::run};

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<RunCommand>(TOOL, &args.to_string(), router)
}

fn addresses() -> Vec<Row> {
    vec![
        Row::from_pairs([
            (".id", "*1"),
            ("address", "192.168.88.1/24"),
            ("interface", "bridge"),
            ("comment", "default configuration"),
        ]),
        Row::from_pairs([
            (".id", "*2"),
            ("address", "10.0.0.2/30"),
            ("interface", "ether1"),
        ]),
    ]
}

#[test]
fn print_returns_all_rows_and_fields() {
    let router = FakeRouter::new().with_rows("/ip/address/print", addresses());
    let out = call(&router, json!({"command": "/ip/address/print"})).unwrap();
    assert_eq!(
        out.text,
        "/ip/address/print: 2 rows\n\
         .id=*1 address=192.168.88.1/24 interface=bridge comment=\"default configuration\"\n\
         .id=*2 address=10.0.0.2/30 interface=ether1"
    );
    let s = out.json().unwrap();
    assert_eq!(
        s["rows"][1],
        json!({".id": "*2", "address": "10.0.0.2/30", "interface": "ether1"})
    );
    assert_eq!(s["complete"], json!(true));
    assert!(s.get("done").is_none());
}

#[test]
fn args_and_queries_are_sent_as_given() {
    let router = FakeRouter::new().with_rows("/ip/address/print", addresses());
    let out = call(
        &router,
        json!({"command": "ip address print", "args": {".proplist": "address"}, "queries": ["?interface=ether1"]}),
    )
    .unwrap();
    assert_eq!(out.text, "/ip/address/print: 1 row\naddress=10.0.0.2/30");
    let sent = &router.calls()[0];
    assert_eq!(sent.command, "/ip/address/print");
    assert_eq!(
        sent.args,
        vec![(".proplist".to_string(), "address".to_string())]
    );
    assert_eq!(sent.queries, vec!["interface=ether1".to_string()]);
}

#[test]
fn add_returns_the_new_id() {
    let reply = Reply {
        done: Row::from_pairs([("ret", "*A")]),
        ..Default::default()
    };
    let router = FakeRouter::new().with_reply("/ip/address/add", reply);
    let out = call(&router, json!({"command": "/ip/address/add", "args": {"address": "10.1.1.1/24", "interface": "ether2"}})).unwrap();
    assert_eq!(out.text, "/ip/address/add: done, no rows, ret=*A");
    assert_eq!(out.json().unwrap()["done"], json!({"ret": "*A"}));
    assert_eq!(router.calls()[0].arg("interface"), Some("ether2"));
}

#[test]
fn trap_is_an_error_with_category_and_message() {
    let router = FakeRouter::new().with_error(
        "/ip/address/add",
        CallError::trap(1, "invalid value for argument address"),
    );
    let err = call(
        &router,
        json!({"command": "/ip/address/add", "args": {"address": "x"}}),
    )
    .unwrap_err();
    assert_eq!(
        err,
        "/ip/address/add failed: router error (argument value failure, category 1): invalid value for argument address"
    );
    let err = call(&router, json!({"command": "/ip/adress/print"})).unwrap_err();
    assert!(
        err.contains("no such command or directory (adress)"),
        "{err}"
    );
}

#[test]
fn cut_replies_are_marked_incomplete() {
    let reply = Reply {
        rows: vec![Row::from_pairs([("seq", "0"), ("time", "1ms")])],
        cut: Some(Cut::Deadline),
        ..Default::default()
    };
    let router = FakeRouter::new().with_reply("/ping", reply);
    let out = call(
        &router,
        json!({"command": "/ping", "args": {"address": "127.0.0.1"}}),
    )
    .unwrap();
    assert_eq!(
        out.text,
        "/ping: 1 row (incomplete: stopped at the deadline)\nseq=0 time=1ms"
    );
    assert_eq!(out.json().unwrap()["complete"], json!(false));
}

#[test]
fn bad_arguments_are_errors_not_panics() {
    let router = FakeRouter::new();
    assert!(
        call(&router, json!({}))
            .unwrap_err()
            .contains("`command` is required")
    );
    assert!(
        call(&router, json!({"command": "/x", "queries": "type=ether"}))
            .unwrap_err()
            .contains("queries")
    );
    assert!(
        run::<RunCommand>(TOOL, "{not json", &router)
            .unwrap_err()
            .contains("not valid JSON")
    );
    assert!(
        run::<RunCommand>("other", "{}", &router)
            .unwrap_err()
            .contains("no tool named other")
    );
    let err = call(
        &router,
        json!({"command": "/ip/address/add address=10.0.0.1/24"}),
    )
    .unwrap_err();
    assert!(err.contains("put arguments in `args`"), "{err}");
    assert!(router.calls().is_empty());
}

#[test]
fn manifest_asks_for_everything_and_is_marked_any() {
    let m = RunCommand::manifest();
    assert_eq!(
        (m.name.as_str(), m.version.as_str()),
        ("run-command", "0.1.0")
    );
    assert_eq!(m.permissions, vec!["/**".to_string()]);
    assert_eq!(m.tools[0].effect, Effect::Any);
    assert!(m.tools[0].destructive);
}
