//! A minimal MCP client for tests: runs `mcp-mikrotik` as a child process and speaks
//! JSON-RPC over newline-delimited JSON on its stdin/stdout.
//!
//! A reader thread checks that EVERY stdout line is a JSON-RPC 2.0 message (a plugin's
//! stdout must never leak into the stream), routes responses to their waiting request and
//! records notifications (e.g. progress). Stderr is captured for assertions and printed when
//! a test fails. Every wait has a deadline, so no test can hang on the server.
//!
//! Once `tools/list` has been called, every successful `tools/call` result of a tool with an
//! `outputSchema` is checked against it here too, independently of the server's own check.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long a request may wait for its response unless a test says otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// A JSON-RPC error response.
#[derive(Clone, Debug, PartialEq)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    pub data: Option<Value>,
}

/// The result of `tools/call` that did not fail at the protocol level.
#[derive(Clone, Debug)]
pub struct ToolResult {
    /// All text content blocks, joined by newlines.
    pub text: String,
    pub structured: Option<Value>,
    pub is_error: bool,
    /// The whole result object.
    pub raw: Value,
}

#[derive(Default)]
struct Shared {
    pending: HashMap<u64, Sender<Value>>,
    notifications: Vec<Value>,
    /// Stdout lines that were not JSON-RPC messages.
    violations: Vec<String>,
    stderr: String,
    stdout_closed: bool,
    /// How the "person" answers `elicitation/create` (`accept`, `decline`, `cancel`); `None`:
    /// the client does not do elicitation.
    elicit: Option<String>,
    /// The `elicitation/create` requests the server sent.
    elicitations: Vec<Value>,
}

/// A request sent with [`McpClient::start_request`] whose response is still to be collected.
pub struct PendingRequest {
    /// The JSON-RPC id it was sent with.
    pub id: u64,
    rx: Receiver<Value>,
}

/// A running server and the client side of its stdio.
pub struct McpClient {
    child: Child,
    stdin: Arc<Mutex<Option<ChildStdin>>>,
    shared: Arc<Mutex<Shared>>,
    next_id: AtomicU64,
    /// Tool name → its `outputSchema`, from the last `tools/list` (`None`: not listed yet).
    output_schemas: Mutex<Option<HashMap<String, Value>>>,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(|e| e.into_inner())
}

/// Whether `msg` is a JSON-RPC 2.0 request, notification or response.
fn is_jsonrpc(msg: &Value) -> bool {
    let Some(obj) = msg.as_object() else {
        return false;
    };
    obj.get("jsonrpc") == Some(&json!("2.0"))
        && (obj.get("method").is_some_and(Value::is_string)
            || (obj.contains_key("id")
                && (obj.contains_key("result") || obj.contains_key("error"))))
}

