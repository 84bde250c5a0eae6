//! Whether the router's own firewall lets the API through, as `/ip/firewall/filter` says.
//!
//! After every change of the filter menu the enabled `chain=input` rules are compiled into
//! [`InputRules`] and published to every connection ([`Gate`]). A connection asks, per packet
//! kind, whether the first rule that matches it accepts or drops it:
//!
//! - the API client is a LAN host talking TCP to the API port, either opening a connection
//!   (`connection-state` `new`) or inside one (`established`);
//! - a rule matches when each of its matchers does: `protocol` (absent, `tcp`, `6`, or a
//!   negated other protocol), `dst-port` (absent, or a list of ports and ranges such as
//!   `22,8728` or `8000-9000`, optionally negated with `!`, containing 8728, 8729 or the
//!   listener's real port) and `connection-state` (absent, or a list holding the packet's
//!   state, optionally negated). A rule with any other matcher (addresses, interfaces,
//!   address lists, …) is taken not to match the API client;
//! - `accept` lets the packet through; `drop`, `reject` and `tarpit` stop it; every other
//!   action (`passthrough`, `log`, `jump`, …) goes on to the next rule; no verdict accepts.
//!
//! A stopped connection behaves as one whose packets are dropped: see `session.rs`.

use super::row::FlatRow;
use super::state::State;
use std::sync::Arc;
use tokio::sync::watch;

/// Ports every API listener answers for, besides its real one.
const API_PORTS: [u16; 2] = [8728, 8729];

/// Fields of a filter rule that do not restrict which packets it matches.
const NOT_MATCHERS: &[&str] = &[
    ".id",
    "chain",
    "action",
    "comment",
    "disabled",
    "dynamic",
    "invalid",
    "bytes",
    "packets",
    "log",
    "log-prefix",
    "reject-with",
    "jump-target",
];

/// The kind of packet the firewall judges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conn {
    /// Opening a connection.
    New,
    /// Inside a connection that was let through when it opened.
    Established,
}

/// A list matcher (`a,b,c` or `!a,b,c`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct ListMatch {
    negated: bool,
    items: Vec<String>,
}

impl ListMatch {
    fn parse(value: &str) -> Self {
        let (negated, list) = match value.strip_prefix('!') {
            Some(rest) => (true, rest),
            None => (false, value),
        };
        Self {
            negated,
            items: list
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }

    fn matches(&self, hit: impl Fn(&str) -> bool) -> bool {
        self.items.iter().any(|i| hit(i)) != self.negated
    }
}

/// One enabled input rule with a terminal action, reduced to what concerns the API.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Rule {
    accept: bool,
    ports: Option<ListMatch>,
    states: Option<ListMatch>,
}

/// The input chain as the API sees it, in rule order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InputRules {
    rules: Vec<Rule>,
}

/// Whether `item` (`8728` or `8000-9000`) covers one of `ports`.
fn port_item_hits(item: &str, ports: &[u16]) -> bool {
    let (lo, hi) = item.split_once('-').unwrap_or((item, item));
    match (lo.trim().parse::<u16>(), hi.trim().parse::<u16>()) {
        (Ok(lo), Ok(hi)) => ports.iter().any(|p| (lo..=hi).contains(p)),
        _ => false,
    }
}

/// The rule as the API sees it, or `None` when it can never match the API client (another
/// chain, disabled, a non-TCP protocol, a matcher the sim does not model) or decides nothing.
fn compile(row: &FlatRow) -> Option<Rule> {
    let text = |name: &str| row.get_str(name).unwrap_or_default();
    if text("chain") != "input" || text("disabled") == "true" {
        return None;
    }
    let accept = match text("action").as_str() {
        "accept" => true,
        "drop" | "reject" | "tarpit" => false,
        _ => return None,
    };
    let mut rule = Rule {
        accept,
        ports: None,
        states: None,
    };
    for (name, value) in row.iter() {
        let name = String::from_utf8_lossy(name);
        let value = String::from_utf8_lossy(value);
        match name.as_ref() {
            n if NOT_MATCHERS.contains(&n) => {}
            "protocol" => {
                let list = ListMatch::parse(&value);
                if !list.matches(|p| p == "tcp" || p == "6") {
                    return None;
                }
            }
            "dst-port" => rule.ports = Some(ListMatch::parse(&value)),
            "connection-state" => rule.states = Some(ListMatch::parse(&value)),
            _ => return None,
        }
    }
    Some(rule)
}

impl InputRules {
    /// The enabled input rules of a filter menu, in order.
    pub fn from_filter(rows: &[FlatRow]) -> Self {
        Self {
            rules: rows.iter().filter_map(compile).collect(),
        }
    }

    /// Whether a packet of kind `conn` to the API listener on `port` gets through.
    pub fn allows(&self, port: u16, conn: Conn) -> bool {
        let ports = [API_PORTS[0], API_PORTS[1], port];
        let state = match conn {
            Conn::New => "new",
            Conn::Established => "established",
        };
        self.rules
            .iter()
            .find(|r| {
                r.ports
                    .as_ref()
                    .is_none_or(|l| l.matches(|i| port_item_hits(i, &ports)))
                    && r.states.as_ref().is_none_or(|l| l.matches(|s| s == state))
            })
            .is_none_or(|r| r.accept)
    }
}

