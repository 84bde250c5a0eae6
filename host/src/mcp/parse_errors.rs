//! A thin layer in front of rmcp's stdio transport that answers unparseable input.
//!
//! rmcp drops a line that is not JSON without a word, on purpose, and a client that sent it
//! would wait for ever. JSON-RPC 2.0 asks for a parse error (`-32700`, id `null`), so every
//! line from the client passes through here first: a line that is JSON goes on to rmcp
//! unchanged; one that is not — broken JSON, bytes that are not UTF-8, a number out of range
//! such as `1e400`, nesting deeper than the parser allows, or a line over [`MAX_LINE`] bytes —
//! is answered with a parse error that says what is wrong. Answers and rmcp's own messages
//! share stdout one whole line at a time.
//!
//! It is plain tokio: two relay tasks and two in-memory pipes; rmcp's transport still reads
//! and writes every message.

use std::io;

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::io::{DuplexStream, duplex};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Longest line accepted from the client (rmcp's own limit).
pub const MAX_LINE: usize = 16 << 20;

/// Size of the in-memory pipes between the relays and rmcp.
const PIPE: usize = 64 << 10;

/// The two ends rmcp's transport uses, and the task that writes its output.
pub struct Guarded {
    /// What rmcp reads: the client's lines that are JSON.
    pub reader: DuplexStream,
    /// What rmcp writes: relayed to the client with the parse errors.
    pub writer: DuplexStream,
    /// Ends once rmcp's writer is dropped and everything has reached the client.
    pub output: JoinHandle<()>,
}

/// Put the guard between the client (`input`, `output`) and rmcp.
pub fn guard<R, W>(input: R, output: W) -> Guarded
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let (rmcp_reader, to_rmcp) = duplex(PIPE);
    let (rmcp_writer, from_rmcp) = duplex(PIPE);
    let (errors_tx, errors_rx) = mpsc::unbounded_channel();
    tokio::spawn(relay_input(input, to_rmcp, errors_tx));
    let output = tokio::spawn(relay_output(from_rmcp, errors_rx, output));
    Guarded {
        reader: rmcp_reader,
        writer: rmcp_writer,
        output,
    }
}

/// Why a line is not a message, or `None` when it is JSON (or blank, which rmcp skips).
pub fn parse_problem(line: &[u8]) -> Option<String> {
    let text = line.strip_suffix(b"\n").unwrap_or(line);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    if text.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let text = text.strip_prefix("\u{feff}".as_bytes()).unwrap_or(text);
    // Parsed into a `Value` (not skimmed) so that bytes that are not UTF-8 and numbers out of
    // range are caught, as rmcp's own parse would catch them.
    match serde_json::from_slice::<serde_json::Value>(text) {
        Ok(_) => None,
        Err(e) => Some(format!("the message is not valid JSON: {e}")),
    }
}

/// The JSON-RPC parse error response for `problem`, as one line.
pub fn parse_error_line(problem: &str) -> String {
    let response = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32700, "message": format!("Parse error: {problem}")},
    });
    format!("{response}\n")
}

/// Read the client's lines; hand JSON on to rmcp and report the rest.
async fn relay_input<R: AsyncRead + Unpin>(
    input: R,
    mut to_rmcp: DuplexStream,
    errors: mpsc::UnboundedSender<String>,
) {
    let mut input = BufReader::new(input);
    let mut line = Vec::new();
    loop {
        line.clear();
        let limit = MAX_LINE as u64 + 1;
        match (&mut input).take(limit).read_until(b'\n', &mut line).await {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) => {
                tracing::warn!("cannot read from stdin: {e}");
                return;
            }
        }
        if line.len() > MAX_LINE && !line.ends_with(b"\n") {
            let _ = errors.send(parse_error_line(&format!(
                "the message is longer than the {} MiB this server accepts",
                MAX_LINE >> 20
            )));
            if skip_rest_of_line(&mut input).await.is_err() {
                return;
            }
            continue;
        }
        if let Some(problem) = parse_problem(&line) {
            tracing::debug!("answering an unparseable message: {problem}");
            let _ = errors.send(parse_error_line(&problem));
            continue;
        }
        if !line.ends_with(b"\n") {
            line.push(b'\n');
        }
        if to_rmcp.write_all(&line).await.is_err() {
            return;
        }
    }
}

