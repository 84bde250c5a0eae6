//! Wire codec of the RouterOS API: length-prefixed words grouped into sentences.
//!
//! A word is a length prefix (1–5 bytes) followed by that many bytes; a sentence is a run of
//! words ended by an empty word. Words are kept as bytes ([`Bytes`] slices of the read buffer,
//! no copy): RouterOS does not promise UTF-8. Decoding is incremental: [`SentenceDecoder`]
//! tells "need more bytes" (`Ok(None)`) apart from "this stream is broken" (`Err`). It gives a
//! sentence either as its words or, cheaper, as one [`Frame`] (the sentence's bytes, walked
//! with [`Words`]), which is what the client reads replies as.

use bytes::{Buf, BufMut, Bytes, BytesMut};

/// Largest word this codec accepts by default (16 MiB): a bigger one is treated as a broken
/// stream instead of an allocation the peer controls.
pub const DEFAULT_MAX_WORD: usize = 16 * 1024 * 1024;
/// Largest sentence (sum of its words) accepted by default.
pub const DEFAULT_MAX_SENTENCE: usize = 64 * 1024 * 1024;

/// Why a byte stream is not a valid RouterOS API stream.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodecError {
    /// A first length byte of 0xF8 or more: a control byte, which ends the session.
    #[error(
        "control byte 0x{0:02x} where a word length was expected (the peer ended the session or is not a RouterOS API)"
    )]
    ControlByte(u8),
    /// A word longer than the configured maximum.
    #[error("word of {len} bytes exceeds the limit of {max} bytes")]
    WordTooLong { len: usize, max: usize },
    /// A sentence longer than the configured maximum.
    #[error("sentence exceeds the limit of {max} bytes")]
    SentenceTooLong { max: usize },
}

/// Number of bytes the length prefix of a `len`-byte word takes.
pub fn length_prefix_len(len: usize) -> usize {
    match len {
        0..0x80 => 1,
        0x80..0x4000 => 2,
        0x4000..0x20_0000 => 3,
        0x20_0000..0x1000_0000 => 4,
        _ => 5,
    }
}

/// Append the length prefix of a `len`-byte word.
pub fn put_length(len: usize, out: &mut impl BufMut) {
    let n = len as u64;
    match length_prefix_len(len) {
        1 => out.put_u8(n as u8),
        2 => out.put_u16(n as u16 | 0x8000),
        3 => {
            let v = n as u32 | 0xC0_0000;
            out.put_slice(&v.to_be_bytes()[1..]);
        }
        4 => out.put_u32(n as u32 | 0xE000_0000),
        _ => {
            out.put_u8(0xF0);
            out.put_u32(n as u32);
        }
    }
}

/// Decode a length prefix at the start of `buf`.
///
/// Returns `Ok(None)` when `buf` holds only part of the prefix, otherwise the word length and
/// how many bytes the prefix took.
pub fn get_length(buf: &[u8]) -> Result<Option<(usize, usize)>, CodecError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let (extra, base) = match first {
        0x00..=0x7F => return Ok(Some((first as usize, 1))),
        0x80..=0xBF => (1, (first & 0x3F) as usize),
        0xC0..=0xDF => (2, (first & 0x1F) as usize),
        0xE0..=0xEF => (3, (first & 0x0F) as usize),
        0xF0 => (4, 0),
        _ => return Err(CodecError::ControlByte(first)),
    };
    if buf.len() < 1 + extra {
        return Ok(None);
    }
    let len = buf[1..=extra]
        .iter()
        .fold(base, |acc, &b| (acc << 8) | b as usize);
    Ok(Some((len, 1 + extra)))
}

/// Append one word (prefix + bytes).
pub fn put_word(word: &[u8], out: &mut BytesMut) {
    out.reserve(word.len() + 5);
    put_length(word.len(), out);
    out.put_slice(word);
}

/// Append a whole sentence: its words, then the empty terminator word.
pub fn put_sentence<W: AsRef<[u8]>>(words: &[W], out: &mut BytesMut) {
    for w in words {
        put_word(w.as_ref(), out);
    }
    out.put_u8(0);
}

/// Encode a sentence into a fresh buffer.
pub fn encode_sentence<W: AsRef<[u8]>>(words: &[W]) -> BytesMut {
    let size: usize = words.iter().map(|w| w.as_ref().len() + 5).sum::<usize>() + 1;
    let mut out = BytesMut::with_capacity(size);
    put_sentence(words, &mut out);
    out
}

/// Incremental sentence decoder.
///
/// Feed bytes into a [`BytesMut`] as they arrive and call [`SentenceDecoder::decode`]; it
/// remembers how far it has scanned, so a long sentence arriving in many reads is scanned once.
#[derive(Debug)]
pub struct SentenceDecoder {
    /// Offset in the buffer up to which whole words have been scanned.
    scanned: usize,
    /// (start, end) of each word found so far in the current sentence.
    words: Vec<(usize, usize)>,
    max_word: usize,
    max_sentence: usize,
}

