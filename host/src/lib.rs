//! mcp-mikrotik: an MCP server for MikroTik routers whose tools are WebAssembly plugins.
//!
//! - [`routeros`]: the RouterOS API (codec, client, simulated router), from its own crate
//! - [`plugin_host`]: the WebAssembly plugin host (sandbox, permissions, limits)
//! - [`changes`]: change control: plan, confirm, apply exactly, audit
//! - [`dispatch`]: one tool call: the plugin, then change control for its writes
//! - [`host_tools`]: the host's own tools (apply a plan; confirm, roll back, list changes)
//! - [`mcp`]: the MCP server over stdio
//! - [`cli`], [`config`], [`app`]: the command line and its wiring
pub mod app;
pub mod changes;
pub mod cli;
pub mod config;
pub mod dispatch;
pub mod host_tools;
pub mod mcp;
pub mod plugin_host;
/// The RouterOS layer (codec, client, simulator) is a crate of its own, `host/routeros`, with no
/// plugin runtime; `crate::routeros::…` paths reach it through this re-export.
pub use ::routeros;
