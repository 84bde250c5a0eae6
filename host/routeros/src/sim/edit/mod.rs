//! Writing commands on a menu, shared by the API and the script interpreter: `add`
//! (→ `=ret=*ID`; `place-before=` on ordered menus), `set`, `remove`, `enable`, `disable`,
//! `unset` (`value-name` may list several fields), `move` (before `destination`, or to the
//! end; ordered menus) and `get`. Items are addressed by `.id`/`numbers` (comma lists, `*HEX`
//! or name). Changes persist for the life of the sim and are seen by every connection; a few
//! menus check what is written and set something off afterwards (see [`check`] and
//! [`after_write`]).

use super::dispatch::{CATEGORY_ARGUMENT, CATEGORY_MISSING, Ctx};
use super::reply::{Closed, ReplySink};
use super::row::FlatRow;
use super::state::State;
use super::table::{Table, format_id};
use super::{firewall_gate, scheduler, script};
use crate::sentence::{Attr, Command};

/// A refused command: trap category (if any) and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub category: Option<u8>,
    pub message: String,
}

/// A refusal with this category and message.
pub fn refuse(category: Option<u8>, message: impl Into<String>) -> Refusal {
    Refusal {
        category,
        message: message.into(),
    }
}

/// Arguments that select items rather than set fields.
const SELECTORS: &[&str] = &[".id", "numbers", "number"];

/// `yes`/`no` become `true`/`false`, as RouterOS prints booleans.
pub fn normalize(value: &[u8]) -> &[u8] {
    match value {
        b"yes" => b"true",
        b"no" => b"false",
        v => v,
    }
}

/// Run a writing command (or `get`) on `menu`: `Ok` carries the `=ret=` value, if any.
pub fn apply(
    st: &mut State,
    menu: &str,
    verb: &str,
    cmd: &Command,
) -> Result<Option<String>, Refusal> {
    let Some(t) = st.tables.get(menu) else {
        return Err(refuse(
            Some(CATEGORY_MISSING),
            "no such command or directory",
        ));
    };
    let (singleton, ordered) = (t.singleton, t.ordered);
    let ret = match verb {
        "get" => return get(st, menu, cmd),
        "set" => set(st, menu, cmd)?,
        "add" if !singleton => add(st, menu, cmd)?,
        "remove" if !singleton => remove(st, menu, cmd)?,
        "enable" if !singleton => enable(st, menu, cmd, true)?,
        "disable" if !singleton => enable(st, menu, cmd, false)?,
        "unset" if !singleton => unset(st, menu, cmd)?,
        "move" if ordered => move_items(st, menu, cmd)?,
        "make-static" if menu == "/ip/dhcp-server/lease" => make_static(st, menu, cmd)?,
        _ => {
            return Err(refuse(
                Some(CATEGORY_MISSING),
                format!("no such command or directory ({verb})"),
            ));
        }
    };
    after_write(st, menu);
    Ok(ret)
}

/// Run [`apply`] for an API command and answer it (`!done` with `=ret=`, or `!trap`).
pub async fn answer(
    ctx: &Ctx,
    menu: &str,
    verb: &str,
    cmd: &Command,
    sink: &mut ReplySink,
) -> Result<(), Closed> {
    let result = apply(&mut ctx.state.lock(), menu, verb, cmd);
    match result {
        Ok(ret) => sink.done(ret.as_deref().map(str::as_bytes)).await,
        Err(r) => sink.trap(r.category, &r.message).await,
    }
}

/// Checks and completions of an item about to be stored on particular menus.
fn check(t: &Table, menu: &str, row: &mut FlatRow, added: bool) -> Result<(), Refusal> {
    match menu {
        "/system/scheduler" => scheduler::check(t, row, added),
        "/system/script" => script::check(t, row, added),
        _ => Ok(()),
    }
}

/// What a successful write on particular menus sets off.
fn after_write(st: &mut State, menu: &str) {
    match menu {
        "/ip/firewall/filter" => firewall_gate::refresh(st),
        "/system/scheduler" => scheduler::arm(st),
        _ => {}
    }
}

