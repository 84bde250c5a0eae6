//! Command-line interface: flags (each with its environment variable) and subcommands.
//!
//! The environment variables of the original Python server (`ROUTEROS_HOST`, `ROUTEROS_USER`,
//! `ROUTEROS_PASSWORD`, `ROUTEROS_PORT`, `ROUTEROS_USE_SSL`) work unchanged; flags override them.
//! Every option of [`Common`] is global: it may stand before or after the subcommand.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// MCP server for MikroTik RouterOS; every tool is a sandboxed WebAssembly plugin.
///
/// With no subcommand it serves MCP on stdio.
#[derive(Debug, Parser)]
#[command(name = "mcp-mikrotik", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub common: Common,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// How many threads the async runtime should have; `None` for tokio's default (one per
    /// core), which the simulator always uses.
    pub fn threads(&self) -> Option<usize> {
        if let Some(Command::Sim(_)) = self.command {
            return None;
        }
        Some(self.common.server.threads.into()).filter(|&n| n > 0)
    }

    /// The log filter: `--log` when given, else `info` for the server and the simulator and
    /// `warn` for the commands a person reads (`tools`, `call`), whose answer would otherwise
    /// drown in start-up lines.
    pub fn log_filter(&self) -> &str {
        match (&self.common.log, &self.command) {
            (Some(filter), _) => filter,
            (
                None,
                Some(
                    Command::Tools
                    | Command::Call { .. }
                    | Command::Audit { .. }
                    | Command::Plan(_),
                ),
            ) => "warn",
            (None, _) => "info",
        }
    }
}

/// Options shared by every subcommand (global: before or after the subcommand's name).
#[derive(Debug, Args)]
pub struct Common {
    #[command(flatten)]
    pub router: RouterArgs,
    #[command(flatten)]
    pub server: ServerArgs,
    /// Start the simulated router in-process and point the server at it.
    #[arg(long, global = true)]
    pub demo: bool,
    /// Log filter for stderr (e.g. `info`, `debug`, `mcp_mikrotik=trace`); default `info`, or
    /// `warn` for `tools` and `call`.
    #[arg(long, env = "MCP_MIKROTIK_LOG", global = true)]
    pub log: Option<String>,
}

/// What to do (default: serve MCP on stdio).
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve MCP over stdio (the default).
    Serve,
    /// Print the available tools as a table.
    Tools,
    /// Run one tool and print its text result (exit code 1 when the tool reports an error).
    Call {
        /// Tool name, e.g. mikrotik_get_interfaces.
        tool: String,
        /// Arguments as a JSON object, e.g. '{"status":"bound"}'.
        #[arg(default_value = "{}")]
        arguments: String,
        /// Print the structured JSON result instead of the text.
        #[arg(long)]
        json: bool,
        /// Apply a planned change without asking (under `--writes confirm`).
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Print the audit of changes: plans, decisions, writes sent and the router's answers.
    Audit {
        /// Only records newer than this, e.g. 1h, 30m, 7d (default: all that are kept).
        #[arg(long)]
        since: Option<String>,
        /// Print JSON lines instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Plans waiting for a person: list, show, approve.
    #[command(subcommand)]
    Plan(PlanCommand),
    /// Run the simulated RouterOS router until stopped (Ctrl-C).
    Sim(SimArgs),
}

/// `mcp-mikrotik plan …`.
#[derive(Debug, Subcommand)]
pub enum PlanCommand {
    /// The newest plans and their state.
    List,
    /// One plan in full.
    Show { id: String },
    /// Approve a waiting plan, so that `mikrotik_apply_plan` may apply it (needed with
    /// `--apply-plans person`).
    Approve { id: String },
}

/// Where the router is and how to log in.
#[derive(Debug, Args)]
pub struct RouterArgs {
    /// Router address: IPv4, IPv6 or hostname.
    #[arg(
        long,
        global = true,
        env = "ROUTEROS_HOST",
        default_value = "192.168.88.1"
    )]
    pub host: String,
    /// API port (default 8728, or 8729 with TLS).
    #[arg(long, global = true, env = "ROUTEROS_PORT")]
    pub port: Option<String>,
    /// RouterOS user (a dedicated user in a read-only group is best).
    #[arg(long, global = true, env = "ROUTEROS_USER", default_value = "admin")]
    pub user: String,
    /// File holding the password (first line). Prefer this or ROUTEROS_PASSWORD_FILE over
    /// ROUTEROS_PASSWORD.
    #[arg(long, global = true, env = "ROUTEROS_PASSWORD_FILE")]
    pub password_file: Option<PathBuf>,
    /// Use api-ssl (TLS). Values: true/false/1/0/yes/no.
    #[arg(long = "ssl", global = true, env = "ROUTEROS_USE_SSL", num_args = 0..=1,
          default_missing_value = "true", value_name = "BOOL")]
    pub use_ssl: Option<String>,
    /// Trust the CA certificate(s) in this PEM file for api-ssl.
    #[arg(long, global = true, env = "ROUTEROS_TLS_CA")]
    pub tls_ca: Option<PathBuf>,
    /// Accept exactly the router certificate with this SHA-256 fingerprint (hex, colons optional).
    #[arg(long, global = true, env = "ROUTEROS_TLS_FINGERPRINT")]
    pub tls_fingerprint: Option<String>,
    /// Do not verify the router's certificate at all (insecure; prefer --tls-fingerprint).
    #[arg(long, global = true, env = "ROUTEROS_TLS_INSECURE", num_args = 0..=1,
          default_missing_value = "true", value_name = "BOOL")]
    pub tls_insecure: Option<String>,
}

