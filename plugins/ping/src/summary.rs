//! Turning `/ping` reply rows into a probe table and a loss/RTT summary.
//!
//! Every probe row carries the router's running totals (`sent`, `received`, `packet-loss`,
//! `min-rtt`, `avg-rtt`, `max-rtt`); the last row's totals are the summary. When they are
//! missing the summary is computed from the probes themselves. A reply with no probe is an
//! error (there is no loss to report), and one cut short says how many probes it holds.

use std::time::Duration;

use mikrotik_plugin_sdk::fields::{number, row_json, text};
use mikrotik_plugin_sdk::values::{parse_duration, parse_int};
use mikrotik_plugin_sdk::{Cut, Field, Incomplete, Output, Reply, Row, Value, json, table};

/// The columns of a probe.
const PROBE: [Field; 6] = [
    number("seq"),
    text("host"),
    number("size"),
    number("ttl"),
    text("time"),
    text("status"),
];

/// Loss and round-trip times over the probes done.
#[derive(Clone, Debug, PartialEq)]
pub struct Stats {
    pub sent: u64,
    pub received: u64,
    /// `None` when nothing was sent.
    pub loss_percent: Option<f64>,
    pub rtt_ms: Option<[f64; 3]>,
}

fn millis(text: &str) -> Option<f64> {
    parse_duration(text).map(|d: Duration| d.as_secs_f64() * 1000.0)
}

fn count(row: &Row, name: &str) -> Option<u64> {
    row.get(name)
        .and_then(parse_int)
        .and_then(|n| u64::try_from(n).ok())
}

/// The router's running totals from the last row, when it has them.
fn router_stats(last: &Row) -> Option<Stats> {
    let sent = count(last, "sent")?;
    let received = count(last, "received")?;
    let loss_percent = match count(last, "packet-loss") {
        Some(loss) => Some(loss as f64),
        None => loss(sent, received),
    };
    let rtt = ["min-rtt", "avg-rtt", "max-rtt"].map(|name| last.get(name).and_then(millis));
    let rtt_ms = match rtt {
        [Some(min), Some(avg), Some(max)] if received > 0 => Some([min, avg, max]),
        _ => None,
    };
    Some(Stats {
        sent,
        received,
        loss_percent,
        rtt_ms,
    })
}

fn loss(sent: u64, received: u64) -> Option<f64> {
    (sent > 0).then(|| (sent.saturating_sub(received) as f64 * 1000.0 / sent as f64).round() / 10.0)
}

/// Whether the probe was answered: it has a time and no status such as `timeout`.
fn answered(row: &Row) -> bool {
    row.get("status").is_none_or(str::is_empty) && row.get("time").is_some()
}

/// Totals computed from the probes (rows without a `seq` are not probes).
fn computed_stats(rows: &[Row]) -> Stats {
    let probes: Vec<&Row> = rows.iter().filter(|r| r.get("seq").is_some()).collect();
    let times: Vec<f64> = probes
        .iter()
        .filter(|r| answered(r))
        .filter_map(|r| millis(r.text("time")))
        .collect();
    let sent = probes.len() as u64;
    let received = probes.iter().filter(|r| answered(r)).count() as u64;
    let rtt_ms = (!times.is_empty()).then(|| {
        let min = times.iter().copied().fold(f64::INFINITY, f64::min);
        let max = times.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        [min, times.iter().sum::<f64>() / times.len() as f64, max]
    });
    Stats {
        sent,
        received,
        loss_percent: loss(sent, received),
        rtt_ms,
    }
}

/// The summary of a reply: the router's totals when present, else computed.
pub fn stats(rows: &[Row]) -> Stats {
    rows.last()
        .and_then(router_stats)
        .unwrap_or_else(|| computed_stats(rows))
}

/// Milliseconds for people: up to three decimals, no trailing zeros.
fn ms(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// `ping 8.8.8.8: 4 sent, 3 received, 25% loss, rtt min/avg/max 9.17/9.27/9.45 ms`, a note
/// when the reply was cut short, then the probe table. `Err` when the reply holds no probe.
pub fn render(address: &str, wanted: u32, reply: &Reply) -> Result<Output, String> {
    let stats = stats(&reply.rows);
    let Some(loss_percent) = stats.loss_percent.filter(|_| stats.sent > 0) else {
        return Err(format!(
            "ping {address}: the router sent no probe result, so there is no loss or round \
             trip to report"
        ));
    };
    let incomplete = Incomplete::of(reply);
    let mut text = format!(
        "ping {address}: {} sent, {} received, {}% loss",
        stats.sent,
        stats.received,
        ms(loss_percent)
    );
    if let Some([min, avg, max]) = stats.rtt_ms {
        text.push_str(&format!(
            ", rtt min/avg/max {}/{}/{} ms",
            ms(min),
            ms(avg),
            ms(max)
        ));
    }
    if let Some(incomplete) = incomplete {
        let (why, cut) = match incomplete.cut {
            Cut::Deadline => ("the router stopped answering", "deadline"),
            Cut::RowCap => ("the reply was cut", "row cap"),
        };
        text.push_str(&format!(
            "; incomplete: {why} after {} of {wanted} probes ({cut})",
            stats.sent
        ));
    }
    if !reply.rows.is_empty() {
        text.push('\n');
        table::write_rows(&mut text, &PROBE, &reply.rows);
    }
    let probes: Vec<Value> = reply.rows.iter().map(|r| row_json(r, &PROBE)).collect();
    let mut structured = json!({
        "probes": probes,
        "sent": stats.sent,
        "received": stats.received,
        "loss_percent": loss_percent,
        "complete": incomplete.is_none(),
        "cut_by_deadline": incomplete.is_some_and(|i| i.cut == Cut::Deadline),
    });
    if let Some([min, avg, max]) = stats.rtt_ms {
        structured["min_rtt_ms"] = json!(min);
        structured["avg_rtt_ms"] = json!(avg);
        structured["max_rtt_ms"] = json!(max);
    }
    Ok(Output::with_json(text, structured))
}
