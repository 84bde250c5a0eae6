//! Change control: every write of every plugin is planned, confirmed, applied exactly and
//! audited by the host, never by the plugin.
//!
//! A tool call under the write policy `confirm` or `allow` runs as a dry run (see
//! [`crate::plugin_host::policy::dry_run`]). When it attempted writes, [`ChangeControl::plan`]
//! reads the items they touch and stores a plan; the caller (the MCP handler or the terminal)
//! gets the person's decision and hands it to [`ChangeControl::decide`]; an accepted plan is
//! applied by `apply.rs` and reported from the router's read-back, not from the plugin's output.
//! Without a way to ask the person, the plan waits under a single-use id for
//! [`ChangeControl::apply`] (the `mikrotik_apply_plan` tool).
//!
//! - `menus.rs`: where writes can be undone exactly; `plan.rs`: plans and how they read;
//! - `items.rs`: reading items and sending writes; `inverse.rs`: the writes that undo a write;
//! - `apply.rs`: drift check, exact apply, undo on refusal, read-back; `store.rs`: SQLite audit;
//! - `net.rs`: the revert script and scheduler entry that let the router undo a change the
//!   host lost; `settle.rs`: the fresh-login check after an apply, and keeping the change or
//!   leaving it to the person or the router; `lifecycle.rs`: confirming, rolling back and
//!   listing applied changes;
//!   `history.rs`: the audit as text.

pub mod apply;
pub mod history;
pub mod inverse;
pub mod items;
mod lifecycle;
pub mod menus;
pub mod net;
pub mod plan;
mod settle;
pub mod store;

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::host_tools::APPLY_PLAN;
use crate::plugin_host::RecordedWrite;
use crate::routeros::{ClientConfig, Router};
use apply::{Applier, Sending};
use items::Items;
use menus::Menus;
use plan::{Step, carries_secrets, item_summary, redacted, write_line};
use store::{AuditStore, PlanRow, format_ms, now_ms};

/// What the operator lets tools do to the router.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WritePolicy {
    /// No writes at all (read-only).
    Deny,
    /// Every change is planned and a person confirms it.
    Confirm,
    /// Changes are planned, audited and applied without asking (unattended automation).
    Allow,
}

impl WritePolicy {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "deny" => Ok(Self::Deny),
            "confirm" => Ok(Self::Confirm),
            "allow" => Ok(Self::Allow),
            other => Err(format!(
                "ROUTEROS_WRITES (--writes) must be deny, confirm or allow, not {other:?}"
            )),
        }
    }
}

/// Who may apply a plan that waits under its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplyPlans {
    /// The model, with `mikrotik_apply_plan`, after the person agreed in the conversation.
    Model,
    /// Only after `mcp-mikrotik plan approve ID` in a terminal.
    Person,
}

impl ApplyPlans {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "model" => Ok(Self::Model),
            "person" => Ok(Self::Person),
            other => Err(format!(
                "MCP_MIKROTIK_APPLY_PLANS (--apply-plans) must be model or person, not {other:?}"
            )),
        }
    }
}

/// When an applied change is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeepChanges {
    /// As soon as the host logs in again over a fresh connection.
    Auto,
    /// Only after `mikrotik_confirm_change`; otherwise the router reverts it.
    Manual,
}

impl KeepChanges {
    pub fn parse(value: &str) -> Result<Self, String> {
        match value.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "manual" => Ok(Self::Manual),
            other => Err(format!(
                "MCP_MIKROTIK_KEEP_CHANGES (--keep-changes) must be auto or manual, not {other:?}"
            )),
        }
    }
}

/// Settings of change control.
#[derive(Clone, Debug)]
pub struct ChangeConfig {
    pub policy: WritePolicy,
    pub apply_plans: ApplyPlans,
    /// Where the audit database lives.
    pub state_dir: PathBuf,
    /// How long audit records are kept.
    pub retention: Duration,
    /// How long a plan waits for its approval.
    pub plan_ttl: Duration,
    /// Deadline of each command change control sends.
    pub deadline: Duration,
    /// When the router's safety net reverts a change the host has not kept; zero: no net.
    pub rollback_after: Duration,
    pub keep: KeepChanges,
}

impl ChangeConfig {
    /// The default state directory: `<data dir>/mcp-mikrotik`.
    pub fn default_state_dir() -> Option<PathBuf> {
        dirs::data_dir().map(|d| d.join("mcp-mikrotik"))
    }
}

/// A tool result made by change control.
#[derive(Clone, Debug)]
pub struct ChangeResult {
    pub text: String,
    pub structured: Value,
    pub is_error: bool,
}

