//! Wireless clients in one shape whatever the menu: the registration-table row, the SSID of
//! its interface (legacy wireless keeps it there) and the IP and host name of its DHCP lease.

use std::collections::HashMap;

use mikrotik_plugin_sdk::fields::{Kind, value_json};
use mikrotik_plugin_sdk::serde_json::Map;
use mikrotik_plugin_sdk::{
    Listing, Output, RouterApi, Row, Table, Value, fields::text, json, print,
};

use crate::Menu;

const LEASES: &str = "/ip/dhcp-server/lease";
const COLUMNS: [&str; 10] = [
    "mac-address",
    "ip",
    "host-name",
    "interface",
    "ssid",
    "signal",
    "tx-rate",
    "rx-rate",
    "uptime",
    "last-activity",
];

/// What a DHCP lease says about a MAC address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Lease {
    address: String,
    host_name: String,
}

/// The leases of these MAC addresses, keyed by upper-case MAC; matched on the router with one
/// OR-ed query. `Err` carries a note when the leases could not be read.
fn leases_of(router: &dyn RouterApi, macs: &[&str]) -> Result<HashMap<String, Lease>, String> {
    let mut found = HashMap::new();
    if macs.is_empty() {
        return Ok(found);
    }
    let mut queries: Vec<String> = macs.iter().map(|m| format!("mac-address={m}")).collect();
    if macs.len() > 1 {
        queries.push(format!("#{}", "|".repeat(macs.len() - 1)));
    }
    let queries: Vec<&str> = queries.iter().map(String::as_str).collect();
    let fields = [text("address"), text("mac-address"), text("host-name")];
    let reply = match print(router, LEASES, &fields, &queries, None) {
        Ok(reply) => reply,
        Err(e) if e.is_missing_menu() => return Ok(found),
        Err(e) => {
            return Err(format!(
                "IP and host names unknown: reading DHCP leases failed: {e}"
            ));
        }
    };
    for row in reply.rows {
        let lease = Lease {
            address: row.text("address").to_string(),
            host_name: row.text("host-name").to_string(),
        };
        let entry: &mut Lease = found
            .entry(row.text("mac-address").to_uppercase())
            .or_default();
        if entry.address.is_empty() {
            *entry = lease;
        }
    }
    Ok(found)
}

/// SSID per interface name from legacy `/interface/wireless`. `Err` carries a note when
/// the interfaces could not be read (the SSIDs are then unknown, not empty).
fn legacy_ssids(router: &dyn RouterApi) -> Result<HashMap<String, String>, String> {
    let fields = [text("name"), text("ssid")];
    let reply = print(router, "/interface/wireless", &fields, &[], None)
        .map_err(|e| format!("SSIDs unknown: reading /interface/wireless failed: {e}"))?;
    Ok(reply
        .rows
        .iter()
        .map(|r| (r.text("name").to_string(), r.text("ssid").to_string()))
        .collect())
}

/// The signal in dBm: legacy `-62@1Mbps` → `-62`.
fn signal(row: &Row, menu: &Menu) -> String {
    let raw = row.text(menu.signal);
    raw.split('@').next().unwrap_or(raw).trim().to_string()
}

/// One client as a map of the output columns (absent or empty values left out), plus
/// `band` and `authorized` where the menu has them.
fn client(
    row: &Row,
    menu: &Menu,
    leases: &HashMap<String, Lease>,
    ssids: &HashMap<String, String>,
) -> Map<String, Value> {
    let mac = row.text("mac-address");
    let lease = leases.get(&mac.to_uppercase());
    let ip = lease
        .map(|l| l.address.as_str())
        .filter(|a| !a.is_empty())
        .unwrap_or_else(|| row.text("last-ip"));
    let ssid = row
        .get("ssid")
        .or_else(|| ssids.get(row.text("interface")).map(String::as_str))
        .unwrap_or("");
    let values = [
        ("mac-address", mac.to_string()),
        ("ip", ip.to_string()),
        (
            "host-name",
            lease.map(|l| l.host_name.clone()).unwrap_or_default(),
        ),
        ("interface", row.text("interface").to_string()),
        ("ssid", ssid.to_string()),
        ("signal", signal(row, menu)),
        ("tx-rate", row.text("tx-rate").to_string()),
        ("rx-rate", row.text("rx-rate").to_string()),
        ("uptime", row.text("uptime").to_string()),
        ("last-activity", row.text("last-activity").to_string()),
        ("band", row.text("band").to_string()),
    ];
    let mut object = Map::new();
    for (name, value) in values {
        if value.is_empty() {
            continue;
        }
        let kind = if name == "signal" {
            Kind::Number
        } else {
            Kind::Text
        };
        object.insert(name.to_string(), value_json(kind, &value));
    }
    if let Some(authorized) = row.get("authorized") {
        object.insert("authorized".into(), value_json(Kind::Flag, authorized));
    }
    object
}

/// Summary line (with the menu used), a client table and the structured listing.
pub fn render(router: &dyn RouterApi, menu: &Menu, listing: &Listing) -> Output {
    let macs: Vec<&str> = listing
        .rows
        .iter()
        .map(|r| r.text("mac-address"))
        .filter(|m| !m.is_empty())
        .collect();
    let mut notes = Vec::new();
    let leases = leases_of(router, &macs).unwrap_or_else(|note| {
        notes.push(note);
        HashMap::new()
    });
    let needs_ssids = menu.base == "/interface/wireless" && !listing.rows.is_empty();
    let ssids = match needs_ssids {
        true => legacy_ssids(router).unwrap_or_else(|note| {
            notes.push(note);
            HashMap::new()
        }),
        false => HashMap::new(),
    };
    let clients: Vec<Map<String, Value>> = listing
        .rows
        .iter()
        .map(|r| client(r, menu, &leases, &ssids))
        .collect();
    let mut text = format!("{} ({})", listing.summary("wireless clients"), menu.base);
    for note in &notes {
        text.push_str(&format!("\n{note}"));
    }
    if !clients.is_empty() {
        let mut table = Table::new(&COLUMNS);
        for c in &clients {
            table.push(COLUMNS.iter().map(|name| cell(c.get(*name))).collect());
        }
        text.push('\n');
        text.push_str(&table.render());
    }
    let mut structured = listing.status();
    structured["rows"] = json!(clients);
    structured["menu"] = json!(menu.base);
    if !notes.is_empty() {
        structured["note"] = json!(notes.join("\n"));
    }
    Output::with_json(text, structured)
}

fn cell(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}
