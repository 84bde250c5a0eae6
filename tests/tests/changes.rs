//! Change control end to end: every write of a tool call is planned, put to a person (with
//! elicitation, or as a plan id), applied exactly, undone when the router refuses a write,
//! and audited — for `mikrotik_run_command` and for a third-party plugin that writes.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use e2e::TestEnv;
use e2e::hostile::install_hostile;
use e2e::mcp_client::McpClient;
use mcp_mikrotik::routeros::Request;
use mcp_mikrotik::routeros::sim::Fault;
use serde_json::{Value, json};

fn dns(env: &TestEnv, name: &str) -> Option<BTreeMap<String, String>> {
    let query = format!("name={name}");
    env.rows("/ip/dns/static", &[query.as_str()]).pop()
}

fn add_dns(name: &str) -> Value {
    json!({"command": "/ip/dns/static/add", "args": {"name": name, "address": "192.168.88.77"}})
}

/// The audit as JSON records, oldest first.
fn audit(env: &TestEnv) -> Vec<Value> {
    let out = env.cli(&["audit", "--json"]);
    assert_eq!(out.code, Some(0), "audit failed: {}", out.stderr);
    out.stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("audit lines are JSON"))
        .collect()
}

fn kinds(records: &[Value], plan: &str) -> Vec<String> {
    records
        .iter()
        .filter(|r| r["plan_id"] == plan)
        .map(|r| r["kind"].as_str().unwrap_or("").to_string())
        .collect()
}

fn plan_id(result: &e2e::mcp_client::ToolResult) -> String {
    let s = result.structured.as_ref().expect("structured content");
    s["plan_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no plan_id in {s}"))
        .to_string()
}

#[test]
fn accepted_in_elicitation_is_applied_exactly_and_audited() {
    let env = TestEnv::new();
    let server = env.spawn_server();
    server.initialize_eliciting("accept");
    let result = server.call_tool("mikrotik_run_command", add_dns("accepted.lan"));
    assert!(!result.is_error, "{}", result.text);
    let asked = server.elicitations();
    assert_eq!(asked.len(), 1, "the person was asked once");
    let message = asked[0]["params"]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("/ip/dns/static/add") && message.contains("accepted.lan"),
        "the plan shows the write: {message}"
    );
    let entry = dns(&env, "accepted.lan").expect("the add reached the router");
    assert_eq!(entry["address"], "192.168.88.77");
    let s = result.structured.clone().unwrap();
    assert_eq!(s["state"], "kept", "{s}");
    assert_eq!(s["writes"][0]["ret"], entry[".id"].as_str());
    assert!(
        result.text.contains(entry[".id"].as_str()),
        "the result reads the new item back: {}",
        result.text
    );
    let id = plan_id(&result);
    let records = audit(&env);
    assert_eq!(
        kinds(&records, &id),
        [
            "planned",
            "accepted",
            "net-armed",
            "sending",
            "sent",
            "login-check",
            "read-back",
            "kept"
        ]
    );
    for menu in ["/system/scheduler", "/system/script"] {
        assert!(
            env.rows(menu, &[]).is_empty(),
            "the safety net is gone from {menu} once the change is kept"
        );
    }
    let accepted = records.iter().find(|r| r["kind"] == "accepted").unwrap();
    assert!(
        accepted["detail"]["by"]
            .as_str()
            .unwrap()
            .contains("e2e-eliciting"),
        "{accepted}"
    );
}

#[test]
fn declined_or_cancelled_sends_nothing() {
    for action in ["decline", "cancel"] {
        let env = TestEnv::new();
        let server = env.spawn_server();
        server.initialize_eliciting(action);
        let before = env.rows("/ip/dns/static", &[]);
        let result = server.call_tool("mikrotik_run_command", add_dns("declined.lan"));
        assert!(!result.is_error, "a no is not an error: {}", result.text);
        assert!(
            result.text.contains("nothing was sent"),
            "{action}: {}",
            result.text
        );
        let state = result.structured.as_ref().unwrap()["state"].clone();
        assert_eq!(state, format!("{action}d").replace("canceld", "cancelled"));
        assert_eq!(env.rows("/ip/dns/static", &[]), before, "{action}");
    }
}