/// A stored plan waiting for a decision.
#[derive(Clone, Debug)]
pub struct Proposal {
    pub id: String,
    /// The plan for a person to read.
    pub text: String,
    pub structured: Value,
}

/// A person's answer to a plan.
#[derive(Clone, Debug)]
pub enum Decision {
    Accepted {
        by: String,
    },
    Declined {
        by: String,
    },
    Cancelled {
        by: String,
    },
    /// Nobody could be asked: the plan waits under its id.
    NotAsked,
}

/// Plans, decisions and applies for one router, with the audit store.
pub struct ChangeControl {
    cfg: ChangeConfig,
    router: Arc<dyn Router>,
    /// How to reach the router over a fresh connection, to check it still lets the host in.
    fresh: ClientConfig,
    menus: Menus,
    store: AuditStore,
    /// Exact steps of plans whose writes carry secret values, which the store never holds.
    exact: Mutex<HashMap<String, Vec<Step>>>,
    /// For plan ids.
    ids: AtomicU64,
}

impl ChangeControl {
    /// Open the audit store and get ready to plan for `router`, which `fresh` reaches anew.
    pub fn open(
        cfg: ChangeConfig,
        router: Arc<dyn Router>,
        fresh: ClientConfig,
    ) -> Result<Self, String> {
        let store = AuditStore::open(&cfg.state_dir, cfg.retention)?;
        Ok(Self {
            cfg,
            router,
            fresh,
            menus: Menus::bundled(),
            store,
            exact: Mutex::new(HashMap::new()),
            ids: AtomicU64::new(0),
        })
    }

    pub fn policy(&self) -> WritePolicy {
        self.cfg.policy
    }

    pub fn store(&self) -> &AuditStore {
        &self.store
    }

