//! Plugin `changes`: typed write tools, for the changes people make most, with items named by
//! `.id` only (never by position or name):
//!
//! - `mikrotik_change_firewall`: filter/nat/mangle/raw rules (add with `place_before`, update,
//!   remove, enable, disable, move) and address-list entries (add with `timeout`, remove);
//! - `mikrotik_change_network`: DNS static entries (add, update, remove), DHCP leases
//!   (make-static, add and remove static leases), IP addresses (add, remove), interfaces
//!   (enable, disable, comment) and routes (add, remove, enable, disable).
//!
//! The plugin only checks its arguments and that the items it names exist, then sends the
//! writes. The host plans them, a person confirms, and the host applies, audits and can undo
//! them; the plugin needs no safety code of its own. Its permissions are exactly the commands
//! it sends.

use mikrotik_plugin_sdk::values::parse_bool;
use mikrotik_plugin_sdk::{
    Effect, Manifest, Output, Plugin, Request, RouterApi, Tool, Value, export_plugin, json, schema,
};

#[cfg(test)]
mod tests;

/// The plugin.
pub struct Changes;

const FIREWALL: &str = "mikrotik_change_firewall";
const NETWORK: &str = "mikrotik_change_network";

/// What a tool can change: its `kind` value, the menu, the actions allowed there, and the read
/// tool that shows its items' `.id`.
struct Kind {
    name: &'static str,
    menu: &'static str,
    actions: &'static [&'static str],
    reader: &'static str,
}

const RULE_ACTIONS: &[&str] = &["add", "update", "remove", "enable", "disable", "move"];

const FIREWALL_KINDS: &[Kind] = &[
    Kind {
        name: "filter",
        menu: "/ip/firewall/filter",
        actions: RULE_ACTIONS,
        reader: "mikrotik_get_firewall_rules",
    },
    Kind {
        name: "nat",
        menu: "/ip/firewall/nat",
        actions: RULE_ACTIONS,
        reader: "mikrotik_get_firewall_rules",
    },
    Kind {
        name: "mangle",
        menu: "/ip/firewall/mangle",
        actions: RULE_ACTIONS,
        reader: "mikrotik_get_firewall_rules",
    },
    Kind {
        name: "raw",
        menu: "/ip/firewall/raw",
        actions: RULE_ACTIONS,
        reader: "mikrotik_get_firewall_rules",
    },
    Kind {
        name: "address-list",
        menu: "/ip/firewall/address-list",
        actions: &["add", "remove"],
        reader: "mikrotik_get_address_lists",
    },
];

const NETWORK_KINDS: &[Kind] = &[
    Kind {
        name: "dns-static",
        menu: "/ip/dns/static",
        actions: &["add", "update", "remove"],
        reader: "mikrotik_get_dns",
    },
    Kind {
        name: "dhcp-lease",
        menu: "/ip/dhcp-server/lease",
        actions: &["make-static", "add", "remove"],
        reader: "mikrotik_get_dhcp_leases",
    },
    Kind {
        name: "ip-address",
        menu: "/ip/address",
        actions: &["add", "remove"],
        reader: "mikrotik_get_ip_addresses",
    },
    Kind {
        name: "interface",
        menu: "/interface",
        actions: &["enable", "disable", "comment"],
        reader: "mikrotik_get_interfaces",
    },
    Kind {
        name: "route",
        menu: "/ip/route",
        actions: &["add", "remove", "enable", "disable"],
        reader: "mikrotik_get_routes",
    },
];

/// The RouterOS verb an action sends.
fn verb(action: &str) -> &str {
    match action {
        "update" | "comment" => "set",
        other => other,
    }
}

/// Every command the plugin may send: the writes of each kind, and the print that checks an
/// item exists.
fn permissions() -> Vec<String> {
    let mut all = Vec::new();
    for kind in FIREWALL_KINDS.iter().chain(NETWORK_KINDS) {
        all.push(format!("{}/print", kind.menu));
        for action in kind.actions {
            let command = format!("{}/{}", kind.menu, verb(action));
            if !all.contains(&command) {
                all.push(command);
            }
        }
    }
    all
}

fn names(kinds: &[Kind]) -> Vec<&'static str> {
    kinds.iter().map(|k| k.name).collect()
}

fn actions(kinds: &[Kind]) -> Vec<&'static str> {
    let mut all: Vec<&str> = Vec::new();
    for action in kinds.iter().flat_map(|k| k.actions) {
        if !all.contains(action) {
            all.push(action);
        }
    }
    all
}

