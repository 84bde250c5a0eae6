//! Sentence-level reading and writing on one byte stream (plain TCP or TLS).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::codec::{CodecError, Frame, SentenceDecoder, encode_sentence};

/// Bytes asked of the stream per read: big reads mean few system calls and few wake-ups for a
/// long reply (each read is routed as one batch).
const READ_CHUNK: usize = 256 * 1024;

/// Any byte stream a session can run on.
pub trait Stream: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Stream for T {}

/// Why reading a sentence failed.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the router closed the connection")]
    Closed,
    #[error("read failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("the router sent bytes that are not RouterOS API: {0}")]
    Codec(#[from] CodecError),
}

/// Reads whole sentences ([`Frame`]s) from a stream, buffering partial ones.
pub struct SentenceReader<R> {
    inner: R,
    buf: BytesMut,
    decoder: SentenceDecoder,
    /// Bytes read so far, shared so other tasks can tell whether the router is still sending.
    received: Arc<AtomicU64>,
    /// The first two bytes ever received (fewer until they arrive), to recognise TLS.
    head: Vec<u8>,
}

impl<R: AsyncRead + Unpin> SentenceReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            buf: BytesMut::with_capacity(READ_CHUNK),
            decoder: SentenceDecoder::default(),
            received: Arc::new(AtomicU64::new(0)),
            head: Vec::with_capacity(2),
        }
    }

    /// Whether the stream began like a TLS record (an alert `0x15 0x03` or a handshake
    /// `0x16 0x03`): a RouterOS reply begins with the length of `!done`, `!trap`, … instead.
    pub fn starts_like_tls(&self) -> bool {
        matches!(self.head[..], [0x15 | 0x16, 0x03])
    }

    /// The count of bytes read from the stream, updated on every read.
    pub fn received(&self) -> Arc<AtomicU64> {
        self.received.clone()
    }

    /// The next whole sentence.
    pub async fn read(&mut self) -> Result<Frame, ReadError> {
        loop {
            if let Some(s) = self.decoder.decode_frame(&mut self.buf)? {
                return Ok(s);
            }
            if self.buf.capacity() - self.buf.len() < READ_CHUNK / 4 {
                // Frames handed out keep their part of the old buffer alive; this takes a
                // fresh one (or reclaims the old one once every frame of it is dropped).
                self.buf.reserve(READ_CHUNK);
            }
            let n = self.inner.read_buf(&mut self.buf).await?;
            if n == 0 {
                return Err(ReadError::Closed);
            }
            if self.head.len() < 2 {
                let start = self.buf.len() - n;
                let want = (2 - self.head.len()).min(n);
                self.head.extend_from_slice(&self.buf[start..start + want]);
            }
            self.received.fetch_add(n as u64, Ordering::Release);
        }
    }

    /// The next sentence only if it is already buffered (no I/O).
    pub fn try_buffered(&mut self) -> Result<Option<Frame>, ReadError> {
        Ok(self.decoder.decode_frame(&mut self.buf)?)
    }
}

/// Write one sentence and flush.
pub async fn write_sentence<W: AsyncWrite + Unpin>(
    w: &mut W,
    words: &[Bytes],
) -> std::io::Result<()> {
    w.write_all(&encode_sentence(words)).await?;
    w.flush().await
}
