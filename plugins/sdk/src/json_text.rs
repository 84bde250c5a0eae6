//! Writing JSON text straight into a `String`, without building a [`serde_json::Value`]:
//! strings escaped exactly as `serde_json` escapes them, field values typed as
//! [`crate::fields::value_json`] types them, row objects with their keys sorted like a
//! `serde_json::Map`. The listing hot path uses it so a call allocates little more than its
//! output.

use crate::cells::Cells;
use crate::fields::Kind;
use crate::values::{parse_bool, parse_int};

/// Append `text` as a quoted JSON string.
pub fn push_str(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    let mut clean_from = 0;
    for (i, &byte) in text.as_bytes().iter().enumerate() {
        if byte >= 0x20 && byte != b'"' && byte != b'\\' {
            continue;
        }
        out.push_str(&text[clean_from..i]);
        clean_from = i + 1;
        out.push_str(match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xF)]));
                continue;
            }
        });
    }
    out.push_str(&text[clean_from..]);
    out.push('"');
}

/// Append `n` in decimal.
pub fn push_int(out: &mut String, n: i64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        out.push('-');
    }
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
}

/// Append the JSON for one value of `kind`: a boolean or integer when the text reads as one
/// (as [`crate::fields::value_json`] decides), else the string.
pub fn push_value(out: &mut String, kind: Kind, text: &str) {
    match kind {
        Kind::Flag => match parse_bool(text) {
            Some(true) => out.push_str("true"),
            Some(false) => out.push_str("false"),
            None => push_str(out, text),
        },
        Kind::Number => match parse_int(text) {
            Some(n) => push_int(out, n),
            None => push_str(out, text),
        },
        Kind::Text => push_str(out, text),
    }
}

/// Append the rows of `cells` as a JSON array of the objects [`crate::fields::row_json`]
/// makes: absent properties left out, keys sorted like a `serde_json::Map`, duplicates once.
pub fn push_rows(out: &mut String, cells: &Cells<'_>) {
    let fields = cells.fields();
    let mut order: Vec<usize> = (0..fields.len()).collect();
    order.sort_by_key(|&i| fields[i].name);
    order.dedup_by_key(|i| fields[*i].name);
    // Each key as `"name":`, escaped once for all rows: `keys[key_ends[k - 1]..key_ends[k]]`.
    let mut keys = String::new();
    let mut key_ends = Vec::with_capacity(order.len());
    for &i in &order {
        push_str(&mut keys, fields[i].name);
        keys.push(':');
        key_ends.push(keys.len());
    }
    out.push('[');
    for row in 0..cells.rows() {
        if row > 0 {
            out.push(',');
        }
        out.push('{');
        let values = cells.row(row);
        let mut first = true;
        let mut key_start = 0;
        for (&i, &key_end) in order.iter().zip(&key_ends) {
            if let Some(text) = values[i] {
                if !first {
                    out.push(',');
                }
                first = false;
                out.push_str(&keys[key_start..key_end]);
                push_value(out, fields[i].kind, text);
            }
            key_start = key_end;
        }
        out.push('}');
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{flag, number, row_json, text, value_json};

    fn string(text: &str) -> String {
        let mut out = String::new();
        push_str(&mut out, text);
        out
    }

    #[test]
    fn strings_escape_exactly_like_serde_json() {
        let every_ascii: String = (0u8..=0x7F).map(char::from).collect();
        for text in [
            every_ascii.as_str(),
            "",
            "plain",
            "caf\u{e9} \u{2028} \u{1F600} \"q\" \\ end\n",
        ] {
            assert_eq!(string(text), serde_json::to_string(text).unwrap());
        }
    }

    #[test]
    fn integers_and_values_match_value_json() {
        for n in [0, 7, -1, 1500, i64::MAX, i64::MIN] {
            let mut out = String::new();
            push_int(&mut out, n);
            assert_eq!(out, n.to_string());
        }
        for (kind, text) in [
            (Kind::Flag, "true"),
            (Kind::Flag, "no"),
            (Kind::Flag, "maybe"),
            (Kind::Number, " 1500"),
            (Kind::Number, "-3"),
            (Kind::Number, "auto"),
            (Kind::Number, "99999999999999999999"),
            (Kind::Text, "1500"),
        ] {
            let mut out = String::new();
            push_value(&mut out, kind, text);
            assert_eq!(out, value_json(kind, text).to_string(), "{kind:?} {text}");
        }
    }

    #[test]
    fn rows_match_row_json_with_sorted_keys() {
        use crate::router::Row;
        let fields = [
            text("name"),
            number("mtu"),
            flag("running"),
            text("comment"),
            text("name"),
        ];
        let rows = [
            Row::from_pairs([
                ("running", "yes"),
                ("name", "ether1\t\"x\""),
                ("mtu", "1500"),
                ("other", "left out"),
            ]),
            Row::default(),
            Row::from_pairs([("comment", "c"), ("name", "e2")]),
        ];
        let mut out = String::new();
        push_rows(&mut out, &Cells::new(&fields, &rows));
        let expected: Vec<_> = rows.iter().map(|r| row_json(r, &fields)).collect();
        assert_eq!(out, serde_json::to_string(&expected).unwrap());
        out.clear();
        push_rows(&mut out, &Cells::new(&fields, &[]));
        assert_eq!(out, "[]");
    }
}
