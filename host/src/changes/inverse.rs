//! The writes that undo one applied step: `add` → remove the new item; `set`, `unset`,
//! `enable`, `disable` → the old values back (or `unset` what was not set); `remove` → add the
//! item again with its configuration, in its place; `move` → back before the item that
//! followed it. Only for steps the plan marked reversible.

use crate::changes::menus::Menus;
use crate::changes::plan::{Step, Target};
use crate::plugin_host::RecordedWrite;

fn write(command: String, args: Vec<(String, String)>) -> RecordedWrite {
    RecordedWrite {
        command,
        args,
        placeholder: None,
    }
}

/// The writes that undo `step`, applied with `new_id` (the `ret` of an `add`). Empty when the
/// step cannot be undone.
pub fn undo(step: &Step, new_id: Option<&str>, menus: &Menus) -> Vec<RecordedWrite> {
    if step.irreversible.is_some() {
        return Vec::new();
    }
    let menu = step.menu();
    let Some(table) = menus.get(menu) else {
        return Vec::new();
    };
    match step.verb() {
        "add" => new_id
            .map(|id| {
                vec![write(
                    format!("{menu}/remove"),
                    vec![("numbers".into(), id.into())],
                )]
            })
            .unwrap_or_default(),
        "remove" => step
            .targets
            .iter()
            .filter_map(|t| {
                let before = t.before.as_ref()?;
                let mut args: Vec<(String, String)> = before
                    .iter()
                    .filter(|(name, value)| table.fields.contains(*name) && !value.is_empty())
                    .map(|(n, v)| (n.clone(), v.clone()))
                    .collect();
                if let Some(next) = &t.next {
                    args.push(("place-before".into(), next.clone()));
                }
                Some(write(format!("{menu}/add"), args))
            })
            .collect(),
        "move" => step
            .targets
            .iter()
            .map(|t| {
                let mut args = vec![("numbers".to_string(), t.id.clone())];
                if let Some(next) = &t.next {
                    args.push(("destination".into(), next.clone()));
                }
                write(format!("{menu}/move"), args)
            })
            .collect(),
        "set" | "unset" | "enable" | "disable" => {
            let changed: Vec<String> = step.changes().into_iter().map(|(n, _)| n).collect();
            step.targets
                .iter()
                .flat_map(|t| restore(menu, t, &changed))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// `set` the `fields` of `target` back to their old values, and `unset` those it did not have.
fn restore(menu: &str, target: &Target, fields: &[String]) -> Vec<RecordedWrite> {
    let Some(before) = &target.before else {
        return Vec::new();
    };
    let selector: Vec<(String, String)> = if target.id.is_empty() {
        Vec::new()
    } else {
        vec![("numbers".into(), target.id.clone())]
    };
    let mut set = selector.clone();
    let mut unset = Vec::new();
    for field in fields {
        match before.get(field) {
            Some(value) => set.push((field.clone(), value.clone())),
            None => unset.push(field.clone()),
        }
    }
    let mut writes = Vec::new();
    if set.len() > selector.len() {
        writes.push(write(format!("{menu}/set"), set));
    }
    if !unset.is_empty() {
        let mut args = selector;
        args.push(("value-name".into(), unset.join(",")));
        writes.push(write(format!("{menu}/unset"), args));
    }
    writes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changes::items::Item;
    use crate::changes::plan::fixtures::{self, item};

    fn step(command: &str, args: &[(&str, &str)], targets: Vec<Target>) -> Step {
        Step {
            write: fixtures::write(command, args),
            targets,
            irreversible: None,
        }
    }

    fn target(id: &str, before: Item, next: Option<&str>) -> Target {
        Target {
            id: id.into(),
            before: Some(before),
            next: next.map(str::to_string),
        }
    }

    fn lines(writes: &[RecordedWrite]) -> Vec<String> {
        writes
            .iter()
            .map(crate::changes::plan::write_line)
            .collect()
    }

    #[test]
    fn each_verb_has_its_inverse() {
        let menus = Menus::bundled();
        let add = step("/ip/address/add", &[("address", "10.0.0.1/24")], vec![]);
        assert_eq!(
            lines(&undo(&add, Some("*9"), &menus)),
            ["/ip/address/remove numbers=*9"]
        );
        let rule = item(&[
            (".id", "*5"),
            ("chain", "input"),
            ("action", "accept"),
            ("comment", "old"),
            ("bytes", "123"),
            ("disabled", "false"),
        ]);
        let set = step(
            "/ip/firewall/filter/set",
            &[("numbers", "*5"), ("comment", "new"), ("log", "yes")],
            vec![target("*5", rule.clone(), None)],
        );
        assert_eq!(
            lines(&undo(&set, None, &menus)),
            [
                "/ip/firewall/filter/set numbers=*5 comment=old",
                "/ip/firewall/filter/unset numbers=*5 value-name=log"
            ]
        );
        let remove = step(
            "/ip/firewall/filter/remove",
            &[("numbers", "*5")],
            vec![target("*5", rule.clone(), Some("*6"))],
        );
        assert_eq!(
            lines(&undo(&remove, None, &menus)),
            [
                "/ip/firewall/filter/add action=accept chain=input comment=old disabled=false place-before=*6"
            ]
        );
        let disable = step(
            "/ip/firewall/filter/disable",
            &[("numbers", "*5")],
            vec![target("*5", rule.clone(), None)],
        );
        assert_eq!(
            lines(&undo(&disable, None, &menus)),
            ["/ip/firewall/filter/set numbers=*5 disabled=false"]
        );
        let moved = step(
            "/ip/firewall/filter/move",
            &[("numbers", "*5"), ("destination", "*1")],
            vec![target("*5", rule, None)],
        );
        assert_eq!(
            lines(&undo(&moved, None, &menus)),
            ["/ip/firewall/filter/move numbers=*5"]
        );
        let dns = step(
            "/ip/dns/set",
            &[("servers", "9.9.9.9")],
            vec![target("", item(&[("servers", "1.1.1.1")]), None)],
        );
        assert_eq!(
            lines(&undo(&dns, None, &menus)),
            ["/ip/dns/set servers=1.1.1.1"]
        );
    }
}
