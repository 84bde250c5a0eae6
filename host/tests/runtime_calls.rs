//! Calling tools: misbehaving plugins fail cleanly and the runtime keeps serving, permissions
//! are enforced at the import, arguments are validated, results are mapped faithfully.

mod runtime_support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use mcp_mikrotik::plugin_host::{PluginHost, PluginHostConfig, ProgressFn, ToolError};
use mcp_mikrotik::routeros::CallError;
use runtime_support::{FakeRouter, Hostile, config, load, plugin_dir};
use serde_json::{Value, json};

async fn hostile(
    test: &str,
    router: Arc<FakeRouter>,
    tweak: impl FnOnce(&mut PluginHostConfig),
) -> Arc<PluginHost> {
    let dir = plugin_dir(test, &[("hostile.wasm", Hostile::Normal)]);
    let mut cfg = config(test, dir);
    tweak(&mut cfg);
    let (runtime, warnings) = load(cfg, router).await;
    assert!(warnings.is_empty(), "{warnings:?}");
    runtime
}

fn failed(result: Result<mcp_mikrotik::plugin_host::ToolOutput, ToolError>) -> String {
    match result {
        Err(ToolError::Failed(message)) => message,
        other => panic!("expected Failed, got {other:?}"),
    }
}

async fn echo_works(runtime: &PluginHost) {
    let out = runtime
        .call("hostile_echo", json!({}), None)
        .await
        .expect("echo works");
    assert!(out.text.contains("name=ether1"), "{}", out.text);
}

#[tokio::test]
async fn a_spinning_guest_fails_at_the_deadline_and_the_next_call_works() {
    let runtime = hostile("spin", FakeRouter::interfaces(), |c| {
        c.deadline = Duration::from_millis(300)
    })
    .await;
    let message = failed(runtime.call("hostile_spin", json!({}), None).await);
    assert_eq!(
        message,
        "tool hostile_spin (plugin \"hostile\") exceeded its 300 ms deadline"
    );
    echo_works(&runtime).await;
}

#[tokio::test]
async fn a_spinning_guest_yields_so_dropping_the_call_stops_it() {
    let runtime = hostile("spin-drop", FakeRouter::interfaces(), |_| {}).await;
    // The deadline is 30 s; an outer timeout can only fire if the guest yields to tokio.
    let outcome = tokio::time::timeout(
        Duration::from_millis(200),
        runtime.call("hostile_spin", json!({}), None),
    )
    .await;
    assert!(
        outcome.is_err(),
        "the outer timeout fired and dropped the call"
    );
    echo_works(&runtime).await;
}

#[tokio::test]
async fn a_memory_bomb_fails_with_the_limit_and_the_next_call_works() {
    let runtime = hostile("bomb", FakeRouter::interfaces(), |c| {
        c.memory_limit = 16 << 20
    })
    .await;
    let message = failed(runtime.call("hostile_memory_bomb", json!({}), None).await);
    assert_eq!(
        message,
        "tool hostile_memory_bomb (plugin \"hostile\") ran out of memory (limit 16 MiB)"
    );
    echo_works(&runtime).await;
}

#[tokio::test]
async fn a_panic_is_a_failed_call() {
    let runtime = hostile("panic", FakeRouter::interfaces(), |_| {}).await;
    let message = failed(runtime.call("hostile_panic", json!({}), None).await);
    assert!(
        message.starts_with("tool hostile_panic (plugin \"hostile\") trapped: "),
        "{message}"
    );
    echo_works(&runtime).await;
}

#[tokio::test]
async fn an_undeclared_command_is_denied_and_never_reaches_the_router() {
    let router = FakeRouter::interfaces();
    let runtime = hostile("undeclared", router.clone(), |_| {}).await;
    let message = failed(runtime.call("hostile_undeclared", json!({}), None).await);
    assert_eq!(
        message,
        "denied: plugin \"hostile\" may not call /system/reboot: not in its permissions [/interface/**, /ip/dns/static/**]"
    );
    assert!(router.seen().is_empty(), "{:?}", router.seen());
}

