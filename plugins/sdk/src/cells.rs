//! [`Cells`]: the value of each field in each row, looked up once so a listing's table and
//! its JSON read the same borrowed text without searching the rows again.

use crate::fields::Field;
use crate::router::Row;

/// The values of `fields` in `rows`, row by row (`None` where a row lacks the property).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cells<'a> {
    fields: &'a [Field],
    rows: usize,
    values: Vec<Option<&'a str>>,
}

impl<'a> Cells<'a> {
    /// Look up every field in every row. A field is first looked for where it was in the
    /// previous row (replies keep one order), so each lookup is usually one comparison; with
    /// duplicate names in a row, any one of them may be taken.
    pub fn new(fields: &'a [Field], rows: &'a [Row]) -> Self {
        let mut values = Vec::with_capacity(fields.len() * rows.len());
        let mut hints = vec![0; fields.len()];
        for row in rows {
            for (field, hint) in fields.iter().zip(hints.iter_mut()) {
                let value = match row.attribute(*hint) {
                    Some(a) if a.name == field.name => Some(a.value),
                    _ => row.position(field.name).and_then(|i| {
                        *hint = i;
                        row.attribute(i).map(|a| a.value)
                    }),
                };
                values.push(value);
            }
        }
        Cells {
            fields,
            rows: rows.len(),
            values,
        }
    }

    /// The fields, in column order.
    pub fn fields(&self) -> &'a [Field] {
        self.fields
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The value of field `column` in row `row` (`None` when absent or out of range).
    pub fn get(&self, row: usize, column: usize) -> Option<&'a str> {
        if column >= self.fields.len() {
            return None;
        }
        *self.values.get(row * self.fields.len() + column)?
    }

    /// The values of row `row`, one per field (empty when out of range).
    pub fn row(&self, row: usize) -> &[Option<&'a str>] {
        let width = self.fields.len();
        self.values
            .get(row * width..(row + 1) * width)
            .unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::text;

    #[test]
    fn values_match_row_get_whatever_the_order() {
        let fields = [text("name"), text("mtu"), text("comment")];
        let rows = vec![
            Row::from_pairs([("name", "e1"), ("mtu", "1500"), ("comment", "a")]),
            Row::from_pairs([("mtu", "9000"), ("name", "e2")]),
            Row::from_pairs([("comment", "c"), ("x", "y"), ("name", "e3"), ("mtu", "1")]),
            Row::default(),
        ];
        let cells = Cells::new(&fields, &rows);
        assert_eq!(cells.rows(), 4);
        for (r, row) in rows.iter().enumerate() {
            for (c, field) in fields.iter().enumerate() {
                assert_eq!(
                    cells.get(r, c),
                    row.get(field.name),
                    "row {r} {}",
                    field.name
                );
            }
            assert_eq!(cells.row(r).len(), 3);
        }
        assert_eq!(cells.get(0, 3), None);
        assert!(cells.row(4).is_empty());
        let no_fields = Cells::new(&[], &rows);
        assert_eq!((no_fields.rows(), no_fields.row(1)), (4, &[][..]));
    }
}
