//! The MCP surface of the real binary: initialize, tools/list (names, schemas, annotations,
//! size) and protocol errors (invalid arguments, unknown tool).

use e2e::TestEnv;
use serde_json::{Value, json};

const SEED_TOOLS: [&str; 4] = [
    "mikrotik_run_command",
    "mikrotik_get_interfaces",
    "mikrotik_get_system_resources",
    "mikrotik_get_dhcp_leases",
];

const ROADMAP_TOOLS: [&str; 11] = [
    "mikrotik_get_firewall_rules",
    "mikrotik_get_address_lists",
    "mikrotik_get_routes",
    "mikrotik_get_wireless_clients",
    "mikrotik_get_logs",
    "mikrotik_get_vlan_interfaces",
    "mikrotik_ping",
    "mikrotik_get_ip_addresses",
    "mikrotik_get_arp",
    "mikrotik_get_dns",
    "mikrotik_get_neighbors",
];

fn tool<'a>(tools: &'a [Value], name: &str) -> &'a Value {
    tools
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("tools/list has no {name}"))
}

#[test]
fn initialize_names_the_server_and_offers_tools() {
    let env = TestEnv::new();
    let server = env.spawn_server();
    let init = server.initialize();
    assert_eq!(init["serverInfo"]["name"], "mcp-mikrotik", "{init}");
    let version = init["serverInfo"]["version"].as_str().unwrap_or("");
    assert!(
        !version.is_empty() && version.split('.').count() == 3,
        "version {version:?}"
    );
    assert!(init["capabilities"]["tools"].is_object(), "{init}");
    let instructions = init["instructions"].as_str().unwrap_or("");
    assert!(instructions.contains("MikroTik"), "{instructions:?}");
    assert!(init["protocolVersion"].is_string(), "{init}");
}

#[test]
fn tools_list_has_every_tool_with_valid_schemas() {
    let env = TestEnv::new();
    let server = env.server();
    let tools = server.list_tools();
    for name in SEED_TOOLS.iter().chain(&ROADMAP_TOOLS) {
        tool(&tools, name);
    }
    let mut names: Vec<&str> = tools.iter().filter_map(|t| t["name"].as_str()).collect();
    let count = names.len();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), count, "duplicate tool names: {names:?}");

    for t in &tools {
        let name = t["name"].as_str().unwrap_or("?");
        let description = t["description"].as_str().unwrap_or("");
        assert!(
            description.len() > 20,
            "{name}: description {description:?}"
        );
        let input = &t["inputSchema"];
        assert_eq!(input["type"], "object", "{name}: inputSchema {input}");
        if let Err(e) = jsonschema::meta::validate(input) {
            panic!("{name}: inputSchema is not a valid JSON Schema: {e}\n{input}");
        }
        let validator = jsonschema::validator_for(input)
            .unwrap_or_else(|e| panic!("{name}: inputSchema does not compile: {e}"));
        // Every schema refuses a property nobody declared.
        assert!(
            !validator.is_valid(&json!({"no_such_argument_anywhere": 1})),
            "{name}: inputSchema accepts unknown properties"
        );
        if let Some(output) = t.get("outputSchema") {
            assert_eq!(output["type"], "object", "{name}: outputSchema {output}");
            if let Err(e) = jsonschema::meta::validate(output) {
                panic!("{name}: outputSchema is not a valid JSON Schema: {e}\n{output}");
            }
        }
    }
}

#[test]
fn annotations_say_what_each_tool_does() {
    let env = TestEnv::new();
    let server = env.server();
    let tools = server.list_tools();
    for t in &tools {
        let name = t["name"].as_str().unwrap_or("?");
        let a = &t["annotations"];
        for hint in [
            "readOnlyHint",
            "destructiveHint",
            "idempotentHint",
            "openWorldHint",
        ] {
            assert!(a[hint].is_boolean(), "{name}: {hint} missing in {a}");
        }
        if name.starts_with("mikrotik_get_") {
            assert_eq!(a["readOnlyHint"], true, "{name}: {a}");
            assert_eq!(a["destructiveHint"], false, "{name}: {a}");
        }
    }
    let run = &tool(&tools, "mikrotik_run_command")["annotations"];
    assert_eq!(run["readOnlyHint"], false, "{run}");
    assert_eq!(run["destructiveHint"], true, "{run}");
    assert_eq!(run["idempotentHint"], false, "{run}");
    let ping = &tool(&tools, "mikrotik_ping")["annotations"];
    assert_eq!(ping["readOnlyHint"], true, "{ping}");
    assert_eq!(ping["openWorldHint"], true, "{ping}");
    let interfaces = &tool(&tools, "mikrotik_get_interfaces")["annotations"];
    assert_eq!(interfaces["openWorldHint"], false, "{interfaces}");
    assert_eq!(interfaces["idempotentHint"], true, "{interfaces}");
}

