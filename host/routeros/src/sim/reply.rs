//! Building reply sentences for one command and handing them to the connection's writer in
//! batches: rows are encoded straight into the batch buffer (generated rows field by field as
//! they are made, see [`ReplySink::row_built`]), a full batch waits for the writer
//! (backpressure), and faults that act on replies (slow, drop mid-reply) apply here.

use super::fields::{Fields, FixedFields};
use super::query::Proplist;
use super::row::FlatRow;
use crate::codec::put_length;
use bytes::{BufMut, Bytes, BytesMut};
use std::time::Duration;
use tokio::sync::mpsc;

/// What the writer task receives.
#[derive(Debug)]
pub enum Out {
    /// Bytes to write as they are.
    Data(Bytes),
    /// Close the connection after what was queued before.
    Close,
}

/// The connection is gone (or was closed on purpose); the command stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

/// Size at which a batch is handed to the writer: big writes, few wake-ups.
const BATCH: usize = 256 * 1024;

/// Reply builder of one command.
pub struct ReplySink {
    out: mpsc::Sender<Out>,
    tag: Option<Bytes>,
    batch: BytesMut,
    /// Delay before each sentence (fault `SlowReplies`).
    pub slow: Option<Duration>,
    /// Close the connection after this many more `!re` (fault `DropMidReply`).
    pub drop_after: Option<usize>,
}

#[inline]
fn put_attr(name: &[u8], value: &[u8], out: &mut BytesMut) {
    let len = name.len() + value.len() + 2;
    out.reserve(len + 5);
    put_length(len, out);
    out.put_u8(b'=');
    out.put_slice(name);
    out.put_u8(b'=');
    out.put_slice(value);
}

/// How the rows of one command go on the wire: its `.proplist`, and the words of each
/// [`Fields::fixed`] list under that proplist, encoded once and then copied per row.
pub struct RowEncoder {
    proplist: Proplist,
    /// (address, length) of a fixed list, and its encoded words.
    fixed: Vec<(usize, usize, Vec<u8>)>,
}

impl RowEncoder {
    /// An encoder keeping the fields `proplist` keeps.
    pub fn new(proplist: Proplist) -> Self {
        Self {
            proplist,
            fixed: Vec::new(),
        }
    }

    /// The encoded words of a fixed list (encoded on first use).
    fn fixed_words(&mut self, fields: &'static FixedFields) -> &[u8] {
        let key = (fields.as_ptr() as usize, fields.len());
        let at = match self.fixed.iter().position(|(a, n, _)| (*a, *n) == key) {
            Some(at) => at,
            None => {
                let mut words = BytesMut::new();
                for (n, v) in fields.iter().filter(|(n, _)| self.proplist.keeps(n)) {
                    put_attr(n, v, &mut words);
                }
                self.fixed.push((key.0, key.1, words.to_vec()));
                self.fixed.len() - 1
            }
        };
        &self.fixed[at].2
    }
}

/// [`Fields`] encoded as `=name=value` words of a sentence, through a [`RowEncoder`].
struct WireFields<'a> {
    out: &'a mut BytesMut,
    encoder: &'a mut RowEncoder,
}

impl Fields for WireFields<'_> {
    #[inline]
    fn field(&mut self, name: &[u8], value: &[u8]) {
        if self.encoder.proplist.keeps(name) {
            put_attr(name, value, self.out);
        }
    }

    fn fixed(&mut self, fields: &'static FixedFields) {
        self.out.extend_from_slice(self.encoder.fixed_words(fields));
    }
}

impl ReplySink {
    /// A sink writing to `out`, tagging each sentence with `tag`.
    pub fn new(out: mpsc::Sender<Out>, tag: Option<Bytes>) -> Self {
        Self {
            out,
            tag,
            batch: BytesMut::with_capacity(BATCH + 4096),
            slow: None,
            drop_after: None,
        }
    }

    fn begin(&mut self, word: &[u8]) {
        put_length(word.len(), &mut self.batch);
        self.batch.put_slice(word);
        if let Some(tag) = &self.tag {
            put_length(tag.len() + 5, &mut self.batch);
            self.batch.put_slice(b".tag=");
            self.batch.put_slice(tag);
        }
    }

    async fn end(&mut self) -> Result<(), Closed> {
        self.batch.put_u8(0);
        if let Some(d) = self.slow {
            tokio::time::sleep(d).await;
            self.flush().await
        } else if self.batch.len() >= BATCH {
            self.flush().await
        } else {
            Ok(())
        }
    }

    /// A sentence of `word` (`!done`, `!trap`, ...) with attributes.
    pub async fn sentence(&mut self, word: &[u8], attrs: &[(&[u8], &[u8])]) -> Result<(), Closed> {
        self.begin(word);
        for (n, v) in attrs {
            put_attr(n, v, &mut self.batch);
        }
        self.end().await
    }

