//! Tests of the interpreter on a seeded router: console paths and the current menu, `[find]`,
//! positional arguments, variables, `:log`, errors with their line, `:do … on-error`, scripts
//! running scripts, `:delay`, and the host's revert scripts word for word.

use super::{run_source, run_stored};
use crate::sim::SimConfig;
use crate::sim::state::SharedState;

fn sim() -> SharedState {
    SharedState::new(&SimConfig::default())
}

fn comments(state: &SharedState, menu: &str) -> Vec<String> {
    state.lock().tables[menu]
        .items
        .iter()
        .map(|r| r.get_str("comment").unwrap_or_default())
        .collect()
}

fn last_log(state: &SharedState) -> (String, String) {
    let st = state.lock();
    let r = st.tables["/log"].items.last().unwrap();
    (r.get_str("topics").unwrap(), r.get_str("message").unwrap())
}

#[tokio::test]
async fn console_paths_and_current_menu() {
    let s = sim();
    let src = b"/ip firewall filter add chain=forward action=drop comment=\"one\"\n\
        /ip/firewall/nat\n\
        add chain=srcnat action=masquerade comment=two place-before=*1\n\
        ../filter add chain=input comment=three\n\
        /system identity set name=\"sim\\_x\"";
    run_source(&s, src).await.unwrap();
    assert_eq!(comments(&s, "/ip/firewall/filter").last().unwrap(), "three");
    assert!(comments(&s, "/ip/firewall/filter").contains(&"one".to_string()));
    assert_eq!(comments(&s, "/ip/firewall/nat")[0], "two");
    let name = s.lock().tables["/system/identity"].items[0].get_str("name");
    assert_eq!(name.unwrap(), "sim x");
}

#[tokio::test]
async fn find_selects_and_positional_numbers_work() {
    let s = sim();
    let src = br#"
        /ip firewall filter
        add chain=input action=drop comment="cut"
        add chain=input action=drop comment="cut"
        disable [find comment="cut"]
        set [find where comment="cut" and disabled] comment=gone
        remove [find comment=nothing]
        :local id [find .id=*1]
        unset $id value-name=comment
        move *2 *1
    "#;
    run_source(&s, src).await.unwrap();
    let c = comments(&s, "/ip/firewall/filter");
    assert_eq!(c[0], "defconf: drop invalid");
    assert_eq!(c[1], "");
    assert_eq!(c.iter().filter(|c| *c == "gone").count(), 2);
    let st = s.lock();
    let t = &st.tables["/ip/firewall/filter"];
    assert!(
        t.items
            .iter()
            .all(|r| r.get_str("comment").as_deref() != Some("cut"))
    );
    assert!(!t.items[1].has(b"comment"));
}

#[tokio::test]
async fn log_variables_and_errors() {
    let s = sim();
    let src = b":global who \"sched\"\n:local n 3\n:log warning \"run $n by $who$nobody\"";
    run_source(&s, src).await.unwrap();
    assert_eq!(
        last_log(&s),
        ("script,warning".to_string(), "run 3 by sched".to_string())
    );
    assert_eq!(s.lock().globals["who"], b"sched");

    let e = run_source(&s, b"/ip firewall filter\n\nremove *999\n:log info after")
        .await
        .unwrap_err();
    assert_eq!((e.message.as_str(), e.line), ("no such item", 3));
    assert_ne!(last_log(&s).1, "after");
    let e = run_source(&s, b"/ip frobnicate x").await.unwrap_err();
    assert_eq!(e.to_string(), "bad command name frobnicate (line 1)");
    let e = run_source(&s, b"/ip address add address=1.2.3.4/24 interface=nope")
        .await
        .unwrap_err();
    assert!(e.message.contains("interface"), "{e}");
    let e = run_source(&s, b"/ip firewall filter add chain=input x")
        .await
        .unwrap_err();
    assert_eq!(e.message, "expected end of command");
}

#[tokio::test]
async fn do_on_error_and_blocks() {
    let s = sim();
    let src = br#"
        :do { /ip firewall filter remove *999 } on-error={ :log error "caught" }
        { /ip firewall nat ; add chain=dstnat comment=inner }
        add chain=x
    "#;
    let e = run_source(&s, src).await.unwrap_err();
    // The menu chosen inside the block does not leak out of it.
    assert_eq!((e.message.as_str(), e.line), ("bad command name add", 4));
    assert_eq!(comments(&s, "/ip/firewall/nat").last().unwrap(), "inner");
    let logged = s.lock().tables["/log"]
        .items
        .iter()
        .any(|r| r.get_str("message").as_deref() == Some("caught"));
    assert!(logged);
    let e = run_source(&s, b":do { remove } ").await.unwrap_err();
    assert_eq!(e.message, "bad command name remove");
}

#[tokio::test]
async fn scripts_run_scripts_and_get_values() {
    let s = sim();
    run_source(
        &s,
        b"/system script add name=inner source=\":log info \\\"inner ran\\\"\"\n\
          /system script run inner\n\
          :log info [/system identity get name]",
    )
    .await
    .unwrap();
    assert_eq!(last_log(&s).1, "sim-rb5009");
    run_stored(&s, b"inner").await.unwrap();
    let st = s.lock();
    let row = &st.tables["/system/script"].items[0];
    assert_eq!(row.get_str("run-count").unwrap(), "2");
    assert!(row.has(b"last-started"));
}

#[tokio::test]
async fn delay_waits() {
    let s = sim();
    let started = std::time::Instant::now();
    run_source(&s, b":delay 200ms").await.unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(200));
    let e = run_source(&s, b":delay soon").await.unwrap_err();
    assert!(e.message.contains("delay"));
}

#[tokio::test]
async fn the_hosts_quoting_survives() {
    let s = sim();
    let line = br#":do { /ip/dns/static/set *3 name="a.example" address="10.0.0.1" comment="say \"hi\" \$HOME \\ back" } on-error={ :log error "mcp-mikrotik: revert of change c7 step 3 failed" }"#;
    run_source(&s, line).await.unwrap();
    let st = s.lock();
    let record = &st.tables["/ip/dns/static"].items[2];
    assert_eq!(record.get_str(".id").unwrap(), "*3");
    assert_eq!(record.get_str("name").unwrap(), "a.example");
    assert_eq!(record.get_str("address").unwrap(), "10.0.0.1");
    assert_eq!(
        record.get_str("comment").unwrap(),
        r#"say "hi" $HOME \ back"#
    );
}

#[tokio::test]
async fn find_conditions_it_cannot_judge_are_errors() {
    let s = sim();
    for cond in [
        "where comment~\"x\"",
        "where mtu>1500",
        "where name=\"a\" or name=\"b\"",
        "mtu<=1500",
    ] {
        let src = format!("/interface remove [find {cond}]");
        let e = run_source(&s, src.as_bytes()).await.unwrap_err();
        assert!(
            e.message.starts_with("unsupported find condition"),
            "{cond}: {e}"
        );
    }
    let src = b":global found [/interface find where !disabled name!=ether1 and running]";
    run_source(&s, src).await.unwrap();
    assert!(!s.lock().globals["found"].is_empty());
}