impl Default for SentenceDecoder {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_WORD, DEFAULT_MAX_SENTENCE)
    }
}

impl SentenceDecoder {
    /// A decoder with explicit word and sentence size limits.
    pub fn new(max_word: usize, max_sentence: usize) -> Self {
        Self {
            scanned: 0,
            words: Vec::with_capacity(16),
            max_word,
            max_sentence,
        }
    }

    /// Take the next whole sentence off the front of `buf`.
    ///
    /// `Ok(None)`: more bytes are needed (nothing is consumed). `Err`: the stream is broken;
    /// the caller should drop the connection.
    pub fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, CodecError> {
        if !self.scan(buf, true)? {
            return Ok(None);
        }
        let frozen = buf.split_to(self.scanned).freeze();
        let words = self
            .words
            .drain(..)
            .map(|(s, e)| frozen.slice(s..e))
            .collect();
        self.scanned = 0;
        Ok(Some(words))
    }

    /// Take the next whole sentence off the front of `buf` as one [`Frame`]: its words still
    /// length-prefixed, without the terminating empty word. No per-word work beyond checking
    /// the lengths: this is the fast path for big replies.
    ///
    /// `Ok(None)` and `Err` mean what they mean for [`SentenceDecoder::decode`]. Do not switch
    /// between `decode` and `decode_frame` while a sentence is only partly buffered.
    pub fn decode_frame(&mut self, buf: &mut BytesMut) -> Result<Option<Frame>, CodecError> {
        if !self.scan(buf, false)? {
            return Ok(None);
        }
        let mut frame = buf.split_to(self.scanned).freeze();
        frame.truncate(frame.len() - 1);
        self.scanned = 0;
        self.words.clear();
        Ok(Some(Frame(frame)))
    }

    /// Scan whole words from `self.scanned` on; `true` once the terminating empty word is
    /// scanned (then `self.scanned` is the sentence length, terminator included).
    fn scan(&mut self, buf: &BytesMut, record_words: bool) -> Result<bool, CodecError> {
        loop {
            let rest = &buf[self.scanned..];
            let Some((len, prefix)) = get_length(rest)? else {
                return Ok(false);
            };
            if len > self.max_word {
                return Err(CodecError::WordTooLong {
                    len,
                    max: self.max_word,
                });
            }
            if self.scanned + prefix + len > self.max_sentence {
                return Err(CodecError::SentenceTooLong {
                    max: self.max_sentence,
                });
            }
            if rest.len() < prefix + len {
                return Ok(false);
            }
            let start = self.scanned + prefix;
            self.scanned = start + len;
            if len == 0 {
                return Ok(true);
            }
            if record_words {
                self.words.push((start, start + len));
            }
        }
    }
}

/// One whole sentence as it came off the wire: its words, each with its length prefix, without
/// the terminating empty word. Walk it with [`Frame::words`]; slicing it never copies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Frame(pub Bytes);

impl Frame {
    /// The words of a sentence, encoded.
    pub fn encode<W: AsRef<[u8]>>(words: &[W]) -> Self {
        let mut out = encode_sentence(words);
        out.truncate(out.len() - 1);
        Frame(out.freeze())
    }

    /// The words, in order (see [`Words`]).
    pub fn words(&self) -> Words<'_> {
        Words::new(&self.0)
    }
}

/// Iterator over length-prefixed words in a byte slice, yielding `(offset, word)` where
/// `offset` is where the word's bytes start. It stops at the end or at the first prefix that
/// does not fit (a [`Frame`] from the decoder always fits).
#[derive(Clone, Debug)]
pub struct Words<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Words<'a> {
    /// Words of `data` (length-prefixed words, no terminator needed).
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, at: 0 }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = (usize, &'a [u8]);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let rest = self.data.get(self.at..)?;
        let (len, prefix) = match rest.first() {
            None => return None,
            Some(&b) if b < 0x80 => (b as usize, 1),
            _ => get_length(rest).ok()??,
        };
        let word = rest.get(prefix..prefix + len)?;
        let start = self.at + prefix;
        self.at = start + len;
        Some((start, word))
    }
}

