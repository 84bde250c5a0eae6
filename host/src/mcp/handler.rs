//! The rmcp `ServerHandler`: initialize, tools/list, tools/call with progress and cancellation,
//! and a change plan put to the person when the client can ask them: an `elicitation/create`
//! request within the call (MCP 2025-11-25), or an input-required result whose retry carries
//! the answer (MCP 2026-07-28; the plan waits in the audit store under the opaque handle).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CustomRequest, CustomResult, ElicitRequest,
    ElicitRequestParams, ElicitationAction, ElicitationSchema, ErrorCode, Implementation,
    InitializeResult, InputRequest, InputRequiredResult, InputResponses, ListToolsResult,
    PaginatedRequestParams, ProgressNotificationParam, ProtocolVersion, ServerCapabilities, Tool,
};
use rmcp::service::{ElicitationMode, Peer, RequestContext};
use rmcp::{ErrorData, RoleServer, ServerHandler};

use super::tools::{change, failure, success, to_mcp};
use crate::changes::{Decision, Proposal};
use crate::dispatch::{Outcome, Tools};
use crate::plugin_host::{ProgressFn, ToolError};

/// How long a person has to answer a plan put to them; the plan's own lifetime.
const ASK_TIMEOUT: Duration = Duration::from_secs(600);

const INSTRUCTIONS: &str = "Tools to inspect and operate one MikroTik router over the RouterOS API. \
Prefer the specific mikrotik_get_* tools; use mikrotik_run_command for anything else (API paths \
like /ip/address/print). List tools accept `limit` and say when output was cut. A tool that would \
change the router returns a plan first; only a person decides whether it is applied.";

/// The MCP server state: the tools (plugins and change control) and the list it exposes.
#[derive(Clone)]
pub struct Server {
    tools: Arc<Tools>,
    list: Arc<Vec<Tool>>,
}

impl Server {
    /// Serve the visible tools of `tools`.
    pub fn new(tools: Arc<Tools>) -> Self {
        let planned = tools.changes().is_some();
        let list = tools.tools().iter().map(|t| to_mcp(t, planned)).collect();
        Self {
            tools,
            list: Arc::new(list),
        }
    }
}

/// Who is asking, for the audit: the MCP client by the name it gave (at initialize, or in the
/// request's own metadata on MCP 2026-07-28).
fn client_name(context: &RequestContext<RoleServer>) -> String {
    context
        .client_info()
        .map_or("an MCP client".into(), |info| {
            format!("MCP client {:?}", info.name)
        })
}

/// The key of the plan's question in an input-required result (MCP 2026-07-28).
const CONFIRM_KEY: &str = "confirm";

/// What the person is asked about `plan`.
fn question(plan: &Proposal) -> ElicitRequestParams {
    ElicitRequestParams::FormElicitationParams {
        meta: None,
        message: format!(
            "{}\n\nApply this change to the router? Accept applies exactly these writes; decline sends nothing.",
            plan.text
        ),
        requested_schema: ElicitationSchema::new(BTreeMap::new()),
    }
}

/// Whether the request comes from a client on MCP 2026-07-28 or later, which asks the person
/// through input-required results and retries instead of `elicitation/create` requests.
fn input_required_era(context: &RequestContext<RoleServer>) -> bool {
    context
        .protocol_version()
        .is_some_and(|v| v.as_str() >= ProtocolVersion::V_2026_07_28.as_str())
}

/// The plan as an input-required result: the question, and the plan id as the opaque handle
/// the client echoes back (the plan itself stays in the audit store).
fn input_required(plan: &Proposal) -> InputRequiredResult {
    let request = InputRequest::Elicitation(ElicitRequest::new(question(plan)));
    InputRequiredResult::new(
        Some(BTreeMap::from([(CONFIRM_KEY.to_string(), request)])),
        Some(plan.id.clone()),
    )
}

/// The person's answer carried by a retry, if there is one.
fn answer(responses: Option<&InputResponses>, by: &str) -> Option<Decision> {
    let action = responses?.get(CONFIRM_KEY)?.get("action")?.as_str()?;
    let by = format!("the person, through {by}");
    Some(match action {
        "accept" => Decision::Accepted { by },
        "decline" => Decision::Declined { by },
        _ => Decision::Cancelled { by },
    })
}

/// Put `plan` to the person through the client, when it can ask them (elicitation, form mode).
async fn ask(peer: &Peer<RoleServer>, plan: &Proposal, by: &str) -> Decision {
    if !peer
        .supported_elicitation_modes()
        .contains(&ElicitationMode::Form)
    {
        return Decision::NotAsked;
    }
    let params = question(plan);
    match peer
        .create_elicitation_with_timeout(params, Some(ASK_TIMEOUT))
        .await
    {
        Ok(answer) => {
            let by = format!("the person, through {by}");
            match answer.action {
                ElicitationAction::Accept => Decision::Accepted { by },
                ElicitationAction::Decline => Decision::Declined { by },
                _ => Decision::Cancelled { by },
            }
        }
        Err(e) => {
            tracing::warn!(plan = %plan.id, "could not ask the person about the plan ({e}); it waits under its id");
            Decision::NotAsked
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
        Ok(ListToolsResult::with_all_items(self.list.as_ref().clone()))
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
        let by = client_name(&context);
        let era = input_required_era(&context);
        if era && let Some(plan_id) = request.request_state.as_deref() {
            let result = match answer(request.input_responses.as_ref(), &by) {
                Some(decision) => self.tools.resume(plan_id, &request.name, decision).await,
                None => crate::changes::ChangeResult {
                    text: format!(
                        "the retry carries no answer to plan {plan_id} (inputResponses.{CONFIRM_KEY}); nothing was sent"
                    ),
                    structured: serde_json::json!({ "state": "refused" }),
                    is_error: true,
                },
            };
            return Ok(change(result).into());
        }
        let can_ask = context
            .client_capabilities()
            .is_some_and(|c| c.elicitation.is_some());
        let call = self.tools.call(&request.name, args, progress, &by);
        let outcome = if !self.tools.cancellable(&request.name) {
            // Once a write may go out, the call runs to its end and reports.
            call.await
        } else {
            tokio::select! {
                r = call => r,
                _ = context.ct.cancelled() => {
                    return Ok(failure(format!("tool {} was cancelled by the client", request.name)).into());
                }
            }
        };
        match outcome {
            Ok(Outcome::Output(output)) => Ok(success(output).into()),
            Ok(Outcome::Change(result)) => Ok(change(result).into()),
            Ok(Outcome::Plan(plan)) if era && can_ask => Ok(input_required(&plan).into()),
            Ok(Outcome::Plan(plan)) if era => {
                Ok(change(self.tools.decide(&plan, Decision::NotAsked).await).into())
            }
            Ok(Outcome::Plan(plan)) => {
                let decision = tokio::select! {
                    d = ask(&context.peer, &plan, &by) => d,
                    _ = context.ct.cancelled() => Decision::Cancelled { by: format!("{by} (request cancelled)") },
                };
                Ok(change(self.tools.decide(&plan, decision).await).into())
            }
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
