//! Native tests of `mikrotik_get_dns` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{Cut, FakeRouter, Reply, RouterApi, guest::run, rows_from_json};

fn router(extra_static: usize) -> FakeRouter {
    let settings = rows_from_json(&json!([
        {"servers": "1.1.1.1,8.8.8.8", "dynamic-servers": "192.168.1.1", "use-doh-server": "",
         "verify-doh-cert": false, "allow-remote-requests": true, "max-udp-packet-size": 4096,
         "cache-size": 2048, "cache-max-ttl": "1w", "cache-used": 35}
    ]));
    let mut entries = rows_from_json(&json!([
        {".id": "*1", "name": "router.lan", "address": "192.168.88.1", "ttl": "1d", "disabled": false,
         "dynamic": false, "comment": "defconf"},
        {".id": "*2", "name": "nas.lan", "type": "CNAME", "cname": "storage.lan", "ttl": "1d", "disabled": true},
        {".id": "*3", "regexp": ".*\\.ads\\.example", "type": "NXDOMAIN", "ttl": "1d", "disabled": false},
        {".id": "*4", "name": "corp.example", "type": "FWD", "forward-to": "10.0.0.53", "ttl": "1d", "disabled": false}
    ]));
    for i in 0..extra_static {
        entries.push(mikrotik_plugin_sdk::Row::from_pairs([
            ("name", format!("host{i}.lan")),
            ("address", format!("10.1.0.{i}")),
        ]));
    }
    FakeRouter::new()
        .with_rows("/ip/dns/print", settings)
        .with_rows("/ip/dns/static/print", entries)
}

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<Dns>(TOOL, &args.to_string(), router)
}

#[test]
fn settings_and_static_entries() {
    let r = router(0);
    let out = call(&r, json!({})).unwrap();
    assert_eq!(
        out.text,
        "DNS servers: 1.1.1.1,8.8.8.8; dynamic servers: 192.168.1.1; DoH server: -; remote \
         requests: allowed; cache: 35 of 2048 KiB used, max TTL 1w\n\
         static entries: 4\n\
         name                type      value         ttl  disabled  comment  .id\n\
         router.lan          -         192.168.88.1  1d   false     defconf  *1\n\
         nas.lan             CNAME     storage.lan   1d   true      -        *2\n\
         /.*\\.ads\\.example/  NXDOMAIN  -             1d   false     -        *3\n\
         corp.example        FWD       10.0.0.53     1d   false     -        *4"
    );
    let s = out.json().unwrap();
    assert_eq!(s["settings"]["cache-size"], json!(2048));
    assert_eq!(s["settings"]["allow-remote-requests"], json!(true));
    assert!(s["settings"].get("max-udp-packet-size").is_none());
    assert_eq!(s["static"]["rows"][1]["cname"], json!("storage.lan"));
    assert_eq!(s["static"]["rows"][1][".id"], json!("*2"));
    assert_eq!(s["static"]["total"], json!(4));
    assert_eq!(s["static"]["complete"], json!(true));
    let calls = r.calls();
    assert_eq!(calls[0].proplist().unwrap().len(), SETTINGS.len());
    assert_eq!(calls[1].command, "/ip/dns/static/print");
    assert_eq!(calls[1].proplist().unwrap()[0], "name");
}

#[test]
fn name_filter_is_a_case_insensitive_contains_in_the_plugin() {
    let r = router(0);
    let out = call(&r, json!({"name": "LAN"})).unwrap();
    assert!(out.text.contains("\nstatic entries: 2\n"), "{}", out.text);
    assert!(out.text.contains("router.lan") && out.text.contains("nas.lan"));
    assert!(!out.text.contains("corp.example"));
    let out = call(&r, json!({"name": "ads"})).unwrap();
    assert!(out.text.contains("/.*\\.ads\\.example/"), "{}", out.text);
    assert_eq!(r.fetches()[1].options.max_rows, Some(SCAN_CAP));
    assert!(r.fetches()[1].queries.is_empty());
}