fn table<'a>(st: &'a State, menu: &str) -> Result<&'a Table, Refusal> {
    st.tables
        .get(menu)
        .ok_or_else(|| refuse(Some(CATEGORY_MISSING), "no such command or directory"))
}

fn table_mut<'a>(st: &'a mut State, menu: &str) -> Result<&'a mut Table, Refusal> {
    st.tables
        .get_mut(menu)
        .ok_or_else(|| refuse(Some(CATEGORY_MISSING), "no such command or directory"))
}

/// One item reference (`*HEX` or name) of a stored, writable item.
fn resolve_stored(t: &Table, word: &[u8]) -> Result<u64, Refusal> {
    match t.resolve(word) {
        Some(id) if t.is_generated(id) => Err(refuse(
            None,
            "failure: generated items of the simulated router are read-only",
        )),
        Some(id) => Ok(id),
        None => Err(refuse(None, "no such item")),
    }
}

/// Item ids named by `.id` / `numbers`; an error names the unknown item.
fn selected(t: &Table, cmd: &Command) -> Result<Vec<u64>, Refusal> {
    let Some(list) = SELECTORS.iter().find_map(|s| cmd.arg(s)) else {
        return Err(refuse(
            Some(CATEGORY_ARGUMENT),
            "missing value(s) of argument(s) numbers",
        ));
    };
    let ids = list
        .split(|&b| b == b',')
        .filter(|w| !w.is_empty())
        .map(|w| resolve_stored(t, w))
        .collect::<Result<Vec<u64>, Refusal>>()?;
    if ids.is_empty() {
        return Err(refuse(None, "no such item"));
    }
    Ok(ids)
}

/// Field arguments (everything but selectors and `skip`), checked against the menu.
fn fields<'a>(
    st: &State,
    menu: &str,
    t: &Table,
    cmd: &'a Command,
    skip: &[&str],
) -> Result<Vec<&'a Attr>, Refusal> {
    let mut out = Vec::new();
    for a in &cmd.args {
        let name = a.name.as_ref();
        if SELECTORS.iter().chain(skip).any(|s| s.as_bytes() == name) {
            continue;
        }
        if !t.knows_field(name) || t.is_read_only(name) {
            return Err(refuse(
                Some(CATEGORY_ARGUMENT),
                format!("unknown parameter {}", a.name()),
            ));
        }
        if name == b"interface"
            && menu != "/interface"
            && !a.value.contains(&b',')
            && !st.interface_exists(&a.value)
        {
            return Err(refuse(
                Some(CATEGORY_ARGUMENT),
                "input does not match any value of interface",
            ));
        }
        out.push(a);
    }
    Ok(out)
}

fn apply_fields(row: &mut FlatRow, fields: &[&Attr]) {
    for a in fields {
        if a.name.as_ref() == b"password" {
            continue; // never stored, never shown
        }
        row.set(&a.name, normalize(&a.value));
    }
}

/// Network address of `a.b.c.d/len`.
fn network_of(address: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(address).ok()?;
    let (ip, len) = text.split_once('/').unwrap_or((text, "32"));
    let ip: std::net::Ipv4Addr = ip.parse().ok()?;
    let len: u32 = len.parse().ok().filter(|l| *l <= 32)?;
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Some(std::net::Ipv4Addr::from(u32::from(ip) & mask).to_string())
}

/// Fields RouterOS derives itself when an item is added (`network` of an address).
fn derived(menu: &str, given: &[&Attr]) -> Vec<Attr> {
    let mut out = Vec::new();
    if menu == "/ip/address" {
        let value = |n: &str| {
            given
                .iter()
                .find(|a| a.name.as_ref() == n.as_bytes())
                .map(|a| a.value.clone())
        };
        if let Some(net) = value("address").and_then(|a| network_of(&a)) {
            out.push(Attr::new("network", net));
        }
        if let Some(i) = value("interface") {
            out.push(Attr::new("actual-interface", i));
        }
    }
    out
}

