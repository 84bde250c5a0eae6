//! `/system/*`, `/user`, `/ip/service`, `/snmp`: board facts, moving resource values, the
//! clock (real time, UTC), and the empty `/system/script` and `/system/scheduler` menus.

use super::{State, format_duration};
use crate::sim::SimConfig;
use crate::sim::rng::Rng;
use crate::sim::row::FlatRow;
use crate::sim::table::Table;
use std::time::{SystemTime, UNIX_EPOCH};

/// Uptime the router already had when the sim started.
const BASE_UPTIME_SECS: u64 = 1_209_600 + 3 * 86_400 + 4 * 3_600 + 17 * 60 + 9;

const SEED: &str = r#"
@/user
name=admin|group=full|address=|last-logged-in=2026-11-24 21:14:03|inactivity-timeout=10m|inactivity-policy=none|expired=false|disabled=false|comment=system default user
name=monitor|group=read|address=192.168.88.0/24|last-logged-in=2026-11-20 08:02:41|inactivity-timeout=10m|inactivity-policy=none|expired=false|disabled=false|comment=read-only NMS account
@/user/group
name=read|policy=local,telnet,ssh,reboot,read,test,winbox,password,web,sniff,sensitive,api,romon,rest-api,!ftp,!write,!policy|skin=default
name=write|policy=local,telnet,ssh,reboot,read,write,test,winbox,password,web,sniff,sensitive,api,romon,rest-api,!ftp,!policy|skin=default
name=full|policy=local,telnet,ssh,ftp,reboot,read,write,policy,test,winbox,password,web,sniff,sensitive,api,romon,rest-api|skin=default
@/ip/service
name=telnet|port=23|address=|vrf=main|max-sessions=20|invalid=false|dynamic=false|disabled=true|proto=tcp
name=ftp|port=21|address=|vrf=main|max-sessions=20|invalid=false|dynamic=false|disabled=true|proto=tcp
name=www|port=80|address=192.168.88.0/24|vrf=main|max-sessions=20|invalid=false|dynamic=false|disabled=false|proto=tcp
name=ssh|port=22|address=|vrf=main|max-sessions=20|invalid=false|dynamic=false|disabled=false|proto=tcp
name=www-ssl|port=443|address=|vrf=main|max-sessions=20|certificate=none|tls-version=any|invalid=false|dynamic=false|disabled=true|proto=tcp
name=api|port=8728|address=|vrf=main|max-sessions=20|invalid=false|dynamic=false|disabled=false|proto=tcp
name=winbox|port=8291|address=|vrf=main|max-sessions=20|invalid=false|dynamic=false|disabled=false|proto=tcp
name=api-ssl|port=8729|address=|vrf=main|max-sessions=20|certificate=sim-api|tls-version=any|invalid=false|dynamic=false|disabled=false|proto=tcp
@/system/ntp/client/servers
address=time.cloudflare.com|resolved-address=162.159.200.1|min-poll=6|max-poll=10|iburst=true|auth-key=none|dynamic=false|disabled=false
address=pool.ntp.org|resolved-address=193.0.0.229|min-poll=6|max-poll=10|iburst=true|auth-key=none|dynamic=false|disabled=false
@/snmp/community
name=public|addresses=192.168.88.0/24|security=none|read-access=true|write-access=false|authentication-protocol=MD5|encryption-protocol=DES|default=true|disabled=false
"#;

