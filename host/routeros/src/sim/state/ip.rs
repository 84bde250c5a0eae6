//! Layer 3 settings: IPv4/IPv6 addresses, ARP and neighbour tables, DNS, DHCP client, pools.

use super::State;
use crate::sim::row::FlatRow;
use crate::sim::table::Table;

const SEED: &str = r#"
@/ip/address
address=192.168.88.1/24|network=192.168.88.0|interface=bridge|actual-interface=bridge|invalid=false|dynamic=false|disabled=false|comment=defconf
address=10.10.10.1/24|network=10.10.10.0|interface=vlan10|actual-interface=vlan10|invalid=false|dynamic=false|disabled=false|comment=staff
address=10.20.20.1/24|network=10.20.20.0|interface=vlan20|actual-interface=vlan20|invalid=false|dynamic=false|disabled=false|comment=guests
address=203.0.113.45/24|network=203.0.113.0|interface=ether1|actual-interface=ether1|invalid=false|dynamic=true|disabled=false
@/ipv6/address
address=2001:db8:4a1:100::1/64|from-pool=isp-pd|interface=bridge|actual-interface=bridge|eui-64=false|advertise=true|no-dad=false|invalid=false|dynamic=false|link-local=false|disabled=false
address=fe80::4aa9:8aff:fe3c:7110/64|from-pool=|interface=ether1|actual-interface=ether1|eui-64=false|advertise=false|no-dad=false|invalid=false|dynamic=true|link-local=true|disabled=false
address=fe80::4aa9:8aff:fe3c:711a/64|from-pool=|interface=bridge|actual-interface=bridge|eui-64=false|advertise=false|no-dad=false|invalid=false|dynamic=true|link-local=true|disabled=false
address=2001:db8:ffff:12::2a/128|from-pool=|interface=ether1|actual-interface=ether1|eui-64=false|advertise=false|no-dad=false|invalid=false|dynamic=true|link-local=false|disabled=false
@/ip/arp
address=203.0.113.1|mac-address=00:1B:21:8F:0C:01|interface=ether1|published=false|invalid=false|DHCP=false|dynamic=true|complete=true|disabled=false
address=192.168.88.10|mac-address=3C:22:FB:10:9A:01|interface=bridge|published=false|invalid=false|DHCP=true|dynamic=true|complete=true|disabled=false
address=192.168.88.11|mac-address=00:11:32:6E:44:A0|interface=bridge|published=false|invalid=false|DHCP=false|dynamic=false|complete=true|disabled=false|comment=NAS static
address=192.168.88.23|mac-address=A4:83:E7:11:22:33|interface=bridge|published=false|invalid=false|DHCP=true|dynamic=true|complete=true|disabled=false
address=192.168.88.31|mac-address=24:0A:C4:5D:6E:7F|interface=bridge|published=false|invalid=false|DHCP=true|dynamic=true|complete=true|disabled=false
address=192.168.88.42|mac-address=F0:18:98:AA:BB:01|interface=bridge|published=false|invalid=false|DHCP=true|dynamic=true|complete=true|disabled=false
address=192.168.88.77|interface=bridge|published=false|invalid=false|DHCP=false|dynamic=true|complete=false|disabled=false
address=10.10.10.20|mac-address=DC:A6:32:01:23:45|interface=vlan10|published=false|invalid=false|DHCP=true|dynamic=true|complete=true|disabled=false
address=10.10.10.21|mac-address=DC:A6:32:01:23:46|interface=vlan10|published=false|invalid=false|DHCP=true|dynamic=true|complete=true|disabled=false
address=10.20.20.50|mac-address=7A:11:92:C3:04:5E|interface=vlan20|published=false|invalid=false|DHCP=true|dynamic=true|complete=true|disabled=false
@/ipv6/neighbor
address=fe80::21b:21ff:fe8f:c01|interface=ether1|mac-address=00:1B:21:8F:0C:01|router=true|status=stale
address=2001:db8:4a1:100:3e22:fbff:fe10:9a01|interface=bridge|mac-address=3C:22:FB:10:9A:01|router=false|status=reachable
address=fe80::a683:e7ff:fe11:2233|interface=bridge|mac-address=A4:83:E7:11:22:33|router=false|status=delay
address=fe80::211:32ff:fe6e:44a0|interface=bridge|mac-address=00:11:32:6E:44:A0|router=false|status=stale
@/ip/dns/static
name=router.lan|address=192.168.88.1|type=A|ttl=1d|dynamic=false|disabled=false|comment=defconf
name=nas.lan|address=192.168.88.11|type=A|ttl=1d|dynamic=false|disabled=false
name=printer.lan|address=192.168.88.12|type=A|ttl=1d|dynamic=false|disabled=false
name=files.lan|cname=nas.lan|type=CNAME|ttl=1d|dynamic=false|disabled=false
name=ads.example.com|address=0.0.0.0|type=A|ttl=1d|dynamic=false|disabled=true|comment=blocked
@/ip/dhcp-client
interface=ether1|add-default-route=true|default-route-distance=1|use-peer-dns=true|use-peer-ntp=true|dhcp-options=hostname,clientid|status=bound|address=203.0.113.45/24|gateway=203.0.113.1|dhcp-server=203.0.113.1|primary-dns=198.51.100.53|secondary-dns=198.51.100.54|expires-after=21h37m12s|invalid=false|dynamic=false|disabled=false|comment=defconf
@/ip/pool
name=dhcp|ranges=192.168.88.100-192.168.88.254|next-pool=none
name=staff|ranges=10.10.10.100-10.10.10.200|next-pool=none
name=guests|ranges=10.20.20.100-10.20.20.250|next-pool=none
@/ip/firewall/address-list
list=trusted|address=192.168.88.0/24|creation-time=2025-06-01 10:12:00|dynamic=false|disabled=false|comment=LAN
list=trusted|address=10.10.10.0/24|creation-time=2025-06-01 10:12:11|dynamic=false|disabled=false|comment=staff
list=blocklist|address=198.51.100.66|creation-time=2026-11-24 22:41:09|timeout=23h12m41s|dynamic=true|disabled=false
list=blocklist|address=192.0.2.200|creation-time=2026-11-24 23:02:17|timeout=23h33m49s|dynamic=true|disabled=false
list=port-scanners|address=203.0.113.99|creation-time=2026-11-25 00:21:44|timeout=1d52m16s|dynamic=true|disabled=false
list=no-forward-ipv4|address=0.0.0.0/8|creation-time=2025-06-01 10:00:00|dynamic=false|disabled=false|comment=defconf: RFC6890
list=no-forward-ipv4|address=169.254.0.0/16|creation-time=2025-06-01 10:00:00|dynamic=false|disabled=false|comment=defconf: RFC6890
"#;

