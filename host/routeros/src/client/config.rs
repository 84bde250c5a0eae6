//! How to reach and authenticate to one router.

use std::path::PathBuf;
use std::time::Duration;

/// How to verify the router's certificate on api-ssl.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TlsMode {
    /// Trust the operating system's root certificates.
    SystemRoots,
    /// Trust the CA certificate(s) in this PEM file.
    CaFile(PathBuf),
    /// Accept exactly the certificate with this SHA-256 fingerprint.
    Fingerprint([u8; 32]),
    /// Accept any certificate (explicit, loud opt-in).
    Insecure,
}

/// Connection settings of one router.
#[derive(Clone)]
pub struct ClientConfig {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    /// `None`: plain API (8728); `Some`: api-ssl with this verification.
    pub tls: Option<TlsMode>,
    /// Budget for TCP connect + TLS handshake + login.
    pub connect_timeout: Duration,
}

impl ClientConfig {
    /// Plain-API settings with defaults for everything else.
    pub fn new(
        host: impl Into<String>,
        port: u16,
        user: impl Into<String>,
        password: impl Into<String>,
    ) -> Self {
        Self {
            host: host.into(),
            port,
            user: user.into(),
            password: password.into(),
            tls: None,
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// `host:port` (IPv6 literals bracketed).
    pub fn target(&self) -> String {
        if self.host.contains(':') && !self.host.starts_with('[') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .field("tls", &self.tls)
            .field("connect_timeout", &self.connect_timeout)
            .finish()
    }
}