/// A new item: fields in the order of the menu's defaults, or else of its existing items.
fn new_item(t: &Table, menu: &str, given: &[&Attr]) -> FlatRow {
    let extra = derived(menu, given);
    let all: Vec<&Attr> = given.iter().copied().chain(extra.iter()).collect();
    let value = |name: &[u8]| all.iter().find(|a| a.name.as_ref() == name);
    let mut row = FlatRow::new();
    if !t.defaults.is_empty() {
        for (name, default) in t.defaults {
            match value(name.as_bytes()) {
                Some(a) => row.push(name.as_bytes(), normalize(&a.value)),
                None => row.push(name.as_bytes(), default.as_bytes()),
            }
        }
    } else if let Some(template) = t.items.first() {
        for (name, old) in template.iter().filter(|(n, _)| *n != b".id") {
            if let Some(a) = value(name) {
                row.push(name, normalize(&a.value));
            } else if old == b"true" || old == b"false" {
                row.push(name, b"false");
            } else if name == b"bytes" || name == b"packets" {
                row.push(name, b"0");
            }
        }
    }
    for a in all {
        if !row.has(&a.name) && a.name.as_ref() != b"password" {
            row.push(&a.name, normalize(&a.value));
        }
    }
    row
}

/// `add`: create an item (before `place-before` on ordered menus), answer its id.
fn add(st: &mut State, menu: &str, cmd: &Command) -> Result<Option<String>, Refusal> {
    let t = table(st, menu)?;
    let given = fields(st, menu, t, cmd, &["place-before"])?;
    let missing: Vec<&str> = t
        .required
        .iter()
        .copied()
        .filter(|r| !given.iter().any(|a| a.name.as_ref() == r.as_bytes()))
        .collect();
    if !missing.is_empty() {
        return Err(refuse(
            None,
            format!("missing value(s) of argument(s) {}", missing.join(", ")),
        ));
    }
    let name = given.iter().find(|a| a.name.as_ref() == b"name");
    if name.is_some_and(|n| t.items.iter().any(|r| r.get(b"name") == Some(&n.value[..]))) {
        return Err(refuse(None, "failure: item with such name already exists"));
    }
    let before = match cmd.arg("place-before") {
        None => None,
        Some(_) if !t.ordered => {
            return Err(refuse(
                Some(CATEGORY_ARGUMENT),
                "unknown parameter place-before",
            ));
        }
        Some(word) => {
            let id = resolve_stored(t, word)?;
            t.position(id)
        }
    };
    let mut row = new_item(t, menu, &given);
    check(t, menu, &mut row, true)?;
    let t = table_mut(st, menu)?;
    let id = match before {
        Some(p) => t.insert_at(row, p),
        None => t.insert(row),
    };
    Ok(Some(format_id(id)))
}

/// `set`: change fields of the selected items (or of a singleton); all or nothing.
fn set(st: &mut State, menu: &str, cmd: &Command) -> Result<Option<String>, Refusal> {
    let t = table(st, menu)?;
    let given = fields(st, menu, t, cmd, &[])?;
    let positions: Vec<usize> = if t.singleton {
        vec![0]
    } else {
        selected(t, cmd)?
            .into_iter()
            .filter_map(|id| t.position(id))
            .collect()
    };
    let mut rows = Vec::with_capacity(positions.len());
    for p in positions {
        if let Some(old) = t.items.get(p) {
            let mut row = old.clone();
            apply_fields(&mut row, &given);
            check(t, menu, &mut row, false)?;
            rows.push((p, row));
        }
    }
    let t = table_mut(st, menu)?;
    for (p, row) in rows {
        t.items[p] = row;
    }
    Ok(None)
}

