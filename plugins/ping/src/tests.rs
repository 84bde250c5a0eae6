//! Native tests of `mikrotik_ping` against a FakeRouter with canned `/ping` replies.

use super::*;
use mikrotik_plugin_sdk::{Cut, FakeRouter, Row, guest::run, rows_from_json};

/// samples/test_ping__7.x___ping.json: five answered probes with running totals.
fn answered_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    let probes = [
        ("9ms445us", "9ms445us", "9ms445us", "9ms445us"),
        ("9ms237us", "9ms237us", "9ms341us", "9ms445us"),
        ("9ms173us", "9ms173us", "9ms285us", "9ms445us"),
        ("9ms217us", "9ms173us", "9ms268us", "9ms445us"),
        ("9ms728us", "9ms173us", "9ms360us", "9ms728us"),
    ];
    for (seq, (time, min, avg, max)) in probes.into_iter().enumerate() {
        rows.extend(rows_from_json(&json!([{
            "seq": seq, "host": "127.0.0.1", "size": 56, "ttl": 60, "time": time,
            "sent": seq + 1, "received": seq + 1, "packet-loss": 0,
            "min-rtt": min, "avg-rtt": avg, "max-rtt": max
        }])));
    }
    rows
}

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<Ping>(TOOL, &args.to_string(), router)
}

#[test]
fn answered_probes_use_the_routers_totals() {
    let r = FakeRouter::new().with_reply("/ping", Reply::rows(answered_rows()));
    let out = call(&r, json!({"address": "127.0.0.1", "count": 5})).unwrap();
    assert_eq!(
        out.text,
        "ping 127.0.0.1: 5 sent, 5 received, 0% loss, rtt min/avg/max 9.173/9.36/9.728 ms\n\
         seq  host       size  ttl  time      status\n\
         0    127.0.0.1  56    60   9ms445us  -\n\
         1    127.0.0.1  56    60   9ms237us  -\n\
         2    127.0.0.1  56    60   9ms173us  -\n\
         3    127.0.0.1  56    60   9ms217us  -\n\
         4    127.0.0.1  56    60   9ms728us  -"
    );
    let s = out.json().unwrap();
    assert_eq!(s["sent"], json!(5));
    assert_eq!(s["probes"][4]["ttl"], json!(60));
    assert!(s["probes"][0].get("avg-rtt").is_none());
    assert_eq!(s["cut_by_deadline"], json!(false));
    assert_eq!(s["complete"], json!(true));
    assert!((s["max_rtt_ms"].as_f64().unwrap() - 9.728).abs() < 1e-9);
    let call = &r.calls()[0];
    assert_eq!(call.command, "/ping");
    assert_eq!(
        call.args,
        vec![
            ("address".to_string(), "127.0.0.1".to_string()),
            ("count".to_string(), "5".to_string())
        ]
    );
    assert_eq!(call.options.progress_total, Some(5));
    assert_eq!(call.options.timeout_ms, Some(4 * 1000 + 1500));
}

#[test]
fn unanswered_probes_are_timeout_rows_not_an_error() {
    let rows = rows_from_json(&json!([
        {"seq": 0, "host": "10.255.255.1", "status": "timeout", "sent": 1, "received": 0, "packet-loss": 100},
        {"seq": 1, "host": "10.255.255.1", "status": "timeout", "sent": 2, "received": 0, "packet-loss": 100}
    ]));
    let r = FakeRouter::new().with_reply("/ping", Reply::rows(rows));
    let out = call(&r, json!({"address": "10.255.255.1", "count": 2})).unwrap();
    assert_eq!(
        out.text,
        "ping 10.255.255.1: 2 sent, 0 received, 100% loss\n\
         seq  host          size  ttl  time  status\n\
         0    10.255.255.1  -     -    -     timeout\n\
         1    10.255.255.1  -     -    -     timeout"
    );
    let s = out.json().unwrap();
    assert_eq!(s["loss_percent"], json!(100.0));
    assert!(s.get("avg_rtt_ms").is_none());
}

#[test]
fn without_running_totals_the_summary_is_computed() {
    let rows = rows_from_json(&json!([
        {"seq": 0, "host": "192.0.2.1", "size": 56, "ttl": 64, "time": "2ms"},
        {"seq": 1, "host": "192.0.2.1", "status": "timeout"},
        {"seq": 2, "host": "192.0.2.1", "size": 56, "ttl": 64, "time": "4ms500us"}
    ]));
    let stats = summary::stats(&rows);
    assert_eq!((stats.sent, stats.received), (3, 2));
    assert_eq!(stats.loss_percent, Some(33.3));
    assert_eq!(stats.rtt_ms, Some([2.0, 3.25, 4.5]));
    let r = FakeRouter::new().with_reply("/ping", Reply::rows(rows));
    let out = call(&r, json!({"address": "192.0.2.1", "count": 3})).unwrap();
    assert!(
        out.text.starts_with(
            "ping 192.0.2.1: 3 sent, 2 received, 33.3% loss, rtt min/avg/max 2/3.25/4.5 ms\n"
        ),
        "{}",
        out.text
    );
}

