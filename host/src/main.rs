//! The `mcp-mikrotik` binary: parse the command line and run it.

use std::process::ExitCode;

use clap::Parser;
use mcp_mikrotik::{app, cli::Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `--threads 1` keeps everything on one thread: no hops between threads, least CPU.
    let runtime = match cli.threads() {
        Some(1) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        threads => {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            if let Some(n) = threads {
                builder.worker_threads(n);
            }
            builder.enable_all().build()
        }
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("mcp-mikrotik: error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let outcome = runtime.block_on(app::run(cli));
    // A read of stdin still pending on a blocking thread must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_secs(1));
    match outcome {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("mcp-mikrotik: error: {e:#}");
            ExitCode::from(1)
        }
    }
}