/// Discard input up to and including the next newline (or the end).
async fn skip_rest_of_line<R: AsyncRead + Unpin>(input: &mut BufReader<R>) -> io::Result<()> {
    loop {
        let buffer = input.fill_buf().await?;
        if buffer.is_empty() {
            return Ok(());
        }
        match memchr::memchr(b'\n', buffer) {
            Some(at) => {
                input.consume(at + 1);
                return Ok(());
            }
            None => {
                let n = buffer.len();
                input.consume(n);
            }
        }
    }
}

/// Write rmcp's lines and the parse errors to the client, each line whole.
async fn relay_output<W: AsyncWrite + Unpin>(
    from_rmcp: DuplexStream,
    mut errors: mpsc::UnboundedReceiver<String>,
    mut output: W,
) {
    let mut from_rmcp = BufReader::new(from_rmcp);
    let mut line = Vec::new();
    let mut errors_open = true;
    loop {
        line.clear();
        tokio::select! {
            read = from_rmcp.read_until(b'\n', &mut line) => match read {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            },
            error = errors.recv(), if errors_open => match error {
                Some(error) => line.extend_from_slice(error.as_bytes()),
                None => {
                    errors_open = false;
                    continue;
                }
            },
        }
        if output.write_all(&line).await.is_err() || output.flush().await.is_err() {
            return;
        }
    }
    // rmcp is done; answer what the client sent last, then stop.
    while let Ok(error) = errors.try_recv() {
        if output.write_all(error.as_bytes()).await.is_err() {
            return;
        }
    }
    let _ = output.flush().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_passes_and_everything_else_is_a_parse_error() {
        assert_eq!(parse_problem(b"{\"jsonrpc\":\"2.0\"}\n"), None);
        assert_eq!(parse_problem(b"  \r\n"), None);
        assert_eq!(parse_problem(b"\xef\xbb\xbf{}\n"), None);
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for bad in [
            &b"{\"jsonrpc\":\n"[..],
            b"not json\n",
            b"{\"a\":\"\xff\xfe\"}\n",
            b"{\"a\":1e400}\n",
            deep.as_bytes(),
        ] {
            let problem = parse_problem(bad).expect("a parse problem");
            assert!(problem.contains("not valid JSON"), "{problem}");
        }
    }

    #[test]
    fn the_answer_is_a_jsonrpc_parse_error_with_a_null_id() {
        let line = parse_error_line("the message is not valid JSON: x");
        assert!(line.ends_with('\n') && line.matches('\n').count() == 1);
        let value: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(value["id"], serde_json::Value::Null);
        assert_eq!(value["error"]["code"], -32700);
    }

    #[tokio::test]
    async fn lines_are_relayed_or_answered_in_order() {
        let (client, server_in) = duplex(1 << 10);
        let (server_out, mut client_reads) = duplex(1 << 10);
        let Guarded {
            mut reader,
            mut writer,
            output,
        } = guard(server_in, server_out);
        let mut client = client;
        client
            .write_all(b"{\"a\":1}\nbroken\n{\"b\":2}\n")
            .await
            .unwrap();
        drop(client);
        let mut seen = String::new();
        reader.read_to_string(&mut seen).await.unwrap();
        assert_eq!(seen, "{\"a\":1}\n{\"b\":2}\n");
        writer.write_all(b"{\"reply\":1}\n").await.unwrap();
        drop(writer);
        output.await.unwrap();
        let mut out = String::new();
        client_reads.read_to_string(&mut out).await.unwrap();
        assert!(out.contains("{\"reply\":1}\n"), "{out}");
        assert!(out.contains("-32700"), "{out}");
        assert_eq!(out.lines().count(), 2, "{out}");
    }
}
