//! Native tests of `mikrotik_run_command` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, Cut, FakeRouter, Row, guest::run};

use crate::fit::HOST_OUTPUT_CAP;

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
        "/ping: 1 row; incomplete: the router stopped answering after 1 row (deadline)\n\
         seq=0 time=1ms"
    );
    let s = out.json().unwrap();
    assert_eq!(s["complete"], json!(false));
    assert_eq!((&s["shown"], &s["received"]), (&json!(1), &json!(1)));
    assert!(router.counts().is_empty());
}

#[test]
fn a_silent_router_is_an_error_not_no_rows() {
    let silent = Reply {
        cut: Some(Cut::Deadline),
        ..Default::default()
    };
    let router = FakeRouter::new().with_reply("/ip/route/print", silent);
    let err = call(&router, json!({"command": "/ip/route/print"})).unwrap_err();
    assert!(
        err.starts_with(
            "/ip/route/print failed: timed out: the router did not answer /ip/route/print"
        ),
        "{err}"
    );
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

/// `n` routes shaped like RouterOS 7's `/ip/route/print` rows.
fn routes(n: usize) -> Vec<Row> {
    (0..n)
        .map(|i| {
            Row::from_pairs([
                (".id", format!("*{:X}", i + 1)),
                ("dst-address", format!("10.{}.{}.0/24", i / 256, i % 256)),
                ("routing-table", "main".to_string()),
                ("pref-src", String::new()),
                ("gateway", format!("192.168.{}.1", i % 4)),
                (
                    "immediate-gw",
                    format!("192.168.{}.1%ether{}", i % 4, i % 4 + 1),
                ),
                ("distance", "1".to_string()),
                ("scope", "30".to_string()),
                ("target-scope", "10".to_string()),
                ("vrf-interface", format!("ether{}", i % 4 + 1)),
                ("suppress-hw-offload", "false".to_string()),
                ("dynamic", "false".to_string()),
                ("inactive", "false".to_string()),
                ("active", "true".to_string()),
                ("static", "true".to_string()),
                ("disabled", "false".to_string()),
                (
                    "comment",
                    format!("static route {i} to branch office network segment"),
                ),
            ])
        })
        .collect()
}

fn size(out: &Output) -> usize {
    let (text, json) = out.clone().into_parts();
    text.len() + json.map_or(0, |j| j.len())
}

#[test]
fn a_table_over_the_output_cap_returns_the_rows_that_fit_and_the_count() {
    // All 2,000 rows, as text lines and JSON objects, are over the host's cap.
    let whole: usize = routes(2000)
        .iter()
        .map(|r| {
            mikrotik_plugin_sdk::table::pairs_line(r).len() + row_json_all(r).to_string().len()
        })
        .sum();
    assert!(whole > HOST_OUTPUT_CAP, "{whole} bytes");
    let router = FakeRouter::new().with_rows("/ip/route/print", routes(2000));
    let out = call(
        &router,
        json!({"command": "/ip/route/print", "queries": ["routing-table=main"]}),
    )
    .unwrap();
    assert!(size(&out) <= HOST_OUTPUT_CAP, "{} bytes", size(&out));
    let s = out.json().unwrap();
    let shown = s["shown"].as_u64().unwrap() as usize;
    assert!((500..2000).contains(&shown), "{shown} rows shown");
    assert_eq!(s["rows"].as_array().unwrap().len(), shown);
    assert_eq!((&s["received"], &s["total"]), (&json!(2000), &json!(2000)));
    assert_eq!(s["complete"], json!(true));
    assert_eq!(s["rows"][0][".id"], json!("*1"));
    let head = out.text.lines().next().unwrap();
    assert!(
        head.starts_with(&format!(
            "/ip/route/print: showing {shown} of 2000 rows; the other rows would pass the 1 MiB \
             output cap. Narrow the command with queries (e.g. \"queries\": \
             [\"dst-address=10.0.0.0/8\"]) or ask for fewer fields (e.g. \"args\": \
             {{\".proplist\": "
        )),
        "{head}"
    );
    assert_eq!(out.text.lines().count(), shown + 1);
    // The total is counted on the router, with the same queries.
    let counts = router.counts();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[0].command, "/ip/route/print");
    assert_eq!(counts[0].queries, vec!["routing-table=main".to_string()]);
}

#[test]
fn a_table_under_the_cap_is_whole_and_not_counted() {
    let router = FakeRouter::new().with_rows("/ip/route/print", routes(2000));
    let out = call(
        &router,
        json!({"command": "/ip/route/print", "args": {".proplist": "dst-address,gateway"}}),
    )
    .unwrap();
    assert!(out.text.starts_with("/ip/route/print: 2000 rows\n"));
    let s = out.json().unwrap();
    assert_eq!((&s["shown"], &s["received"]), (&json!(2000), &json!(2000)));
    assert!(s.get("total").is_none());
    assert!(router.counts().is_empty());
}

#[test]
fn rows_left_out_of_a_non_print_are_counted_from_the_reply() {
    let router = FakeRouter::new().with_reply("/ip/route/getall", Reply::rows(routes(2000)));
    let out = call(&router, json!({"command": "/ip/route/getall"})).unwrap();
    assert!(size(&out) <= HOST_OUTPUT_CAP);
    let s = out.json().unwrap();
    let shown = s["shown"].as_u64().unwrap();
    assert!(
        out.text.starts_with(&format!(
            "/ip/route/getall: showing {shown} of the 2000 rows received; the other rows"
        )),
        "{}",
        out.text.lines().next().unwrap()
    );
    assert!(s.get("total").is_none());
    assert!(router.counts().is_empty());
}

#[test]
fn a_reply_cut_at_the_row_cap_is_incomplete_and_an_uncountable_total_is_not_invented() {
    let reply = Reply {
        rows: routes(3),
        cut: Some(Cut::RowCap),
        ..Default::default()
    };
    // The canned reply answers the count-only call too, without a count.
    let router = FakeRouter::new().with_reply("/ip/route/print", reply);
    let out = call(&router, json!({"command": "/ip/route/print"})).unwrap();
    assert!(
        out.text.starts_with(
            "/ip/route/print: 3 rows; incomplete: the reply was cut after 3 rows (row cap)\n"
        ),
        "{}",
        out.text
    );
    let s = out.json().unwrap();
    assert_eq!(s["complete"], json!(false));
    assert!(s.get("total").is_none(), "{s}");
    assert_eq!(router.counts().len(), 1, "it tried to count");
}