#[test]
fn a_deadline_cut_reports_the_probes_done() {
    let mut reply = Reply::rows(answered_rows()[..2].to_vec());
    reply.cut = Some(Cut::Deadline);
    let r = FakeRouter::new().with_reply("/ping", reply);
    let out = call(
        &r,
        json!({"address": "127.0.0.1", "count": 10, "interval": "200ms"}),
    )
    .unwrap();
    assert!(
        out.text.starts_with(
            "ping 127.0.0.1: 2 sent, 2 received, 0% loss, rtt min/avg/max 9.237/9.341/9.445 ms; \
             incomplete: the router stopped answering after 2 of 10 probes (deadline)\n"
        ),
        "{}",
        out.text
    );
    let s = out.json().unwrap();
    assert_eq!(s["cut_by_deadline"], json!(true));
    assert_eq!(s["complete"], json!(false));
    assert_eq!(s["sent"], json!(2));
    assert_eq!(r.calls()[0].options.timeout_ms, Some(9 * 200 + 1500));
}

#[test]
fn optional_arguments_are_passed_with_routeros_names() {
    let r = FakeRouter::new().with_reply("/ping", Reply::rows(answered_rows()));
    call(
        &r,
        json!({"address": " 8.8.8.8 ", "interval": "1", "size": 1400, "src_address": "10.0.0.1",
               "interface": "ether1", "routing_table": "wan"}),
    )
    .unwrap();
    let call = &r.calls()[0];
    assert_eq!(call.arg("address"), Some("8.8.8.8"));
    assert_eq!(call.arg("count"), Some("4"));
    assert_eq!(call.arg("interval"), Some("1"));
    assert_eq!(call.arg("size"), Some("1400"));
    assert_eq!(call.arg("src-address"), Some("10.0.0.1"));
    assert_eq!(call.arg("interface"), Some("ether1"));
    assert_eq!(call.arg("vrf"), Some("wan"));
}

#[test]
fn falls_back_to_tool_ping() {
    let r = FakeRouter::new().with_reply("/tool/ping", Reply::rows(answered_rows()));
    let out = call(&r, json!({"address": "127.0.0.1"})).unwrap();
    assert!(out.text.starts_with("ping 127.0.0.1: 5 sent"));
    let commands: Vec<String> = r.calls().into_iter().map(|c| c.command).collect();
    assert_eq!(commands, ["/ping", "/tool/ping"]);
}

#[test]
fn bad_arguments_and_router_errors_are_clear() {
    let r = FakeRouter::new().with_reply("/ping", Reply::rows(answered_rows()));
    let err = call(&r, json!({"address": "1.1.1.1", "interval": "1ms"})).unwrap_err();
    assert!(
        err.contains("`interval` must be a time from 10ms to 5s"),
        "{err}"
    );
    assert!(call(&r, json!({"address": "1.1.1.1", "interval": "soon"})).is_err());
    assert!(call(&r, json!({"address": "1.1.1.1", "size": 3})).is_err());
    assert!(
        call(&r, json!({"address": "  "}))
            .unwrap_err()
            .contains("`address` is required")
    );
    assert!(r.calls().is_empty());
    let r = FakeRouter::new().with_error(
        "/ping",
        CallError::trap(1, "invalid value for argument address"),
    );
    assert_eq!(
        call(&r, json!({"address": "not an address"})).unwrap_err(),
        "ping not an address failed: router error (argument value failure, category 1): \
         invalid value for argument address"
    );
}

#[test]
fn no_probe_before_the_deadline_is_an_error_not_zero_loss() {
    let silent = Reply {
        cut: Some(Cut::Deadline),
        ..Reply::default()
    };
    let r = FakeRouter::new().with_reply("/ping", silent);
    let err = call(&r, json!({"address": "192.0.2.1", "count": 3})).unwrap_err();
    assert!(
        err.starts_with("ping 192.0.2.1 failed: timed out: the router did not answer /ping"),
        "{err}"
    );
    assert!(!err.contains("0 sent") && !err.contains("0% loss"), "{err}");
}

#[test]
fn a_finished_reply_without_probes_is_an_error() {
    let r = FakeRouter::new().with_reply("/ping", Reply::default());
    assert_eq!(
        call(&r, json!({"address": "192.0.2.1"})).unwrap_err(),
        "ping 192.0.2.1: the router sent no probe result, so there is no loss or round trip \
         to report"
    );
    assert_eq!(summary::stats(&[]).loss_percent, None);
}
