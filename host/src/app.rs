//! Wiring for the binary: settings → router client (or in-process simulator) → plugin
//! host and change control → what the subcommand asks for.

use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};

use crate::changes::store::{AuditStore, format_ms, now_ms};
use crate::changes::{self, ChangeControl, ChangeResult, Decision, WritePolicy, history};
use crate::cli::{Cli, Command, Common, PlanCommand, SimArgs};
use crate::config;
use crate::dispatch::{Outcome, Tools};
use crate::mcp;
use crate::plugin_host::{PluginHost, PluginHostConfig, ToolError};
use crate::routeros::sim::{Sim, SimConfig, SimHandle};
use crate::routeros::{Client, ClientConfig, Router};

/// Send logs to stderr; stdout belongs to MCP. rmcp logs whole requests (tool arguments,
/// which may hold secrets) below `info`, so its target never goes below `info`, whatever the
/// filter says.
pub fn init_logging(filter: &str) {
    use tracing_subscriber::filter::{EnvFilter, LevelFilter};
    let mut filter = EnvFilter::try_new(filter).unwrap_or_else(|e| {
        eprintln!("mcp-mikrotik: ignoring the log filter {filter:?} ({e}); logging at info");
        EnvFilter::new("info")
    });
    if filter
        .max_level_hint()
        .is_none_or(|level| level > LevelFilter::INFO)
    {
        filter = filter.add_directive("rmcp=info".parse().expect("a valid directive"));
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

/// Run what the command line asks for; the exit code on success.
pub async fn run(cli: Cli) -> Result<i32> {
    init_logging(cli.log_filter());
    let common = &cli.common;
    match &cli.command {
        None | Some(Command::Serve) => serve(common).await,
        Some(Command::Tools) => list_tools(common).await,
        Some(Command::Call {
            tool,
            arguments,
            json,
            yes,
        }) => call(common, tool, arguments, *json, *yes).await,
        Some(Command::Audit { since, json }) => audit(common, since.as_deref(), *json),
        Some(Command::Plan(cmd)) => plan(common, cmd),
        Some(Command::Sim(args)) => {
            crate::routeros::sim::run(sim_config(args, &common.router.user)).await?;
            Ok(0)
        }
    }
}

fn sim_config(args: &SimArgs, user: &str) -> SimConfig {
    SimConfig {
        listen: args.listen,
        tls_listen: args.tls_listen,
        user: user.to_string(),
        password: args.password.clone(),
        version: args.ros_version.clone(),
        legacy_login: args.legacy_login,
        send_empty: !args.no_empty && !args.ros6,
        ros6: args.ros6,
        routes: args.routes,
        leases: args.leases,
        without: args.without.clone(),
        ..SimConfig::default()
    }
}

/// Everything a subcommand needs: the tools, and the simulator kept alive in demo mode.
struct Setup {
    tools: Arc<Tools>,
    _sim: Option<SimHandle>,
}

async fn setup(common: &Common) -> Result<Setup> {
    let deadline = config::deadline(common)?;
    let changes_config = config::change_config(common, deadline)?;
    let policy = changes_config.policy;
    let read_only = policy == WritePolicy::Deny;
    let show_secrets = config::show_secrets(common)?;
    if show_secrets {
        tracing::warn!("--show-secrets: plugins and the model see passwords and keys as they are");
    }
    let (client_config, sim) = if common.demo {
        let sim = Sim::start(SimConfig::default())
            .await
            .context("starting the simulated router for --demo")?;
        let addr = sim.addr();
        tracing::info!(%addr, "demo mode: using the built-in simulated router");
        let cfg = ClientConfig::new(addr.ip().to_string(), addr.port(), "admin", "");
        (cfg, Some(sim))
    } else {
        (config::client_config(&common.router)?, None)
    };
    tracing::info!(router = %client_config.target(), user = %client_config.user, tls = client_config.tls.is_some(), writes = ?policy, "router settings");
    let fresh = client_config.clone();
    let client = Client::new(client_config).map_err(anyhow::Error::msg)?;
    let router: Arc<dyn Router> = Arc::new(client);
    let host_config = PluginHostConfig {
        deadline,
        read_only,
        plan_writes: !read_only,
        show_secrets,
        plugin_dir: (common.server.plugin_dir.clone())
            .or_else(PluginHostConfig::default_plugin_dir),
        ..PluginHostConfig::default()
    };
    let changes = if read_only {
        None
    } else {
        Some(
            ChangeControl::open(changes_config, router.clone(), fresh)
                .map_err(anyhow::Error::msg)?,
        )
    };
    let (plugins, warnings) = PluginHost::load(host_config, router).await?;
    for w in &warnings {
        tracing::warn!("{w}");
    }
    release_startup_memory();
    Ok(Setup {
        tools: Arc::new(Tools::new(Arc::new(plugins), changes)),
        _sim: sim,
    })
}

/// Hand the heap that loading used (component bytes, compiler scratch) back to the system,
/// so a long-running server's resident size is what serving needs.
fn release_startup_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free heap pages; it has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}

async fn serve(common: &Common) -> Result<i32> {
    let setup = setup(common).await?;
    tracing::info!(tools = setup.tools.tools().len(), "serving MCP on stdio");
    let tools = setup.tools.clone();
    tokio::spawn(async move {
        let Some(changes) = tools.changes() else {
            return;
        };
        match changes.clean_up().await {
            Ok(found) => found
                .iter()
                .for_each(|line| tracing::warn!("safety net: {line}")),
            Err(e) => tracing::warn!("could not look for leftover safety nets on the router: {e}"),
        }
    });
    mcp::serve_stdio(mcp::Server::new(setup.tools.clone())).await?;
    Ok(0)
}

async fn list_tools(common: &Common) -> Result<i32> {
    let setup = setup(common).await?;
    let tools = setup.tools.tools();
    let width = tools.iter().map(|t| t.name.len()).max().unwrap_or(4);
    let pw = tools.iter().map(|t| t.plugin.len()).max().unwrap_or(6);
    let mut table = format!(
        "{:width$}  {:6}  {:pw$}  DESCRIPTION",
        "TOOL", "ACCESS", "PLUGIN"
    );
    for t in tools {
        let access = match t.effect {
            crate::plugin_host::Effect::Reads => "read",
            crate::plugin_host::Effect::Writes => "write",
            crate::plugin_host::Effect::Any => "any",
        };
        let first_sentence = t.description.split(". ").next().unwrap_or("");
        table.push_str(&format!(
            "\n{:width$}  {:6}  {:pw$}  {}",
            t.name, access, t.plugin, first_sentence
        ));
    }
    print_out(&table)?;
    Ok(0)
}

/// Print `text` and a newline on stdout. A reader that went away (`… | head`) is not an error:
/// there is nobody left to tell.
fn print_out(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(e).context("cannot write to stdout")
        }
        _ => Ok(()),
    }
}