    fn items(&self) -> Items<'_> {
        Items {
            router: self.router.as_ref(),
            deadline: self.cfg.deadline,
        }
    }

    fn new_id(&self) -> String {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(self.ids.fetch_add(1, Ordering::Relaxed));
        h.write_i64(now_ms());
        h.write_u32(std::process::id());
        format!("p{:016x}", h.finish())
    }

    pub fn keep(&self) -> KeepChanges {
        self.cfg.keep
    }

    /// Plan the writes a dry run of `tool` recorded: read the items they touch, store the plan.
    pub async fn plan(&self, tool: &str, writes: Vec<RecordedWrite>) -> Result<Proposal, String> {
        self.plan_rollback(tool, writes, None).await
    }

    /// [`Self::plan`], for a plan that rolls back change `rolls_back` when it is `Some`.
    async fn plan_rollback(
        &self,
        tool: &str,
        writes: Vec<RecordedWrite>,
        rolls_back: Option<String>,
    ) -> Result<Proposal, String> {
        let secret = carries_secrets(&writes);
        let steps = plan::steps(&self.items(), &self.menus, writes).await?;
        let id = self.new_id();
        let created = now_ms();
        let expires = created + self.cfg.plan_ttl.as_millis() as i64;
        let stored: Vec<Step> = steps.iter().map(redacted_step).collect();
        let row = PlanRow {
            id: id.clone(),
            created_ms: created,
            expires_ms: expires,
            router: self.router.target(),
            tool: tool.to_string(),
            steps: serde_json::to_string(&stored).map_err(|e| e.to_string())?,
            state: "pending".into(),
            decided_by: None,
            outcome: None,
            net_until_ms: None,
            rolls_back,
        };
        let text = describe(&row, &stored);
        self.store.insert_plan(
            &row,
            &json!({ "tool": tool, "writes": stored.len() }).to_string(),
        )?;
        if secret {
            self.exact
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(id.clone(), steps);
        }
        Ok(Proposal {
            structured: plan_json(&row, &stored),
            id,
            text,
        })
    }

    /// Act on the person's decision about a plan this process just made.
    pub async fn decide(&self, proposal: &Proposal, decision: Decision) -> ChangeResult {
        match decision {
            Decision::Accepted { by } => self.apply_claimed(&proposal.id, &["pending"], &by).await,
            Decision::Declined { by } => self.close(proposal, "declined", &by),
            Decision::Cancelled { by } => self.close(proposal, "cancelled", &by),
            Decision::NotAsked if self.cfg.policy == WritePolicy::Allow => {
                self.apply_claimed(
                    &proposal.id,
                    &["pending"],
                    "the write policy allow (--writes allow)",
                )
                .await
            }
            Decision::NotAsked => self.waiting(proposal),
        }
    }

    /// A pending plan of `tool` made earlier (the opaque handle of an input-required result),
    /// for [`Self::decide`].
    pub fn pending(&self, plan_id: &str, tool: &str) -> Result<Proposal, String> {
        let row = self.own_row(plan_id)?;
        if row.tool != tool {
            return Err(format!(
                "plan {plan_id} belongs to a call of {}, not {tool}",
                row.tool
            ));
        }
        let steps: Vec<Step> =
            serde_json::from_str(&row.steps).map_err(|e| format!("plan {plan_id}: {e}"))?;
        Ok(Proposal {
            id: row.id.clone(),
            text: describe(&row, &steps),
            structured: plan_json(&row, &steps),
        })
    }

    /// Plan or change `id` from the store, if it was made for this server's router.
    fn own_row(&self, id: &str) -> Result<PlanRow, String> {
        let row = self.store.plan(id)?.ok_or_else(|| {
            format!("there is no plan or change {id}; mikrotik_list_changes shows them")
        })?;
        let target = self.router.target();
        if row.router != target {
            return Err(format!(
                "{id} was made for router {}, not {target}",
                row.router
            ));
        }
        Ok(row)
    }

    /// Apply a waiting plan by id (the `mikrotik_apply_plan` tool).
    pub async fn apply(&self, plan_id: &str, by: &str) -> ChangeResult {
        let from: &[&str] = match self.cfg.apply_plans {
            ApplyPlans::Model => &["pending", "approved"],
            ApplyPlans::Person => &["approved"],
        };
        if self.cfg.apply_plans == ApplyPlans::Person
            && let Ok(Some(row)) = self.store.plan(plan_id)
            && row.state == "pending"
        {
            return error(format!(
                "plan {plan_id} needs a person's approval first: run `mcp-mikrotik plan approve {plan_id}` in a terminal (this server runs with --apply-plans person). Nothing was sent."
            ));
        }
        self.apply_claimed(plan_id, from, by).await
    }

    async fn apply_claimed(&self, plan_id: &str, from: &[&str], by: &str) -> ChangeResult {
        let row = match self.store.transition(plan_id, from, "applying", by) {
            Ok(row) => row,
            Err(why) => return error(format!("{why}. Nothing was sent.")),
        };
        let target = self.router.target();
        if row.router != target {
            self.store.finish(plan_id, "refused");
            return error(format!(
                "plan {plan_id} was made for router {}, not {target}. Nothing was sent.",
                row.router
            ));
        }
        let exact = self
            .exact
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(plan_id);
        let steps = match exact {
            Some(steps) => steps,
            None => match serde_json::from_str::<Vec<Step>>(&row.steps) {
                Ok(steps) if !carries_redacted(&steps) => steps,
                Ok(_) => {
                    self.store.finish(plan_id, "refused");
                    return error(format!(
                        "plan {plan_id} sets a secret value, which is never stored; apply it from the server process that made it, or make a new plan. Nothing was sent."
                    ));
                }
                Err(e) => return error(format!("plan {plan_id} cannot be read: {e}")),
            },
        };
        self.store.note(
            Some(plan_id),
            &target,
            "accepted",
            &json!({ "by": by }).to_string(),
        );
        let rollback_after = Some(self.cfg.rollback_after).filter(|d| !d.is_zero());
        let items = self.items();
        let applier = Applier {
            items,
            menus: &self.menus,
            store: &self.store,
            plan_id,
            rollback_after,
        };
        let applied = match applier.send(&steps).await {
            Sending::Done(applied) => {
                self.store.finish(plan_id, applied.state);
                applied
            }
            Sending::Sent(sent) => {
                let applied = self.settle(&applier, &steps, &sent).await;
                if let Some(original) = &row.rolls_back
                    && applied.ok
                {
                    self.rolled_back(original).await;
                }
                applied
            }
        };
        let mut structured = applied.structured;
        structured["plan_id"] = json!(plan_id);
        structured["change_id"] = json!(plan_id);
        structured["approved_by"] = json!(by);
        ChangeResult {
            text: format!("Change {plan_id} (approved by {by}):\n{}", applied.text),
            structured,
            is_error: !applied.ok,
        }
    }

    fn close(&self, proposal: &Proposal, state: &str, by: &str) -> ChangeResult {
        self.exact
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&proposal.id);
        if let Err(why) = self.store.transition(&proposal.id, &["pending"], state, by) {
            return error(why);
        }
        self.store.note(
            Some(&proposal.id),
            &self.router.target(),
            state,
            &json!({ "by": by }).to_string(),
        );
        let mut structured = proposal.structured.clone();
        structured["state"] = json!(state);
        ChangeResult {
            text: format!(
                "The person {state} the change; nothing was sent to the router.\n\n{}",
                proposal.text
            ),
            structured,
            is_error: false,
        }
    }

    fn waiting(&self, proposal: &Proposal) -> ChangeResult {
        let how = match self.cfg.apply_plans {
            ApplyPlans::Model => format!(
                "Show this plan to the person. Only if they agree, call {APPLY_PLAN} with plan_id \"{}\".",
                proposal.id
            ),
            ApplyPlans::Person => format!(
                "A person must approve it in a terminal: `mcp-mikrotik plan approve {}`; then call {APPLY_PLAN} with plan_id \"{}\".",
                proposal.id, proposal.id
            ),
        };
        ChangeResult {
            text: format!(
                "Nothing has been sent to the router yet: this change needs a person's approval.\n\n{}\n\n{how}",
                proposal.text
            ),
            structured: proposal.structured.clone(),
            is_error: false,
        }
    }
}