#[tokio::test]
async fn read_only_denies_writes_at_the_import_and_hides_write_tools() {
    let router = FakeRouter::interfaces();
    let runtime = hostile("read-only", router.clone(), |c| c.read_only = true).await;
    let message = failed(
        runtime
            .call("hostile_run", json!({"command": "/interface/set"}), None)
            .await,
    );
    assert_eq!(
        message,
        "denied: plugin \"hostile\" may not call /interface/set: /interface/set is a write and the server runs read-only (--read-only)"
    );
    assert!(router.seen().is_empty());
    match runtime.call("hostile_write", json!({}), None).await {
        Err(ToolError::UnknownTool(name)) => assert_eq!(name, "hostile_write"),
        other => panic!("expected UnknownTool, got {other:?}"),
    }
    let out = runtime
        .call("hostile_run", json!({"command": "/interface/print"}), None)
        .await
        .unwrap();
    assert_eq!(out.text, "/interface/print: 3 rows");
    assert_eq!(router.seen().len(), 1);
}

#[tokio::test]
async fn host_owned_and_malformed_commands_are_refused() {
    let router = FakeRouter::interfaces();
    let runtime = hostile("host-owned", router.clone(), |c| {
        c.grant = vec!["/**".into()]
    })
    .await;
    let message = failed(
        runtime
            .call("hostile_run", json!({"command": "interface/print"}), None)
            .await,
    );
    assert!(message.starts_with("bad-request: "), "{message}");
    assert!(router.seen().is_empty());
}

#[tokio::test]
async fn writes_reach_the_router_when_not_read_only() {
    let router = FakeRouter::interfaces();
    let runtime = hostile("write", router.clone(), |_| {}).await;
    runtime
        .call("hostile_write", json!({}), None)
        .await
        .unwrap();
    let seen = router.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].command, "/interface/set");
    let args: Vec<(String, String)> = seen[0]
        .args
        .iter()
        .map(|(n, v)| (n.clone(), String::from_utf8(v.to_vec()).unwrap()))
        .collect();
    assert_eq!(
        args,
        vec![
            (".id".into(), "*1".into()),
            ("disabled".into(), "yes".into())
        ]
    );
}

#[tokio::test]
async fn a_stdout_flood_is_contained_and_the_call_succeeds() {
    let runtime = hostile("flood", FakeRouter::interfaces(), |_| {}).await;
    let out = runtime
        .call("hostile_stdout_flood", json!({}), None)
        .await
        .unwrap();
    assert_eq!(out.text, "flooded");
}

#[tokio::test]
async fn eight_parallel_calls_all_work() {
    let router = FakeRouter::interfaces();
    let runtime = hostile("parallel", router.clone(), |_| {}).await;
    let calls = (0..8).map(|_| {
        let runtime = runtime.clone();
        tokio::spawn(async move { runtime.call("hostile_echo", json!({}), None).await })
    });
    for call in futures::future::join_all(calls).await {
        let out = call.unwrap().unwrap();
        assert!(out.text.contains("name=bridge"));
    }
    assert_eq!(router.seen().len(), 8);
}

#[tokio::test]
async fn arguments_are_validated_before_the_plugin_runs() {
    let router = FakeRouter::interfaces();
    let runtime = hostile("args", router.clone(), |_| {}).await;
    match runtime
        .call("hostile_echo", json!({"max_rows": "ten"}), None)
        .await
    {
        Err(ToolError::InvalidArguments(m)) => assert!(m.starts_with("/max_rows: "), "{m}"),
        other => panic!("expected InvalidArguments, got {other:?}"),
    }
    match runtime
        .call("hostile_echo", json!({"surprise": 1}), None)
        .await
    {
        Err(ToolError::InvalidArguments(m)) => assert!(m.contains("surprise"), "{m}"),
        other => panic!("expected InvalidArguments, got {other:?}"),
    }
    match runtime.call("hostile_run", json!({}), None).await {
        Err(ToolError::InvalidArguments(m)) => assert!(m.contains("command"), "{m}"),
        other => panic!("expected InvalidArguments, got {other:?}"),
    }
    match runtime.call("no_such_tool", json!({}), None).await {
        Err(ToolError::UnknownTool(name)) => assert_eq!(name, "no_such_tool"),
        other => panic!("expected UnknownTool, got {other:?}"),
    }
    assert!(router.seen().is_empty());
}

