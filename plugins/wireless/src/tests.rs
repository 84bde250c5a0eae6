//! Native tests of `mikrotik_get_wireless_clients` against a FakeRouter: each of the three
//! menus, none at all, the DHCP join, filters and limits.

use super::*;
use mikrotik_plugin_sdk::{FakeRouter, Row, guest::run, rows_from_json};

const WIFI: &str = "/interface/wifi/registration-table/print";
const WAVE2: &str = "/interface/wifiwave2/registration-table/print";
const LEGACY: &str = "/interface/wireless/registration-table/print";
const LEASES: &str = "/ip/dhcp-server/lease/print";

/// RouterOS 7 wifi rows (the README's best-guess field set).
fn modern_rows() -> Vec<Row> {
    rows_from_json(&json!([
        {".id": "*1", "interface": "wifi1", "ssid": "home", "mac-address": "AA:BB:CC:00:00:01",
         "authorized": true, "signal": "-56", "band": "5ghz-ax", "auth-type": "wpa2-psk",
         "tx-rate": "864.8Mbps", "rx-rate": "720.6Mbps", "packets": "100,200", "uptime": "1h2m3s",
         "last-activity": "40ms"},
        {".id": "*2", "interface": "wifi2", "ssid": "home-guest", "mac-address": "AA:BB:CC:00:00:02",
         "authorized": false, "signal": "-71", "band": "2ghz-n", "tx-rate": "72.2Mbps",
         "rx-rate": "65Mbps", "uptime": "5m", "last-activity": "1s"}
    ]))
}

/// DHCP leases (samples/ha_mikrotik_wireless_dhcp_arp.json plus the wifi clients).
fn leases() -> Vec<Row> {
    rows_from_json(&json!([
        {".id": "*1A", "address": "0.0.0.1", "mac-address": "00:00:00:00:00:01", "host-name": "Device_1"},
        {".id": "*1B", "address": "0.0.0.2", "mac-address": "00:00:00:00:00:02", "host-name": "Device_2"},
        {".id": "*1C", "address": "192.168.88.21", "mac-address": "AA:BB:CC:00:00:01", "host-name": "phone"},
        {".id": "*1D", "address": "192.168.88.99", "mac-address": "DD:DD:DD:00:00:09", "host-name": "printer"}
    ]))
}

/// The legacy registration-table row of samples/ha_mikrotik_wireless_dhcp_arp.json, and a
/// second client without a lease.
fn legacy_rows() -> Vec<Row> {
    rows_from_json(&json!([
        {".id": "*264", "interface": "wlan1", "mac-address": "00:00:00:00:00:01", "ap": false,
         "rx-rate": "72.2Mbps-20MHz/1S/SGI", "tx-rate": "72.2Mbps-20MHz/1S/SGI", "uptime": "5h49m36s",
         "last-activity": "170ms", "signal-strength": "-62@1Mbps", "signal-to-noise": 52, "tx-ccq": 93,
         "last-ip": "0.0.0.1", "authentication-type": "wpa2-psk"},
        {".id": "*265", "interface": "wlan1", "mac-address": "00:00:00:00:00:07", "rx-rate": "6Mbps",
         "tx-rate": "1Mbps", "uptime": "10s", "last-activity": "3s", "signal-strength": "-80@6Mbps",
         "last-ip": "10.0.0.7"}
    ]))
}

fn call(router: &FakeRouter, args: Value) -> Result<Output, String> {
    run::<Wireless>(TOOL, &args.to_string(), router)
}

fn commands(router: &FakeRouter) -> Vec<String> {
    router.calls().into_iter().map(|c| c.command).collect()
}

