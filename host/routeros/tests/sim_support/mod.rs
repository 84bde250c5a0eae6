//! A bare RouterOS API speaker for the sim tests: raw sentences over TCP (or TLS) with the
//! codec only, so the tests see exactly what the simulated router sends.
#![allow(dead_code)]

use bytes::{Bytes, BytesMut};
use routeros::codec::{SentenceDecoder, encode_sentence};
use routeros::sim::{Sim, SimConfig, SimHandle};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

/// Guard against a hang: no reply at all within this time fails the test.
const HANG: Duration = Duration::from_secs(20);

/// One API connection.
pub struct Conn<S> {
    io: S,
    buf: BytesMut,
    dec: SentenceDecoder,
}

/// A sentence as text (lossy for non-UTF-8 words; use `read_raw` for bytes).
pub type Sentence = Vec<String>;

pub async fn start(cfg: SimConfig) -> SimHandle {
    Sim::start(cfg).await.expect("sim starts")
}

pub async fn connect(sim: &SimHandle) -> Conn<TcpStream> {
    Conn::new(TcpStream::connect(sim.addr()).await.expect("connect"))
}

/// Connected and logged in as admin with an empty password.
pub async fn logged_in(sim: &SimHandle) -> Conn<TcpStream> {
    let mut c = connect(sim).await;
    c.send(&["/login", "=name=admin", "=password="]).await;
    assert_eq!(c.read().await.unwrap(), vec!["!done"]);
    c
}

impl<S: AsyncRead + AsyncWrite + Unpin> Conn<S> {
    pub fn new(io: S) -> Self {
        Self {
            io,
            buf: BytesMut::new(),
            dec: SentenceDecoder::default(),
        }
    }

    pub async fn send(&mut self, words: &[&str]) {
        let enc = encode_sentence(words);
        self.io.write_all(&enc).await.expect("write");
    }

    pub async fn send_raw(&mut self, words: &[&[u8]]) {
        let enc = encode_sentence(words);
        self.io.write_all(&enc).await.expect("write");
    }

    /// The next sentence as bytes; `None` when the router closed or sent a broken stream.
    pub async fn read_raw(&mut self) -> Option<Vec<Bytes>> {
        loop {
            match self.dec.decode(&mut self.buf) {
                Ok(Some(s)) => return Some(s),
                Ok(None) => {}
                Err(_) => return None,
            }
            let n = tokio::time::timeout(HANG, self.io.read_buf(&mut self.buf))
                .await
                .expect("the sim answered nothing (hang)")
                .ok()?;
            if n == 0 {
                return None;
            }
        }
    }

    /// Raw bytes as they come (for fault tests); empty on close.
    pub async fn read_bytes(&mut self) -> Vec<u8> {
        if !self.buf.is_empty() {
            return self.buf.split().to_vec();
        }
        let mut b = vec![0u8; 4096];
        let n = tokio::time::timeout(HANG, self.io.read(&mut b))
            .await
            .expect("hang")
            .unwrap_or(0);
        b.truncate(n);
        b
    }

    pub async fn read(&mut self) -> Option<Sentence> {
        self.read_raw().await.map(|s| {
            s.iter()
                .map(|w| String::from_utf8_lossy(w).into_owned())
                .collect()
        })
    }

    /// Sentences up to and including the `!done` (of `tag`, when given).
    pub async fn until_done(&mut self, tag: Option<&str>) -> Vec<Sentence> {
        let mut out = Vec::new();
        loop {
            let s = self.read().await.expect("connection closed before !done");
            let done = s[0] == "!done" && tag.is_none_or(|t| s.contains(&format!(".tag={t}")));
            out.push(s);
            if done {
                return out;
            }
        }
    }

    /// Send a command and collect its reply up to `!done`.
    pub async fn call(&mut self, words: &[&str]) -> Vec<Sentence> {
        self.send(words).await;
        self.until_done(None).await
    }

    /// Whether the router closed the connection (EOF) next.
    pub async fn closed(&mut self) -> bool {
        self.read_raw().await.is_none()
    }
}

/// Value of `=name=` in a sentence.
pub fn attr<'a>(s: &'a Sentence, name: &str) -> Option<&'a str> {
    let prefix = format!("={name}=");
    s.iter().find_map(|w| w.strip_prefix(&prefix))
}

/// The `!re` sentences of a reply.
pub fn rows(reply: &[Sentence]) -> Vec<&Sentence> {
    reply.iter().filter(|s| s[0] == "!re").collect()
}

/// One attribute of every row.
pub fn column(reply: &[Sentence], name: &str) -> Vec<String> {
    rows(reply)
        .iter()
        .filter_map(|s| attr(s, name).map(str::to_string))
        .collect()
}
