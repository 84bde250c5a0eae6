//! The simulated router's configuration and status: every menu as a [`Table`], seeded with
//! a realistic RB5009 home/SMB setup (one module per area) and shared by all connections,
//! plus what scripts and the scheduler keep between runs and the firewall's view of the API.

mod dhcp;
mod firewall;
mod interfaces;
mod ip;
pub mod log;
mod neighbors;
mod routes;
pub mod system;
mod wireless;

use super::SimConfig;
use super::firewall_gate::{self, InputRules};
use super::row::FlatRow;
use super::scheduler::Timers;
use super::table::Table;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;
use tokio::sync::watch;

pub use interfaces::traffic_rates;

/// Menus whose item order matters (`add place-before=`, `move`), as on RouterOS 7.
const ORDERED: &[&str] = &[
    "/ip/firewall/filter",
    "/ip/firewall/nat",
    "/ip/firewall/mangle",
    "/ip/firewall/raw",
    "/ip/dns/static",
    "/interface/bridge/port",
];

/// All menus, by path without the command (`/ip/address`).
#[derive(Debug)]
pub struct State {
    pub tables: BTreeMap<String, Table>,
    pub started: Instant,
    /// `7.20.6` (or `6.49.18` in RouterOS 6 mode).
    pub version: String,
    pub ros6: bool,
    /// The input-chain rules that decide whether API connections get through, published to
    /// every connection whenever `/ip/firewall/filter` changes.
    pub gate: watch::Sender<Arc<InputRules>>,
    /// When each `/system/scheduler` entry runs next.
    pub timers: Timers,
    /// Variables declared with `:global` (they outlive the script that set them).
    pub globals: BTreeMap<String, Vec<u8>>,
}

/// State shared by every connection of one sim.
#[derive(Clone, Debug)]
pub struct SharedState(Arc<Mutex<State>>);

impl SharedState {
    /// Seed the state for `cfg`.
    pub fn new(cfg: &SimConfig) -> Self {
        Self(Arc::new(Mutex::new(State::seed(cfg))))
    }

    /// A reference that does not keep the state alive (to see that nothing else does).
    #[cfg(test)]
    pub fn downgrade(&self) -> std::sync::Weak<Mutex<State>> {
        Arc::downgrade(&self.0)
    }

    /// Lock the state (a panic elsewhere never makes it unusable).
    pub fn lock(&self) -> MutexGuard<'_, State> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl State {
    /// The seeded router.
    pub fn seed(cfg: &SimConfig) -> Self {
        let version = if cfg.ros6 && cfg.version.starts_with('7') {
            "6.49.18".to_string()
        } else {
            cfg.version.clone()
        };
        let mut st = State {
            tables: BTreeMap::new(),
            started: Instant::now(),
            version,
            ros6: cfg.ros6,
            gate: watch::channel(Arc::new(InputRules::default())).0,
            timers: Timers::default(),
            globals: BTreeMap::new(),
        };
        system::seed(&mut st, cfg);
        interfaces::seed(&mut st);
        wireless::seed(&mut st);
        ip::seed(&mut st);
        routes::seed(&mut st, cfg.routes as u64);
        dhcp::seed(&mut st, cfg.leases as u64);
        firewall::seed(&mut st);
        neighbors::seed(&mut st);
        log::seed(&mut st);
        for gone in &cfg.without {
            let gone = gone.trim_end_matches('/');
            st.tables.retain(|menu, _| {
                !(menu == gone
                    || (menu.starts_with(gone) && menu.as_bytes().get(gone.len()) == Some(&b'/')))
            });
        }
        for menu in ORDERED {
            if let Some(t) = st.table_mut(menu) {
                t.ordered = true;
            }
        }
        firewall_gate::refresh(&mut st);
        st
    }

    /// Add tables parsed from seed text (see [`parse_seed`]).
    pub fn load(&mut self, text: &str) {
        for (menu, rows) in parse_seed(text) {
            self.tables.insert(menu, Table::with_items(rows));
        }
    }

