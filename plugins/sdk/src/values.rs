//! Parsing RouterOS value text: booleans, numbers, durations.

use std::time::Duration;

/// `true`/`yes` → `Some(true)`, `false`/`no` → `Some(false)`, anything else → `None`.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        _ => None,
    }
}

/// A decimal integer such as `1500` or `-3`.
pub fn parse_int(text: &str) -> Option<i64> {
    text.trim().parse().ok()
}

/// A RouterOS duration: `1w2d3h4m5s`, `9ms445us`, `250ms`, `00:05:00`, `2d00:05:00`.
/// Returns `None` for anything else (never panics, saturates instead of overflowing).
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.contains(':') {
        return parse_clock_duration(text);
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let amount: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "w" => Duration::from_secs(7 * 86_400),
            "d" => Duration::from_secs(86_400),
            "h" => Duration::from_secs(3_600),
            "m" => Duration::from_secs(60),
            "s" => Duration::from_secs(1),
            "ms" => Duration::from_millis(1),
            "us" => Duration::from_micros(1),
            "ns" => Duration::from_nanos(1),
            _ => return None,
        };
        rest = &rest[unit_len..];
        total = total.saturating_add(unit.saturating_mul(u32::try_from(amount).ok()?));
    }
    Some(total)
}

/// `hh:mm:ss`, optionally preceded by `Nd` / `Nw` parts (`2d00:05:00`).
fn parse_clock_duration(text: &str) -> Option<Duration> {
    let split = text
        .rfind(|c: char| c.is_ascii_alphabetic())
        .map_or(0, |i| i + 1);
    let days = if split > 0 {
        parse_duration(&text[..split])?
    } else {
        Duration::ZERO
    };
    let mut secs: u64 = 0;
    let parts: Vec<&str> = text[split..].split(':').collect();
    if parts.len() != 3 {
        return None;
    }
    for part in parts {
        let value: u64 = part.parse().ok()?;
        secs = secs.checked_mul(60)?.checked_add(value)?;
    }
    Some(days.saturating_add(Duration::from_secs(secs)))
}

/// Bytes for people: `512 B`, `3.7 GiB`.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        assert_eq!(parse_bool("true"), Some(true));
        assert_eq!(parse_bool("no"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(4_227_858_432), "3.9 GiB");
        assert_eq!(format_bytes(106_233_856), "101.3 MiB");
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("1w2d3h4m5s"),
            Some(Duration::from_secs(9 * 86_400 + 3 * 3600 + 245))
        );
        assert_eq!(
            parse_duration("9ms445us"),
            Some(Duration::from_micros(9_445))
        );
        assert_eq!(parse_duration("00:05:00"), Some(Duration::from_secs(300)));
        assert_eq!(
            parse_duration("2d00:00:10"),
            Some(Duration::from_secs(2 * 86_400 + 10))
        );
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("h"), None);
        assert_eq!(parse_duration("99999999999999999999s"), None);
    }
}
