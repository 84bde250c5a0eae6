//! A plan: the writes of one tool call's dry run, each with the items it touches as they are
//! now on the router, what it changes (field before → after), and whether the host can undo
//! it exactly. Built by reading the router; shown to the person; applied by `apply.rs`.

use serde::{Deserialize, Serialize};

use crate::changes::items::{Item, Items, menu_and_verb};
use crate::changes::menus::Menus;
use crate::plugin_host::policy::secrets::{REDACTED, is_secret};
use crate::plugin_host::{RecordedWrite, is_placeholder};

/// Arguments that name the items a write acts on.
pub const SELECTORS: &[&str] = &[".id", "numbers", "number"];

/// Verbs that act on existing items and can be undone on a reversible menu.
const ITEM_VERBS: &[&str] = &["set", "remove", "enable", "disable", "move", "unset"];

/// One write of a plan.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Step {
    /// The write exactly as it will be sent (placeholders replaced at apply time).
    pub write: RecordedWrite,
    /// The items it acts on, as they were when the plan was made.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// Why the host cannot undo it exactly; `None` when it can.
    #[serde(default)]
    pub irreversible: Option<String>,
}

/// An item a write acts on.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Target {
    /// Its `.id` (a placeholder for an item added earlier in the same change; empty for the
    /// one item of a singleton menu such as `/ip/dns`).
    pub id: String,
    /// Its fields when the plan was made (`None` for an item the change itself adds).
    pub before: Option<Item>,
    /// In an ordered menu, the `.id` of the item after it (where a re-added or moved-back item
    /// goes); `None` when it is the last one.
    #[serde(default)]
    pub next: Option<String>,
}

impl Step {
    pub fn menu(&self) -> &str {
        menu_and_verb(&self.write.command).0
    }

    pub fn verb(&self) -> &str {
        menu_and_verb(&self.write.command).1
    }

