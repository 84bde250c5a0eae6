//! The simulated RouterOS 7 router: an API server on loopback with realistic state of an
//! RB5009 home/SMB router, both login styles, TLS, streaming commands, `/cancel`, fault
//! injection and generated scale (routes, leases). Third-party RouterOS clients work
//! against it unchanged; it is what tests, benchmarks, demos and plugin authors talk to.
//!
//! What a host needs for safe changes works as on a real router:
//! - ordered menus (firewall filter/nat/mangle/raw, DNS static, bridge ports) take
//!   `add place-before=<id>` and `move =numbers= [=destination=]`; `unset` clears a list of
//!   fields (`edit.rs`);
//! - `/system/clock` follows real time (UTC); `/system/script` stores scripts and `run`s them
//!   with an interpreter for a subset of the RouterOS script language (`script/`), whose
//!   `:log` lines land in `/log`;
//! - `/system/scheduler` entries run by the clock in a background task of the sim, whether
//!   or not anyone can reach the API (`scheduler.rs`);
//! - `/ip/firewall/filter` input rules that drop the API cut it off like on a router: no
//!   answer to new connections, or to established ones too when the drop comes before the
//!   accept of established connections (`firewall_gate.rs`, `session.rs`).
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use routeros::sim::{Sim, SimConfig};
//! let sim = Sim::start(SimConfig::default()).await?;
//! println!("RouterOS API on {}", sim.addr());
//! sim.shutdown().await;
//! # Ok(()) }
//! ```

mod dispatch;
mod duration;
mod edit;
mod faults;
mod fields;
mod firewall_gate;
mod login;
mod print;
mod query;
mod reply;
mod rng;
mod row;
mod scheduler;
mod script;
mod server;
mod session;
mod state;
mod stream;
mod table;
mod tls;

pub use faults::{Fault, Faults};
pub use login::md5_response;

use anyhow::Context;
use dispatch::Ctx;
use firewall_gate::Gate;
use login::LoginPolicy;
use session::SessionConfig;
use state::SharedState;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// How to run the simulated router.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Plain API listener (port 0: any free port).
    pub listen: SocketAddr,
    /// API-over-TLS listener, with a certificate generated at start.
    pub tls_listen: Option<SocketAddr>,
    pub user: String,
    pub password: String,
    /// RouterOS version reported (`7.20.6`).
    pub version: String,
    /// Pre-6.43 MD5 challenge-response login.
    pub legacy_login: bool,
    /// `!empty` for prints that match nothing (RouterOS ≥ 7.18); false acts like older ones.
    pub send_empty: bool,
    /// RouterOS 6.49-like: legacy `/interface/wireless`, no wifi menu, no `!empty`.
    pub ros6: bool,
    /// Extra generated routes in `/ip/route`.
    pub routes: usize,
    /// Extra generated leases in `/ip/dhcp-server/lease`.
    pub leases: usize,
    /// Menus (and everything below them) this router lacks, as if their package were not
    /// installed, e.g. `/interface/wifi`.
    pub without: Vec<String>,
    /// Fault switches (shared; settable while running).
    pub faults: Faults,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tls_listen: None,
            user: "admin".into(),
            password: String::new(),
            version: "7.20.6".into(),
            legacy_login: false,
            send_empty: true,
            ros6: false,
            routes: 0,
            leases: 0,
            without: Vec::new(),
            faults: Faults::default(),
        }
    }
}

/// Starts simulated routers.
pub struct Sim;

/// A running sim; dropping it stops it.
pub struct SimHandle {
    addr: SocketAddr,
    tls_addr: Option<SocketAddr>,
    cert_pem: Option<String>,
    fingerprint: Option<String>,
    faults: Faults,
    /// The router's state (tests check that shutdown leaves nothing holding it).
    #[cfg(test)]
    state: SharedState,
    tasks: Vec<JoinHandle<()>>,
}

