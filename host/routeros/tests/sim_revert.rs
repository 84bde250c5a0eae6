//! The revert scripts the host installs, word for word, end to end over TCP with the crate's
//! client: a change cuts the API with a firewall rule, the router's scheduler runs the revert
//! script by its name two seconds later, the script puts the configuration back, logs, and
//! removes its scheduler entry and itself; then a new connection logs in and works. A step
//! that fails inside `:do { } on-error={ }` is logged and the rest still runs.

use std::time::{Duration, Instant};

use routeros::sim::{Sim, SimConfig, SimHandle};
use routeros::{CallError, Client, ClientConfig, Limits, Request, Response, Row};

/// The host's revert script for change `c7`, exactly as the host writes it. The ids are
/// those of the seeded router (`*2`..`*5` filter rules, `*3` a DNS record) except `*A`,
/// which each test replaces with the id of the rule its change added.
const REVERT_C7: &str = r#":log warning "mcp-mikrotik: change c7 not confirmed, the router reverts it"
:do { /ip/dns/static/set *3 name="a.example" address="10.0.0.1" comment="say \"hi\" \$HOME \\ back" } on-error={ :log error "mcp-mikrotik: revert of change c7 step 3 failed" }
:do { /ip/firewall/filter/remove *A } on-error={ :log error "mcp-mikrotik: revert of change c7 step 2 failed" }
:do { /ip/firewall/filter/add chain="input" action="accept" protocol="tcp" dst-port="8728" place-before=*2 } on-error={ :log error "mcp-mikrotik: revert of change c7 step 1 failed" }
:do { /ip/firewall/filter/enable *4 } on-error={ :log error "..." }
:do { /ip/firewall/filter/disable *4 } on-error={ :log error "..." }
:do { /ip/firewall/filter/move *5 destination=*2 } on-error={ :log error "..." }
:do { /ip/dns/static/unset *3 value-name=comment } on-error={ :log error "..." }
:do { /ip/dns/static/remove [find where name="x.example"] } on-error={ :log error "..." }
/system/scheduler/remove [find where name="mcp-mikrotik-revert-c7"]
/system/script/remove [find where name="mcp-mikrotik-revert-c7"]
:log warning "mcp-mikrotik: change c7 reverted by the router"
"#;

const NAME: &str = "mcp-mikrotik-revert-c7";
const NOT_CONFIRMED: &str = "mcp-mikrotik: change c7 not confirmed, the router reverts it";
const REVERTED: &str = "mcp-mikrotik: change c7 reverted by the router";

/// The script with the rule id `cut` in place of `*A`.
fn revert_script(cut: &str) -> String {
    let s = REVERT_C7.replace("/remove *A }", &format!("/remove {cut} }}"));
    assert_ne!(s, REVERT_C7);
    s
}

async fn sim() -> SimHandle {
    Sim::start(SimConfig::default()).await.expect("sim starts")
}

/// A client that gives up on connecting, logging in and each call after `ms`.
fn client_within(sim: &SimHandle, ms: u64) -> Client {
    let addr = sim.addr();
    let mut cfg = ClientConfig::new(addr.ip().to_string(), addr.port(), "admin", "");
    cfg.connect_timeout = Duration::from_millis(ms);
    Client::new(cfg).unwrap()
}

fn request(command: &str, args: &[(&str, &str)], deadline_ms: u64) -> Request {
    let mut r = Request::new(command).limits(Limits {
        deadline: Duration::from_millis(deadline_ms),
        max_rows: 10_000,
    });
    for (n, v) in args {
        r = r.arg(*n, *v);
    }
    r
}

async fn call(client: &Client, command: &str, args: &[(&str, &str)]) -> Response {
    client
        .call(request(command, args, 5_000))
        .await
        .unwrap_or_else(|e| panic!("{command}: {e}"))
}

fn text(row: &Row, name: &str) -> String {
    row.get(name)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_default()
}