/// Add the system menus.
pub fn seed(st: &mut State, cfg: &SimConfig) {
    st.load(SEED);
    let v = st.version.clone();
    let (board, model, arch, cpu) = if cfg.ros6 {
        ("RB4011iGS+", "RB4011iGS+5HacQ2HnD", "arm", "ARMv7")
    } else {
        ("RB5009UG+S+", "RB5009UG+S+", "arm64", "ARM64")
    };
    let single = |pairs: &[(&str, &str)]| Table::singleton(FlatRow::from_pairs(pairs));
    let resource = single(&[
        ("uptime", format_duration(BASE_UPTIME_SECS).as_str()),
        ("version", format!("{v} (stable)").as_str()),
        ("build-time", "2025-10-30 09:12:41"),
        ("factory-software", "7.4.1"),
        ("free-memory", "781254656"),
        ("total-memory", "1073741824"),
        ("cpu", cpu),
        ("cpu-count", "4"),
        ("cpu-frequency", "1400"),
        ("cpu-load", "3"),
        ("free-hdd-space", "927006720"),
        ("total-hdd-space", "1073741824"),
        ("write-sect-since-reboot", "11342"),
        ("write-sect-total", "2193784"),
        ("bad-blocks", "0"),
        ("architecture-name", arch),
        ("board-name", board),
        ("platform", "MikroTik"),
    ]);
    st.tables
        .insert("/system/resource".into(), resource.live(live_resource));
    st.tables
        .insert("/system/identity".into(), single(&[("name", "sim-rb5009")]));
    st.tables.insert(
        "/system/routerboard".into(),
        single(&[
            ("routerboard", "true"),
            ("board-name", board),
            ("model", model),
            ("serial-number", "HG409Q1XKZ7"),
            ("firmware-type", "70x0"),
            ("factory-firmware", "7.4.1"),
            ("current-firmware", v.as_str()),
            ("upgrade-firmware", v.as_str()),
        ]),
    );
    st.tables.insert(
        "/system/clock".into(),
        single(&[
            ("time", "00:00:00"),
            ("date", "2026-01-01"),
            ("time-zone-autodetect", "true"),
            ("time-zone-name", "UTC"),
            ("gmt-offset", "+00:00"),
            ("dst-active", "false"),
        ])
        .live(live_clock),
    );
    st.tables.insert(
        "/system/package/update".into(),
        single(&[
            ("channel", "stable"),
            ("installed-version", v.as_str()),
            ("latest-version", v.as_str()),
            ("status", "System is already up to date"),
        ]),
    );
    st.tables.insert(
        "/system/ntp/client".into(),
        single(&[
            ("enabled", "true"),
            ("mode", "unicast"),
            ("servers", "time.cloudflare.com,pool.ntp.org"),
            ("vrf", "main"),
            ("freq-drift", "-3.891 PPM"),
            ("status", "synchronized"),
        ]),
    );
    st.tables.insert(
        "/snmp".into(),
        single(&[
            ("enabled", "true"),
            ("contact", "noc@example.net"),
            ("location", "rack 1, home office"),
            ("engine-id", "80003a8c04"),
            ("trap-target", ""),
            ("trap-community", "public"),
            ("trap-version", "1"),
        ]),
    );
    let mut pkgs = vec![];
    for (name, size) in [
        ("routeros", "12.4MiB"),
        ("wifi-qcom", "3.1MiB"),
        ("container", "100.1KiB"),
    ] {
        if cfg.ros6 && name != "routeros" {
            continue;
        }
        pkgs.push(FlatRow::from_pairs(&[
            ("name", name),
            ("version", v.as_str()),
            ("build-time", "2025-10-30 09:12:41"),
            ("scheduled", ""),
            ("size", size),
            ("disabled", "false"),
        ]));
    }
    st.tables
        .insert("/system/package".into(), Table::with_items(pkgs));
    st.tables.insert("/system/script".into(), script_menu());
    st.tables
        .insert("/system/scheduler".into(), scheduler_menu());
    if let Some(t) = st.table_mut("/user") {
        t.required = &["name", "group"];
        t.extra_fields = &["password"];
    }
    // /user never shows passwords: `password` is accepted but not stored (see edit.rs).
}

/// Policies RouterOS gives scripts and scheduler entries by default.
const DEFAULT_POLICY: &str = "ftp,reboot,read,write,policy,test,password,sniff,sensitive,romon";

/// `/system/script`: no scripts yet; `last-started` appears after the first run.
fn script_menu() -> Table {
    let mut t = Table::default();
    t.defaults = &[
        ("name", ""),
        ("owner", "admin"),
        ("policy", DEFAULT_POLICY),
        ("dont-require-permissions", "false"),
        ("run-count", "0"),
        ("source", ""),
        ("invalid", "false"),
    ];
    t.read_only = &["run-count", "last-started", "invalid"];
    t
}

/// `/system/scheduler`: no entries yet; `next-run` appears while an entry is due to run.
fn scheduler_menu() -> Table {
    let mut t = Table::default();
    t.defaults = &[
        ("name", ""),
        ("start-date", ""),
        ("start-time", ""),
        ("interval", "0s"),
        ("on-event", ""),
        ("owner", "admin"),
        ("policy", DEFAULT_POLICY),
        ("run-count", "0"),
        ("disabled", "false"),
    ];
    t.read_only = &["run-count", "next-run", "owner"];
    t
}

fn live_resource(row: &mut FlatRow, elapsed: f64) {
    let mut rng = Rng::from_clock();
    row.set(
        b"uptime",
        format_duration(BASE_UPTIME_SECS + elapsed as u64).as_bytes(),
    );
    row.set(b"cpu-load", rng.range(1, 14).to_string().as_bytes());
    let free = 781_254_656 - rng.range(0, 4_000_000) as i64;
    row.set(b"free-memory", free.to_string().as_bytes());
}

/// Date (`YYYY-MM-DD`) and time of a Unix timestamp, UTC.
pub fn civil(unix: u64) -> (String, String) {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    // Days to civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        format!("{y:04}-{m:02}-{d:02}"),
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60),
    )
}

/// Seconds since the Unix epoch now (0 if the host clock is before it).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The router's date and time now, `YYYY-MM-DD HH:MM:SS` (RouterOS ≥ 7.10, UTC).
pub fn timestamp_now() -> String {
    let (date, time) = civil(unix_now());
    format!("{date} {time}")
}

fn live_clock(row: &mut FlatRow, _elapsed: f64) {
    let (date, time) = civil(unix_now());
    row.set(b"time", time.as_bytes());
    row.set(b"date", date.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil(0), ("1970-01-01".into(), "00:00:00".into()));
        assert_eq!(
            civil(1_741_694_344),
            ("2025-03-11".into(), "11:59:04".into())
        );
    }

    #[test]
    fn uptime_moves() {
        let mut r = FlatRow::from_pairs(&[("uptime", "x"), ("cpu-load", "0")]);
        live_resource(&mut r, 3600.0);
        assert_eq!(
            r.get_str("uptime").unwrap(),
            format_duration(BASE_UPTIME_SECS + 3600)
        );
    }
}
