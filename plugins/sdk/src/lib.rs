//! Guest-side helpers for mcp-mikrotik plugins.
