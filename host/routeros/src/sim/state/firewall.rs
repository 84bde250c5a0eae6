//! `/ip/firewall/*`: MikroTik's default configuration rules (defconf) plus a few user rules,
//! with byte and packet counters.

use super::State;

const SEED: &str = r#"
@/ip/firewall/filter
chain=input|action=accept|connection-state=established,related,untracked|bytes=912834112|packets=1203381|invalid=false|dynamic=false|disabled=false|comment=defconf: accept established,related,untracked
chain=input|action=drop|connection-state=invalid|bytes=40213|packets=611|invalid=false|dynamic=false|disabled=false|comment=defconf: drop invalid
chain=input|action=accept|protocol=icmp|bytes=301224|packets=4020|invalid=false|dynamic=false|disabled=false|comment=defconf: accept ICMP
chain=input|action=accept|dst-address=127.0.0.1|bytes=0|packets=0|invalid=false|dynamic=false|disabled=false|comment=defconf: accept to local loopback (for CAPsMAN)
chain=input|action=accept|protocol=tcp|src-address-list=trusted|dst-port=22,8291,8728,8729|bytes=5521733|packets=40113|invalid=false|dynamic=false|disabled=false|comment=management from trusted networks
chain=input|action=drop|src-address-list=blocklist|bytes=88123|packets=1542|invalid=false|dynamic=false|disabled=false|comment=drop blocklisted
chain=input|action=drop|in-interface-list=!LAN|bytes=3012331|packets=51220|invalid=false|dynamic=false|disabled=false|comment=defconf: drop all not coming from LAN
chain=forward|action=accept|ipsec-policy=in,ipsec|bytes=0|packets=0|invalid=false|dynamic=false|disabled=false|comment=defconf: accept in ipsec policy
chain=forward|action=accept|ipsec-policy=out,ipsec|bytes=0|packets=0|invalid=false|dynamic=false|disabled=false|comment=defconf: accept out ipsec policy
chain=forward|action=fasttrack-connection|connection-state=established,related|hw-offload=true|bytes=48120338211|packets=40123390|invalid=false|dynamic=false|disabled=false|comment=defconf: fasttrack
chain=forward|action=accept|connection-state=established,related,untracked|bytes=48122201992|packets=40145521|invalid=false|dynamic=false|disabled=false|comment=defconf: accept established,related, untracked
chain=forward|action=drop|connection-state=invalid|bytes=220133|packets=3301|invalid=false|dynamic=false|disabled=false|comment=defconf: drop invalid
chain=forward|action=drop|connection-state=new|connection-nat-state=!dstnat|in-interface-list=WAN|bytes=120331|packets=2011|invalid=false|dynamic=false|disabled=false|comment=defconf: drop all from WAN not DSTNATed
chain=forward|action=drop|in-interface=vlan20|out-interface=vlan10|bytes=9912|packets=121|invalid=false|dynamic=false|disabled=false|comment=isolate guests from staff
chain=forward|action=reject|reject-with=icmp-network-unreachable|src-address=10.20.20.0/24|dst-address=192.168.88.0/24|bytes=0|packets=0|invalid=false|dynamic=false|disabled=true|comment=guests to LAN (test)
chain=input|action=passthrough|bytes=931220113|packets=1301992|invalid=false|dynamic=true|disabled=false|comment=special dummy rule to show fasttrack counters
@/ip/firewall/nat
chain=srcnat|action=masquerade|out-interface-list=WAN|ipsec-policy=out,none|bytes=3012883112|packets=4211320|invalid=false|dynamic=false|disabled=false|comment=defconf: masquerade
chain=dstnat|action=dst-nat|protocol=tcp|dst-port=443|in-interface-list=WAN|to-addresses=192.168.88.11|to-ports=443|bytes=1203312|packets=8812|invalid=false|dynamic=false|disabled=false|comment=NAS web
chain=dstnat|action=dst-nat|protocol=udp|dst-port=51820|in-interface-list=WAN|to-addresses=192.168.88.50|to-ports=51820|bytes=88120|packets=902|invalid=false|dynamic=false|disabled=true|comment=wireguard on pi
@/ip/firewall/mangle
chain=prerouting|action=mark-connection|new-connection-mark=guest-conn|passthrough=true|in-interface=vlan20|connection-state=new|bytes=1203311|packets=9912|invalid=false|dynamic=false|disabled=false|comment=mark guest connections
chain=forward|action=change-mss|new-mss=clamp-to-pmtu|passthrough=true|protocol=tcp|tcp-flags=syn|out-interface=ether1|bytes=403312|packets=6012|invalid=false|dynamic=false|disabled=false|comment=clamp MSS on WAN
@/ip/firewall/raw
chain=prerouting|action=drop|src-address-list=port-scanners|in-interface-list=WAN|bytes=30212|packets=512|invalid=false|dynamic=false|disabled=false|comment=drop scanners early
chain=prerouting|action=notrack|dst-address=192.168.88.11|protocol=udp|dst-port=2049|bytes=0|packets=0|invalid=false|dynamic=false|disabled=true|comment=NFS notrack (test)
"#;

/// Add the firewall menus.
pub fn seed(st: &mut State) {
    st.load(SEED);
    for menu in [
        "/ip/firewall/filter",
        "/ip/firewall/nat",
        "/ip/firewall/mangle",
        "/ip/firewall/raw",
    ] {
        if let Some(t) = st.table_mut(menu) {
            t.required = &["chain"];
            t.extra_fields = &[
                "action",
                "protocol",
                "src-address",
                "dst-address",
                "src-port",
                "dst-port",
                "in-interface",
                "out-interface",
                "in-interface-list",
                "out-interface-list",
                "src-address-list",
                "dst-address-list",
                "connection-state",
                "connection-nat-state",
                "to-addresses",
                "to-ports",
                "log",
                "log-prefix",
                "jump-target",
                "reject-with",
                "address-list",
                "address-list-timeout",
                "new-connection-mark",
                "new-routing-mark",
                "passthrough",
                "limit",
            ];
        }
    }
}
