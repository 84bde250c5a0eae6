//! What happens to a change after it was applied: confirming it (`mikrotik_confirm_change`,
//! which takes the router's safety net down), rolling it back (`mikrotik_rollback_change`, a
//! new plan of the writes that undo it, made only while its items are as it left them),
//! listing changes with their state (`mikrotik_list_changes`), the audit for the model
//! (`mikrotik_get_change_history`), and cleaning up nets left on the router by a server that
//! stopped.

use std::collections::HashMap;

use serde_json::{Value, json};

use super::apply::{substitute, without_redacted};
use super::history;
use super::inverse::undo;
use super::net::{self, Net};
use super::plan::Step;
use super::store::{PlanRow, format_ms, now_ms};
use super::{ChangeControl, ChangeResult, Proposal, error};
use crate::host_tools;
use crate::plugin_host::policy::secrets::REDACTED;

/// States of a change whose writes are on the router.
const ON_ROUTER: &[&str] = &["applied", "kept", "confirmed", "awaiting-confirmation"];

/// States in which a change's safety net may still be armed on the router.
const ARMED: &[&str] = &["awaiting-confirmation", "cut-off", "applying"];

/// How many audit records `mikrotik_get_change_history` shows at most (the newest).
const HISTORY_LINES: usize = 200;

fn ok(text: String, structured: Value) -> ChangeResult {
    ChangeResult {
        text,
        structured,
        is_error: false,
    }
}

impl ChangeControl {
    fn net_fires(row: &PlanRow) -> String {
        row.net_until_ms.map_or("its deadline".into(), format_ms)
    }

    /// Keep a change that waits for confirmation: remove the router's safety net.
    pub async fn confirm(&self, id: &str, by: &str) -> ChangeResult {
        let target = self.router.target();
        let prior = match self.own_row(id) {
            Ok(row) => row.state,
            Err(e) => return error(e),
        };
        let from = ["awaiting-confirmation", "cut-off"];
        let row = match self.store.move_change(id, &from, "confirming") {
            Ok(row) => row,
            Err(e) => {
                return error(format!(
                    "{e}; only a change awaiting confirmation can be confirmed"
                ));
            }
        };
        let items = self.items();
        let disarmed = Net { items: &items, id }.disarm().await;
        match disarmed {
            Ok(true) => {
                self.leave_confirming(id, "confirmed");
                self.store.note(
                    Some(id),
                    &target,
                    "confirmed",
                    &json!({ "by": by }).to_string(),
                );
                ok(
                    format!(
                        "Change {id} is confirmed by {by} and kept: the router's safety net was removed."
                    ),
                    json!({ "change_id": id, "state": "confirmed" }),
                )
            }
            Ok(false) => {
                self.leave_confirming(id, "reverted-by-router");
                self.store
                    .note(Some(id), &target, "reverted-by-router", "{}");
                error(format!(
                    "Too late: the router's safety net fired at {} and the router reverted change {id} by itself. Make a new plan if the change is still wanted.",
                    Self::net_fires(&row)
                ))
            }
            Err(e) => {
                self.leave_confirming(id, &prior);
                error(format!(
                    "Change {id} is not confirmed: the router's safety net could not be removed ({e}). The router still reverts it at {}; try again before then.",
                    Self::net_fires(&row)
                ))
            }
        }
    }

    /// Move change `id` on from `confirming` to `to` (the router already did what `to` says:
    /// a failure to store it is logged).
    fn leave_confirming(&self, id: &str, to: &str) {
        if let Err(e) = self.store.move_change(id, &["confirming"], to) {
            tracing::error!(change = id, to, "change state not stored: {e}");
        }
    }