async fn call(common: &Common, tool: &str, arguments: &str, json: bool, yes: bool) -> Result<i32> {
    let args: serde_json::Value = serde_json::from_str(arguments)
        .with_context(|| format!("arguments must be a JSON object, got {arguments:?}"))?;
    if !args.is_object() {
        bail!("arguments must be a JSON object like '{{\"status\":\"bound\"}}', got {arguments}");
    }
    let setup = setup(common).await?;
    let tools = &setup.tools;
    let by = "a terminal (mcp-mikrotik call)";
    match tools.call(tool, args, None, by).await {
        Ok(Outcome::Output(out)) => {
            if json {
                let value = out.structured.unwrap_or(serde_json::Value::Null);
                print_out(&serde_json::to_string_pretty(&value)?)?;
            } else {
                print_out(&out.text)?;
            }
            Ok(0)
        }
        Ok(Outcome::Change(result)) => print_change(result, json),
        Ok(Outcome::Plan(plan)) => {
            let decision = if yes {
                Decision::Accepted {
                    by: "a person at a terminal (mcp-mikrotik call --yes)".into(),
                }
            } else if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                eprintln!("{}\n", plan.text);
                ask_terminal("Apply this change to the router? [y/N] ").await?
            } else {
                Decision::NotAsked
            };
            let result = tools.decide(&plan, decision).await;
            let awaiting = result.structured["state"] == "awaiting-confirmation";
            let code = print_change(result, json)?;
            if awaiting && std::io::IsTerminal::is_terminal(&std::io::stdin()) {
                keep_from_terminal(tools, &plan.id).await?;
            }
            Ok(code)
        }
        Err(ToolError::Failed(msg)) => {
            eprintln!("error: {msg}");
            Ok(1)
        }
        Err(e @ (ToolError::UnknownTool(_) | ToolError::InvalidArguments(_))) => {
            eprintln!("error: {e}");
            Ok(2)
        }
    }
}

