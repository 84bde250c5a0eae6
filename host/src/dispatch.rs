//! One tool call as the MCP client and the terminal see it: the plugin runs (as a dry run when
//! writes are planned), and when it attempted writes, change control plans them instead of the
//! plugin's output. The caller asks the person about a plan and hands the answer back
//! ([`Tools::decide`]); the host's own tools ([`host_tools`]) are served here too.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::changes::{ChangeControl, ChangeResult, Decision, KeepChanges, Proposal, WritePolicy};
use crate::host_tools;
use crate::plugin_host::{PluginHost, ProgressFn, ToolError, ToolInfo, ToolOutput};

/// What a tool call came to.
pub enum Outcome {
    /// The plugin's own result: it only read, or writes are not planned.
    Output(ToolOutput),
    /// A change was applied, refused or declined (built by change control).
    Change(ChangeResult),
    /// The call wants to write: a person must decide on this plan.
    Plan(Proposal),
}

/// The plugin host and change control, behind one `call`.
pub struct Tools {
    plugins: Arc<PluginHost>,
    changes: Option<ChangeControl>,
    list: Vec<ToolInfo>,
}

impl Tools {
    /// Serve `plugins`; with `changes`, every write goes through its plans.
    pub fn new(plugins: Arc<PluginHost>, changes: Option<ChangeControl>) -> Self {
        let mut list: Vec<ToolInfo> = plugins.tools().to_vec();
        if let Some(changes) = &changes {
            if changes.policy() == WritePolicy::Confirm {
                list.push(host_tools::apply_plan());
            }
            if changes.keep() == KeepChanges::Manual {
                list.push(host_tools::confirm());
            }
            list.extend([
                host_tools::rollback(),
                host_tools::list(),
                host_tools::history(),
            ]);
        }
        Self {
            plugins,
            changes,
            list,
        }
    }

    /// The visible tools, the host's own included.
    pub fn tools(&self) -> &[ToolInfo] {
        &self.list
    }

    /// Whether a call of `name` may be abandoned midway: not when it may send writes (a host
    /// tool, or any tool under `--writes allow`, which applies without asking).
    pub fn cancellable(&self, name: &str) -> bool {
        let applies = self
            .changes
            .as_ref()
            .is_some_and(|c| c.policy() == WritePolicy::Allow);
        !self.is_host_tool(name) && !applies
    }

    /// Whether `name` is one of the host's own tools in this server's list.
    fn is_host_tool(&self, name: &str) -> bool {
        self.list
            .iter()
            .any(|t| t.name == name && t.plugin == "host")
    }

    pub fn changes(&self) -> Option<&ChangeControl> {
        self.changes.as_ref()
    }

    /// Run tool `name`. `by` names who asked (the MCP client, or the terminal) for the audit.
    pub async fn call(
        &self,
        name: &str,
        args: Value,
        progress: Option<ProgressFn>,
        by: &str,
    ) -> Result<Outcome, ToolError> {
        if let Some(changes) = &self.changes
            && self.is_host_tool(name)
        {
            return self.host_tool(changes, name, &args, by).await;
        }
        let output = self.plugins.call(name, args, progress).await?;
        let Some(changes) = &self.changes else {
            return Ok(Outcome::Output(output));
        };
        if output.writes.is_empty() {
            return Ok(Outcome::Output(output));
        }
        let proposal = changes
            .plan(name, output.writes)
            .await
            .map_err(|e| ToolError::Failed(format!("{e}\nNothing was sent to the router.")))?;
        Ok(self.propose(changes, proposal).await)
    }

    /// A new plan: applied at once under `allow`, else put to the person.
    async fn propose(&self, changes: &ChangeControl, proposal: Proposal) -> Outcome {
        if changes.policy() == WritePolicy::Allow {
            return Outcome::Change(changes.decide(&proposal, Decision::NotAsked).await);
        }
        Outcome::Plan(proposal)
    }

