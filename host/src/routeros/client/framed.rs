//! Sentence-level reading and writing on one byte stream (plain TCP or TLS).

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::routeros::codec::{CodecError, SentenceDecoder, encode_sentence};

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

/// Reads whole sentences from a stream, buffering partial ones.
pub struct SentenceReader<R> {
    inner: R,
    buf: BytesMut,
    decoder: SentenceDecoder,
}

impl<R: AsyncRead + Unpin> SentenceReader<R> {
    pub fn new(inner: R) -> Self {
        Self {
            inner,
            buf: BytesMut::with_capacity(64 * 1024),
            decoder: SentenceDecoder::default(),
        }
    }

    /// The next whole sentence.
    pub async fn read(&mut self) -> Result<Vec<Bytes>, ReadError> {
        loop {
            if let Some(s) = self.decoder.decode(&mut self.buf)? {
                return Ok(s);
            }
            if self.buf.capacity() - self.buf.len() < 16 * 1024 {
                self.buf.reserve(64 * 1024);
            }
            if self.inner.read_buf(&mut self.buf).await? == 0 {
                return Err(ReadError::Closed);
            }
        }
    }

    /// The next sentence only if it is already buffered (no I/O).
    pub fn try_buffered(&mut self) -> Result<Option<Vec<Bytes>>, ReadError> {
        Ok(self.decoder.decode(&mut self.buf)?)
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
