//! The RouterOS client against the simulated router over real TCP: login styles, replies,
//! tags, deadlines, row caps, traps and every fault the simulator can inject.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use routeros::sim::{Fault, Sim, SimConfig, SimHandle};
use routeros::{CallError, Client, ClientConfig, Cut, Limits, Request, RowObserver};

async fn sim(config: SimConfig) -> SimHandle {
    Sim::start(config).await.expect("sim starts")
}

fn client_for(sim: &SimHandle, user: &str, password: &str) -> Client {
    let addr = sim.addr();
    Client::new(ClientConfig::new(
        addr.ip().to_string(),
        addr.port(),
        user,
        password,
    ))
    .unwrap()
}

fn text(row: &routeros::Row, name: &str) -> String {
    row.get(name)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_default()
}

fn limits(ms: u64, rows: usize) -> Limits {
    Limits {
        deadline: Duration::from_millis(ms),
        max_rows: rows,
    }
}

#[tokio::test]
async fn plain_login_and_print_with_proplist_and_query() {
    let sim = sim(SimConfig::default()).await;
    let client = client_for(&sim, "admin", "");
    let r = client
        .call(
            Request::new("/interface/print")
                .arg(".proplist", "name,type")
                .query("type=ether"),
        )
        .await
        .unwrap();
    assert!(r.is_complete());
    assert!(r.rows.len() >= 8, "ether1..ether8, got {}", r.rows.len());
    for row in &r.rows {
        assert_eq!(text(row, "type"), "ether");
        assert!(row.iter().all(|a| a.name == b"name" || a.name == b"type"));
    }
    assert!(r.rows.iter().any(|row| text(row, "name") == "ether1"));
}

#[tokio::test]
async fn legacy_md5_login() {
    let sim = sim(SimConfig {
        legacy_login: true,
        password: "s3cret".into(),
        ..SimConfig::default()
    })
    .await;
    let r = client_for(&sim, "admin", "s3cret")
        .call(Request::new("/system/identity/print"))
        .await
        .unwrap();
    assert_eq!(r.rows.len(), 1);
}

#[tokio::test]
async fn wrong_password_is_a_login_error_without_the_password() {
    let sim = sim(SimConfig {
        password: "right".into(),
        ..SimConfig::default()
    })
    .await;
    let err = client_for(&sim, "admin", "wrong-pass")
        .call(Request::new("/system/identity/print"))
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Login { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("invalid user name or password"), "{msg}");
    assert!(!msg.contains("wrong-pass"));
}

#[tokio::test]
async fn sixty_four_commands_in_flight_on_one_session() {
    let sim = sim(SimConfig::default()).await;
    let client = client_for(&sim, "admin", "");
    let mut tasks = Vec::new();
    for i in 0..64 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let name = format!("ether{}", i % 8 + 1);
            let r = client
                .call(Request::new("/interface/print").query(format!("name={name}")))
                .await
                .unwrap();
            assert_eq!(r.rows.len(), 1);
            assert_eq!(text(&r.rows[0], "name"), name);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
}

#[tokio::test]
async fn streaming_ping_is_cancelled_at_the_deadline() {
    let sim = sim(SimConfig::default()).await;
    let client = client_for(&sim, "admin", "");
    let r = client
        .call(
            Request::new("/ping")
                .arg("address", "127.0.0.1")
                .arg("interval", "100ms")
                .limits(limits(700, 1000)),
        )
        .await
        .unwrap();
    assert_eq!(r.cut, Some(Cut::Deadline));
    assert!(!r.rows.is_empty());
    // The session survives the /cancel.
    let after = client.call(Request::new("/system/identity/print")).await;
    assert!(after.is_ok(), "{after:?}");
}

#[tokio::test]
async fn row_cap_truncates_and_cancels() {
    let sim = sim(SimConfig {
        routes: 20_000,
        ..SimConfig::default()
    })
    .await;
    let client = client_for(&sim, "admin", "");
    let r = client
        .call(Request::new("/ip/route/print").limits(limits(10_000, 100)))
        .await
        .unwrap();
    assert_eq!(r.rows.len(), 100);
    assert_eq!(r.cut, Some(Cut::RowCap));
    let count = client
        .call(Request::new("/ip/route/print").arg("count-only", ""))
        .await
        .unwrap();
    let n: usize = text(&count.done, "ret").parse().unwrap();
    assert!(n >= 20_000, "count-only says {n}");
}

