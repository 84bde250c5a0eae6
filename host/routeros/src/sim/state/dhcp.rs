//! DHCP server: servers per network, networks, and ~20 leases (bound and waiting, dynamic
//! and static, one with a Windows-1252 comment), plus any number of generated guest leases.

use super::State;
use crate::sim::fields::{Fields, Text};
use crate::sim::row::FlatRow;
use crate::sim::table::Generated;
use std::sync::Arc;

/// First `.id` of generated leases.
pub const GENERATED_LEASE_ID: u64 = 0x0200_0000;

const SEED: &str = r#"
@/ip/dhcp-server
name=defconf|interface=bridge|address-pool=dhcp|lease-time=30m|address-lists=|add-arp=false|always-broadcast=false|authoritative=yes|use-radius=no|lease-script=|conflict-detection=true|dynamic=false|invalid=false|disabled=false
name=staff|interface=vlan10|address-pool=staff|lease-time=1d|address-lists=staff|add-arp=false|always-broadcast=false|authoritative=yes|use-radius=no|lease-script=|conflict-detection=true|dynamic=false|invalid=false|disabled=false
name=guest|interface=vlan20|address-pool=guests|lease-time=1h|address-lists=guests|add-arp=true|always-broadcast=false|authoritative=yes|use-radius=no|lease-script=|conflict-detection=true|dynamic=false|invalid=false|disabled=false
@/ip/dhcp-server/network
address=192.168.88.0/24|gateway=192.168.88.1|dns-server=192.168.88.1|domain=lan|ntp-server=|caps-manager=|dhcp-option=|dynamic=false|comment=defconf
address=10.10.10.0/24|gateway=10.10.10.1|dns-server=10.10.10.1|domain=staff.lan|ntp-server=10.10.10.1|caps-manager=|dhcp-option=|dynamic=false
address=10.20.20.0/24|gateway=10.20.20.1|dns-server=1.1.1.1,9.9.9.9|domain=|ntp-server=|caps-manager=|dhcp-option=|dynamic=false|comment=guests
"#;

/// (address, mac, host-name, server, status, static?, comment)
const LEASES: &[(&str, &str, &str, &str, &str, bool, &str)] = &[
    (
        "192.168.88.10",
        "3C:22:FB:10:9A:01",
        "macbook-anna",
        "defconf",
        "bound",
        false,
        "",
    ),
    (
        "192.168.88.11",
        "00:11:32:6E:44:A0",
        "nas",
        "defconf",
        "bound",
        true,
        "NAS",
    ),
    (
        "192.168.88.12",
        "30:05:5C:8E:21:0B",
        "BRW30055C8E210B",
        "defconf",
        "bound",
        true,
        "printer",
    ),
    (
        "192.168.88.23",
        "A4:83:E7:11:22:33",
        "iPhone",
        "defconf",
        "bound",
        false,
        "",
    ),
    (
        "192.168.88.31",
        "24:0A:C4:5D:6E:7F",
        "esp32-thermostat",
        "defconf",
        "bound",
        false,
        "K\\xfcche Thermostat",
    ),
    (
        "192.168.88.42",
        "F0:18:98:AA:BB:01",
        "tv-living-room",
        "defconf",
        "bound",
        false,
        "",
    ),
    (
        "192.168.88.50",
        "B8:27:EB:44:55:66",
        "raspberrypi",
        "defconf",
        "bound",
        true,
        "pi-hole",
    ),
    (
        "192.168.88.51",
        "5C:CF:7F:01:02:03",
        "shelly-plug-1",
        "defconf",
        "bound",
        false,
        "",
    ),
    (
        "192.168.88.52",
        "5C:CF:7F:01:02:04",
        "shelly-plug-2",
        "defconf",
        "bound",
        false,
        "",
    ),
    (
        "192.168.88.60",
        "E4:5F:01:AA:10:20",
        "",
        "defconf",
        "waiting",
        true,
        "old laptop",
    ),
    (
        "192.168.88.61",
        "70:B3:D5:12:34:56",
        "voip-phone",
        "defconf",
        "bound",
        true,
        "desk phone",
    ),
    (
        "192.168.88.77",
        "9C:8E:CD:00:11:22",
        "cam-garage",
        "defconf",
        "bound",
        false,
        "",
    ),
    (
        "10.10.10.20",
        "DC:A6:32:01:23:45",
        "ws-01",
        "staff",
        "bound",
        false,
        "",
    ),
    (
        "10.10.10.21",
        "DC:A6:32:01:23:46",
        "ws-02",
        "staff",
        "bound",
        false,
        "",
    ),
    (
        "10.10.10.22",
        "DC:A6:32:01:23:47",
        "ws-03",
        "staff",
        "waiting",
        true,
        "reserved ws-03",
    ),
    (
        "10.10.10.30",
        "00:50:56:9A:BC:DE",
        "build-server",
        "staff",
        "bound",
        true,
        "CI runner",
    ),
    (
        "10.20.20.50",
        "7A:11:92:C3:04:5E",
        "Galaxy-S23",
        "guest",
        "bound",
        false,
        "",
    ),
    (
        "10.20.20.51",
        "82:3F:11:07:AA:19",
        "",
        "guest",
        "bound",
        false,
        "",
    ),
    (
        "10.20.20.52",
        "A2:44:10:9B:3C:0D",
        "Pixel-8",
        "guest",
        "bound",
        false,
        "",
    ),
    (
        "10.20.20.53",
        "C6:21:88:6D:E2:41",
        "iPad",
        "guest",
        "bound",
        false,
        "",
    ),
];