const FIELDS: &str = "RouterOS fields, e.g. {\"chain\":\"input\",\"action\":\"drop\"}";

impl Plugin for Changes {
    fn manifest() -> Manifest {
        let id = schema::string("Item .id, e.g. *1F (not for add)");
        let fields = json!({"type": "object", "description": FIELDS});
        let firewall = Tool::reads(
            FIREWALL,
            "Change firewall rules (filter/nat/mangle/raw: add with place_before, update, \
             remove, enable, disable, move to destination) or address-list entries (add with \
             list, address, timeout; remove). Items by .id.",
            schema::object(
                json!({
                    "action": {"enum": actions(FIREWALL_KINDS)},
                    "kind": {"enum": names(FIREWALL_KINDS)},
                    "id": id,
                    "fields": fields,
                    "place_before": schema::string("add: .id of the rule the new one goes before"),
                    "destination": schema::string("move: .id of the rule to move before")
                }),
                &["action", "kind"],
            ),
        )
        .title("Change firewall")
        .effect(Effect::Writes, true, false);
        let network = Tool::reads(
            NETWORK,
            "Change DNS static entries (add, update, remove), DHCP leases (make-static, add, \
             remove), IP addresses (add, remove), interfaces (enable, disable, comment) or \
             routes (add, remove, enable, disable). Items by .id.",
            schema::object(
                json!({
                    "action": {"enum": actions(NETWORK_KINDS)},
                    "kind": {"enum": names(NETWORK_KINDS)},
                    "id": id,
                    "fields": fields
                }),
                &["action", "kind"],
            ),
        )
        .title("Change network settings")
        .effect(Effect::Writes, true, false);
        let permissions = permissions();
        let permissions: Vec<&str> = permissions.iter().map(String::as_str).collect();
        Manifest::new("changes", "0.1.0", &permissions, vec![firewall, network])
    }

    fn call(tool: &str, args: Value, router: &dyn RouterApi) -> Result<Output, String> {
        let kinds = match tool {
            FIREWALL => FIREWALL_KINDS,
            NETWORK => NETWORK_KINDS,
            other => return Err(format!("changes has no tool named {other}")),
        };
        let change = Change::read(&args, kinds)?;
        let request = change.request(router)?;
        let reply = request
            .send(router)
            .map_err(|e| format!("{} failed: {e}", request.command))?;
        let text = match reply.ret() {
            Some(id) => format!("{} done: new item {id}", request.command),
            None => format!("{} done", request.command),
        };
        Ok(Output::with_json(
            text,
            json!({ "command": request.command, "ret": reply.ret() }),
        ))
    }
}

export_plugin!(Changes);

/// One checked change.
struct Change<'a> {
    kind: &'a Kind,
    action: &'a str,
    id: Option<&'a str>,
    fields: Vec<(String, String)>,
    /// `place-before` of an add, or `destination` of a move.
    place: Option<(&'static str, &'a str)>,
}

fn text<'a>(args: &'a Value, name: &str) -> Result<Option<&'a str>, String> {
    match args.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim())),
        Some(other) => Err(format!("`{name}` must be a string, not {other}")),
    }
}

/// Whether `id` is an item id as RouterOS prints it (`*1F`).
fn is_id(id: &str) -> bool {
    id.len() > 1 && id.starts_with('*') && id[1..].chars().all(|c| c.is_ascii_hexdigit())
}

fn checked_id<'a>(kind: &Kind, name: &str, id: &'a str) -> Result<&'a str, String> {
    if is_id(id) {
        Ok(id)
    } else {
        Err(format!(
            "`{name}` must be an item .id such as *1F, as {} shows it; positions and names \
             are not accepted (got {id:?})",
            kind.reader
        ))
    }
}

/// Fields as RouterOS arguments: plain names; strings, numbers and booleans (yes/no).
fn fields(args: &Value) -> Result<Vec<(String, String)>, String> {
    let map = match args.get("fields") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Object(map)) => map,
        Some(other) => return Err(format!("`fields` must be an object, not {other}")),
    };
    let mut out = Vec::with_capacity(map.len());
    for (name, value) in map {
        let plain = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !name.starts_with('-');
        if !plain || matches!(name.as_str(), "numbers" | "place-before" | "destination") {
            return Err(format!(
                "`fields.{name}` is not a field this tool sets; use plain RouterOS field names \
                 such as chain or comment (items are chosen with `id`, placement with \
                 place_before/destination)"
            ));
        }
        let value = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(true) => "yes".into(),
            Value::Bool(false) => "no".into(),
            other => {
                return Err(format!(
                    "`fields.{name}` must be a string, number or boolean, not {other}"
                ));
            }
        };
        out.push((name.clone(), value));
    }
    Ok(out)
}

