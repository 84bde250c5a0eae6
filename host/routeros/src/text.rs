//! Faithful text forms of RouterOS words, which are bytes and not always UTF-8.
//!
//! Routers store what the console typed: comments in Windows-1252 exist in the field. The text
//! form of a value is its UTF-8 reading when the bytes are valid UTF-8, otherwise its
//! Windows-1252 reading. The Windows-1252 reading here maps every byte to exactly one char (the
//! five bytes Windows-1252 leaves undefined map to the C1 controls of the same number, as
//! WHATWG does), so [`encode_cp1252`] gives back the original bytes.

use std::borrow::Cow;

/// Chars for bytes 0x80..=0x9F in Windows-1252 (undefined bytes map to U+0080 + n).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// Text form of a word: UTF-8 when valid, otherwise Windows-1252 (never U+FFFD).
pub fn to_text(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(decode_cp1252(bytes)),
    }
}

/// Decode bytes as Windows-1252, one char per byte.
pub fn decode_cp1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH[(b - 0x80) as usize],
            _ => b as char,
        })
        .collect()
}

/// Encode text back to Windows-1252 bytes; `None` when a char has no Windows-1252 byte.
pub fn encode_cp1252(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| match c as u32 {
            0..=0x7F | 0xA0..=0xFF => Some(c as u8),
            _ => CP1252_HIGH
                .iter()
                .position(|&h| h == c)
                .map(|i| 0x80 + i as u8),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_kept() {
        assert_eq!(to_text("Küche ✓".as_bytes()), "Küche ✓");
    }

    #[test]
    fn cp1252_comment_reads_faithfully_and_roundtrips() {
        let raw = b"K\xfcche \x80 \x93quoted\x94 \x81";
        let text = to_text(raw);
        assert_eq!(text, "Küche € “quoted” \u{81}");
        assert!(!text.contains('\u{FFFD}'));
        assert_eq!(encode_cp1252(&text).unwrap(), raw.to_vec());
    }

    #[test]
    fn every_byte_roundtrips() {
        let all: Vec<u8> = (0..=255u8).collect();
        assert_eq!(encode_cp1252(&decode_cp1252(&all)).unwrap(), all);
        assert_eq!(encode_cp1252("✓"), None);
    }
}
