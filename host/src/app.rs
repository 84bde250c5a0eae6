//! Wiring for the binary: settings → router client (or in-process simulator) → plugin
//! host → what the subcommand asks for.

use std::sync::Arc;

use anyhow::{Context, Result, bail};

use crate::cli::{Cli, Command, Common, SimArgs};
use crate::config;
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
        }) => call(common, tool, arguments, *json).await,
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

/// Everything a subcommand needs: the plugin host, and the simulator kept alive in demo mode.
struct Setup {
    plugins: Arc<PluginHost>,
    _sim: Option<SimHandle>,
}

async fn setup(common: &Common) -> Result<Setup> {
    let deadline = config::deadline(common)?;
    let read_only = config::read_only(common)?;
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
    tracing::info!(router = %client_config.target(), user = %client_config.user, tls = client_config.tls.is_some(), read_only, "router settings");
    let client = Client::new(client_config).map_err(anyhow::Error::msg)?;
    let router: Arc<dyn Router> = Arc::new(client);
    let host_config = PluginHostConfig {
        deadline,
        read_only,
        show_secrets,
        plugin_dir: (common.server.plugin_dir.clone())
            .or_else(PluginHostConfig::default_plugin_dir),
        ..PluginHostConfig::default()
    };
    let (plugins, warnings) = PluginHost::load(host_config, router).await?;
    for w in &warnings {
        tracing::warn!("{w}");
    }
    release_startup_memory();
    Ok(Setup {
        plugins: Arc::new(plugins),
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
    tracing::info!(tools = setup.plugins.tools().len(), "serving MCP on stdio");
    mcp::serve_stdio(mcp::Server::new(setup.plugins.clone())).await?;
    Ok(0)
}

async fn list_tools(common: &Common) -> Result<i32> {
    let setup = setup(common).await?;
    let tools = setup.plugins.tools();
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

async fn call(common: &Common, tool: &str, arguments: &str, json: bool) -> Result<i32> {
    let args: serde_json::Value = serde_json::from_str(arguments)
        .with_context(|| format!("arguments must be a JSON object, got {arguments:?}"))?;
    if !args.is_object() {
        bail!("arguments must be a JSON object like '{{\"status\":\"bound\"}}', got {arguments}");
    }
    let setup = setup(common).await?;
    match setup.plugins.call(tool, args, None).await {
        Ok(out) => {
            if json {
                let value = out.structured.unwrap_or(serde_json::Value::Null);
                print_out(&serde_json::to_string_pretty(&value)?)?;
            } else {
                print_out(&out.text)?;
            }
            Ok(0)
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