#[test]
fn tools_list_stays_under_20_kb() {
    let env = TestEnv::new();
    let server = env.server();
    let result = server.request("tools/list", json!({})).expect("tools/list");
    let size = result.to_string().len();
    let count = result["tools"].as_array().map_or(0, Vec::len);
    println!("tools/list: {count} tools, {size} bytes of JSON");
    assert!(
        size <= 20 * 1024,
        "tools/list is {size} bytes, over its 20 KB budget"
    );
}

#[test]
fn arguments_that_break_the_schema_are_a_jsonrpc_error() {
    let env = TestEnv::new();
    let server = env.server();
    let err = server
        .try_call_tool("mikrotik_get_interfaces", json!({"limit": "ten"}))
        .expect_err("a string limit must be refused");
    assert_eq!(err.code, -32602, "{err:?}");
    assert!(
        err.message.contains("mikrotik_get_interfaces") && err.message.contains("limit"),
        "{err:?}"
    );

    let err = server
        .try_call_tool("mikrotik_get_dhcp_leases", json!({"stauts": "bound"}))
        .expect_err("a misspelt argument must be refused");
    assert_eq!(err.code, -32602, "{err:?}");
    assert!(err.message.contains("stauts"), "{err:?}");

    let err = server
        .try_call_tool("mikrotik_ping", json!({}))
        .expect_err("a missing required argument must be refused");
    assert_eq!(err.code, -32602, "{err:?}");
    assert!(err.message.contains("address"), "{err:?}");

    // The server keeps serving after protocol errors.
    server.call_ok("mikrotik_get_interfaces", json!({"limit": 1}));
}

#[test]
fn an_unknown_tool_is_a_jsonrpc_error() {
    let env = TestEnv::new();
    let server = env.server();
    let err = server
        .try_call_tool("mikrotik_get_unicorns", json!({}))
        .expect_err("an unknown tool must be a JSON-RPC error");
    assert!(err.code < 0, "{err:?}");
    assert!(err.message.contains("mikrotik_get_unicorns"), "{err:?}");
}

#[test]
fn an_unknown_method_is_a_jsonrpc_error_and_the_server_goes_on() {
    let env = TestEnv::new();
    let server = env.server();
    let err = server
        .request("tools/frobnicate", json!({}))
        .expect_err("an unknown method must be refused");
    assert_eq!(err.code, -32601, "{err:?}");
    assert!(!server.list_tools().is_empty());
}

#[test]
fn the_server_exits_when_the_client_closes_stdin() {
    let env = TestEnv::new();
    let server = env.server();
    server.list_tools();
    let code = server.close(std::time::Duration::from_secs(10));
    assert_eq!(
        code,
        Some(0),
        "the server should exit cleanly at end of input"
    );
}

#[test]
fn unparseable_input_gets_a_parse_error_and_the_server_goes_on() {
    let env = TestEnv::new();
    let server = env.server();
    let deep = format!("{}{}\n", "[".repeat(1000), "]".repeat(1000));
    let long = format!("{{\"pad\":\"{}\"}}\n", "x".repeat(17 << 20));
    let inputs: [(&str, &[u8]); 6] = [
        ("broken JSON", b"{\"jsonrpc\":\"2.0\",\"id\":1,\n"),
        ("not JSON at all", b"hello\n"),
        (
            "invalid UTF-8",
            b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}\n",
        ),
        (
            "a number out of range",
            b"{\"jsonrpc\":\"2.0\",\"id\":1e400,\"method\":\"ping\"}\n",
        ),
        ("deep nesting", deep.as_bytes()),
        ("an over-long line", long.as_bytes()),
    ];
    for (what, input) in inputs {
        server.send_raw(input);
        let answer = server
            .wait_message(std::time::Duration::from_secs(10), |m| {
                m.get("error").is_some()
            })
            .unwrap_or_else(|| server.fail(&format!("no answer to {what}")));
        assert_eq!(answer["id"], Value::Null, "{what}: {answer}");
        assert_eq!(answer["error"]["code"], -32700, "{what}: {answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("Parse error")),
            "{what}: {answer}"
        );
    }
    server.call_ok("mikrotik_get_interfaces", json!({"limit": 1}));
}

#[test]
fn arguments_that_are_not_an_object_are_invalid_params() {
    let env = TestEnv::new();
    let server = env.server();
    let err = server
        .call_tool_params(json!({"name": "mikrotik_get_interfaces", "arguments": "{}"}))
        .expect_err("string arguments must be refused");
    assert_eq!(err.code, -32602, "{err:?}");
    assert!(err.message.contains("arguments"), "{err:?}");
    server.call_ok("mikrotik_get_interfaces", json!({"limit": 1}));
}
