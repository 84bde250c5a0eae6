//! `/ip/route` and `/ipv6/route`: connected, DHCP, static and dynamic-protocol routes, plus
//! any number of generated BGP-like routes built on demand from their index.

use super::State;
use crate::sim::fields::{Fields, FixedFields, Text};
use crate::sim::table::{Generated, Table};
use std::sync::Arc;

/// First `.id` of generated routes (well above stored ones).
pub const GENERATED_ROUTE_ID: u64 = 0x0100_0000;

const SEED: &str = r#"
@/ip/route
dst-address=0.0.0.0/0|routing-table=main|gateway=203.0.113.1|immediate-gw=203.0.113.1%ether1|distance=1|scope=30|target-scope=10|vrf-interface=ether1|suppress-hw-offload=false|dynamic=true|inactive=false|active=true|static=false|connect=false|dhcp=true|ospf=false|bgp=false|hw-offloaded=true|ecmp=false|disabled=false
dst-address=0.0.0.0/0|routing-table=main|gateway=203.0.113.1|immediate-gw=|distance=5|scope=30|target-scope=10|suppress-hw-offload=false|dynamic=false|inactive=true|active=false|static=true|connect=false|dhcp=false|ospf=false|bgp=false|hw-offloaded=false|ecmp=false|disabled=false|comment=backup default via WAN gateway
dst-address=10.10.10.0/24|routing-table=main|pref-src=10.10.10.1|gateway=vlan10|immediate-gw=vlan10|distance=0|scope=10|target-scope=5|suppress-hw-offload=false|dynamic=true|inactive=false|active=true|static=false|connect=true|dhcp=false|ospf=false|bgp=false|hw-offloaded=true|ecmp=false|disabled=false
dst-address=10.20.20.0/24|routing-table=main|pref-src=10.20.20.1|gateway=vlan20|immediate-gw=vlan20|distance=0|scope=10|target-scope=5|suppress-hw-offload=false|dynamic=true|inactive=false|active=true|static=false|connect=true|dhcp=false|ospf=false|bgp=false|hw-offloaded=true|ecmp=false|disabled=false
dst-address=192.168.88.0/24|routing-table=main|pref-src=192.168.88.1|gateway=bridge|immediate-gw=bridge|distance=0|scope=10|target-scope=5|suppress-hw-offload=false|dynamic=true|inactive=false|active=true|static=false|connect=true|dhcp=false|ospf=false|bgp=false|hw-offloaded=true|ecmp=false|disabled=false
dst-address=203.0.113.0/24|routing-table=main|pref-src=203.0.113.45|gateway=ether1|immediate-gw=ether1|distance=0|scope=10|target-scope=5|suppress-hw-offload=false|dynamic=true|inactive=false|active=true|static=false|connect=true|dhcp=false|ospf=false|bgp=false|hw-offloaded=true|ecmp=false|disabled=false
dst-address=10.99.0.0/16|routing-table=main|gateway=10.10.10.2|immediate-gw=10.10.10.2%vlan10|distance=110|scope=20|target-scope=10|suppress-hw-offload=false|dynamic=true|inactive=false|active=true|static=false|connect=false|dhcp=false|ospf=true|bgp=false|hw-offloaded=true|ecmp=false|disabled=false
dst-address=172.16.0.0/12|routing-table=main|gateway=10.10.10.254|immediate-gw=10.10.10.254%vlan10|distance=1|scope=30|target-scope=10|suppress-hw-offload=false|dynamic=false|inactive=false|active=true|static=true|connect=false|dhcp=false|ospf=false|bgp=false|hw-offloaded=true|ecmp=false|disabled=false|comment=VPN concentrator
dst-address=192.168.100.0/24|routing-table=main|gateway=10.20.20.2|immediate-gw=|distance=1|scope=30|target-scope=10|suppress-hw-offload=false|dynamic=false|inactive=true|active=false|static=true|connect=false|dhcp=false|ospf=false|bgp=false|hw-offloaded=false|ecmp=false|disabled=true|comment=old lab
dst-address=198.18.0.0/15|routing-table=main|gateway=10.10.10.3|immediate-gw=10.10.10.3%vlan10|distance=20|scope=40|target-scope=30|suppress-hw-offload=false|dynamic=true|inactive=false|active=true|static=false|connect=false|dhcp=false|ospf=false|bgp=true|hw-offloaded=true|ecmp=false|disabled=false
@/ipv6/route
dst-address=::/0|routing-table=main|gateway=fe80::21b:21ff:fe8f:c01%ether1|immediate-gw=fe80::21b:21ff:fe8f:c01%ether1|distance=1|scope=30|target-scope=10|dynamic=true|inactive=false|active=true|static=false|connect=false|dhcp=false|ospf=false|bgp=false|disabled=false
dst-address=2001:db8:4a1:100::/64|routing-table=main|gateway=bridge|immediate-gw=bridge|distance=0|scope=10|target-scope=5|dynamic=true|inactive=false|active=true|static=false|connect=true|dhcp=false|ospf=false|bgp=false|disabled=false
dst-address=fe80::/64|routing-table=main|gateway=bridge|immediate-gw=bridge|distance=0|scope=10|target-scope=5|dynamic=true|inactive=false|active=true|static=false|connect=true|dhcp=false|ospf=false|bgp=false|disabled=false
dst-address=2001:db8:4a1::/48|routing-table=main|gateway=|immediate-gw=|distance=1|scope=30|target-scope=10|dynamic=false|inactive=false|active=true|static=true|connect=false|dhcp=false|ospf=false|bgp=false|blackhole=true|disabled=false|comment=PD aggregate
"#;

