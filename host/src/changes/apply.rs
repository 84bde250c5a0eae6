//! Applying an approved plan exactly: stop before the first write if an item changed since the
//! plan; arm the router's safety net (`net.rs`); send the writes in order (placeholder ids
//! replaced by the real ones), each recorded in the audit before it is sent and after; if the
//! router refuses write k, undo writes 1..k−1; then read every affected item back.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};

use crate::changes::inverse::undo;
use crate::changes::items::{Item, Items};
use crate::changes::menus::Menus;
use crate::changes::net::{self, Net};
use crate::changes::plan::{Step, item_summary, quoted, shown, write_line};
use crate::changes::store::{AuditStore, format_ms, now_ms};
use crate::plugin_host::policy::secrets::REDACTED;
use crate::plugin_host::{RecordedWrite, is_placeholder};

/// What applying needs.
pub struct Applier<'a> {
    pub items: Items<'a>,
    pub menus: &'a Menus,
    pub store: &'a AuditStore,
    pub plan_id: &'a str,
    /// When the router's safety net fires after it is armed; `None`: no net.
    pub rollback_after: Option<Duration>,
}

/// What sending a change came to.
pub enum Sending {
    /// Nothing was sent, or the change failed and was undone (as far as it could be).
    Done(Applied),
    /// Every write was accepted.
    Sent(Sent),
}

/// The router's answers to a change that was sent whole.
pub struct Sent {
    /// Placeholder ids of the plan → the ids the router gave.
    pub ids: HashMap<String, String>,
    /// The `ret` of each write, in order.
    pub rets: Vec<Option<String>>,
    /// When the safety net fires, if one is armed.
    pub net_until_ms: Option<i64>,
}

/// How an apply ended.
pub struct Applied {
    /// Every write was sent and accepted.
    pub ok: bool,
    /// The final plan state: `applied`, `failed`, `refused` (nothing sent) or `cut-off`.
    pub state: &'static str,
    pub text: String,
    pub structured: Value,
}