impl McpClient {
    /// Spawn `cmd` with piped stdio; no MCP handshake yet (see [`McpClient::initialize`]).
    pub fn spawn(mut cmd: Command) -> Self {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn mcp-mikrotik");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let shared = Arc::new(Mutex::new(Shared::default()));
        let stdin = Arc::new(Mutex::new(child.stdin.take()));
        let reader = shared.clone();
        let answers = stdin.clone();
        std::thread::spawn(move || read_stdout(stdout, &reader, &answers));
        let errors = shared.clone();
        std::thread::spawn(move || read_stderr(stderr, &errors));
        Self {
            stdin,
            child,
            shared,
            next_id: AtomicU64::new(1),
            output_schemas: Mutex::new(None),
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `initialize` + `notifications/initialized`; the server's initialize result.
    pub fn initialize(&self) -> Value {
        let result = self
            .request(
                "initialize",
                json!({
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "e2e-tests", "version": "0.1.0"}
                }),
            )
            .unwrap_or_else(|e| self.fail(&format!("initialize failed: {e:?}")));
        self.notify("notifications/initialized", json!({}));
        result
    }

    /// `initialize` as a client that supports elicitation (MCP 2025-11-25, form mode), whose
    /// person answers every `elicitation/create` with `action`.
    pub fn initialize_eliciting(&self, action: &str) -> Value {
        lock(&self.shared).elicit = Some(action.to_string());
        let result = self
            .request(
                "initialize",
                json!({
                    "protocolVersion": "2025-11-25",
                    "capabilities": {"elicitation": {"form": {}}},
                    "clientInfo": {"name": "e2e-eliciting", "version": "0.1.0"}
                }),
            )
            .unwrap_or_else(|e| self.fail(&format!("initialize failed: {e:?}")));
        self.notify("notifications/initialized", json!({}));
        result
    }

    /// The `elicitation/create` requests the server sent so far.
    pub fn elicitations(&self) -> Vec<Value> {
        lock(&self.shared).elicitations.clone()
    }

    /// Send a notification.
    pub fn notify(&self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request and wait (at most [`DEFAULT_TIMEOUT`]) for its response.
    pub fn request(&self, method: &str, params: Value) -> Result<Value, RpcError> {
        self.request_within(method, params, DEFAULT_TIMEOUT)
    }

    /// Send a request and wait at most `timeout` for its response; no response in time fails
    /// the test (with the server's stderr).
    pub fn request_within(
        &self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, RpcError> {
        let pending = self.start_request(method, params);
        let Some(reply) = self.wait_response(&pending, timeout) else {
            lock(&self.shared).pending.remove(&pending.id);
            self.fail(&format!(
                "no response to {method} within {} ms",
                timeout.as_millis()
            ))
        };
        self.assert_stream_clean();
        if let Some(error) = reply.get("error") {
            return Err(RpcError {
                code: error["code"].as_i64().unwrap_or(0),
                message: error["message"].as_str().unwrap_or("").to_string(),
                data: error.get("data").cloned(),
            });
        }
        Ok(reply.get("result").cloned().unwrap_or(Value::Null))
    }

    /// Send a request without waiting; [`McpClient::wait_response`] collects its response.
    pub fn start_request(&self, method: &str, params: Value) -> PendingRequest {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = channel();
        lock(&self.shared).pending.insert(id, tx);
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        PendingRequest { id, rx }
    }

    /// The whole response message to `pending`, or `None` when none came within `timeout`.
    /// The request stays pending, so a response that comes later is still seen by the next
    /// wait.
    pub fn wait_response(&self, pending: &PendingRequest, timeout: Duration) -> Option<Value> {
        pending.rx.recv_timeout(timeout).ok()
    }

    /// The names of the tools `tools/list` gives.
    pub fn tool_names(&self) -> Vec<String> {
        self.list_tools()
            .iter()
            .filter_map(|t| t["name"].as_str().map(str::to_string))
            .collect()
    }

    /// `tools/list`: the tools array.
    pub fn list_tools(&self) -> Vec<Value> {
        let result = self
            .request("tools/list", json!({}))
            .unwrap_or_else(|e| self.fail(&format!("tools/list failed: {e:?}")));
        let tools = result["tools"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| self.fail(&format!("tools/list has no tools array: {result}")));
        self.remember_output_schemas(&tools);
        tools
    }

    fn remember_output_schemas(&self, tools: &[Value]) {
        let schemas = tools
            .iter()
            .filter_map(|tool| {
                Some((
                    tool["name"].as_str()?.to_string(),
                    tool.get("outputSchema")?.clone(),
                ))
            })
            .collect();
        *self
            .output_schemas
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(schemas);
    }

    /// The output schema of tool `name`, listing the tools first if that has not happened yet
    /// (when listing fails, nothing is checked).
    fn output_schema(&self, name: &str) -> Option<Value> {
        let listed = self
            .output_schemas
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some();
        if !listed {
            let tools = self.request("tools/list", json!({})).ok()?;
            self.remember_output_schemas(tools["tools"].as_array()?);
        }
        self.output_schemas
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()?
            .get(name)
            .cloned()
    }

    /// Fail the test when a successful result of a tool with an output schema has no structured
    /// content or content that does not match the schema.
    fn check_output_schema(&self, name: &str, result: &ToolResult) {
        if result.is_error {
            return;
        }
        let Some(schema) = self.output_schema(name) else {
            return;
        };
        let Some(structured) = &result.structured else {
            self.fail(&format!(
                "{name} has an outputSchema but returned no structuredContent"
            ));
        };
        let validator = jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| self.fail(&format!("{name}: outputSchema does not compile: {e}")));
        let errors: Vec<String> = validator
            .iter_errors(structured)
            .take(5)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        if !errors.is_empty() {
            self.fail(&format!(
                "{name}: structuredContent does not match its outputSchema: {errors:?}\n{structured}"
            ));
        }
    }

    /// `tools/call` with `params` as given (name, arguments, _meta…).
    pub fn call_tool_params(&self, params: Value) -> Result<ToolResult, RpcError> {
        let name = params["name"].as_str().unwrap_or("").to_string();
        let result = self.request("tools/call", params).map(tool_result)?;
        self.check_output_schema(&name, &result);
        Ok(result)
    }

    /// `tools/call`; a JSON-RPC error fails the test.
    pub fn call_tool(&self, name: &str, arguments: Value) -> ToolResult {
        self.try_call_tool(name, arguments)
            .unwrap_or_else(|e| self.fail(&format!("tools/call {name} failed: {e:?}")))
    }

    /// `tools/call`, returning a JSON-RPC error as `Err`.
    pub fn try_call_tool(&self, name: &str, arguments: Value) -> Result<ToolResult, RpcError> {
        self.call_tool_params(json!({"name": name, "arguments": arguments}))
    }

    /// `tools/call` that must succeed (`isError` false); returns the result.
    pub fn call_ok(&self, name: &str, arguments: Value) -> ToolResult {
        let result = self.call_tool(name, arguments.clone());
        if result.is_error {
            self.fail(&format!(
                "{name} {arguments} returned isError: {}",
                result.text
            ));
        }
        result
    }

    /// Notifications received so far.
    pub fn notifications(&self) -> Vec<Value> {
        lock(&self.shared).notifications.clone()
    }

    /// Wait at most `timeout` for a message that is not the response to a pending request
    /// (a notification, or a response whose id is `null`) and matches `wanted`; it is removed.
    pub fn wait_message(
        &self,
        timeout: Duration,
        wanted: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        loop {
            {
                let mut shared = lock(&self.shared);
                if let Some(at) = shared.notifications.iter().position(&wanted) {
                    return Some(shared.notifications.remove(at));
                }
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> String {
        lock(&self.shared).stderr.clone()
    }

    /// Wait until stderr contains `needle` (or fail after `timeout`).
    pub fn wait_for_stderr(&self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.stderr();
            if text.contains(needle) {
                return text;
            }
            if Instant::now() > deadline {
                self.fail(&format!("stderr never contained {needle:?}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Fail the test if any stdout line so far was not a JSON-RPC message.
    pub fn assert_stream_clean(&self) {
        let bad = lock(&self.shared).violations.clone();
        if !bad.is_empty() {
            let first: Vec<String> = bad.iter().take(3).map(|l| truncate(l, 200)).collect();
            self.fail(&format!(
                "{} stdout line(s) were not JSON-RPC messages, e.g. {first:?}",
                bad.len()
            ));
        }
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Close stdin and wait (at most `timeout`) for the server to exit; its exit code.
    pub fn close(mut self, timeout: Duration) -> Option<i32> {
        lock_stdin(&self.stdin).take();
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        None
    }

    fn send(&self, msg: &Value) {
        let mut line = msg.to_string();
        line.push('\n');
        self.send_raw(line.as_bytes());
    }

    /// Write `bytes` to the server's stdin as they are (for malformed input).
    pub fn send_raw(&self, bytes: &[u8]) {
        let mut stdin = lock_stdin(&self.stdin);
        let written = stdin
            .as_mut()
            .map(|s| s.write_all(bytes).and_then(|_| s.flush()));
        if !matches!(written, Some(Ok(()))) {
            drop(stdin);
            self.fail(&format!("cannot write to the server's stdin ({written:?})"));
        }
    }

    /// Fail the test with `what` and the server's stderr.
    pub fn fail(&self, what: &str) -> ! {
        panic!(
            "{what}\n--- server stderr ---\n{}\n---------------------",
            truncate(&self.stderr(), 8000)
        );
    }
}

fn lock_stdin(stdin: &Mutex<Option<ChildStdin>>) -> MutexGuard<'_, Option<ChildStdin>> {
    stdin.lock().unwrap_or_else(|e| e.into_inner())
}

impl Drop for McpClient {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "--- server stderr (pid {}) ---\n{}",
                self.child.id(),
                truncate(&self.stderr(), 8000)
            );
        }
        lock_stdin(&self.stdin).take();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut cut = max;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}… ({} bytes more)", &text[..cut], text.len() - cut)
}

fn read_stdout(stdout: impl Read, shared: &Mutex<Shared>, stdin: &Mutex<Option<ChildStdin>>) {
    let mut reader = BufReader::new(stdout);
    let mut line = Vec::new();
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        let msg: Option<Value> = serde_json::from_str(text).ok();
        let mut shared = lock(shared);
        match msg {
            Some(msg) if is_jsonrpc(&msg) => {
                let is_response = msg.get("method").is_none();
                let id = msg.get("id").and_then(Value::as_u64);
                let elicit = msg.get("method") == Some(&json!("elicitation/create"));
                match (is_response, id) {
                    (true, Some(id)) => {
                        if let Some(tx) = shared.pending.remove(&id) {
                            let _ = tx.send(msg);
                        }
                    }
                    (false, Some(_)) if elicit && shared.elicit.is_some() => {
                        let action = shared.elicit.clone().unwrap_or_default();
                        let mut result = json!({"action": action});
                        if action == "accept" {
                            result["content"] = json!({});
                        }
                        let answer = json!({"jsonrpc": "2.0", "id": msg["id"], "result": result});
                        shared.elicitations.push(msg);
                        drop(shared);
                        if let Some(stdin) = lock_stdin(stdin).as_mut() {
                            let _ = writeln!(stdin, "{answer}").and_then(|()| stdin.flush());
                        }
                    }
                    _ => shared.notifications.push(msg),
                }
            }
            _ => shared.violations.push(text.to_string()),
        }
    }
    lock(shared).stdout_closed = true;
}

fn read_stderr(stderr: impl Read, shared: &Mutex<Shared>) {
    let mut reader = BufReader::new(stderr);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => lock(shared).stderr.push_str(&String::from_utf8_lossy(&buf)),
        }
    }
}

/// The pieces of a `tools/call` result.
fn tool_result(raw: Value) -> ToolResult {
    let text = raw["content"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| b["text"].as_str())
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    ToolResult {
        text,
        structured: raw.get("structuredContent").cloned(),
        is_error: raw["isError"].as_bool().unwrap_or(false),
        raw,
    }
}
