//! RouterOS benchmarks: decoder throughput, and a 1,000,000-route `/ip/route/print` through
//! the client from the simulated router (run as a separate process, so the RSS figures are the
//! client's own).
//!
//! Run: `cargo bench -p mcp-mikrotik --bench routeros` (add `-- --routes N` to change the size).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use mcp_mikrotik::routeros::codec::{SentenceDecoder, put_sentence};
use mcp_mikrotik::routeros::{Client, ClientConfig, Limits, Request};

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn current_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn bench_decoder() {
    let mut buf = BytesMut::new();
    let n = 200_000;
    for i in 0..n {
        let words = [
            "!re".to_string(),
            ".tag=7".to_string(),
            format!("=.id=*{i:X}"),
            format!("=dst-address=10.{}.{}.0/24", i / 256 % 256, i % 256),
            "=gateway=192.168.88.254".to_string(),
            "=immediate-gw=192.168.88.254%bridge".to_string(),
            "=distance=1".to_string(),
            "=scope=30".to_string(),
            "=target-scope=10".to_string(),
            "=routing-table=main".to_string(),
            "=active=true".to_string(),
            "=static=true".to_string(),
        ];
        put_sentence(&words, &mut buf);
    }
    let bytes = buf.len();
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let mut data = buf.clone();
        let mut dec = SentenceDecoder::default();
        let started = Instant::now();
        let mut count = 0;
        while let Some(s) = dec.decode(&mut data).unwrap() {
            count += s.len().min(1);
        }
        assert_eq!(count, n);
        best = best.min(started.elapsed());
    }
    let secs = best.as_secs_f64();
    println!(
        "decoder: {n} sentences, {:.1} MB in {:.1} ms -> {:.0} MB/s, {:.2} M sentences/s",
        bytes as f64 / 1e6,
        secs * 1e3,
        bytes as f64 / 1e6 / secs,
        n as f64 / secs / 1e6
    );
}

fn start_sim(routes: usize) -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mcp-mikrotik"))
        .args([
            "sim",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--routes",
            &routes.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start mcp-mikrotik sim");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::spawn(move || while let Some(Ok(_)) = lines.next() {});
    (child, port)
}

async fn bench_routes(port: u16, routes: usize, cap: usize) {
    let client = Client::new(ClientConfig::new("127.0.0.1", port, "admin", "")).unwrap();
    client
        .call(Request::new("/system/identity/print"))
        .await
        .unwrap();
    let started = Instant::now();
    let r = client
        .call(Request::new("/ip/route/print").limits(Limits {
            deadline: Duration::from_secs(300),
            max_rows: cap,
        }))
        .await
        .unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "client /ip/route/print ({routes} routes in the sim, row cap {cap}): {} rows in {:.2} s -> {:.2} M rows/s, complete={}, RSS now {:.0} MiB, peak {:.0} MiB",
        r.rows.len(),
        secs,
        r.rows.len() as f64 / secs / 1e6,
        r.is_complete(),
        current_rss_mib(),
        peak_rss_mib()
    );
}

fn main() {
    let mut routes = 1_000_000;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--routes") {
        routes = args[i + 1].parse().expect("--routes N");
    }
    bench_decoder();
    let (mut sim, port) = start_sim(routes);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        bench_routes(port, routes, 10_000).await;
        bench_routes(port, routes, routes + 1_000).await;
    });
    let _ = sim.kill();
}