    /// A plan of the writes that undo change `id`, as long as its items are as it left them.
    pub async fn rollback(&self, id: &str) -> Result<Proposal, String> {
        let row = self.own_row(id)?;
        if row.state == "cut-off" {
            return Err(format!(
                "change {id} cut the host off; the router reverts it by itself at {}",
                Self::net_fires(&row)
            ));
        }
        if !ON_ROUTER.contains(&row.state.as_str()) {
            return Err(format!(
                "change {id} is {}: there is nothing of it on the router to roll back",
                row.state
            ));
        }
        let steps: Vec<Step> = serde_json::from_str(&row.steps)
            .map_err(|e| format!("change {id} cannot be read: {e}"))?;
        let outcome: Value = row
            .outcome
            .as_deref()
            .and_then(|o| serde_json::from_str(o).ok())
            .unwrap_or_default();
        let ids: HashMap<String, String> =
            serde_json::from_value(outcome["ids"].clone()).unwrap_or_default();
        let rets: Vec<Option<String>> =
            serde_json::from_value(outcome["rets"].clone()).unwrap_or_default();
        let lost: Vec<String> = steps
            .iter()
            .enumerate()
            .filter_map(|(k, s)| {
                s.irreversible
                    .as_ref()
                    .map(|why| format!("write {}: {why}", k + 1))
            })
            .collect();
        if !lost.is_empty() {
            return Err(format!(
                "change {id} cannot be rolled back: it has writes the host cannot undo ({})",
                lost.join("; ")
            ));
        }
        let differs = self.differences(&steps, &outcome).await?;
        if !differs.is_empty() {
            return Err(format!(
                "change {id} cannot be rolled back: its items changed since it was applied:\n- {}\nRoll back by hand, or plan a new change.",
                differs.join("\n- ")
            ));
        }
        let mut writes = Vec::new();
        for (k, step) in steps.iter().enumerate().rev() {
            let ret = rets.get(k).cloned().flatten();
            if step.verb() == "add" && ret.is_none() {
                return Err(format!(
                    "change {id} cannot be rolled back: the router gave no id for the item write {} added",
                    k + 1
                ));
            }
            for write in undo(step, ret.as_deref(), &self.menus) {
                writes.push(substitute(&without_redacted(write), &ids));
            }
        }
        if writes.is_empty() {
            return Err(format!("change {id} has nothing to undo"));
        }
        self.plan_rollback(host_tools::ROLLBACK, writes, Some(id.to_string()))
            .await
    }

    /// Fields of the items change `steps` touched that are no longer as its read-back found.
    async fn differences(&self, steps: &[Step], outcome: &Value) -> Result<Vec<String>, String> {
        let items = self.items();
        let mut differs = Vec::new();
        for (k, step) in steps.iter().enumerate() {
            let menu = step.menu();
            let Some(read) = outcome["writes"][k]["items"].as_array() else {
                continue;
            };
            for item in read {
                let (Some(name), Some(after)) = (item["id"].as_str(), item["after"].as_object())
                else {
                    continue;
                };
                let now = if name == menu {
                    Some(items.singleton(menu).await?)
                } else {
                    items.find(menu, name).await?
                };
                let Some(now) = now else {
                    differs.push(format!("{menu} {name} was removed"));
                    continue;
                };
                let compared = |field: &str| {
                    self.menus
                        .get(menu)
                        .is_none_or(|m| m.fields.contains(field) || field == "disabled")
                };
                for (field, was) in after {
                    let was = was.as_str().unwrap_or_default();
                    if was == REDACTED || !compared(field) {
                        continue;
                    }
                    let is = now.get(field).map_or("(unset)", String::as_str);
                    if was != is {
                        differs.push(format!("{menu} {name}: {field} {was:?} → {is:?}"));
                    }
                }
            }
        }
        Ok(differs)
    }

    /// Change `original` was undone by an applied rollback plan.
    pub(super) async fn rolled_back(&self, original: &str) {
        if let Ok(Some(row)) = self.store.plan(original)
            && ARMED.contains(&row.state.as_str())
        {
            let items = self.items();
            let net = Net {
                items: &items,
                id: original,
            };
            if let Err(e) = net.disarm().await {
                tracing::warn!(
                    change = original,
                    "rolled back, but its safety net {} could not be removed: {e}",
                    net::name(original)
                );
            }
        }
        if self
            .store
            .move_change(original, ON_ROUTER, "rolled-back")
            .is_ok()
        {
            self.store
                .note(Some(original), &self.router.target(), "rolled-back", "{}");
        }
    }

    /// Names of the safety nets (`mcp-mikrotik-revert-…`) that `menu` holds on the router.
    async fn nets(&self, menu: &str) -> Result<Vec<String>, String> {
        Ok(self
            .items()
            .print(menu, &[])
            .await?
            .into_iter()
            .filter_map(|r| r.get("name").cloned())
            .filter(|n| n.starts_with(net::PREFIX))
            .collect())
    }

