//! Comparing a tool's listing (`{rows, shown, total}`) with the rows the library client reads
//! from the simulator.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::McpClient;

/// Rows as the simulator returns them: property name → value.
pub type Rows = Vec<BTreeMap<String, String>>;

/// One property of every row of a structured listing, as text.
pub fn column(listing: &Value, key: &str) -> Vec<String> {
    listing["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("no rows in {listing}"))
        .iter()
        .map(|r| match &r[key] {
            Value::String(s) => s.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        })
        .collect()
}

/// One property of every simulator row (empty when absent).
pub fn truth_column(rows: &Rows, key: &str) -> Vec<String> {
    rows.iter()
        .map(|r| r.get(key).cloned().unwrap_or_default())
        .collect()
}

/// Call `tool` and check its listing against `expected` rows compared on `key`; the text's
/// first line must be `first_line`.
pub fn check_listing(
    server: &McpClient,
    tool: &str,
    args: Value,
    expected: &Rows,
    key: &str,
    first_line: &str,
) -> Value {
    let result = server.call_ok(tool, args.clone());
    let s = result.structured.expect("structured content");
    assert_eq!(s["total"], expected.len(), "{tool} {args}: {s}");
    assert_eq!(
        column(&s, key),
        truth_column(expected, key),
        "{tool} {args}"
    );
    assert_eq!(
        result.text.lines().next().unwrap_or(""),
        first_line,
        "{tool} {args}"
    );
    s
}
