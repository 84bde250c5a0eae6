//! The public types of the plugin host: what a tool looks like to the MCP server, what a
//! call returns, and how loading and calling fail.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::plugin_host::policy::dry_run::RecordedWrite;

/// What a tool does to the router (mirrors the WIT `effect`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Only reads; always listed.
    Reads,
    /// Changes configuration or state; hidden when the server runs read-only.
    Writes,
    /// Runs whatever the caller asks; listed in read-only mode, where each write is denied.
    Any,
}

/// One tool as the MCP server lists it.
#[derive(Clone, Debug)]
pub struct ToolInfo {
    /// Unique tool name, e.g. `mikrotik_get_interfaces`.
    pub name: String,
    pub title: Option<String>,
    pub description: String,
    /// JSON Schema of the arguments (always `"type": "object"`).
    pub input_schema: Map<String, Value>,
    /// JSON Schema of the structured output, when the tool has one.
    pub output_schema: Option<Map<String, Value>>,
    pub effect: Effect,
    pub destructive: bool,
    pub idempotent: bool,
    pub open_world: bool,
    /// Name of the plugin that provides the tool.
    pub plugin: String,
}

/// A tool's successful result.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolOutput {
    /// Text for the model.
    pub text: String,
    /// The same data as JSON (MCP `structuredContent`).
    pub structured: Option<Value>,
    /// Writes the plugin attempted in a dry run (recorded, not sent), in order; empty when
    /// the call only read or was not a dry run.
    pub writes: Vec<RecordedWrite>,
}

/// Why a tool call did not produce an output.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ToolError {
    /// No visible tool has this name (MCP: JSON-RPC error).
    #[error("unknown tool {0:?}")]
    UnknownTool(String),
    /// The arguments do not match the tool's input schema (MCP: JSON-RPC error).
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    /// The plugin returned an error, trapped, ran past its deadline or memory, or produced too
    /// much output (MCP: a tool result with `isError: true`). The message is for a person.
    #[error("{0}")]
    Failed(String),
}

/// Progress callback of one call: (progress so far, total if known, message).
pub type ProgressFn = Arc<dyn Fn(u32, Option<u32>, String) + Send + Sync>;

/// A plugin that was not loaded, and why. Printed as one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadWarning {
    /// Where the plugin came from: a file path, or `bundled:<name>`.
    pub source: String,
    /// Why it was skipped.
    pub reason: String,
}

impl LoadWarning {
    pub(crate) fn new(source: &PluginSource, reason: impl Into<String>) -> Self {
        Self {
            source: source.to_string(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "plugin {} skipped: {}", self.source, self.reason)
    }
}

/// Where a component came from.
#[derive(Clone, Debug)]
pub(crate) enum PluginSource {
    Bundled(String),
    File(PathBuf),
}

impl fmt::Display for PluginSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PluginSource::Bundled(name) => write!(f, "bundled:{name}"),
            PluginSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}