impl Applier<'_> {
    fn router(&self) -> String {
        self.items.router.target()
    }

    fn audit(&self, kind: &str, detail: Value) -> Result<(), String> {
        self.store.record(
            Some(self.plan_id),
            &self.router(),
            kind,
            &detail.to_string(),
        )
    }

    /// [`Self::audit`], for a record nothing waits on: a failure to store it is logged.
    fn note(&self, kind: &str, detail: Value) {
        self.store.note(
            Some(self.plan_id),
            &self.router(),
            kind,
            &detail.to_string(),
        );
    }

    /// Fields of the targets that changed on the router since the plan; empty when none did.
    pub async fn drift(&self, steps: &[Step]) -> Result<Vec<String>, String> {
        let mut changed = Vec::new();
        for step in steps {
            let compared: Vec<String> = match self.menus.get(step.menu()) {
                Some(menu) => menu.fields.iter().cloned().collect(),
                None => {
                    let mut names: Vec<String> =
                        step.changes().into_iter().map(|(n, _)| n).collect();
                    names.push("disabled".into());
                    names
                }
            };
            for target in &step.targets {
                let Some(before) = &target.before else {
                    continue;
                };
                let now = if target.id.is_empty() {
                    Some(self.items.singleton(step.menu()).await?)
                } else {
                    self.items.find(step.menu(), &target.id).await?
                };
                let Some(now) = now else {
                    changed.push(format!("{} {} was removed", step.menu(), target.id));
                    continue;
                };
                for field in &compared {
                    let (was, is) = (before.get(field), now.get(field));
                    if was.is_some_and(|v| v == REDACTED) || was == is {
                        continue;
                    }
                    changed.push(format!(
                        "{} {}: {field} {} → {}",
                        step.menu(),
                        target.id,
                        value_text(field, was),
                        value_text(field, is)
                    ));
                }
            }
        }
        Ok(changed)
    }

    /// Send `steps` (already claimed in the store): check for drift, arm the router's safety
    /// net, send the writes in order; if the router refuses one, undo the ones before it.
    /// Never returns early once a write went out.
    pub async fn send(&self, steps: &[Step]) -> Sending {
        match self.drift(steps).await {
            Ok(changed) if changed.is_empty() => {}
            Ok(changed) => {
                self.note("drift", json!({ "changed": changed }));
                return Sending::Done(refused(format!(
                    "Nothing was sent: the router changed since the plan was made.\n- {}\nMake a new plan from the router as it is now.",
                    changed.join("\n- ")
                )));
            }
            Err(e) => {
                return Sending::Done(refused(format!(
                    "Nothing was sent: could not check the items against the plan: {e}"
                )));
            }
        }
        let net_until_ms = match self.arm(steps).await {
            Ok(until) => until,
            Err(e) => {
                return Sending::Done(refused(format!(
                    "Nothing was sent: the safety net (a revert script the router runs by itself after --rollback-after seconds) could not be installed: {e}. \
                     Fix that, or run the server with --rollback-after 0 to apply changes without it."
                )));
            }
        };
        let mut sent = Sent {
            ids: HashMap::new(),
            rets: Vec::new(),
            net_until_ms,
        };
        let mut failure = None;
        for (k, step) in steps.iter().enumerate() {
            let write = substitute(&step.write, &sent.ids);
            let line = write_line(&write);
            if let Err(e) = self.audit("sending", json!({ "step": k + 1, "write": line })) {
                failure = Some((
                    k,
                    format!("not sent: the audit record could not be stored ({e})"),
                ));
                break;
            }
            match self.items.send(&write).await {
                Ok(ret) => {
                    self.note("sent", json!({ "step": k + 1, "ret": ret }));
                    if let (Some(placeholder), Some(id)) = (&step.write.placeholder, &ret) {
                        sent.ids.insert(placeholder.clone(), id.clone());
                    }
                    sent.rets.push(ret);
                }
                Err(e) => {
                    self.note("refused", json!({ "step": k + 1, "error": e }));
                    failure = Some((k, e));
                    break;
                }
            }
        }
        let Some((k, error)) = failure else {
            return Sending::Sent(sent);
        };
        let (reverted, undone) = self.revert(steps, &sent.rets, &sent.ids).await;
        let mut text = format!(
            "The change failed at write {} of {}: {}\n{error}\nWrites 1..{} were undone:\n{}",
            k + 1,
            steps.len(),
            write_line(&substitute(&steps[k].write, &sent.ids)),
            k,
            if reverted.is_empty() {
                "  (none had been sent)".to_string()
            } else {
                reverted.join("\n")
            }
        );
        let mut state = "failed";
        if let Some(until) = net_until_ms {
            if undone && self.net().disarm().await.is_ok() {
                self.note(
                    "net-removed",
                    json!({ "why": "the change failed and was undone" }),
                );
            } else {
                state = "cut-off";
                text.push_str(&format!(
                    "\nThe host could not undo everything: the router's safety net stays armed and reverts the change by itself at {}.",
                    format_ms(until)
                ));
            }
        }
        Sending::Done(Applied {
            ok: false,
            state,
            structured: json!({
                "state": state, "failed_write": k + 1, "error": error, "reverted": reverted
            }),
            text,
        })
    }

    pub fn net(&self) -> Net<'_> {
        Net {
            items: &self.items,
            id: self.plan_id,
        }
    }

    /// Install the safety net, unless it is off or nothing in the change can be undone; when
    /// it fires.
    async fn arm(&self, steps: &[Step]) -> Result<Option<i64>, String> {
        let Some(after) = self.rollback_after else {
            return Ok(None);
        };
        if steps.iter().all(|s| s.irreversible.is_some()) {
            return Ok(None);
        }
        let source = net::script(self.plan_id, steps, &[], &HashMap::new(), self.menus);
        let until = now_ms() + after.as_millis() as i64;
        self.net().arm(&source, after).await?;
        self.note(
            "net-armed",
            json!({ "fires_at": format_ms(until), "script": net::name(self.plan_id) }),
        );
        Ok(Some(until))
    }

    /// Read every item the sent change touched back from the router.
    pub async fn report(&self, steps: &[Step], sent: &Sent) -> Applied {
        let mut report = Vec::new();
        let mut writes = Vec::new();
        for (k, step) in steps.iter().enumerate() {
            let ret = sent.rets.get(k).cloned().flatten();
            let (line, items) = self.read_back(k, step, ret.as_deref(), &sent.ids).await;
            report.push(line);
            writes.push(json!({
                "command": step.write.command,
                "ret": ret,
                "items": items,
            }));
        }
        Applied {
            ok: true,
            state: "applied",
            text: format!(
                "Applied {} write(s) to router {}; as the router now has them:\n{}",
                steps.len(),
                self.router(),
                report.join("\n")
            ),
            structured: json!({ "state": "applied", "writes": writes }),
        }
    }

    /// Undo the sent writes, last first; one line per undo write.
    /// Whether every undo write was accepted comes second.
    pub async fn revert(
        &self,
        steps: &[Step],
        rets: &[Option<String>],
        ids: &HashMap<String, String>,
    ) -> (Vec<String>, bool) {
        let mut lines = Vec::new();
        let mut undone = true;
        for (k, ret) in rets.iter().enumerate().rev() {
            let step = &steps[k];
            let undo_writes = undo(step, ret.as_deref(), self.menus);
            if undo_writes.is_empty() {
                undone = false;
                lines.push(format!(
                    "  {}. cannot be undone: {}",
                    k + 1,
                    step.irreversible.as_deref().unwrap_or("no inverse")
                ));
            }
            for write in undo_writes {
                let write = substitute(&without_redacted(write), ids);
                let line = write_line(&write);
                self.note("reverting", json!({ "step": k + 1, "write": line }));
                match self.items.send(&write).await {
                    Ok(_) => {
                        self.note("reverted", json!({ "step": k + 1 }));
                        lines.push(format!("  {}. undone: {line}", k + 1));
                    }
                    Err(e) => {
                        undone = false;
                        self.note("revert-failed", json!({ "step": k + 1, "error": e }));
                        lines.push(format!("  {}. UNDO FAILED ({e}): {line}", k + 1));
                    }
                }
            }
        }
        (lines, undone)
    }

    /// Read back what step `k` touched: one report line and the items as JSON.
    async fn read_back(
        &self,
        k: usize,
        step: &Step,
        ret: Option<&str>,
        ids: &HashMap<String, String>,
    ) -> (String, Value) {
        let menu = step.menu();
        let mut line = format!("{}. {}", k + 1, write_line(&substitute(&step.write, ids)));
        let mut items = Vec::new();
        if step.verb() == "add"
            && let Some(id) = ret
        {
            let after = self.items.find(menu, id).await;
            line.push_str(&format!("\n   added {id}: {}", after_text(&after)));
            let after = after.ok().flatten().map(redact_item);
            self.note(
                "read-back",
                json!({ "step": k + 1, "id": id, "after": after }),
            );
            items.push(json!({ "id": id, "after": after }));
        }
        for target in &step.targets {
            let id = ids.get(&target.id).cloned().unwrap_or(target.id.clone());
            let after = if step.verb() == "remove" {
                Ok(None)
            } else if id.is_empty() {
                self.items.singleton(menu).await.map(Some)
            } else {
                self.items.find(menu, &id).await
            };
            let name = if id.is_empty() {
                menu.to_string()
            } else {
                id.clone()
            };
            match (&target.before, &after) {
                (_, Err(e)) => line.push_str(&format!("\n   {name}: could not read it back: {e}")),
                (Some(before), Ok(None)) => line.push_str(&format!(
                    "\n   {name} removed (was {})",
                    item_summary(before)
                )),
                (Some(before), Ok(Some(now))) => {
                    for (field, _) in step.changes() {
                        line.push_str(&format!(
                            "\n   {name}: {field} {} → {}",
                            value_text(&field, before.get(&field)),
                            value_text(&field, now.get(&field))
                        ));
                    }
                }
                (None, Ok(now)) => {
                    line.push_str(&format!("\n   {name}: {}", after_text(&Ok(now.clone()))))
                }
            }
            self.note(
                "read-back",
                json!({ "step": k + 1, "id": name, "after": after.as_ref().ok().cloned().flatten().map(redact_item) }),
            );
            items.push(json!({
                "id": name,
                "before": target.before.clone().map(redact_item),
                "after": after.ok().flatten().map(redact_item),
            }));
        }
        (line, Value::Array(items))
    }
}