#[test]
fn a_plan_id_applies_once_and_shows_before_and_after() {
    let env = TestEnv::new();
    let server = env.server();
    let nas = dns(&env, "nas.lan").unwrap();
    let set = json!({"command": "/ip/dns/static/set",
        "args": {"numbers": nas[".id"], "address": "10.9.9.9"}});
    let planned = server.call_tool("mikrotik_run_command", set);
    assert!(!planned.is_error, "{}", planned.text);
    assert_eq!(planned.structured.as_ref().unwrap()["state"], "pending");
    assert!(
        planned.text.contains("192.168.88.11 → 10.9.9.9"),
        "the plan shows before → after: {}",
        planned.text
    );
    assert_eq!(dns(&env, "nas.lan").unwrap()["address"], "192.168.88.11");
    let id = plan_id(&planned);

    let applied = server.call_tool("mikrotik_apply_plan", json!({"plan_id": id}));
    assert!(!applied.is_error, "{}", applied.text);
    assert_eq!(dns(&env, "nas.lan").unwrap()["address"], "10.9.9.9");
    assert!(
        applied
            .text
            .contains("address \"192.168.88.11\" → \"10.9.9.9\"")
            || applied.text.contains("address 192.168.88.11 → 10.9.9.9"),
        "read back: {}",
        applied.text
    );
    let again = server.call_tool("mikrotik_apply_plan", json!({"plan_id": id}));
    assert!(again.is_error, "{}", again.text);
    assert!(again.text.contains("used once"), "{}", again.text);
    let unknown = server.call_tool("mikrotik_apply_plan", json!({"plan_id": "p0000"}));
    assert!(
        unknown.is_error && unknown.text.contains("no plan"),
        "{}",
        unknown.text
    );
}

#[test]
fn a_plan_is_refused_when_the_item_changed_meanwhile() {
    let env = TestEnv::new();
    let server = env.server();
    let nas = dns(&env, "nas.lan").unwrap();
    let planned = server.call_tool(
        "mikrotik_run_command",
        json!({"command": "/ip/dns/static/set", "args": {"numbers": nas[".id"], "address": "10.9.9.9"}}),
    );
    let id = plan_id(&planned);
    env.truth(
        Request::new("/ip/dns/static/set")
            .arg(".id", nas[".id"].as_str())
            .arg("comment", "meddled"),
    )
    .expect("change the item behind the plan's back");
    let applied = server.call_tool("mikrotik_apply_plan", json!({"plan_id": id}));
    assert!(applied.is_error, "{}", applied.text);
    assert!(
        applied.text.contains("changed since the plan") && applied.text.contains("comment"),
        "{}",
        applied.text
    );
    assert_eq!(dns(&env, "nas.lan").unwrap()["address"], "192.168.88.11");
}

#[test]
fn an_expired_plan_is_refused() {
    let mut env = TestEnv::new();
    env.set("MCP_MIKROTIK_PLAN_TTL", "1");
    let server = env.server();
    let planned = server.call_tool("mikrotik_run_command", add_dns("late.lan"));
    std::thread::sleep(Duration::from_millis(1500));
    let applied = server.call_tool("mikrotik_apply_plan", json!({"plan_id": plan_id(&planned)}));
    assert!(
        applied.is_error && applied.text.contains("expired"),
        "{}",
        applied.text
    );
    assert!(dns(&env, "late.lan").is_none());
}

#[test]
fn apply_plans_person_needs_terminal_approval() {
    let mut env = TestEnv::new();
    env.set("MCP_MIKROTIK_APPLY_PLANS", "person");
    let server = env.server();
    let planned = server.call_tool("mikrotik_run_command", add_dns("person.lan"));
    let id = plan_id(&planned);
    assert!(planned.text.contains("plan approve"), "{}", planned.text);
    let early = server.call_tool("mikrotik_apply_plan", json!({"plan_id": id}));
    assert!(early.is_error, "{}", early.text);
    assert!(dns(&env, "person.lan").is_none());

    let listed = env.cli(&["plan", "list"]);
    assert!(listed.stdout.contains(&id), "{}", listed.stdout);
    let approved = env.cli(&["plan", "approve", &id]);
    assert_eq!(approved.code, Some(0), "{}", approved.stderr);
    assert!(
        approved.stdout.contains("person.lan"),
        "{}",
        approved.stdout
    );
    let applied = server.call_tool("mikrotik_apply_plan", json!({"plan_id": id}));
    assert!(!applied.is_error, "{}", applied.text);
    assert!(dns(&env, "person.lan").is_some());
    let approve_again = env.cli(&["plan", "approve", &id]);
    assert_ne!(approve_again.code, Some(0));
}

