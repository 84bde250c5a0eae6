//! `/interface` and its L2 submenus: ethernet ports, the bridge with VLAN filtering, VLAN
//! interfaces, interface lists. Counters of running interfaces move while the sim runs.

use super::State;
use crate::sim::row::FlatRow;
use crate::sim::table::Table;

/// (name, type, comment, running, rx bytes/s, tx bytes/s, mtu, l2mtu)
type Port = (
    &'static str,
    &'static str,
    &'static str,
    bool,
    u64,
    u64,
    u32,
    u32,
);

const PORTS: &[Port] = &[
    (
        "ether1",
        "ether",
        "WAN - ISP fiber ONT",
        true,
        2_400_000,
        310_000,
        1500,
        1514,
    ),
    (
        "ether2",
        "ether",
        "office switch",
        true,
        240_000,
        1_900_000,
        1500,
        1514,
    ),
    ("ether3", "ether", "", true, 12_000, 95_000, 1500, 1514),
    ("ether4", "ether", "NAS", true, 420_000, 88_000, 1500, 1514),
    ("ether5", "ether", "", false, 0, 0, 1500, 1514),
    ("ether6", "ether", "", false, 0, 0, 1500, 1514),
    ("ether7", "ether", "", false, 0, 0, 1500, 1514),
    (
        "ether8",
        "ether",
        "AP K\\xfcche",
        true,
        310_000,
        1_100_000,
        1500,
        1514,
    ),
    ("sfp-sfpplus1", "ether", "", false, 0, 0, 1500, 1514),
    (
        "bridge", "bridge", "defconf", true, 980_000, 3_100_000, 1500, 1514,
    ),
    (
        "vlan10", "vlan", "staff", true, 120_000, 900_000, 1500, 1510,
    ),
    (
        "vlan20", "vlan", "guests", true, 40_000, 260_000, 1500, 1510,
    ),
];

fn mac(i: usize) -> String {
    format!("48:A9:8A:3C:71:{:02X}", 0x10 + i)
}

/// Bytes per second (rx, tx) of a running interface, 0 for unknown or down ones.
pub fn traffic_rates(name: &[u8]) -> (u64, u64) {
    PORTS
        .iter()
        .find(|p| p.0.as_bytes() == name)
        .map(|p| (p.4, p.5))
        .unwrap_or(match name {
            b"wifi1" | b"wlan1" => (160_000, 1_400_000),
            b"wifi2" | b"wlan2" => (90_000, 600_000),
            _ => (0, 0),
        })
}

/// One `/interface` row.
#[allow(clippy::too_many_arguments)]
pub fn interface_row(
    i: usize,
    name: &str,
    kind: &str,
    comment: &[u8],
    running: bool,
    rx: u64,
    tx: u64,
    mtu: u32,
    l2mtu: u32,
) -> FlatRow {
    let mut r = FlatRow::new();
    r.push(b"name", name.as_bytes());
    if kind == "ether" || kind == "wifi" || kind == "wlan" {
        r.push(b"default-name", name.as_bytes());
    }
    r.push(b"type", kind.as_bytes());
    r.push_fmt(b"mtu", format_args!("{mtu}"));
    r.push_fmt(b"actual-mtu", format_args!("{mtu}"));
    r.push_fmt(b"l2mtu", format_args!("{l2mtu}"));
    r.push(
        b"max-l2mtu",
        if kind == "ether" { b"9796" } else { b"65535" },
    );
    r.push(b"mac-address", mac(i).as_bytes());
    if running {
        r.push(b"last-link-up-time", b"2026-11-07 03:11:52");
    }
    r.push_fmt(
        b"link-downs",
        format_args!("{}", if running { i % 4 } else { 0 }),
    );
    let days = 1_500_000.0 * (1.0 + i as f64 / 7.0);
    let rx_b = (rx as f64 * days / 40.0) as u64;
    let tx_b = (tx as f64 * days / 40.0) as u64;
    for (n, v) in [
        ("rx-byte", rx_b),
        ("tx-byte", tx_b),
        ("rx-packet", rx_b / 800),
        ("tx-packet", tx_b / 760),
        ("rx-drop", u64::from(running) * 12),
        ("tx-drop", 0),
        ("tx-queue-drop", u64::from(running) * 3),
        ("rx-error", 0),
        ("tx-error", 0),
        ("fp-rx-byte", rx_b / 10 * 9),
        ("fp-tx-byte", tx_b / 10 * 9),
        ("fp-rx-packet", rx_b / 900),
        ("fp-tx-packet", tx_b / 850),
    ] {
        r.push_fmt(n.as_bytes(), format_args!("{v}"));
    }
    r.push(b"running", if running { b"true" } else { b"false" });
    r.push(
        b"slave",
        if kind == "ether" && i > 0 && i < 8 {
            b"true"
        } else {
            b"false"
        },
    );
    r.push(b"disabled", b"false");
    if !comment.is_empty() {
        r.push(b"comment", comment);
    }
    r
}