/// Add the layer 3 menus.
pub fn seed(st: &mut State) {
    st.load(SEED);
    st.tables.insert(
        "/ip/dns".into(),
        Table::singleton(FlatRow::from_pairs(&[
            ("servers", "1.1.1.1,9.9.9.9"),
            ("dynamic-servers", "198.51.100.53,198.51.100.54"),
            ("use-doh-server", ""),
            ("verify-doh-cert", "false"),
            ("allow-remote-requests", "true"),
            ("max-udp-packet-size", "4096"),
            ("query-server-timeout", "2s"),
            ("query-total-timeout", "10s"),
            ("max-concurrent-queries", "100"),
            ("max-concurrent-tcp-sessions", "20"),
            ("cache-size", "2048KiB"),
            ("cache-max-ttl", "1w"),
            ("cache-used", "318KiB"),
        ])),
    );
    let req: &[(&str, &'static [&'static str])] = &[
        ("/ip/address", &["address", "interface"]),
        ("/ipv6/address", &["address", "interface"]),
        ("/ip/arp", &["address", "interface"]),
        ("/ip/dns/static", &["name"]),
        ("/ip/dhcp-client", &["interface"]),
        ("/ip/pool", &["name", "ranges"]),
        ("/ip/firewall/address-list", &["list", "address"]),
    ];
    for (menu, fields) in req {
        if let Some(t) = st.table_mut(menu) {
            t.required = fields;
        }
    }
    if let Some(t) = st.table_mut("/ip/dns/static") {
        t.extra_fields = &[
            "address",
            "cname",
            "text",
            "type",
            "ttl",
            "regexp",
            "forward-to",
        ];
    }
    if let Some(t) = st.table_mut("/ip/firewall/address-list") {
        t.extra_fields = &["timeout"];
    }
}
