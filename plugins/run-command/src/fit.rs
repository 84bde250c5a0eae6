//! Keeping `mikrotik_run_command`'s output under the host's output cap: the host refuses a
//! call whose text plus structured JSON exceed it, so the plugin keeps only the leading rows
//! that fit (each row costs its text line and its JSON object) and says how many it left out.

use mikrotik_plugin_sdk::fields::row_json_all;
use mikrotik_plugin_sdk::table::pairs_line;
use mikrotik_plugin_sdk::{Row, serde_json};

/// The host's cap on one call's output, text plus structured JSON, in bytes:
/// `RuntimeConfig::max_output` (default `1 << 20`) in `host/src/plugins/config.rs`, checked in
/// `host/src/plugins/runtime.rs`. The contract does not tell plugins, so it is restated here.
pub const HOST_OUTPUT_CAP: usize = 1 << 20;
/// `1 MiB`, for messages.
pub const HOST_OUTPUT_CAP_TEXT: &str = "1 MiB";
/// Room kept for everything but the rows: the summary line, the JSON keys, the command.
const MARGIN: usize = 64 * 1024;

/// Rows rendered both ways: one text line and one JSON object (as JSON text) per row.
#[derive(Debug, Default)]
pub struct Rendered {
    pub lines: Vec<String>,
    pub json: Vec<String>,
}

impl Rendered {
    /// Rows kept.
    pub fn len(&self) -> usize {
        self.lines.len()
    }
}

/// The leading `rows` whose lines and JSON objects fit under the cap, after `reserved` bytes
/// the caller needs for other things (e.g. `!done`'s attributes, shown twice).
pub fn leading_rows(rows: &[Row], reserved: usize) -> Rendered {
    let budget = HOST_OUTPUT_CAP.saturating_sub(MARGIN + reserved);
    let mut rendered = Rendered::default();
    let mut used = 0usize;
    for row in rows {
        let line = pairs_line(row);
        // Cannot fail: a map of strings.
        let json = serde_json::to_string(&row_json_all(row)).unwrap_or_default();
        // A newline before the line, a comma before the object.
        let cost = line.len() + json.len() + 2;
        if used + cost > budget {
            break;
        }
        used += cost;
        rendered.lines.push(line);
        rendered.json.push(json);
    }
    rendered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_kept_while_they_fit() {
        let row = Row::from_pairs([("comment", "x".repeat(100_000))]);
        let rows = vec![row; 20];
        let kept = leading_rows(&rows, 0);
        // Each row costs ~200 KB (text and JSON): four fit under 1 MiB less the margin.
        assert_eq!(kept.len(), 4);
        assert_eq!(kept.json.len(), 4);
        assert_eq!(leading_rows(&rows, 200_000).len(), 3);
        assert_eq!(leading_rows(&rows[..2], 0).len(), 2);
    }

    #[test]
    fn a_row_bigger_than_the_cap_is_not_kept() {
        let huge = Row::from_pairs([("source", "y".repeat(HOST_OUTPUT_CAP))]);
        assert_eq!(leading_rows(&[huge], 0).len(), 0);
    }
}
