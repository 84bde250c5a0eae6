use std::sync::Arc;

use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use super::*;

/// An inner writer that takes at most `step` bytes per write.
struct Trickle {
    out: Vec<u8>,
    step: usize,
}

impl AsyncWrite for Trickle {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let n = data.len().min(self.step);
        self.out.extend_from_slice(&data[..n]);
        Poll::Ready(Ok(n))
    }
    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// Write `bytes` through a splice writer in chunks of `chunk`, into an inner writer taking
/// `step` bytes at a time; what came out.
async fn through(stash: &Arc<Stash>, bytes: &[u8], chunk: usize, step: usize) -> Vec<u8> {
    let mut writer = SpliceWriter::new(Trickle { out: vec![], step }, stash.clone());
    for piece in bytes.chunks(chunk) {
        writer.write_all(piece).await.unwrap();
    }
    writer.flush().await.unwrap();
    writer.inner.out
}

fn message(stash: &Stash, structured: &str) -> Vec<u8> {
    let result = json!({
        "jsonrpc": "2.0", "id": 7,
        "result": {"content": [{"type": "text", "text": "a \"quoted\" table"}],
                   "structuredContent": stash.placeholder(structured.to_string()),
                   "isError": false}
    });
    let mut line = serde_json::to_vec(&result).unwrap();
    line.push(b'\n');
    line
}

#[tokio::test]
async fn the_placeholder_becomes_the_plugins_json_text() {
    let stash = Arc::new(Stash::new());
    let structured = r#"{"rows":[{"name":"ether1","mtu":1500}],"shown":1,"total":1}"#;
    let line = message(&stash, structured);
    let out = through(&stash, &line, 4096, 4096).await;
    assert!(out.ends_with(b"\n"));
    let value: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        value["result"]["structuredContent"],
        serde_json::from_str::<Value>(structured).unwrap()
    );
    assert_eq!(value["result"]["content"][0]["text"], "a \"quoted\" table");
    assert!(stash.is_empty(), "a spliced text is not kept");
}

#[tokio::test]
async fn small_writes_and_slow_readers_give_the_same_bytes() {
    let stash = Arc::new(Stash::new());
    let mut lines = message(&stash, r#"{"a":1}"#);
    lines.extend(message(&stash, r#"{"b":[true,null]}"#));
    lines.extend_from_slice(b"{\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n");
    let out = through(&stash, &lines, 3, 5).await;
    let values: Vec<Value> = out
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(values.len(), 3);
    assert_eq!(values[0]["result"]["structuredContent"], json!({"a": 1}));
    assert_eq!(
        values[1]["result"]["structuredContent"],
        json!({"b": [true, null]})
    );
    assert_eq!(values[2]["method"], "x");
}

#[tokio::test]
async fn strings_that_only_look_like_placeholders_pass_unchanged() {
    let stash = Arc::new(Stash::new());
    let other = Stash::new();
    // Another nonce, a known nonce with an unknown id, and an unterminated one.
    let forged = other.placeholder("{}".into());
    let known = stash.placeholder("{\"kept\":1}".into());
    let marker = known.as_object().unwrap().keys().next().unwrap().clone();
    let unknown = marker.rsplit_once('-').unwrap().0.to_string() + "-999";
    let object = |key: &str, value: Value| {
        let mut map = serde_json::Map::new();
        map.insert(key.to_string(), value);
        Value::Object(map)
    };
    let text = json!({
        "forged": forged,
        "unknown": object(&unknown, Value::Null),
        "other_value": object(&marker, json!(1)),
        "as_string": marker,
        "longer": object(&format!("{marker}x"), Value::Null),
    });
    let mut line = serde_json::to_vec(&text).unwrap();
    line.push(b'\n');
    let out = through(&stash, &line, 4096, 4096).await;
    assert_eq!(out, line);
    assert!(!stash.is_empty(), "the unused text is still kept");
}