#[test]
fn wifi_clients_joined_with_their_leases() {
    let r = FakeRouter::new()
        .with_rows(WIFI, modern_rows())
        .with_rows(LEASES, leases());
    let out = call(&r, json!({})).unwrap();
    assert_eq!(
        out.text,
        "wireless clients: 2 (/interface/wifi)\n\
         mac-address        ip             host-name  interface  ssid        signal  tx-rate    rx-rate    uptime  last-activity\n\
         AA:BB:CC:00:00:01  192.168.88.21  phone      wifi1      home        -56     864.8Mbps  720.6Mbps  1h2m3s  40ms\n\
         AA:BB:CC:00:00:02  -              -          wifi2      home-guest  -71     72.2Mbps   65Mbps     5m      1s"
    );
    let s = out.json().unwrap();
    assert_eq!(s["menu"], json!("/interface/wifi"));
    assert_eq!(s["rows"][0]["signal"], json!(-56));
    assert_eq!(s["rows"][0]["band"], json!("5ghz-ax"));
    assert_eq!(s["rows"][1]["authorized"], json!(false));
    assert!(s["rows"][1].get("ip").is_none());
    assert!(s["rows"][0].get("packets").is_none());
    assert_eq!(commands(&r), [WIFI, LEASES]);
    let calls = r.calls();
    assert_eq!(
        calls[0].proplist().unwrap(),
        MODERN_FIELDS.iter().map(|f| f.name).collect::<Vec<_>>()
    );
    assert_eq!(
        calls[1].queries,
        [
            "mac-address=AA:BB:CC:00:00:01",
            "mac-address=AA:BB:CC:00:00:02",
            "#|"
        ]
    );
    assert_eq!(
        calls[1].proplist().unwrap(),
        ["address", "mac-address", "host-name"]
    );
}

#[test]
fn wifiwave2_is_used_when_wifi_is_missing() {
    let r = FakeRouter::new()
        .with_rows(WAVE2, modern_rows())
        .with_rows(LEASES, leases());
    let out = call(&r, json!({})).unwrap();
    assert!(
        out.text
            .starts_with("wireless clients: 2 (/interface/wifiwave2)\n"),
        "{}",
        out.text
    );
    assert_eq!(commands(&r), [WIFI, WAVE2, LEASES]);
}

#[test]
fn legacy_wireless_with_ssid_from_the_interface_and_last_ip_fallback() {
    let interfaces =
        rows_from_json(&json!([{"name": "wlan1", "ssid": "MikroTik-AP", "band": "2ghz-b/g/n"}]));
    let r = FakeRouter::new()
        .with_rows(LEGACY, legacy_rows())
        .with_rows("/interface/wireless/print", interfaces)
        .with_rows(LEASES, leases());
    let out = call(&r, json!({})).unwrap();
    assert_eq!(
        out.text,
        "wireless clients: 2 (/interface/wireless)\n\
         mac-address        ip        host-name  interface  ssid         signal  tx-rate                rx-rate                uptime    last-activity\n\
         00:00:00:00:00:01  0.0.0.1   Device_1   wlan1      MikroTik-AP  -62     72.2Mbps-20MHz/1S/SGI  72.2Mbps-20MHz/1S/SGI  5h49m36s  170ms\n\
         00:00:00:00:00:07  10.0.0.7  -          wlan1      MikroTik-AP  -80     1Mbps                  6Mbps                  10s       3s"
    );
    assert_eq!(
        commands(&r),
        [WIFI, WAVE2, LEGACY, LEASES, "/interface/wireless/print"]
    );
    assert!(
        r.calls()[2]
            .proplist()
            .unwrap()
            .contains(&"signal-strength")
    );
    assert_eq!(r.calls()[4].proplist().unwrap(), ["name", "ssid"]);
}

#[test]
fn no_wireless_menu_is_a_plain_answer() {
    let r = FakeRouter::new().with_rows(LEASES, leases());
    let out = call(&r, json!({})).unwrap();
    assert!(
        out.text.starts_with("This router has no wireless menu"),
        "{}",
        out.text
    );
    assert!(out.text.contains("no wireless package is installed"));
    let s = out.json().unwrap();
    assert_eq!(
        (s["shown"].clone(), s["total"].clone()),
        (json!(0), json!(0))
    );
    assert_eq!(commands(&r), [WIFI, WAVE2, LEGACY]);
}

