//! The safety net end to end: a change that cuts the API off is reverted by the simulated
//! router by itself and the server reconnects; under `--keep-changes manual` an unconfirmed
//! change is reverted and a confirmed one stays; a kept change can be rolled back while its
//! items are as it left them; leftover nets are cleaned up when a server starts.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use e2e::TestEnv;
use e2e::mcp_client::{McpClient, ToolResult};
use mcp_mikrotik::routeros::{Limits, Request};
use serde_json::{Value, json};

fn run(command: &str, args: Value) -> Value {
    json!({ "command": command, "args": args })
}

fn add_dns(name: &str) -> Value {
    run(
        "/ip/dns/static/add",
        json!({ "name": name, "address": "192.168.88.55" }),
    )
}

/// Rows of `menu` on the simulator, or `None` while the API does not answer.
fn try_rows(env: &TestEnv, menu: &str) -> Option<Vec<BTreeMap<String, String>>> {
    let limits = Limits {
        deadline: Duration::from_millis(500),
        max_rows: 10_000,
    };
    env.try_rows(menu, &[], limits).ok()
}

fn dns_names(env: &TestEnv) -> Vec<String> {
    env.rows("/ip/dns/static", &[])
        .into_iter()
        .filter_map(|r| r.get("name").cloned())
        .collect()
}

fn names(env: &TestEnv, menu: &str) -> Vec<String> {
    env.rows(menu, &[])
        .into_iter()
        .filter_map(|r| r.get("name").cloned())
        .collect()
}

fn change_id(result: &ToolResult) -> String {
    let s = result.structured.as_ref().expect("structured content");
    s["change_id"]
        .as_str()
        .or(s["plan_id"].as_str())
        .unwrap_or_else(|| panic!("no change id in {s}"))
        .to_string()
}

