//! `/ip/neighbor`: devices found by MNDP, LLDP and CDP on the LAN ports.

use super::State;

const SEED: &str = r#"
@/ip/neighbor
interface=ether2,bridge|address=192.168.88.2|address4=192.168.88.2|mac-address=48:8F:5A:01:9C:3E|identity=office-crs326|platform=MikroTik|version=7.20.6 (stable)|unpack=none|age=23s|uptime=9w2d4h11m3s|software-id=XKZT-PL4Q|board=CRS326-24G-2S+|interface-name=sfp-sfpplus1|system-description=MikroTik RouterOS 7.20.6 (stable) CRS326-24G-2S+|system-caps=bridge,router|system-caps-enabled=bridge,router|discovered-by=lldp,mndp
interface=ether8,bridge|address=192.168.88.3|address4=192.168.88.3|mac-address=48:8F:5A:77:10:02|identity=ap-kitchen|platform=MikroTik|version=7.19.4 (stable)|unpack=none|age=41s|uptime=3w1d7h2m44s|software-id=4RTY-X11C|board=cAP ax|interface-name=ether1|system-description=MikroTik RouterOS 7.19.4 (stable) cAP ax|system-caps=bridge,wlan-ap,router|system-caps-enabled=bridge,wlan-ap|discovered-by=mndp
interface=ether4,bridge|address=192.168.88.11|address4=192.168.88.11|mac-address=00:11:32:6E:44:A0|identity=nas|platform=|version=|age=12s|interface-name=eth0|system-description=Synology DSM 7.2|system-caps=station-only|system-caps-enabled=station-only|discovered-by=lldp
interface=ether2,bridge|address=192.168.88.5|address4=192.168.88.5|mac-address=00:1E:BD:4A:2C:81|identity=SEP001EBD4A2C81|platform=Cisco IP Phone 7841|version=sip78xx.14-1-1-0001-125|age=52s|interface-name=Port 1|system-caps=bridge,phone|system-caps-enabled=bridge,phone|discovered-by=cdp
"#;

/// Add the neighbour table.
pub fn seed(st: &mut State) {
    st.load(SEED);
}