/// A stored plan in full, for `mcp-mikrotik plan show`.
pub fn show_plan(row: &PlanRow) -> String {
    let steps: Vec<Step> = serde_json::from_str(&row.steps).unwrap_or_default();
    let decided = row
        .decided_by
        .as_deref()
        .map(|by| format!(" (by {by})"))
        .unwrap_or_default();
    format!("{}\nState: {}{decided}", describe(row, &steps), row.state)
}

/// Approve a waiting plan from a terminal (`mcp-mikrotik plan approve`).
pub fn approve(store: &AuditStore, id: &str) -> Result<PlanRow, String> {
    let by = "a person at a terminal (mcp-mikrotik plan approve)";
    let row = store.transition(id, &["pending"], "approved", by)?;
    store.record(
        Some(id),
        &row.router,
        "approved",
        &json!({ "by": by }).to_string(),
    )?;
    Ok(row)
}

/// A tool-level error of change control.
fn error(text: String) -> ChangeResult {
    ChangeResult {
        structured: json!({ "state": "refused", "error": text }),
        text,
        is_error: true,
    }
}

/// `step` with secret values replaced by the marker (the write's and the items').
fn redacted_step(step: &Step) -> Step {
    let mut step = step.clone();
    step.write = redacted(&step.write);
    for target in &mut step.targets {
        if let Some(before) = &mut target.before {
            for (name, value) in before.iter_mut() {
                *value = plan::shown(name, value);
            }
        }
    }
    step
}

/// Whether a write of `steps` holds the redaction marker instead of a value.
fn carries_redacted(steps: &[Step]) -> bool {
    use crate::plugin_host::policy::secrets::REDACTED;
    steps
        .iter()
        .any(|s| s.write.args.iter().any(|(_, v)| v == REDACTED))
}

/// The plan for a person: one numbered line per write, what it changes, and what cannot be
/// undone.
fn describe(row: &PlanRow, steps: &[Step]) -> String {
    let mut text = format!(
        "Plan {} — tool {}, router {}, {} write(s), valid until {}:",
        row.id,
        row.tool,
        row.router,
        steps.len(),
        format_ms(row.expires_ms)
    );
    for (k, step) in steps.iter().enumerate() {
        text.push_str(&format!("\n{}. {}", k + 1, write_line(&step.write)));
        if let Some(placeholder) = &step.write.placeholder {
            text.push_str(&format!(
                "\n   adds a new item (called {placeholder} in this plan)"
            ));
        }
        for target in &step.targets {
            let Some(before) = &target.before else {
                continue;
            };
            let name = if target.id.is_empty() {
                step.menu().to_string()
            } else {
                target.id.clone()
            };
            text.push_str(&format!("\n   {name} now: {}", item_summary(before)));
            for (field, after) in step.changes() {
                text.push_str(&format!(
                    "\n   {field}: {} → {}",
                    before
                        .get(&field)
                        .map_or("(unset)".into(), |v| plan::quoted(v)),
                    after.as_deref().map_or("(unset)".into(), plan::quoted)
                ));
            }
        }
        if let Some(why) = &step.irreversible {
            text.push_str(&format!("\n   IRREVERSIBLE: {why}"));
        }
    }
    text
}

/// The plan as structured content.
fn plan_json(row: &PlanRow, steps: &[Step]) -> Value {
    json!({
        "plan_id": row.id,
        "state": "pending",
        "router": row.router,
        "tool": row.tool,
        "expires_at": format_ms(row.expires_ms),
        "writes": steps.iter().map(|s| json!({
            "command": s.write.command,
            "line": write_line(&s.write),
            "items": s.targets.iter().map(|t| json!({ "id": t.id, "before": t.before })).collect::<Vec<_>>(),
            "irreversible": s.irreversible,
        })).collect::<Vec<_>>(),
        "irreversible": steps.iter().filter(|s| s.irreversible.is_some()).count(),
    })
}