async fn rows(client: &Client, menu: &str) -> Vec<Row> {
    call(client, &format!("{menu}/print"), &[]).await.rows
}

fn ids(rows: &[Row]) -> Vec<String> {
    rows.iter().map(|r| text(r, ".id")).collect()
}

fn by_id<'a>(rows: &'a [Row], id: &str) -> Option<&'a Row> {
    rows.iter().find(|r| text(r, ".id") == id)
}

/// Messages of the log lines with `topics`, oldest first.
async fn log_lines(client: &Client, topics: &str) -> Vec<String> {
    rows(client, "/log")
        .await
        .iter()
        .filter(|r| text(r, "topics") == topics)
        .map(|r| text(r, "message"))
        .collect()
}

/// Whether a fresh connection logs in and answers within 300 ms.
async fn api_answers(sim: &SimHandle) -> bool {
    client_within(sim, 300)
        .call(request("/system/identity/print", &[], 300))
        .await
        .is_ok()
}

/// Change c7 as the host makes it: DNS record `*3` rewritten, `x.example` added, and an
/// input rule that drops the API port placed first (it cuts the API at once). Returns the
/// id of that rule.
async fn make_change(c: &Client) -> String {
    call(
        c,
        "/ip/dns/static/set",
        &[
            ("numbers", "*3"),
            ("name", "changed.lan"),
            ("address", "192.168.88.99"),
        ],
    )
    .await;
    call(
        c,
        "/ip/dns/static/add",
        &[("name", "x.example"), ("address", "10.9.9.9")],
    )
    .await;
    let added = call(
        c,
        "/ip/firewall/filter/add",
        &[
            ("chain", "input"),
            ("protocol", "tcp"),
            ("dst-port", "8728"),
            ("action", "drop"),
            ("place-before", "*1"),
        ],
    )
    .await;
    text(&added.done, "ret")
}

/// The configuration is back as the script says: every step ran.
async fn assert_reverted(c: &Client, cut: &str, filter_before: &[String]) {
    let dns = rows(c, "/ip/dns/static").await;
    let record = by_id(&dns, "*3").expect("record *3");
    assert_eq!(text(record, "name"), "a.example");
    assert_eq!(text(record, "address"), "10.0.0.1");
    assert!(record.get("comment").is_none(), "unset after set");
    assert!(dns.iter().all(|r| text(r, "name") != "x.example"));

    let filter = rows(c, "/ip/firewall/filter").await;
    assert!(by_id(&filter, cut).is_none(), "the cutting rule is gone");
    // Re-added before *2, then *5 moved before *2: *1, new, *5, *2, *3, *4, *6, ...
    assert_eq!(filter.len(), filter_before.len() + 1);
    let new = &filter[1];
    assert!(!filter_before.contains(&text(new, ".id")));
    for (field, value) in [
        ("chain", "input"),
        ("action", "accept"),
        ("protocol", "tcp"),
        ("dst-port", "8728"),
        ("disabled", "false"),
    ] {
        assert_eq!(text(new, field), value, "{field}");
    }
    let order = ids(&filter);
    assert_eq!(order[0], "*1");
    assert_eq!(order[2..6], ["*5", "*2", "*3", "*4"]);
    assert_eq!(order[6..], filter_before[5..]);
    assert_eq!(text(by_id(&filter, "*4").unwrap(), "disabled"), "true");
}

