//! The MCP server: tools from the plugin host, served over stdio with rmcp's own transport,
//! behind a thin layer that answers unparseable lines ([`parse_errors`]).

mod handler;
pub mod parse_errors;
mod tools;

pub use handler::Server;

use std::time::Duration;

use anyhow::{Context, Result};
use rmcp::ServiceExt;

/// How long the last responses may take to reach the client once the session ends.
const FLUSH_GRACE: Duration = Duration::from_secs(5);

/// Serve MCP on stdin/stdout until the client disconnects.
pub async fn serve_stdio(server: Server) -> Result<()> {
    let (stdin, stdout) = rmcp::transport::stdio_pipes();
    let guarded = parse_errors::guard(stdin, stdout);
    let running = server
        .serve((guarded.reader, guarded.writer))
        .await
        .context("MCP initialization over stdio failed")?;
    running.waiting().await.context("MCP server task failed")?;
    let _ = tokio::time::timeout(FLUSH_GRACE, guarded.output).await;
    Ok(())
}