#[tokio::test]
async fn replies_are_mapped_faithfully() {
    let runtime = hostile("mapping", FakeRouter::interfaces(), |_| {}).await;
    let out = runtime.call("hostile_echo", json!({}), None).await.unwrap();
    let structured = out.structured.expect("echo returns structured output");
    let rows = structured["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let comment = &rows[1][2];
    assert_eq!(comment["name"], "comment");
    assert_eq!(comment["value"], "café");
    assert_eq!(comment["raw"], json!([0x63, 0x61, 0x66, 0xe9]));
    assert_eq!(rows[0][1]["raw"], Value::Null);
    assert_eq!(structured["cut"], Value::Null);
}

#[tokio::test]
async fn call_options_are_capped_by_the_host() {
    let router = FakeRouter::interfaces();
    let runtime = hostile("options", router.clone(), |c| c.max_rows = 2).await;
    let out = runtime
        .call(
            "hostile_echo",
            json!({"max_rows": 100, "timeout_ms": 50, "query": "type=ether"}),
            None,
        )
        .await
        .unwrap();
    let structured = out.structured.unwrap();
    assert_eq!(structured["cut"], "row-cap");
    assert_eq!(structured["rows"].as_array().unwrap().len(), 2);
    runtime
        .call("hostile_echo", json!({"max_rows": 1}), None)
        .await
        .unwrap();
    let seen = router.seen();
    assert_eq!(seen[0].max_rows, 2, "min(plugin's 100, host's 2)");
    assert_eq!(seen[0].deadline, Duration::from_millis(50));
    assert_eq!(seen[0].queries, vec!["type=ether".to_string()]);
    assert_eq!(seen[1].max_rows, 1);
    assert!(
        seen[1].deadline <= Duration::from_secs(30) && seen[1].deadline > Duration::from_secs(20)
    );
}

#[tokio::test]
async fn progress_is_reported_per_row_when_asked() {
    let router = FakeRouter::interfaces();
    let runtime = hostile("progress", router.clone(), |_| {}).await;
    type Report = (u32, Option<u32>, String);
    let reports: Arc<Mutex<Vec<Report>>> = Arc::default();
    let sink = reports.clone();
    let progress: ProgressFn =
        Arc::new(move |n, total, msg| sink.lock().unwrap().push((n, total, msg)));
    runtime
        .call(
            "hostile_echo",
            json!({"progress_total": 3}),
            Some(progress.clone()),
        )
        .await
        .unwrap();
    let got = reports.lock().unwrap().clone();
    assert_eq!(
        got.iter().map(|r| (r.0, r.1)).collect::<Vec<_>>(),
        vec![(1, Some(3)), (2, Some(3)), (3, Some(3))]
    );
    assert!(got[0].2.contains("/interface/print"), "{}", got[0].2);
    // Without progress-total no observer is installed.
    runtime
        .call("hostile_echo", json!({}), Some(progress))
        .await
        .unwrap();
    assert_eq!(reports.lock().unwrap().len(), 3);
    assert!(!router.seen()[1].observed);
}

#[tokio::test]
async fn router_errors_reach_the_plugin_as_contract_errors() {
    let router = FakeRouter::failing(CallError::Trap {
        router: "fake-router:8728".into(),
        command: "/interface/print".into(),
        category: Some(0),
        message: "no such command or directory (interface)".into(),
    });
    let runtime = hostile("router-trap", router, |_| {}).await;
    let message = failed(runtime.call("hostile_echo", json!({}), None).await);
    assert_eq!(message, "trap: no such command or directory (interface)");

    let router = FakeRouter::failing(CallError::Connection {
        router: "fake-router:8728".into(),
        cause: "connection refused".into(),
    });
    let runtime = hostile("router-down", router, |_| {}).await;
    let message = failed(runtime.call("hostile_echo", json!({}), None).await);
    assert_eq!(
        message,
        "connection: cannot talk to router fake-router:8728: connection refused"
    );
}

#[tokio::test]
async fn output_over_the_cap_is_refused() {
    let runtime = hostile("big", FakeRouter::interfaces(), |_| {}).await;
    let message = failed(
        runtime
            .call("hostile_big_output", json!({"bytes": 3_200_000}), None)
            .await,
    );
    assert_eq!(
        message,
        "tool hostile_big_output (plugin \"hostile\") returned 3.2 MB, over the 1 MiB output cap"
    );
    let out = runtime
        .call("hostile_big_output", json!({"bytes": 1000}), None)
        .await
        .unwrap();
    assert_eq!(out.text.len(), 1000);
}

#[tokio::test]
async fn structured_output_of_a_plugin_file_is_checked_against_its_schema() {
    let runtime = hostile("structured", FakeRouter::interfaces(), |_| {}).await;
    let call = |json: &str| {
        let runtime = runtime.clone();
        let args = json!({ "json": json });
        async move { runtime.call("hostile_structured", args, None).await }
    };
    let out = call(r#"{"total":3,"extra":[1]}"#).await.expect("valid");
    assert_eq!(
        out.structured.expect("structured"),
        json!({"total": 3, "extra": [1]}),
    );
    let message = failed(call(r#"{"total":"three"}"#).await);
    assert!(
        message.starts_with(
            "tool hostile_structured (plugin \"hostile\") returned structured output that does not match its output schema: "
        ),
        "{message}"
    );
    let message = failed(call(r#"{"total":3"#).await);
    assert!(
        message.contains("returned structured output that is not JSON"),
        "{message}"
    );
    let message = failed(call("[3]").await);
    assert!(message.contains("is not a JSON object"), "{message}");
    echo_works(&runtime).await;
}

#[tokio::test]
async fn used_instances_give_their_pool_slots_back() {
    // The pool holds 64 instances at once; a used instance keeps its slot until it is torn
    // down, so 200 calls in a row only work when teardowns happen.
    let runtime = hostile("many-calls", FakeRouter::interfaces(), |_| {}).await;
    let all = async {
        for _ in 0..200 {
            echo_works(&runtime).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(120), all)
        .await
        .expect("200 sequential calls finish");
    // Then a burst of parallel calls as large as the pool also completes.
    let burst: Vec<_> = (0..64)
        .map(|_| {
            let runtime = runtime.clone();
            tokio::spawn(async move { runtime.call("hostile_echo", json!({}), None).await })
        })
        .collect();
    for call in burst {
        let out = tokio::time::timeout(Duration::from_secs(120), call)
            .await
            .expect("a parallel call finishes")
            .expect("the task runs");
        assert!(out.is_ok(), "{out:?}");
    }
}

#[tokio::test]
async fn every_call_gets_an_instance_nobody_used_before() {
    // Sequential and parallel calls alike: each instance serves one call.
    let runtime = hostile("fresh", FakeRouter::interfaces(), |_| {}).await;
    for i in 0..20 {
        let out = runtime.call("hostile_calls", json!({}), None).await;
        assert_eq!(out.map(|o| o.text).as_deref(), Ok("1"), "call {i}");
    }
    let burst: Vec<_> = (0..16)
        .map(|_| {
            let runtime = runtime.clone();
            tokio::spawn(async move { runtime.call("hostile_calls", json!({}), None).await })
        })
        .collect();
    for call in burst {
        let out = call.await.expect("the task runs");
        assert_eq!(out.map(|o| o.text).as_deref(), Ok("1"));
    }
}
