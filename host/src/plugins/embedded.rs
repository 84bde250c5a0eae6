//! The plugins bundled into the binary: `host/build.rs` builds every crate in `plugins/`
//! marked `[package.metadata.mcp-mikrotik] plugin = true` for wasm32-wasip2 and embeds it.

/// (plugin crate name, component bytes) of each bundled plugin.
pub static BUNDLED: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
