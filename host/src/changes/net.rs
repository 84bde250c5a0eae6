//! The safety net: before a change is applied, the host installs on the router a revert script
//! and a `/system/scheduler` entry that runs it after `--rollback-after` seconds, so the router
//! undoes the change by itself if the host loses it (say, a firewall rule that blocks the API).
//! Once the host has logged in again over a fresh connection (or the person confirmed the
//! change, under `--keep-changes manual`), it removes both.
//!
//! RouterOS has no one-shot scheduler entry: the script removes its own entry and itself and
//! logs a line. It undoes every reversible write, last first, each inside
//! `:do { } on-error={ }` so one failure does not stop the rest. The id of an item the change
//! adds is not known before it is sent, so the script first removes it by its fields
//! (`[find where chain="input" and action="drop"]`); once the ids are known the host rewrites
//! the script with them.

use std::collections::HashMap;
use std::time::Duration;

use crate::changes::apply::{substitute, without_redacted};
use crate::changes::inverse::undo;
use crate::changes::items::Items;
use crate::changes::menus::Menus;
use crate::changes::plan::{SELECTORS, Step};
use crate::plugin_host::policy::secrets::REDACTED;
use crate::plugin_host::{RecordedWrite, is_placeholder};

/// Names of the host's script and scheduler entry start with this.
pub const PREFIX: &str = "mcp-mikrotik-revert-";

/// The name of the script and the scheduler entry of change `id`.
pub fn name(id: &str) -> String {
    format!("{PREFIX}{id}")
}

