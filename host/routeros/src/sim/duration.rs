//! RouterOS time values: parsing what a person or script writes (`5s`, `1m30s`, `200ms`,
//! `0.5`, `00:00:05`, `2d00:00:00`, `1w2d3h`) and printing them as RouterOS 7 does (`1m30s`,
//! `2d`, `500ms`, `0s`). Nothing here panics on odd input: a value that is not a time, or one
//! too large for a [`Duration`], is `None`.

use std::time::Duration;

/// Seconds in each unit word.
fn unit_seconds(unit: &str) -> Option<f64> {
    Some(match unit {
        "w" => 604_800.0,
        "d" => 86_400.0,
        "h" => 3_600.0,
        "m" => 60.0,
        "s" => 1.0,
        "ms" => 1e-3,
        "us" => 1e-6,
        _ => return None,
    })
}

/// Seconds of `1w2d3h4m5s200ms` (each part a number and a unit; a bare number is seconds).
fn unit_part(text: &str) -> Option<f64> {
    if let Ok(secs) = text.parse::<f64>() {
        return Some(secs);
    }
    let mut total = 0.0;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, tail) = rest.split_at(digits);
        let letters = tail
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(tail.len());
        let (unit, tail) = tail.split_at(letters);
        if num.is_empty() || unit.is_empty() {
            return None;
        }
        total += num.parse::<f64>().ok()? * unit_seconds(unit)?;
        rest = tail;
    }
    Some(total)
}

/// Seconds of `HH:MM:SS`, `MM:SS` (seconds may have a fraction).
fn clock_part(text: &str) -> Option<f64> {
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut total = 0.0;
    for p in parts {
        if !p.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return None;
        }
        total = total * 60.0 + p.parse::<f64>().ok()?;
    }
    Some(total)
}

/// Parse a RouterOS time value.
pub fn parse(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let secs = match text.find(':') {
        None => unit_part(text)?,
        Some(colon) => {
            // `2d00:00:05`: units first, then a clock; the clock starts after the last letter.
            let split = text[..colon]
                .rfind(|c: char| c.is_ascii_alphabetic())
                .map_or(0, |i| i + 1);
            let units = if split == 0 {
                0.0
            } else {
                unit_part(&text[..split])?
            };
            units + clock_part(&text[split..])?
        }
    };
    if !secs.is_finite() || secs < 0.0 {
        return None;
    }
    Duration::try_from_secs_f64(secs).ok()
}

/// Print a time value the RouterOS 7 way: `1w2d3h4m5s`, `1s500ms`, `0s` (zero parts left out).
pub fn format(d: Duration) -> String {
    let mut secs = d.as_secs();
    let millis = d.subsec_millis();
    if secs == 0 && millis == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    for (unit, size) in [
        ("w", 604_800),
        ("d", 86_400),
        ("h", 3_600),
        ("m", 60),
        ("s", 1),
    ] {
        if secs >= size {
            out.push_str(&format!("{}{unit}", secs / size));
            secs %= size;
        }
    }
    if millis > 0 {
        out.push_str(&format!("{millis}ms"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_forms() {
        let s = Duration::from_secs;
        assert_eq!(parse("5s"), Some(s(5)));
        assert_eq!(parse("1m30s"), Some(s(90)));
        assert_eq!(parse("00:00:05"), Some(s(5)));
        assert_eq!(parse("01:30"), Some(s(90)));
        assert_eq!(parse("2d00:00:00"), Some(s(172_800)));
        assert_eq!(parse("1w2d03:04:05"), Some(s(604_800 + 172_800 + 11_045)));
        assert_eq!(parse("200ms"), Some(Duration::from_millis(200)));
        assert_eq!(parse("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(parse("12"), Some(s(12)));
        assert_eq!(parse("0s"), Some(Duration::ZERO));
    }

    #[test]
    fn odd_input_is_none() {
        for bad in [
            "", "5x", "s", "1m30", "-1", "1e400", "1e300", ":", "1::2", "a:b", "1:2:3:4", "NaN",
            "inf", "1d:00",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn printed_forms() {
        let s = Duration::from_secs;
        assert_eq!(format(Duration::ZERO), "0s");
        assert_eq!(format(s(90)), "1m30s");
        assert_eq!(format(s(172_800)), "2d");
        assert_eq!(format(Duration::from_millis(1500)), "1s500ms");
        assert_eq!(format(s(694_861)), "1w1d1h1m1s");
    }
}