/// A third-party plugin's writes are planned like any other: its add's placeholder id works in
/// its next command, and the host puts the real id in when it applies.
#[test]
fn a_plugin_that_writes_is_planned_with_placeholders() {
    let env = TestEnv::new();
    install_hostile(env.plugin_dir());
    let server = env.spawn_server();
    server.initialize_eliciting("accept");
    let result = server.call_tool(
        "hostile_batch",
        json!({"calls": [
            {"command": "/ip/dns/static/add", "args": {"name": "batch.lan", "address": "10.1.1.1"}},
            {"command": "/ip/dns/static/set", "args": {"numbers": "$ret0", "comment": "from a plugin"}}
        ]}),
    );
    assert!(!result.is_error, "{}", result.text);
    let message = server.elicitations()[0]["params"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("*PLAN1"), "{message}");
    let entry = dns(&env, "batch.lan").expect("added");
    assert_eq!(entry["comment"], "from a plugin");
}

/// The router refuses the third write: the first two are undone and the router is as before.
#[test]
fn a_refused_write_leaves_the_router_as_before() {
    let env = TestEnv::new();
    install_hostile(env.plugin_dir());
    let server = env.spawn_server();
    server.initialize_eliciting("accept");
    let before = env.rows("/ip/dns/static", &[]);
    let nas = dns(&env, "nas.lan").unwrap();
    let result = server.call_tool(
        "hostile_batch",
        json!({"calls": [
            {"command": "/ip/dns/static/add", "args": {"name": "first.lan", "address": "10.1.1.1"}},
            {"command": "/ip/dns/static/set", "args": {"numbers": nas[".id"], "address": "10.2.2.2"}},
            {"command": "/ip/dns/static/add", "args": {"name": "printer.lan", "address": "10.3.3.3"}}
        ]}),
    );
    assert!(result.is_error, "{}", result.text);
    assert!(result.text.contains("write 3 of 3"), "{}", result.text);
    assert!(result.text.contains("already exists"), "{}", result.text);
    let after = env.rows("/ip/dns/static", &[]);
    let strip = |rows: Vec<BTreeMap<String, String>>| -> Vec<BTreeMap<String, String>> {
        rows.into_iter()
            .map(|mut r| {
                r.remove(".id");
                r
            })
            .collect()
    };
    assert_eq!(strip(after), strip(before), "the router is as before");
}

#[test]
fn cli_call_asks_or_takes_yes() {
    let env = TestEnv::new();
    let args = add_dns("cli.lan").to_string();
    let asked = env.cli(&["call", "mikrotik_run_command", &args]);
    assert_eq!(
        asked.code,
        Some(3),
        "not applied without a yes: {}",
        asked.stdout
    );
    assert!(asked.stdout.contains("plan_id") || asked.stdout.contains("Plan p"));
    assert!(dns(&env, "cli.lan").is_none());
    let yes = env.cli(&["call", "--yes", "mikrotik_run_command", &args]);
    assert_eq!(yes.code, Some(0), "{}\n{}", yes.stdout, yes.stderr);
    assert!(dns(&env, "cli.lan").is_some());
}

#[test]
fn allow_applies_without_asking_and_deny_hides_writes() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_WRITES", "allow");
    let server = env.server();
    let names: Vec<String> = server
        .list_tools()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    assert!(!names.contains(&"mikrotik_apply_plan".to_string()));
    let result = server.call_tool("mikrotik_run_command", add_dns("allowed.lan"));
    assert!(!result.is_error, "{}", result.text);
    assert!(dns(&env, "allowed.lan").is_some());
    assert!(audit(&env).iter().any(|r| r["kind"] == "sent"));

    let mut env = TestEnv::new();
    env.set("ROUTEROS_WRITES", "allow")
        .set("ROUTEROS_READ_ONLY", "true");
    let server = env.server();
    let result = server.call_tool("mikrotik_run_command", add_dns("denied.lan"));
    assert!(result.is_error, "{}", result.text);
    assert!(dns(&env, "denied.lan").is_none());
    assert!(
        server
            .wait_for_stderr("wins over --writes", Duration::from_secs(5))
            .contains("wins")
    );
}

/// Killed between a write and its answer: the audit shows the write as sent, outcome unknown.
#[test]
fn a_killed_server_leaves_the_write_in_the_audit_as_unknown() {
    let mut env = TestEnv::new();
    // Without the safety net, the stalled command is the write itself (not the script add).
    env.set("MCP_MIKROTIK_ROLLBACK_AFTER", "0");
    let server = env.server();
    let planned = server.call_tool("mikrotik_run_command", add_dns("killed.lan"));
    let id = plan_id(&planned);
    env.sim().faults().set_once(Fault::Stall);
    let _pending = server.start_request(
        "tools/call",
        json!({"name": "mikrotik_apply_plan", "arguments": {"plan_id": id}}),
    );
    let started = Instant::now();
    while !kinds(&audit(&env), &id).contains(&"sending".to_string()) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no sending record"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    kill(server);
    let records = audit(&env);
    let sending = records
        .iter()
        .find(|r| r["plan_id"] == id && r["kind"] == "sending")
        .unwrap();
    assert_eq!(sending["outcome"], "unknown", "{sending}");
    let text = env.cli(&["audit"]).stdout;
    assert!(text.contains("outcome unknown"), "{text}");
}

