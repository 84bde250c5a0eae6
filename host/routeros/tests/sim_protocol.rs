//! The simulated router's protocol behaviour over real TCP: login styles, tags and concurrent
//! commands, `/cancel`, `/quit`, streaming commands, faults and TLS.

mod sim_support;

use routeros::sim::{Fault, SimConfig, md5_response};
use sim_support::*;
use std::time::Duration;

#[tokio::test]
async fn plain_login_right_and_wrong_password() {
    let sim = start(SimConfig {
        password: "secret".into(),
        ..SimConfig::default()
    })
    .await;
    let mut c = connect(&sim).await;
    c.send(&["/login", "=name=admin", "=password=bad"]).await;
    assert_eq!(
        c.read().await.unwrap(),
        vec!["!trap", "=message=invalid user name or password (6)"]
    );
    assert_eq!(c.read().await.unwrap(), vec!["!done"]);
    c.send(&["/login", "=name=admin", "=password=secret", ".tag=1"])
        .await;
    assert_eq!(c.read().await.unwrap(), vec!["!done", ".tag=1"]);
    let r = c.call(&["/system/identity/print"]).await;
    assert_eq!(attr(&r[0], "name"), Some("sim-rb5009"));
}

#[tokio::test]
async fn legacy_challenge_login_and_hybrid_client() {
    let sim = start(SimConfig {
        password: "passTest".into(),
        legacy_login: true,
        ..SimConfig::default()
    })
    .await;
    let mut c = connect(&sim).await;
    // A modern client sending the password first also gets the challenge on an old router.
    c.send(&["/login", "=name=admin", "=password=passTest"])
        .await;
    let challenge = c.read().await.unwrap();
    assert_eq!(challenge[0], "!done");
    let hex = attr(&challenge, "ret").unwrap().to_string();
    assert_eq!(hex.len(), 32);
    let wrong = md5_response(b"nope", &hex_decode(&hex));
    c.send(&["/login", "=name=admin", &format!("=response={wrong}")])
        .await;
    assert_eq!(
        c.read().await.unwrap(),
        vec!["!trap", "=message=cannot log in"]
    );
    assert_eq!(c.read().await.unwrap(), vec!["!done"]);
    c.send(&["/login"]).await;
    let hex = attr(&c.read().await.unwrap(), "ret").unwrap().to_string();
    let resp = md5_response(b"passTest", &hex_decode(&hex));
    c.send(&["/login", "=name=admin", &format!("=response={resp}")])
        .await;
    assert_eq!(c.read().await.unwrap(), vec!["!done"]);
    assert_eq!(rows(&c.call(&["/system/resource/print"]).await).len(), 1);
}

fn hex_decode(h: &str) -> Vec<u8> {
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
        .collect()
}

#[tokio::test]
async fn command_before_login_is_fatal() {
    let sim = start(SimConfig::default()).await;
    let mut c = connect(&sim).await;
    c.send(&["/interface/print"]).await;
    assert_eq!(c.read().await.unwrap(), vec!["!fatal", "not logged in"]);
    assert!(c.closed().await);
}

#[tokio::test]
async fn quit_is_fatal_with_a_bare_reason() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    c.send(&["/quit"]).await;
    assert_eq!(
        c.read().await.unwrap(),
        vec!["!fatal", "session terminated on request"]
    );
    assert!(c.closed().await);
}

