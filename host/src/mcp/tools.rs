//! Mapping plugin tools and results onto MCP's tool shapes.

use std::sync::Arc;

use rmcp::model::{CallToolResult, ContentBlock, Tool, ToolAnnotations};
use serde_json::{Map, Value, json};

use crate::changes::ChangeResult;
use crate::plugin_host::{Effect, ToolInfo, ToolOutput};

/// The MCP description of one tool, with annotations. With `planned`, a tool that may write
/// can answer with a change (plan or outcome) instead of its own output, and says so in its
/// output schema.
pub fn to_mcp(info: &ToolInfo, planned: bool) -> Tool {
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
        let schema = if planned && !read_only {
            or_change(schema)
        } else {
            schema.clone()
        };
        tool = tool.with_raw_output_schema(Arc::new(schema));
    }
    tool
}

/// Every state a change result can report.
const STATES: &[&str] = &[
    "pending",
    "applied",
    "kept",
    "awaiting-confirmation",
    "cut-off",
    "reverted-by-router",
    "failed",
    "refused",
    "declined",
    "cancelled",
];

/// `schema`, or the shape of a change result.
fn or_change(schema: &Map<String, Value>) -> Map<String, Value> {
    let change = json!({
        "type": "object",
        "description": "A change planned, applied, refused or declined (see state).",
        "properties": {
            "state": {"enum": STATES},
            "plan_id": {"type": "string"},
            "change_id": {"type": "string"}
        },
        "required": ["state"]
    });
    let mut out = Map::new();
    out.insert("type".into(), json!("object"));
    out.insert(
        "anyOf".into(),
        json!([Value::Object(schema.clone()), change]),
    );
    out
}

/// A change result: the text, with the change as structured content.
pub fn change(result: ChangeResult) -> CallToolResult {
    let mut out = if result.is_error {
        CallToolResult::error(vec![ContentBlock::text(result.text)])
    } else {
        CallToolResult::success(vec![ContentBlock::text(result.text)])
    };
    out.structured_content = Some(result.structured);
    out
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
