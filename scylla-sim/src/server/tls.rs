//! TLS on the CQL ports: a rustls server configuration from a PEM certificate chain
//! and private key.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;

/// A certificate chain and private key, PEM-encoded, that the nodes present to clients.
#[derive(Clone)]
pub struct TlsIdentity {
    cert_pem: Vec<u8>,
    key_pem: Vec<u8>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("TlsIdentity")
            .field("cert_pem_bytes", &self.cert_pem.len())
            .finish_non_exhaustive()
    }
}

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// A PEM file could not be read.
    #[error("cannot read {what} file {path}: {source}")]
    Read {
        /// "certificate" or "private key".
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The certificate PEM holds no certificate, or a malformed one.
    #[error("invalid certificate PEM: {0}")]
    Certificate(String),
    /// The key PEM holds no private key, or a malformed one.
    #[error("invalid private key PEM: {0}")]
    PrivateKey(String),
    /// rustls refused the certificate and key (for instance, they do not match).
    #[error("TLS configuration rejected: {0}")]
    Config(#[from] rustls::Error),
}

impl TlsIdentity {
    /// An identity from PEM text: `cert_pem` holds the certificate chain (leaf first),
    /// `key_pem` the private key (PKCS#8, PKCS#1 or SEC1).
    pub fn from_pem(cert_pem: impl Into<Vec<u8>>, key_pem: impl Into<Vec<u8>>) -> Self {
        Self {
            cert_pem: cert_pem.into(),
            key_pem: key_pem.into(),
        }
    }

    /// An identity read from two PEM files.
    pub fn from_pem_files(
        cert_path: impl AsRef<Path>,
        key_path: impl AsRef<Path>,
    ) -> Result<Self, TlsSetupError> {
        let read = |what: &'static str, path: &Path| {
            std::fs::read(path).map_err(|source| TlsSetupError::Read {
                what,
                path: path.to_owned(),
                source,
            })
        };
        Ok(Self {
            cert_pem: read("certificate", cert_path.as_ref())?,
            key_pem: read("private key", key_path.as_ref())?,
        })
    }

    /// Checks the PEM contents and builds the acceptor.
    pub(crate) fn acceptor(&self) -> Result<TlsAcceptor, TlsSetupError> {
        let certs = CertificateDer::pem_slice_iter(&self.cert_pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TlsSetupError::Certificate(e.to_string()))?;
        if certs.is_empty() {
            return Err(TlsSetupError::Certificate(
                "no CERTIFICATE section found".to_owned(),
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(&self.key_pem)
            .map_err(|e| TlsSetupError::PrivateKey(e.to_string()))?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_no_client_auth()
            .with_single_cert(certs, key)?;
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_a_clear_error() {
        let Err(err) = TlsIdentity::from_pem("not pem", "not pem").acceptor() else {
            panic!("garbage PEM accepted");
        };
        assert!(matches!(err, TlsSetupError::Certificate(_)), "{err}");
        let err = TlsIdentity::from_pem_files("/nonexistent/cert.pem", "/nonexistent/key.pem")
            .unwrap_err();
        assert!(err.to_string().contains("/nonexistent/cert.pem"), "{err}");
    }
}