#[tokio::test]
async fn tagged_commands_interleave_and_finish_separately() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    c.send(&[
        "/ping",
        "=address=192.168.88.1",
        "=count=3",
        "=interval=50ms",
        ".tag=p",
    ])
    .await;
    c.send(&["/interface/print", "=.proplist=name", ".tag=i"])
        .await;
    let mut done = Vec::new();
    let (mut pings, mut ifaces) = (0, 0);
    while done.len() < 2 {
        let s = c.read().await.unwrap();
        // The tag comes right after the reply word (RouterOS 7 order).
        let tag = s[1].clone();
        match (s[0].as_str(), tag.as_str()) {
            ("!re", ".tag=p") => pings += 1,
            ("!re", ".tag=i") => ifaces += 1,
            ("!done", t) => done.push(t.to_string()),
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(pings, 3);
    assert!(ifaces >= 12);
    // The interface list finishes while the ping still runs.
    assert_eq!(done, vec![".tag=i", ".tag=p"]);
}

#[tokio::test]
async fn cancel_by_tag_and_cancel_all() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    c.send(&["/ping", "=address=1.1.1.1", "=interval=20ms", ".tag=a"])
        .await;
    let first = c.read().await.unwrap();
    assert_eq!(first[..2], ["!re", ".tag=a"]);
    c.send(&["/cancel", "=tag=a", ".tag=c"]).await;
    let mut seen = Vec::new();
    loop {
        let s = c.read().await.unwrap();
        if s[0] == "!re" {
            continue;
        }
        seen.push(s.clone());
        if s == ["!done", ".tag=a"] {
            break;
        }
    }
    assert_eq!(
        seen,
        vec![
            vec!["!trap", ".tag=a", "=category=2", "=message=interrupted"],
            vec!["!done", ".tag=c"],
            vec!["!done", ".tag=a"],
        ]
    );
    // /cancel without a tag interrupts everything running.
    c.send(&["/interface/monitor-traffic", "=interface=ether1", ".tag=m1"])
        .await;
    c.send(&["/ping", "=address=8.8.8.8", ".tag=m2"]).await;
    c.send(&["/cancel", ".tag=all"]).await;
    let mut traps = 0;
    let mut dones = Vec::new();
    while dones.len() < 3 {
        let s = c.read().await.unwrap();
        match s[0].as_str() {
            "!trap" => traps += 1,
            "!done" => dones.push(s[1].clone()),
            _ => {}
        }
    }
    assert_eq!(traps, 2);
    dones.sort();
    assert_eq!(dones, vec![".tag=all", ".tag=m1", ".tag=m2"]);
    // The session still works.
    assert_eq!(c.call(&["/ip/dns/print"]).await.len(), 2);
}

#[tokio::test]
async fn ping_counts_and_timeouts() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    let r = c
        .call(&[
            "/tool/ping",
            "=address=8.8.8.8",
            "=count=3",
            "=interval=10ms",
        ])
        .await;
    let re = rows(&r);
    assert_eq!(re.len(), 3);
    assert_eq!(column(&r, "seq"), vec!["0", "1", "2"]);
    assert_eq!(column(&r, "received"), vec!["1", "2", "3"]);
    assert!(
        re.iter()
            .all(|s| attr(s, "time").is_some_and(|t| t.ends_with("us") || t.ends_with("ms")))
    );
    assert_eq!(attr(re[2], "packet-loss"), Some("0"));
    let r = c
        .call(&[
            "/ping",
            "=address=10.255.255.1",
            "=count=2",
            "=interval=10ms",
        ])
        .await;
    let re = rows(&r);
    assert_eq!(re.len(), 2);
    assert!(
        re.iter()
            .all(|s| attr(s, "status") == Some("timeout") && attr(s, "time").is_none())
    );
    assert_eq!(attr(re[1], "packet-loss"), Some("100"));
    let r = c.call(&["/ping", "=count=1"]).await;
    assert_eq!(r[0][0], "!trap");
}

#[tokio::test]
async fn monitor_traffic_once_and_streaming() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    let r = c
        .call(&[
            "/interface/monitor-traffic",
            "=interface=ether1,bridge",
            "=once=",
        ])
        .await;
    assert_eq!(column(&r, "name"), vec!["ether1", "bridge"]);
    let bits: u64 = column(&r, "rx-bits-per-second")[0].parse().unwrap();
    assert!(bits > 0);
    c.send(&["/interface/monitor-traffic", "=interface=ether2", ".tag=m"])
        .await;
    for _ in 0..2 {
        let s = c.read().await.unwrap();
        assert_eq!(s[..2], ["!re", ".tag=m"]);
        assert_eq!(attr(&s, "name"), Some("ether2"));
    }
    c.send(&["/cancel", "=tag=m"]).await;
    let r = c.until_done(Some("m")).await;
    assert!(r.iter().any(|s| s[0] == "!trap"));
    let r = c
        .call(&["/interface/monitor-traffic", "=interface=nope", "=once="])
        .await;
    assert_eq!(attr(&r[0], "category"), Some("1"));
}

#[tokio::test]
async fn fault_fatal_garbage_control_byte() {
    let sim = start(SimConfig::default()).await;
    sim.faults().set_once(Fault::Fatal);
    let mut c = logged_in(&sim).await;
    c.send(&["/interface/print"]).await;
    let s = c.read().await.unwrap();
    assert_eq!(s.len(), 2);
    assert_eq!(s[0], "!fatal");
    assert!(c.closed().await);
    // One-shot: the next session works.
    let mut c = logged_in(&sim).await;
    assert!(rows(&c.call(&["/interface/print"]).await).len() > 5);

    sim.faults().set_once(Fault::ControlByte);
    c.send(&["/interface/print"]).await;
    let b = c.read_bytes().await;
    assert!(b.len() == 1 && b[0] >= 0xF8, "{b:?}");
    assert!(c.read_bytes().await.is_empty());

    sim.faults().set_once(Fault::Garbage);
    let mut c = logged_in(&sim).await;
    c.send(&["/interface/print"]).await;
    let mut all = Vec::new();
    loop {
        let b = c.read_bytes().await;
        if b.is_empty() {
            break;
        }
        all.extend(b);
    }
    assert!(all.starts_with(b"HTTP/1.1 400"));
}

