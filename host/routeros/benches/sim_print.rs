//! Benchmark: how fast the simulated router streams generated routes to a raw API reader (the
//! reader only frames sentences and looks at their first word, so the sim is what is measured).
//! Run with `cargo bench -p routeros --bench sim_print` (ROUTES=n to change the size).

use bytes::BytesMut;
use routeros::codec::{SentenceDecoder, encode_sentence};
use routeros::sim::{Sim, SimConfig};
use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn print_all(addr: std::net::SocketAddr, proplist: Option<&str>) -> u64 {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(&encode_sentence(&["/login", "=name=admin", "=password="]))
        .await
        .expect("write");
    let mut words = vec!["/ip/route/print".to_string()];
    if let Some(p) = proplist {
        words.push(format!("=.proplist={p}"));
    }
    s.write_all(&encode_sentence(&words)).await.expect("write");
    let mut buf = BytesMut::with_capacity(1 << 20);
    let mut dec = SentenceDecoder::default();
    let (mut rows, mut dones) = (0u64, 0);
    loop {
        while let Some(frame) = dec.decode_frame(&mut buf).expect("valid stream") {
            match frame.words().next().map(|(_, w)| w) {
                Some(b"!re") => rows += 1,
                Some(b"!done") => dones += 1,
                _ => {}
            }
            if dones == 2 {
                return rows;
            }
        }
        if s.read_buf(&mut buf).await.expect("read") == 0 {
            panic!("closed early");
        }
    }
}

fn main() {
    let routes: usize = std::env::var("ROUTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let sim = Sim::start(SimConfig {
            routes,
            ..SimConfig::default()
        })
        .await
        .expect("sim");
        for proplist in [None, Some(".id,dst-address,gateway")] {
            let t = Instant::now();
            let rows = print_all(sim.addr(), proplist).await;
            let secs = t.elapsed().as_secs_f64();
            println!(
                "sim print {rows} routes (proplist {proplist:?}): {secs:.2}s, {:.0} rows/s",
                rows as f64 / secs
            );
        }
        sim.shutdown().await;
    });
}