#[tokio::test]
async fn stream_hands_every_row_over_and_keeps_none() {
    let sim = sim(SimConfig {
        routes: 20_000,
        ..SimConfig::default()
    })
    .await;
    let client = client_for(&sim, "admin", "");
    let observed = Arc::new(AtomicUsize::new(0));
    let seen = observed.clone();
    let mut request = Request::new("/ip/route/print").limits(limits(30_000, 1_000_000));
    request.on_row = Some(RowObserver(Arc::new(move |n, _| {
        seen.store(n, Ordering::Relaxed);
    })));
    let (mut rows, mut last) = (0, String::new());
    let r = client
        .stream(request, |row| {
            rows += 1;
            last = text(&row, "dst-address");
        })
        .await
        .unwrap();
    assert!(r.is_complete() && r.rows.is_empty());
    assert!(rows > 20_000, "{rows}");
    assert_eq!(observed.load(Ordering::Relaxed), rows);
    assert_eq!(last, "1.78.31.0/24", "the last generated route");
    let mut capped = 0;
    let r = client
        .stream(
            Request::new("/ip/route/print").limits(limits(30_000, 250)),
            |_| capped += 1,
        )
        .await
        .unwrap();
    assert_eq!((capped, r.cut), (250, Some(Cut::RowCap)));
    let after = client.call(Request::new("/system/identity/print")).await;
    assert_eq!(after.unwrap().rows.len(), 1, "the session survives the cap");
}

#[tokio::test]
async fn traps_carry_category_and_message() {
    let sim = sim(SimConfig::default()).await;
    let client = client_for(&sim, "admin", "");
    let err = client
        .call(Request::new("/ip/nothing-here/print"))
        .await
        .unwrap_err();
    match &err {
        CallError::Trap {
            category, message, ..
        } => {
            assert_eq!(*category, Some(0));
            assert!(message.contains("no such command"), "{message}");
        }
        other => panic!("expected a trap, got {other:?}"),
    }
    let err = client
        .call(
            Request::new("/interface/set")
                .arg(".id", "*FFFFFF")
                .arg("mtu", "1400"),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Trap { .. }), "{err:?}");
}

#[tokio::test]
async fn add_returns_the_new_id_and_remove_takes_it() {
    let sim = sim(SimConfig::default()).await;
    let client = client_for(&sim, "admin", "");
    let r = client
        .call(
            Request::new("/ip/dns/static/add")
                .arg("name", "mcp-test.lan")
                .arg("address", "192.168.88.50")
                .arg("comment", "a=b=c"),
        )
        .await
        .unwrap();
    let id = text(&r.done, "ret");
    assert!(id.starts_with('*'), "{id}");
    let found = client
        .call(Request::new("/ip/dns/static/print").query(format!(".id={id}")))
        .await
        .unwrap();
    assert_eq!(found.rows.len(), 1);
    assert_eq!(text(&found.rows[0], "comment"), "a=b=c");
    client
        .call(Request::new("/ip/dns/static/remove").arg(".id", id.clone()))
        .await
        .unwrap();
    let gone = client
        .call(Request::new("/ip/dns/static/print").query(format!(".id={id}")))
        .await
        .unwrap();
    assert!(gone.rows.is_empty());
    assert!(gone.empty, "RouterOS 7.18+ says !empty");
}

#[tokio::test]
async fn router_down_fails_fast_and_client_is_lazy() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = Client::new(ClientConfig::new("127.0.0.1", port, "admin", "")).unwrap();
    let started = Instant::now();
    let err = client
        .call(Request::new("/interface/print").limits(limits(20_000, 10)))
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Connection { .. }), "{err:?}");
    assert!(err.to_string().contains(&format!("127.0.0.1:{port}")));
    assert!(started.elapsed() < Duration::from_secs(10), "no hang");
}