#[tokio::test]
async fn fault_stall_drop_slow() {
    let sim = start(SimConfig::default()).await;
    let mut c = logged_in(&sim).await;
    sim.faults().set_once(Fault::Stall);
    c.send(&["/interface/print", ".tag=s"]).await;
    c.send(&["/system/identity/print", ".tag=ok"]).await;
    let r = c.until_done(Some("ok")).await;
    assert!(
        r.iter().all(|s| s.contains(&".tag=ok".to_string())),
        "the stalled command said nothing"
    );
    c.send(&["/cancel", "=tag=s"]).await;
    let r = c.until_done(Some("s")).await;
    assert_eq!(r[0][0], "!trap");

    sim.faults().set_once(Fault::DropMidReply);
    c.send(&["/log/print"]).await;
    let mut n = 0;
    while let Some(s) = c.read().await {
        assert_eq!(s[0], "!re");
        n += 1;
    }
    assert!((1..60).contains(&n), "{n}");

    sim.faults()
        .set(Fault::SlowReplies(Duration::from_millis(5)));
    let mut c = logged_in(&sim).await;
    let r = c.call(&["/ip/address/print"]).await;
    assert_eq!(rows(&r).len(), 4);
    sim.faults().clear();
    assert_eq!(sim.faults().current(), None);
}

#[tokio::test]
async fn refused_login_fault() {
    let sim = start(SimConfig::default()).await;
    sim.faults().set_once(Fault::RefuseLogin);
    let mut c = connect(&sim).await;
    c.send(&["/login", "=name=admin", "=password="]).await;
    assert_eq!(c.read().await.unwrap()[0], "!trap");
    c.read().await.unwrap();
    c.send(&["/login", "=name=admin", "=password="]).await;
    assert_eq!(c.read().await.unwrap(), vec!["!done"]);
}

#[tokio::test]
async fn tls_with_the_published_fingerprint() {
    use rustls::pki_types::ServerName;
    use std::sync::Arc;
    let sim = start(SimConfig {
        tls_listen: Some("127.0.0.1:0".parse().unwrap()),
        ..SimConfig::default()
    })
    .await;
    let pem = sim.cert_pem().unwrap();
    let fp = sim.cert_fingerprint().unwrap();
    let der = rustls::pki_types::pem::PemObject::from_pem_slice(pem.as_bytes())
        .map(|c: rustls::pki_types::CertificateDer<'static>| c)
        .unwrap();
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(der.as_ref())), fp);
    let mut roots = rustls::RootCertStore::empty();
    roots.add(der).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = tokio::net::TcpStream::connect(sim.tls_addr().unwrap())
        .await
        .unwrap();
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").unwrap(), tcp)
        .await
        .unwrap();
    let mut c = Conn::new(tls);
    c.send(&["/login", "=name=admin", "=password="]).await;
    assert_eq!(c.read().await.unwrap(), vec!["!done"]);
    let r = c.call(&["/system/routerboard/print"]).await;
    assert_eq!(attr(&r[0], "model"), Some("RB5009UG+S+"));
}

/// A TLS handshake on the plain port gets silence, even when its bytes happen to frame as an
/// API sentence (here: a 22-byte word, then the end of the sentence).
#[tokio::test]
async fn tls_on_the_plain_port_gets_no_answer() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let sim = start(SimConfig::default()).await;
    let mut tcp = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let mut hello = vec![0x16, 0x03, 0x01, 0x02, 0x00, 0x01];
    hello.resize(23, 0x41);
    hello.push(0);
    tcp.write_all(&hello).await.unwrap();
    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(Duration::from_millis(500), tcp.read(&mut byte)).await;
    assert!(read.is_err(), "the router answered: {read:?}");
    // The same bytes after a real login are no TLS and get the usual answer.
    let mut c = logged_in(&sim).await;
    c.send_raw(&[b"\x03\x01"]).await;
    assert_eq!(c.read().await.unwrap()[0], "!trap");
}
