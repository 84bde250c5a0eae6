//! Compact aligned text tables: a header line, then one line per row, columns padded with
//! spaces, empty cells shown as `-`.

use std::borrow::Cow;

use crate::fields::Field;
use crate::router::Row;

/// A text table being built.
#[derive(Clone, Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new<S: AsRef<str>>(headers: &[S]) -> Self {
        Table {
            headers: headers.iter().map(|h| h.as_ref().to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// A table of `fields` (headers are the property names) filled from `rows`.
    pub fn from_rows(fields: &[Field], rows: &[Row]) -> Self {
        let headers: Vec<&str> = fields.iter().map(|f| f.name).collect();
        let mut table = Table::new(&headers);
        for row in rows {
            table.push(
                fields
                    .iter()
                    .map(|f| row.text(f.name).to_string())
                    .collect(),
            );
        }
        table
    }

    /// Add a row; missing cells are empty, extra cells are dropped.
    pub fn push(&mut self, mut cells: Vec<String>) {
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as text, without a trailing newline.
    pub fn render(&self) -> String {
        let lines: Vec<Vec<(Cow<'_, str>, usize)>> = std::iter::once(&self.headers)
            .chain(&self.rows)
            .map(|cells| {
                cells
                    .iter()
                    .map(|c| {
                        let cell = clean_cell(c);
                        let width = cell.chars().count();
                        (cell, width)
                    })
                    .collect()
            })
            .collect();
        let mut widths = vec![0; self.headers.len()];
        let mut size = 0;
        for line in &lines {
            for (width, (cell, w)) in widths.iter_mut().zip(line) {
                *width = (*width).max(*w);
                size += cell.len() + 2;
            }
        }
        let mut out = String::with_capacity(size + lines.len() * widths.iter().sum::<usize>());
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let start = out.len();
            for (col, (cell, w)) in line.iter().enumerate() {
                if col > 0 {
                    out.push_str("  ");
                }
                out.push_str(cell);
                out.extend(std::iter::repeat_n(' ', widths[col] - w));
            }
            let kept = out[start..].trim_end().len();
            out.truncate(start + kept);
        }
        out
    }
}

/// A row as one line of `name=value` pairs in the router's order; values with spaces, quotes
/// or nothing in them are quoted (`comment="to ISP"`, `comment=""`).
pub fn pairs_line(row: &Row) -> String {
    let pairs: Vec<String> = row
        .attributes()
        .iter()
        .map(|a| {
            let value: String = a
                .value
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            if value.is_empty() || value.contains([' ', '"']) {
                format!("{}=\"{}\"", a.name, value.replace('"', "\\\""))
            } else {
                format!("{}={value}", a.name)
            }
        })
        .collect();
    pairs.join(" ")
}

/// One line, no control characters, `-` when empty (borrowed when already clean).
fn clean_cell(cell: &str) -> Cow<'_, str> {
    let trimmed = cell.trim();
    if trimmed.is_empty() {
        return Cow::Borrowed("-");
    }
    if !trimmed.chars().any(char::is_control) {
        return Cow::Borrowed(trimmed);
    }
    let cleaned: String = trimmed
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match cleaned.trim() {
        "" => Cow::Borrowed("-"),
        t => Cow::Owned(t.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{flag, text};

    #[test]
    fn aligns_and_dashes() {
        let mut table = Table::new(&["name", "type", "comment"]);
        table.push(vec![
            "ether1".into(),
            "ether".into(),
            "uplink\nto ISP".into(),
        ]);
        table.push(vec!["bridge".into(), "".into()]);
        assert_eq!(
            table.render(),
            "name    type   comment\nether1  ether  uplink to ISP\nbridge  -      -"
        );
        assert_eq!(table.len(), 2);
    }

    #[test]
    fn pairs_line_quotes_when_needed() {
        let row = Row::from_pairs([(".id", "*1"), ("comment", "to \"ISP\" now"), ("note", "")]);
        assert_eq!(
            pairs_line(&row),
            r#".id=*1 comment="to \"ISP\" now" note="""#
        );
    }

    #[test]
    fn from_rows_uses_field_names() {
        let rows = vec![Row::from_pairs([("name", "wlan1"), ("running", "false")])];
        let table = Table::from_rows(&[text("name"), flag("running")], &rows);
        assert_eq!(table.render(), "name   running\nwlan1  false");
    }
}
