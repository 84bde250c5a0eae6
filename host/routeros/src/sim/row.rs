//! One item of a menu as the simulated router holds it: ordered `name=value` fields packed
//! into one byte buffer, so generated rows can be rebuilt per index without allocating.

use std::io::Write;

/// Ordered fields of one item. Names and values are bytes (values may be non-UTF-8).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FlatRow {
    buf: Vec<u8>,
    /// (name start, value start, value end) in `buf`; the name ends at value start.
    spans: Vec<(u32, u32, u32)>,
}

impl FlatRow {
    /// An empty row.
    pub fn new() -> Self {
        Self::default()
    }

    /// A row from `(name, value)` pairs.
    pub fn from_pairs<N: AsRef<[u8]>, V: AsRef<[u8]>>(pairs: &[(N, V)]) -> Self {
        let mut row = Self::new();
        for (n, v) in pairs {
            row.push(n.as_ref(), v.as_ref());
        }
        row
    }

    /// Forget every field, keeping the allocations.
    pub fn clear(&mut self) {
        self.buf.clear();
        self.spans.clear();
    }

    /// Append a field (no check for duplicates).
    pub fn push(&mut self, name: &[u8], value: &[u8]) {
        let start = self.buf.len() as u32;
        self.buf.extend_from_slice(name);
        let mid = self.buf.len() as u32;
        self.buf.extend_from_slice(value);
        self.spans.push((start, mid, self.buf.len() as u32));
    }

    /// Append a field whose value is formatted in place (no temporary string).
    pub fn push_fmt(&mut self, name: &[u8], value: std::fmt::Arguments<'_>) {
        let start = self.buf.len() as u32;
        self.buf.extend_from_slice(name);
        let mid = self.buf.len() as u32;
        // Writing into a Vec cannot fail.
        let _ = self.buf.write_fmt(value);
        self.spans.push((start, mid, self.buf.len() as u32));
    }

    /// Fields in order, as `(name, value)`.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.spans.iter().map(|&(s, m, e)| {
            (
                &self.buf[s as usize..m as usize],
                &self.buf[m as usize..e as usize],
            )
        })
    }

    /// Index of the first field called `name`.
    fn position(&self, name: &[u8]) -> Option<usize> {
        self.spans
            .iter()
            .position(|&(s, m, _)| &self.buf[s as usize..m as usize] == name)
    }

    /// Value of a field.
    pub fn get(&self, name: &[u8]) -> Option<&[u8]> {
        let (_, m, e) = self.spans[self.position(name)?];
        Some(&self.buf[m as usize..e as usize])
    }

    /// Value of a field as text (lossy), for checks that only make sense on text.
    pub fn get_str(&self, name: &str) -> Option<String> {
        self.get(name.as_bytes())
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// Whether the field exists.
    pub fn has(&self, name: &[u8]) -> bool {
        self.position(name).is_some()
    }

    /// Set a field: replaced in place when present, appended otherwise.
    pub fn set(&mut self, name: &[u8], value: &[u8]) {
        let Some(i) = self.position(name) else {
            self.push(name, value);
            return;
        };
        let (_, m, e) = self.spans[i];
        self.buf
            .splice(m as usize..e as usize, value.iter().copied());
        self.spans[i].2 = m + value.len() as u32;
        self.shift_from(i + 1, value.len() as i64 - i64::from(e - m));
    }

    /// Remove a field if present.
    pub fn remove(&mut self, name: &[u8]) {
        if let Some(i) = self.position(name) {
            let (s, _, e) = self.spans.remove(i);
            self.buf.drain(s as usize..e as usize);
            // The fields after the removed one now start at its index.
            self.shift_from(i, -i64::from(e - s));
        }
    }

    /// Move the spans of fields `first..` by `delta` bytes (something before them changed).
    fn shift_from(&mut self, first: usize, delta: i64) {
        if delta == 0 {
            return;
        }
        let moved = |x: u32| (i64::from(x) + delta) as u32;
        for span in &mut self.spans[first..] {
            *span = (moved(span.0), moved(span.1), moved(span.2));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_in_place_and_appends() {
        let mut r = FlatRow::from_pairs(&[(".id", "*1"), ("name", "ether1"), ("mtu", "1500")]);
        r.set(b"name", b"wan");
        r.set(b"comment", b"K\xfcche");
        let names: Vec<&[u8]> = r.iter().map(|(n, _)| n).collect();
        assert_eq!(names, vec![&b".id"[..], b"name", b"mtu", b"comment"]);
        assert_eq!(r.get(b"name"), Some(&b"wan"[..]));
        assert_eq!(r.get(b"comment"), Some(&b"K\xfcche"[..]));
        r.remove(b"mtu");
        assert_eq!(r.iter().count(), 3);
        assert!(!r.has(b"mtu"));
        r.set(b".id", b"*1F");
        r.remove(b".id");
        r.set(b"name", b"w");
        let pairs: Vec<(&[u8], &[u8])> = r.iter().collect();
        assert_eq!(
            pairs,
            vec![(&b"name"[..], &b"w"[..]), (b"comment", b"K\xfcche")]
        );
    }

    #[test]
    fn formatted_values_and_clear() {
        let mut r = FlatRow::new();
        r.push_fmt(b"dst-address", format_args!("10.{}.{}.0/24", 1, 2));
        assert_eq!(r.get(b"dst-address"), Some(&b"10.1.2.0/24"[..]));
        r.clear();
        assert_eq!(r.iter().count(), 0);
    }
}
