//! A misbehaving router (the simulator's fault switches) seen through MCP: each fault is an
//! error result naming the router, never a hang, and the next call works again.

use std::time::{Duration, Instant};

use e2e::{TestEnv, ToolResult};
use mcp_mikrotik::routeros::sim::Fault;
use serde_json::json;

/// Call once with `fault` set for one command, then check the server recovers; the result of
/// the faulty call.
fn fault_then_recover(fault: Fault) -> ToolResult {
    let mut env = TestEnv::new();
    env.set("MCP_MIKROTIK_TIMEOUT", "2");
    let server = env.server();
    // Open the session first so the fault hits a command, not the login.
    server.call_ok("mikrotik_get_system_resources", json!({}));
    env.sim().faults().set_once(fault.clone());
    let started = Instant::now();
    let failed = server.call_tool("mikrotik_get_interfaces", json!({}));
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(6),
        "{fault:?}: answered after {took:?}"
    );
    let total = env.rows("/interface", &[]).len();
    let recovered = server.call_ok("mikrotik_get_interfaces", json!({}));
    assert!(
        recovered.text.starts_with(&format!("interfaces: {total}")),
        "{fault:?}: {}",
        recovered.text
    );
    failed
}

#[test]
fn a_fatal_reply_is_an_error_and_the_session_is_reopened() {
    let result = fault_then_recover(Fault::Fatal);
    assert!(result.is_error, "{}", result.text);
    assert!(result.text.contains("fatal"), "{}", result.text);
}

#[test]
fn a_connection_dropped_mid_reply_is_an_error_and_the_session_is_reopened() {
    let result = fault_then_recover(Fault::DropMidReply);
    assert!(result.is_error, "{}", result.text);
    assert!(result.text.contains("127.0.0.1"), "{}", result.text);
}

#[test]
fn garbage_from_the_router_is_an_error_and_the_session_is_reopened() {
    let result = fault_then_recover(Fault::Garbage);
    assert!(result.is_error, "{}", result.text);
}

#[test]
fn a_control_byte_from_the_router_is_an_error_and_the_session_is_reopened() {
    let result = fault_then_recover(Fault::ControlByte);
    assert!(result.is_error, "{}", result.text);
}

#[test]
fn a_stalled_router_is_cut_at_the_deadline() {
    // Nothing arrived before the deadline: an error saying so, never "interfaces: none".
    let result = fault_then_recover(Fault::Stall);
    let text = &result.text;
    assert!(result.is_error, "{text}");
    assert!(!text.contains("interfaces: "), "{text}");
    let rest = text
        .strip_prefix("listing interfaces failed: timed out: ")
        .unwrap_or_else(|| panic!("{text}"));
    // The host's client reports a command that heard nothing before its deadline; the plugin
    // SDK's own check is the backstop should a reply cut before anything arrived reach it.
    let by_host = rest
        .strip_prefix("deadline of ")
        .and_then(|r| r.split_once(" ms expired waiting for any answer to /interface/print "))
        .is_some_and(|(ms, router)| {
            ms.parse::<u64>().is_ok_and(|ms| ms <= 2000)
                && router.starts_with("from router 127.0.0.1:")
        });
    let by_plugin = rest.starts_with(
        "the router did not answer /interface/print before the tool call's deadline (waited ",
    );
    assert!(by_host || by_plugin, "{text}");
}
