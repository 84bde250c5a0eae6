//! The four seed tools against the simulated router: their output must match what the
//! library client reads from the same router.

use e2e::TestEnv;
use e2e::listing::{column, truth_column};
use serde_json::json;

#[test]
fn interfaces_match_the_router() {
    let env = TestEnv::new();
    let server = env.server();
    let truth = env.rows("/interface", &[]);
    assert!(
        truth.len() > 5,
        "the simulator has a realistic interface list"
    );

    let all = server.call_ok("mikrotik_get_interfaces", json!({}));
    let s = all.structured.as_ref().expect("structured content");
    assert_eq!(column(s, "name"), truth_column(&truth, "name"));
    assert_eq!(s["total"], truth.len());
    assert_eq!(s["shown"], truth.len());
    let first_line = all.text.lines().next().unwrap_or("");
    assert_eq!(first_line, format!("interfaces: {}", truth.len()));
    for name in truth_column(&truth, "name") {
        assert!(all.text.contains(&name), "{name} missing from the text");
    }

    let ether = env.rows("/interface", &["type=ether"]);
    assert!(!ether.is_empty() && ether.len() < truth.len());
    let only_ether = server.call_ok("mikrotik_get_interfaces", json!({"type": "ether"}));
    let s = only_ether.structured.expect("structured content");
    assert_eq!(column(&s, "name"), truth_column(&ether, "name"));
    assert!(
        s["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["type"] == "ether")
    );

    let running = env.rows("/interface", &["running=true"]);
    let only_running = server.call_ok("mikrotik_get_interfaces", json!({"running_only": true}));
    let s = only_running.structured.expect("structured content");
    assert_eq!(column(&s, "name"), truth_column(&running, "name"));
    assert!(running.len() < truth.len(), "some interfaces are down");
}

#[test]
fn interfaces_limit_says_showing_n_of_m() {
    let env = TestEnv::new();
    let server = env.server();
    let total = env.rows("/interface", &[]).len();
    let capped = server.call_ok("mikrotik_get_interfaces", json!({"limit": 3}));
    assert!(
        capped
            .text
            .starts_with(&format!("interfaces: showing 3 of {total}")),
        "{}",
        capped.text
    );
    let s = capped.structured.expect("structured content");
    assert_eq!(s["shown"], 3);
    assert_eq!(s["total"], total);
    assert_eq!(s["rows"].as_array().map(Vec::len), Some(3));
}

#[test]
fn system_resources_match_the_router() {
    let env = TestEnv::new();
    let server = env.server();
    let truth = env.rows("/system/resource", &[]);
    let truth = &truth[0];
    let result = server.call_ok("mikrotik_get_system_resources", json!({}));
    let board = &truth["board-name"];
    let version = &truth["version"];
    assert!(
        result.text.contains(&format!("board: {board}")),
        "{}",
        result.text
    );
    assert!(
        result.text.contains(&format!("version: {version}")),
        "{}",
        result.text
    );
    let s = result.structured.expect("structured content");
    assert_eq!(s["board-name"], board.as_str());
    assert_eq!(s["version"], version.as_str());
    assert_eq!(
        s["total-memory"].as_u64().map(|n| n.to_string()).as_deref(),
        Some(truth["total-memory"].as_str())
    );
    let used = s["memory-used-percent"]
        .as_f64()
        .expect("memory-used-percent");
    assert!((0.0..=100.0).contains(&used), "{used}");
}

#[test]
fn system_resources_report_the_configured_version() {
    let env = TestEnv::with_sim(mcp_mikrotik::routeros::sim::SimConfig {
        version: "7.16.2".into(),
        ..Default::default()
    });
    let server = env.server();
    let result = server.call_ok("mikrotik_get_system_resources", json!({}));
    assert!(result.text.contains("version: 7.16.2"), "{}", result.text);
}

#[test]
fn dhcp_leases_match_the_router_and_filter_by_status() {
    let env = TestEnv::new();
    let server = env.server();
    let truth = env.rows("/ip/dhcp-server/lease", &[]);
    let all = server.call_ok("mikrotik_get_dhcp_leases", json!({}));
    let s = all.structured.as_ref().expect("structured content");
    assert_eq!(s["total"], truth.len());
    assert_eq!(column(s, "address"), truth_column(&truth, "address"));
    assert!(
        all.text.starts_with(&format!("leases: {}", truth.len())),
        "{}",
        all.text
    );

    for status in ["bound", "waiting"] {
        let expected = env.rows("/ip/dhcp-server/lease", &[&format!("status={status}")]);
        assert!(!expected.is_empty(), "the simulator has {status} leases");
        assert!(expected.len() < truth.len());
        let filtered = server.call_ok("mikrotik_get_dhcp_leases", json!({"status": status}));
        let s = filtered.structured.expect("structured content");
        assert_eq!(s["total"], expected.len(), "status={status}");
        assert_eq!(column(&s, "address"), truth_column(&expected, "address"));
        assert!(
            s["rows"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["status"] == status),
            "{s}"
        );
    }

    let server_name = truth[0]["server"].clone();
    let expected = env.rows("/ip/dhcp-server/lease", &[&format!("server={server_name}")]);
    let by_server = server.call_ok("mikrotik_get_dhcp_leases", json!({"server": server_name}));
    assert_eq!(by_server.structured.unwrap()["total"], expected.len());
}

#[test]
fn dhcp_leases_limit_counts_generated_leases() {
    let env = TestEnv::with_sim(mcp_mikrotik::routeros::sim::SimConfig {
        leases: 500,
        ..Default::default()
    });
    let server = env.server();
    let client = env.client();
    let counted = env
        .block_on(
            client.call(
                mcp_mikrotik::routeros::Request::new("/ip/dhcp-server/lease/print")
                    .arg("count-only", ""),
            ),
        )
        .expect("count-only");
    let total: u64 = counted
        .done
        .iter()
        .find(|a| a.name() == "ret")
        .map(|a| a.value().parse().expect("a number"))
        .expect("count-only answers ret");
    assert!(total >= 500, "{total}");
    let result = server.call_ok("mikrotik_get_dhcp_leases", json!({"limit": 10}));
    assert!(
        result
            .text
            .starts_with(&format!("leases: showing 10 of {total}")),
        "{}",
        result.text
    );
}

#[test]
fn run_command_prints_and_adds() {
    let mut env = TestEnv::new();
    // Unattended: the write is planned, applied and audited without asking (see changes.rs
    // for the confirm mode).
    env.set("ROUTEROS_WRITES", "allow");
    let server = env.server();
    let truth = env.rows("/ip/address", &[]);
    let printed = server.call_ok(
        "mikrotik_run_command",
        json!({"command": "/ip/address/print"}),
    );
    let s = printed.structured.expect("structured content");
    assert_eq!(s["complete"], true);
    assert_eq!(column(&s, "address"), truth_column(&truth, "address"));
    assert!(
        printed
            .text
            .starts_with(&format!("/ip/address/print: {} rows", truth.len())),
        "{}",
        printed.text
    );

    let queried = server.call_ok(
        "mikrotik_run_command",
        json!({"command": "/interface/print", "queries": ["type=bridge"]}),
    );
    let bridges = env.rows("/interface", &["type=bridge"]);
    assert_eq!(
        column(queried.structured.as_ref().unwrap(), "name"),
        truth_column(&bridges, "name")
    );

    let added = server.call_ok(
        "mikrotik_run_command",
        json!({"command": "/ip/dns/static/add", "args": {"name": "e2e.lan", "address": "192.168.88.99"}}),
    );
    let entry = env.rows("/ip/dns/static", &["name=e2e.lan"]);
    assert_eq!(entry.len(), 1, "the add reached the router");
    assert_eq!(entry[0]["address"], "192.168.88.99");
    assert!(
        added.text.contains(entry[0][".id"].as_str()),
        "{}",
        added.text
    );
    let ret = added.structured.unwrap()["writes"][0]["ret"].clone();
    assert_eq!(ret, entry[0][".id"].as_str());
}

#[test]
fn run_command_reports_router_errors_as_tool_errors() {
    let env = TestEnv::new();
    let server = env.server();
    let result = server.call_tool(
        "mikrotik_run_command",
        json!({"command": "/ip/adress/print"}),
    );
    assert!(result.is_error, "{}", result.text);
    assert!(result.text.contains("/ip/adress/print"), "{}", result.text);
    let result = server.call_tool(
        "mikrotik_run_command",
        json!({"command": "/ip/address/print ?interface=bridge"}),
    );
    assert!(result.is_error, "{}", result.text);
}
