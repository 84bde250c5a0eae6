//! TLS for api-ssl (port 8729): certificate verification in four explicit modes, and errors
//! that tell the operator what to do (including the fingerprint the router presented).

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use rustls::DigitallySignedStruct;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use super::config::TlsMode;

/// SHA-256 of a DER certificate, lowercase hex without separators.
pub fn fingerprint(der: &[u8]) -> String {
    hex::encode(Sha256::digest(der))
}

/// Parse a SHA-256 fingerprint: 64 hex digits, `:` or spaces allowed, any case.
pub fn parse_fingerprint(text: &str) -> Result<[u8; 32], String> {
    let clean: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect();
    let bytes = hex::decode(&clean).map_err(|_| {
        format!("TLS fingerprint {text:?} is not hex (expected 64 hex digits, colons optional)")
    })?;
    bytes.try_into().map_err(|b: Vec<u8>| {
        format!(
            "TLS fingerprint has {} bytes; a SHA-256 fingerprint has 32 (64 hex digits)",
            b.len()
        )
    })
}

/// How long a TLS handshake may go without a single byte from the router before we conclude
/// that nothing TLS listens there (typically the plain API port, which waits silently).
pub const TLS_ANSWER_WAIT: Duration = Duration::from_secs(3);

/// The advice when the far end does not speak TLS.
fn plain_port_advice(target: &str, what: &str) -> String {
    format!(
        "no TLS answer from {target} {what}: this looks like the plain API port; use port 8729 \
         for api-ssl or turn SSL off"
    )
}

/// A TCP stream that notes whether any byte has been read from it.
pub struct Watched {
    tcp: TcpStream,
    heard: Arc<AtomicBool>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.tcp).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.heard.store(true, Ordering::Release);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.tcp).poll_write(cx, buf)
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Verifier wrapper that remembers the certificate the router presented, so a failed
/// handshake can report its fingerprint.
#[derive(Debug)]
struct Recording {
    inner: Verify,
    presented: Arc<Mutex<Option<String>>>,
    provider: Arc<CryptoProvider>,
}

#[derive(Debug)]
enum Verify {
    WebPki(Arc<WebPkiServerVerifier>),
    Pinned([u8; 32]),
    Insecure,
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let digest: [u8; 32] = Sha256::digest(end_entity.as_ref()).into();
        if let Ok(mut slot) = self.presented.lock() {
            *slot = Some(hex::encode(digest));
        }
        match &self.inner {
            Verify::WebPki(v) => {
                v.verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
            }
            Verify::Pinned(pin) if *pin == digest => Ok(ServerCertVerified::assertion()),
            Verify::Pinned(pin) => Err(rustls::Error::General(format!(
                "certificate fingerprint does not match the pinned {}",
                hex::encode(pin)
            ))),
            Verify::Insecure => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A ready-to-use TLS setup for one router.
pub struct Tls {
    connector: TlsConnector,
    presented: Arc<Mutex<Option<String>>>,
    mode: TlsMode,
}

impl Tls {
    /// Build the TLS client configuration for `mode`. Fails on an unreadable CA file.
    pub fn new(mode: &TlsMode) -> Result<Self, String> {
        let provider = provider();
        let inner = match mode {
            TlsMode::SystemRoots => {
                let mut roots = rustls::RootCertStore::empty();
                let found = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(found.certs);
                if roots.is_empty() {
                    return Err("no system root certificates found; use a CA file (--tls-ca) or pin the router's certificate (--tls-fingerprint)".into());
                }
                webpki(roots, &provider)?
            }
            TlsMode::CaFile(path) => {
                let certs: Vec<_> = CertificateDer::pem_file_iter(path)
                    .map_err(|e| format!("cannot read CA file {}: {e}", path.display()))?
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("CA file {} is not valid PEM: {e}", path.display()))?;
                let mut roots = rustls::RootCertStore::empty();
                let (added, _) = roots.add_parsable_certificates(certs);
                if added == 0 {
                    return Err(format!(
                        "CA file {} holds no usable certificate",
                        path.display()
                    ));
                }
                webpki(roots, &provider)?
            }
            TlsMode::Fingerprint(pin) => Verify::Pinned(*pin),
            TlsMode::Insecure => Verify::Insecure,
        };
        let presented = Arc::new(Mutex::new(None));
        let verifier = Arc::new(Recording {
            inner,
            presented: presented.clone(),
            provider: provider.clone(),
        });
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| format!("TLS setup failed: {e}"))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(Self {
            connector: TlsConnector::from(Arc::new(config)),
            presented,
            mode: mode.clone(),
        })
    }

