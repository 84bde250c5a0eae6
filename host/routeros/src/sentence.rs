//! Meaning of sentences: attribute words, replies from a router, commands to a router.
//!
//! Both sides use this module: the client parses [`Reply`] sentences and builds commands with
//! [`command_words`]; the simulated router parses [`Command`] sentences and builds replies.

use bytes::{Buf, Bytes};
use std::borrow::Cow;

use super::codec::Frame;
use super::row::split_body;
pub use super::row::{AttrRef, Row};
use super::text::to_text;

/// One `name=value` attribute; both parts are bytes, as on the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attr {
    pub name: Bytes,
    pub value: Bytes,
}

impl Attr {
    /// An attribute from text.
    pub fn new(name: impl Into<Bytes>, value: impl Into<Bytes>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
    /// Name as text.
    pub fn name(&self) -> Cow<'_, str> {
        to_text(&self.name)
    }
    /// Value as text (see [`super::text::to_text`]).
    pub fn value(&self) -> Cow<'_, str> {
        to_text(&self.value)
    }
    /// The value bytes are valid UTF-8.
    pub fn value_is_utf8(&self) -> bool {
        std::str::from_utf8(&self.value).is_ok()
    }
}

/// Look up an attribute value by name.
pub fn get<'a>(row: &'a [Attr], name: &str) -> Option<&'a Bytes> {
    row.iter()
        .find(|a| a.name.as_ref() == name.as_bytes())
        .map(|a| &a.value)
}

/// Split a word that starts with `prefix_len` marker bytes (`=` for attributes, `?` for some
/// queries) into name and value on the first `=` after the name. `=a=b=c` → (`a`, `b=c`);
/// `=a` → (`a`, ``).
pub fn split_attr(word: &Bytes, prefix_len: usize) -> Attr {
    let (name, value) = split_body(word.get(prefix_len..).unwrap_or_default());
    Attr::new(word.slice_ref(name), word.slice_ref(value))
}

/// Kind of a reply sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReplyKind {
    Re,
    Done,
    Trap,
    Fatal,
    Empty,
}

/// A parsed reply sentence from a router.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub kind: ReplyKind,
    pub tag: Option<Bytes>,
    pub attrs: Row,
    /// Words that are neither attributes nor the tag (the reason of `!fatal`).
    pub other: Vec<Bytes>,
}

/// Why a sentence is not a reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplyError {
    #[error("empty sentence from the router")]
    Empty,
    #[error("unknown reply word {0:?}")]
    UnknownKind(String),
}

impl Reply {
    /// Parse a sentence received from a router, given as words.
    pub fn parse(words: Vec<Bytes>) -> Result<Self, ReplyError> {
        Self::from_frame(Frame::encode(&words))
    }

    /// Parse a sentence received from a router, as the decoder framed it. The attributes stay
    /// in the frame's bytes (see [`Row`]); only the tag and non-attribute words are sliced out.
    pub fn from_frame(frame: Frame) -> Result<Self, ReplyError> {
        let bytes = frame.0;
        let mut words = super::codec::Words::new(&bytes);
        let (first_at, first) = words.next().ok_or(ReplyError::Empty)?;
        let kind = match first {
            b"!re" => ReplyKind::Re,
            b"!done" => ReplyKind::Done,
            b"!trap" => ReplyKind::Trap,
            b"!fatal" => ReplyKind::Fatal,
            b"!empty" => ReplyKind::Empty,
            other => return Err(ReplyError::UnknownKind(to_text(other).into_owned())),
        };
        let attrs_start = first_at + first.len();
        let (mut tag, mut other) = (None, Vec::new());
        for (start, w) in words {
            match w.first() {
                Some(b'=') => {}
                _ if w.starts_with(b".tag=") => {
                    tag = Some(bytes.slice(start + 5..start + w.len()));
                }
                _ => other.push(bytes.slice(start..start + w.len())),
            }
        }
        let mut attrs = bytes;
        // The first word lies inside the frame, so this stays in bounds.
        attrs.advance(attrs_start);
        Ok(Reply {
            kind,
            tag,
            attrs: Row::from_words(attrs),
            other,
        })
    }

    /// Value of an attribute.
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.attrs.get(name)
    }
}

/// Words of a command sentence: path, `=name=value` args, `?query` words, optional `.tag`.
pub fn command_words(
    command: &str,
    args: &[(String, Bytes)],
    queries: &[String],
    tag: Option<&str>,
) -> Vec<Bytes> {
    let mut words = Vec::with_capacity(2 + args.len() + queries.len());
    words.push(Bytes::copy_from_slice(command.as_bytes()));
    for (name, value) in args {
        let mut w = Vec::with_capacity(name.len() + value.len() + 2);
        w.push(b'=');
        w.extend_from_slice(name.as_bytes());
        w.push(b'=');
        w.extend_from_slice(value);
        words.push(w.into());
    }
    for q in queries {
        words.push(Bytes::from(format!("?{q}")));
    }
    if let Some(tag) = tag {
        words.push(Bytes::from(format!(".tag={tag}")));
    }
    words
}

