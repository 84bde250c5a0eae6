//! One test's world: an in-process simulated router (or a closed port), scratch directories,
//! the environment handed to `mcp-mikrotik`, and ways to start it (MCP server or CLI) and to
//! ask the simulator for the truth with the library client.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use mcp_mikrotik::routeros::sim::{Sim, SimConfig, SimHandle};
use mcp_mikrotik::routeros::{CallError, Client, ClientConfig, Limits, Request, Response};

use crate::mcp_client::McpClient;
use crate::paths::{Scratch, server_binary, shared_cache_home};

/// What a finished CLI run printed.
#[derive(Clone, Debug)]
pub struct CliOutput {
    /// Exit code (`None` when killed by a signal or the deadline).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// A simulator (or none) plus everything needed to run the binary against it.
pub struct TestEnv {
    runtime: tokio::runtime::Runtime,
    sim: Option<SimHandle>,
    /// `host:port` the server is pointed at.
    target: (String, u16),
    user: String,
    password: String,
    scratch: Scratch,
    plugin_dir: PathBuf,
    vars: BTreeMap<String, String>,
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a tokio runtime for the simulator")
}

impl TestEnv {
    /// A default simulated router (RouterOS 7, user admin, empty password).
    pub fn new() -> Self {
        Self::with_sim(SimConfig::default())
    }

    /// A simulated router configured by `config` (its listen address is forced to
    /// 127.0.0.1:0).
    pub fn with_sim(config: SimConfig) -> Self {
        let runtime = tokio_runtime();
        let config = SimConfig {
            listen: "127.0.0.1:0".parse().expect("a socket address"),
            ..config
        };
        let (user, password) = (config.user.clone(), config.password.clone());
        let sim = runtime
            .block_on(Sim::start(config))
            .expect("start the simulated router");
        let port = sim.addr().port();
        Self::assemble(runtime, Some(sim), port, user, password)
    }

    /// No router: the server is pointed at a loopback port nobody listens on.
    pub fn router_down() -> Self {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
            listener.local_addr().expect("its address").port()
        };
        Self::assemble(tokio_runtime(), None, port, "admin".into(), String::new())
    }

    fn assemble(
        runtime: tokio::runtime::Runtime,
        sim: Option<SimHandle>,
        port: u16,
        user: String,
        password: String,
    ) -> Self {
        let scratch = Scratch::new("env");
        let plugin_dir = scratch.subdir("plugins");
        let mut env = Self {
            runtime,
            sim,
            target: ("127.0.0.1".into(), port),
            user,
            password,
            plugin_dir,
            vars: BTreeMap::new(),
            scratch,
        };
        env.vars = env.base_vars();
        env
    }

    fn base_vars(&self) -> BTreeMap<String, String> {
        let mut vars = BTreeMap::new();
        let mut set = |k: &str, v: String| {
            vars.insert(k.to_string(), v);
        };
        set("ROUTEROS_HOST", self.target.0.clone());
        set("ROUTEROS_PORT", self.target.1.to_string());
        set("ROUTEROS_USER", self.user.clone());
        set("ROUTEROS_PASSWORD", self.password.clone());
        set("MCP_MIKROTIK_PLUGIN_DIR", path_text(&self.plugin_dir));
        set("XDG_CACHE_HOME", path_text(shared_cache_home()));
        set("XDG_DATA_HOME", path_text(&self.scratch.subdir("data")));
        set(
            "MCP_MIKROTIK_STATE_DIR",
            path_text(&self.scratch.subdir("state")),
        );
        set("XDG_CONFIG_HOME", path_text(&self.scratch.subdir("config")));
        vars
    }

    /// Set (or override) an environment variable for the server.
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> &mut Self {
        self.vars.insert(name.to_string(), value.into());
        self
    }

    /// Leave an environment variable unset for the server.
    pub fn unset(&mut self, name: &str) -> &mut Self {
        self.vars.remove(name);
        self
    }

    /// Use a private, empty compile cache instead of the shared one.
    pub fn private_cache(&mut self) -> &mut Self {
        let dir = self.scratch.subdir("cache");
        self.set("XDG_CACHE_HOME", path_text(&dir))
    }

    /// The running simulator (panics in a [`TestEnv::router_down`] world).
    pub fn sim(&self) -> &SimHandle {
        self.sim
            .as_ref()
            .expect("this test environment has a simulator")
    }

    /// `host:port` the server is pointed at.
    pub fn target(&self) -> String {
        format!("{}:{}", self.target.0, self.target.1)
    }

    /// The directory the server loads extra plugins from (empty unless a test fills it).
    pub fn plugin_dir(&self) -> &Path {
        &self.plugin_dir
    }