/// Fields every generated route has, after `.id` and `dst-address`.
static ROUTE_FIXED: &FixedFields = &[
    (b"routing-table", b"main"),
    (b"gateway", b"10.10.10.3"),
    (b"immediate-gw", b"10.10.10.3%vlan10"),
    (b"distance", b"20"),
    (b"scope", b"40"),
    (b"target-scope", b"30"),
    (b"suppress-hw-offload", b"false"),
    (b"dynamic", b"true"),
    (b"inactive", b"false"),
    (b"active", b"true"),
    (b"static", b"false"),
    (b"connect", b"false"),
    (b"dhcp", b"false"),
    (b"ospf", b"false"),
    (b"bgp", b"true"),
];

/// Fields every generated route ends with, after `hw-offloaded`.
static ROUTE_FIXED_TAIL: &FixedFields = &[(b"ecmp", b"false"), (b"disabled", b"false")];

/// Build generated route `i`: a /24 out of a BGP full table, via the upstream peer.
pub fn generated_route(first_id: u64, i: u64, r: &mut dyn Fields) {
    // Walk 1.0.0.0/24, 1.0.1.0/24, ... (skipping nothing: the sim does not care about bogons).
    let net = 0x0100_0000u64 + (i << 8);
    let (a, b, c) = ((net >> 24) & 0xFF, (net >> 16) & 0xFF, (net >> 8) & 0xFF);
    r.field(
        b".id",
        Text::new().byte(b'*').hex(first_id + i, 1).as_bytes(),
    );
    let mut dst = Text::new();
    dst.dec(a)
        .byte(b'.')
        .dec(b)
        .byte(b'.')
        .dec(c)
        .bytes(b".0/24");
    r.field(b"dst-address", dst.as_bytes());
    r.fixed(ROUTE_FIXED);
    let offloaded: &[u8] = if i.is_multiple_of(7) {
        b"false"
    } else {
        b"true"
    };
    r.field(b"hw-offloaded", offloaded);
    r.fixed(ROUTE_FIXED_TAIL);
}

/// Add the route menus, with `extra` generated routes.
pub fn seed(st: &mut State, extra: u64) {
    st.load(SEED);
    for menu in ["/ip/route", "/ipv6/route"] {
        if let Some(t) = st.table_mut(menu) {
            t.required = &["gateway"];
            t.extra_fields = &[
                "dst-address",
                "distance",
                "routing-table",
                "pref-src",
                "blackhole",
                "check-gateway",
                "scope",
                "target-scope",
            ];
        }
    }
    if extra > 0 {
        let t: &mut Table = st.tables.entry("/ip/route".into()).or_default();
        t.generated = Some(Generated {
            count: extra,
            first_id: GENERATED_ROUTE_ID,
            build: Arc::new(|i, r| generated_route(GENERATED_ROUTE_ID, i, r)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::row::FlatRow;

    #[test]
    fn generated_routes_are_distinct_24s() {
        let mut r = FlatRow::new();
        generated_route(0x100, 0, &mut r);
        assert_eq!(r.get_str("dst-address").unwrap(), "1.0.0.0/24");
        assert_eq!(r.get_str(".id").unwrap(), "*100");
        r.clear();
        generated_route(0x100, 65_537, &mut r);
        assert_eq!(r.get_str("dst-address").unwrap(), "2.0.1.0/24");
    }
}