impl<'a> Change<'a> {
    fn read(args: &'a Value, kinds: &'a [Kind]) -> Result<Self, String> {
        let kind_name = text(args, "kind")?.ok_or("`kind` is required")?;
        let kind = kinds.iter().find(|k| k.name == kind_name).ok_or_else(|| {
            format!(
                "`kind` must be one of {}, not {kind_name:?}",
                names(kinds).join(", ")
            )
        })?;
        let action = text(args, "action")?.ok_or("`action` is required")?;
        let action = *kind.actions.iter().find(|a| **a == action).ok_or_else(|| {
            format!(
                "{} supports the actions {}, not {action:?}",
                kind.name,
                kind.actions.join(", ")
            )
        })?;
        let id = text(args, "id")?
            .map(|id| checked_id(kind, "id", id))
            .transpose()?;
        match (action, id) {
            ("add", Some(_)) => return Err("add makes a new item: leave `id` out".into()),
            ("add", None) => {}
            (_, None) => return Err(format!("{action} needs `id`, the .id of the item")),
            _ => {}
        }
        let fields = fields(args)?;
        let wants_fields = matches!(action, "add" | "update" | "comment");
        if wants_fields && fields.is_empty() {
            return Err(format!("{action} needs `fields`, e.g. {FIELDS}"));
        }
        if !wants_fields && !fields.is_empty() {
            return Err(format!("{action} takes no `fields`"));
        }
        if action == "comment" && fields.iter().any(|(n, _)| n != "comment") {
            return Err("comment sets only `fields.comment`".into());
        }
        let place_before = text(args, "place_before")?;
        let destination = text(args, "destination")?;
        let place = match (action, place_before, destination) {
            (_, Some(_), Some(_)) => {
                return Err("give either place_before (add) or destination (move)".into());
            }
            ("add", Some(p), None) if kind.actions.contains(&"move") => {
                Some(("place-before", checked_id(kind, "place_before", p)?))
            }
            ("move", None, Some(d)) => Some(("destination", checked_id(kind, "destination", d)?)),
            (_, None, None) => None,
            _ => {
                return Err(
                    "place_before is only for add of a rule, destination only for move".into(),
                );
            }
        };
        Ok(Self {
            kind,
            action,
            id,
            fields,
            place,
        })
    }

    /// Fail with a clear message unless `menu` has an item `id`; else whether it is dynamic,
    /// when the router says.
    fn exists(&self, router: &dyn RouterApi, id: &str) -> Result<Option<bool>, String> {
        let menu = self.kind.menu;
        let reply = Request::new(format!("{menu}/print"))
            .arg(".proplist", ".id,dynamic")
            .query(format!(".id={id}"))
            .send(router)
            .map_err(|e| format!("cannot check {id} in {menu}: {e}"))?;
        match reply.rows.first() {
            Some(row) => Ok(row.get("dynamic").and_then(parse_bool)),
            None => Err(format!(
                "{menu} has no item {id} (it may have been removed); call {} again for the \
                 current .id values",
                self.kind.reader
            )),
        }
    }

    /// A DHCP lease must be dynamic to be made static, and static to be removed.
    fn check_lease(&self, id: &str, dynamic: Option<bool>) -> Result<(), String> {
        match (self.kind.name, self.action, dynamic) {
            ("dhcp-lease", "make-static", Some(false)) => {
                Err(format!("lease {id} is already static"))
            }
            ("dhcp-lease", "remove", Some(true)) => Err(format!(
                "lease {id} is dynamic: this tool removes static leases only (make-static it \
                 first to keep it, or let it expire)"
            )),
            _ => Ok(()),
        }
    }

    /// The write to send, after checking that the items it names exist.
    fn request(&self, router: &dyn RouterApi) -> Result<Request, String> {
        if let Some(id) = self.id {
            let dynamic = self.exists(router, id)?;
            self.check_lease(id, dynamic)?;
        }
        if let Some((_, id)) = self.place {
            self.exists(router, id)?;
        }
        let mut request = Request::new(format!("{}/{}", self.kind.menu, verb(self.action)));
        if let Some(id) = self.id {
            request = request.arg("numbers", id);
        }
        for (name, value) in &self.fields {
            request = request.arg(name.clone(), value.clone());
        }
        if let Some((name, id)) = self.place {
            request = request.arg(name, id);
        }
        Ok(request)
    }
}