#[tokio::test]
async fn the_router_reverts_an_unconfirmed_change_that_cut_the_api() {
    let sim = sim().await;
    let c = client_within(&sim, 5_000);
    let filter_before = ids(&rows(&c, "/ip/firewall/filter").await);
    assert_eq!(filter_before[..5], ["*1", "*2", "*3", "*4", "*5"]);

    // The host arms the revert first, then makes the change.
    let cut = format!("*{:X}", filter_before.len() + 1);
    let script = revert_script(&cut);
    call(
        &c,
        "/system/script/add",
        &[("name", NAME), ("source", &script)],
    )
    .await;
    let script_row = &rows(&c, "/system/script").await[0];
    assert_eq!(text(script_row, "source"), script);
    assert_eq!(text(script_row, "invalid"), "false");
    call(
        &c,
        "/system/scheduler/add",
        &[("name", NAME), ("interval", "2s"), ("on-event", NAME)],
    )
    .await;
    let armed = Instant::now();
    assert_eq!(make_change(&c).await, cut);

    // Cut off: the open session gets no answer and a new one cannot log in (checked well
    // within the second before the revert can run).
    let err = c
        .call(request("/system/identity/print", &[], 250))
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Timeout { .. }), "{err:?}");
    assert!(!api_answers(&sim).await);

    // Nobody can reach the router; its scheduler reverts the change about 2 s after arming.
    while !api_answers(&sim).await {
        assert!(
            armed.elapsed() < Duration::from_secs(6),
            "the API is still cut off"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // On the router clock's second: one interval after the second it was added in.
    assert!(armed.elapsed() >= Duration::from_millis(1_000));

    // A new connection logs in and works; everything is as the script left it.
    let c = client_within(&sim, 5_000);
    assert_reverted(&c, &cut, &filter_before).await;
    assert!(rows(&c, "/system/scheduler").await.is_empty());
    assert!(rows(&c, "/system/script").await.is_empty());
    assert_eq!(
        log_lines(&c, "script,warning").await[1..],
        [NOT_CONFIRMED, REVERTED]
    );
    assert!(log_lines(&c, "script,error").await.is_empty());

    // The entry is gone: nothing runs again.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let warnings = log_lines(&c, "script,warning").await;
    assert_eq!(warnings.iter().filter(|m| *m == NOT_CONFIRMED).count(), 1);
    assert_eq!(warnings.iter().filter(|m| *m == REVERTED).count(), 1);
    sim.shutdown().await;
}

#[tokio::test]
async fn failing_steps_are_logged_and_the_rest_runs() {
    let sim = sim().await;
    let c = client_within(&sim, 5_000);
    let filter_before = ids(&rows(&c, "/ip/firewall/filter").await);
    // Record *3 is gone before the revert runs and rule *99 never existed: steps 3 and 2
    // (and the unset of *3's comment) fail; `[find name=…]` works like `[find where name=…]`.
    call(&c, "/ip/dns/static/remove", &[("numbers", "*3")]).await;
    call(
        &c,
        "/ip/dns/static/add",
        &[("name", "x.example"), ("address", "10.9.9.9")],
    )
    .await;
    let script = revert_script("*99").replace("[find where name=", "[find name=");
    call(
        &c,
        "/system/script/add",
        &[("name", NAME), ("source", &script)],
    )
    .await;
    call(
        &c,
        "/system/scheduler/add",
        &[("name", NAME), ("interval", "1h"), ("on-event", NAME)],
    )
    .await;
    // Run by hand: the script removes itself (and its entry) while it runs.
    call(&c, "/system/script/run", &[("number", NAME)]).await;

    assert_eq!(
        log_lines(&c, "script,error").await,
        [
            "mcp-mikrotik: revert of change c7 step 3 failed",
            "mcp-mikrotik: revert of change c7 step 2 failed",
            "...",
        ]
    );
    assert_eq!(
        log_lines(&c, "script,warning").await[1..],
        [NOT_CONFIRMED, REVERTED]
    );
    let filter = ids(&rows(&c, "/ip/firewall/filter").await);
    assert_eq!(filter.len(), filter_before.len() + 1);
    assert_eq!(filter[2..6], ["*5", "*2", "*3", "*4"]);
    let dns = rows(&c, "/ip/dns/static").await;
    assert!(dns.iter().all(|r| text(r, "name") != "x.example"));
    assert!(rows(&c, "/system/scheduler").await.is_empty());
    assert!(rows(&c, "/system/script").await.is_empty());
}
