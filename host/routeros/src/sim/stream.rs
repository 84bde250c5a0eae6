//! Commands that stream rows until they finish or are cancelled: `/ping` (also `/tool/ping`)
//! with one `!re` per probe, and `/interface/monitor-traffic` with one `!re` per interface per
//! second (`=once=` for a single round).

use super::dispatch::{CATEGORY_ARGUMENT, Ctx};
use super::query::Proplist;
use super::reply::{Closed, ReplySink};
use super::rng::Rng;
use super::row::FlatRow;
use super::state::traffic_rates;
use crate::sentence::Command;
use std::net::IpAddr;
use std::time::Duration;

const PING_ARGS: &[&str] = &[
    "address",
    "count",
    "size",
    "interval",
    "src-address",
    "interface",
    "routing-table",
    "ttl",
    "do-not-fragment",
    "arp-ping",
    "vrf",
    "dscp",
    ".proplist",
];

/// RTT the RouterOS way: `9ms445us`, `345us`.
pub fn format_rtt(us: u64) -> String {
    match (us / 1000, us % 1000) {
        (0, u) => format!("{u}us"),
        (m, 0) => format!("{m}ms"),
        (m, u) => format!("{m}ms{u}us"),
    }
}

/// Round-trip range (µs) and TTL for a target, or `None` when it never answers.
fn reachability(ctx: &Ctx, ip: IpAddr) -> Option<(u64, u64, u64)> {
    let text = ip.to_string();
    let st = ctx.state.lock();
    let own = st
        .tables
        .get("/ip/address")
        .into_iter()
        .chain(st.tables.get("/ipv6/address"))
        .flat_map(|t| t.items.iter())
        .any(|r| {
            r.get_str("address")
                .is_some_and(|a| a.split('/').next() == Some(text.as_str()))
        });
    if ip.is_loopback() || own {
        return Some((20, 90, 64));
    }
    let lan = ["/ip/arp", "/ip/dhcp-server/lease", "/ipv6/neighbor"]
        .iter()
        .filter_map(|m| st.tables.get(*m))
        .flat_map(|t| t.items.iter())
        .any(|r| {
            r.get_str("address").as_deref() == Some(text.as_str())
                && r.get(b"complete") != Some(b"false")
                && r.get(b"status") != Some(b"waiting")
        });
    if lan {
        return Some((300, 3_000, 64));
    }
    drop(st);
    let public = match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || (o[0] == 192 && o[1] == 0 && o[2] == 2)
                || (o[0] == 198 && o[1] == 51 && o[2] == 100)
                || (o[0] == 203 && o[1] == 0 && o[2] == 113 && o[3] != 1)
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            (v6.segments()[0] & 0xE000) == 0x2000 && v6.segments()[0..2] != [0x2001, 0x0db8]
        }
    };
    public.then_some((8_000, 24_000, 117))
}

fn resolve(ctx: &Ctx, name: &str) -> Option<IpAddr> {
    if let Ok(ip) = name.parse() {
        return Some(ip);
    }
    let st = ctx.state.lock();
    st.tables
        .get("/ip/dns/static")?
        .items
        .iter()
        .find(|r| r.get_str("name").as_deref() == Some(name))
        .and_then(|r| r.get_str("address")?.parse().ok())
}

