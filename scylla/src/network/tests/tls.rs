//! TLS with generated certificates, for both backends.

#[cfg(feature = "openssl-010")]
use std::time::Duration;

use super::{echo, test_config};
use crate::errors::ConnectionError;
use crate::network::connection::{Connection, ConnectionConfig};
use crate::network::test_server::{ServerConfig, TestServer, generate_certificates};
use crate::network::tls::TlsContext;

async fn tls_server(tls: crate::network::test_server::ServerTls) -> TestServer {
    TestServer::start(ServerConfig {
        tls: Some(tls),
        ..Default::default()
    })
    .await
}

fn tls_config(context: TlsContext) -> ConnectionConfig {
    ConnectionConfig {
        tls_context: Some(context),
        compression: Some(scylla_cql::frame::Compression::Lz4),
        ..test_config()
    }
}

#[cfg(feature = "rustls-023")]
mod rustls_backend {
    use std::sync::Arc;

    use rustls_pki_types::CertificateDer;

    use super::*;
    use crate::network::test_server::rustls_server;

    fn client_config(trusted_ca: &[u8]) -> Arc<rustls::ClientConfig> {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(CertificateDer::from(trusted_ca.to_vec()))
            .unwrap();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        Arc::new(
            rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth(),
        )
    }

    #[tokio::test]
    async fn rustls_connection_works() {
        let certs = generate_certificates();
        let server = tls_server(rustls_server(&certs)).await;
        let context = TlsContext::from(client_config(&certs.ca_der));
        let conn = Connection::open(server.addr, None, &tls_config(context))
            .await
            .unwrap();
        let big = "over tls ".repeat(5000);
        assert_eq!(echo(&conn, &big).await.unwrap(), big);
        assert_eq!(
            server.connections()[0].startup_options["COMPRESSION"],
            "lz4"
        );
    }

    #[tokio::test]
    async fn rustls_rejects_an_untrusted_certificate() {
        let certs = generate_certificates();
        let other = generate_certificates();
        let server = tls_server(rustls_server(&certs)).await;
        let context = TlsContext::from(client_config(&other.ca_der));
        let err = Connection::open(server.addr, None, &tls_config(context))
            .await
            .unwrap_err();
        assert!(matches!(err, ConnectionError::IoError(_)), "{err:?}");
        assert!(
            err.to_string().to_lowercase().contains("certificate"),
            "{err}"
        );
    }
}

#[cfg(feature = "openssl-010")]
mod openssl_backend {
    use openssl::ssl::{SslConnector, SslMethod};
    use openssl::x509::X509;

    use super::*;
    use crate::network::test_server::openssl_server;
    use crate::network::tls::OpenSsl010Config;

    fn connector(trusted_ca: &[u8]) -> openssl::ssl::SslConnectorBuilder {
        let mut builder = SslConnector::builder(SslMethod::tls_client()).unwrap();
        builder
            .cert_store_mut()
            .add_cert(X509::from_der(trusted_ca).unwrap())
            .unwrap();
        builder
    }

    #[tokio::test]
    async fn openssl_connection_works_and_resumes_sessions() {
        let certs = generate_certificates();
        let server = tls_server(openssl_server(&certs)).await;
        let config = OpenSsl010Config::new(connector(&certs.ca_der));
        assert!(config.use_tls_tickets());
        let context = TlsContext::from(config.clone());
        let conn = Connection::open(server.addr, None, &tls_config(context.clone()))
            .await
            .unwrap();
        let big = "over openssl ".repeat(5000);
        assert_eq!(echo(&conn, &big).await.unwrap(), big);
        // TLS 1.3 tickets arrive after the handshake, read with the first response.
        for _ in 0..100 {
            if config.stored_tickets(server.addr.ip()) > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(config.stored_tickets(server.addr.ip()) > 0);
        let before = config.stored_tickets(server.addr.ip());
        let second = Connection::open(server.addr, None, &tls_config(context))
            .await
            .unwrap();
        assert_eq!(echo(&second, "again").await.unwrap(), "again");
        // The second connection used one ticket (and may have received new ones).
        assert!(config.stored_tickets(server.addr.ip()) >= before - 1);

        // Without tickets, none are stored.
        let no_tickets = OpenSsl010Config::new(connector(&certs.ca_der)).set_use_tls_tickets(false);
        assert!(!no_tickets.use_tls_tickets());
        let conn = Connection::open(
            server.addr,
            None,
            &tls_config(TlsContext::from(no_tickets.clone())),
        )
        .await
        .unwrap();
        assert_eq!(echo(&conn, "x").await.unwrap(), "x");
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(no_tickets.stored_tickets(server.addr.ip()), 0);
    }

    #[tokio::test]
    async fn openssl_builder_converts_and_rejects_untrusted_certificates() {
        let certs = generate_certificates();
        let other = generate_certificates();
        let server = tls_server(openssl_server(&certs)).await;
        let context = TlsContext::from(connector(&other.ca_der));
        assert!(matches!(context, TlsContext::OpenSsl010Config(_)));
        let err = Connection::open(server.addr, None, &tls_config(context))
            .await
            .unwrap_err();
        assert!(matches!(err, ConnectionError::IoError(_)), "{err:?}");
    }

    #[tokio::test]
    #[allow(deprecated)]
    async fn deprecated_raw_context_still_connects() {
        let certs = generate_certificates();
        let server = tls_server(openssl_server(&certs)).await;
        let context = connector(&certs.ca_der).build().into_context();
        let context = TlsContext::from(context);
        assert!(matches!(context, TlsContext::OpenSsl010(_)));
        let conn = Connection::open(server.addr, None, &tls_config(context))
            .await
            .unwrap();
        assert_eq!(echo(&conn, "raw").await.unwrap(), "raw");
    }
}
