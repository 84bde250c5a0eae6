//! Fuzz target: arbitrary bytes into the sentence decoder and reply parser must never panic,
//! and every decoded sentence must re-encode to the bytes it came from.
#![no_main]

use bytes::BytesMut;
use libfuzzer_sys::fuzz_target;
use routeros::codec::{SentenceDecoder, encode_sentence};
use routeros::sentence::{Command, Reply};

fuzz_target!(|data: &[u8]| {
    let mut buf = BytesMut::from(data);
    let mut decoder = SentenceDecoder::new(1 << 16, 1 << 20);
    let mut consumed = 0;
    while let Ok(Some(words)) = decoder.decode(&mut buf) {
        let encoded = encode_sentence(&words);
        // Length prefixes have one canonical form, so a decoded sentence may re-encode shorter
        // only if the input used a longer prefix than needed; it must decode to the same words.
        let mut again = BytesMut::from(&encoded[..]);
        let words2 = SentenceDecoder::default().decode(&mut again).unwrap().unwrap();
        assert_eq!(words, words2);
        consumed += encoded.len();
        let _ = Reply::parse(words.clone());
        let _ = Command::parse(words);
    }
    let _ = consumed;
});