/// `/ping`.
pub async fn ping(ctx: &Ctx, cmd: &Command, sink: &mut ReplySink) -> Result<(), Closed> {
    if let Some(a) = cmd
        .args
        .iter()
        .find(|a| !PING_ARGS.contains(&a.name().as_ref()))
    {
        return sink
            .trap(
                Some(CATEGORY_ARGUMENT),
                &format!("unknown parameter {}", a.name()),
            )
            .await;
    }
    let arg = |n: &str| cmd.arg(n).map(|v| String::from_utf8_lossy(v).into_owned());
    let Some(address) = arg("address") else {
        return sink
            .trap(
                Some(CATEGORY_ARGUMENT),
                "missing value(s) of argument(s) address",
            )
            .await;
    };
    let Some(ip) = resolve(ctx, &address) else {
        return sink
            .trap(
                Some(CATEGORY_ARGUMENT),
                "invalid value for argument address",
            )
            .await;
    };
    let count: Option<u64> = match arg("count").map(|c| c.parse::<u64>()) {
        None | Some(Ok(0)) => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            return sink
                .trap(Some(CATEGORY_ARGUMENT), "invalid value for argument count")
                .await;
        }
    };
    let interval = match arg("interval").map(|i| super::duration::parse(&i)) {
        None => Duration::from_secs(1),
        Some(Some(d)) => d.max(Duration::from_millis(10)),
        Some(None) => {
            return sink
                .trap(
                    Some(CATEGORY_ARGUMENT),
                    "invalid value for argument interval",
                )
                .await;
        }
    };
    let size = arg("size")
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(56);
    let proplist = Proplist::parse(cmd.arg(".proplist").map(|b| &b[..]));
    let target = reachability(ctx, ip);
    let mut rng = Rng::from_clock();
    let (mut sent, mut received, mut min, mut max, mut sum) = (0u64, 0u64, u64::MAX, 0u64, 0u64);
    let mut row = FlatRow::new();
    let host = ip.to_string();
    loop {
        if target.is_none() || sent > 0 {
            tokio::time::sleep(interval).await;
        }
        row.clear();
        row.push_fmt(b"seq", format_args!("{sent}"));
        row.push(b"host", host.as_bytes());
        sent += 1;
        if let Some((lo, hi, ttl)) = target {
            let rtt = rng.range(lo, hi);
            received += 1;
            min = min.min(rtt);
            max = max.max(rtt);
            sum += rtt;
            row.push_fmt(b"size", format_args!("{size}"));
            row.push_fmt(b"ttl", format_args!("{ttl}"));
            row.push(b"time", format_rtt(rtt).as_bytes());
        } else {
            row.push(b"status", b"timeout");
        }
        row.push_fmt(b"sent", format_args!("{sent}"));
        row.push_fmt(b"received", format_args!("{received}"));
        row.push_fmt(
            b"packet-loss",
            format_args!("{}", 100 - received * 100 / sent),
        );
        if let Some(avg) = sum.checked_div(received) {
            row.push(b"min-rtt", format_rtt(min).as_bytes());
            row.push(b"avg-rtt", format_rtt(avg).as_bytes());
            row.push(b"max-rtt", format_rtt(max).as_bytes());
        }
        sink.row(&row, &proplist).await?;
        sink.flush().await?;
        if count.is_some_and(|c| sent >= c) {
            return sink.done(None).await;
        }
    }
}

/// `/interface/monitor-traffic`.
pub async fn monitor_traffic(ctx: &Ctx, cmd: &Command, sink: &mut ReplySink) -> Result<(), Closed> {
    const ARGS: &[&str] = &[
        "interface",
        "once",
        "duration",
        "freeze-frame-interval",
        ".proplist",
    ];
    if let Some(a) = cmd.args.iter().find(|a| !ARGS.contains(&a.name().as_ref())) {
        return sink
            .trap(
                Some(CATEGORY_ARGUMENT),
                &format!("unknown parameter {}", a.name()),
            )
            .await;
    }
    let Some(list) = cmd.arg("interface") else {
        return sink
            .trap(
                Some(CATEGORY_ARGUMENT),
                "missing value(s) of argument(s) interface",
            )
            .await;
    };
    let names: Vec<Vec<u8>> = list
        .split(|&b| b == b',')
        .filter(|n| !n.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    let known = {
        let st = ctx.state.lock();
        !names.is_empty() && names.iter().all(|n| st.interface_exists(n))
    };
    if !known {
        return sink
            .trap(
                Some(CATEGORY_ARGUMENT),
                "input does not match any value of interface",
            )
            .await;
    }
    let once = cmd.arg("once").is_some();
    let proplist = Proplist::parse(cmd.arg(".proplist").map(|b| &b[..]));
    let mut rng = Rng::from_clock();
    let mut row = FlatRow::new();
    loop {
        for name in &names {
            let (rx, tx) = traffic_rates(name);
            let jitter = |rng: &mut Rng, v: u64| {
                if v == 0 {
                    0
                } else {
                    v * rng.range(80, 120) / 100
                }
            };
            let (rxb, txb) = (jitter(&mut rng, rx) * 8, jitter(&mut rng, tx) * 8);
            let (rxp, txp) = (rxb / 8 / 800, txb / 8 / 760);
            row.clear();
            row.push(b"name", name);
            for (field, v) in [
                ("rx-packets-per-second", rxp),
                ("rx-bits-per-second", rxb),
                ("fp-rx-packets-per-second", rxp * 9 / 10),
                ("fp-rx-bits-per-second", rxb * 9 / 10),
                ("rx-drops-per-second", 0),
                ("rx-errors-per-second", 0),
                ("tx-packets-per-second", txp),
                ("tx-bits-per-second", txb),
                ("fp-tx-packets-per-second", txp * 9 / 10),
                ("fp-tx-bits-per-second", txb * 9 / 10),
                ("tx-drops-per-second", 0),
                ("tx-queue-drops-per-second", 0),
                ("tx-errors-per-second", 0),
            ] {
                row.push_fmt(field.as_bytes(), format_args!("{v}"));
            }
            sink.row(&row, &proplist).await?;
        }
        if once {
            return sink.done(None).await;
        }
        sink.flush().await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rtts() {
        assert_eq!(format_rtt(9445), "9ms445us");
        assert_eq!(format_rtt(345), "345us");
        assert_eq!(format_rtt(2000), "2ms");
    }
}
