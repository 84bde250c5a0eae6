//! A menu's items: stored rows (seeded, or written by add/set) plus optionally a large run of
//! generated rows that exist only as a function of their index (scale tests: 1 M routes).

use super::fields::Fields;
use super::row::FlatRow;
use std::sync::Arc;

/// Writes the fields of generated row number `index` (into a [`FlatRow`] cleared by the
/// caller, or straight into a reply).
pub type RowFn = dyn Fn(u64, &mut dyn Fields) + Send + Sync;

/// Generated items: `count` rows whose `.id` starts at `first_id`.
#[derive(Clone)]
pub struct Generated {
    pub count: u64,
    pub first_id: u64,
    pub build: Arc<RowFn>,
}

impl std::fmt::Debug for Generated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Generated({} rows from *{:X})",
            self.count, self.first_id
        )
    }
}

/// Values that change while the router runs (uptime, counters), applied to a printed copy.
pub type LiveFn = fn(&mut FlatRow, f64);

/// One menu of the router.
#[derive(Clone, Debug, Default)]
pub struct Table {
    /// Stored items, each with `.id` as its first field (singletons have no `.id`).
    pub items: Vec<FlatRow>,
    /// A settings menu with exactly one item and no ids (`/system/identity`, `/ip/dns`).
    pub singleton: bool,
    /// Generated items after the stored ones.
    pub generated: Option<Generated>,
    /// Fields `add` requires.
    pub required: &'static [&'static str],
    /// Fields `add`/`set` accept besides those seen on existing items.
    pub extra_fields: &'static [&'static str],
    /// Moving values.
    pub live: Option<LiveFn>,
    next_id: u64,
}

/// Format an item id the RouterOS way: `*` and upper-case hex.
pub fn format_id(id: u64) -> String {
    format!("*{id:X}")
}

/// Parse `*1A` into 0x1A.
pub fn parse_id(word: &[u8]) -> Option<u64> {
    let hex = std::str::from_utf8(word.strip_prefix(b"*")?).ok()?;
    u64::from_str_radix(hex, 16).ok()
}

impl Table {
    /// A table of stored items; ids are assigned in order starting at 1.
    pub fn with_items(rows: Vec<FlatRow>) -> Self {
        let mut t = Table::default();
        for row in rows {
            t.insert(row);
        }
        t
    }

    /// A singleton settings menu.
    pub fn singleton(row: FlatRow) -> Self {
        Table {
            items: vec![row],
            singleton: true,
            ..Table::default()
        }
    }

    /// Extra fields accepted by `add`/`set`.
    pub fn accept(mut self, fields: &'static [&'static str]) -> Self {
        self.extra_fields = fields;
        self
    }

    /// Values that move over time.
    pub fn live(mut self, f: LiveFn) -> Self {
        self.live = Some(f);
        self
    }

    /// Append a row, giving it the next id; returns the id.
    pub fn insert(&mut self, fields: FlatRow) -> u64 {
        self.next_id = self.next_id.max(self.max_stored_id()) + 1;
        let id = self.next_id;
        let mut row = FlatRow::new();
        row.push(b".id", format_id(id).as_bytes());
        for (n, v) in fields.iter().filter(|(n, _)| *n != b".id") {
            row.push(n, v);
        }
        self.items.push(row);
        id
    }

    fn max_stored_id(&self) -> u64 {
        self.items
            .iter()
            .filter_map(|r| r.get(b".id").and_then(parse_id))
            .max()
            .unwrap_or(0)
    }

    /// Index of the stored item with this id.
    pub fn position(&self, id: u64) -> Option<usize> {
        self.items
            .iter()
            .position(|r| r.get(b".id").and_then(parse_id) == Some(id))
    }

    /// Whether the id belongs to a generated (read-only) item.
    pub fn is_generated(&self, id: u64) -> bool {
        self.generated
            .as_ref()
            .is_some_and(|g| id >= g.first_id && id - g.first_id < g.count)
    }

    /// Resolve one item reference of `numbers=`/`.id=`: `*HEX`, or an item's `name`.
    pub fn resolve(&self, word: &[u8]) -> Option<u64> {
        if let Some(id) = parse_id(word) {
            return (self.position(id).is_some() || self.is_generated(id)).then_some(id);
        }
        self.items
            .iter()
            .find(|r| r.get(b"name") == Some(word))
            .and_then(|r| r.get(b".id").and_then(parse_id))
    }

    /// Every field name `add`/`set` accepts on this menu.
    pub fn knows_field(&self, name: &[u8]) -> bool {
        const ALWAYS: &[&str] = &["comment", "disabled", "copy-from", "place-before"];
        ALWAYS
            .iter()
            .chain(self.required)
            .chain(self.extra_fields)
            .any(|f| f.as_bytes() == name)
            || self.items.iter().any(|r| r.has(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_hex_and_resolvable() {
        let mut t = Table::with_items(vec![
            FlatRow::from_pairs(&[("name", "a")]),
            FlatRow::from_pairs(&[("name", "b")]),
        ]);
        for _ in 0..8 {
            t.insert(FlatRow::from_pairs(&[("name", "x")]));
        }
        let id = t.insert(FlatRow::from_pairs(&[("name", "k")]));
        assert_eq!(format_id(id), "*B");
        assert_eq!(t.resolve(b"*B"), Some(11));
        assert_eq!(t.resolve(b"*b"), Some(11));
        assert_eq!(t.resolve(b"b"), Some(2));
        assert_eq!(t.resolve(b"*FF"), None);
        assert_eq!(t.items[0].iter().next().unwrap().0, b".id");
        assert!(t.knows_field(b"name") && t.knows_field(b"comment") && !t.knows_field(b"bogus"));
    }

    #[test]
    fn generated_ids_count() {
        let mut t = Table::with_items(vec![FlatRow::from_pairs(&[("a", "1")])]);
        t.generated = Some(Generated {
            count: 5,
            first_id: 0x100,
            build: Arc::new(|i, r| r.field(b"n", i.to_string().as_bytes())),
        });
        assert!(t.is_generated(0x104) && !t.is_generated(0x105));
        assert_eq!(t.resolve(b"*102"), Some(0x102));
    }
}