/// Interface counters grow by their rate since the sim started.
fn live_counters(row: &mut FlatRow, elapsed: f64) {
    if row.get(b"running") != Some(b"true") {
        return;
    }
    let (rx, tx) = traffic_rates(row.get(b"name").unwrap_or_default());
    for (field, rate) in [
        (&b"rx-byte"[..], rx),
        (b"tx-byte", tx),
        (b"rx-packet", rx / 800),
        (b"tx-packet", tx / 760),
    ] {
        let base: u64 = row
            .get(field)
            .and_then(|v| std::str::from_utf8(v).ok()?.parse().ok())
            .unwrap_or(0);
        let now = base + (rate as f64 * elapsed) as u64;
        row.set(field, now.to_string().as_bytes());
    }
}

const L2: &str = r#"
@/interface/bridge
name=bridge|mtu=auto|actual-mtu=1500|l2mtu=1514|arp=enabled|arp-timeout=auto|mac-address=48:A9:8A:3C:71:1A|protocol-mode=rstp|fast-forward=true|igmp-snooping=false|auto-mac=true|ageing-time=5m|priority=0x8000|max-message-age=20s|forward-delay=15s|transmit-hold-count=6|vlan-filtering=true|ether-type=0x8100|pvid=1|frame-types=admit-all|ingress-filtering=true|dhcp-snooping=false|port-cost-mode=long|mvrp=false|running=true|disabled=false|comment=defconf
@/interface/bridge/port
interface=ether2|bridge=bridge|horizon=none|pvid=1|frame-types=admit-all|ingress-filtering=true|learn=auto|hw=true|trusted=false|edge=auto|point-to-point=auto|path-cost=10|internal-path-cost=10|priority=0x80|status=in-bridge|role=designated-port|inactive=false|dynamic=false|disabled=false|comment=defconf
interface=ether3|bridge=bridge|horizon=none|pvid=10|frame-types=admit-only-untagged-and-priority-tagged|ingress-filtering=true|learn=auto|hw=true|trusted=false|edge=auto|point-to-point=auto|path-cost=10|internal-path-cost=10|priority=0x80|status=in-bridge|role=designated-port|inactive=false|dynamic=false|disabled=false|comment=defconf
interface=ether4|bridge=bridge|horizon=none|pvid=1|frame-types=admit-all|ingress-filtering=true|learn=auto|hw=true|trusted=false|edge=auto|point-to-point=auto|path-cost=10|internal-path-cost=10|priority=0x80|status=in-bridge|role=designated-port|inactive=false|dynamic=false|disabled=false|comment=defconf
interface=ether5|bridge=bridge|horizon=none|pvid=20|frame-types=admit-only-untagged-and-priority-tagged|ingress-filtering=true|learn=auto|hw=true|trusted=false|edge=auto|point-to-point=auto|path-cost=10|internal-path-cost=10|priority=0x80|status=inactive|role=disabled-port|inactive=true|dynamic=false|disabled=false|comment=defconf
interface=ether6|bridge=bridge|horizon=none|pvid=1|frame-types=admit-all|ingress-filtering=true|learn=auto|hw=true|trusted=false|edge=auto|point-to-point=auto|path-cost=10|internal-path-cost=10|priority=0x80|status=inactive|role=disabled-port|inactive=true|dynamic=false|disabled=false|comment=defconf
interface=ether7|bridge=bridge|horizon=none|pvid=1|frame-types=admit-all|ingress-filtering=true|learn=auto|hw=true|trusted=false|edge=auto|point-to-point=auto|path-cost=10|internal-path-cost=10|priority=0x80|status=inactive|role=disabled-port|inactive=true|dynamic=false|disabled=false|comment=defconf
interface=ether8|bridge=bridge|horizon=none|pvid=1|frame-types=admit-all|ingress-filtering=true|learn=auto|hw=true|trusted=true|edge=auto|point-to-point=auto|path-cost=10|internal-path-cost=10|priority=0x80|status=in-bridge|role=designated-port|inactive=false|dynamic=false|disabled=false|comment=defconf
interface=sfp-sfpplus1|bridge=bridge|horizon=none|pvid=1|frame-types=admit-all|ingress-filtering=true|learn=auto|hw=true|trusted=false|edge=auto|point-to-point=auto|path-cost=10|internal-path-cost=10|priority=0x80|status=inactive|role=disabled-port|inactive=true|dynamic=false|disabled=false|comment=defconf
@/interface/bridge/vlan
bridge=bridge|vlan-ids=1|tagged=|untagged=|current-tagged=|current-untagged=bridge,ether2,ether4,ether8|mvrp-forbidden=|dynamic=true|disabled=false
bridge=bridge|vlan-ids=10|tagged=bridge,ether2,ether8|untagged=ether3|current-tagged=bridge,ether2,ether8|current-untagged=ether3|mvrp-forbidden=|dynamic=false|disabled=false|comment=staff
bridge=bridge|vlan-ids=20|tagged=bridge,ether2,ether8|untagged=ether5|current-tagged=bridge,ether2,ether8|current-untagged=|mvrp-forbidden=|dynamic=false|disabled=false|comment=guests
@/interface/bridge/host
mac-address=3C:22:FB:10:9A:01|vid=1|on-interface=ether2|bridge=bridge|interface=ether2|age=1s|invalid=false|dynamic=true|local=false|external=true|disabled=false
mac-address=00:11:32:6E:44:A0|vid=1|on-interface=ether4|bridge=bridge|interface=ether4|age=4s|invalid=false|dynamic=true|local=false|external=true|disabled=false
mac-address=DC:A6:32:01:23:45|vid=10|on-interface=ether3|bridge=bridge|interface=ether3|age=12s|invalid=false|dynamic=true|local=false|external=true|disabled=false
mac-address=48:A9:8A:3C:71:1A|vid=1|on-interface=bridge|bridge=bridge|interface=bridge|age=|invalid=false|dynamic=false|local=true|external=false|disabled=false
@/interface/vlan
name=vlan10|mtu=1500|l2mtu=1510|mac-address=48:A9:8A:3C:71:1A|arp=enabled|arp-timeout=auto|loop-protect=default|vlan-id=10|interface=bridge|use-service-tag=false|mvrp=false|running=true|disabled=false|comment=staff
name=vlan20|mtu=1500|l2mtu=1510|mac-address=48:A9:8A:3C:71:1A|arp=enabled|arp-timeout=auto|loop-protect=default|vlan-id=20|interface=bridge|use-service-tag=false|mvrp=false|running=true|disabled=false|comment=guests
@/interface/list
name=WAN|builtin=false|dynamic=false|include=|exclude=|comment=defconf
name=LAN|builtin=false|dynamic=false|include=|exclude=|comment=defconf
name=all|builtin=true|dynamic=true|include=|exclude=|comment=contains all interfaces
name=none|builtin=true|dynamic=true|include=|exclude=|comment=contains no interfaces
@/interface/list/member
list=LAN|interface=bridge|dynamic=false|disabled=false|comment=defconf
list=WAN|interface=ether1|dynamic=false|disabled=false|comment=defconf
list=LAN|interface=vlan10|dynamic=false|disabled=false
list=LAN|interface=vlan20|dynamic=false|disabled=false
"#;

