//! End-to-end test harness: the real `mcp-mikrotik` binary, spoken to over stdio, against the
//! simulated router running in the test process.
//!
//! - [`paths`]: the workspace, the binary (built when missing or stale), scratch directories
//! - [`TestEnv`]: a simulator per test, the server's environment, the library client for truth
//! - [`McpClient`]: JSON-RPC over newline-delimited JSON, with deadlines and a stream check
//! - [`hostile`]: the misbehaving test plugin
//! - [`listing`]: comparing listings with the simulator's rows
//!
//! ```no_run
//! use e2e::TestEnv;
//! use serde_json::json;
//! let env = TestEnv::new();
//! let server = env.server();
//! let result = server.call_ok("mikrotik_get_interfaces", json!({}));
//! assert!(result.text.starts_with("interfaces: "));
//! ```

pub mod hostile;
pub mod listing;
pub mod mcp_client;
pub mod paths;
pub mod test_env;

pub use mcp_client::{McpClient, RpcError, ToolResult};
pub use test_env::{CliOutput, TestEnv, run_to_end};