/// A value in RouterOS script syntax: a double-quoted string with `\`, `"`, `$` and `?`
/// escaped, control characters as `\n`, `\r`, `\t` or `\XX`.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' | '"' | '$' | '?' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\{:02X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether `value` can stand bare as an item id (`*1F`).
fn is_id(value: &str) -> bool {
    value.len() > 1 && value.starts_with('*') && value[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// One write as a script command: `/ip/dns/static/set numbers=*3 name="a.example"`.
fn command_line(write: &RecordedWrite) -> String {
    let mut line = write.command.clone();
    for (name, value) in &write.args {
        let bare =
            (SELECTORS.contains(&name.as_str()) || name == "place-before" || name == "destination")
                && value.split(',').all(is_id);
        line.push_str(&format!(
            " {name}={}",
            if bare { value.clone() } else { quote(value) }
        ));
    }
    line
}

/// `[find where a="1" and b="2"]` for the item `step` (an `add`) creates, from its own fields;
/// `None` when it has none the router is sure to show as written.
fn find_added(step: &Step) -> Option<String> {
    let conditions: Vec<String> = step
        .fields()
        .filter(|(name, value)| {
            !value.is_empty()
                && *value != REDACTED
                && !value.split(',').any(is_placeholder)
                && !matches!(*value, "yes" | "no" | "true" | "false")
                && *name != "disabled"
        })
        .map(|(name, value)| format!("{name}={}", quote(value)))
        .collect();
    (!conditions.is_empty()).then(|| format!("[find where {}]", conditions.join(" and ")))
}

/// The revert script of change `id`. `ids` maps the change's placeholders to the real ids
/// (empty before the writes are sent); `rets` holds the `ret` of each step sent so far.
pub fn script(
    id: &str,
    steps: &[Step],
    rets: &[Option<String>],
    ids: &HashMap<String, String>,
    menus: &Menus,
) -> String {
    let mut lines = vec![format!(
        ":log warning {}",
        quote(&format!(
            "mcp-mikrotik: change {id} not confirmed, the router reverts it"
        ))
    )];
    for (k, step) in steps.iter().enumerate().rev() {
        let failed = format!(
            ":log error {}",
            quote(&format!(
                "mcp-mikrotik: revert of change {id} step {} failed",
                k + 1
            ))
        );
        let ret = rets.get(k).cloned().flatten();
        let commands: Vec<String> = if step.verb() == "add" && ret.is_none() {
            match find_added(step) {
                Some(find) => vec![format!("{}/remove {find}", step.menu())],
                None => vec![failed.clone()],
            }
        } else {
            // A secret the host never saw cannot be restored: its argument is left out.
            undo(step, ret.as_deref(), menus)
                .into_iter()
                .map(|w| substitute(&without_redacted(w), ids))
                .filter(|w| !w.args.iter().any(|(_, v)| v.split(',').any(is_placeholder)))
                .map(|w| command_line(&w))
                .collect()
        };
        for command in commands {
            lines.push(format!(":do {{ {command} }} on-error={{ {failed} }}"));
        }
    }
    let name = quote(&name(id));
    lines.push(format!("/system/scheduler/remove [find where name={name}]"));
    lines.push(format!("/system/script/remove [find where name={name}]"));
    lines.push(format!(
        ":log warning {}",
        quote(&format!("mcp-mikrotik: change {id} reverted by the router"))
    ));
    lines.join("\n") + "\n"
}

/// The router's side of the net of one change.
pub struct Net<'a> {
    pub items: &'a Items<'a>,
    pub id: &'a str,
}

impl Net<'_> {
    fn write(command: &str, args: Vec<(&str, String)>) -> RecordedWrite {
        RecordedWrite {
            command: command.into(),
            args: args.into_iter().map(|(n, v)| (n.into(), v)).collect(),
            placeholder: None,
        }
    }

    /// Install the script and the entry that runs it `after` from now.
    pub async fn arm(&self, source: &str, after: Duration) -> Result<(), String> {
        let name = name(self.id);
        self.items
            .send(&Self::write(
                "/system/script/add",
                vec![
                    ("name", name.clone()),
                    ("source", source.into()),
                    (
                        "comment",
                        format!("mcp-mikrotik safety net of change {}", self.id),
                    ),
                ],
            ))
            .await?;
        let entry = Self::write(
            "/system/scheduler/add",
            vec![
                ("name", name.clone()),
                ("interval", format!("{}s", after.as_secs().max(1))),
                ("on-event", name.clone()),
                (
                    "comment",
                    format!(
                        "mcp-mikrotik: reverts change {} unless the host removes it",
                        self.id
                    ),
                ),
            ],
        );
        if let Err(e) = self.items.send(&entry).await {
            let _ = self.remove("/system/script").await;
            return Err(e);
        }
        Ok(())
    }

    /// Put `source` in place of the script's text (the ids are known now).
    pub async fn rewrite(&self, source: &str) -> Result<(), String> {
        let Some(id) = self.find("/system/script").await? else {
            return Err(format!("the script {} is gone", name(self.id)));
        };
        self.items
            .send(&Self::write(
                "/system/script/set",
                vec![("numbers", id), ("source", source.into())],
            ))
            .await
            .map(drop)
    }

    async fn find(&self, menu: &str) -> Result<Option<String>, String> {
        Ok(self
            .items
            .find(menu, &name(self.id))
            .await?
            .and_then(|item| item.get(".id").cloned()))
    }

    /// Remove the entry named after this change from `menu`; whether it was there.
    async fn remove(&self, menu: &str) -> Result<bool, String> {
        let Some(id) = self.find(menu).await? else {
            return Ok(false);
        };
        self.items
            .send(&Self::write(
                &format!("{menu}/remove"),
                vec![("numbers", id)],
            ))
            .await?;
        Ok(true)
    }

    /// Take the net down: the entry first (so it cannot fire), then the script. `Ok(false)`
    /// when the entry was already gone: the router ran the script (or someone removed it).
    pub async fn disarm(&self) -> Result<bool, String> {
        let entry = self.remove("/system/scheduler").await?;
        self.remove("/system/script").await?;
        Ok(entry)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::plan::Target;
    use crate::changes::plan::fixtures::{item, write};

    #[test]
    fn values_are_quoted_for_the_script_language() {
        assert_eq!(
            quote("say \"hi\" $HOME \\ back?"),
            r#""say \"hi\" \$HOME \\ back\?""#
        );
        assert_eq!(quote("a\nb\u{1}"), r#""a\nb\01""#);
    }

    #[test]
    fn the_script_undoes_each_step_last_first_and_removes_itself() {
        let menus = Menus::bundled();
        let mut add = Step {
            write: write(
                "/ip/firewall/filter/add",
                &[
                    ("chain", "input"),
                    ("action", "drop"),
                    ("dst-port", "8728"),
                    ("protocol", "tcp"),
                    ("disabled", "no"),
                    ("place-before", "*2"),
                ],
            ),
            targets: vec![],
            irreversible: None,
        };
        add.write.placeholder = Some("*PLAN1".into());
        let set = Step {
            write: write(
                "/ip/dns/static/set",
                &[("numbers", "*3"), ("comment", "x \"y\"")],
            ),
            targets: vec![Target {
                id: "*3".into(),
                before: Some(item(&[(".id", "*3"), ("name", "a.example")])),
                next: None,
            }],
            irreversible: None,
        };
        let steps = [set, add];
        let before = script("c7", &steps, &[], &HashMap::new(), &menus);
        assert_eq!(
            before,
            r#":log warning "mcp-mikrotik: change c7 not confirmed, the router reverts it"
:do { /ip/firewall/filter/remove [find where chain="input" and action="drop" and dst-port="8728" and protocol="tcp"] } on-error={ :log error "mcp-mikrotik: revert of change c7 step 2 failed" }
:do { /ip/dns/static/unset numbers=*3 value-name="comment" } on-error={ :log error "mcp-mikrotik: revert of change c7 step 1 failed" }
/system/scheduler/remove [find where name="mcp-mikrotik-revert-c7"]
/system/script/remove [find where name="mcp-mikrotik-revert-c7"]
:log warning "mcp-mikrotik: change c7 reverted by the router"
"#
        );
        let after = script(
            "c7",
            &steps,
            &[None, Some("*A".into())],
            &HashMap::from([("*PLAN1".to_string(), "*A".to_string())]),
            &menus,
        );
        assert!(
            after.contains(":do { /ip/firewall/filter/remove numbers=*A }"),
            "{after}"
        );
    }
}
