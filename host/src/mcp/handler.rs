//! The rmcp `ServerHandler`: initialize, tools/list, tools/call with progress and cancellation.

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CustomRequest, CustomResult, ErrorCode,
    Implementation, InitializeResult, ListToolsResult, PaginatedRequestParams,
    ProgressNotificationParam, ServerCapabilities, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::tools::{failure, success, to_mcp};
use crate::plugin_host::{PluginHost, ProgressFn, ToolError};

const INSTRUCTIONS: &str = "Tools to inspect and operate one MikroTik router over the RouterOS API. \
Prefer the specific mikrotik_get_* tools; use mikrotik_run_command for anything else (API paths \
like /ip/address/print). List tools accept `limit` and say when output was cut.";

/// The MCP server state: the plugin host and the tool list it exposes.
#[derive(Clone)]
pub struct Server {
    plugins: Arc<PluginHost>,
    tools: Arc<Vec<Tool>>,
}

impl Server {
    /// Serve the visible tools of `plugins`.
    pub fn new(plugins: Arc<PluginHost>) -> Self {
        let tools = plugins.tools().iter().map(to_mcp).collect();
        Self {
            plugins,
            tools: Arc::new(tools),
        }
    }
}

/// Methods this server implements. rmcp hands a request for one of them whose parameters do
/// not fit its type (say, `arguments` given as a string) to `on_custom_request`.
const KNOWN_METHODS: &[&str] = &["initialize", "ping", "tools/list", "tools/call"];

impl ServerHandler for Server {
    async fn on_custom_request(
        &self,
        request: CustomRequest,
        _context: RequestContext<RoleServer>,
    ) -> Result<CustomResult, ErrorData> {
        let method = request.method;
        if KNOWN_METHODS.contains(&method.as_str()) {
            let hint = if method == "tools/call" {
                ": `name` must be a string and `arguments`, when given, a JSON object"
            } else {
                ""
            };
            return Err(ErrorData::invalid_params(
                format!("invalid params for {method}{hint}"),
                None,
            ));
        }
        Err(ErrorData::new(
            ErrorCode::METHOD_NOT_FOUND,
            format!("method not found: {method}"),
            None,
        ))
    }

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
        let call = self.plugins.call(&request.name, args, progress);
        let outcome = tokio::select! {
            r = call => r,
            _ = context.ct.cancelled() => {
                return Ok(failure(format!("tool {} was cancelled by the client", request.name)).into());
            }
        };
        match outcome {
            Ok(output) => Ok(success(output).into()),
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
