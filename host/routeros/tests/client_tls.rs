//! api-ssl: the four verification modes against the simulator's generated certificate, the
//! fingerprint in failure messages, and the anonymous-DH refusal explained.

use std::time::Duration;

use routeros::sim::{Sim, SimConfig, SimHandle};
use routeros::{CallError, Client, ClientConfig, Limits, Request, TlsMode};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn tls_sim() -> SimHandle {
    Sim::start(SimConfig {
        tls_listen: Some("127.0.0.1:0".parse().unwrap()),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

fn client(port: u16, host: &str, mode: TlsMode) -> Client {
    let mut cfg = ClientConfig::new(host, port, "admin", "");
    cfg.tls = Some(mode);
    Client::new(cfg).unwrap()
}

fn quick() -> Request {
    Request::new("/system/identity/print").limits(Limits {
        deadline: Duration::from_secs(5),
        max_rows: 10,
    })
}

fn pin(hex_text: &str) -> TlsMode {
    TlsMode::Fingerprint(routeros::client::tls::parse_fingerprint(hex_text).unwrap())
}

#[tokio::test]
async fn pinned_fingerprint_connects() {
    let sim = tls_sim().await;
    let fp = sim.cert_fingerprint().unwrap();
    let port = sim.tls_addr().unwrap().port();
    let r = client(port, "127.0.0.1", pin(&fp))
        .call(quick())
        .await
        .unwrap();
    assert_eq!(r.rows.len(), 1);
}

#[tokio::test]
async fn wrong_pin_reports_the_presented_fingerprint() {
    let sim = tls_sim().await;
    let fp = sim.cert_fingerprint().unwrap();
    let port = sim.tls_addr().unwrap().port();
    let err = client(port, "127.0.0.1", pin(&"00".repeat(32)))
        .call(quick())
        .await
        .unwrap_err();
    assert!(matches!(err, CallError::Tls { .. }), "{err:?}");
    assert!(err.to_string().contains(&fp), "{err}");
}

#[tokio::test]
async fn system_roots_reject_a_self_signed_router_with_advice() {
    let sim = tls_sim().await;
    let fp = sim.cert_fingerprint().unwrap();
    let port = sim.tls_addr().unwrap().port();
    let Ok(c) = Client::new({
        let mut cfg = ClientConfig::new("localhost", port, "admin", "");
        cfg.tls = Some(TlsMode::SystemRoots);
        cfg
    }) else {
        return; // a machine without system roots: covered by the CA-file and pin tests
    };
    let err = c.call(quick()).await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, CallError::Tls { .. }), "{err:?}");
    assert!(
        msg.contains(&fp) && msg.contains("--tls-fingerprint"),
        "{msg}"
    );
}

#[tokio::test]
async fn ca_file_and_insecure_modes() {
    let sim = tls_sim().await;
    let port = sim.tls_addr().unwrap().port();
    let dir = std::env::temp_dir().join(format!("mcp-mikrotik-ca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let ca = dir.join("router.pem");
    std::fs::write(&ca, sim.cert_pem().unwrap()).unwrap();
    let via_ca = client(port, "localhost", TlsMode::CaFile(ca.clone()))
        .call(quick())
        .await;
    assert!(via_ca.is_ok(), "{via_ca:?}");
    let insecure = client(port, "127.0.0.1", TlsMode::Insecure)
        .call(quick())
        .await;
    assert!(insecure.is_ok(), "{insecure:?}");
    let missing = Client::new({
        let mut cfg = ClientConfig::new("localhost", port, "admin", "");
        cfg.tls = Some(TlsMode::CaFile(dir.join("nope.pem")));
        cfg
    });
    assert!(missing.err().unwrap().contains("nope.pem"));
    let _ = std::fs::remove_dir_all(dir);
}

/// A router whose api-ssl has no certificate can only offer anonymous DH: it answers our
/// ClientHello with a handshake_failure alert. The error must say what to do.
#[tokio::test]
async fn anonymous_dh_router_gets_a_clear_message() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        if let Ok((mut s, _)) = listener.accept().await {
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf).await;
            // TLS record: alert, TLS 1.2, length 2, fatal(2) handshake_failure(40).
            let _ = s
                .write_all(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28])
                .await;
            let _ = s.shutdown().await;
        }
    });
    let err = client(port, "127.0.0.1", TlsMode::Insecure)
        .call(quick())
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("anonymous Diffie-Hellman"), "{msg}");
    assert!(msg.contains("certificate"), "{msg}");
}

/// TLS pointed at the plain API port is named as such, well inside the connect deadline.
#[tokio::test]
async fn tls_to_the_plain_port_says_so() {
    let sim = tls_sim().await;
    let target = sim.addr().to_string();
    let started = std::time::Instant::now();
    let err = client(sim.addr().port(), "127.0.0.1", TlsMode::Insecure)
        .call(quick_within(15))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, CallError::Tls { .. }), "{err:?}");
    assert!(
        msg.contains(&format!("no TLS answer from {target}"))
            && msg.contains("this looks like the plain API port; use port 8729"),
        "{msg}"
    );
    assert!(started.elapsed() < Duration::from_secs(6), "{msg}");
}

/// A far end that accepts and never says a word fails after the TLS answer wait (3 s), not
/// after the 10 s connect deadline.
#[tokio::test]
async fn tls_to_a_silent_port_gives_up_after_three_seconds() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let keep = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(socket);
    });
    let started = std::time::Instant::now();
    let err = client(port, "127.0.0.1", TlsMode::Insecure)
        .call(quick_within(15))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(&format!("no TLS answer from 127.0.0.1:{port} within 3 s"))
            && msg.contains("use port 8729 for api-ssl or turn SSL off"),
        "{msg}"
    );
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(6),
        "{took:?}"
    );
    keep.abort();
}

/// The plain API pointed at the api-ssl port is named as such.
#[tokio::test]
async fn plain_to_the_tls_port_says_so() {
    let sim = tls_sim().await;
    let port = sim.tls_addr().unwrap().port();
    let err = Client::new(ClientConfig::new("127.0.0.1", port, "admin", ""))
        .unwrap()
        .call(quick_within(15))
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, CallError::Connection { .. }), "{err:?}");
    assert!(
        msg.contains(
            "this looks like the api-ssl (TLS) port; set ROUTEROS_USE_SSL=true or use port 8728"
        ),
        "{msg}"
    );
}

fn quick_within(secs: u64) -> Request {
    Request::new("/system/identity/print").limits(Limits {
        deadline: Duration::from_secs(secs),
        max_rows: 10,
    })
}
