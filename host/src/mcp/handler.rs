//! The rmcp `ServerHandler`: initialize, tools/list, tools/call with progress and cancellation.

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, Implementation, InitializeResult, ListToolsResult,
    PaginatedRequestParams, ProgressNotificationParam, ServerCapabilities, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::splice::Stash;
use super::tools::{failure, success, to_mcp};
use crate::plugins::{ProgressFn, Runtime, ToolError};

const INSTRUCTIONS: &str = "Tools to inspect and operate one MikroTik router over the RouterOS API. \
Prefer the specific mikrotik_get_* tools; use mikrotik_run_command for anything else (API paths \
like /ip/address/print). List tools accept `limit` and say when output was cut.";

/// The MCP server state: the plugin runtime and the tool list it exposes.
#[derive(Clone)]
pub struct Server {
    runtime: Arc<Runtime>,
    tools: Arc<Vec<Tool>>,
    /// Structured results on their way out (see [`super::splice`]).
    stash: Arc<Stash>,
}

impl Server {
    /// Serve the visible tools of `runtime`.
    pub fn new(runtime: Arc<Runtime>) -> Self {
        let tools = runtime.tools().iter().map(to_mcp).collect();
        Self {
            runtime,
            tools: Arc::new(tools),
            stash: Arc::new(Stash::new()),
        }
    }

    /// Where this server keeps structured results for the writer that splices them in.
    pub(crate) fn stash(&self) -> Arc<Stash> {
        self.stash.clone()
    }
}

impl ServerHandler for Server {
    fn get_info(&self) -> InitializeResult {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new(
                "mcp-mikrotik",
                env!("CARGO_PKG_VERSION"),
            ))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools.as_ref().clone()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let args = serde_json::Value::Object(request.arguments.unwrap_or_default());
        let progress: Option<ProgressFn> = context.meta.get_progress_token().map(|token| {
            let peer = context.peer.clone();
            let f: ProgressFn = Arc::new(move |done, total, message| {
                let mut p = ProgressNotificationParam::new(token.clone(), done as f64)
                    .with_message(message);
                if let Some(total) = total {
                    p = p.with_total(total as f64);
                }
                let peer = peer.clone();
                tokio::spawn(async move {
                    let _ = peer.notify_progress(p).await;
                });
            });
            f
        });
        let call = self.runtime.call(&request.name, args, progress);
        let outcome = tokio::select! {
            r = call => r,
            _ = context.ct.cancelled() => {
                return Ok(failure(format!("tool {} was cancelled by the client", request.name)).into());
            }
        };
        match outcome {
            Ok(output) => Ok(success(output, &self.stash).into()),
            Err(ToolError::UnknownTool(name)) => Err(ErrorData::invalid_params(
                format!("unknown tool {name:?}; call tools/list for the available tools"),
                None,
            )),
            Err(ToolError::InvalidArguments(msg)) => Err(ErrorData::invalid_params(
                format!("invalid arguments for {}: {msg}", request.name),
                None,
            )),
            Err(ToolError::Failed(msg)) => Ok(failure(msg).into()),
        }
    }
}