fn kill(server: McpClient) {
    drop(server);
}

/// Two servers on one state directory, writing at once, keep every record.
#[test]
fn two_servers_writing_at_once_keep_every_record() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_WRITES", "allow");
    let servers = [env.server(), env.server()];
    const EACH: usize = 8;
    std::thread::scope(|scope| {
        for (k, server) in servers.iter().enumerate() {
            scope.spawn(move || {
                for n in 0..EACH {
                    let result =
                        server.call_tool("mikrotik_run_command", add_dns(&format!("s{k}n{n}.lan")));
                    assert!(!result.is_error, "{}", result.text);
                }
            });
        }
    });
    let records = audit(&env);
    let sent = records.iter().filter(|r| r["kind"] == "sent").count();
    assert_eq!(sent, 2 * EACH);
    let planned = records.iter().filter(|r| r["kind"] == "planned").count();
    assert_eq!(planned, 2 * EACH);
}

/// A client on MCP 2026-07-28 asks the person through an input-required result and a retry;
/// the plan waits on the server under the opaque request state.
#[test]
fn input_required_results_for_2026_clients() {
    let env = TestEnv::new();
    // No initialize: on 2026-07-28 every request says who it is in its _meta.
    let server = env.spawn_server();
    let call = |name: &str, extra: Value| {
        let mut params = json!({
            "name": "mikrotik_run_command",
            "arguments": add_dns(name),
            "_meta": {
                "io.modelcontextprotocol/protocolVersion": "2026-07-28",
                "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}},
                "io.modelcontextprotocol/clientInfo": {"name": "e2e-2026", "version": "0.1.0"}
            }
        });
        if let (Some(p), Some(extra)) = (params.as_object_mut(), extra.as_object()) {
            p.extend(extra.clone());
        }
        server.request("tools/call", params).expect("tools/call")
    };
    let first = call("mrtr.lan", json!({}));
    assert_eq!(first["resultType"], "input_required", "{first}");
    let question = &first["inputRequests"]["confirm"];
    assert_eq!(question["method"], "elicitation/create", "{first}");
    assert!(
        question["params"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("mrtr.lan"),
        "{question}"
    );
    let state = first["requestState"].as_str().expect("a request state");
    assert!(
        dns(&env, "mrtr.lan").is_none(),
        "nothing sent before the answer"
    );

    let forged = call(
        "mrtr.lan",
        json!({"requestState": "pnot-a-plan", "inputResponses": {"confirm": {"action": "accept"}}}),
    );
    assert_eq!(forged["isError"], true, "{forged}");

    let done = call(
        "mrtr.lan",
        json!({"requestState": state, "inputResponses": {"confirm": {"action": "accept", "content": {}}}}),
    );
    assert_eq!(done["structuredContent"]["state"], "kept", "{done}");
    assert!(
        dns(&env, "mrtr.lan").is_some(),
        "accepted on the retry, applied"
    );
    let again = call(
        "mrtr.lan",
        json!({"requestState": state, "inputResponses": {"confirm": {"action": "accept"}}}),
    );
    assert_eq!(again["isError"], true, "a plan is used once: {again}");

    let declined = call("mrtr-no.lan", json!({}));
    let state = declined["requestState"].as_str().unwrap();
    let answer = call(
        "mrtr-no.lan",
        json!({"requestState": state, "inputResponses": {"confirm": {"action": "decline"}}}),
    );
    assert_eq!(answer["structuredContent"]["state"], "declined", "{answer}");
    assert!(dns(&env, "mrtr-no.lan").is_none());
}

/// `/export file=…` and `print file=…` write a file on the router: planned like any write,
/// marked irreversible, never sent as a read.
#[test]
fn commands_that_write_a_file_are_planned() {
    let env = TestEnv::new();
    let server = env.server();
    for (command, args) in [
        ("/export", json!({"file": "backup"})),
        ("/ip/address/print", json!({"file": "addresses"})),
    ] {
        let result = server.call_tool(
            "mikrotik_run_command",
            json!({"command": command, "args": args}),
        );
        assert!(!result.is_error, "{}", result.text);
        let s = result.structured.clone().unwrap();
        assert_eq!(s["state"], "pending", "{command}: {s}");
        assert_eq!(s["irreversible"], 1, "{command}: {s}");
        assert!(result.text.contains("IRREVERSIBLE"), "{}", result.text);
    }
}
