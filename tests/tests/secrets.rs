//! Secrets never reach the model unless the operator says so: values of secret attributes are
//! redacted at the import, in every mode, and a write carrying the marker is refused.

use e2e::TestEnv;
use mcp_mikrotik::routeros::secrets::REDACTED;
use serde_json::{Value, json};

const PASSPHRASE: &str = "Winter-is-coming-42";

/// `/interface/wifi/print` through `mikrotik_run_command`: the whole result, and its rows.
fn wifi_print(env: &TestEnv) -> (String, Vec<Value>) {
    let server = env.server();
    let out = server.call_ok(
        "mikrotik_run_command",
        json!({"command": "/interface/wifi/print"}),
    );
    let rows = out.structured.expect("structured")["rows"]
        .as_array()
        .expect("rows")
        .clone();
    (out.raw.to_string(), rows)
}

#[test]
fn secret_values_are_redacted_in_every_mode() {
    for read_only in ["false", "true"] {
        let mut env = TestEnv::new();
        env.set("ROUTEROS_READ_ONLY", read_only);
        let (whole, rows) = wifi_print(&env);
        assert!(!whole.contains(PASSPHRASE), "{whole}");
        assert!(!rows.is_empty());
        for row in &rows {
            assert_eq!(row["security.passphrase"], REDACTED, "{row}");
            assert_eq!(
                row["name"].as_str().map(|n| n.starts_with("wifi")),
                Some(true)
            );
        }
    }
}

#[test]
fn the_operator_may_opt_in_to_secrets() {
    let mut env = TestEnv::new();
    env.set("ROUTEROS_SHOW_SECRETS", "true");
    let (_, rows) = wifi_print(&env);
    assert_eq!(rows[0]["security.passphrase"], PASSPHRASE);
}

#[test]
fn a_write_of_the_marker_is_refused_and_the_secret_stays() {
    let env = TestEnv::new();
    let server = env.server();
    let refused = server.call_tool(
        "mikrotik_run_command",
        json!({"command": "/interface/wifi/set",
               "args": {"numbers": "wifi1", "security.passphrase": REDACTED}}),
    );
    assert!(refused.is_error, "{}", refused.text);
    assert!(
        refused.text.contains("redaction marker"),
        "{}",
        refused.text
    );
    let truth = env.rows("/interface/wifi", &["name=wifi1"]);
    assert_eq!(truth[0]["security.passphrase"], PASSPHRASE);
}