fn refused(text: String) -> Applied {
    Applied {
        ok: false,
        state: "refused",
        structured: json!({ "state": "refused", "error": text }),
        text,
    }
}

fn after_text(after: &Result<Option<Item>, String>) -> String {
    match after {
        Ok(Some(item)) => item_summary(item),
        Ok(None) => "not found on the router".into(),
        Err(e) => format!("could not read it back: {e}"),
    }
}

fn value_text(field: &str, value: Option<&String>) -> String {
    value.map_or("(unset)".to_string(), |v| quoted(&shown(field, v)))
}

fn redact_item(item: Item) -> Item {
    item.into_iter()
        .map(|(n, v)| {
            let v = shown(&n, &v);
            (n, v)
        })
        .collect()
}

/// `write` with every placeholder id replaced by the real id, where known.
pub fn substitute(write: &RecordedWrite, ids: &HashMap<String, String>) -> RecordedWrite {
    let mut write = write.clone();
    for (_, value) in write.args.iter_mut() {
        if !value.contains("*PLAN") {
            continue;
        }
        *value = value
            .split(',')
            .map(|part| {
                if is_placeholder(part) {
                    ids.get(part).map_or(part, String::as_str)
                } else {
                    part
                }
            })
            .collect::<Vec<_>>()
            .join(",");
    }
    write
}

/// An undo write without redacted values (a secret the host never saw cannot be restored, and
/// the marker must never be written).
pub fn without_redacted(mut write: RecordedWrite) -> RecordedWrite {
    write.args.retain(|(_, v)| v != REDACTED);
    write
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_become_real_ids() {
        let write = RecordedWrite {
            command: "/ip/firewall/filter/move".into(),
            args: vec![
                ("numbers".into(), "*PLAN1,*3".into()),
                ("destination".into(), "*PLAN2".into()),
            ],
            placeholder: None,
        };
        let ids = HashMap::from([("*PLAN1".to_string(), "*1F".to_string())]);
        let done = substitute(&write, &ids);
        assert_eq!(done.args[0].1, "*1F,*3");
        assert_eq!(done.args[1].1, "*PLAN2", "unknown placeholders stay");
    }
}