    /// The host's own tools (see [`host_tools`]).
    async fn host_tool(
        &self,
        changes: &ChangeControl,
        name: &str,
        args: &Value,
        by: &str,
    ) -> Result<Outcome, ToolError> {
        let by = format!("{by} via {name}");
        Ok(match name {
            host_tools::APPLY_PLAN => {
                let id = id_arg(args, "plan_id")?;
                Outcome::Change(changes.apply(&id, &by).await)
            }
            host_tools::CONFIRM => {
                let id = id_arg(args, "change_id")?;
                Outcome::Change(changes.confirm(&id, &by).await)
            }
            host_tools::ROLLBACK => {
                let id = id_arg(args, "change_id")?;
                let proposal = changes.rollback(&id).await.map_err(|e| {
                    ToolError::Failed(format!("{e}\nNothing was sent to the router."))
                })?;
                self.propose(changes, proposal).await
            }
            host_tools::LIST => {
                only_args(args, &[])?;
                Outcome::Change(changes.list().await)
            }
            host_tools::HISTORY => {
                only_args(args, &["since"])?;
                let since = match args.get("since") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(s.as_str()),
                    Some(other) => {
                        return Err(ToolError::InvalidArguments(format!(
                            "since must be a duration such as \"1d\", not {other}"
                        )));
                    }
                };
                Outcome::Change(changes.history(since))
            }
            other => {
                return Err(ToolError::Failed(format!(
                    "internal error: {other} is not a host tool"
                )));
            }
        })
    }

    /// The answer to a plan of `tool` that an earlier call left pending (MCP 2026-07-28: the
    /// retry of an input-required result, whose request state is the plan id).
    pub async fn resume(&self, plan_id: &str, tool: &str, decision: Decision) -> ChangeResult {
        let Some(changes) = &self.changes else {
            return unreachable_plan();
        };
        match changes.pending(plan_id, tool) {
            Ok(proposal) => changes.decide(&proposal, decision).await,
            Err(e) => ChangeResult {
                text: format!("{e}. Nothing was sent to the router."),
                structured: json!({ "state": "refused", "error": e }),
                is_error: true,
            },
        }
    }

    /// Act on the person's answer about `proposal` (made by [`Tools::call`]).
    pub async fn decide(&self, proposal: &Proposal, decision: Decision) -> ChangeResult {
        match &self.changes {
            Some(changes) => changes.decide(proposal, decision).await,
            None => unreachable_plan(),
        }
    }
}

/// Plans exist only with change control; a decision without it is a caller's bug, answered as
/// an error rather than a panic.
fn unreachable_plan() -> ChangeResult {
    ChangeResult {
        text: "internal error: a plan without change control; nothing was sent".into(),
        structured: json!({ "state": "refused" }),
        is_error: true,
    }
}

/// The id argument `name` of a host tool, which takes no other.
fn id_arg(args: &Value, name: &str) -> Result<String, ToolError> {
    only_args(args, &[name])?;
    args.get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_string)
        .ok_or_else(|| {
            ToolError::InvalidArguments(format!(
                "{name} must be the id of a plan or change, e.g. \"p1f2e3d4c5b6a7980\""
            ))
        })
}

/// Refuse arguments other than `allowed`.
fn only_args(args: &Value, allowed: &[&str]) -> Result<(), ToolError> {
    match args.as_object() {
        None if args.is_null() => Ok(()),
        None => Err(ToolError::InvalidArguments(
            "arguments must be an object".into(),
        )),
        Some(o) => match o.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(extra) if allowed.is_empty() => Err(ToolError::InvalidArguments(format!(
                "unknown argument {extra:?}; this tool takes no arguments"
            ))),
            Some(extra) => Err(ToolError::InvalidArguments(format!(
                "unknown argument {extra:?}; this tool takes only {}",
                allowed.join(", ")
            ))),
            None => Ok(()),
        },
    }
}
