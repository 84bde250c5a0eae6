//! Compact aligned text tables: a header line, then one line per row, columns padded with
//! spaces, empty cells shown as `-`.

use std::borrow::Cow;

use crate::cells::Cells;
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
        let mut out = String::new();
        write_table(
            &mut out,
            self.headers.len(),
            self.rows.len(),
            |line, col| match line.checked_sub(1) {
                None => &self.headers[col],
                Some(row) => &self.rows[row][col],
            },
        );
        out
    }
}

/// Append the table [`Table::from_rows`]`(fields, rows).render()` would give to `out`,
/// reading cells straight from the rows (nothing is copied).
pub fn write_rows(out: &mut String, fields: &[Field], rows: &[Row]) {
    write_cells(out, &Cells::new(fields, rows));
}

/// [`write_rows`] for values already looked up.
pub fn write_cells(out: &mut String, cells: &Cells<'_>) {
    let fields = cells.fields();
    write_table(out, fields.len(), cells.rows(), |line, col| {
        match line.checked_sub(1) {
            None => fields[col].name,
            Some(row) => cells.get(row, col).unwrap_or(""),
        }
    });
}

/// Append an aligned table of `columns` columns to `out`: line 0 is the header, then `rows`
/// lines; `cell(line, column)` gives the raw text of a cell. Cells are cleaned by
/// [`clean_cell`], columns separated by two spaces, lines by `\n`, the last column unpadded.
fn write_table<'a>(
    out: &mut String,
    columns: usize,
    rows: usize,
    cell: impl Fn(usize, usize) -> &'a str,
) {
    let lines = rows + 1;
    let mut widths = vec![0; columns];
    let mut cleaned = Vec::with_capacity(lines * columns);
    let mut size = 0;
    for line in 0..lines {
        for (col, width) in widths.iter_mut().enumerate() {
            let (text, w) = clean_cell(cell(line, col));
            *width = (*width).max(w);
            size += text.len();
            cleaned.push((text, w));
        }
    }
    let padded: usize = widths.iter().map(|w| w + 2).sum();
    out.reserve(size + lines * padded);
    for (i, (text, w)) in cleaned.iter().enumerate() {
        let col = i % columns;
        if col == 0 {
            if i > 0 {
                out.push('\n');
            }
        } else {
            out.push_str("  ");
        }
        out.push_str(text);
        if col + 1 < columns {
            pad(out, widths[col] - w);
        }
    }
    if columns == 0 {
        for _ in 1..lines {
            out.push('\n');
        }
    }
}

/// Append `n` spaces.
fn pad(out: &mut String, n: usize) {
    const SPACES: &str = "                                ";
    let mut left = n;
    while left > 0 {
        let take = left.min(SPACES.len());
        out.push_str(&SPACES[..take]);
        left -= take;
    }
}

/// A row as one line of `name=value` pairs in the router's order; values with spaces, quotes
/// or nothing in them are quoted (`comment="to ISP"`, `comment=""`).
pub fn pairs_line(row: &Row) -> String {
    let pairs: Vec<String> = row
        .attributes()
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

/// One line, no control characters, `-` when empty (borrowed when already clean), with its
/// width in characters.
fn clean_cell(cell: &str) -> (Cow<'_, str>, usize) {
    let printable = |b: &u8| (0x20..0x7F).contains(b);
    if let (Some(first), Some(last)) = (cell.bytes().next(), cell.bytes().last())
        && first != b' '
        && last != b' '
        && cell.as_bytes().iter().all(printable)
    {
        // Printable ASCII without spaces at either end: nothing to trim or clean.
        return (Cow::Borrowed(cell), cell.len());
    }
    let trimmed = cell.trim();
    if trimmed.is_empty() {
        return (Cow::Borrowed("-"), 1);
    }
    if !trimmed.chars().any(char::is_control) {
        return (Cow::Borrowed(trimmed), trimmed.chars().count());
    }
    let cleaned: String = trimmed
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match cleaned.trim() {
        "" => (Cow::Borrowed("-"), 1),
        t => {
            let width = t.chars().count();
            (Cow::Owned(t.to_string()), width)
        }
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

    /// The renderer before `write_rows` existed: cells copied, every line padded, then
    /// trailing spaces trimmed.
    fn reference(headers: &[&str], rows: &[Vec<&str>]) -> String {
        let clean = |c: &str| clean_cell(c).0.into_owned();
        let lines: Vec<Vec<String>> = std::iter::once(headers.iter().map(|h| clean(h)).collect())
            .chain(rows.iter().map(|r| r.iter().map(|c| clean(c)).collect()))
            .collect();
        let mut widths = vec![0; headers.len()];
        for line in &lines {
            for (w, c) in widths.iter_mut().zip(line) {
                *w = (*w).max(c.chars().count());
            }
        }
        let out: Vec<String> = lines
            .iter()
            .map(|line| {
                let cells: Vec<String> = line
                    .iter()
                    .zip(&widths)
                    .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                    .collect();
                cells.join("  ").trim_end().to_string()
            })
            .collect();
        out.join("\n")
    }

    #[test]
    fn write_rows_matches_the_padded_and_trimmed_reference() {
        let fields = [text("name"), text("comment"), text("x")];
        let wide = "w".repeat(70);
        let cells = [
            vec!["ether1", "caf\u{e9} \u{1F600}", ""],
            vec!["", " uplink\r\nto ISP ", "\u{7}"],
            vec![wide.as_str(), "\u{85}", "tab\there"],
            vec!["a", "b", "last"],
        ];
        let rows: Vec<Row> = cells
            .iter()
            .map(|r| Row::from_pairs(fields.iter().map(|f| f.name).zip(r.iter().copied())))
            .collect();
        let mut out = String::from("head\n");
        write_rows(&mut out, &fields, &rows);
        let expected = reference(&["name", "comment", "x"], &cells);
        assert_eq!(out, format!("head\n{expected}"));
        assert_eq!(
            Table::from_rows(&fields, &rows).render(),
            expected,
            "Table and write_rows agree"
        );
        let mut header_only = String::new();
        write_rows(&mut header_only, &fields, &[]);
        assert_eq!(header_only, "name  comment  x");
        let mut no_columns = String::new();
        write_rows(&mut no_columns, &[], &rows[..2]);
        assert_eq!(no_columns, reference(&[], &[vec![], vec![]]));
    }
}