/// How the server runs tools.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Refuse every write to the router and hide tools that write.
    #[arg(long, global = true, env = "ROUTEROS_READ_ONLY", num_args = 0..=1,
          default_missing_value = "true", value_name = "BOOL")]
    pub read_only: Option<String>,
    /// What tools may do to the router: `deny` (read-only), `confirm` (every change is planned
    /// and a person agrees first; the default) or `allow` (planned, applied and audited without
    /// asking: for unattended automation). `--read-only` means `deny` and wins.
    #[arg(long, global = true, env = "ROUTEROS_WRITES", value_name = "POLICY")]
    pub writes: Option<String>,
    /// Who may apply a plan that waits under its id: `model` (the assistant, with
    /// mikrotik_apply_plan, after the person agreed in the chat; the default) or `person` (only
    /// after `mcp-mikrotik plan approve ID` in a terminal).
    #[arg(
        long,
        global = true,
        env = "MCP_MIKROTIK_APPLY_PLANS",
        value_name = "WHO"
    )]
    pub apply_plans: Option<String>,
    /// Directory of the audit database (default: the OS data directory's mcp-mikrotik).
    #[arg(long, global = true, env = "MCP_MIKROTIK_STATE_DIR")]
    pub state_dir: Option<PathBuf>,
    /// How many seconds a plan waits for its approval before it expires.
    #[arg(long, global = true, env = "MCP_MIKROTIK_PLAN_TTL", default_value = "600",
          value_parser = clap::value_parser!(u32).range(1..=86400))]
    pub plan_ttl: u32,
    /// Seconds after which the router reverts an applied change by itself unless the host
    /// kept it (its safety net: a revert script run by /system/scheduler); 0 turns it off.
    #[arg(long, global = true, env = "MCP_MIKROTIK_ROLLBACK_AFTER", default_value = "120",
          value_parser = clap::value_parser!(u32).range(0..=86400))]
    pub rollback_after: u32,
    /// When an applied change is kept: `auto` (as soon as the host logs in again over a fresh
    /// connection; the default) or `manual` (only after mikrotik_confirm_change; otherwise the
    /// router reverts it after --rollback-after seconds).
    #[arg(
        long,
        global = true,
        env = "MCP_MIKROTIK_KEEP_CHANGES",
        value_name = "WHEN"
    )]
    pub keep_changes: Option<String>,
    /// How many days audit records are kept.
    #[arg(long, global = true, env = "MCP_MIKROTIK_AUDIT_DAYS", default_value = "365",
          value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub audit_days: u32,
    /// Let plugins (and so the model) see secret values — passwords, keys, passphrases —
    /// which are otherwise replaced by a marker before they leave the host.
    #[arg(long, global = true, env = "ROUTEROS_SHOW_SECRETS", num_args = 0..=1,
          default_missing_value = "true", value_name = "BOOL")]
    pub show_secrets: Option<String>,
    /// Directory of extra plugins (*.wasm).
    #[arg(long, global = true, env = "MCP_MIKROTIK_PLUGIN_DIR")]
    pub plugin_dir: Option<PathBuf>,
    /// Deadline of one tool call, in seconds.
    #[arg(
        long,
        global = true,
        env = "MCP_MIKROTIK_TIMEOUT",
        default_value = "30"
    )]
    pub timeout: String,
    /// Threads serving calls: 0 (the default) is one per CPU core, so concurrent calls run
    /// their plugins in parallel; 1 runs everything on one thread, which uses the least CPU.
    #[arg(long, global = true, env = "MCP_MIKROTIK_THREADS", default_value = "0",
          value_parser = clap::value_parser!(u16).range(0..=256))]
    pub threads: u16,
}

/// Options of `mcp-mikrotik sim`.
#[derive(Debug, Args)]
#[command(disable_version_flag = true)]
pub struct SimArgs {
    /// Plain API listen address (loopback).
    #[arg(long, default_value = "127.0.0.1:8728")]
    pub listen: SocketAddr,
    /// api-ssl listen address (a certificate is generated at start).
    #[arg(long)]
    pub tls_listen: Option<SocketAddr>,
    /// Password the simulated router accepts (for the user of `--user`, default `admin`).
    #[arg(long, default_value = "")]
    pub password: String,
    /// RouterOS version to report.
    #[arg(long = "version", default_value = "7.20.6")]
    pub ros_version: String,
    /// Behave like RouterOS before 6.43 (MD5 challenge login).
    #[arg(long)]
    pub legacy_login: bool,
    /// Do not send `!empty` (act like RouterOS before 7.18).
    #[arg(long)]
    pub no_empty: bool,
    /// RouterOS 6 mode: legacy wireless menu, no wifi menu, no `!empty`.
    #[arg(long)]
    pub ros6: bool,
    /// Extra generated routes.
    #[arg(long, default_value_t = 0)]
    pub routes: usize,
    /// Extra generated DHCP leases.
    #[arg(long, default_value_t = 0)]
    pub leases: usize,
    /// Leave out a menu, as if its package were missing (repeatable), e.g. /interface/wifi.
    #[arg(long, value_name = "MENU")]
    pub without: Vec<String>,
}