/// Add `/interface` and the L2 menus.
pub fn seed(st: &mut State) {
    let mut rows = Vec::new();
    let mut ethernet = Vec::new();
    for (i, p) in PORTS.iter().enumerate() {
        rows.push(interface_row(
            i,
            p.0,
            p.1,
            &super::unescape(p.2),
            p.3,
            p.4,
            p.5,
            p.6,
            p.7,
        ));
        if p.1 == "ether" {
            let mut e = FlatRow::new();
            e.push(b"name", p.0.as_bytes());
            e.push(b"default-name", p.0.as_bytes());
            e.push(b"mtu", b"1500");
            e.push(b"l2mtu", b"1514");
            e.push(b"mac-address", mac(i).as_bytes());
            e.push(b"orig-mac-address", mac(i).as_bytes());
            e.push(b"arp", b"enabled");
            e.push(b"arp-timeout", b"auto");
            e.push(b"loop-protect", b"default");
            e.push(b"auto-negotiation", b"true");
            let speed: &[u8] = if p.0.starts_with("sfp") {
                b"10G-baseSR-LR"
            } else if p.0 == "ether1" {
                b"10G-baseT"
            } else {
                b"1G-baseT-full"
            };
            e.push(b"speed", speed);
            e.push(b"advertise", b"10M-baseT-half,10M-baseT-full,100M-baseT-half,100M-baseT-full,1G-baseT-half,1G-baseT-full");
            e.push(b"tx-flow-control", b"off");
            e.push(b"rx-flow-control", b"off");
            e.push(b"running", if p.3 { b"true" } else { b"false" });
            e.push(b"slave", if i > 0 { b"true" } else { b"false" });
            e.push(b"disabled", b"false");
            ethernet.push(e);
        }
    }
    let (w1, w2, wtype): (&str, &str, &str) = if st.ros6 {
        ("wlan1", "wlan2", "wlan")
    } else {
        ("wifi1", "wifi2", "wifi")
    };
    rows.push(interface_row(
        12, w1, wtype, b"2.4 GHz", true, 160_000, 1_400_000, 1500, 1560,
    ));
    rows.push(interface_row(
        13, w2, wtype, b"5 GHz", true, 90_000, 600_000, 1500, 1560,
    ));
    st.tables.insert(
        "/interface".into(),
        Table::with_items(rows)
            .live(live_counters)
            .accept(&["mtu", "l2mtu", "name"]),
    );
    st.tables
        .insert("/interface/ethernet".into(), Table::with_items(ethernet));
    st.load(L2);
    let req: &[(&str, &'static [&'static str])] = &[
        ("/interface/bridge/port", &["interface", "bridge"]),
        ("/interface/bridge/vlan", &["bridge", "vlan-ids"]),
        ("/interface/vlan", &["name", "vlan-id", "interface"]),
        ("/interface/list", &["name"]),
        ("/interface/list/member", &["list", "interface"]),
    ];
    for (menu, fields) in req {
        if let Some(t) = st.table_mut(menu) {
            t.required = fields;
        }
    }
    // Add bridge member wifi ports in RouterOS 7 / wlan in 6.
    if let Some(t) = st.table_mut("/interface/bridge/port") {
        for w in [w1, w2] {
            let mut r = t.items[0].clone();
            r.remove(b".id");
            r.set(b"interface", w.as_bytes());
            r.set(b"pvid", b"1");
            t.insert(r);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_move_only_on_running_interfaces() {
        let mut up = interface_row(0, "ether1", "ether", b"", true, 1000, 10, 1500, 1514);
        let before: u64 = up.get_str("rx-byte").unwrap().parse().unwrap();
        live_counters(&mut up, 10.0);
        let after: u64 = up.get_str("rx-byte").unwrap().parse().unwrap();
        assert_eq!(after - before, 2_400_000 * 10);
        let mut down = interface_row(5, "ether6", "ether", b"", false, 0, 0, 1500, 1514);
        let copy = down.clone();
        live_counters(&mut down, 10.0);
        assert_eq!(copy, down);
    }
}