#[test]
fn interface_filter_and_limit_run_on_the_router() {
    let mut rows = modern_rows();
    for i in 0..5 {
        rows.push(Row::from_pairs([
            ("interface", "wifi1".to_string()),
            ("mac-address", format!("AA:BB:CC:00:01:0{i}")),
        ]));
    }
    let r = FakeRouter::new()
        .with_rows(WIFI, rows)
        .with_rows(LEASES, leases());
    let out = call(&r, json!({"interface": "wifi1", "limit": 2})).unwrap();
    assert!(
        out.text
            .starts_with("wireless clients: showing 2 of 6 (/interface/wifi)\n"),
        "{}",
        out.text
    );
    assert_eq!(r.fetches()[0].queries, ["interface=wifi1"]);
    assert_eq!(r.counts()[0].queries, ["interface=wifi1"]);
    assert_eq!(out.json().unwrap()["total"], json!(6));
}

#[test]
fn no_clients_means_no_lease_lookup() {
    let r = FakeRouter::new().with_rows(WIFI, vec![]);
    let out = call(&r, json!({})).unwrap();
    assert_eq!(out.text, "wireless clients: none (/interface/wifi)");
    assert_eq!(commands(&r), [WIFI, WAVE2, LEGACY]);
}

#[test]
fn an_empty_menu_does_not_hide_clients_of_another_package() {
    let r = FakeRouter::new()
        .with_rows(WIFI, vec![])
        .with_rows(LEGACY, legacy_rows())
        .with_rows(LEASES, leases());
    let out = call(&r, json!({})).unwrap();
    assert!(
        out.text
            .starts_with("wireless clients: 2 (/interface/wireless)\n"),
        "{}",
        out.text
    );
    assert_eq!(out.json().unwrap()["menu"], json!("/interface/wireless"));
}

#[test]
fn lease_problems_do_not_hide_the_clients() {
    // No DHCP package: clients without IPs, no note.
    let r = FakeRouter::new().with_rows(WIFI, modern_rows());
    let out = call(&r, json!({})).unwrap();
    assert!(
        out.text
            .starts_with("wireless clients: 2 (/interface/wifi)\nmac-address")
    );
    assert!(out.json().unwrap().get("note").is_none());
    // Leases denied: clients plus a note saying why IPs are missing.
    let r = FakeRouter::new()
        .with_rows(WIFI, modern_rows())
        .with_error(LEASES, CallError::Denied("not granted".into()));
    let out = call(&r, json!({})).unwrap();
    assert!(
        out.text.starts_with(
            "wireless clients: 2 (/interface/wifi)\nIP and host names unknown: reading DHCP \
             leases failed: denied by the host: not granted\n"
        ),
        "{}",
        out.text
    );
}

#[test]
fn unreadable_ssids_are_unknown_not_empty() {
    let silent = mikrotik_plugin_sdk::Reply {
        cut: Some(mikrotik_plugin_sdk::Cut::Deadline),
        ..Default::default()
    };
    let r = FakeRouter::new()
        .with_rows(LEGACY, legacy_rows())
        .with_reply("/interface/wireless/print", silent)
        .with_rows(LEASES, leases());
    let out = call(&r, json!({})).unwrap();
    let note = out.text.lines().nth(1).unwrap();
    assert!(
        note.starts_with(
            "SSIDs unknown: reading /interface/wireless failed: timed out: the router did not \
             answer /interface/wireless/print"
        ),
        "{}",
        out.text
    );
    assert_eq!(out.json().unwrap()["note"], json!(note));
}

#[test]
fn other_registration_table_errors_fail() {
    let r = FakeRouter::new().with_error(WIFI, CallError::Connection("session closed".into()));
    assert_eq!(
        call(&r, json!({})).unwrap_err(),
        "listing /interface/wifi/registration-table failed: connection problem: session closed"
    );
}