    /// One `!re` with the fields of `row` that `proplist` keeps.
    pub async fn row(&mut self, row: &FlatRow, proplist: &Proplist) -> Result<(), Closed> {
        self.before_row().await?;
        self.begin(b"!re");
        for (n, v) in row.iter() {
            if proplist.keeps(n) {
                put_attr(n, v, &mut self.batch);
            }
        }
        self.end().await
    }

    /// One `!re` whose fields `build` writes straight into the batch, through `encoder`.
    pub async fn row_built(
        &mut self,
        encoder: &mut RowEncoder,
        build: impl FnOnce(&mut dyn Fields),
    ) -> Result<(), Closed> {
        self.before_row().await?;
        self.begin(b"!re");
        build(&mut WireFields {
            out: &mut self.batch,
            encoder,
        });
        self.end().await
    }

    /// The `DropMidReply` fault: close the connection once its count of rows is used up.
    async fn before_row(&mut self) -> Result<(), Closed> {
        if let Some(left) = self.drop_after.as_mut() {
            if *left == 0 {
                self.flush().await?;
                let _ = self.out.send(Out::Close).await;
                return Err(Closed);
            }
            *left -= 1;
        }
        Ok(())
    }

    /// `!done`, with `=ret=` when given, then flush. Under `DropMidReply` the connection is
    /// closed instead, so the reply is always cut.
    pub async fn done(&mut self, ret: Option<&[u8]>) -> Result<(), Closed> {
        if self.drop_after.is_some() {
            self.close().await;
            return Err(Closed);
        }
        match ret {
            Some(r) => self.sentence(b"!done", &[(b"ret", r)]).await?,
            None => self.sentence(b"!done", &[]).await?,
        }
        self.flush().await
    }

    /// `!trap` (with `=category=` when given) followed by `!done`, as RouterOS always does.
    pub async fn trap(&mut self, category: Option<u8>, message: &str) -> Result<(), Closed> {
        match category {
            Some(c) => {
                let c = c.to_string();
                self.sentence(
                    b"!trap",
                    &[
                        (b"category", c.as_bytes()),
                        (b"message", message.as_bytes()),
                    ],
                )
                .await?
            }
            None => {
                self.sentence(b"!trap", &[(b"message", message.as_bytes())])
                    .await?
            }
        }
        self.done(None).await
    }

    /// `!empty` (RouterOS ≥ 7.18 for a print that matched nothing).
    pub async fn empty(&mut self) -> Result<(), Closed> {
        self.sentence(b"!empty", &[]).await
    }

    /// Hand the batch to the writer, waiting while the writer is behind.
    pub async fn flush(&mut self) -> Result<(), Closed> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let data = self.batch.split().freeze();
        self.out.send(Out::Data(data)).await.map_err(|_| Closed)
    }

    /// Send raw bytes (faults) after what is batched.
    pub async fn raw(&mut self, bytes: Bytes) -> Result<(), Closed> {
        self.flush().await?;
        self.out.send(Out::Data(bytes)).await.map_err(|_| Closed)
    }

    /// Ask the writer to close the connection.
    pub async fn close(&mut self) {
        let _ = self.flush().await;
        let _ = self.out.send(Out::Close).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::decode_all;

    #[tokio::test]
    async fn tag_follows_reply_word_and_proplist_filters() {
        let (tx, mut rx) = mpsc::channel(4);
        let mut sink = ReplySink::new(tx, Some(Bytes::from_static(b"7")));
        let row = FlatRow::from_pairs(&[(".id", "*1"), ("name", "ether1"), ("mtu", "1500")]);
        sink.row(&row, &Proplist::parse(Some(b"mtu,.id")))
            .await
            .unwrap();
        sink.trap(Some(1), "unknown parameter x").await.unwrap();
        let Some(Out::Data(bytes)) = rx.recv().await else {
            panic!("no data")
        };
        let (sentences, rest) = decode_all(&bytes).unwrap();
        assert_eq!(rest, 0);
        let words: Vec<Vec<&[u8]>> = sentences
            .iter()
            .map(|s| s.iter().map(|w| &w[..]).collect())
            .collect();
        assert_eq!(
            words[0],
            vec![&b"!re"[..], b".tag=7", b"=.id=*1", b"=mtu=1500"]
        );
        assert_eq!(
            words[1],
            vec![
                &b"!trap"[..],
                b".tag=7",
                b"=category=1",
                b"=message=unknown parameter x"
            ]
        );
        assert_eq!(words[2], vec![&b"!done"[..], b".tag=7"]);
    }
}
