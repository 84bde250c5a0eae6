//! A menu's items: stored rows (seeded, or written by add/set) plus optionally a large run of
//! generated rows that exist only as a function of their index (scale tests: 1 M routes).
//! Ordered menus (firewall rules) also place items before others and move them.

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
    /// Rule order matters: `add place-before=` and `move` work here.
    pub ordered: bool,
    /// Fields (in print order, with default values) of an item `add`ed to a menu whose items
    /// do not serve as a template (empty menus such as `/system/script`).
    pub defaults: &'static [(&'static str, &'static str)],
    /// Fields the router keeps itself (`run-count`); `add`/`set` refuse them.
    pub read_only: &'static [&'static str],
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

    /// Insert a row before the stored item at `position` (appended past the end); returns its
    /// id.
    pub fn insert_at(&mut self, fields: FlatRow, position: usize) -> u64 {
        let id = self.insert(fields);
        if position + 1 < self.items.len()
            && let Some(row) = self.items.pop()
        {
            self.items.insert(position, row);
        }
        id
    }

    /// Move the items `ids` (in that order) before the item `destination`, or to the end.
    /// Unknown ids are skipped; a destination among the moved items leaves the order as is.
    pub fn move_before(&mut self, ids: &[u64], destination: Option<u64>) {
        if destination.is_some_and(|d| ids.contains(&d)) {
            return;
        }
        let mut moved = Vec::with_capacity(ids.len());
        for &id in ids {
            if let Some(p) = self.position(id) {
                moved.push(self.items.remove(p));
            }
        }
        let at = destination
            .and_then(|d| self.position(d))
            .unwrap_or(self.items.len());
        self.items.splice(at..at, moved);
    }

    /// `prefix` followed by the smallest number no item's name uses (`script1`).
    pub fn free_name(&self, prefix: &str) -> String {
        (1..)
            .map(|n| format!("{prefix}{n}"))
            .find(|name| {
                !self
                    .items
                    .iter()
                    .any(|r| r.get(b"name") == Some(name.as_bytes()))
            })
            .unwrap_or_default()
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
        const ALWAYS: &[&str] = &["comment", "disabled", "copy-from"];
        ALWAYS
            .iter()
            .chain(self.required)
            .chain(self.extra_fields)
            .any(|f| f.as_bytes() == name)
            || self.defaults.iter().any(|(f, _)| f.as_bytes() == name)
            || self.items.iter().any(|r| r.has(name))
    }

    /// Whether `add`/`set` must refuse this field.
    pub fn is_read_only(&self, name: &[u8]) -> bool {
        self.read_only.iter().any(|f| f.as_bytes() == name)
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
    fn placing_and_moving() {
        let names = |t: &Table| -> Vec<String> {
            t.items.iter().map(|r| r.get_str("name").unwrap()).collect()
        };
        let mut t = Table::with_items(
            ["a", "b", "c", "d"]
                .iter()
                .map(|n| FlatRow::from_pairs(&[("name", *n)]))
                .collect(),
        );
        let x = t.insert_at(FlatRow::from_pairs(&[("name", "x")]), 1);
        assert_eq!(x, 5);
        assert_eq!(names(&t), ["a", "x", "b", "c", "d"]);
        t.insert_at(FlatRow::from_pairs(&[("name", "y")]), 99);
        assert_eq!(names(&t), ["a", "x", "b", "c", "d", "y"]);
        t.move_before(&[4, 1], Some(2));
        assert_eq!(names(&t), ["x", "d", "a", "b", "c", "y"]);
        t.move_before(&[5], None);
        assert_eq!(names(&t), ["d", "a", "b", "c", "y", "x"]);
        t.move_before(&[1, 2], Some(2));
        assert_eq!(names(&t), ["d", "a", "b", "c", "y", "x"]);
        assert_eq!(t.free_name("x"), "x1");
        assert_eq!(t.free_name("y"), "y1");
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
