//! [`Row`]: the attributes of one reply sentence, kept as the sentence's own wire bytes.
//!
//! A row from the router is one [`Bytes`] slice of the read buffer (no copy, no per-attribute
//! allocation); attributes are found by walking the length-prefixed words when asked for. Words
//! that are not attributes (`.tag=`, the reason of `!fatal`) may sit among them and are skipped.

use bytes::{BufMut, Bytes, BytesMut};
use std::borrow::Cow;

use super::codec::{Words, put_length};
use super::sentence::Attr;
use super::text::to_text;

/// Attributes of one sentence, in the router's order.
#[derive(Clone, Default)]
pub struct Row {
    /// Length-prefixed words; those starting with `=` are the attributes.
    words: Bytes,
}

/// One attribute of a [`Row`], borrowed: name and value bytes as on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttrRef<'a> {
    pub name: &'a [u8],
    pub value: &'a [u8],
}

impl<'a> AttrRef<'a> {
    /// Name as text.
    pub fn name(&self) -> Cow<'a, str> {
        to_text(self.name)
    }
    /// Value as text (see [`super::text::to_text`]).
    pub fn value(&self) -> Cow<'a, str> {
        to_text(self.value)
    }
    /// The value bytes are valid UTF-8.
    pub fn value_is_utf8(&self) -> bool {
        std::str::from_utf8(self.value).is_ok()
    }
}

/// Split the body of an attribute word (after its leading `=`) into name and value on the
/// first `=` after the first byte (a name never starts with `=`): `a=b=c` → (`a`, `b=c`),
/// `a` → (`a`, ``).
#[inline]
pub fn split_body(body: &[u8]) -> (&[u8], &[u8]) {
    match body
        .get(1..)
        .and_then(|rest| rest.iter().position(|&b| b == b'='))
    {
        Some(i) => (&body[..i + 1], &body[i + 2..]),
        None => (body, &[]),
    }
}

impl Row {
    /// A row without attributes.
    pub fn new() -> Self {
        Self::default()
    }

    /// A row over length-prefixed words as received (attributes are the `=` words).
    pub fn from_words(words: Bytes) -> Self {
        Self { words }
    }

    /// A row from `(name, value)` pairs.
    pub fn from_pairs<N: AsRef<[u8]>, V: AsRef<[u8]>>(pairs: &[(N, V)]) -> Self {
        pairs.iter().map(|(n, v)| (n, v)).collect()
    }

    /// The attributes in order.
    pub fn iter(&self) -> Attrs<'_> {
        Attrs {
            words: Words::new(&self.words),
        }
    }

    /// Value of the first attribute called `name`.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.iter()
            .find(|a| a.name == name.as_bytes())
            .map(|a| a.value)
    }

    /// Value of an attribute as shared bytes (no copy).
    pub fn get_bytes(&self, name: &str) -> Option<Bytes> {
        self.get(name).map(|v| self.words.slice_ref(v))
    }

    /// Value of an attribute as text (see [`super::text::to_text`]).
    pub fn text(&self, name: &str) -> Option<Cow<'_, str>> {
        self.get(name).map(to_text)
    }

    /// Size of the row's words on the wire: at least the length of all names and values.
    pub fn wire_len(&self) -> usize {
        self.words.len()
    }

    /// Number of attributes.
    pub fn len(&self) -> usize {
        self.iter().count()
    }

    /// The row has no attributes.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The attributes as owned [`Attr`]s sharing this row's bytes.
    pub fn to_attrs(&self) -> Vec<Attr> {
        self.iter()
            .map(|a| Attr {
                name: self.words.slice_ref(a.name),
                value: self.words.slice_ref(a.value),
            })
            .collect()
    }
}

/// Iterator over the attributes of a [`Row`].
#[derive(Clone, Debug)]
pub struct Attrs<'a> {
    words: Words<'a>,
}

impl<'a> Iterator for Attrs<'a> {
    type Item = AttrRef<'a>;

    #[inline]
    fn next(&mut self) -> Option<AttrRef<'a>> {
        loop {
            let (_, word) = self.words.next()?;
            if let Some(body) = word.strip_prefix(b"=") {
                let (name, value) = split_body(body);
                return Some(AttrRef { name, value });
            }
        }
    }
}

impl<'a> IntoIterator for &'a Row {
    type Item = AttrRef<'a>;
    type IntoIter = Attrs<'a>;
    fn into_iter(self) -> Attrs<'a> {
        self.iter()
    }
}

impl<N: AsRef<[u8]>, V: AsRef<[u8]>> FromIterator<(N, V)> for Row {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(pairs: I) -> Self {
        let mut out = BytesMut::new();
        for (n, v) in pairs {
            let (n, v) = (n.as_ref(), v.as_ref());
            out.reserve(n.len() + v.len() + 7);
            put_length(n.len() + v.len() + 2, &mut out);
            out.put_u8(b'=');
            out.put_slice(n);
            out.put_u8(b'=');
            out.put_slice(v);
        }
        Row {
            words: out.freeze(),
        }
    }
}

impl FromIterator<Attr> for Row {
    fn from_iter<I: IntoIterator<Item = Attr>>(attrs: I) -> Self {
        attrs.into_iter().map(|a| (a.name, a.value)).collect()
    }
}

impl From<Vec<Attr>> for Row {
    fn from(attrs: Vec<Attr>) -> Self {
        attrs.into_iter().collect()
    }
}

impl PartialEq for Row {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Row {}

impl std::fmt::Debug for Row {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|a| (a.name(), a.value())))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Frame;
    use crate::sentence::{TRICKY_ATTR_WORDS, split_attr};

    #[test]
    fn attributes_split_like_split_attr_and_skip_other_words() {
        let ws = TRICKY_ATTR_WORDS;
        let mut all = vec![".tag=4"];
        all.extend(ws);
        all.push("not an attribute");
        let row = Row::from_words(Frame::encode(&all).0);
        assert_eq!(row.len(), ws.len());
        for (got, w) in row.iter().zip(ws) {
            let want = split_attr(&Bytes::from(w), 1);
            assert_eq!(
                (got.name, got.value),
                (&want.name[..], &want.value[..]),
                "{w}"
            );
        }
        assert_eq!(row.get("comment"), Some(&b"a=b=c"[..]));
        assert_eq!(row.get_bytes(".id").as_deref(), Some(&b"*1"[..]));
        assert_eq!(row.get("tag"), None);
    }

    #[test]
    fn built_rows_equal_received_rows_and_keep_bytes() {
        let built = Row::from_pairs(&[(".id", &b"*2"[..]), ("comment", b"caf\xe9")]);
        let received = Row::from_words(Frame::encode(&["=.id=*2", ".tag=9"]).0);
        assert_ne!(built, received);
        let attrs = built.to_attrs();
        assert_eq!(attrs[1].value, Bytes::from_static(b"caf\xe9"));
        assert_eq!(built.text("comment").as_deref(), Some("café"));
        assert!(!built.iter().nth(1).unwrap().value_is_utf8());
        assert_eq!(Row::from(attrs), built);
        let long = "x".repeat(300);
        let row = Row::from_pairs(&[("long", long.as_str()), ("b", "1")]);
        assert_eq!(row.get("long"), Some(long.as_bytes()));
        assert_eq!(row.text("b").as_deref(), Some("1"));
        assert!(Row::new().is_empty());
        assert_eq!(
            format!("{:?}", Row::from_pairs(&[("a", "1")])),
            r#"{"a": "1"}"#
        );
    }
}
