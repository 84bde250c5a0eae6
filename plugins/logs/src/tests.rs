//! Native tests of `mikrotik_get_logs` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, FakeRouter, Reply, RouterApi, guest::run, rows_from_json};

fn router() -> FakeRouter {
    // RouterOS 7.10+ /log/print rows, oldest first as the router sends them.
    let rows = rows_from_json(&json!([
        {".id": "*A1", "time": "2025-03-11 11:58:01", "topics": "system,info", "message": "router rebooted"},
        {".id": "*A2", "time": "2025-03-11 11:58:07", "topics": "interface,info", "message": "ether1 link up (speed 1G, full duplex)"},
        {".id": "*A3", "time": "2025-03-11 11:59:04", "topics": "firewall,info", "message": "in-drop input: in:ether1 out:(unknown 0), proto TCP (SYN), 198.51.100.7:51514->203.0.113.2:22"},
        {".id": "*A4", "time": "2025-03-11 12:00:10", "topics": "system,error,critical", "message": "login failure for user admin from 198.51.100.7 via ssh"},
        {".id": "*A5", "time": "12:01:00", "topics": "dhcp,info", "message": "defconf assigned 192.168.88.10 for 00:00:00:00:00:01 Device_1"}
    ]));
    FakeRouter::new().with_rows("/log/print", rows)
}

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<Logs>(TOOL, &args.to_string(), router)
}

#[test]
fn newest_entries_oldest_first() {
    let r = router();
    let out = call(&r, json!({"limit": 2})).unwrap();
    assert_eq!(
        out.text,
        "log entries: newest 2 of 5, oldest first\n\
         time                 topics                 message\n\
         2025-03-11 12:00:10  system,error,critical  login failure for user admin from 198.51.100.7 via ssh\n\
         12:01:00             dhcp,info              defconf assigned 192.168.88.10 for 00:00:00:00:00:01 Device_1"
    );
    let s = out.json().unwrap();
    assert_eq!(
        (s["shown"].clone(), s["total"].clone(), s["order"].clone()),
        (json!(2), json!(5), json!("oldest first"))
    );
    assert_eq!(s["complete"], json!(true));
    assert_eq!(
        s["rows"][1],
        json!({"time": "12:01:00", "topics": "dhcp,info", "message": "defconf assigned 192.168.88.10 for 00:00:00:00:00:01 Device_1"})
    );
    let sent = &r.calls()[0];
    assert_eq!(sent.command, "/log/print");
    assert_eq!(sent.proplist(), Some(vec!["time", "topics", "message"]));
    assert_eq!(sent.options.max_rows, Some(FETCH_CAP));
}

#[test]
fn topics_match_any_item_of_the_comma_list() {
    let r = router();
    let out = call(&r, json!({"topics": ["error"]})).unwrap();
    assert!(
        out.text.starts_with("log entries: 1, oldest first\n")
            && out.text.contains("login failure"),
        "{}",
        out.text
    );
    let out = call(&r, json!({"topics": "firewall, critical"})).unwrap();
    assert_eq!(out.json().unwrap()["total"], json!(2));
    // "info" must not match "information"-like substrings of other topics, only whole items.
    let out = call(&r, json!({"topics": ["inf"]})).unwrap();
    assert_eq!(out.text, "log entries: none");
}

#[test]
fn contains_is_case_insensitive_and_combines_with_topics() {
    let r = router();
    let out = call(&r, json!({"contains": "ETHER1"})).unwrap();
    assert_eq!(out.json().unwrap()["total"], json!(2));
    let out = call(&r, json!({"contains": "ether1", "topics": ["firewall"]})).unwrap();
    assert!(
        out.text.starts_with("log entries: 1, oldest first\n") && out.text.contains("in-drop"),
        "{}",
        out.text
    );
}

#[test]
fn a_capped_log_says_so() {
    let reply = Reply {
        rows: rows_from_json(
            &json!([{"time": "00:00:01", "topics": "system,info", "message": "x"}]),
        ),
        cut: Some(Cut::RowCap),
        ..Default::default()
    };
    let r = FakeRouter::new().with_reply("/log/print", reply);
    let out = call(&r, json!({})).unwrap();
    assert!(
        out.text.starts_with(
            "log entries: newest 1 of 1 read, oldest first; incomplete: the reply was cut after \
             1 row (row cap) — newer entries were not read: the log is longer than 10000 lines\n"
        ),
        "{}",
        out.text
    );
    assert_eq!(out.json().unwrap()["complete"], json!(false));
}

#[test]
fn a_log_cut_by_the_deadline_is_incomplete() {
    let mut reply = Reply::rows(
        router()
            .call(COMMAND, &[], &[], Default::default())
            .unwrap()
            .rows,
    );
    reply.rows.truncate(3);
    reply.cut = Some(Cut::Deadline);
    let r = FakeRouter::new().with_reply("/log/print", reply);
    let out = call(&r, json!({"limit": 2})).unwrap();
    assert!(
        out.text.starts_with(
            "log entries: newest 2 of 3 read, oldest first; incomplete: the router stopped \
             answering after 3 rows (deadline) — newer entries were not read: the router \
             stopped sending it\n"
        ),
        "{}",
        out.text
    );
    let s = out.json().unwrap();
    assert_eq!((&s["complete"], &s["shown"]), (&json!(false), &json!(2)));
    assert!(s.get("total").is_none(), "{s}");
}

#[test]
fn a_silent_router_is_an_error_not_an_empty_log() {
    let silent = Reply {
        cut: Some(Cut::Deadline),
        ..Default::default()
    };
    let r = FakeRouter::new().with_reply("/log/print", silent);
    let err = call(&r, json!({})).unwrap_err();
    assert!(
        err.starts_with("reading the log failed: timed out: the router did not answer /log/print"),
        "{err}"
    );
}

#[test]
fn errors_are_reported_and_bad_topics_refused() {
    let r = FakeRouter::new().with_error("/log/print", CallError::trap(5, "API failure"));
    assert_eq!(
        call(&r, json!({})).unwrap_err(),
        "reading the log failed: router error (API failure, category 5): API failure"
    );
    assert!(
        call(&router(), json!({"topics": [1]}))
            .unwrap_err()
            .contains("topics")
    );
}
