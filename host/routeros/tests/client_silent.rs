//! The client against a router that keeps TCP open but stops answering (the simulator's
//! `Fault::Silent`): calls fail with clear errors, the session is dropped instead of wedging
//! every later call, and once the router answers again the client reconnects, waiting out its
//! backoff when the caller's deadline allows.

use std::time::{Duration, Instant};

use routeros::sim::{Fault, Sim, SimConfig, SimHandle};
use routeros::{CallError, Client, ClientConfig, Limits, Request};

async fn sim() -> SimHandle {
    Sim::start(SimConfig::default()).await.expect("sim starts")
}

fn client_for(sim: &SimHandle) -> Client {
    let addr = sim.addr();
    Client::new(ClientConfig::new(
        addr.ip().to_string(),
        addr.port(),
        "admin",
        "",
    ))
    .unwrap()
}

fn identity(deadline_ms: u64) -> Request {
    Request::new("/system/identity/print").limits(Limits {
        deadline: Duration::from_millis(deadline_ms),
        max_rows: 100,
    })
}

#[tokio::test]
async fn a_silent_router_is_an_error_and_its_session_is_dropped() {
    let sim = sim().await;
    let client = client_for(&sim);
    client.call(identity(5_000)).await.unwrap();

    sim.faults().set(Fault::Silent);
    // A command with a long deadline waits on the session...
    let waiting = {
        let client = client.clone();
        tokio::spawn(async move { client.call(identity(30_000)).await })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;
    // ...while one with a short deadline expires: an error, not an empty answer.
    let started = Instant::now();
    let r = client.call(identity(500)).await;
    match &r {
        Err(e @ CallError::Timeout { stage, .. }) if stage.contains("any answer") => {
            assert!(e.to_string().contains("/system/identity/print"), "{e}");
        }
        other => panic!("expected a timeout waiting for an answer, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2), "{r:?}");

    // Its /cancel goes unanswered too, so the session is declared dead within the grace
    // period and the waiting command is told, instead of hanging for its 30 s.
    let waited = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("the waiting command is released when the session is dropped")
        .unwrap();
    match &waited {
        Err(CallError::Connection { cause, .. }) if cause.contains("stopped answering") => {}
        other => panic!("expected a connection error, got {other:?}"),
    }

    // The router answers again: the next call reconnects and succeeds.
    sim.faults().clear();
    let r = client.call(identity(5_000)).await.unwrap();
    assert_eq!(r.rows.len(), 1);
}

#[tokio::test]
async fn a_call_inside_the_reconnect_backoff_waits_for_it_when_its_deadline_allows() {
    let sim = sim().await;
    let client = client_for(&sim);
    client.call(identity(5_000)).await.unwrap();

    // The router hangs: the session is dropped, then logins go unanswered, so each new try
    // fails and the backoff grows (100, 200, 400, 800 ms).
    sim.faults().set(Fault::Silent);
    let _ = client.call(identity(300)).await;
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let mut last = None;
    for _ in 0..4 {
        let r = client.call(identity(1_000)).await;
        assert!(
            matches!(&r, Err(CallError::Timeout { stage, .. }) if stage.contains("logging in")),
            "{r:?}"
        );
        last = r.err();
    }

    // The router is back. A call whose deadline ends before the backoff does gets the last
    // error at once...
    sim.faults().clear();
    let started = Instant::now();
    let r = client.call(identity(200)).await;
    assert_eq!(r.err(), last);
    assert!(started.elapsed() < Duration::from_millis(150));
    // ...and one whose deadline allows waits out the rest of the backoff and then connects.
    let r = client.call(identity(5_000)).await;
    assert_eq!(r.map(|r| r.rows.len()), Ok(1));
    assert!(started.elapsed() >= Duration::from_millis(400));
}