    /// Run the handshake on a connected socket to `target` (`host:port`, for messages). A
    /// far end that sends nothing within [`TLS_ANSWER_WAIT`], or closes without a byte, is
    /// reported as the plain API port.
    pub async fn handshake(
        &self,
        host: &str,
        target: &str,
        tcp: TcpStream,
    ) -> Result<TlsStream<Watched>, String> {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(bare.to_string())
            .map_err(|_| format!("{host:?} is not a valid TLS server name"))?;
        if let Ok(mut slot) = self.presented.lock() {
            *slot = None;
        }
        let heard = Arc::new(AtomicBool::new(false));
        let stream = Watched {
            tcp,
            heard: heard.clone(),
        };
        let handshake = self.connector.connect(name, stream);
        tokio::pin!(handshake);
        let result = tokio::select! {
            r = &mut handshake => r,
            _ = tokio::time::sleep(TLS_ANSWER_WAIT) => {
                if !heard.load(Ordering::Acquire) {
                    let within = format!("within {} s", TLS_ANSWER_WAIT.as_secs());
                    return Err(plain_port_advice(target, &within));
                }
                handshake.await
            }
        };
        result.map_err(|e| {
            if heard.load(Ordering::Acquire) {
                self.explain(e)
            } else {
                plain_port_advice(target, &format!("(the connection ended: {e})"))
            }
        })
    }

    /// Turn a handshake failure into advice.
    fn explain(&self, err: std::io::Error) -> String {
        let presented = self.presented.lock().ok().and_then(|s| s.clone());
        let detail = err
            .get_ref()
            .and_then(|e| e.downcast_ref::<rustls::Error>())
            .cloned();
        match (detail, presented) {
            (Some(rustls::Error::AlertReceived(alert)), None) => format!(
                "the router refused the TLS handshake ({alert:?}). A RouterOS api-ssl service \
                 without a certificate offers only anonymous Diffie-Hellman, which is unauthenticated \
                 and not supported: create a certificate on the router and assign it \
                 (/ip/service set api-ssl certificate=<name>), then pin its fingerprint"
            ),
            (Some(e @ rustls::Error::InvalidCertificate(_)), Some(fp))
            | (Some(e @ rustls::Error::General(_)), Some(fp)) => format!(
                "the router's certificate was not accepted ({e}; verification: {}). It presented \
                 SHA-256 fingerprint {fp}; if that is your router's certificate, pin it with \
                 --tls-fingerprint {fp} (ROUTEROS_TLS_FINGERPRINT)",
                self.mode_name()
            ),
            (Some(e), _) => format!("TLS handshake failed: {e}"),
            (None, _) => format!("TLS handshake failed: {err}"),
        }
    }

    fn mode_name(&self) -> &'static str {
        match self.mode {
            TlsMode::SystemRoots => "system root certificates",
            TlsMode::CaFile(_) => "CA file",
            TlsMode::Fingerprint(_) => "pinned fingerprint",
            TlsMode::Insecure => "none (insecure)",
        }
    }
}

fn webpki(roots: rustls::RootCertStore, provider: &Arc<CryptoProvider>) -> Result<Verify, String> {
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map(Verify::WebPki)
        .map_err(|e| format!("TLS verifier setup failed: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_parse_in_common_forms() {
        let hex64 = "AB".repeat(32);
        let colons = vec!["ab"; 32].join(":");
        assert_eq!(parse_fingerprint(&hex64).unwrap(), [0xab; 32]);
        assert_eq!(parse_fingerprint(&colons).unwrap(), [0xab; 32]);
        assert!(parse_fingerprint("abcd").unwrap_err().contains("32"));
        assert!(parse_fingerprint("zz").is_err());
    }
}
