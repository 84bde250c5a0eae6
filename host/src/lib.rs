//! mcp-mikrotik: an MCP server for MikroTik routers whose tools are WebAssembly plugins.
pub mod plugins;
pub mod routeros;
