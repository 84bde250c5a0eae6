//! The simulated router's writes and scripts over the API with the crate's client: rule order
//! (`place-before`, `move`), `unset` of several fields, `/system/script` add/run/print with
//! the script interpreter, errors with their line, and `/system/clock`.

use std::time::{SystemTime, UNIX_EPOCH};

use routeros::sim::{Sim, SimConfig, SimHandle};
use routeros::{CallError, Client, ClientConfig, Request, Response};

async fn sim() -> SimHandle {
    Sim::start(SimConfig::default()).await.expect("sim starts")
}

fn client_for(sim: &SimHandle) -> Client {
    let addr = sim.addr();
    Client::new(ClientConfig::new(
        addr.ip().to_string(),
        addr.port(),
        "admin",
        "",
    ))
    .unwrap()
}

fn text(row: &routeros::Row, name: &str) -> String {
    row.get(name)
        .map(|v| String::from_utf8_lossy(v).into_owned())
        .unwrap_or_default()
}

async fn call(client: &Client, command: &str, args: &[(&str, &str)]) -> Response {
    let mut r = Request::new(command);
    for (n, v) in args {
        r = r.arg(*n, *v);
    }
    client
        .call(r)
        .await
        .unwrap_or_else(|e| panic!("{command}: {e}"))
}

async fn trap(client: &Client, command: &str, args: &[(&str, &str)]) -> String {
    let mut r = Request::new(command);
    for (n, v) in args {
        r = r.arg(*n, *v);
    }
    match client.call(r).await {
        Err(CallError::Trap { message, .. }) => message,
        other => panic!("{command}: expected a trap, got {other:?}"),
    }
}

async fn ids_and(client: &Client, menu: &str, field: &str) -> Vec<(String, String)> {
    call(client, &format!("{menu}/print"), &[])
        .await
        .rows
        .iter()
        .map(|r| (text(r, ".id"), text(r, field)))
        .collect()
}

#[tokio::test]
async fn place_before_and_move_set_the_rule_order() {
    let sim = sim().await;
    let c = client_for(&sim);
    let menu = "/ip/firewall/filter";
    let before = ids_and(&c, menu, "comment").await;
    let first = before[0].0.clone();
    let added = call(
        &c,
        "/ip/firewall/filter/add",
        &[
            ("chain", "forward"),
            ("action", "drop"),
            ("comment", "top"),
            ("place-before", &before[1].0),
        ],
    )
    .await;
    let top = text(&added.done, "ret");
    let now = ids_and(&c, menu, "comment").await;
    assert_eq!(now[1], (top.clone(), "top".to_string()));
    assert_eq!(now.len(), before.len() + 1);
    let row = &call(&c, "/ip/firewall/filter/print", &[]).await.rows[1];
    assert!(row.get("place-before").is_none());

    // Two items before the first one, in the order given.
    let last = before.last().unwrap().0.clone();
    let list = format!("{last},{top}");
    call(
        &c,
        "/ip/firewall/filter/move",
        &[("numbers", &list), ("destination", &first)],
    )
    .await;
    let now = ids_and(&c, menu, "comment").await;
    let order: Vec<&str> = now.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(order[..3], [last.as_str(), top.as_str(), first.as_str()]);
    // Without a destination: to the end.
    call(&c, "/ip/firewall/filter/move", &[("numbers", &last)]).await;
    assert_eq!(ids_and(&c, menu, "comment").await.last().unwrap().0, last);

    for (cmd, args) in [
        ("/ip/firewall/filter/move", vec![("numbers", "*999")]),
        (
            "/ip/firewall/filter/move",
            vec![("numbers", first.as_str()), ("destination", "*999")],
        ),
        (
            "/ip/firewall/nat/add",
            vec![("chain", "srcnat"), ("place-before", "*999")],
        ),
    ] {
        assert_eq!(trap(&c, cmd, &args).await, "no such item", "{cmd} {args:?}");
    }
}

#[tokio::test]
async fn unset_clears_several_fields() {
    let sim = sim().await;
    let c = client_for(&sim);
    let id = text(
        &call(
            &c,
            "/ip/firewall/filter/add",
            &[
                ("chain", "input"),
                ("action", "accept"),
                ("protocol", "tcp"),
                ("dst-port", "22"),
                ("comment", "ssh"),
            ],
        )
        .await
        .done,
        "ret",
    );
    call(
        &c,
        "/ip/firewall/filter/unset",
        &[("numbers", &id), ("value-name", "dst-port,comment")],
    )
    .await;
    let r = c
        .call(Request::new("/ip/firewall/filter/print").query(format!(".id={id}")))
        .await
        .unwrap();
    let row = &r.rows[0];
    assert!(row.get("dst-port").is_none() && row.get("comment").is_none());
    assert_eq!(text(row, "protocol"), "tcp");
    let msg = trap(
        &c,
        "/ip/firewall/filter/unset",
        &[("numbers", &id), ("value-name", "no-such-field")],
    )
    .await;
    assert_eq!(msg, "unknown parameter no-such-field");
}