    /// This test's scratch directory.
    pub fn scratch(&self) -> &Path {
        self.scratch.path()
    }

    /// Run `future` on this environment's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// A library client for the same router the server uses.
    pub fn client(&self) -> Client {
        let config = ClientConfig::new(
            self.target.0.clone(),
            self.target.1,
            self.user.clone(),
            self.password.clone(),
        );
        Client::new(config).expect("a RouterOS client")
    }

    /// Run `request` against the simulator with the library client: the truth to compare
    /// tool output with.
    pub fn truth(&self, request: Request) -> Result<Response, CallError> {
        let client = self.client();
        self.block_on(client.call(request))
    }

    /// Rows of `<menu>/print` with optional query words, as (name → value) maps.
    pub fn rows(&self, menu: &str, queries: &[&str]) -> Vec<BTreeMap<String, String>> {
        self.try_rows(menu, queries, Limits::default())
            .unwrap_or_else(|e| panic!("{menu}/print on the simulator failed: {e}"))
    }

    /// [`Self::rows`] within `limits`, with the router's failure as an error (for a router
    /// that may not answer, such as one whose firewall drops the API).
    pub fn try_rows(
        &self,
        menu: &str,
        queries: &[&str],
        limits: Limits,
    ) -> Result<Vec<BTreeMap<String, String>>, CallError> {
        let mut request = Request::new(format!("{menu}/print")).limits(limits);
        for q in queries {
            request = request.query(*q);
        }
        let response = self.truth(request)?;
        Ok(response
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .map(|a| (a.name().into_owned(), a.value().into_owned()))
                    .collect()
            })
            .collect())
    }

    /// A command running `mcp-mikrotik` with this environment (inherited `ROUTEROS_*` and
    /// `MCP_MIKROTIK_*` variables removed).
    pub fn command(&self, args: &[&str]) -> Command {
        warm_shared_cache();
        let mut cmd = Command::new(server_binary());
        cmd.args(args);
        for (name, _) in std::env::vars_os() {
            if let Some(name) = name.to_str()
                && (name.starts_with("ROUTEROS_") || name.starts_with("MCP_MIKROTIK_"))
            {
                cmd.env_remove(name);
            }
        }
        cmd.envs(&self.vars);
        cmd
    }

    /// Start the MCP server (`mcp-mikrotik` with no subcommand) without the handshake.
    pub fn spawn_server(&self) -> McpClient {
        McpClient::spawn(self.command(&[]))
    }

    /// Start the MCP server and complete `initialize`.
    pub fn server(&self) -> McpClient {
        let server = self.spawn_server();
        server.initialize();
        server
    }

    /// Run the binary with `args` to completion (at most 30 s).
    pub fn cli(&self, args: &[&str]) -> CliOutput {
        run_to_end(self.command(args), Duration::from_secs(30))
    }
}

impl Default for TestEnv {
    fn default() -> Self {
        Self::new()
    }
}

/// Compile the bundled plugins into the shared cache once per test process (`mcp-mikrotik
/// tools`, which never connects), so servers started by parallel tests all find it warm.
fn warm_shared_cache() {
    static WARM: OnceLock<()> = OnceLock::new();
    WARM.get_or_init(|| {
        let mut cmd = Command::new(server_binary());
        cmd.arg("tools");
        for (name, _) in std::env::vars_os() {
            if let Some(name) = name.to_str()
                && (name.starts_with("ROUTEROS_") || name.starts_with("MCP_MIKROTIK_"))
            {
                cmd.env_remove(name);
            }
        }
        cmd.env("XDG_CACHE_HOME", shared_cache_home())
            .env("ROUTEROS_HOST", "127.0.0.1")
            .env(
                "MCP_MIKROTIK_PLUGIN_DIR",
                shared_cache_home().join("no-plugins"),
            );
        let out = run_to_end(cmd, Duration::from_secs(300));
        assert_eq!(
            out.code,
            Some(0),
            "warming the compile cache with `mcp-mikrotik tools` failed: {out:?}"
        );
    });
}

fn path_text(path: &Path) -> String {
    path.to_str().expect("test paths are UTF-8").to_string()
}

/// Run `cmd` with captured output; kill it after `timeout`.
pub fn run_to_end(mut cmd: Command, timeout: Duration) -> CliOutput {
    use std::io::Read;
    use std::process::Stdio;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn mcp-mikrotik");
    let mut out = child.stdout.take().expect("piped stdout");
    let mut err = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        String::from_utf8_lossy(&s).into_owned()
    });
    let deadline = Instant::now() + timeout;
    let code = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    CliOutput {
        code,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}
