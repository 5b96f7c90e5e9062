//! Password authentication (SASL PLAIN) and TLS.

mod server_support;

use std::sync::Arc;

use scylla_cql::frame::request::{AuthResponse, Options, Register};
use scylla_cql::frame::response::error::code;
use scylla_cql::frame::response::{Response, ResponseOpcode};
use scylla_cql::frame::server_event_type::EventType;
use scylla_sim::{SimError, TlsIdentity};
use server_support::{Client, builder};
use tokio_rustls::rustls;

fn sasl(user: &str, password: &str) -> AuthResponse {
    let mut token = vec![0u8];
    token.extend_from_slice(user.as_bytes());
    token.push(0);
    token.extend_from_slice(password.as_bytes());
    AuthResponse {
        response: Some(token),
    }
}

#[tokio::test]
async fn password_authentication() {
    let cluster = builder().password_authentication().build().await.unwrap();
    let address = cluster.contact_points()[0];

    let mut c = Client::connect(address).await;
    let f = c.startup_with(&[("CQL_VERSION", "3.0.0")]).await;
    match f.response() {
        Response::Authenticate(a) => assert_eq!(
            a.authenticator_name,
            "org.apache.cassandra.auth.PasswordAuthenticator"
        ),
        other => panic!("expected AUTHENTICATE, got {other:?}"),
    }
    // Requests before authentication are refused.
    let reg = Register {
        event_types_to_register_for: vec![EventType::SchemaChange],
    };
    let (code, msg) = c.request(&reg).await.error();
    assert_eq!(code, code::PROTOCOL_ERROR);
    assert!(msg.contains("not authenticated"), "{msg}");
    // OPTIONS is still answered.
    assert!(c.options().await.contains_key("COMPRESSION"));

    // Wrong password.
    let (code, msg) = c.request(&sasl("cassandra", "wrong")).await.error();
    assert_eq!(code, code::AUTHENTICATION_ERROR);
    assert_eq!(
        msg,
        "Provided username cassandra and/or password are incorrect"
    );
    // Malformed token.
    let (code, _) = c.request(&AuthResponse { response: None }).await.error();
    assert_eq!(code, code::AUTHENTICATION_ERROR);
    // Right password.
    let f = c.request(&sasl("cassandra", "cassandra")).await;
    assert_eq!(f.opcode(), ResponseOpcode::AuthSuccess, "{f:?}");
    assert_eq!(c.request(&reg).await.opcode(), ResponseOpcode::Ready);
    // No second authentication.
    let (code, _) = c.request(&sasl("cassandra", "cassandra")).await.error();
    assert_eq!(code, code::PROTOCOL_ERROR);
}

#[tokio::test]
async fn custom_credentials() {
    let cluster = builder()
        .credentials("alice", "s3cret")
        .build()
        .await
        .unwrap();
    let mut c = Client::connect(cluster.contact_points()[0]).await;
    assert_eq!(
        c.startup_with(&[]).await.opcode(),
        ResponseOpcode::Authenticate
    );
    let (code, msg) = c.request(&sasl("cassandra", "cassandra")).await.error();
    assert_eq!(code, code::AUTHENTICATION_ERROR);
    assert!(msg.contains("username cassandra"), "{msg}");
    assert_eq!(
        c.request(&sasl("alice", "s3cret")).await.opcode(),
        ResponseOpcode::AuthSuccess
    );
}

fn self_signed() -> (String, String, rustls::pki_types::CertificateDer<'static>) {
    let rcgen::CertifiedKey { cert, key_pair } =
        rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    (cert.pem(), key_pair.serialize_pem(), cert.der().clone())
}

fn client_config(root: rustls::pki_types::CertificateDer<'static>) -> Arc<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root).unwrap();
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
async fn tls_on_both_ports() {
    let (cert, key, der) = self_signed();
    let cluster = builder()
        .nodes(2)
        .shards(2)
        .tls(TlsIdentity::from_pem(cert, key))
        .password_authentication()
        .build()
        .await
        .unwrap();
    let connector = tokio_rustls::TlsConnector::from(client_config(der));
    for node in cluster.nodes() {
        for port in [node.address.port(), 19042] {
            let address = std::net::SocketAddr::new(node.address.ip(), port);
            let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
            let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
            let tls = connector.connect(name, tcp).await.unwrap();
            let mut c = Client::new(tls);
            let options = c.options().await;
            assert_eq!(options["SCYLLA_SHARD_AWARE_PORT_SSL"], vec!["19042"]);
            assert_eq!(
                c.startup_with(&[]).await.opcode(),
                ResponseOpcode::Authenticate
            );
            assert_eq!(
                c.request(&sasl("cassandra", "cassandra")).await.opcode(),
                ResponseOpcode::AuthSuccess
            );
            c.send(&Options, 77).await;
            assert_eq!(c.recv().await.header.stream, 77);
        }
    }
    // A plain-text client gets no CQL answer from a TLS port.
    let mut plain = Client::connect(cluster.contact_points()[0]).await;
    plain.send(&Options, 1).await;
    match tokio::time::timeout(server_support::WAIT, plain.try_recv()).await {
        Ok(Ok(f)) => assert_ne!(f.header.version, 0x84, "plain text answered: {f:?}"),
        Ok(Err(_)) => {}
        Err(_) => panic!("neither answered nor closed"),
    }
}

#[tokio::test]
async fn bad_tls_material_is_a_clear_error() {
    let err = builder()
        .tls(TlsIdentity::from_pem("garbage", "garbage"))
        .build()
        .await
        .unwrap_err();
    assert!(matches!(err, SimError::Tls(_)), "{err}");
    let (cert, _, _) = self_signed();
    let (_, other_key, _) = self_signed();
    let err = builder()
        .tls(TlsIdentity::from_pem(cert, other_key))
        .build()
        .await
        .unwrap_err();
    assert!(matches!(err, SimError::Tls(_)), "{err}");
}
