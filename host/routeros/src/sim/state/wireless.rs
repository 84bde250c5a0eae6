//! Wireless: `/interface/wifi` (RouterOS 7 wifi package) or, in RouterOS 6 mode, the legacy
//! `/interface/wireless` menus; never both, like a real router.

use super::State;

const WIFI: &str = r#"
@/interface/wifi
name=wifi1|default-name=wifi1|mac-address=48:A9:8A:3C:71:1C|arp-timeout=auto|l2mtu=1560|radio-mac=48:A9:8A:3C:71:1C|configuration.mode=ap|configuration.ssid=HomeNet|configuration.country=Germany|channel.band=2ghz-ax|channel.width=20mhz|channel.frequency=2437|security.authentication-types=wpa2-psk,wpa3-psk|security.passphrase=Winter-is-coming-42|datapath.bridge=bridge|master=true|inactive=false|running=true|bound=true|disabled=false|comment=2.4 GHz
name=wifi2|default-name=wifi2|mac-address=48:A9:8A:3C:71:1D|arp-timeout=auto|l2mtu=1560|radio-mac=48:A9:8A:3C:71:1D|configuration.mode=ap|configuration.ssid=HomeNet|configuration.country=Germany|channel.band=5ghz-ax|channel.width=20/40/80mhz|channel.frequency=5500|security.authentication-types=wpa2-psk,wpa3-psk|security.passphrase=Winter-is-coming-42|datapath.bridge=bridge|master=true|inactive=false|running=true|bound=true|disabled=false|comment=5 GHz
@/interface/wifi/registration-table
interface=wifi2|ssid=HomeNet|mac-address=A4:83:E7:11:22:33|authorized=true|signal=-52|band=5ghz-ax|auth-type=wpa3-psk|tx-rate=1200.9Mbps-80MHz/2S/MCS11|rx-rate=864.8Mbps-80MHz/2S/MCS8|packets=1829341,983312|bytes=2403390112,112903311|tx-bits-per-second=1843000|rx-bits-per-second=92000|uptime=3h12m44s|last-activity=20ms
interface=wifi2|ssid=HomeNet|mac-address=F0:18:98:AA:BB:01|authorized=true|signal=-61|band=5ghz-ac|auth-type=wpa2-psk|tx-rate=585Mbps-80MHz/1S/MCS7|rx-rate=390Mbps-80MHz/1S/MCS4|packets=310992,201884|bytes=401223880,30091227|tx-bits-per-second=420000|rx-bits-per-second=31000|uptime=1d2h8m1s|last-activity=160ms
interface=wifi1|ssid=HomeNet|mac-address=24:0A:C4:5D:6E:7F|authorized=true|signal=-71|band=2ghz-n|auth-type=wpa2-psk|tx-rate=65Mbps-20MHz/1S/MCS6|rx-rate=52Mbps-20MHz/1S/MCS5|packets=88123,91002|bytes=9881230,11200334|tx-bits-per-second=2100|rx-bits-per-second=1800|uptime=6d4h2m10s|last-activity=1s120ms
interface=wifi1|ssid=HomeNet|mac-address=B8:27:EB:44:55:66|authorized=false|signal=-83|band=2ghz-n|auth-type=|tx-rate=6Mbps|rx-rate=1Mbps|packets=12,4|bytes=2210,880|tx-bits-per-second=0|rx-bits-per-second=0|uptime=2s|last-activity=1s
"#;

const WIRELESS: &str = r#"
@/interface/wireless
name=wlan1|default-name=wlan1|mtu=1500|l2mtu=1600|mac-address=48:A9:8A:3C:71:1C|arp=enabled|interface-type=Atheros AR9888|mode=ap-bridge|ssid=HomeNet|frequency=2437|band=2ghz-b/g/n|channel-width=20mhz|security-profile=default|wireless-protocol=802.11|running=true|disabled=false|comment=2.4 GHz
name=wlan2|default-name=wlan2|mtu=1500|l2mtu=1600|mac-address=48:A9:8A:3C:71:1D|arp=enabled|interface-type=QCA9984|mode=ap-bridge|ssid=HomeNet|frequency=5500|band=5ghz-a/n/ac|channel-width=20/40/80mhz-XXXX|security-profile=default|wireless-protocol=802.11|running=true|disabled=false|comment=5 GHz
@/interface/wireless/registration-table
interface=wlan1|mac-address=24:0A:C4:5D:6E:7F|ap=false|wds=false|bridge=false|rx-rate=72.2Mbps-20MHz/1S/SGI|tx-rate=72.2Mbps-20MHz/1S/SGI|packets=59542,17464|bytes=17536671,2966351|frames=59542,17472|frame-bytes=17655785,2862445|hw-frames=78935,38395|hw-frame-bytes=25636019,4063445|tx-frames-timed-out=0|uptime=5h49m36s|last-activity=170ms|signal-strength=-62@1Mbps|signal-to-noise=52|signal-strength-ch0=-63|signal-strength-ch1=-69|tx-ccq=93|p-throughput=54928|last-ip=192.168.88.31|802.1x-port-enabled=true|authentication-type=wpa2-psk|encryption=aes-ccm|group-encryption=aes-ccm|management-protection=false|wmm-enabled=true|tx-rate-set=OFDM:6-54 BW:1x SGI:1x HT:0-7
interface=wlan2|mac-address=A4:83:E7:11:22:33|ap=false|wds=false|bridge=false|rx-rate=866.6Mbps-80MHz/2S/SGI|tx-rate=780Mbps-80MHz/2S|packets=1829341,983312|bytes=2403390112,112903311|frames=1829341,983312|frame-bytes=2403390112,112903311|hw-frames=1901211,990012|hw-frame-bytes=2500113311,120112990|tx-frames-timed-out=0|uptime=3h12m44s|last-activity=20ms|signal-strength=-52@6Mbps|signal-to-noise=61|signal-strength-ch0=-53|signal-strength-ch1=-55|tx-ccq=88|p-throughput=512330|last-ip=192.168.88.23|802.1x-port-enabled=true|authentication-type=wpa2-psk|encryption=aes-ccm|group-encryption=aes-ccm|management-protection=false|wmm-enabled=true|tx-rate-set=CCK:1-11 OFDM:6-54 BW:1x-2x SGI:1x-2x HT:0-15 VHT:0-9
@/interface/wireless/security-profiles
name=default|mode=dynamic-keys|authentication-types=wpa2-psk|unicast-ciphers=aes-ccm|group-ciphers=aes-ccm|wpa2-pre-shared-key=Winter-is-coming-42|management-protection=disabled|default=true
"#;

/// Add the wireless menus for the mode.
pub fn seed(st: &mut State) {
    if st.ros6 {
        st.load(WIRELESS);
    } else {
        st.load(WIFI);
    }
}