/// `remove`: delete the selected items.
fn remove(st: &mut State, menu: &str, cmd: &Command) -> Result<Option<String>, Refusal> {
    let t = table_mut(st, menu)?;
    let ids = selected(t, cmd)?;
    t.items.retain(|r| {
        !r.get(b".id")
            .and_then(super::table::parse_id)
            .is_some_and(|id| ids.contains(&id))
    });
    Ok(None)
}

/// `enable` / `disable`: set `disabled` on the selected items.
fn enable(st: &mut State, menu: &str, cmd: &Command, on: bool) -> Result<Option<String>, Refusal> {
    let t = table_mut(st, menu)?;
    for id in selected(t, cmd)? {
        if let Some(p) = t.position(id) {
            t.items[p].set(b"disabled", if on { b"false" } else { b"true" });
        }
    }
    Ok(None)
}

/// `make-static` on DHCP leases: the selected dynamic leases become static (kept after they
/// expire), as on RouterOS.
fn make_static(st: &mut State, menu: &str, cmd: &Command) -> Result<Option<String>, Refusal> {
    let t = table_mut(st, menu)?;
    for id in selected(t, cmd)? {
        if let Some(p) = t.position(id) {
            t.items[p].set(b"dynamic", b"false");
        }
    }
    Ok(None)
}

/// `unset =value-name=a,b`: clear fields of the selected items.
fn unset(st: &mut State, menu: &str, cmd: &Command) -> Result<Option<String>, Refusal> {
    let t = table_mut(st, menu)?;
    let Some(names) = cmd.arg("value-name").cloned() else {
        return Err(refuse(
            Some(CATEGORY_ARGUMENT),
            "missing value(s) of argument(s) value-name",
        ));
    };
    let names: Vec<&[u8]> = names
        .split(|&b| b == b',')
        .filter(|n| !n.is_empty())
        .collect();
    if let Some(bad) = names
        .iter()
        .find(|n| !t.knows_field(n) || t.is_read_only(n))
    {
        return Err(refuse(
            Some(CATEGORY_ARGUMENT),
            format!("unknown parameter {}", String::from_utf8_lossy(bad)),
        ));
    }
    for id in selected(t, cmd)? {
        if let Some(p) = t.position(id) {
            for name in &names {
                t.items[p].remove(name);
            }
        }
    }
    Ok(None)
}

/// `move =numbers= [=destination=]`: the items go before `destination`, or to the end.
fn move_items(st: &mut State, menu: &str, cmd: &Command) -> Result<Option<String>, Refusal> {
    let t = table_mut(st, menu)?;
    let ids = selected(t, cmd)?;
    let destination = match cmd.arg("destination").filter(|d| !d.is_empty()) {
        Some(word) => Some(resolve_stored(t, word)?),
        None => None,
    };
    t.move_before(&ids, destination);
    Ok(None)
}

/// `get =value-name=`: one field of one item (or of a singleton) as `=ret=`.
fn get(st: &State, menu: &str, cmd: &Command) -> Result<Option<String>, Refusal> {
    let elapsed = st.started.elapsed().as_secs_f64();
    let t = table(st, menu)?;
    let Some(field) = cmd.arg("value-name") else {
        return Err(refuse(
            Some(CATEGORY_ARGUMENT),
            "missing value(s) of argument(s) value-name",
        ));
    };
    let mut row = if t.singleton {
        t.items.first().cloned().unwrap_or_default()
    } else {
        let ids = selected(t, cmd)?;
        match t.position(ids[0]) {
            Some(p) => t.items[p].clone(),
            None => return Err(refuse(None, "no such item")),
        }
    };
    if let Some(live) = t.live {
        live(&mut row, elapsed);
    }
    match row.get(field) {
        Some(v) => Ok(Some(String::from_utf8_lossy(v).into_owned())),
        None if t.knows_field(field) => Ok(Some(String::new())),
        None => Err(refuse(
            Some(CATEGORY_ARGUMENT),
            format!("unknown parameter {}", String::from_utf8_lossy(field)),
        )),
    }
}

#[cfg(test)]
mod tests;