fn lease_row(l: &(&str, &str, &str, &str, &str, bool, &str), i: usize) -> FlatRow {
    let (addr, mac, host, server, status, is_static, comment) = *l;
    let bound = status == "bound";
    let mut r = FlatRow::new();
    r.push(b"address", addr.as_bytes());
    r.push(b"mac-address", mac.as_bytes());
    r.push_fmt(b"client-id", format_args!("1:{}", mac.to_ascii_lowercase()));
    r.push(b"address-lists", b"");
    r.push(b"server", server.as_bytes());
    r.push(b"dhcp-option", b"");
    r.push(b"status", status.as_bytes());
    if bound {
        r.push_fmt(
            b"expires-after",
            format_args!("{}m{}s", 5 + i % 24, (i * 17) % 60),
        );
        r.push_fmt(b"last-seen", format_args!("{}m{}s", i % 6, (i * 13) % 60));
        r.push(b"active-address", addr.as_bytes());
        r.push(b"active-mac-address", mac.as_bytes());
        r.push_fmt(
            b"active-client-id",
            format_args!("1:{}", mac.to_ascii_lowercase()),
        );
        r.push(b"active-server", server.as_bytes());
        if !host.is_empty() {
            r.push(b"host-name", host.as_bytes());
        }
    } else {
        r.push(b"last-seen", b"never");
    }
    r.push(b"radius", b"false");
    r.push(b"dynamic", if is_static { b"false" } else { b"true" });
    r.push(b"blocked", b"false");
    r.push(b"disabled", b"false");
    if !comment.is_empty() {
        r.push(b"comment", &super::unescape(comment));
    }
    r
}

/// Build generated lease `i`: a guest on a large /16.
pub fn generated_lease(first_id: u64, i: u64, r: &mut dyn Fields) {
    let (hi, lo) = ((i / 250) % 256, i % 250 + 2);
    let mut address = Text::new();
    address.bytes(b"10.128.").dec(hi).byte(b'.').dec(lo);
    let mut mac = Text::new();
    mac.bytes(b"02:00");
    for shift in [24, 16, 8, 0] {
        mac.byte(b':').hex((i >> shift) & 0xFF, 2);
    }
    r.field(
        b".id",
        Text::new().byte(b'*').hex(first_id + i, 1).as_bytes(),
    );
    r.field(b"address", address.as_bytes());
    r.field(b"mac-address", mac.as_bytes());
    r.field(b"address-lists", b"");
    r.field(b"server", b"guest");
    r.field(b"dhcp-option", b"");
    r.field(b"status", b"bound");
    r.field(
        b"expires-after",
        Text::new().dec(1 + i % 59).byte(b'm').as_bytes(),
    );
    r.field(b"last-seen", Text::new().dec(i % 60).byte(b's').as_bytes());
    r.field(b"active-address", address.as_bytes());
    r.field(b"host-name", Text::new().bytes(b"guest-").dec(i).as_bytes());
    r.field(b"radius", b"false");
    r.field(b"dynamic", b"true");
    r.field(b"blocked", b"false");
    r.field(b"disabled", b"false");
}

/// Add the DHCP server menus with `extra` generated leases.
pub fn seed(st: &mut State, extra: u64) {
    st.load(SEED);
    st.load("@/ip/dhcp-server/lease\n");
    if let Some(t) = st.table_mut("/ip/dhcp-server/lease") {
        for (i, l) in LEASES.iter().enumerate() {
            t.insert(lease_row(l, i));
        }
        t.required = &["address", "mac-address"];
        t.extra_fields = &[
            "server",
            "client-id",
            "lease-time",
            "address-lists",
            "host-name",
        ];
        if extra > 0 {
            t.generated = Some(Generated {
                count: extra,
                first_id: GENERATED_LEASE_ID,
                build: Arc::new(|i, r| generated_lease(GENERATED_LEASE_ID, i, r)),
            });
        }
    }
    if let Some(t) = st.table_mut("/ip/dhcp-server") {
        t.required = &["name", "interface"];
    }
    if let Some(t) = st.table_mut("/ip/dhcp-server/network") {
        t.required = &["address"];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_comment_is_windows_1252() {
        let rows: Vec<FlatRow> = LEASES
            .iter()
            .enumerate()
            .map(|(i, l)| lease_row(l, i))
            .collect();
        assert!(
            rows.iter()
                .any(|r| r.get(b"comment") == Some(&b"K\xfcche Thermostat"[..]))
        );
        assert!(
            rows.iter()
                .any(|r| r.get(b"status") == Some(&b"waiting"[..]) && !r.has(b"active-address"))
        );
        assert_eq!(rows.len(), 20);
    }

    #[test]
    fn generated_leases_are_distinct_guests() {
        let mut r = FlatRow::new();
        generated_lease(0x200, 0x0102_0304, &mut r);
        assert_eq!(r.get_str(".id").unwrap(), "*1020504");
        assert_eq!(r.get_str("mac-address").unwrap(), "02:00:01:02:03:04");
        assert_eq!(r.get_str("host-name").unwrap(), "guest-16909060");
        let i = 0x0102_0304u64;
        let want = format!("10.128.{}.{}", (i / 250) % 256, i % 250 + 2);
        assert_eq!(r.get_str("address").unwrap(), want);
        assert_eq!(r.get_str("active-address").unwrap(), want);
        assert_eq!(
            r.get_str("expires-after").unwrap(),
            format!("{}m", 1 + i % 59)
        );
        assert_eq!(r.get_str("last-seen").unwrap(), format!("{}s", i % 60));
    }
}
