//! Writing commands on a menu: `add` (→ `=ret=*ID`), `set`, `remove`, `enable`, `disable`,
//! `unset`, and `get`. Items are addressed by `.id`/`numbers` (comma lists, `*HEX` or name);
//! changes persist for the life of the sim and are seen by every connection.

use super::dispatch::{CATEGORY_ARGUMENT, Ctx};
use super::reply::{Closed, ReplySink};
use super::row::FlatRow;
use super::table::{Table, format_id};
use crate::sentence::{Attr, Command};

/// A refused change: trap category (if any) and message.
type Refusal = (Option<u8>, String);

fn refuse(category: Option<u8>, msg: impl Into<String>) -> Refusal {
    (category, msg.into())
}

/// Arguments that select items rather than set fields.
const SELECTORS: &[&str] = &[".id", "numbers", "number"];

/// `yes`/`no` become `true`/`false`, as RouterOS prints booleans.
fn normalize(value: &[u8]) -> &[u8] {
    match value {
        b"yes" => b"true",
        b"no" => b"false",
        v => v,
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
    let mut ids = Vec::new();
    for word in list.split(|&b| b == b',').filter(|w| !w.is_empty()) {
        match t.resolve(word) {
            Some(id) if t.is_generated(id) => {
                return Err(refuse(
                    None,
                    "failure: generated items of the simulated router are read-only",
                ));
            }
            Some(id) => ids.push(id),
            None => return Err(refuse(None, "no such item")),
        }
    }
    if ids.is_empty() {
        return Err(refuse(None, "no such item"));
    }
    Ok(ids)
}

/// Field arguments (everything but selectors), checked against the menu.
fn fields<'a>(
    st: &super::state::State,
    menu: &str,
    t: &Table,
    cmd: &'a Command,
) -> Result<Vec<&'a Attr>, Refusal> {
    let mut out = Vec::new();
    for a in &cmd.args {
        if SELECTORS.iter().any(|s| s.as_bytes() == a.name.as_ref()) {
            continue;
        }
        if !t.knows_field(&a.name) {
            return Err(refuse(
                Some(CATEGORY_ARGUMENT),
                format!("unknown parameter {}", a.name()),
            ));
        }
        if a.name.as_ref() == b"interface"
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

fn apply(row: &mut FlatRow, fields: &[&Attr]) {
    for a in fields {
        if a.name.as_ref() == b"password" {
            continue; // never stored, never shown
        }
        row.set(&a.name, normalize(&a.value));
    }
}

/// Finish a command: `!done` (with `=ret=`) or the refusal as `!trap` + `!done`.
async fn finish(
    sink: &mut ReplySink,
    result: Result<Option<String>, Refusal>,
) -> Result<(), Closed> {
    match result {
        Ok(ret) => sink.done(ret.as_deref().map(str::as_bytes)).await,
        Err((category, msg)) => sink.trap(category, &msg).await,
    }
}

fn with_table<T>(
    ctx: &Ctx,
    menu: &str,
    f: impl FnOnce(&mut super::state::State) -> Result<T, Refusal>,
) -> Result<T, Refusal> {
    let mut st = ctx.state.lock();
    if !st.tables.contains_key(menu) {
        return Err(refuse(Some(0), "no such command or directory"));
    }
    f(&mut st)
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

/// A new item in the field order of the menu's existing items.
fn new_item(t: &Table, menu: &str, given: &[&Attr]) -> FlatRow {
    let extra = derived(menu, given);
    let all: Vec<&Attr> = given.iter().copied().chain(extra.iter()).collect();
    let mut row = FlatRow::new();
    if let Some(template) = t.items.first() {
        for (name, old) in template.iter().filter(|(n, _)| *n != b".id") {
            if let Some(a) = all.iter().find(|a| a.name.as_ref() == name) {
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

/// `add`: create an item, answer its id.
pub async fn add(ctx: &Ctx, menu: &str, cmd: &Command, sink: &mut ReplySink) -> Result<(), Closed> {
    let result = with_table(ctx, menu, |st| {
        let t = &st.tables[menu];
        let given = fields(st, menu, t, cmd)?;
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
        let row = new_item(t, menu, &given);
        let id = st
            .tables
            .get_mut(menu)
            .map(|t| t.insert(row))
            .unwrap_or_default();
        Ok(Some(format_id(id)))
    });
    finish(sink, result).await
}

/// `set`: change fields of the selected items (or of a singleton).
pub async fn set(ctx: &Ctx, menu: &str, cmd: &Command, sink: &mut ReplySink) -> Result<(), Closed> {
    let result = with_table(ctx, menu, |st| {
        let t = &st.tables[menu];
        let given = fields(st, menu, t, cmd)?;
        let positions: Vec<usize> = if t.singleton {
            vec![0]
        } else {
            selected(t, cmd)?
                .into_iter()
                .filter_map(|id| t.position(id))
                .collect()
        };
        let given: Vec<Attr> = given.into_iter().cloned().collect();
        let refs: Vec<&Attr> = given.iter().collect();
        if let Some(t) = st.tables.get_mut(menu) {
            for p in positions {
                if let Some(row) = t.items.get_mut(p) {
                    apply(row, &refs);
                }
            }
        }
        Ok(None)
    });
    finish(sink, result).await
}

/// `remove`: delete the selected items.
pub async fn remove(
    ctx: &Ctx,
    menu: &str,
    cmd: &Command,
    sink: &mut ReplySink,
) -> Result<(), Closed> {
    let result = with_table(ctx, menu, |st| {
        let Some(t) = st.tables.get_mut(menu) else {
            return Ok(None);
        };
        let ids = selected(t, cmd)?;
        t.items.retain(|r| {
            !r.get(b".id")
                .and_then(super::table::parse_id)
                .is_some_and(|id| ids.contains(&id))
        });
        Ok(None)
    });
    finish(sink, result).await
}

/// `enable` / `disable`: set `disabled` on the selected items.
pub async fn enable(
    ctx: &Ctx,
    menu: &str,
    cmd: &Command,
    sink: &mut ReplySink,
    on: bool,
) -> Result<(), Closed> {
    let result = with_table(ctx, menu, |st| {
        let Some(t) = st.tables.get_mut(menu) else {
            return Ok(None);
        };
        for id in selected(t, cmd)? {
            if let Some(p) = t.position(id) {
                t.items[p].set(b"disabled", if on { b"false" } else { b"true" });
            }
        }
        Ok(None)
    });
    finish(sink, result).await
}

/// `unset =value-name=`: clear a field of the selected items.
pub async fn unset(
    ctx: &Ctx,
    menu: &str,
    cmd: &Command,
    sink: &mut ReplySink,
) -> Result<(), Closed> {
    let result = with_table(ctx, menu, |st| {
        let Some(t) = st.tables.get_mut(menu) else {
            return Ok(None);
        };
        let Some(field) = cmd.arg("value-name").cloned() else {
            return Err(refuse(
                Some(CATEGORY_ARGUMENT),
                "missing value(s) of argument(s) value-name",
            ));
        };
        for id in selected(t, cmd)? {
            if let Some(p) = t.position(id) {
                t.items[p].remove(&field);
            }
        }
        Ok(None)
    });
    finish(sink, result).await
}

/// `get =value-name=`: one field of one item (or of a singleton) as `=ret=`.
pub async fn get(ctx: &Ctx, menu: &str, cmd: &Command, sink: &mut ReplySink) -> Result<(), Closed> {
    let result = with_table(ctx, menu, |st| {
        let elapsed = st.started.elapsed().as_secs_f64();
        let t = &st.tables[menu];
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
    });
    finish(sink, result).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_and_booleans() {
        assert_eq!(
            network_of(b"192.168.5.77/24").as_deref(),
            Some("192.168.5.0")
        );
        assert_eq!(network_of(b"10.0.0.1").as_deref(), Some("10.0.0.1"));
        assert_eq!(network_of(b"bogus/99"), None);
        assert_eq!(normalize(b"yes"), b"true");
        assert_eq!(normalize(b"ether1"), b"ether1");
    }

    #[test]
    fn new_items_follow_the_template_order() {
        let t = Table::with_items(vec![FlatRow::from_pairs(&[
            ("address", "1.1.1.1/24"),
            ("network", "1.1.1.0"),
            ("interface", "ether1"),
            ("dynamic", "true"),
            ("disabled", "false"),
        ])]);
        let a = [
            Attr::new("interface", "bridge"),
            Attr::new("address", "10.1.2.3/16"),
            Attr::new("comment", "x"),
        ];
        let refs: Vec<&Attr> = a.iter().collect();
        let row = new_item(&t, "/ip/address", &refs);
        let names: Vec<&[u8]> = row.iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            vec![
                &b"address"[..],
                b"network",
                b"interface",
                b"dynamic",
                b"disabled",
                b"comment",
                b"actual-interface"
            ]
        );
        assert_eq!(row.get(b"network"), Some(&b"10.1.0.0"[..]));
    }
}
