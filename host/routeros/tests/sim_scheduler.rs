//! The simulated router's safety net for changes, over real TCP with the crate's client:
//! `/system/scheduler` entries that run by the router's clock, and firewall rules that cut
//! the API the way they cut a real router's — until a scheduled revert script removes them.

use std::time::{Duration, Instant};

use routeros::sim::{Sim, SimConfig, SimHandle};
use routeros::{CallError, Client, ClientConfig, Limits, Request, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

async fn sim() -> SimHandle {
    Sim::start(SimConfig::default()).await.expect("sim starts")
}

/// A client that gives up on connecting and logging in after `ms`.
fn client_within(sim: &SimHandle, ms: u64) -> Client {
    let addr = sim.addr();
    let mut cfg = ClientConfig::new(addr.ip().to_string(), addr.port(), "admin", "");
    cfg.connect_timeout = Duration::from_millis(ms);
    Client::new(cfg).unwrap()
}

fn client_for(sim: &SimHandle) -> Client {
    client_within(sim, 5_000)
}

fn text(row: &routeros::Row, name: &str) -> String {
    row.get(name)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_default()
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

/// Whether a fresh connection logs in and answers within 500 ms.
async fn api_answers(sim: &SimHandle) -> bool {
    client_within(sim, 500)
        .call(request("/system/identity/print", &[], 500))
        .await
        .is_ok()
}

/// Whether a raw TCP connection gets any byte back to a login within `ms`.
async fn raw_login_answered(sim: &SimHandle, ms: u64) -> bool {
    let mut tcp = TcpStream::connect(sim.addr()).await.expect("TCP connects");
    let login = routeros::codec::encode_sentence(&["/login", "=name=admin", "=password="]);
    tcp.write_all(&login).await.unwrap();
    let mut byte = [0u8; 1];
    matches!(
        tokio::time::timeout(Duration::from_millis(ms), tcp.read(&mut byte)).await,
        Ok(Ok(n)) if n > 0
    )
}

#[tokio::test]
async fn a_scheduled_revert_reopens_the_api_and_cleans_up() {
    let sim = sim().await;
    let c = client_for(&sim);
    let revert = "/ip firewall filter remove [find comment=\"cut-api\"]\n\
        /system scheduler remove [find name=\"revert-1\"]\n\
        /system script remove [find name=\"revert-1\"]\n\
        :log info \"change reverted\"";
    call(
        &c,
        "/system/script/add",
        &[("name", "revert-1"), ("source", revert)],
    )
    .await;
    call(
        &c,
        "/system/scheduler/add",
        &[
            ("name", "revert-1"),
            ("interval", "3s"),
            ("on-event", "revert-1"),
        ],
    )
    .await;
    let armed = Instant::now();
    let first = text(
        &call(&c, "/ip/firewall/filter/print", &[]).await.rows[0],
        ".id",
    );
    // The change: a drop of the API before every other rule (the reply still arrives).
    call(
        &c,
        "/ip/firewall/filter/add",
        &[
            ("chain", "input"),
            ("action", "drop"),
            ("protocol", "tcp"),
            ("dst-port", "8728"),
            ("comment", "cut-api"),
            ("place-before", &first),
        ],
    )
    .await;

    // Cut off: the open session gets no answer, a new one cannot log in, raw TCP gets nothing.
    let err = c
        .call(request("/system/identity/print", &[], 400))
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Timeout { .. }), "{err:?}");
    let err = client_within(&sim, 400)
        .call(request("/system/identity/print", &[], 400))
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Timeout { .. }), "{err:?}");
    assert!(!raw_login_answered(&sim, 300).await);

    // The router reverts on its own: the API answers again within about one interval.
    while !api_answers(&sim).await {
        assert!(
            armed.elapsed() < Duration::from_secs(6),
            "the API is still cut off"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // It runs on the router clock's second: one interval after the second it was added in.
    assert!(armed.elapsed() >= Duration::from_millis(2_000));

    let c = client_for(&sim);
    let rules = call(&c, "/ip/firewall/filter/print", &[]).await.rows;
    assert!(rules.iter().all(|r| text(r, "comment") != "cut-api"));
    assert_eq!(text(&rules[0], ".id"), first);
    assert!(
        call(&c, "/system/scheduler/print", &[])
            .await
            .rows
            .is_empty()
    );
    assert!(call(&c, "/system/script/print", &[]).await.rows.is_empty());
    let log = call(&c, "/log/print", &[]).await.rows;
    let line = log
        .iter()
        .rev()
        .find(|r| text(r, "message") == "change reverted")
        .expect("the revert script logged its line");
    assert_eq!(text(line, "topics"), "script,info");
    sim.shutdown().await;
}

#[tokio::test]
async fn a_drop_after_the_established_accept_cuts_new_connections_only() {
    let sim = sim().await;
    let c = client_for(&sim);
    let id = text(
        &call(
            &c,
            "/ip/firewall/filter/add",
            &[
                ("chain", "input"),
                ("action", "drop"),
                ("comment", "no new"),
            ],
        )
        .await
        .done,
        "ret",
    );
    // The open session goes on (defconf accepts established first); new ones are dropped.
    call(&c, "/system/identity/print", &[]).await;
    assert!(!api_answers(&sim).await);
    assert!(!raw_login_answered(&sim, 300).await);
    // A connection opened meanwhile carries on once the rule goes, as after a SYN retry.
    let mut waiting = TcpStream::connect(sim.addr()).await.unwrap();
    let login = routeros::codec::encode_sentence(&["/login", "=name=admin", "=password="]);
    waiting.write_all(&login).await.unwrap();

    call(&c, "/ip/firewall/filter/disable", &[("numbers", &id)]).await;
    assert!(api_answers(&sim).await);
    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(Duration::from_secs(2), waiting.read(&mut byte)).await;
    assert!(matches!(read, Ok(Ok(1))), "{read:?}");

    // Enabled again, then moved before the established accept: everything is cut.
    call(&c, "/ip/firewall/filter/enable", &[("numbers", &id)]).await;
    assert!(!api_answers(&sim).await);
    call(&c, "/system/identity/print", &[]).await;
    let first = text(
        &call(&c, "/ip/firewall/filter/print", &[]).await.rows[0],
        ".id",
    );
    call(
        &c,
        "/ip/firewall/filter/move",
        &[("numbers", &id), ("destination", &first)],
    )
    .await;
    let err = c
        .call(request("/system/identity/print", &[], 400))
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn scheduler_entries_print_like_routeros_and_run_source() {
    let sim = sim().await;
    let c = client_for(&sim);
    call(
        &c,
        "/system/scheduler/add",
        &[
            ("name", "tick"),
            ("interval", "1s"),
            ("on-event", ":log info \"tick ran\""),
            ("comment", "every second"),
        ],
    )
    .await;
    call(
        &c,
        "/system/scheduler/add",
        &[
            ("name", "idle"),
            ("interval", "00:01:30"),
            ("disabled", "yes"),
        ],
    )
    .await;
    call(
        &c,
        "/system/scheduler/add",
        &[("name", "zero"), ("on-event", "x")],
    )
    .await;
    let rows = call(&c, "/system/scheduler/print", &[]).await.rows;
    let tick = &rows[0];
    for (field, value) in [
        ("name", "tick"),
        ("interval", "1s"),
        ("owner", "admin"),
        ("run-count", "0"),
        ("disabled", "false"),
        ("comment", "every second"),
    ] {
        assert_eq!(text(tick, field), value, "{field}");
    }
    assert_eq!(text(tick, "start-date").len(), 10);
    assert_eq!(text(tick, "start-time").len(), 8);
    assert_eq!(text(tick, "next-run").len(), 19);
    assert_eq!(text(&rows[1], "interval"), "1m30s");
    assert!(rows[1].get("next-run").is_none());
    assert_eq!(text(&rows[2], "interval"), "0s");
    assert!(rows[2].get("next-run").is_none());

    let rows = loop {
        let rows = call(&c, "/system/scheduler/print", &[]).await.rows;
        if text(&rows[0], "run-count") != "0" {
            break rows;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(text(&rows[0], "run-count"), "1");
    assert_eq!(text(&rows[1], "run-count"), "0");
    assert_eq!(text(&rows[2], "run-count"), "0");
    // The run is counted as it starts; its line follows.
    let deadline = Instant::now() + Duration::from_secs(2);
    loop {
        let log = call(&c, "/log/print", &[]).await.rows;
        if log.iter().any(|r| text(r, "message") == "tick ran") {
            break;
        }
        assert!(Instant::now() < deadline, "the entry's line is missing");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    for (field, value) in [
        ("interval", "soon"),
        ("start-time", "25:00:00"),
        ("run-count", "5"),
    ] {
        let r = c
            .call(request(
                "/system/scheduler/add",
                &[("name", "bad"), (field, value)],
                2_000,
            ))
            .await;
        assert!(
            matches!(&r, Err(CallError::Trap { message, .. }) if message.contains(field)),
            "{field}: {r:?}"
        );
    }
}

#[tokio::test]
async fn a_failing_scheduled_script_is_logged() {
    let sim = sim().await;
    let c = client_for(&sim);
    call(
        &c,
        "/system/scheduler/add",
        &[
            ("name", "broken"),
            ("interval", "1s"),
            ("on-event", "/ip firewall filter remove *999"),
        ],
    )
    .await;
    let line = loop {
        let log = call(&c, "/log/print", &[]).await.rows;
        if let Some(line) = log
            .into_iter()
            .find(|r| text(r, "topics") == "script,error")
        {
            break line;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(
        text(&line, "message"),
        "executing script from scheduler (broken) failed, please check it manually: \
         no such item (line 1)"
    );
}
