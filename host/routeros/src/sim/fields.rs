//! Writing an item's fields without allocating: [`Fields`], what generated rows are built into
//! (a [`FlatRow`] to run a query on, or straight onto the wire), and [`Text`], a stack buffer
//! for values made of numbers (digits written by hand, no `fmt` machinery).

use super::row::FlatRow;

/// A list of fields that every row of a generator shares, as a `static`: writers may encode it
/// once and copy the result (they recognise the list by its address).
pub type FixedFields = [(&'static [u8], &'static [u8])];

/// Receives the fields of one item, in order.
pub trait Fields {
    /// One `name=value` field.
    fn field(&mut self, name: &[u8], value: &[u8]);

    /// Several fields whose names and values never change.
    fn fixed(&mut self, fields: &'static FixedFields) {
        for (name, value) in fields {
            self.field(name, value);
        }
    }
}

impl Fields for FlatRow {
    fn field(&mut self, name: &[u8], value: &[u8]) {
        self.push(name, value);
    }
}

/// Capacity of a [`Text`]: enough for any value the generators make (a MAC, an address).
const TEXT_CAPACITY: usize = 48;

/// A short value assembled on the stack. Bytes beyond its capacity are dropped (it never
/// panics); the generators stay far below it.
#[derive(Clone, Copy)]
pub struct Text {
    buf: [u8; TEXT_CAPACITY],
    len: usize,
}

impl Default for Text {
    fn default() -> Self {
        Self::new()
    }
}

impl Text {
    /// An empty value.
    pub fn new() -> Self {
        Self {
            buf: [0; TEXT_CAPACITY],
            len: 0,
        }
    }

    /// Append bytes.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        let n = bytes.len().min(TEXT_CAPACITY - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&bytes[..n]);
        self.len += n;
        self
    }

    /// Append one byte.
    pub fn byte(&mut self, b: u8) -> &mut Self {
        self.bytes(&[b])
    }

    /// Append `n` in decimal.
    pub fn dec(&mut self, mut n: u64) -> &mut Self {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        self.bytes(&digits[at..])
    }

    /// Append `n` in upper-case hex, zero-padded to at least `width` digits.
    pub fn hex(&mut self, mut n: u64, width: usize) -> &mut Self {
        const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
        let mut digits = [0u8; 16];
        let mut at = digits.len();
        let floor = digits.len().saturating_sub(width);
        loop {
            at -= 1;
            digits[at] = DIGITS[(n & 0xF) as usize];
            n >>= 4;
            if n == 0 && at <= floor {
                break;
            }
        }
        self.bytes(&digits[at..])
    }

    /// The value so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_fmt() {
        for n in [0u64, 7, 10, 99, 1000, 65_535, 1 << 40, u64::MAX] {
            assert_eq!(Text::new().dec(n).as_bytes(), n.to_string().as_bytes());
            assert_eq!(
                Text::new().hex(n, 1).as_bytes(),
                format!("{n:X}").as_bytes()
            );
            assert_eq!(
                Text::new().hex(n, 2).as_bytes(),
                format!("{n:02X}").as_bytes()
            );
        }
        let mut t = Text::new();
        t.byte(b'*').hex(0x100_002A, 0).bytes(b"/").dec(24);
        assert_eq!(t.as_bytes(), b"*100002A/24");
    }

    #[test]
    fn overflow_is_dropped_not_a_panic() {
        let mut t = Text::new();
        for _ in 0..10 {
            t.dec(u64::MAX);
        }
        assert_eq!(t.as_bytes().len(), TEXT_CAPACITY);
        let mut row = FlatRow::new();
        row.field(b"a", t.as_bytes());
        assert_eq!(row.get(b"a").map(<[u8]>::len), Some(TEXT_CAPACITY));
    }
}
