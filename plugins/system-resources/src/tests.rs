//! Native tests of `mikrotik_get_system_resources` against a FakeRouter.

use super::*;
use mikrotik_plugin_sdk::{CallError, FakeRouter, guest::run, rows_from_json};

fn call(router: &FakeRouter) -> Result<Output, String> {
    run::<SystemResources>(TOOL, "{}", router)
}

/// A real CCR2004 `/system/resource/print` (RouterOS 7.4).
fn ccr2004() -> FakeRouter {
    let rows = rows_from_json(&json!([{
        "uptime": "1w4d23h26m9s", "version": "7.4 (stable)", "build-time": "Jul/19/2022 11:25:54",
        "factory-software": "7.0.4", "free-memory": 3950641152u64, "total-memory": 4227858432u64,
        "cpu": "ARM64", "cpu-count": 4, "cpu-load": 3, "free-hdd-space": 106233856,
        "total-hdd-space": 135266304, "architecture-name": "arm64", "board-name": "CCR2004-16G-2S+",
        "platform": "MikroTik"
    }]));
    FakeRouter::new().with_rows("/system/resource/print", rows)
}

#[test]
fn shows_one_object_with_numbers() {
    let r = ccr2004();
    let out = call(&r).unwrap();
    assert_eq!(
        out.text,
        "board: CCR2004-16G-2S+ (arm64)\n\
         version: 7.4 (stable)\n\
         uptime: 1w4d23h26m9s\n\
         cpu: load 3%, 4 cores\n\
         memory: 264.4 MiB used of 3.9 GiB (6.6%), 3.7 GiB free\n\
         hdd: 27.7 MiB used of 129.0 MiB (21.5%), 101.3 MiB free"
    );
    assert_eq!(
        out.json().unwrap(),
        json!({"cpu-load": 3, "cpu-count": 4, "free-memory": 3950641152u64, "total-memory": 4227858432u64,
               "free-hdd-space": 106233856, "total-hdd-space": 135266304, "uptime": "1w4d23h26m9s",
               "version": "7.4 (stable)", "board-name": "CCR2004-16G-2S+", "architecture-name": "arm64",
               "memory-used-percent": 6.6})
    );
    let sent = &r.calls()[0];
    assert_eq!(sent.command, "/system/resource/print");
    assert_eq!(sent.proplist().unwrap().len(), 10);
    assert!(!sent.proplist().unwrap().contains(&"build-time"));
}

#[test]
fn missing_fields_are_unknown_not_panics() {
    let r = FakeRouter::new().with_rows(
        "/system/resource/print",
        rows_from_json(&json!([{"uptime": "5m", "version": ""}])),
    );
    let out = call(&r).unwrap();
    assert_eq!(
        out.text,
        "board: unknown (unknown)\nversion: -\nuptime: 5m\ncpu: unknown\nmemory: unknown\n\
         hdd: unknown"
    );
    assert_eq!(out.json().unwrap(), json!({"uptime": "5m", "version": ""}));
}

#[test]
fn a_silent_router_is_an_error() {
    let silent = mikrotik_plugin_sdk::Reply {
        cut: Some(mikrotik_plugin_sdk::Cut::Deadline),
        ..Default::default()
    };
    let r = FakeRouter::new().with_reply("/system/resource/print", silent);
    let err = call(&r).unwrap_err();
    assert!(
        err.starts_with(
            "reading /system/resource failed: timed out: the router did not answer \
             /system/resource/print"
        ),
        "{err}"
    );
}

#[test]
fn no_row_or_trap_is_an_error() {
    let r = FakeRouter::new().with_rows("/system/resource/print", vec![]);
    assert_eq!(
        call(&r).unwrap_err(),
        "the router returned no /system/resource row"
    );
    let r = FakeRouter::new().with_error(
        "/system/resource/print",
        CallError::Timeout("no answer in 30s".into()),
    );
    assert_eq!(
        call(&r).unwrap_err(),
        "reading /system/resource failed: timed out: no answer in 30s"
    );
}

#[test]
fn manifest_permits_exactly_what_it_calls() {
    let m = SystemResources::manifest();
    assert_eq!(m.permissions, vec!["/system/resource/print".to_string()]);
    assert_eq!(
        m.tools[0].output_schema.as_ref().unwrap()["properties"]["memory-used-percent"]["type"],
        json!("number")
    );
}