impl Sim {
    /// Bind the listeners and start serving.
    pub async fn start(cfg: SimConfig) -> anyhow::Result<SimHandle> {
        let state = SharedState::new(&cfg);
        let rules = state.lock().gate.subscribe();
        let mut session = SessionConfig {
            ctx: Ctx {
                state: state.clone(),
                send_empty: cfg.send_empty && !cfg.ros6,
            },
            login: LoginPolicy {
                user: cfg.user.clone(),
                password: cfg.password.clone(),
                legacy: cfg.legacy_login,
                faults: cfg.faults.clone(),
            },
            gate: Gate::new(rules.clone(), 0),
        };
        let listener = TcpListener::bind(cfg.listen)
            .await
            .with_context(|| format!("the simulated router cannot listen on {}", cfg.listen))?;
        let addr = listener.local_addr()?;
        session.gate = Gate::new(rules.clone(), addr.port());
        let mut tasks = vec![
            tokio::spawn(server::accept_plain(listener, session.clone())),
            tokio::spawn(scheduler::run(state.clone())),
        ];
        let (mut tls_addr, mut cert_pem, mut fingerprint) = (None, None, None);
        if let Some(tls_listen) = cfg.tls_listen {
            let cert = tls::generate()?;
            let listener = TcpListener::bind(tls_listen).await.with_context(|| {
                format!("the simulated router cannot listen for TLS on {tls_listen}")
            })?;
            tls_addr = Some(listener.local_addr()?);
            session.gate = Gate::new(rules, listener.local_addr()?.port());
            cert_pem = Some(cert.pem);
            fingerprint = Some(cert.fingerprint);
            tasks.push(tokio::spawn(server::accept_tls(
                listener,
                cert.acceptor,
                session,
            )));
        }
        Ok(SimHandle {
            addr,
            tls_addr,
            cert_pem,
            fingerprint,
            faults: cfg.faults,
            #[cfg(test)]
            state,
            tasks,
        })
    }
}

impl SimHandle {
    /// Address of the plain API listener.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// Address of the TLS listener, when enabled.
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_addr
    }
    /// SHA-256 of the TLS certificate (DER), lower-case hex without colons.
    pub fn cert_fingerprint(&self) -> Option<String> {
        self.fingerprint.clone()
    }
    /// The TLS certificate as PEM.
    pub fn cert_pem(&self) -> Option<String> {
        self.cert_pem.clone()
    }
    /// Fault switches of this sim.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }
    /// Stop listening, close every connection and stop the scheduler and the scripts it runs.
    pub async fn shutdown(mut self) {
        for t in self.tasks.drain(..) {
            t.abort();
            let _ = t.await;
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// CLI entry: start the sim, tell where it listens, run until Ctrl-C or SIGTERM.
pub async fn run(cfg: SimConfig) -> anyhow::Result<()> {
    let sim = Sim::start(cfg.clone()).await?;
    eprintln!(
        "simulated RouterOS {} listening on {} (API)",
        cfg.version,
        sim.addr()
    );
    if let Some(tls) = sim.tls_addr() {
        eprintln!("simulated RouterOS listening on {tls} (API over TLS)");
        if let Some(fp) = sim.cert_fingerprint() {
            eprintln!("TLS certificate SHA-256 fingerprint: {fp}");
        }
    }
    eprintln!("log in as {:?}; press Ctrl-C to stop", cfg.user);
    wait_for_stop().await;
    sim.shutdown().await;
    Ok(())
}

#[cfg(unix)]
async fn wait_for_stop() {
    use tokio::signal::unix::{SignalKind, signal};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_stop() {
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Client, ClientConfig, Request};
    use std::time::{Duration, Instant};

    #[tokio::test]
    async fn shutdown_leaves_no_task_behind() {
        let sim = Sim::start(SimConfig::default()).await.unwrap();
        let client = Client::new(ClientConfig::new(
            "127.0.0.1",
            sim.addr().port(),
            "admin",
            "",
        ))
        .unwrap();
        for (command, args) in [
            (
                "/system/script/add",
                [("name", "slow"), ("source", ":delay 1m")],
            ),
            (
                "/system/scheduler/add",
                [("interval", "1s"), ("on-event", "slow")],
            ),
        ] {
            let mut r = Request::new(command);
            for (n, v) in args {
                r = r.arg(n, v);
            }
            client.call(r).await.unwrap();
        }
        // A script run by a connection and one run by the scheduler are both waiting.
        let running = tokio::spawn(async move {
            let run = Request::new("/system/script/run").arg("number", "slow");
            client.call(run).await
        });
        tokio::time::sleep(Duration::from_millis(1_300)).await;
        assert!(!running.is_finished());
        let state = sim.state.downgrade();
        sim.shutdown().await;
        let deadline = Instant::now() + Duration::from_secs(2);
        while state.strong_count() > 0 {
            assert!(Instant::now() < deadline, "a task still holds the router");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        running.abort();
    }
}
