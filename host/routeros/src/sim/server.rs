//! Accept loops: plain TCP and TLS listeners hand each connection to a session task. Sessions
//! live in the loop's `JoinSet`, so stopping the loop stops its connections too.

use super::firewall_gate::Conn;
use super::session::{self, SessionConfig};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

/// Serve plain API connections until the task is aborted.
pub async fn accept_plain(listener: TcpListener, cfg: SessionConfig) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let _ = stream.set_nodelay(true);
                    sessions.spawn(session::serve(stream, cfg.clone()));
                }
            }
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
}

/// Serve API-over-TLS connections until the task is aborted.
pub async fn accept_tls(listener: TcpListener, acceptor: TlsAcceptor, cfg: SessionConfig) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let _ = stream.set_nodelay(true);
                    let acceptor = acceptor.clone();
                    let cfg = cfg.clone();
                    sessions.spawn(async move {
                        // No handshake while the firewall drops new connections.
                        cfg.gate.clone().wait_until_open(Conn::New).await;
                        // A failed handshake just ends this connection.
                        if let Ok(tls) = acceptor.accept(stream).await {
                            session::serve(tls, cfg).await;
                        }
                    });
                }
            }
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
}
