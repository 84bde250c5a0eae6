//! A minimal MCP client for latency measurements: one thread writes a request line and reads
//! the response line, so the figures are the server's, not a test client's (the e2e
//! `McpClient` checks every line on a reader thread and parses it, which costs tens of µs).
//!
//! Every response is still checked: its id, that it is a tool result with structured content
//! and not an error; the first one is parsed in full.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::Value;

pub struct LeanClient {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    line: String,
    next_id: u64,
}

impl LeanClient {
    /// Spawn the server and complete the MCP handshake.
    pub fn start(mut cmd: Command) -> Self {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the server");
        let stdin = child.stdin.take().expect("server stdin");
        let stdout = BufReader::new(child.stdout.take().expect("server stdout"));
        let mut client = Self {
            child,
            stdin,
            stdout,
            line: String::new(),
            next_id: 1,
        };
        let init = r#"{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"mcp-bench","version":"1"}}"#;
        client.request("initialize", init);
        client.send(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#);
        client.request("tools/list", "{}");
        client
    }

    fn send(&mut self, line: &str) {
        self.stdin
            .write_all(line.as_bytes())
            .expect("write request");
        self.stdin.write_all(b"\n").expect("write request");
        self.stdin.flush().expect("flush request");
    }

    /// Send a request and return its response line (checked to carry the request's id).
    fn request(&mut self, method: &str, params: &str) -> &str {
        let id = self.next_id;
        self.next_id += 1;
        let line =
            format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"{method}","params":{params}}}"#);
        self.send(&line);
        self.line.clear();
        let n = self
            .stdout
            .read_line(&mut self.line)
            .expect("read response");
        assert!(n > 0, "the server closed stdout");
        assert!(
            self.line.contains(&format!(r#""id":{id},"#))
                || self.line.contains(&format!(r#""id":{id}}}"#)),
            "response to request {id} expected, got {}",
            self.line
        );
        &self.line
    }

    /// An MCP `ping`: the round trip through the transport alone, no tool and no router.
    pub fn ping(&mut self) {
        let line = self.request("ping", "{}");
        assert!(line.contains(r#""result":{}"#), "ping failed: {line}");
    }

    /// Call `tool` with `arguments` (JSON text); panics unless it is a successful result with
    /// structured content. With `full`, parse the response and check its shape too.
    pub fn call(&mut self, tool: &str, arguments: &str, full: bool) {
        let params = format!(r#"{{"name":"{tool}","arguments":{arguments}}}"#);
        let line = self.request("tools/call", &params);
        assert!(
            line.contains(r#""structuredContent""#) && !line.contains(r#""isError":true"#),
            "{tool} failed: {line}"
        );
        if full {
            let response: Value = serde_json::from_str(line).expect("response is JSON");
            let result = &response["result"];
            assert!(result["content"][0]["text"].is_string(), "{response}");
            assert!(result["structuredContent"].is_object(), "{response}");
        }
    }
}

impl Drop for LeanClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
