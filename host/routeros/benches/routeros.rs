//! RouterOS benchmarks: a 1,000,000-route `/ip/route/print` through the client from the
//! simulated router (run as a separate process, so the RSS figures are the client's own) —
//! streamed with `Client::stream` (no row kept), collected under a 10,000-row cap, and
//! collected whole — then decoder throughput. The peak RSS of each phase is measured from a
//! reset high-water mark (`/proc/self/clear_refs`), so each phase reports its own peak.
//!
//! Run: `cargo bench -p routeros --bench routeros` (add `-- --routes N` to change the size).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use routeros::codec::{SentenceDecoder, put_sentence};
use routeros::sentence::{Reply, ReplyKind};
use routeros::sim::{Sim, SimConfig};
use routeros::{Client, ClientConfig, Limits, Request, Response};

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Reset the peak RSS to the current RSS (Linux); `false` when the kernel refuses.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
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
    let (buf, n) = route_replies();
    let words = best_of_five(&buf, n, |dec, data| {
        let mut count = 0;
        while let Some(s) = dec.decode(data).unwrap() {
            count += s.len().min(1);
        }
        count
    });
    report("decoder (words)", n, buf.len(), words);
    let frames = best_of_five(&buf, n, |dec, data| {
        let mut count = 0;
        while let Some(frame) = dec.decode_frame(data).unwrap() {
            let reply = Reply::from_frame(frame).unwrap();
            count += usize::from(reply.kind == ReplyKind::Re && reply.tag.is_some());
        }
        count
    });
    report(
        "decoder (frames + Reply, as the client)",
        n,
        buf.len(),
        frames,
    );
}

/// Fastest of five runs of `decode_all` over a fresh copy of `buf`; each must count `n`.
fn best_of_five(
    buf: &BytesMut,
    n: usize,
    decode_all: impl Fn(&mut SentenceDecoder, &mut BytesMut) -> usize,
) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let mut data = buf.clone();
        let mut dec = SentenceDecoder::default();
        let started = Instant::now();
        assert_eq!(decode_all(&mut dec, &mut data), n);
        best = best.min(started.elapsed());
    }
    best
}

fn report(what: &str, n: usize, bytes: usize, took: Duration) {
    let secs = took.as_secs_f64();
    println!(
        "{what}: {n} sentences, {:.1} MB in {:.1} ms -> {:.0} MB/s, {:.2} M sentences/s",
        bytes as f64 / 1e6,
        secs * 1e3,
        bytes as f64 / 1e6 / secs,
        n as f64 / secs / 1e6
    );
}

/// 200,000 encoded `!re` sentences shaped like routes.
fn route_replies() -> (BytesMut, usize) {
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
    (buf, n)
}

/// Starts the simulated router in a child process (this bench binary run again with
/// `--serve-sim PORT ROUTES`) and waits until it accepts connections.
fn start_sim(routes: usize) -> (std::process::Child, u16) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let me = std::env::current_exe().expect("the bench binary's own path");
    let mut child = Command::new(me)
        .args(["--serve-sim", &port.to_string(), &routes.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the simulated router");
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

/// The child side of [`start_sim`]: serve `routes` generated routes on 127.0.0.1:`port` until
/// killed.
fn serve_sim(port: u16, routes: usize) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let cfg = SimConfig {
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], port)),
            routes,
            ..SimConfig::default()
        };
        let _sim = Sim::start(cfg).await.expect("start the simulated router");
        std::future::pending::<()>().await;
    });
}

/// How a bench run takes the rows.
#[derive(Clone, Copy, PartialEq)]
enum Take {
    /// `Client::stream`: each row is looked at and dropped.
    Stream,
    /// `Client::call`: every row is kept in the response.
    Collect,
}

async fn bench_routes(port: u16, routes: usize, cap: usize, take: Take) {
    let client = Client::new(ClientConfig::new("127.0.0.1", port, "admin", "")).unwrap();
    client
        .call(Request::new("/system/identity/print"))
        .await
        .unwrap();
    let request = Request::new("/ip/route/print").limits(Limits {
        deadline: Duration::from_secs(300),
        max_rows: cap,
    });
    let reset = reset_peak_rss();
    let started = Instant::now();
    let (rows, r): (usize, Response) = match take {
        Take::Stream => {
            let (mut rows, mut id_bytes) = (0usize, 0usize);
            let r = client
                .stream(request, |row| {
                    rows += 1;
                    id_bytes += row.get(".id").map_or(0, <[u8]>::len);
                })
                .await
                .unwrap();
            assert!(id_bytes >= rows * 2, "every route has an .id");
            (rows, r)
        }
        Take::Collect => {
            let r = client.call(request).await.unwrap();
            (r.rows.len(), r)
        }
    };
    let secs = started.elapsed().as_secs_f64();
    let how = match take {
        Take::Stream => "streamed, none kept",
        Take::Collect => "collected",
    };
    println!(
        "client /ip/route/print {how} ({routes} routes in the sim, row cap {cap}): {rows} rows in {:.2} s -> {:.2} M rows/s, complete={}, RSS now {:.0} MiB, peak {:.0} MiB{}",
        secs,
        rows as f64 / secs / 1e6,
        r.is_complete(),
        current_rss_mib(),
        peak_rss_mib(),
        if reset { "" } else { " (peak since start)" }
    );
    drop(r);
}

fn main() {
    let mut routes = 1_000_000;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--serve-sim") {
        serve_sim(args[i + 1].parse().unwrap(), args[i + 2].parse().unwrap());
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "--routes") {
        routes = args[i + 1].parse().expect("--routes N");
    }
    let (mut sim, port) = start_sim(routes);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let all = routes + 1_000;
        bench_routes(port, routes, all, Take::Stream).await;
        bench_routes(port, routes, all, Take::Stream).await;
        bench_routes(port, routes, 10_000, Take::Collect).await;
        bench_routes(port, routes, all, Take::Collect).await;
    });
    let _ = sim.kill();
    bench_decoder();
}