/// Decode every whole sentence in `data` (a convenience for tests and tools).
pub fn decode_all(data: &[u8]) -> Result<(Vec<Vec<Bytes>>, usize), CodecError> {
    let mut buf = BytesMut::from(data);
    let mut dec = SentenceDecoder::default();
    let mut out = Vec::new();
    while let Some(s) = dec.decode(&mut buf)? {
        out.push(s);
    }
    Ok((out, buf.remaining()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vectors() -> serde_json::Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/length_vectors.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn every_length_vector_encodes_and_decodes() {
        let v = vectors();
        let valid = v["valid"].as_array().unwrap();
        assert!(valid.len() >= 10);
        for case in valid {
            let len = case["length"].as_u64().unwrap() as usize;
            let want = hex::decode(case["hex"].as_str().unwrap()).unwrap();
            let mut out = BytesMut::new();
            put_length(len, &mut out);
            assert_eq!(&out[..], &want[..], "encoding {len}");
            assert_eq!(
                get_length(&want).unwrap(),
                Some((len, want.len())),
                "decoding {len}"
            );
            // Every strict prefix of the prefix is "need more bytes", never an error.
            for cut in 0..want.len() {
                assert_eq!(get_length(&want[..cut]).unwrap(), None);
            }
        }
    }

    #[test]
    fn invalid_first_bytes_are_errors() {
        let v = vectors();
        let invalid = v["invalid_first_bytes"].as_object().unwrap();
        assert!(invalid.contains_key("0xF8..0xFF"));
        for b in 0xF8..=0xFFu8 {
            assert_eq!(get_length(&[b]), Err(CodecError::ControlByte(b)));
            assert_eq!(
                get_length(&[b, 0, 0, 0, 0]),
                Err(CodecError::ControlByte(b))
            );
        }
    }

    #[test]
    fn extra_checks_from_other_clients() {
        let v = vectors();
        for (name, hex_str) in v["checks"].as_object().unwrap() {
            let want = hex::decode(hex_str.as_str().unwrap()).unwrap();
            let len: usize = name
                .rsplit(' ')
                .next()
                .unwrap()
                .parse()
                .or_else(|_| usize::from_str_radix(name.rsplit("0x").next().unwrap(), 16))
                .unwrap();
            let mut out = BytesMut::new();
            put_length(len, &mut out);
            assert_eq!(&out[..], &want[..], "{name}");
        }
    }

    #[test]
    fn sentence_roundtrip_and_partial_feeding() {
        let big = vec![b'x'; 20_000];
        let words: Vec<&[u8]> = vec![b"!re", b"=name=ether1", b"=comment=a=b=c", &big, b".tag=7"];
        let enc = encode_sentence(&words);
        let mut dec = SentenceDecoder::default();
        let mut buf = BytesMut::new();
        let mut got = None;
        for (i, b) in enc.iter().enumerate() {
            buf.put_u8(*b);
            let r = dec.decode(&mut buf).unwrap();
            if i + 1 < enc.len() {
                assert!(r.is_none());
            } else {
                got = r;
            }
        }
        let got = got.unwrap();
        assert_eq!(got.len(), words.len());
        for (g, w) in got.iter().zip(&words) {
            assert_eq!(&g[..], *w);
        }
        assert!(buf.is_empty());
    }

    #[test]
    fn several_sentences_in_one_buffer() {
        let mut buf = encode_sentence(&["!re", "=a=1"]);
        buf.extend_from_slice(&encode_sentence(&["!done"]));
        buf.extend_from_slice(&[0x05, b'!', b'r']);
        let (sentences, rest) = decode_all(&buf).unwrap();
        assert_eq!(sentences.len(), 2);
        assert_eq!(rest, 3);
    }

    #[test]
    fn limits_are_enforced() {
        let mut dec = SentenceDecoder::new(10, 100);
        let mut buf = encode_sentence(&[vec![b'a'; 11]]);
        assert!(matches!(
            dec.decode(&mut buf),
            Err(CodecError::WordTooLong { len: 11, .. })
        ));
        let mut dec = SentenceDecoder::new(10, 25);
        let mut buf = encode_sentence(&[[b'a'; 9], [b'b'; 9], [b'c'; 9]]);
        assert!(matches!(
            dec.decode(&mut buf),
            Err(CodecError::SentenceTooLong { .. })
        ));
    }

    #[test]
    fn control_byte_mid_stream() {
        let mut buf = encode_sentence(&["!re"]);
        buf.put_u8(0xFF);
        let mut dec = SentenceDecoder::default();
        assert!(dec.decode(&mut buf).unwrap().is_some());
        assert_eq!(dec.decode(&mut buf), Err(CodecError::ControlByte(0xFF)));
    }

    proptest::proptest! {
        #[test]
        fn random_bytes_never_panic(data in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let mut dec = SentenceDecoder::new(1 << 12, 1 << 14);
            let mut buf = BytesMut::from(&data[..]);
            while let Ok(Some(_)) = dec.decode(&mut buf) {}
        }

        #[test]
        fn any_sentence_roundtrips(words in proptest::collection::vec(
            proptest::collection::vec(proptest::num::u8::ANY, 1..300), 0..8)) {
            let enc = encode_sentence(&words);
            let (got, rest) = decode_all(&enc).unwrap();
            proptest::prop_assert_eq!(rest, 0);
            proptest::prop_assert_eq!(got.len(), 1);
            let got: Vec<Vec<u8>> = got[0].iter().map(|b| b.to_vec()).collect();
            proptest::prop_assert_eq!(got, words);
        }
    }
}
