//! The `tools` and `call` subcommands and `--demo`, run as a person would from a shell.

use e2e::TestEnv;
use serde_json::Value;

#[test]
fn tools_prints_a_table_of_every_tool() {
    let env = TestEnv::new();
    let out = env.cli(&["tools"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    let mut lines = out.stdout.lines();
    let header = lines.next().unwrap_or("");
    assert!(
        header.starts_with("TOOL") && header.contains("ACCESS") && header.contains("DESCRIPTION"),
        "{header:?}"
    );
    let rows: Vec<&str> = lines.collect();
    assert!(rows.len() >= 15, "{}", out.stdout);
    let row = |name: &str| {
        rows.iter()
            .find(|l| l.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no row for {name} in\n{}", out.stdout))
            .to_string()
    };
    assert_eq!(
        row("mikrotik_get_interfaces").split_whitespace().nth(1),
        Some("read")
    );
    assert_eq!(
        row("mikrotik_run_command").split_whitespace().nth(1),
        Some("any")
    );
}

#[test]
fn call_prints_the_text_and_exits_zero() {
    let env = TestEnv::new();
    let total = env.rows("/interface", &[]).len();
    let out = env.cli(&["call", "mikrotik_get_interfaces"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(
        out.stdout.starts_with(&format!("interfaces: {total}")),
        "{}",
        out.stdout
    );
}

#[test]
fn call_with_json_prints_structured_content() {
    let env = TestEnv::new();
    let bound = env.rows("/ip/dhcp-server/lease", &["status=bound"]).len();
    let out = env.cli(&[
        "call",
        "mikrotik_get_dhcp_leases",
        r#"{"status":"bound"}"#,
        "--json",
    ]);
    assert_eq!(out.code, Some(0), "{out:?}");
    let json: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["total"], bound);
}

#[test]
fn call_exit_codes_tell_failures_apart() {
    let env = TestEnv::new();
    let unknown = env.cli(&["call", "mikrotik_get_unicorns"]);
    assert_eq!(unknown.code, Some(2), "{unknown:?}");
    assert!(
        unknown.stderr.contains("mikrotik_get_unicorns"),
        "{unknown:?}"
    );

    let invalid = env.cli(&["call", "mikrotik_get_interfaces", r#"{"limit":0}"#]);
    assert_eq!(invalid.code, Some(2), "{invalid:?}");
    assert!(invalid.stderr.contains("limit"), "{invalid:?}");

    let not_json = env.cli(&["call", "mikrotik_get_interfaces", "limit=3"]);
    assert_ne!(not_json.code, Some(0), "{not_json:?}");
    assert!(not_json.stderr.contains("JSON"), "{not_json:?}");

    let failed = env.cli(&[
        "call",
        "mikrotik_run_command",
        r#"{"command":"/ip/adress/print"}"#,
    ]);
    assert_eq!(failed.code, Some(1), "{failed:?}");
    assert!(failed.stderr.contains("/ip/adress/print"), "{failed:?}");
}

#[test]
fn call_against_a_down_router_fails_with_exit_one() {
    let mut env = TestEnv::router_down();
    env.set("MCP_MIKROTIK_TIMEOUT", "3");
    let out = env.cli(&["call", "mikrotik_get_system_resources"]);
    assert_eq!(out.code, Some(1), "{out:?}");
    assert!(out.stderr.contains(&env.target()), "{out:?}");
}

#[test]
fn demo_works_without_router_settings() {
    let mut env = TestEnv::router_down();
    for var in [
        "ROUTEROS_HOST",
        "ROUTEROS_PORT",
        "ROUTEROS_USER",
        "ROUTEROS_PASSWORD",
    ] {
        env.unset(var);
    }
    let out = env.cli(&["call", "--demo", "mikrotik_get_system_resources"]);
    assert_eq!(out.code, Some(0), "{out:?}");
    assert!(out.stdout.contains("board: "), "{}", out.stdout);

    let server = e2e::McpClient::spawn(env.command(&["--demo"]));
    server.initialize();
    let result = server.call_ok("mikrotik_get_interfaces", serde_json::json!({}));
    assert!(result.text.starts_with("interfaces: "), "{}", result.text);
}

#[test]
fn a_reader_that_goes_away_is_not_a_crash() {
    // `mcp-mikrotik call … | head -c 10`: stdout is closed before anything is written.
    let env = TestEnv::new();
    for args in [
        &["call", "mikrotik_get_interfaces", "--json"][..],
        &["tools"][..],
    ] {
        let mut child = env
            .command(args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

#[test]
fn global_options_may_come_before_the_subcommand() {
    let env = TestEnv::new();
    let sim = env.sim().addr();
    let port = sim.port().to_string();
    let before = env.cli(&["--port", &port, "call", "mikrotik_get_interfaces"]);
    assert_eq!(before.code, Some(0), "{before:?}");
    let after = env.cli(&["call", "mikrotik_get_interfaces", "--port", &port]);
    assert_eq!(after.stdout, before.stdout);
    // And the option is really used: a port nobody listens on fails the call.
    let wrong = env.cli(&["--port", "1", "call", "mikrotik_get_interfaces"]);
    assert_eq!(wrong.code, Some(1), "{wrong:?}");
}

#[test]
fn tools_and_call_are_quiet_unless_asked() {
    let env = TestEnv::new();
    for args in [&["tools"][..], &["call", "mikrotik_get_interfaces"]] {
        let out = env.cli(args);
        assert_eq!(out.code, Some(0), "{out:?}");
        assert!(
            !out.stderr.contains("INFO"),
            "{args:?} printed start-up lines:\n{}",
            out.stderr
        );
    }
    let verbose = env.cli(&["--log", "info", "tools"]);
    assert!(verbose.stderr.contains("INFO"), "{}", verbose.stderr);
}
