//! The `mcp-mikrotik` binary: parse the command line and run it.

use std::process::ExitCode;

use clap::Parser;
use mcp_mikrotik::{app, cli::Cli};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match app::run(cli).await {
        Ok(code) => ExitCode::from(code.clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("mcp-mikrotik: error: {e:#}");
            ExitCode::from(1)
        }
    }
}
