//! The MCP server: tools from the plugin runtime, served over stdio with rmcp.

mod handler;
mod splice;
mod stdio;
mod tools;

pub use handler::Server;

use anyhow::{Context, Result};
use rmcp::ServiceExt;

/// Serve MCP on stdin/stdout until the client disconnects.
pub async fn serve_stdio(server: Server) -> Result<()> {
    let stdout = splice::SpliceWriter::new(stdio::stdout(), server.stash());
    let running = server
        .serve((stdio::stdin(), stdout))
        .await
        .context("MCP initialization over stdio failed")?;
    running.waiting().await.context("MCP server task failed")?;
    Ok(())
}
