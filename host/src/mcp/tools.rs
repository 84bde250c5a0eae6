//! Mapping plugin tools and results onto MCP's tool shapes.

use std::sync::Arc;

use rmcp::model::{CallToolResult, ContentBlock, Tool, ToolAnnotations};

use crate::plugin_host::{Effect, ToolInfo, ToolOutput};

/// The MCP description of one plugin tool, with annotations.
pub fn to_mcp(info: &ToolInfo) -> Tool {
    let read_only = info.effect == Effect::Reads;
    let mut annotations = ToolAnnotations::new()
        .read_only(read_only)
        .destructive(!read_only && info.destructive)
        .idempotent(read_only || info.idempotent)
        .open_world(info.open_world);
    annotations.title = info.title.clone();
    let mut tool = Tool::new(
        info.name.clone(),
        info.description.clone(),
        Arc::new(info.input_schema.clone()),
    )
    .with_annotations(annotations);
    if let Some(title) = &info.title {
        tool = tool.with_title(title.clone());
    }
    if let Some(schema) = &info.output_schema {
        tool = tool.with_raw_output_schema(Arc::new(schema.clone()));
    }
    tool
}

/// A successful tool result: the text, plus structured content when the plugin gave one.
pub fn success(output: ToolOutput) -> CallToolResult {
    let mut result = CallToolResult::success(vec![ContentBlock::text(output.text)]);
    result.structured_content = output.structured;
    result
}

/// A tool-level failure the model and the person can read.
pub fn failure(message: String) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(message)])
}
