//! Misbehaving plugins over MCP: each failure is an error result for that call, the server
//! keeps serving, and the MCP stream on stdout stays clean.

use std::time::{Duration, Instant};

use e2e::hostile::install_hostile;
use e2e::{McpClient, TestEnv};
use serde_json::json;

/// A server with the hostile plugin and a junk file in its plugin directory.
fn hostile_server(timeout_secs: &str) -> (TestEnv, McpClient) {
    let mut env = TestEnv::new();
    env.set("MCP_MIKROTIK_TIMEOUT", timeout_secs);
    install_hostile(env.plugin_dir());
    std::fs::write(
        env.plugin_dir().join("junk.wasm"),
        b"this is not a component",
    )
    .expect("write junk.wasm");
    let server = env.server();
    (env, server)
}

/// The server still answers a real tool call correctly.
fn still_serving(env: &TestEnv, server: &McpClient) {
    let total = env.rows("/interface", &[]).len();
    let result = server.call_ok("mikrotik_get_interfaces", json!({}));
    assert!(
        result.text.starts_with(&format!("interfaces: {total}")),
        "{}",
        result.text
    );
}

#[test]
fn junk_is_skipped_with_a_line_naming_it_and_hostile_tools_are_listed() {
    let (_env, server) = hostile_server("5");
    let stderr = server.wait_for_stderr("junk.wasm", Duration::from_secs(5));
    let line = stderr
        .lines()
        .find(|l| l.contains("junk.wasm"))
        .unwrap_or_default();
    assert!(line.contains("skipped"), "{line}");
    let tools = server.list_tools();
    for name in ["hostile_spin", "hostile_panic", "hostile_echo"] {
        assert!(tools.iter().any(|t| t["name"] == name), "{name} not listed");
    }
    assert!(tools.iter().any(|t| t["name"] == "mikrotik_get_interfaces"));
}

#[test]
fn a_spinning_plugin_is_stopped_at_the_deadline() {
    let (env, server) = hostile_server("1");
    let started = Instant::now();
    let result = server.call_tool("hostile_spin", json!({}));
    let took = started.elapsed();
    assert!(result.is_error, "{}", result.text);
    assert!(
        result.text.contains("deadline") || result.text.contains("time"),
        "{}",
        result.text
    );
    assert!(took < Duration::from_secs(5), "stopped after {took:?}");
    still_serving(&env, &server);
}

#[test]
fn a_memory_bomb_is_an_error_and_the_server_goes_on() {
    let (env, server) = hostile_server("10");
    let result = server.call_tool("hostile_memory_bomb", json!({}));
    assert!(result.is_error, "{}", result.text);
    assert!(result.text.contains("memory"), "{}", result.text);
    still_serving(&env, &server);
}

#[test]
fn a_panic_is_an_error_and_the_server_goes_on() {
    let (env, server) = hostile_server("5");
    let result = server.call_tool("hostile_panic", json!({}));
    assert!(result.is_error, "{}", result.text);
    still_serving(&env, &server);
    let again = server.call_tool("hostile_panic", json!({}));
    assert!(again.is_error, "{}", again.text);
}

#[test]
fn an_undeclared_command_is_denied() {
    let (env, server) = hostile_server("5");
    let result = server.call_tool("hostile_undeclared", json!({}));
    assert!(result.is_error, "{}", result.text);
    assert!(result.text.contains("denied"), "{}", result.text);
    assert!(result.text.contains("/system/reboot"), "{}", result.text);
    still_serving(&env, &server);
}

#[test]
fn a_stdout_flood_never_reaches_the_mcp_stream() {
    let (env, server) = hostile_server("10");
    let _ = server.call_tool("hostile_stdout_flood", json!({}));
    server.assert_stream_clean();
    still_serving(&env, &server);
    server.assert_stream_clean();
}

#[test]
fn a_declared_call_reaches_the_router() {
    let (env, server) = hostile_server("5");
    let result = server.call_ok("hostile_echo", json!({"query": "type=ether"}));
    let expected = env.rows("/interface", &["type=ether"]).len();
    assert_eq!(result.text.lines().count(), expected, "{}", result.text);
}

#[test]
fn structured_output_is_checked_and_kept_on_one_line() {
    let (env, server) = hostile_server("5");
    // Pretty-printed JSON with a newline inside a string (escaped) and between tokens (raw).
    let pretty = "{\n  \"total\": 2,\n  \"note\": \"two\\nlines\"\n}";
    let ok = server.call_ok("hostile_structured", json!({ "json": pretty }));
    assert_eq!(
        ok.structured,
        Some(json!({"total": 2, "note": "two\nlines"}))
    );
    let off_schema = server.call_tool("hostile_structured", json!({"json": "{\"total\":\"x\"}"}));
    assert!(off_schema.is_error, "{}", off_schema.text);
    assert!(
        off_schema.text.contains("does not match its output schema"),
        "{}",
        off_schema.text
    );
    server.assert_stream_clean();
    still_serving(&env, &server);
}
