//! Opening a session: resolve, TCP connect (IPv4, IPv6, hostnames), optional TLS, login.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpStream;

use super::config::ClientConfig;
use super::framed::{SentenceReader, Stream};
use super::login::{LoginError, login};
use super::session::Session;
use super::tls::Tls;
use crate::api::CallError;

/// Idle time before the OS starts sending TCP keepalive probes.
const KEEPALIVE_IDLE: std::time::Duration = std::time::Duration::from_secs(30);

/// Connect, handshake and log in. Time bounds are the caller's job.
pub async fn open(config: &ClientConfig, tls: Option<&Tls>) -> Result<Arc<Session>, CallError> {
    let router = config.target();
    let conn_err = |cause: String| CallError::Connection {
        router: router.clone(),
        cause,
    };
    let host = config.host.trim_start_matches('[').trim_end_matches(']');
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, config.port))
        .await
        .map_err(|e| conn_err(format!("cannot resolve {host:?}: {e}")))?
        .collect();
    let mut last = None;
    let mut tcp = None;
    for addr in &addrs {
        match TcpStream::connect(addr).await {
            Ok(s) => {
                tcp = Some(s);
                break;
            }
            Err(e) => last = Some(format!("{addr}: {e}")),
        }
    }
    let tcp = tcp.ok_or_else(|| {
        conn_err(last.unwrap_or_else(|| format!("{host:?} resolved to no address")))
    })?;
    let _ = tcp.set_nodelay(true);
    // Keepalive lets the OS notice a router that vanished without closing the connection.
    let keepalive = socket2::TcpKeepalive::new().with_time(KEEPALIVE_IDLE);
    let _ = socket2::SockRef::from(&tcp).set_tcp_keepalive(&keepalive);
    let stream: Box<dyn Stream> =
        match tls {
            Some(tls) => Box::new(tls.handshake(host, &router, tcp).await.map_err(|message| {
                CallError::Tls {
                    router: router.clone(),
                    message,
                }
            })?),
            None => Box::new(tcp),
        };
    let (read, mut write) = tokio::io::split(stream);
    let mut reader = SentenceReader::new(read);
    login(&mut reader, &mut write, &config.user, &config.password)
        .await
        .map_err(|e| match e {
            LoginError::Refused(message) => CallError::Login {
                router: router.clone(),
                user: config.user.clone(),
                message,
            },
            LoginError::Broken(cause) if reader.starts_like_tls() => conn_err(format!(
                "during login the router answered with TLS, not RouterOS API words ({cause}): \
                 this looks like the api-ssl (TLS) port; set ROUTEROS_USE_SSL=true or use port 8728"
            )),
            LoginError::Broken(cause) => conn_err(format!("during login: {cause}")),
        })?;
    Ok(Session::start(router, reader, write))
}
