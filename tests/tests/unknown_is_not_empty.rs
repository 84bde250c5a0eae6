//! "No answer" is never presented as "nothing there": a router that stays silent until the
//! deadline is an error, a reply the deadline cuts after some rows says it is incomplete (with
//! no invented total), and a table too big for the output cap shows the rows that fit with how
//! many there are, never an error or an empty listing.

use std::time::{Duration, Instant};

use e2e::listing::{column, truth_column};
use e2e::{McpClient, TestEnv, ToolResult};
use mcp_mikrotik::routeros::sim::{Fault, SimConfig};
use serde_json::{Value, json};

/// The host's cap on one call's text plus structured JSON (`RuntimeConfig::max_output`).
const OUTPUT_CAP: usize = 1 << 20;

/// A default router and a server with a 2 s deadline per tool call, its session open and
/// `warm_up` (a tool and its arguments) called once, so the plugin is loaded and the fault set
/// afterwards hits the tool's command, not the login.
fn two_second_server(warm_up: (&str, Value)) -> (TestEnv, McpClient) {
    let mut env = TestEnv::new();
    env.set("MCP_MIKROTIK_TIMEOUT", "2");
    let server = env.server();
    server.call_ok(warm_up.0, warm_up.1);
    (env, server)
}

/// Call `tool` with `fault` set for the router's next command; it must answer well within
/// the 2 s deadline's reach.
fn call_with_fault(
    env: &TestEnv,
    server: &McpClient,
    fault: Fault,
    tool: &str,
    args: Value,
) -> ToolResult {
    env.sim().faults().set_once(fault.clone());
    let started = Instant::now();
    let result = server.call_tool(tool, args);
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(6),
        "{tool} under {fault:?} answered after {took:?}"
    );
    result
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// A tool error for `command`, which heard nothing before the 2 s deadline: `prefix` (the
/// tool's own words) then `timed out: ` and why. The host's client reports such a command
/// (`deadline of N ms expired waiting for any answer to <command> from router <target>`); the
/// plugin SDK's check (`the router did not answer <command> …`) is the backstop should a reply
/// cut before anything arrived reach a plugin.
fn assert_no_answer(result: &ToolResult, prefix: &str, command: &str, target: &str) {
    let text = &result.text;
    assert!(result.is_error, "{text}");
    let rest = text
        .strip_prefix(prefix)
        .and_then(|r| r.strip_prefix("timed out: "))
        .unwrap_or_else(|| panic!("not {prefix:?} then \"timed out: \": {text}"));
    let by_host = rest
        .strip_prefix("deadline of ")
        .and_then(|r| r.split_once(" ms expired waiting for any answer to "))
        .is_some_and(|(ms, r)| {
            ms.parse::<u64>().is_ok_and(|ms| ms <= 2000)
                && r == format!("{command} from router {target}")
        });
    let by_plugin = rest.starts_with(&format!("the router did not answer {command} "));
    assert!(by_host || by_plugin, "{text}");
}

#[test]
fn a_listing_cut_by_the_deadline_says_incomplete_and_gives_no_total() {
    let (env, server) = two_second_server(("mikrotik_get_interfaces", json!({})));
    let truth = env.rows("/interface", &[]);
    let n = truth.len();
    assert!(n >= 8, "the simulator has enough interfaces: {n}");
    // ~1.75 s of the 2 s deadline for the print, one sentence every 300 ms: about 5 rows.
    let result = call_with_fault(
        &env,
        &server,
        Fault::SlowReplies(Duration::from_millis(300)),
        "mikrotik_get_interfaces",
        json!({}),
    );
    assert!(
        !result.is_error,
        "a partial answer, not an error: {}",
        result.text
    );
    let s = result.structured.clone().expect("structured content");
    let k = s["shown"].as_u64().unwrap_or_else(|| panic!("shown: {s}")) as usize;
    assert!(0 < k && k < n, "between 1 and {} rows arrived: {s}", n - 1);
    assert_eq!(
        first_line(&result.text),
        format!(
            "interfaces: {k}; incomplete: the router stopped answering after {k} {} (deadline)",
            if k == 1 { "row" } else { "rows" }
        ),
        "{}",
        result.text
    );
    assert_eq!(s["complete"], false, "{s}");
    assert_eq!(s["cut"], "deadline", "{s}");
    assert_eq!(s["received"], k, "{s}");
    assert!(s.get("total").is_none(), "no total is invented: {s}");
    // The rows that arrived are the router's first rows, as they are.
    assert_eq!(column(&s, "name"), truth_column(&truth, "name")[..k]);

    // The fault was for one command: the next call is whole again.
    let whole = server.call_ok("mikrotik_get_interfaces", json!({}));
    assert_eq!(first_line(&whole.text), format!("interfaces: {n}"));
    let s = whole.structured.expect("structured content");
    assert_eq!((&s["complete"], &s["total"]), (&json!(true), &json!(n)));
}