fn state(result: &ToolResult) -> String {
    result.structured.as_ref().expect("structured content")["state"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// The state `mikrotik_list_changes` shows for change `id`.
fn listed_state(server: &McpClient, id: &str) -> String {
    listed(server, id)
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The state and the whole listing, for messages.
fn listed(server: &McpClient, id: &str) -> String {
    let listed = server.call_tool("mikrotik_list_changes", json!({}));
    assert!(!listed.is_error, "{}", listed.text);
    let s = listed.structured.expect("structured list");
    s["changes"]
        .as_array()
        .and_then(|all| all.iter().find(|c| c["change_id"] == id))
        .and_then(|c| c["state"].as_str())
        .map(|state| format!("{state} ({s})"))
        .unwrap_or_else(|| panic!("change {id} is not listed: {s}"))
        .to_string()
}

fn wait_until(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < within, "{what} within {within:?}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_change_that_cuts_the_api_is_reverted_by_the_router_and_the_server_reconnects() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_WRITES", "allow")
        .set("MCP_MIKROTIK_ROLLBACK_AFTER", "3");
    let server = env.server();
    let rules_before = env.rows("/ip/firewall/filter", &[]).len();
    let cut = server.call_tool(
        "mikrotik_run_command",
        run(
            "/ip/firewall/filter/add",
            json!({ "chain": "input", "protocol": "tcp", "dst-port": "8728", "action": "drop", "place-before": "*1" }),
        ),
    );
    assert!(
        cut.is_error,
        "a change that cut the host off is not a success"
    );
    assert_eq!(state(&cut), "cut-off", "{}", cut.text);
    assert!(cut.text.contains("reverts it by itself"), "{}", cut.text);
    assert!(
        try_rows(&env, "/system/identity").is_none(),
        "the API is cut"
    );

    // The router's scheduler runs the revert script; then the API answers again.
    wait_until(
        "the router reverts the change",
        Duration::from_secs(20),
        || try_rows(&env, "/ip/firewall/filter").is_some_and(|rules| rules.len() == rules_before),
    );
    let rules = env.rows("/ip/firewall/filter", &[]);
    assert!(
        rules
            .iter()
            .all(|r| r.get("action").map(String::as_str) != Some("drop")
                || r.get("dst-port").map(String::as_str) != Some("8728")),
        "the cutting rule is gone: {rules:?}"
    );
    assert!(names(&env, "/system/scheduler").is_empty());
    assert!(names(&env, "/system/script").is_empty());
    let log: Vec<String> = env
        .rows("/log", &[])
        .into_iter()
        .filter_map(|r| r.get("message").cloned())
        .collect();
    let id = change_id(&cut);
    assert!(
        log.contains(&format!("mcp-mikrotik: change {id} reverted by the router")),
        "{log:?}"
    );

    // The server's own session reconnects by itself.
    wait_until("the server reconnects", Duration::from_secs(20), || {
        !server
            .call_tool("mikrotik_get_firewall_rules", json!({}))
            .is_error
    });
    let listing = listed(&server, &id);
    assert!(listing.starts_with("reverted-by-router "), "{listing}");
}

#[test]
fn manual_keep_reverts_an_unconfirmed_change_and_keeps_a_confirmed_one() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_WRITES", "allow")
        .set("MCP_MIKROTIK_ROLLBACK_AFTER", "3")
        .set("MCP_MIKROTIK_KEEP_CHANGES", "manual");
    let server = env.server();
    let tools = server.tool_names();
    assert!(tools.contains(&"mikrotik_confirm_change".to_string()));

    let left = server.call_tool("mikrotik_run_command", add_dns("unconfirmed.lan"));
    assert!(!left.is_error, "{}", left.text);
    assert_eq!(state(&left), "awaiting-confirmation", "{}", left.text);
    let kept = server.call_tool("mikrotik_run_command", add_dns("confirmed.lan"));
    assert_eq!(state(&kept), "awaiting-confirmation");
    let confirmed = server.call_tool(
        "mikrotik_confirm_change",
        json!({ "change_id": change_id(&kept) }),
    );
    assert!(!confirmed.is_error, "{}", confirmed.text);
    assert_eq!(state(&confirmed), "confirmed");
    assert!(dns_names(&env).contains(&"unconfirmed.lan".to_string()));

    wait_until(
        "the router reverts the unconfirmed change",
        Duration::from_secs(15),
        || !dns_names(&env).contains(&"unconfirmed.lan".to_string()),
    );
    std::thread::sleep(Duration::from_secs(4));
    assert!(
        dns_names(&env).contains(&"confirmed.lan".to_string()),
        "a confirmed change stays"
    );
    assert!(names(&env, "/system/scheduler").is_empty());
    let id = change_id(&left);
    assert_eq!(listed_state(&server, &id), "reverted-by-router");
    let late = server.call_tool("mikrotik_confirm_change", json!({ "change_id": id }));
    assert!(late.is_error, "confirming after the revert is refused");
}

#[test]
fn a_kept_change_rolls_back_while_its_items_are_as_it_left_them() {
    let env = TestEnv::new();
    let server = env.server();
    // No elicitation: plans wait under their id.
    let plan = server.call_tool("mikrotik_run_command", add_dns("rollback.lan"));
    let applied = server.call_tool(
        "mikrotik_apply_plan",
        json!({ "plan_id": change_id(&plan) }),
    );
    assert_eq!(state(&applied), "kept", "{}", applied.text);
    let id = change_id(&applied);
    assert!(dns_names(&env).contains(&"rollback.lan".to_string()));

    let undo = server.call_tool("mikrotik_rollback_change", json!({ "change_id": id }));
    assert!(!undo.is_error, "{}", undo.text);
    assert_eq!(
        state(&undo),
        "pending",
        "a rollback is a plan like any change"
    );
    assert!(undo.text.contains("/ip/dns/static/remove"), "{}", undo.text);
    let done = server.call_tool(
        "mikrotik_apply_plan",
        json!({ "plan_id": change_id(&undo) }),
    );
    assert!(!done.is_error, "{}", done.text);
    assert!(!dns_names(&env).contains(&"rollback.lan".to_string()));
    assert_eq!(listed_state(&server, &id), "rolled-back");
    let again = server.call_tool("mikrotik_rollback_change", json!({ "change_id": id }));
    assert!(again.is_error, "a change rolls back once");
    let history = server.call_tool("mikrotik_get_change_history", json!({ "since": "1h" }));
    assert!(!history.is_error, "{}", history.text);
    for kind in ["net-armed", "login-check", "kept", "rolled-back"] {
        assert!(history.text.contains(kind), "{kind} in {}", history.text);
    }
    let bad = server.call_tool(
        "mikrotik_get_change_history",
        json!({ "since": "yesterday" }),
    );
    assert!(
        bad.is_error && bad.text.contains("duration"),
        "a bad duration is a clear error: {}",
        bad.text
    );

    // An item changed since the change: the rollback says what differs and plans nothing.
    let plan = server.call_tool("mikrotik_run_command", add_dns("edited.lan"));
    let applied = server.call_tool(
        "mikrotik_apply_plan",
        json!({ "plan_id": change_id(&plan) }),
    );
    let new_id = applied.structured.as_ref().unwrap()["writes"][0]["ret"]
        .as_str()
        .unwrap()
        .to_string();
    env.truth(
        Request::new("/ip/dns/static/set")
            .arg("numbers", new_id)
            .arg("address", "10.1.2.3"),
    )
    .unwrap();
    let refused = server.call_tool(
        "mikrotik_rollback_change",
        json!({ "change_id": change_id(&applied) }),
    );
    assert!(refused.is_error);
    assert!(
        refused.text.contains("address") && refused.text.contains("10.1.2.3"),
        "{}",
        refused.text
    );
}

#[test]
fn leftover_nets_are_cleaned_up_at_start() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_WRITES", "allow");
    let server = env.server();
    let kept = server.call_tool("mikrotik_run_command", add_dns("settled.lan"));
    assert_eq!(state(&kept), "kept", "{}", kept.text);
    drop(server);
    // As if the server had stopped before removing the net of that kept change, and another
    // machine's server had one armed.
    for name in [
        format!("mcp-mikrotik-revert-{}", change_id(&kept)),
        "mcp-mikrotik-revert-pforeign".to_string(),
    ] {
        env.truth(
            Request::new("/system/script/add")
                .arg("name", name.clone())
                .arg("source", ":log info x"),
        )
        .unwrap();
        env.truth(
            Request::new("/system/scheduler/add")
                .arg("name", name.clone())
                .arg("interval", "1h")
                .arg("on-event", name),
        )
        .unwrap();
    }
    let server = env.server();
    let log = server.wait_for_stderr("pforeign is not in this server", Duration::from_secs(10));
    assert!(log.contains("removed the leftover safety net"), "{log}");
    for menu in ["/system/scheduler", "/system/script"] {
        assert_eq!(
            names(&env, menu),
            ["mcp-mikrotik-revert-pforeign"],
            "{menu}"
        );
    }
}

#[test]
fn a_confirm_the_router_does_not_answer_can_be_retried() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_WRITES", "allow")
        .set("MCP_MIKROTIK_TIMEOUT", "2")
        .set("MCP_MIKROTIK_ROLLBACK_AFTER", "60")
        .set("MCP_MIKROTIK_KEEP_CHANGES", "manual");
    let server = env.server();
    let change = server.call_tool("mikrotik_run_command", add_dns("retried.lan"));
    assert_eq!(state(&change), "awaiting-confirmation", "{}", change.text);
    let id = change_id(&change);
    env.sim()
        .faults()
        .set_once(mcp_mikrotik::routeros::sim::Fault::Stall);
    let stalled = server.call_tool("mikrotik_confirm_change", json!({ "change_id": id }));
    assert!(stalled.is_error, "{}", stalled.text);
    assert!(stalled.text.contains("try again"), "{}", stalled.text);
    assert_eq!(listed_state(&server, &id), "awaiting-confirmation");
    let confirmed = server.call_tool("mikrotik_confirm_change", json!({ "change_id": id }));
    assert!(!confirmed.is_error, "{}", confirmed.text);
    assert!(names(&env, "/system/scheduler").is_empty());
}