/// Recompile the input rules from `/ip/firewall/filter` and tell every connection.
pub fn refresh(st: &mut State) {
    let rules = st
        .tables
        .get("/ip/firewall/filter")
        .map(|t| InputRules::from_filter(&t.items))
        .unwrap_or_default();
    st.gate.send_if_modified(|old| {
        let changed = **old != rules;
        if changed {
            *old = Arc::new(rules);
        }
        changed
    });
}

/// One listener's view of the firewall.
#[derive(Clone, Debug)]
pub struct Gate {
    rules: watch::Receiver<Arc<InputRules>>,
    port: u16,
}

impl Gate {
    /// The gate of the listener on `port`.
    pub fn new(rules: watch::Receiver<Arc<InputRules>>, port: u16) -> Self {
        Self { rules, port }
    }

    /// Whether a packet of kind `conn` gets through now.
    pub fn allows(&self, conn: Conn) -> bool {
        self.rules.borrow().allows(self.port, conn)
    }

    /// Wait until packets of kind `conn` get through.
    pub async fn wait_until_open(&mut self, conn: Conn) {
        loop {
            if self.rules.borrow_and_update().allows(self.port, conn) {
                return;
            }
            if self.rules.changed().await.is_err() {
                // The router is gone: nothing will ever get through.
                std::future::pending::<()>().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::SimConfig;
    use crate::sim::state::parse_seed;

    fn rules(seed: &str) -> InputRules {
        let menus = parse_seed(&format!("@/f\n{seed}"));
        InputRules::from_filter(&menus[0].1)
    }

    const EST: &str = "chain=input|action=accept|connection-state=established,related";

    #[test]
    fn the_seeded_router_lets_the_api_in() {
        let st = State::seed(&SimConfig::default());
        let r = st.gate.borrow().clone();
        assert!(r.allows(40_000, Conn::New) && r.allows(40_000, Conn::Established));
    }

    #[test]
    fn drops_before_the_established_accept_cut_everything() {
        let r = rules(&format!(
            "chain=input|action=drop|protocol=tcp|dst-port=8728\n{EST}"
        ));
        assert!(!r.allows(40_000, Conn::New));
        assert!(!r.allows(40_000, Conn::Established));
    }

    #[test]
    fn drops_after_it_cut_new_connections_only() {
        let r = rules(&format!("{EST}\nchain=input|action=drop"));
        assert!(!r.allows(40_000, Conn::New));
        assert!(r.allows(40_000, Conn::Established));
    }

    #[test]
    fn matchers_decide() {
        let cut = |line: &str| !rules(line).allows(40_000, Conn::New);
        assert!(cut("chain=input|action=reject|dst-port=22,8728"));
        assert!(cut(
            "chain=input|action=drop|protocol=tcp|dst-port=8000-9000"
        ));
        assert!(cut("chain=input|action=drop|dst-port=40000"));
        assert!(cut("chain=input|action=drop|protocol=!udp"));
        assert!(cut("chain=input|action=drop|dst-port=!22"));
        assert!(cut("chain=input|action=drop|connection-state=new"));
        assert!(!cut("chain=input|action=drop|dst-port=22"));
        assert!(!cut("chain=input|action=drop|dst-port=!8728"));
        assert!(!cut("chain=input|action=drop|protocol=udp"));
        assert!(!cut("chain=input|action=drop|disabled=true"));
        assert!(!cut("chain=forward|action=drop"));
        assert!(!cut("chain=input|action=drop|in-interface-list=!LAN"));
        assert!(!cut("chain=input|action=drop|connection-state=invalid"));
        assert!(!cut("chain=input|action=log|dst-port=8728"));
        assert!(!cut("chain=input|action=drop|dst-port=bogus"));
        assert!(!cut(
            "chain=input|action=accept|dst-port=8728\nchain=input|action=drop"
        ));
    }

    #[tokio::test]
    async fn a_gate_opens_when_the_rule_goes() {
        let mut st = State::seed(&SimConfig::default());
        let mut gate = Gate::new(st.gate.subscribe(), 40_000);
        assert!(gate.allows(Conn::New));
        let filter = st.tables.get_mut("/ip/firewall/filter").unwrap();
        let id = filter.insert_at(
            FlatRow::from_pairs(&[("chain", "input"), ("action", "drop")]),
            0,
        );
        refresh(&mut st);
        assert!(!gate.allows(Conn::New) && !gate.allows(Conn::Established));
        let waiting = tokio::spawn(async move {
            gate.wait_until_open(Conn::New).await;
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        let filter = st.tables.get_mut("/ip/firewall/filter").unwrap();
        let p = filter.position(id).unwrap();
        filter.items[p].set(b"disabled", b"true");
        refresh(&mut st);
        tokio::time::timeout(std::time::Duration::from_secs(5), waiting)
            .await
            .expect("the gate opens")
            .unwrap();
    }
}