    /// A table by menu path.
    pub fn table_mut(&mut self, menu: &str) -> Option<&mut Table> {
        self.tables.get_mut(menu)
    }

    /// Whether `path` names a menu or a directory above one (`/ip`).
    pub fn is_dir(&self, path: &str) -> bool {
        self.tables.keys().any(|k| {
            k == path || (k.starts_with(path) && k.as_bytes().get(path.len()) == Some(&b'/'))
        }) || path.is_empty()
    }

    /// Names of the items of `/interface` (to validate `interface=` values).
    pub fn interface_exists(&self, name: &[u8]) -> bool {
        let has = |menu: &str| {
            self.tables
                .get(menu)
                .is_some_and(|t| t.items.iter().any(|r| r.get(b"name") == Some(name)))
        };
        has("/interface") || has("/interface/list")
    }
}

/// Parse seed text: `@/menu/path` starts a menu; every other non-empty line that does not
/// start with `#` is one item, fields separated by `|`, each `name=value`. `\xNN` in a value
/// is the raw byte NN (for non-UTF-8 values).
pub fn parse_seed(text: &str) -> Vec<(String, Vec<FlatRow>)> {
    let mut out: Vec<(String, Vec<FlatRow>)> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(menu) = line.strip_prefix('@') {
            out.push((menu.to_string(), Vec::new()));
            continue;
        }
        let Some((_, rows)) = out.last_mut() else {
            continue;
        };
        let mut row = FlatRow::new();
        for field in line.split('|') {
            let (n, v) = field.split_once('=').unwrap_or((field, ""));
            row.push(n.as_bytes(), &unescape(v));
        }
        rows.push(row);
    }
    out
}

pub(super) fn unescape(v: &str) -> Vec<u8> {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = (b[i] == b'\\' && b.get(i + 1) == Some(&b'x') && i + 3 < b.len())
            .then(|| std::str::from_utf8(&b[i + 2..i + 4]).ok())
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        if let Some(byte) = escaped {
            out.push(byte);
            i += 4;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// RouterOS duration text of whole seconds: `1w2d3h4m5s` (zero parts left out; `0s` for zero).
pub fn format_duration(secs: u64) -> String {
    super::duration::format(std::time::Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_text_parses_with_raw_bytes() {
        let t = parse_seed("# c\n@/a\nname=x|comment=K\\xfcche|e=\n\n@/b\nv=1=2\n");
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].1[0].get(b"comment"), Some(&b"K\xfcche"[..]));
        assert_eq!(t[0].1[0].get(b"e"), Some(&b""[..]));
        assert_eq!(t[1].1[0].get(b"v"), Some(&b"1=2"[..]));
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(694_861), "1w1d1h1m1s");
        assert_eq!(format_duration(3600), "1h");
    }

    #[test]
    fn seeded_router_has_the_menus() {
        let st = State::seed(&SimConfig::default());
        for menu in [
            "/interface",
            "/ip/address",
            "/ip/route",
            "/ip/dhcp-server/lease",
            "/log",
            "/ip/firewall/filter",
            "/interface/wifi",
            "/system/resource",
            "/ip/neighbor",
        ] {
            assert!(
                st.tables.get(menu).is_some_and(|t| !t.items.is_empty()),
                "{menu}"
            );
        }
        assert!(st.is_dir("/ip") && st.is_dir("/ip/firewall") && !st.is_dir("/ip/adress"));
        assert!(!st.tables.contains_key("/interface/wireless"));
        let ros6 = State::seed(&SimConfig {
            ros6: true,
            ..SimConfig::default()
        });
        assert!(ros6.tables.contains_key("/interface/wireless"));
        assert!(!ros6.tables.contains_key("/interface/wifi"));
        assert!(ros6.version.starts_with("6.49"));
    }
}
