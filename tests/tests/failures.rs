//! What the server does when things go wrong outside it: router down, wrong password,
//! read-only mode, bad configuration.

use std::time::{Duration, Instant};

use e2e::TestEnv;
use mcp_mikrotik::routeros::sim::SimConfig;
use serde_json::json;

#[test]
fn router_down_still_lists_tools_and_fails_the_call_quickly() {
    let mut env = TestEnv::router_down();
    env.set("MCP_MIKROTIK_TIMEOUT", "5");
    let server = env.server();
    assert!(server.list_tools().len() >= 15);
    let started = Instant::now();
    let result = server.call_tool("mikrotik_get_interfaces", json!({}));
    let took = started.elapsed();
    assert!(result.is_error, "{}", result.text);
    assert!(
        result.text.contains(&env.target()),
        "the error names {}: {}",
        env.target(),
        result.text
    );
    assert!(
        took < Duration::from_secs(4),
        "a refused connection took {took:?}, close to the 5 s deadline"
    );
    // And again (the reconnect backoff must not turn into a hang).
    let again = server.call_tool("mikrotik_get_system_resources", json!({}));
    assert!(again.is_error, "{}", again.text);
    assert!(again.text.contains(&env.target()), "{}", again.text);
}

#[test]
fn wrong_password_says_the_login_failed() {
    let mut env = TestEnv::with_sim(SimConfig {
        password: "right-horse-battery".into(),
        ..SimConfig::default()
    });
    env.set("ROUTEROS_PASSWORD", "wrong-staple");
    let server = env.server();
    let result = server.call_tool("mikrotik_get_interfaces", json!({}));
    assert!(result.is_error, "{}", result.text);
    let text = result.text.to_lowercase();
    assert!(text.contains("login"), "{}", result.text);
    assert!(text.contains("failed"), "{}", result.text);
    assert!(
        !result.text.contains("wrong-staple"),
        "password leaked: {}",
        result.text
    );
    assert!(
        !server.stderr().contains("wrong-staple"),
        "password leaked to stderr"
    );
}

#[test]
fn right_password_from_a_file_logs_in() {
    let mut env = TestEnv::with_sim(SimConfig {
        password: "s3cret pass".into(),
        ..SimConfig::default()
    });
    let file = env.scratch().join("password");
    std::fs::write(&file, "s3cret pass\n").unwrap();
    env.unset("ROUTEROS_PASSWORD");
    env.set("ROUTEROS_PASSWORD_FILE", file.to_str().unwrap());
    let server = env.server();
    server.call_ok("mikrotik_get_interfaces", json!({"limit": 1}));
}

#[test]
fn legacy_md5_login_works() {
    let env = TestEnv::with_sim(SimConfig {
        password: "old-router".into(),
        legacy_login: true,
        ..SimConfig::default()
    });
    let server = env.server();
    server.call_ok("mikrotik_get_system_resources", json!({}));
}

#[test]
fn read_only_refuses_reboot_but_allows_print() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_READ_ONLY", "true");
    let server = env.server();
    let refused = server.call_tool("mikrotik_run_command", json!({"command": "/system/reboot"}));
    assert!(refused.is_error, "{}", refused.text);
    assert!(refused.text.contains("denied"), "{}", refused.text);
    assert!(refused.text.contains("/system/reboot"), "{}", refused.text);

    let refused_add = server.call_tool(
        "mikrotik_run_command",
        json!({"command": "/ip/dns/static/add", "args": {"name": "x.lan", "address": "10.0.0.1"}}),
    );
    assert!(refused_add.is_error, "{}", refused_add.text);
    assert!(refused_add.text.contains("denied"), "{}", refused_add.text);
    assert!(
        env.rows("/ip/dns/static", &["name=x.lan"]).is_empty(),
        "the add must not reach the router"
    );

    // A read that writes a file on the router is a write.
    let refused_export = server.call_tool(
        "mikrotik_run_command",
        json!({"command": "/export", "args": {"file": "backup"}}),
    );
    assert!(refused_export.is_error, "{}", refused_export.text);
    assert!(
        refused_export.text.contains("writes a file on the router"),
        "{}",
        refused_export.text
    );

    // `/console/inspect` only reads (it is how a client learns the command tree).
    let inspect = server.call_tool(
        "mikrotik_run_command",
        json!({"command": "/console/inspect", "args": {"request": "child", "path": "ip"}}),
    );
    assert!(!inspect.text.contains("denied"), "{}", inspect.text);

    let printed = server.call_ok(
        "mikrotik_run_command",
        json!({"command": "/interface/print"}),
    );
    let rows = printed.structured.unwrap()["rows"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(rows, env.rows("/interface", &[]).len());
}

#[test]
fn a_bad_port_is_one_clear_line_and_a_failure_exit() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_PORT", "abc");
    let out = env.cli(&["tools"]);
    assert_ne!(out.code, Some(0), "{out:?}");
    assert!(out.code.is_some(), "killed instead of exiting: {out:?}");
    let lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "one line expected, got {lines:?}");
    assert!(
        lines[0].contains("ROUTEROS_PORT") && lines[0].contains("abc"),
        "{lines:?}"
    );

    // The MCP server refuses to start the same way.
    let serve = e2e::run_to_end(env.command(&[]), Duration::from_secs(20));
    assert_ne!(serve.code, Some(0), "{serve:?}");
    assert!(serve.stderr.contains("ROUTEROS_PORT"), "{serve:?}");
    assert!(serve.stdout.is_empty(), "nothing on stdout: {serve:?}");
}

#[test]
fn an_unreadable_password_file_is_one_clear_line() {
    let mut env = TestEnv::new();
    let missing = env.scratch().join("no-such-password-file");
    env.set("ROUTEROS_PASSWORD_FILE", missing.to_str().unwrap());
    let out = env.cli(&["call", "mikrotik_get_interfaces"]);
    assert_ne!(out.code, Some(0), "{out:?}");
    assert!(out.code.is_some(), "{out:?}");
    let lines: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "one line expected, got {lines:?}");
    assert!(lines[0].contains("no-such-password-file"), "{lines:?}");
}

#[test]
fn a_bad_timeout_is_refused() {
    let mut env = TestEnv::new();
    env.set("MCP_MIKROTIK_TIMEOUT", "soon");
    let out = env.cli(&["tools"]);
    assert_ne!(out.code, Some(0), "{out:?}");
    assert!(out.stderr.contains("MCP_MIKROTIK_TIMEOUT"), "{out:?}");
}

#[test]
fn a_bad_thread_count_is_refused_at_start() {
    let mut env = TestEnv::new();
    env.set("MCP_MIKROTIK_THREADS", "many");
    let out = env.cli(&["tools"]);
    assert_eq!(out.code, Some(2), "{out:?}");
    assert!(
        out.stderr.contains("--threads") && out.stderr.contains("many"),
        "{out:?}"
    );
}

#[test]
fn a_one_thread_server_answers_concurrent_calls() {
    let mut env = TestEnv::new();
    env.set("MCP_MIKROTIK_THREADS", "1");
    let server = env.server();
    let expected = env.rows("/interface", &[]).len();
    std::thread::scope(|scope| {
        let callers: Vec<_> = (0..6)
            .map(|_| {
                scope.spawn(|| {
                    (0..5)
                        .map(|_| {
                            let out = server.call_ok("mikrotik_get_interfaces", json!({}));
                            out.structured.unwrap()["rows"].as_array().unwrap().len()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for caller in callers {
            assert_eq!(caller.join().unwrap(), vec![expected; 5]);
        }
    });
}