    /// Recent changes of this router with their state (pending plans included).
    pub async fn list(&self) -> ChangeResult {
        let rows = match self.store.plans(30) {
            Ok(rows) => rows,
            Err(e) => return error(e),
        };
        let target = self.router.target();
        let now = now_ms();
        let mut lines = vec![format!(
            "{:<18}  {:<22}  {:<20}  {:<26}  NOTE",
            "CHANGE", "STATE", "CREATED", "TOOL"
        )];
        let mut list = Vec::new();
        let rows: Vec<PlanRow> = rows.into_iter().filter(|r| r.router == target).collect();
        let waiting =
            |row: &PlanRow| matches!(row.state.as_str(), "awaiting-confirmation" | "cut-off");
        // The router's clock and the scheduler's second granularity decide when a net fires,
        // not ours: ask the router (once) which nets are still armed.
        let armed = if rows.iter().any(waiting) {
            self.nets("/system/scheduler").await
        } else {
            Ok(Vec::new())
        };
        for mut row in rows {
            let mut unchecked = None;
            if waiting(&row) {
                match &armed {
                    Ok(names) if names.contains(&net::name(&row.id)) => {}
                    Ok(_) => {
                        if let Ok(moved) =
                            self.store
                                .move_change(&row.id, &[&row.state], "reverted-by-router")
                        {
                            self.store
                                .note(Some(&row.id), &target, "reverted-by-router", "{}");
                            row = moved;
                        }
                    }
                    Err(e) => unchecked = Some(e),
                }
            }
            if row.state == "pending" && row.expires_ms <= now {
                row.state = "expired".into();
            }
            let note = match row.state.as_str() {
                "pending" | "approved" => format!("plan; expires {}", format_ms(row.expires_ms)),
                "awaiting-confirmation" | "cut-off" => match &unchecked {
                    None => format!("the router reverts it at {}", Self::net_fires(&row)),
                    Some(e) => format!(
                        "the router reverts it at {} unless it was kept (could not check the router: {e})",
                        Self::net_fires(&row)
                    ),
                },
                _ => row
                    .decided_by
                    .clone()
                    .map(|b| format!("by {b}"))
                    .unwrap_or_default(),
            };
            lines.push(format!(
                "{:<18}  {:<22}  {:<20}  {:<26}  {note}",
                row.id,
                row.state,
                format_ms(row.created_ms),
                row.tool
            ));
            list.push(json!({
                "change_id": row.id, "state": row.state, "created": format_ms(row.created_ms),
                "tool": row.tool, "decided_by": row.decided_by, "note": note,
                "rolls_back": row.rolls_back,
            }));
        }
        if list.is_empty() {
            lines = vec![format!("No changes on router {target} in the audit yet.")];
        }
        ok(
            lines.join("\n"),
            json!({ "router": target, "changes": list }),
        )
    }

    /// The audit since `since` (default: a day), newest last.
    pub fn history(&self, since: Option<&str>) -> ChangeResult {
        let since_ms = match history::since_ms(since.unwrap_or("1d")) {
            Ok(ms) => ms,
            Err(e) => return error(e),
        };
        let mut events = match self.store.events(since_ms) {
            Ok(events) => events,
            Err(e) => return error(e),
        };
        let skipped = events.len().saturating_sub(HISTORY_LINES);
        events.drain(..skipped);
        let mut text = history::render(&events, false);
        if events.is_empty() {
            text = "No audit records in that time.".into();
        } else if skipped > 0 {
            text = format!("({skipped} older records left out)\n{text}");
        }
        ok(
            text,
            json!({ "records": events.len(), "left_out": skipped }),
        )
    }

    /// Remove safety nets a stopped server left on the router for changes that are settled;
    /// nets of changes still awaiting their fate are left to fire. One line per finding.
    pub async fn clean_up(&self) -> Result<Vec<String>, String> {
        let items = self.items();
        let entries = self.nets("/system/scheduler").await?;
        let scripts = self.nets("/system/script").await?;
        let mut found = Vec::new();
        for name in entries
            .iter()
            .chain(scripts.iter().filter(|s| !entries.contains(s)))
        {
            let id = &name[net::PREFIX.len()..];
            let entry = entries.contains(name);
            let row = self.store.plan(id)?;
            let settled = row
                .as_ref()
                .is_some_and(|r| !ARMED.contains(&r.state.as_str()));
            if settled || (!entry && row.as_ref().is_some_and(|r| r.state != "applying")) {
                let state = row.map(|r| r.state).unwrap_or_default();
                match (Net { items: &items, id }).disarm().await {
                    Ok(_) => found.push(format!(
                        "removed the leftover safety net {name} of change {id} ({state})"
                    )),
                    Err(e) => found.push(format!("could not remove the leftover {name}: {e}")),
                }
            } else if row.is_none() {
                found.push(format!(
                    "{name} is not in this server's audit (another server's change?); left alone"
                ));
            } else {
                found.push(format!(
                    "{name} is armed for a change not yet settled; left to fire"
                ));
            }
        }
        Ok(found)
    }
}