#[test]
fn a_silent_router_is_a_ping_error_not_zero_sent() {
    let (env, server) = two_second_server((
        "mikrotik_ping",
        json!({"address": "192.168.88.1", "count": 1}),
    ));
    let result = call_with_fault(
        &env,
        &server,
        Fault::Stall,
        "mikrotik_ping",
        json!({"address": "192.168.88.1"}),
    );
    assert_no_answer(
        &result,
        "ping 192.168.88.1 failed: ",
        "/ping",
        &env.target(),
    );
    assert!(!result.text.contains("0 sent"), "{}", result.text);
    assert!(!result.text.contains("loss"), "{}", result.text);

    let again = server.call_ok(
        "mikrotik_ping",
        json!({"address": "192.168.88.1", "count": 1}),
    );
    assert!(
        again
            .text
            .starts_with("ping 192.168.88.1: 1 sent, 1 received"),
        "{}",
        again.text
    );
}

#[test]
fn a_silent_router_is_a_dns_error_not_unknown_settings() {
    let (env, server) = two_second_server(("mikrotik_get_dns", json!({})));
    let result = call_with_fault(&env, &server, Fault::Stall, "mikrotik_get_dns", json!({}));
    assert_no_answer(
        &result,
        "reading /ip/dns failed: ",
        "/ip/dns/print",
        &env.target(),
    );
    assert!(!result.text.contains("unknown"), "{}", result.text);
    assert!(!result.text.contains("static entries"), "{}", result.text);

    let again = server.call_ok("mikrotik_get_dns", json!({}));
    assert!(again.text.starts_with("DNS servers: "), "{}", again.text);
}

/// `mikrotik_run_command` with `arguments`; its result, text plus structured JSON checked to be
/// under the output cap.
fn run_command(server: &McpClient, arguments: Value) -> (ToolResult, Value) {
    let result = server.call_ok("mikrotik_run_command", arguments);
    let s = result.structured.clone().expect("structured content");
    let size = result.text.len() + serde_json::to_string(&s).expect("JSON").len();
    assert!(
        size <= OUTPUT_CAP,
        "text and structured JSON are {size} bytes, over the {OUTPUT_CAP} byte cap"
    );
    (result, s)
}

#[test]
fn a_table_over_the_output_cap_shows_the_rows_that_fit_and_how_many_there_are() {
    let env = TestEnv::with_sim(SimConfig {
        routes: 2000,
        ..Default::default()
    });
    let server = env.server();
    let truth = env.rows("/ip/route", &[]);
    let m = truth.len();
    assert!(m > 2000, "{m} routes");

    let (result, s) = run_command(&server, json!({"command": "/ip/route/print"}));
    let n = s["shown"].as_u64().unwrap_or_else(|| panic!("shown: {s}")) as usize;
    assert!(0 < n && n < m, "some rows fit, not all: {n} of {m}");
    assert!(
        first_line(&result.text).starts_with(&format!(
            "/ip/route/print: showing {n} of {m} rows; the other rows would pass the 1 MiB \
             output cap"
        )),
        "{}",
        first_line(&result.text)
    );
    assert_eq!(result.text.lines().count(), 1 + n, "one line per row shown");
    let rows = s["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), n);
    assert_eq!(s["total"], m, "total counted on the router");
    assert_eq!(s["received"], m, "every row arrived");
    assert_eq!(s["complete"], true, "the router finished the reply");
    assert_eq!(
        column(&s, "dst-address"),
        truth_column(&truth, "dst-address")[..n],
        "the leading rows, as they are"
    );

    // Two fields a row: every row fits.
    let (result, s) = run_command(
        &server,
        json!({"command": "/ip/route/print", "args": {".proplist": "dst-address,gateway"}}),
    );
    assert_eq!(
        first_line(&result.text),
        format!("/ip/route/print: {m} rows")
    );
    assert_eq!((&s["shown"], &s["received"]), (&json!(m), &json!(m)));
    assert_eq!(s["complete"], true);
    // Nothing left out, so nothing to count: no total, or the true one.
    assert!(
        s.get("total").is_none_or(|t| *t == m),
        "total {}",
        s["total"]
    );
    assert_eq!(
        column(&s, "dst-address"),
        truth_column(&truth, "dst-address")
    );
    assert_eq!(column(&s, "gateway"), truth_column(&truth, "gateway"));
}
