//! TLS for the `api-ssl` listener: a self-signed certificate made at start (SAN `localhost`,
//! `127.0.0.1`, `::1`), its PEM, and the SHA-256 fingerprint of its DER for pinning.

use anyhow::Context;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// A generated server identity.
pub struct SimCert {
    pub pem: String,
    /// SHA-256 of the certificate DER, lower-case hex without separators.
    pub fingerprint: String,
    pub acceptor: TlsAcceptor,
}

/// Make a self-signed certificate and a TLS acceptor serving it.
pub fn generate() -> anyhow::Result<SimCert> {
    let names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    let certified = rcgen::generate_simple_self_signed(names)
        .context("generating the sim's TLS certificate")?;
    let der: CertificateDer<'static> = certified.cert.der().clone();
    let fingerprint = hex::encode(Sha256::digest(der.as_ref()));
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS protocol versions")?
        .with_no_client_auth()
        .with_single_cert(vec![der], key)
        .context("TLS server configuration")?;
    Ok(SimCert {
        pem: certified.cert.pem(),
        fingerprint,
        acceptor: TlsAcceptor::from(Arc::new(config)),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_is_64_lowercase_hex() {
        let c = super::generate().unwrap();
        assert_eq!(c.fingerprint.len(), 64);
        assert!(
            c.fingerprint
                .chars()
                .all(|ch| ch.is_ascii_digit() || ('a'..='f').contains(&ch))
        );
        assert!(c.pem.starts_with("-----BEGIN CERTIFICATE-----"));
    }
}
