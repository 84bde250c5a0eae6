//! The plugin host: loads tool plugins (WebAssembly components targeting
//! `wit/mikrotik-plugin.wit`), lists their tools and runs each call in a fresh, sandboxed
//! instance bounded in time, memory and output, with every router command checked against
//! the plugin's declared permissions and the operator's rules.
//!
//! - [`PluginHost`] (`host.rs`): the one object that owns it all; the MCP server uses
//!   [`PluginHost::load`], [`PluginHost::tools`] and [`PluginHost::call`].
//! - `lifecycle/`: how a plugin gets from bytes to a finished call — the engine and its epoch
//!   thread, the compile cache, loading and linking, one instance per call.
//! - `policy/`: what a plugin may do and return — its manifest, its permissions, the
//!   operator's rules at the `routeros-call` import, the check of its structured output.
//! - `import.rs`: the `routeros-call` import, where policy meets the router.

mod config;
mod host;
mod import;
mod lifecycle;
pub mod policy;
mod types;

pub use config::PluginHostConfig;
pub use host::PluginHost;
pub use lifecycle::embedded::{BUNDLED, Bundled};
pub use policy::access::{is_read, is_read_call};
pub use policy::dry_run::{RecordedWrite, is_placeholder};
pub use types::{Effect, LoadWarning, ProgressFn, ToolError, ToolInfo, ToolOutput};