/// A parsed command sentence, as a router receives it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Command {
    /// The command path, e.g. `/ip/address/print`.
    pub path: String,
    /// `=name=value` arguments, in order.
    pub args: Vec<Attr>,
    /// Query words without their leading `?`.
    pub queries: Vec<Bytes>,
    /// `.tag` value, when given.
    pub tag: Option<Bytes>,
    /// Other API attributes (`.proplist` arrives as an `=.proplist=` arg and lands in `args`).
    pub api_attrs: Vec<Attr>,
}

impl Command {
    /// Parse a sentence received by a router. `None` for an empty sentence.
    pub fn parse(words: Vec<Bytes>) -> Option<Self> {
        let mut it = words.into_iter();
        let first = it.next()?;
        let mut cmd = Command {
            path: to_text(&first).into_owned(),
            ..Default::default()
        };
        for w in it {
            match w.first() {
                Some(b'=') => cmd.args.push(split_attr(&w, 1)),
                Some(b'?') => cmd.queries.push(w.slice(1..)),
                Some(b'.') => {
                    let a = split_attr(&w, 0);
                    if a.name.as_ref() == b".tag" {
                        cmd.tag = Some(a.value);
                    } else {
                        cmd.api_attrs.push(a);
                    }
                }
                _ => cmd.args.push(Attr::new(w, Bytes::new())),
            }
        }
        Some(cmd)
    }

    /// Value of an argument.
    pub fn arg(&self, name: &str) -> Option<&Bytes> {
        get(&self.args, name)
    }
}

/// Attribute words whose splitting is easy to get wrong (values with `=`, empty parts), for
/// the tests of every parser of reply words.
#[cfg(test)]
pub(crate) const TRICKY_ATTR_WORDS: [&str; 7] = [
    "=comment=a=b=c",
    "=disabled",
    "=a=",
    "=",
    "==x",
    "=name=",
    "=.id=*1",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[&str]) -> Vec<Bytes> {
        ws.iter()
            .map(|w| Bytes::copy_from_slice(w.as_bytes()))
            .collect()
    }

    #[test]
    fn attribute_values_keep_equals_signs() {
        let a = split_attr(&Bytes::from_static(b"=comment=a=b=c"), 1);
        assert_eq!(
            (&a.name[..], &a.value[..]),
            (&b"comment"[..], &b"a=b=c"[..])
        );
        let a = split_attr(&Bytes::from_static(b"=disabled"), 1);
        assert_eq!((&a.name[..], &a.value[..]), (&b"disabled"[..], &b""[..]));
        let a = split_attr(&Bytes::from_static(b"=name="), 1);
        assert_eq!((&a.name[..], &a.value[..]), (&b"name"[..], &b""[..]));
    }

    #[test]
    fn reply_attributes_split_like_split_attr() {
        let ws = TRICKY_ATTR_WORDS;
        let mut all = vec!["!re"];
        all.extend(ws);
        let r = Reply::parse(words(&all)).unwrap();
        assert_eq!(r.attrs.len(), ws.len());
        for (got, w) in r.attrs.iter().zip(ws) {
            let want = split_attr(&Bytes::from(w), 1);
            assert_eq!(
                (got.name, got.value),
                (&want.name[..], &want.value[..]),
                "{w}"
            );
        }
    }

    #[test]
    fn reply_with_tag_and_attrs() {
        let r = Reply::parse(words(&["!re", ".tag=10", "=.id=*A", "=address=1.1.1.1/32"])).unwrap();
        assert_eq!(r.kind, ReplyKind::Re);
        assert_eq!(r.tag.as_deref(), Some(&b"10"[..]));
        assert_eq!(r.get(".id"), Some(&b"*A"[..]));
        let long = format!("={}", "n".repeat(200));
        let r = Reply::parse(words(&["!done", long.as_str(), "=ret=*1"])).unwrap();
        assert_eq!(r.get("ret"), Some(&b"*1"[..]));
        assert_eq!(r.attrs.len(), 2);
        let f = Reply::parse(words(&["!fatal", "session terminated on request"])).unwrap();
        assert_eq!(f.kind, ReplyKind::Fatal);
        assert_eq!(&f.other[0][..], b"session terminated on request");
        assert!(Reply::parse(words(&["!what"])).is_err());
        assert!(Reply::parse(vec![]).is_err());
    }

    #[test]
    fn command_roundtrip() {
        let w = command_words(
            "/ip/route/print",
            &[(".proplist".into(), Bytes::from_static(b".id,dst-address"))],
            &["comment=test".into(), "#|".into()],
            Some("5"),
        );
        let c = Command::parse(w).unwrap();
        assert_eq!(c.path, "/ip/route/print");
        assert_eq!(
            c.arg(".proplist").map(|b| &b[..]),
            Some(&b".id,dst-address"[..])
        );
        assert_eq!(
            c.queries,
            vec![Bytes::from("comment=test"), Bytes::from("#|")]
        );
        assert_eq!(c.tag.as_deref(), Some(&b"5"[..]));
    }
}
