//! The plugin runtime: loads tool plugins (WebAssembly components targeting
//! `wit/mikrotik-plugin.wit`), lists their tools and runs each call in a fresh, sandboxed
//! instance bounded in time, memory and output, with every router command checked against
//! the plugin's declared permissions and the operator's rules.
//!
//! The MCP server uses [`Runtime::load`], [`Runtime::tools`] and [`Runtime::call`].

mod access;
mod bindings;
mod cache;
mod config;
mod embedded;
mod engine;
mod guest_log;
mod import;
mod instance;
mod janitor;
mod loader;
mod manifest;
mod manifest_cache;
pub mod patterns;
mod runtime;
mod state;
mod structured;
mod types;

pub use access::is_read;
pub use config::RuntimeConfig;
pub use embedded::{BUNDLED, Bundled};
pub use runtime::Runtime;
pub use types::{Effect, LoadWarning, ProgressFn, StructuredJson, ToolError, ToolInfo, ToolOutput};