#[tokio::test]
async fn a_script_run_changes_the_config_and_logs() {
    let sim = sim().await;
    let c = client_for(&sim);
    let source = "# add a guest rule\n\
        /ip firewall filter\n\
        add chain=forward action=drop src-address=10.20.20.0/24 comment=\"guests \\\"off\\\"\"\n\
        :log info \"guest rule added by $me\"";
    let id = text(
        &call(
            &c,
            "/system/script/add",
            &[
                ("name", "guests-off"),
                ("source", source),
                ("comment", "test"),
            ],
        )
        .await
        .done,
        "ret",
    );
    let row = &call(&c, "/system/script/print", &[]).await.rows[0];
    assert_eq!(text(row, ".id"), id);
    for (field, value) in [
        ("name", "guests-off"),
        ("owner", "admin"),
        ("run-count", "0"),
        ("invalid", "false"),
        ("source", source),
        ("comment", "test"),
    ] {
        assert_eq!(text(row, field), value, "{field}");
    }
    assert!(text(row, "policy").contains("write"));
    assert!(row.get("last-started").is_none());

    call(&c, "/system/script/run", &[("number", "guests-off")]).await;
    let rules = ids_and(&c, "/ip/firewall/filter", "comment").await;
    assert_eq!(rules.last().unwrap().1, "guests \"off\"");
    let log = call(&c, "/log/print", &[]).await.rows;
    let line = log.last().unwrap();
    assert_eq!(text(line, "topics"), "script,info");
    assert_eq!(text(line, "message"), "guest rule added by ");
    let row = &call(&c, "/system/script/print", &[]).await.rows[0];
    assert_eq!(text(row, "run-count"), "1");
    assert_eq!(text(row, "last-started").len(), "2025-01-01 00:00:00".len());

    // By id too; `set` changes the source; `remove` takes it.
    call(
        &c,
        "/system/script/set",
        &[
            ("numbers", &id),
            ("source", "/system identity set name=renamed"),
        ],
    )
    .await;
    call(&c, "/system/script/run", &[("number", &id)]).await;
    let identity = &call(&c, "/system/identity/print", &[]).await.rows[0];
    assert_eq!(text(identity, "name"), "renamed");
    call(&c, "/system/script/remove", &[("numbers", &id)]).await;
    assert!(call(&c, "/system/script/print", &[]).await.rows.is_empty());
    assert_eq!(
        trap(&c, "/system/script/run", &[("number", "guests-off")]).await,
        "no such item"
    );
}

#[tokio::test]
async fn script_errors_name_their_line() {
    let sim = sim().await;
    let c = client_for(&sim);
    let failing =
        "/ip firewall filter\nremove [find comment=\"nothing\"]\nremove *999\n:log info after";
    call(
        &c,
        "/system/script/add",
        &[("name", "fails"), ("source", failing)],
    )
    .await;
    let msg = trap(&c, "/system/script/run", &[("number", "fails")]).await;
    assert_eq!(msg, "no such item (line 3)");
    let log = call(&c, "/log/print", &[]).await.rows;
    let line = log.last().unwrap();
    assert_eq!(text(line, "topics"), "script,error");
    assert!(text(line, "message").contains("no such item (line 3)"));

    let broken = ":log info \"ok\"\n\n:do { :log info x } on-error=\n";
    call(
        &c,
        "/system/script/add",
        &[("name", "broken"), ("source", broken)],
    )
    .await;
    let r = c
        .call(Request::new("/system/script/print").query("name=broken"))
        .await
        .unwrap();
    assert_eq!(text(&r.rows[0], "invalid"), "true");
    let msg = trap(&c, "/system/script/run", &[("number", "broken")]).await;
    assert!(
        msg.starts_with("syntax error: ") && msg.contains("(line 3 column"),
        "{msg}"
    );
    // Nothing of a script with a syntax error runs.
    let log = call(&c, "/log/print", &[]).await.rows;
    assert_ne!(text(log.last().unwrap(), "message"), "ok");
}

#[tokio::test]
async fn the_clock_follows_real_time() {
    let sim = sim().await;
    let c = client_for(&sim);
    let row = &call(&c, "/system/clock/print", &[]).await.rows[0];
    let (date, time) = (text(row, "date"), text(row, "time"));
    assert_eq!(date.len(), 10, "{date}");
    assert_eq!(&date[4..5], "-");
    let secs = |t: &str| -> u64 {
        t.split(':')
            .map(|p| p.parse::<u64>().unwrap())
            .fold(0, |a, p| a * 60 + p)
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 86_400;
    let diff = now.abs_diff(secs(&time));
    assert!(diff <= 2 || diff >= 86_398, "{time} vs {now}");
    assert_eq!(text(row, "time-zone-name"), "UTC");
    assert_eq!(text(row, "gmt-offset"), "+00:00");
    assert_eq!(text(row, "dst-active"), "false");
}
