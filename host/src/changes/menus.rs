//! The menus where the host can undo a write exactly: plain configuration lists where
//! re-adding an item restores the state, the verbs it can undo there, and the fields `set`
//! accepts (so "did this item change since the plan?" compares configuration, not counters).
//! The list is `reversible_menus.txt`, derived from RouterOS 7.24's command tree.

use std::collections::{BTreeSet, HashMap};

const TABLE: &str = include_str!("reversible_menus.txt");

/// One reversible menu.
#[derive(Debug)]
pub struct Menu {
    /// Verbs the host can undo here (`add`, `set`, `remove`, …).
    pub verbs: BTreeSet<String>,
    /// Fields `set` accepts: the item's configuration.
    pub fields: BTreeSet<String>,
}

impl Menu {
    /// Whether the menu keeps its items in an order that matters (it has `move`).
    pub fn ordered(&self) -> bool {
        self.verbs.contains("move")
    }
}

/// The reversible menus, by path (`/ip/firewall/filter`).
#[derive(Debug)]
pub struct Menus {
    menus: HashMap<String, Menu>,
}

impl Menus {
    /// The table shipped with the host.
    pub fn bundled() -> Self {
        Self::parse(TABLE)
    }

    fn parse(text: &str) -> Self {
        let words = |list: &str| -> BTreeSet<String> {
            list.split(',')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect()
        };
        let menus = text
            .lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| {
                let mut parts = line.split('|');
                let (path, verbs, fields) = (parts.next()?, parts.next()?, parts.next()?);
                Some((
                    path.to_string(),
                    Menu {
                        verbs: words(verbs),
                        fields: words(fields),
                    },
                ))
            })
            .collect();
        Self { menus }
    }

    /// The menu at `path`, if the host can undo writes there.
    pub fn get(&self, path: &str) -> Option<&Menu> {
        self.menus.get(path)
    }

    /// Whether `verb` on `path` can be undone exactly.
    pub fn reversible(&self, path: &str, verb: &str) -> bool {
        self.get(path).is_some_and(|m| m.verbs.contains(verb))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversible_menus_match_the_command_tree() {
        let tree: serde_json::Value = serde_json::from_str(include_str!(
            "../../routeros/tests/data/command-tree-7.24.json"
        ))
        .expect("the command tree is JSON");
        let menus = Menus::bundled();
        assert!(menus.menus.len() >= 16, "{} menus", menus.menus.len());
        for (path, menu) in &menus.menus {
            let mut node = &tree;
            for part in path.trim_start_matches('/').split('/') {
                node = &node[part];
            }
            let is_cmd = |v: &serde_json::Value| v["_type"] == "cmd";
            for verb in &menu.verbs {
                assert!(is_cmd(&node[verb.as_str()]), "{path} has no {verb}");
            }
            let set = node["set"].as_object().expect("a set command");
            let settable: BTreeSet<String> = set
                .iter()
                .filter(|(name, v)| v["_type"] == "arg" && *name != "numbers")
                .map(|(name, _)| name.clone())
                .collect();
            assert_eq!(menu.fields, settable, "fields of {path}");
        }
        let filter = menus.get("/ip/firewall/filter").unwrap();
        assert!(filter.ordered() && filter.fields.contains("chain"));
        assert!(menus.reversible("/ip/address", "add"));
        assert!(!menus.reversible("/interface", "add"));
        assert!(!menus.reversible("/system", "reboot"));
    }
}
