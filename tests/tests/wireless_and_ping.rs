//! Wireless clients (RouterOS 7 wifi and RouterOS 6 legacy wireless) and ping (reachable,
//! unreachable, cut by the deadline, progress notifications).

use std::time::{Duration, Instant};

use e2e::TestEnv;
use mcp_mikrotik::routeros::sim::SimConfig;
use serde_json::{Value, json};

fn macs(structured: &Value) -> Vec<String> {
    structured["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["mac-address"].as_str().unwrap_or("").to_string())
        .collect()
}

fn truth_macs(env: &TestEnv, menu: &str, queries: &[&str]) -> Vec<String> {
    env.rows(menu, queries)
        .into_iter()
        .map(|r| r["mac-address"].clone())
        .collect()
}

#[test]
fn wifi_clients_on_routeros_7_with_dhcp_names() {
    let env = TestEnv::new();
    let server = env.server();
    let table = "/interface/wifi/registration-table";
    let all = truth_macs(&env, table, &[]);
    assert!(all.len() >= 2);
    let result = server.call_ok("mikrotik_get_wireless_clients", json!({}));
    let s = result.structured.expect("structured");
    assert_eq!(s["menu"], "/interface/wifi");
    assert_eq!(macs(&s), all);
    assert_eq!(
        result.text.lines().next().unwrap_or(""),
        format!("wireless clients: {} (/interface/wifi)", all.len())
    );
    // The IP and host name come from the DHCP lease of the same MAC.
    for row in s["rows"].as_array().unwrap() {
        let mac = row["mac-address"].as_str().unwrap();
        let leases = env.rows("/ip/dhcp-server/lease", &[&format!("mac-address={mac}")]);
        if let Some(lease) = leases.first() {
            assert_eq!(row["ip"], lease["address"].as_str(), "{row}");
        }
    }

    let iface = env.rows(table, &[])[0]["interface"].clone();
    let on_iface = truth_macs(&env, table, &[&format!("interface={iface}")]);
    let filtered = server.call_ok("mikrotik_get_wireless_clients", json!({"interface": iface}));
    assert_eq!(macs(&filtered.structured.expect("structured")), on_iface);

    let capped = server.call_ok("mikrotik_get_wireless_clients", json!({"limit": 1}));
    assert_eq!(
        capped.text.lines().next().unwrap_or(""),
        format!(
            "wireless clients: showing 1 of {} (/interface/wifi)",
            all.len()
        )
    );
}

#[test]
fn legacy_wireless_clients_on_routeros_6() {
    let env = TestEnv::with_sim(SimConfig {
        ros6: true,
        ..SimConfig::default()
    });
    let server = env.server();
    let table = "/interface/wireless/registration-table";
    let all = truth_macs(&env, table, &[]);
    assert!(!all.is_empty());
    let result = server.call_ok("mikrotik_get_wireless_clients", json!({}));
    let s = result.structured.expect("structured");
    assert_eq!(s["menu"], "/interface/wireless");
    assert_eq!(macs(&s), all);
    let first = &s["rows"][0];
    // Legacy rows carry `-62@1Mbps`; the tool gives the dBm, and the SSID of the interface.
    assert!(first["signal"].is_i64(), "{first}");
    let iface = first["interface"].as_str().unwrap();
    let ssid = env.rows("/interface/wireless", &[&format!("name={iface}")])[0]["ssid"].clone();
    assert_eq!(first["ssid"], ssid.as_str());
}

/// A router without any wireless package: a plain answer that says so, not an error.
#[test]
fn no_wireless_menu_at_all() {
    let env = TestEnv::with_sim(SimConfig {
        without: vec![
            "/interface/wifi".into(),
            "/interface/wifiwave2".into(),
            "/interface/wireless".into(),
        ],
        ..SimConfig::default()
    });
    let server = env.server();
    let result = server.call_tool("mikrotik_get_wireless_clients", json!({}));
    assert!(!result.is_error, "{}", result.text);
    let text = result.text.to_lowercase();
    assert!(text.contains("no") && text.contains("wireless"), "{text}");
    // Dependent menus stay: the router still answers other tools.
    server.call_ok("mikrotik_get_interfaces", json!({}));
}

#[test]
fn ping_a_reachable_address() {
    let env = TestEnv::new();
    let server = env.server();
    let result = server.call_ok(
        "mikrotik_ping",
        json!({"address": "192.168.88.1", "count": 3, "interval": "50ms"}),
    );
    let s = result.structured.expect("structured");
    assert_eq!(s["sent"], 3);
    assert_eq!(s["received"], 3);
    assert_eq!(s["loss_percent"].as_f64(), Some(0.0));
    assert_eq!(s["probes"].as_array().map(Vec::len), Some(3));
    assert!(s["avg_rtt_ms"].as_f64().is_some(), "{s}");
    assert!(
        result
            .text
            .starts_with("ping 192.168.88.1: 3 sent, 3 received, 0% loss"),
        "{}",
        result.text
    );
}

#[test]
fn ping_an_unreachable_address_reports_timeouts() {
    let env = TestEnv::new();
    let server = env.server();
    let result = server.call_tool(
        "mikrotik_ping",
        json!({"address": "10.123.45.67", "count": 2, "interval": "100ms"}),
    );
    assert!(
        !result.is_error,
        "timeouts are an answer, not an error: {}",
        result.text
    );
    let s = result.structured.expect("structured");
    assert_eq!(s["sent"], 2);
    assert_eq!(s["received"], 0);
    assert_eq!(s["loss_percent"].as_f64(), Some(100.0));
    let probes = s["probes"].as_array().unwrap();
    assert!(probes.iter().all(|p| p["status"] == "timeout"), "{s}");
    assert!(result.text.contains("timeout"), "{}", result.text);
}

#[test]
fn ping_cut_by_the_deadline_returns_what_arrived() {
    let mut env = TestEnv::new();
    env.set("MCP_MIKROTIK_TIMEOUT", "1.5");
    let server = env.server();
    let started = Instant::now();
    let result = server.call_tool(
        "mikrotik_ping",
        json!({"address": "192.168.88.1", "count": 100, "interval": "100ms"}),
    );
    let took = started.elapsed();
    assert!(took < Duration::from_secs(6), "returned after {took:?}");
    assert!(
        !result.is_error,
        "a partial answer, not an error: {}",
        result.text
    );
    let s = result.structured.expect("structured");
    let sent = s["sent"].as_u64().unwrap_or(0);
    assert!(sent > 0 && sent < 100, "{s}");
    assert_eq!(s["cut_by_deadline"], true, "{s}");
    assert_eq!(s["complete"], false, "{s}");
    assert!(result.text.contains("deadline"), "{}", result.text);
}

#[test]
fn ping_reports_progress_when_asked() {
    let env = TestEnv::new();
    let server = env.server();
    let result = server
        .call_tool_params(json!({
            "name": "mikrotik_ping",
            "arguments": {"address": "192.168.88.1", "count": 4, "interval": "50ms"},
            "_meta": {"progressToken": "ping-progress-1"}
        }))
        .expect("tools/call");
    assert!(!result.is_error, "{}", result.text);
    // Progress notifications are sent before the response; give stragglers a moment.
    let deadline = Instant::now() + Duration::from_secs(2);
    let progress = loop {
        let progress: Vec<Value> = server
            .notifications()
            .into_iter()
            .filter(|n| n["method"] == "notifications/progress")
            .collect();
        if progress.len() >= 4 || Instant::now() > deadline {
            break progress;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(!progress.is_empty(), "no progress notifications");
    for p in &progress {
        assert_eq!(p["params"]["progressToken"], "ping-progress-1", "{p}");
        assert_eq!(p["params"]["total"].as_f64(), Some(4.0), "{p}");
    }
    let values: Vec<f64> = progress
        .iter()
        .filter_map(|p| p["params"]["progress"].as_f64())
        .collect();
    assert!(values.windows(2).all(|w| w[0] < w[1]), "{values:?}");
    assert!(values.last().is_some_and(|v| *v <= 4.0), "{values:?}");

    // Without a token, no progress is sent.
    let before = server.notifications().len();
    server.call_ok(
        "mikrotik_ping",
        json!({"address": "192.168.88.1", "count": 2, "interval": "20ms"}),
    );
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(server.notifications().len(), before);
}

#[test]
fn a_cancelled_ping_stops_and_gets_no_response() {
    let env = TestEnv::new();
    let server = env.server();
    let token = "ping-to-cancel";
    let ping = server.start_request(
        "tools/call",
        json!({
            "name": "mikrotik_ping",
            "arguments": {"address": "192.168.88.1", "count": 50, "interval": "100ms"},
            "_meta": {"progressToken": token}
        }),
    );
    let progress = || {
        server
            .notifications()
            .iter()
            .filter(|n| n["params"]["progressToken"] == token)
            .count()
    };
    // Wait until the router is really pinging (the first replies arrive as progress).
    let running_by = Instant::now() + Duration::from_secs(5);
    while progress() < 2 {
        assert!(Instant::now() < running_by, "the ping never made progress");
        std::thread::sleep(Duration::from_millis(10));
    }
    server.notify(
        "notifications/cancelled",
        json!({"requestId": ping.id, "reason": "the user changed their mind"}),
    );
    // No response to a cancelled request (MCP), and the ping stops at once instead of
    // running its remaining ~4 s: no more progress after a short grace period.
    assert_eq!(
        server.wait_response(&ping, Duration::from_millis(300)),
        None
    );
    let after_cancel = progress();
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        progress(),
        after_cancel,
        "progress went on after the cancel"
    );
    assert!(
        after_cancel < 10,
        "the ping was not stopped: {after_cancel} replies"
    );
    // The server, its router session and the plugin go on serving.
    let started = Instant::now();
    server.call_ok(
        "mikrotik_ping",
        json!({"address": "192.168.88.1", "count": 1, "interval": "10ms"}),
    );
    server.call_ok("mikrotik_get_interfaces", json!({}));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    server.assert_stream_clean();
}
