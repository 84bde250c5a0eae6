//! MCP benchmark: the release `mcp-mikrotik` binary against the in-process simulated router.
//!
//! Run with `cargo run --release -p e2e --bin mcp-bench` (builds the release server when it
//! is missing or stale). Measures start-up (spawn → initialize → tools/list, with an empty and
//! with a warm compile cache), the server's RSS, `mikrotik_get_interfaces` latency (sequential
//! and with 8 concurrent callers) and the per-call cost of the plugin layer compared with a
//! bare client call of the same RouterOS command.

mod lean;

use std::sync::Arc;
use std::time::{Duration, Instant};

use e2e::TestEnv;
use e2e::paths::{Scratch, server_binary};
use lean::LeanClient;
use mcp_mikrotik::plugin_host::{PluginHost, PluginHostConfig};
use mcp_mikrotik::routeros::{Request, Router};
use serde_json::json;

const COLD_RUNS: usize = 5;
const WARM_RUNS: usize = 15;
const SEQUENTIAL_CALLS: usize = 1000;
const CONCURRENT_CALLERS: usize = 8;
const CALLS_PER_CALLER: usize = 250;
const INTERFACES_PROPLIST: &str = "name,type,running,disabled,mtu,mac-address,comment";

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("runtime") => return runtime_only(),
        Some("layer") => return layer_only(std::env::args().nth(2)),
        Some("mcp") => return mcp_only(),
        _ => {}
    }
    let binary = server_binary();
    println!("mcp-bench: server binary {}", binary.display());
    let env = TestEnv::new();

    let cold = startup_times(&env, COLD_RUNS, true);
    let warm = startup_times(&env, WARM_RUNS, false);
    report_ms(
        "start (empty cache): spawn→initialize→tools/list",
        &cold,
        None,
    );
    report_ms(
        "start (warm cache):  spawn→initialize→tools/list",
        &warm,
        Some(30.0),
    );

    let server = e2e::McpClient::spawn(server_command(&env));
    server.initialize();
    server.list_tools();
    let rss = rss_kib(server.pid());
    println!(
        "RSS after tools/list: {:.1} MiB (goal ≤ 25 MiB)",
        rss as f64 / 1024.0
    );

    let mut sequential = sequential_times(&env, SEQUENTIAL_CALLS);
    report_us(
        &format!("MCP mikrotik_get_interfaces, sequential ({SEQUENTIAL_CALLS} calls)"),
        &mut sequential,
        Some(300.0),
    );

    report_us(
        "MCP ping (transport round trip, no tool)",
        &mut ping_times(&env, SEQUENTIAL_CALLS),
        None,
    );

    let started = Instant::now();
    let mut concurrent: Vec<Duration> = std::thread::scope(|scope| {
        let callers: Vec<_> = (0..CONCURRENT_CALLERS)
            .map(|_| {
                let server = &server;
                scope.spawn(move || {
                    (0..CALLS_PER_CALLER)
                        .map(|_| {
                            let t = Instant::now();
                            server.call_ok("mikrotik_get_interfaces", json!({}));
                            t.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        callers
            .into_iter()
            .flat_map(|c| c.join().expect("caller thread"))
            .collect()
    });
    let wall = started.elapsed();
    report_us(
        &format!("MCP mikrotik_get_interfaces, {CONCURRENT_CALLERS} concurrent callers"),
        &mut concurrent,
        None,
    );
    println!(
        "  throughput: {:.0} calls/s",
        concurrent.len() as f64 / wall.as_secs_f64()
    );
    drop(server);

    let (mut bare, mut in_process) = paired_times(&env);
    report_us(
        "bare client /interface/print (same proplist), in-process",
        &mut bare,
        None,
    );
    report_us(
        "plugin runtime mikrotik_get_interfaces, in-process",
        &mut in_process,
        None,
    );
    let bare_p50 = percentile(&mut bare, 50.0);
    println!(
        "plugin overhead (runtime p50 − bare p50, calls interleaved): {:.0} µs (goal ≤ 50 µs)",
        micros(percentile(&mut in_process, 50.0)) - micros(bare_p50)
    );
    println!(
        "MCP + plugin overhead (MCP p50 − bare p50): {:.0} µs",
        micros(percentile(&mut sequential, 50.0)) - micros(bare_p50)
    );
}

/// Spawn → initialize → tools/list, `runs` times; `cold` gives every run an empty cache.
fn startup_times(env: &TestEnv, runs: usize, cold: bool) -> Vec<Duration> {
    let shared = Scratch::new("bench-cache");
    let mut times = Vec::with_capacity(runs);
    for run in 0..runs + usize::from(!cold) {
        let cache = if cold {
            Scratch::new("bench-cold-cache")
        } else {
            Scratch::new("unused")
        };
        let dir = if cold { cache.path() } else { shared.path() };
        let mut cmd = env.command(&[]);
        cmd.env("XDG_CACHE_HOME", dir);
        let started = Instant::now();
        let server = e2e::McpClient::spawn(cmd);
        server.initialize();
        server.list_tools();
        let took = started.elapsed();
        // The first warm run fills the cache and is not counted.
        if cold || run > 0 {
            times.push(took);
        }
    }
    times
}

/// The bare client's `/interface/print` and the runtime's `mikrotik_get_interfaces`, called
/// alternately against the same simulator, so both see the machine in the same state (this VM
/// drifts by ±20 % over tens of seconds, which skews two runs made one after the other).
fn paired_times(env: &TestEnv) -> (Vec<Duration>, Vec<Duration>) {
    let client = env.client();
    let request = || {
        Request::new("/interface/print")
            .arg(".proplist", INTERFACES_PROPLIST)
            .limits(mcp_mikrotik::routeros::Limits {
                max_rows: 100,
                ..Default::default()
            })
    };
    let cache = Scratch::new("bench-runtime-cache");
    let router: Arc<dyn Router> = Arc::new(env.client());
    env.block_on(async {
        let cfg = PluginHostConfig {
            cache_dir: Some(cache.path().to_path_buf()),
            ..PluginHostConfig::default()
        };
        let (runtime, _warnings) = PluginHost::load(cfg, router).await.expect("load plugins");
        let tool = || runtime.call("mikrotik_get_interfaces", json!({}), None);
        for _ in 0..50 {
            client.call(request()).await.expect("print");
            tool().await.expect("call");
        }
        let mut bare = Vec::with_capacity(SEQUENTIAL_CALLS);
        let mut in_process = Vec::with_capacity(SEQUENTIAL_CALLS);
        for _ in 0..SEQUENTIAL_CALLS {
            let started = Instant::now();
            client.call(request()).await.expect("print");
            bare.push(started.elapsed());
            let started = Instant::now();
            tool().await.expect("call");
            in_process.push(started.elapsed());
        }
        (bare, in_process)
    })
}

/// `mcp-bench runtime`: only the in-process measurements, many times over, plus the plugin
/// layer alone against a router that answers from memory (for profiling).
fn runtime_only() {
    let env = TestEnv::new();
    let (mut bare, mut in_process) = paired_times(&env);
    report_us("bare client /interface/print, in-process", &mut bare, None);
    report_us("plugin runtime, in-process", &mut in_process, None);
    println!(
        "plugin overhead (runtime p50 − bare p50, calls interleaved): {:.0} µs (goal ≤ 50 µs)",
        micros(percentile(&mut in_process, 50.0)) - micros(percentile(&mut bare, 50.0))
    );
    let mut alone = layer_times(&env, 20 * SEQUENTIAL_CALLS, None);
    report_us(
        "plugin layer alone (router answers from memory)",
        &mut alone,
        Some(50.0),
    );
}

/// `mcp-bench mcp`: only sequential `mikrotik_get_interfaces` calls and MCP pings, for A/B
/// runs.
fn mcp_only() {
    let env = TestEnv::new();
    let mut sequential = sequential_times(&env, 5 * SEQUENTIAL_CALLS);
    report_us(
        "MCP mikrotik_get_interfaces, sequential",
        &mut sequential,
        Some(300.0),
    );
    report_us(
        "MCP ping (transport round trip, no tool)",
        &mut ping_times(&env, 5 * SEQUENTIAL_CALLS),
        None,
    );
}

/// Latency of sequential MCP `ping` requests through [`LeanClient`]: what stdio and the
/// JSON-RPC layer cost before any tool runs.
fn ping_times(env: &TestEnv, pings: usize) -> Vec<Duration> {
    let mut client = LeanClient::start(server_command(env));
    time_each(pings, || client.ping())
}

/// The server started with `MCP_MIKROTIK_THREADS` from `MCP_BENCH_THREADS` when set.
fn server_command(env: &TestEnv) -> std::process::Command {
    let mut cmd = env.command(&[]);
    if let Ok(threads) = std::env::var("MCP_BENCH_THREADS") {
        cmd.env("MCP_MIKROTIK_THREADS", threads);
    }
    cmd
}

/// Latency of sequential `mikrotik_get_interfaces` calls through [`LeanClient`].
fn sequential_times(env: &TestEnv, calls: usize) -> Vec<Duration> {
    let mut client = LeanClient::start(server_command(env));
    client.call("mikrotik_get_interfaces", "{}", true);
    time_each(calls, || {
        client.call("mikrotik_get_interfaces", "{}", false)
    })
}

/// `f` run 200 times to warm up, then `runs` times, each timed.
fn time_each(runs: usize, mut f: impl FnMut()) -> Vec<Duration> {
    for _ in 0..200 {
        f();
    }
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .collect()
}

/// `mcp-bench layer [plugin-dir]`: only the plugin layer against a router answering from
/// memory, for profiling. With a directory, its plugins are loaded instead of the bundled ones
/// (e.g. an unstripped build of `plugins/interfaces`, so `perf` can name its functions).
fn layer_only(plugin_dir: Option<String>) {
    let env = TestEnv::new();
    let mut alone = layer_times(&env, 100 * SEQUENTIAL_CALLS, plugin_dir);
    report_us(
        "plugin layer alone (router answers from memory)",
        &mut alone,
        Some(50.0),
    );
}

/// `mikrotik_get_interfaces` times through the runtime, the router answering every call with
/// the simulator's reply to the tool's `/interface/print`, recorded once.
fn layer_times(env: &TestEnv, calls: usize, plugin_dir: Option<String>) -> Vec<Duration> {
    let rows = env.block_on(async {
        env.client()
            .call(Request::new("/interface/print").arg(".proplist", INTERFACES_PROPLIST))
            .await
            .expect("print")
    });
    let router: Arc<dyn Router> = Arc::new(Canned(rows));
    let cache = Scratch::new("bench-runtime-cache");
    env.block_on(async {
        let cfg = PluginHostConfig {
            cache_dir: Some(cache.path().to_path_buf()),
            load_bundled: plugin_dir.is_none(),
            plugin_dir: plugin_dir.map(Into::into),
            ..PluginHostConfig::default()
        };
        let (runtime, _warnings) = PluginHost::load(cfg, router).await.expect("load plugins");
        let mut times = Vec::with_capacity(calls);
        for i in 0..calls + 100 {
            let started = Instant::now();
            runtime
                .call("mikrotik_get_interfaces", json!({}), None)
                .await
                .expect("call");
            if i >= 100 {
                times.push(started.elapsed());
            }
        }
        times
    })
}

/// A router that answers every call with the same response, at once.
struct Canned(mcp_mikrotik::routeros::Response);

impl Router for Canned {
    fn call(
        &self,
        _request: Request,
    ) -> futures::future::BoxFuture<
        'static,
        Result<mcp_mikrotik::routeros::Response, mcp_mikrotik::routeros::CallError>,
    > {
        let response = self.0.clone();
        Box::pin(async move { Ok(response) })
    }
    fn target(&self) -> String {
        "canned".into()
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort_unstable();
    let rank = ((p / 100.0) * (times.len() as f64 - 1.0)).round() as usize;
    times[rank.min(times.len() - 1)]
}

fn report_ms(label: &str, times: &[Duration], goal: Option<f64>) {
    let mut sorted = times.to_vec();
    let median = percentile(&mut sorted, 50.0).as_secs_f64() * 1e3;
    let min = sorted[0].as_secs_f64() * 1e3;
    let max = sorted[sorted.len() - 1].as_secs_f64() * 1e3;
    let goal = goal
        .map(|g| format!(" (goal ≤ {g} ms)"))
        .unwrap_or_default();
    println!(
        "{label}: median {median:.1} ms, min {min:.1}, max {max:.1} over {} runs{goal}",
        times.len()
    );
}

fn report_us(label: &str, times: &mut [Duration], goal: Option<f64>) {
    let p50 = micros(percentile(times, 50.0));
    let p99 = micros(percentile(times, 99.0));
    let goal = goal
        .map(|g| format!(" (goal p50 ≤ {g} µs)"))
        .unwrap_or_default();
    println!(
        "{label}: p50 {p50:.0} µs, p99 {p99:.0} µs over {} calls{goal}",
        times.len()
    );
}