/// Under `--keep-changes manual`: ask on the terminal whether to keep the applied change; if
/// not (or no answer), the router reverts it by itself.
async fn keep_from_terminal(tools: &Tools, id: &str) -> Result<()> {
    let Some(changes) = tools.changes() else {
        return Ok(());
    };
    let question = "Check that the network still works. Keep this change? [y/N] ";
    if let Decision::Accepted { by } = ask_terminal(question).await? {
        let kept = changes.confirm(id, &by).await;
        print_out(&kept.text)?;
    } else {
        print_out("Not confirmed: the router reverts the change by itself.")?;
    }
    Ok(())
}

/// Ask y/N on the terminal; anything but y/yes declines.
async fn ask_terminal(question: &str) -> Result<Decision> {
    use std::io::Write;
    eprint!("{question}");
    let _ = std::io::stderr().flush();
    let line = tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).map(|_| line)
    })
    .await?
    .context("cannot read the answer from the terminal")?;
    let by = "a person at a terminal (mcp-mikrotik call)".to_string();
    Ok(match line.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Decision::Accepted { by },
        _ => Decision::Declined { by },
    })
}

/// Print a change result; exit code 0 when applied, 1 when it failed or was refused, 3 when
/// nothing was changed because no person agreed (declined, or the plan waits).
fn print_change(result: ChangeResult, json: bool) -> Result<i32> {
    if json {
        print_out(&serde_json::to_string_pretty(&result.structured)?)?;
    } else {
        print_out(&result.text)?;
    }
    Ok(match result.structured["state"].as_str() {
        _ if result.is_error => 1,
        Some("applied" | "kept" | "awaiting-confirmation") => 0,
        _ => 3,
    })
}

fn open_store(common: &Common) -> Result<AuditStore> {
    let cfg = config::change_config(common, std::time::Duration::from_secs(30))?;
    AuditStore::open(&cfg.state_dir, cfg.retention).map_err(anyhow::Error::msg)
}

/// `mcp-mikrotik audit`.
fn audit(common: &Common, since: Option<&str>, json: bool) -> Result<i32> {
    let since_ms = match since {
        None => 0,
        Some(text) => history::since_ms(text).map_err(|e| anyhow!("--{e}"))?,
    };
    let store = open_store(common)?;
    let events = store.events(since_ms).map_err(anyhow::Error::msg)?;
    let mut out = history::render(&events, json);
    if events.is_empty() && !json {
        out = format!("no audit records in {}\n", store.path().display());
    }
    print_out(out.trim_end())?;
    Ok(0)
}

/// `mcp-mikrotik plan list|show|approve`.
fn plan(common: &Common, cmd: &PlanCommand) -> Result<i32> {
    let store = open_store(common)?;
    match cmd {
        PlanCommand::List => {
            let plans = store.plans(50).map_err(anyhow::Error::msg)?;
            let mut out = format!(
                "{:<18}  {:<9}  {:<20}  {:<22}  ROUTER",
                "PLAN", "STATE", "CREATED", "TOOL"
            );
            for p in &plans {
                let state = if p.state == "pending" && p.expires_ms <= now_ms() {
                    "expired"
                } else {
                    p.state.as_str()
                };
                out.push_str(&format!(
                    "\n{:<18}  {:<9}  {:<20}  {:<22}  {}",
                    p.id,
                    state,
                    format_ms(p.created_ms),
                    p.tool,
                    p.router
                ));
            }
            print_out(&out)?;
            Ok(0)
        }
        PlanCommand::Show { id } => match store.plan(id).map_err(anyhow::Error::msg)? {
            Some(row) => {
                print_out(&changes::show_plan(&row))?;
                Ok(0)
            }
            None => bail!("there is no plan {id} in {}", store.path().display()),
        },
        PlanCommand::Approve { id } => {
            let row = changes::approve(&store, id).map_err(anyhow::Error::msg)?;
            print_out(&format!(
                "{}\n\nApproved: {} may now be applied with mikrotik_apply_plan until {}.",
                changes::show_plan(&row),
                row.id,
                format_ms(row.expires_ms)
            ))?;
            Ok(0)
        }
    }
}
