//! The audit as people and the model read it: one line per record (or one JSON object per
//! line), a write recorded as being sent with no answer after it marked "outcome unknown"
//! (the server stopped in between). Used by `mcp-mikrotik audit` and
//! `mikrotik_get_change_history`.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::{Value, json};

use crate::changes::store::{Event, format_ms, now_ms};

/// `since` (`1h`, `30m`, `7d`) as a time in ms since the epoch.
pub fn since_ms(since: &str) -> Result<i64, String> {
    let ago: Duration = humantime::parse_duration(since.trim())
        .map_err(|_| format!("since takes a duration like 1h, 30m or 7d, not {since:?}"))?;
    Ok(now_ms() - ago.as_millis().min(i64::MAX as u128) as i64)
}

/// The write and step an event is about.
fn step_of(e: &Event) -> (Option<String>, Option<u64>) {
    let detail: Value = serde_json::from_str(&e.detail).unwrap_or_default();
    (e.plan_id.clone(), detail["step"].as_u64())
}

/// Events with `sending` records that no answer followed marked; as text or JSON lines.
pub fn render(events: &[Event], as_json: bool) -> String {
    let answered: HashSet<_> = events
        .iter()
        .filter(|e| e.kind == "sent" || e.kind == "refused")
        .map(step_of)
        .collect();
    let unknown = |e: &Event| e.kind == "sending" && !answered.contains(&step_of(e));
    let mut out = String::new();
    for e in events {
        if as_json {
            let detail: Value =
                serde_json::from_str(&e.detail).unwrap_or(Value::String(e.detail.clone()));
            let mut line = json!({
                "seq": e.seq, "at": format_ms(e.at_ms), "plan_id": e.plan_id,
                "router": e.router, "kind": e.kind, "detail": detail,
            });
            if unknown(e) {
                line["outcome"] = "unknown".into();
            }
            out.push_str(&line.to_string());
        } else {
            out.push_str(&format!(
                "{}  {:<18}  {:<14}  {:<12}  {}",
                format_ms(e.at_ms),
                e.plan_id.as_deref().unwrap_or("-"),
                e.router,
                e.kind,
                e.detail
            ));
            if unknown(e) {
                out.push_str("  (outcome unknown: no answer was recorded)");
            }
        }
        out.push('\n');
    }
    out
}