    /// The field arguments (not selectors or placement).
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.write
            .args
            .iter()
            .filter(|(n, _)| !SELECTORS.contains(&n.as_str()) && n != "place-before")
            .map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// Fields this write changes on its targets, as (name, new value; `None` = unset).
    pub fn changes(&self) -> Vec<(String, Option<String>)> {
        match self.verb() {
            "enable" => vec![("disabled".into(), Some("false".into()))],
            "disable" => vec![("disabled".into(), Some("true".into()))],
            "unset" => self
                .write
                .arg("value-name")
                .unwrap_or("")
                .split(',')
                .filter(|n| !n.is_empty())
                .map(|n| (n.to_string(), None))
                .collect(),
            "set" => self
                .fields()
                .map(|(n, v)| (n.to_string(), Some(normalize(v).to_string())))
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// `yes`/`no` as RouterOS prints them (`true`/`false`).
pub fn normalize(value: &str) -> &str {
    match value {
        "yes" => "true",
        "no" => "false",
        v => v,
    }
}

/// The item selectors of a write (`numbers=*1,*2` → `["*1", "*2"]`).
pub fn selectors(write: &RecordedWrite) -> Vec<String> {
    SELECTORS
        .iter()
        .find_map(|s| write.arg(s))
        .map(|list| {
            list.split(',')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Read the router to turn recorded writes into plan steps.
pub async fn steps(
    items: &Items<'_>,
    menus: &Menus,
    writes: Vec<RecordedWrite>,
) -> Result<Vec<Step>, String> {
    let mut steps = Vec::with_capacity(writes.len());
    for write in writes {
        let (menu, verb) = menu_and_verb(&write.command);
        let (menu, verb) = (menu.to_string(), verb.to_string());
        let selected = selectors(&write);
        let mut targets = Vec::new();
        let ordered = menus.get(&menu).is_some_and(|m| m.ordered());
        let order = if ordered && matches!(verb.as_str(), "remove" | "move") {
            items.order(&menu).await?
        } else {
            Vec::new()
        };
        for selector in &selected {
            if is_placeholder(selector) {
                targets.push(Target {
                    id: selector.clone(),
                    before: None,
                    next: None,
                });
                continue;
            }
            let item = items.find(&menu, selector).await?.ok_or_else(|| {
                format!(
                    "{} names item {selector}, which {menu} on router {} does not have; \
                     address items by their .id (e.g. *1A) as printed now",
                    write.command,
                    items.router.target()
                )
            })?;
            let id = item.get(".id").cloned().unwrap_or_else(|| selector.clone());
            let next = order
                .iter()
                .position(|x| *x == id)
                .and_then(|i| order.get(i + 1).cloned());
            targets.push(Target {
                id,
                before: Some(item),
                next,
            });
        }
        if selected.is_empty() && verb == "set" && menus.get(&menu).is_some() {
            targets.push(Target {
                id: String::new(),
                before: Some(items.singleton(&menu).await?),
                next: None,
            });
        }
        let irreversible = irreversible(menus, &menu, &verb, &selected);
        steps.push(Step {
            write,
            targets,
            irreversible,
        });
    }
    Ok(steps)
}

/// Why a write cannot be undone exactly, or `None`.
fn irreversible(menus: &Menus, menu: &str, verb: &str, selected: &[String]) -> Option<String> {
    if !menus.reversible(menu, verb) {
        return Some(match menus.get(menu) {
            Some(_) => format!("the host cannot undo {verb} in {menu}"),
            None => format!("{menu}/{verb} cannot be undone by the host"),
        });
    }
    if ITEM_VERBS.contains(&verb) && selected.is_empty() && verb != "set" {
        return Some(format!("{verb} without an item (.id) cannot be undone"));
    }
    None
}

/// A value as shown to people and stored in the audit: secrets redacted.
pub fn shown(name: &str, value: &str) -> String {
    if is_secret(name) && !value.is_empty() && value != REDACTED {
        REDACTED.to_string()
    } else {
        value.to_string()
    }
}

/// A write as one line of RouterOS terms, secrets redacted:
/// `/ip/firewall/filter/set numbers=*5 comment="old rule"`.
pub fn write_line(write: &RecordedWrite) -> String {
    let mut line = write.command.clone();
    for (name, value) in &write.args {
        line.push(' ');
        line.push_str(name);
        line.push('=');
        line.push_str(&quoted(&shown(name, value)));
    }
    line
}

/// A value quoted when it holds spaces, quotes or is empty.
pub fn quoted(value: &str) -> String {
    if value.is_empty() || value.contains([' ', '"', '\\', '\t', '\n', ';']) {
        format!("{value:?}")
    } else {
        value.to_string()
    }
}

/// A redacted copy of `write`, for the audit and for display.
pub fn redacted(write: &RecordedWrite) -> RecordedWrite {
    RecordedWrite {
        command: write.command.clone(),
        args: write
            .args
            .iter()
            .map(|(n, v)| (n.clone(), shown(n, v)))
            .collect(),
        placeholder: write.placeholder.clone(),
    }
}

/// Whether any argument of `writes` is a secret with a value.
pub fn carries_secrets(writes: &[RecordedWrite]) -> bool {
    writes
        .iter()
        .any(|w| w.args.iter().any(|(n, v)| shown(n, v) != *v))
}

/// A one-line summary of an item: its most telling fields.
pub fn item_summary(item: &Item) -> String {
    const KEYS: &[&str] = &[
        "name",
        "chain",
        "action",
        "address",
        "dst-address",
        "gateway",
        "list",
        "interface",
        "comment",
        "disabled",
    ];
    let parts: Vec<String> = KEYS
        .iter()
        .filter_map(|k| {
            item.get(*k)
                .map(|v| format!("{k}={}", quoted(&shown(k, v))))
        })
        .collect();
    parts.join(" ")
}

/// Writes and items for the unit tests of change control.
#[cfg(test)]
pub mod fixtures {
    use super::{Item, RecordedWrite};

    fn pairs(pairs: &[(&str, &str)]) -> impl Iterator<Item = (String, String)> {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string()))
    }

    /// A write of `command` with `args`.
    pub fn write(command: &str, args: &[(&str, &str)]) -> RecordedWrite {
        RecordedWrite {
            command: command.into(),
            args: pairs(args).collect(),
            placeholder: None,
        }
    }

    /// An item with these fields.
    pub fn item(fields: &[(&str, &str)]) -> Item {
        pairs(fields).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::write;
    use super::*;

    #[test]
    fn steps_know_what_they_change() {
        let step = |w| Step {
            write: w,
            targets: vec![],
            irreversible: None,
        };
        let set = step(write(
            "/ip/firewall/filter/set",
            &[("numbers", "*5"), ("comment", "x y"), ("disabled", "yes")],
        ));
        assert_eq!((set.menu(), set.verb()), ("/ip/firewall/filter", "set"));
        assert_eq!(
            set.changes(),
            vec![
                ("comment".into(), Some("x y".into())),
                ("disabled".into(), Some("true".into()))
            ]
        );
        let unset = step(write(
            "/ip/route/unset",
            &[("numbers", "*1"), ("value-name", "comment,pref-src")],
        ));
        assert_eq!(unset.changes().len(), 2);
        assert_eq!(selectors(&unset.write), vec!["*1".to_string()]);
    }

    #[test]
    fn irreversibility_follows_the_menu_table() {
        let menus = Menus::bundled();
        assert_eq!(irreversible(&menus, "/ip/address", "add", &[]), None);
        assert!(irreversible(&menus, "/system", "reboot", &[]).is_some());
        assert!(irreversible(&menus, "/ip/address", "remove", &[]).is_some());
        assert_eq!(
            irreversible(&menus, "/ip/address", "remove", &["*1".into()]),
            None
        );
    }

    #[test]
    fn secrets_never_reach_the_display() {
        let w = write("/user/set", &[("numbers", "*1"), ("password", "hunter2")]);
        assert_eq!(
            write_line(&w),
            format!("/user/set numbers=*1 password={}", quoted(REDACTED))
        );
        assert!(carries_secrets(std::slice::from_ref(&w)));
        assert!(!carries_secrets(&[redacted(&w)]));
    }
}
