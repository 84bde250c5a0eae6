//! `/log`: about 60 entries of a normal day (DHCP, firewall, wifi, interface, system and one
//! critical error), oldest first, ids increasing; later lines (scripts' `:log`, script errors)
//! are appended with the current time, keeping the newest [`MAX_LINES`].

use super::State;
use crate::sim::row::FlatRow;
use crate::sim::table::Table;

/// (topics, message) templates cycled through the day.
const EVENTS: &[(&str, &str)] = &[
    (
        "dhcp,info",
        "defconf assigned 192.168.88.23 for A4:83:E7:11:22:33 iPhone",
    ),
    (
        "dhcp,info",
        "guest deassigned 10.20.20.51 for 82:3F:11:07:AA:19",
    ),
    (
        "firewall,info",
        "input: in:ether1 out:(unknown 0), connection-state:new src-mac 00:1b:21:8f:0c:01, proto TCP (SYN), 203.0.113.99:51123->203.0.113.45:22, len 60",
    ),
    (
        "wireless,info",
        "A4:83:E7:11:22:33@wifi2: connected, signal strength -52",
    ),
    (
        "wireless,info",
        "24:0A:C4:5D:6E:7F@wifi1: disconnected, received deauth: sending station leaving (3), signal strength -74",
    ),
    ("interface,info", "ether5 link down"),
    (
        "system,info,account",
        "user admin logged in from 192.168.88.10 via winbox",
    ),
    (
        "system,info,account",
        "user admin logged out from 192.168.88.10 via winbox",
    ),
    ("system,info", "dns changed by admin"),
    (
        "dhcp,info",
        "staff assigned 10.10.10.21 for DC:A6:32:01:23:46 ws-02",
    ),
    (
        "firewall,info",
        "forward: in:vlan20 out:vlan10, connection-state:new src-mac 7a:11:92:c3:04:5e, proto UDP, 10.20.20.50:5353->10.10.10.20:5353, len 84",
    ),
    ("interface,info", "ether5 link up (speed 1G, full duplex)"),
];

/// Add the log with `count` entries spread over the last hours.
fn entries(count: usize) -> Vec<FlatRow> {
    let mut rows = Vec::with_capacity(count);
    let start = 21 * 3600 + 4 * 60;
    for i in 0..count {
        let t = start + i as u64 * 173;
        let (day, secs) = if t >= 86_400 {
            ("2026-11-25", t - 86_400)
        } else {
            ("2026-11-24", t)
        };
        let time = format!(
            "{day} {:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        );
        let (topics, message) = match i {
            0 => ("system,info", "router rebooted"),
            1 => ("system,info", "installed wifi-qcom-7.20.6"),
            33 => (
                "system,error,critical",
                "error while running customized default configuration script: no such item",
            ),
            47 => (
                "script,warning",
                "backup upload to ftp.example.net failed: connection refused",
            ),
            _ => EVENTS[i % EVENTS.len()],
        };
        rows.push(FlatRow::from_pairs(&[
            ("time", time.as_str()),
            ("topics", topics),
            ("message", message),
        ]));
    }
    rows
}

/// Lines the log keeps, as RouterOS's default memory log does.
pub const MAX_LINES: usize = 1000;

/// Append a line stamped with the current time; the oldest go beyond [`MAX_LINES`].
pub fn append(st: &mut State, topics: &str, message: &[u8]) {
    let Some(t) = st.tables.get_mut("/log") else {
        return;
    };
    let mut row = FlatRow::new();
    row.push(b"time", super::system::timestamp_now().as_bytes());
    row.push(b"topics", topics.as_bytes());
    row.push(b"message", message);
    t.insert(row);
    let excess = t.items.len().saturating_sub(MAX_LINES);
    t.items.drain(..excess);
}

/// Add `/log`.
pub fn seed(st: &mut State) {
    let mut rows = entries(60);
    if st.ros6 {
        for r in rows.iter_mut() {
            let m = r
                .get_str("message")
                .unwrap_or_default()
                .replace("@wifi", "@wlan");
            r.set(b"message", m.as_bytes());
        }
    }
    st.tables.insert("/log".into(), Table::with_items(rows));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appended_lines_are_newest_and_bounded() {
        let mut st = State::seed(&crate::sim::SimConfig::default());
        for i in 0..MAX_LINES {
            append(&mut st, "script,info", format!("line {i}").as_bytes());
        }
        let t = &st.tables["/log"];
        assert_eq!(t.items.len(), MAX_LINES);
        let last = t.items.last().unwrap();
        assert_eq!(
            last.get_str("message").unwrap(),
            format!("line {}", MAX_LINES - 1)
        );
        assert_eq!(last.get_str("topics").unwrap(), "script,info");
        assert_eq!(
            last.get_str(".id").unwrap(),
            format!("*{:X}", 60 + MAX_LINES)
        );
    }

    #[test]
    fn sixty_entries_in_time_order() {
        let rows = entries(60);
        assert_eq!(rows.len(), 60);
        let times: Vec<String> = rows.iter().map(|r| r.get_str("time").unwrap()).collect();
        let mut sorted = times.clone();
        sorted.sort();
        assert_eq!(times, sorted);
        assert!(
            rows.iter()
                .any(|r| r.get_str("topics").unwrap().contains("critical"))
        );
    }
}