#[test]
fn limit_says_showing_n_of_m() {
    let r = router(20);
    let out = call(&r, json!({"limit": 3})).unwrap();
    assert!(
        out.text.contains("\nstatic entries: showing 3 of 24\n"),
        "{}",
        out.text
    );
    assert_eq!(r.counts().len(), 1);
    let out = call(&r, json!({"name": "host1", "limit": 2})).unwrap();
    // host1, host10 … host19
    assert!(
        out.text.contains("\nstatic entries: showing 2 of 11\n"),
        "{}",
        out.text
    );
    assert_eq!(out.json().unwrap()["static"]["shown"], json!(2));
}

#[test]
fn a_scan_stopped_by_the_cap_says_so() {
    let mut reply = Reply::rows(vec![mikrotik_plugin_sdk::Row::from_pairs([(
        "name", "a.lan",
    )])]);
    reply.cut = Some(Cut::RowCap);
    let r = router(0).with_reply("/ip/dns/static/print", reply);
    let out = call(&r, json!({"name": "lan"})).unwrap();
    assert!(
        out.text
            .contains("\nstatic entries: 1; incomplete: the reply was cut after 1 row (row cap)"),
        "{}",
        out.text
    );
    let s = out.json().unwrap();
    assert_eq!(s["static"]["complete"], json!(false));
    assert!(s["static"].get("total").is_none());
}

fn silent() -> Reply {
    Reply {
        cut: Some(Cut::Deadline),
        ..Reply::default()
    }
}

#[test]
fn a_silent_router_is_an_error_not_default_settings() {
    let r = router(0).with_reply("/ip/dns/print", silent());
    let err = call(&r, json!({})).unwrap_err();
    assert!(
        err.starts_with(
            "reading /ip/dns failed: timed out: the router did not answer /ip/dns/print before \
             the tool call's deadline"
        ),
        "{err}"
    );
    let r = router(0).with_reply("/ip/dns/static/print", silent());
    let err = call(&r, json!({})).unwrap_err();
    assert!(
        err.starts_with(
            "listing /ip/dns/static failed: timed out: the router did not answer \
             /ip/dns/static/print"
        ),
        "{err}"
    );
    // A finished reply without the settings row is no settings either.
    let r = router(0).with_reply("/ip/dns/print", Reply::default());
    assert_eq!(
        call(&r, json!({})).unwrap_err(),
        "reading /ip/dns failed: the router sent no settings row"
    );
}

#[test]
fn settings_the_router_did_not_send_are_unknown() {
    let settings = rows_from_json(&json!([{"servers": "", "cache-size": "2048KiB"}]));
    let r = router(0).with_rows("/ip/dns/print", settings);
    let out = call(&r, json!({})).unwrap();
    assert!(
        out.text.starts_with(
            "DNS servers: -; dynamic servers: unknown; DoH server: unknown; remote requests: \
             unknown; cache: unknown of 2048 KiB used, max TTL unknown\n"
        ),
        "{}",
        out.text
    );
    let s = out.json().unwrap();
    assert_eq!(
        s["settings"],
        json!({"servers": "", "cache-size": "2048KiB"})
    );
}

#[test]
fn a_partial_static_listing_is_incomplete() {
    let all = router(0)
        .call("/ip/dns/static/print", &[], &[], Default::default())
        .unwrap();
    let mut reply = Reply::rows(all.rows[..2].to_vec());
    reply.cut = Some(Cut::Deadline);
    let r = router(0).with_reply("/ip/dns/static/print", reply);
    let out = call(&r, json!({})).unwrap();
    assert!(
        out.text.contains(
            "\nstatic entries: 2; incomplete: the router stopped answering after 2 rows (deadline)\n"
        ),
        "{}",
        out.text
    );
    let s = out.json().unwrap();
    assert_eq!(s["static"]["complete"], json!(false));
    assert_eq!(s["static"]["shown"], json!(2));
    assert!(s["static"].get("total").is_none());
    assert!(r.counts().is_empty());
}

#[test]
fn errors_name_the_menu() {
    let r = FakeRouter::new();
    let err = call(&r, json!({})).unwrap_err();
    assert!(
        err.starts_with("reading /ip/dns failed: router error"),
        "{err}"
    );
}
