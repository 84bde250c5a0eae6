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
    // Either an error, or an answer that says it is incomplete; never a silent "none".
    let result = fault_then_recover(Fault::Stall);
    let text = &result.text;
    assert!(
        (result.is_error && text.contains("deadline")) || text.contains("incomplete"),
        "{text}"
    );
}
