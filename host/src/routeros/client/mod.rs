//! Async RouterOS API client: one persistent session per router, many tagged commands.
//!
//! Connects lazily on the first call, logs in (plain, with MD5-challenge fallback), multiplexes
//! concurrent commands with `.tag`, cancels at deadlines and row caps, and reconnects with
//! backoff after the session breaks.

mod config;
pub use config::{ClientConfig, TlsMode};

use super::api::{CallError, Request, Response};

/// A handle to one router; cheap to clone, safe to share.
#[derive(Clone)]
pub struct Client {
    config: std::sync::Arc<ClientConfig>,
}

impl Client {
    /// A client for one router. Nothing is connected until the first call.
    pub fn new(config: ClientConfig) -> Self {
        Self {
            config: std::sync::Arc::new(config),
        }
    }

    /// `host:port` of the router, for messages.
    pub fn target(&self) -> String {
        self.config.target()
    }

    /// Run one command and collect its reply within `request.limits`.
    pub async fn call(&self, request: Request) -> Result<Response, CallError> {
        let _ = request;
        Err(CallError::Connection {
            router: self.target(),
            cause: "client not implemented yet".into(),
        })
    }
}

impl super::api::Router for Client {
    fn call(
        &self,
        request: Request,
    ) -> futures::future::BoxFuture<'static, Result<Response, CallError>> {
        let this = self.clone();
        Box::pin(async move { Client::call(&this, request).await })
    }
    fn target(&self) -> String {
        Client::target(self)
    }
}