#[tokio::test]
async fn ipv6_and_hostname_targets() {
    let sim6 = sim(SimConfig {
        listen: "[::1]:0".parse().unwrap(),
        ..SimConfig::default()
    })
    .await;
    let c6 = Client::new(ClientConfig::new("::1", sim6.addr().port(), "admin", "")).unwrap();
    assert!(c6.target().starts_with("[::1]:"));
    c6.call(Request::new("/system/identity/print"))
        .await
        .unwrap();
    let sim4 = sim(SimConfig::default()).await;
    let byname = Client::new(ClientConfig::new(
        "localhost",
        sim4.addr().port(),
        "admin",
        "",
    ))
    .unwrap();
    byname
        .call(Request::new("/system/identity/print"))
        .await
        .unwrap();
}

#[tokio::test]
async fn windows_1252_values_keep_their_bytes() {
    let sim = sim(SimConfig::default()).await;
    let client = client_for(&sim, "admin", "");
    let r = client
        .call(Request::new("/ip/dhcp-server/lease/print"))
        .await
        .unwrap();
    let odd: Vec<_> = r
        .rows
        .iter()
        .flatten()
        .filter(|a| !a.value_is_utf8())
        .collect();
    assert!(!odd.is_empty(), "the simulator has a Windows-1252 comment");
    for a in odd {
        assert!(!a.value().contains('\u{FFFD}'));
        assert_eq!(
            routeros::text::encode_cp1252(&a.value()).unwrap(),
            a.value.to_vec()
        );
    }
}

/// Each fault gives the right typed error within the deadline, and the next command on a
/// fresh session succeeds.
#[tokio::test]
async fn every_fault_then_recovery() {
    let sim = sim(SimConfig {
        routes: 5_000,
        ..SimConfig::default()
    })
    .await;
    let client = client_for(&sim, "admin", "");
    client
        .call(Request::new("/system/identity/print"))
        .await
        .unwrap();

    type Check = fn(&Result<routeros::Response, CallError>) -> bool;
    let cases: Vec<(Fault, Check)> = vec![
        (Fault::DropMidReply, |r| {
            matches!(r, Err(CallError::Connection { .. }))
        }),
        (Fault::Garbage, |r| {
            matches!(r, Err(CallError::Connection { .. }))
        }),
        (Fault::ControlByte, |r| {
            matches!(r, Err(CallError::Connection { .. }))
        }),
        (Fault::Fatal, |r| matches!(r, Err(CallError::Fatal { .. }))),
        // Nothing at all came for the command: an error, never an empty answer.
        (
            Fault::Stall,
            |r| matches!(r, Err(CallError::Timeout { stage, .. }) if stage.contains("any answer")),
        ),
    ];
    for (fault, expected) in cases {
        sim.faults().set_once(fault.clone());
        let started = Instant::now();
        let r = client
            .call(Request::new("/ip/route/print").limits(limits(800, 100_000)))
            .await;
        assert!(expected(&r), "{fault:?} gave {r:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "{fault:?} hung");
        let next = client.call(Request::new("/system/identity/print")).await;
        assert!(next.is_ok(), "after {fault:?}: {next:?}");
    }

    sim.faults()
        .set(Fault::SlowReplies(Duration::from_millis(20)));
    let r = client
        .call(Request::new("/system/identity/print"))
        .await
        .unwrap();
    assert_eq!(r.rows.len(), 1);
    sim.faults().clear();
}

/// A broken session fails every command waiting on it at once, and the next call reconnects.
#[tokio::test]
async fn broken_session_fails_all_waiting_commands_at_once() {
    let sim = sim(SimConfig::default()).await;
    let client = client_for(&sim, "admin", "");
    let mut pings = Vec::new();
    for _ in 0..5 {
        let client = client.clone();
        pings.push(tokio::spawn(async move {
            client
                .call(
                    Request::new("/ping")
                        .arg("address", "127.0.0.1")
                        .arg("interval", "50ms")
                        .limits(limits(30_000, 100_000)),
                )
                .await
        }));
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    sim.faults().set_once(Fault::Garbage);
    let started = Instant::now();
    let trigger = client.call(Request::new("/interface/print")).await;
    assert!(
        matches!(trigger, Err(CallError::Connection { .. })),
        "{trigger:?}"
    );
    for p in pings {
        let r = p.await.unwrap();
        assert!(matches!(r, Err(CallError::Connection { .. })), "{r:?}");
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "waiting commands were told at once"
    );
    client
        .call(Request::new("/system/identity/print"))
        .await
        .unwrap();
}
