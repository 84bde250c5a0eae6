//! mcp-mikrotik: an MCP server for MikroTik routers whose tools are WebAssembly plugins.
//!
//! - [`routeros`]: the RouterOS API (codec, client, simulated router)
//! - [`plugins`]: the WebAssembly plugin runtime (sandbox, permissions, limits)
//! - [`mcp`]: the MCP server over stdio
//! - [`cli`], [`config`], [`app`]: the command line and its wiring
pub mod app;
pub mod cli;
pub mod config;
pub mod mcp;
pub mod plugins;
/// The RouterOS layer lives in its own crate (`host/routeros`); `crate::routeros::…` paths
/// keep working through this re-export.
pub use ::routeros;
