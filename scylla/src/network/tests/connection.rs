//! Connection setup: handshake, compression, extensions, authentication, keyspaces,
//! events, timeouts.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use scylla_cql::frame::Compression;
use scylla_cql::frame::response::event::{EventV2, SchemaChangeEvent, StatusChangeEvent};
use scylla_cql::frame::response::{Response, result};
use scylla_cql::frame::server_event_type::EventTypeV2;
use uuid::Uuid;

use super::{connect, echo, send, test_config};
use crate::authentication::{
    AuthError, AuthenticatorProvider, AuthenticatorSession, PlainTextAuthenticator,
};
use crate::errors::{
    BadKeyspaceName, BrokenConnectionErrorKind, ConnectionError, ConnectionSetupRequestErrorKind,
    CqlRequestKind, DbError, RequestAttemptError, UseKeyspaceError,
};
use crate::network::connection::{Connection, StartupIdentity, VerifiedKeyspaceName};
use crate::network::test_server::{
    Reply, ServerConfig, ShardAwarePort, Sharding, TestServer, default_handler,
};

#[tokio::test]
async fn handshake_without_compression() {
    let server = TestServer::start(ServerConfig::default()).await;
    let conn = connect(&server, &test_config()).await;
    assert_eq!(conn.get_compression(), None);
    assert_eq!(conn.get_connect_address(), server.addr);
    assert_eq!(conn.get_shard_info(), None);
    assert_eq!(echo(&conn, "hello").await.unwrap(), "hello");

    let info = &server.connections()[0];
    assert_eq!(info.peer, conn.get_local_address());
    let options = &info.startup_options;
    assert_eq!(options["CQL_VERSION"], "4.0.0");
    assert_eq!(options["DRIVER_NAME"], "ScyllaDB Rust Driver");
    assert_eq!(options["DRIVER_VERSION"], env!("CARGO_PKG_VERSION"));
    assert!(!options.contains_key("COMPRESSION"));
    assert_eq!(info.compressed_requests, 0);
    assert!(!conn.is_closed());
}

/// The test configuration, asking for `compression`.
fn with_compression(compression: Compression) -> crate::network::connection::ConnectionConfig {
    crate::network::connection::ConnectionConfig {
        compression: Some(compression),
        ..test_config()
    }
}

/// A test server offering only the compression named `offered`.
async fn server_offering(offered: &'static str) -> TestServer {
    TestServer::start(ServerConfig {
        compression: vec![offered],
        ..Default::default()
    })
    .await
}

async fn compressed_round_trip(compression: Compression) {
    let server = TestServer::start(ServerConfig::default()).await;
    let config = with_compression(compression);
    let conn = connect(&server, &config).await;
    assert_eq!(conn.get_compression(), Some(compression));
    let big = "compressible ".repeat(2000);
    assert_eq!(echo(&conn, &big).await.unwrap(), big);
    // Extensions are inside the compressed body.
    let response = send(&conn, "extras:careful").await.unwrap();
    assert_eq!(response.warnings, vec!["careful".to_owned()]);
    assert_eq!(response.tracing_id, Some(Uuid::from_u128(0x1234)));
    assert_eq!(
        response.custom_payload.unwrap()["key"],
        bytes::Bytes::from_static(b"value")
    );
    let info = &server.connections()[0];
    assert_eq!(info.startup_options["COMPRESSION"], compression.as_str());
    assert_eq!(info.compressed_requests, 2);
}

#[tokio::test]
async fn handshake_with_lz4() {
    compressed_round_trip(Compression::Lz4).await;
}

#[tokio::test]
async fn handshake_with_snappy() {
    compressed_round_trip(Compression::Snappy).await;
}

#[tokio::test]
async fn compression_not_offered_is_not_used() {
    let server = server_offering("snappy").await;
    let config = with_compression(Compression::Lz4);
    let conn = connect(&server, &config).await;
    assert_eq!(conn.get_compression(), None);
    assert_eq!(echo(&conn, "x").await.unwrap(), "x");
    assert!(
        !server.connections()[0]
            .startup_options
            .contains_key("COMPRESSION")
    );
}

#[tokio::test]
async fn scylla_extensions_sharding_and_host_id_are_negotiated() {
    let host_id = Uuid::from_u128(42);
    let mut extra = HashMap::new();
    extra.insert(
        "SCYLLA_RATE_LIMIT_ERROR".to_owned(),
        vec!["ERROR_CODE=61440".to_owned()],
    );
    extra.insert(
        "SCYLLA_LWT_ADD_METADATA_MARK".to_owned(),
        vec!["LWT_OPTIMIZATION_META_BIT_MASK=2147483648".to_owned()],
    );
    extra.insert("TABLETS_ROUTING_V1".to_owned(), vec![]);
    let server = TestServer::start(ServerConfig {
        extra_supported: extra,
        host_id: Some(host_id),
        sharding: Some(Sharding {
            nr_shards: 4,
            shard_aware_port: ShardAwarePort::Listening,
        }),
        ..Default::default()
    })
    .await;
    let conn = connect(&server, &test_config()).await;
    let features = conn.get_protocol_features();
    assert_eq!(features.rate_limit_error, Some(61440));
    assert_eq!(features.lwt_optimization_meta_bit_mask, Some(0x8000_0000));
    assert!(features.tablets_v1_supported);
    assert!(!features.scylla_metadata_id_supported);
    assert_eq!(conn.get_host_id(), Some(host_id));
    let sharding = conn.get_shard_info().unwrap();
    assert_eq!(sharding.nr_shards.get(), 4);
    assert_eq!(sharding.msb_ignore, 12);
    assert_eq!(
        sharding.shard_aware_port,
        server.shard_aware_addr.map(|a| a.port())
    );
    assert_eq!(conn.shard(), server.connections()[0].shard);

    let options = &server.connections()[0].startup_options;
    assert_eq!(options["SCYLLA_RATE_LIMIT_ERROR"], "");
    assert_eq!(
        options["SCYLLA_LWT_ADD_METADATA_MARK"],
        "LWT_OPTIMIZATION_META_BIT_MASK=2147483648"
    );
    assert!(options.contains_key("TABLETS_ROUTING_V1"));
    assert!(!options.contains_key("SCYLLA_USE_METADATA_ID"));
}

#[tokio::test]
async fn self_identity_goes_into_startup() {
    let server = TestServer::start(ServerConfig::default()).await;
    let session_id = Uuid::from_u128(7);
    let config = crate::network::connection::ConnectionConfig {
        identity: StartupIdentity {
            self_identity: crate::client::SelfIdentity::new()
                .with_custom_driver_name("custom driver")
                .with_application_name("my app")
                .with_application_version("1.2.3")
                .with_client_id("client-9"),
            session_id: Some(session_id),
            driver_config: Some(Arc::from("{\"a\":1}")),
        },
        ..test_config()
    };
    let _conn = connect(&server, &config).await;
    let options = &server.connections()[0].startup_options;
    assert_eq!(options["DRIVER_NAME"], "custom driver");
    assert_eq!(options["DRIVER_VERSION"], env!("CARGO_PKG_VERSION"));
    assert_eq!(options["APPLICATION_NAME"], "my app");
    assert_eq!(options["APPLICATION_VERSION"], "1.2.3");
    assert_eq!(options["CLIENT_ID"], "client-9");
    assert_eq!(options["SESSION_ID"], session_id.to_string());
    assert_eq!(options["DRIVER_CONFIG"], "{\"a\":1}");
}

fn auth_server_config(challenge: bool) -> ServerConfig {
    ServerConfig {
        credentials: Some(("cassandra".to_owned(), "secret".to_owned())),
        auth_challenge: challenge,
        ..Default::default()
    }
}

fn with_auth(
    provider: Arc<dyn AuthenticatorProvider>,
) -> crate::network::connection::ConnectionConfig {
    crate::network::connection::ConnectionConfig {
        authenticator: Some(provider),
        ..test_config()
    }
}

#[tokio::test]
async fn plain_text_authentication_succeeds() {
    let server = TestServer::start(auth_server_config(false)).await;
    let config = with_auth(Arc::new(PlainTextAuthenticator::new(
        "cassandra".to_owned(),
        "secret".to_owned(),
    )));
    let conn = connect(&server, &config).await;
    assert_eq!(echo(&conn, "after auth").await.unwrap(), "after auth");
}

#[tokio::test]
async fn wrong_password_is_an_authentication_error() {
    let server = TestServer::start(auth_server_config(false)).await;
    let config = with_auth(Arc::new(PlainTextAuthenticator::new(
        "cassandra".to_owned(),
        "wrong".to_owned(),
    )));
    let err = Connection::open(server.addr, None, &config)
        .await
        .unwrap_err();
    let ConnectionError::ConnectionSetupRequestError(e) = err else {
        panic!("unexpected error {err:?}");
    };
    assert_eq!(e.request_kind, CqlRequestKind::AuthResponse);
    assert!(
        matches!(e.get_error(), ConnectionSetupRequestErrorKind::DbError(DbError::AuthenticationError, msg) if msg.contains("incorrect")),
        "{e:?}"
    );
}

#[tokio::test]
async fn missing_authenticator_is_reported() {
    let server = TestServer::start(auth_server_config(false)).await;
    let err = Connection::open(server.addr, None, &test_config())
        .await
        .unwrap_err();
    let ConnectionError::ConnectionSetupRequestError(e) = err else {
        panic!("unexpected error {err:?}");
    };
    assert_eq!(e.request_kind, CqlRequestKind::Startup);
    assert!(matches!(
        e.get_error(),
        ConnectionSetupRequestErrorKind::MissingAuthentication
    ));
}

/// Sends nothing first, answers the challenge with the credentials.
struct ChallengeAuthenticator {
    seen_challenges: Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
}

struct ChallengeSession {
    seen_challenges: Arc<std::sync::Mutex<Vec<Vec<u8>>>>,
}

#[async_trait]
impl AuthenticatorProvider for ChallengeAuthenticator {
    async fn start_authentication_session(
        &self,
        authenticator_name: &str,
    ) -> Result<(Option<Vec<u8>>, Box<dyn AuthenticatorSession>), AuthError> {
        assert_eq!(
            authenticator_name,
            "org.apache.cassandra.auth.PasswordAuthenticator"
        );
        Ok((
            None,
            Box::new(ChallengeSession {
                seen_challenges: Arc::clone(&self.seen_challenges),
            }),
        ))
    }
}

#[async_trait]
impl AuthenticatorSession for ChallengeSession {
    async fn evaluate_challenge(
        &mut self,
        token: Option<&[u8]>,
    ) -> Result<Option<Vec<u8>>, AuthError> {
        self.seen_challenges
            .lock()
            .unwrap()
            .push(token.unwrap_or_default().to_vec());
        Ok(Some(b"\0cassandra\0secret".to_vec()))
    }

    async fn success(&mut self, _token: Option<&[u8]>) -> Result<(), AuthError> {
        Ok(())
    }
}

#[tokio::test]
async fn authentication_challenges_are_answered_by_the_session() {
    let server = TestServer::start(auth_server_config(true)).await;
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let config = with_auth(Arc::new(ChallengeAuthenticator {
        seen_challenges: Arc::clone(&seen),
    }));
    let conn = connect(&server, &config).await;
    assert_eq!(echo(&conn, "ok").await.unwrap(), "ok");
    assert_eq!(*seen.lock().unwrap(), vec![b"nonce".to_vec()]);
}

#[tokio::test]
async fn plain_text_refuses_challenges() {
    let server = TestServer::start(auth_server_config(true)).await;
    let config = with_auth(Arc::new(PlainTextAuthenticator::new(
        "cassandra".to_owned(),
        "secret".to_owned(),
    )));
    let err = Connection::open(server.addr, None, &config)
        .await
        .unwrap_err();
    let ConnectionError::ConnectionSetupRequestError(e) = err else {
        panic!("unexpected error {err:?}");
    };
    assert!(matches!(
        e.get_error(),
        ConnectionSetupRequestErrorKind::AuthChallengeEvaluationError(_)
    ));
}

#[tokio::test]
async fn node_errors_are_db_errors() {
    let server = TestServer::start(ServerConfig::default()).await;
    let conn = connect(&server, &test_config()).await;
    let response = send(&conn, "error:no such table").await.unwrap();
    let err = response.into_non_error_query_response().unwrap_err();
    assert!(
        matches!(&err, RequestAttemptError::DbError(DbError::Invalid, msg) if msg == "no such table"),
        "{err:?}"
    );
    // The connection is still usable.
    assert_eq!(echo(&conn, "next").await.unwrap(), "next");
}

#[tokio::test]
async fn tracing_flag_and_custom_payload_reach_the_node() {
    use scylla_cql::frame::flag;
    // The server reports, as a warning, what it received with each request.
    let handler: crate::network::test_server::Handler = Arc::new(|req| Reply::Respond {
        response: Box::new(Response::Result(result::Result::Void).into()),
        warnings: vec![format!(
            "tracing={} flags={:#04x} payload={:?}",
            req.tracing,
            req.flags & (flag::TRACING | flag::CUSTOM_PAYLOAD),
            req.custom_payload
                .as_ref()
                .and_then(|p| p.get("k"))
                .map(|v| v.to_vec()),
        )],
        trace_id: None,
        custom_payload: None,
    });
    let server = TestServer::start(ServerConfig {
        handler,
        ..Default::default()
    })
    .await;
    let conn = connect(&server, &test_config()).await;
    let q = super::query("SELECT 1");

    let plain = conn.query_raw(&q, false, None).await.unwrap();
    assert_eq!(plain.warnings, ["tracing=false flags=0x00 payload=None"]);

    let mut payload = HashMap::new();
    payload.insert("k".to_owned(), bytes::Bytes::from_static(b"v"));
    let traced = conn.query_raw(&q, true, Some(&payload)).await.unwrap();
    assert_eq!(
        traced.warnings,
        ["tracing=true flags=0x06 payload=Some([118])"]
    );
}

#[tokio::test]
async fn prepare_returns_the_prepared_statement() {
    use scylla_cql::frame::response::result::{PreparedMetadata, ResultMetadata};
    let handler: crate::network::test_server::Handler = Arc::new(|req| match req.opcode {
        scylla_cql::frame::request::RequestOpcode::Prepare => {
            assert_eq!(req.statement.as_deref(), Some("SELECT 1"));
            Reply::response(Response::Result(result::Result::Prepared(
                result::Prepared {
                    id: bytes::Bytes::from_static(b"id-1"),
                    prepared_metadata: PreparedMetadata::default(),
                    result_metadata: ResultMetadata::mock_empty(),
                    result_metadata_id: None,
                },
            )))
        }
        _ => default_handler()(req),
    });
    let server = TestServer::start(ServerConfig {
        handler,
        ..Default::default()
    })
    .await;
    let conn = connect(&server, &test_config()).await;
    let (prepared, tracing_id) = conn.prepare_raw("SELECT 1", false).await.unwrap();
    assert_eq!(&prepared.id[..], b"id-1");
    assert_eq!(tracing_id, None);
}

#[tokio::test]
async fn use_keyspace_checks_the_answer() {
    let handler: crate::network::test_server::Handler = Arc::new(|req| {
        if req.statement.as_deref() == Some("USE other") {
            Reply::set_keyspace("different")
        } else {
            default_handler()(req)
        }
    });
    let server = TestServer::start(ServerConfig {
        handler,
        ..Default::default()
    })
    .await;
    let conn = connect(&server, &test_config()).await;
    let ks = VerifiedKeyspaceName::new("MyKs".to_owned(), false).unwrap();
    conn.use_keyspace(&ks).await.unwrap();
    let ks = VerifiedKeyspaceName::new("MyKs".to_owned(), true).unwrap();
    conn.use_keyspace(&ks).await.unwrap();
    let ks = VerifiedKeyspaceName::new("other".to_owned(), false).unwrap();
    let err = conn.use_keyspace(&ks).await.unwrap_err();
    assert!(
        matches!(&err, UseKeyspaceError::KeyspaceNameMismatch { expected_keyspace_name_lowercase, result_keyspace_name_lowercase }
            if expected_keyspace_name_lowercase == "other" && result_keyspace_name_lowercase == "different"),
        "{err:?}"
    );
    assert_eq!(
        VerifiedKeyspaceName::new("bad name".to_owned(), false),
        Err(BadKeyspaceName::IllegalCharacter(
            "bad name".to_owned(),
            ' '
        ))
    );
}

#[tokio::test]
async fn registered_events_arrive() {
    let server = server_offering("lz4").await;
    let config = with_compression(Compression::Lz4);
    let conn = connect(&server, &config).await;
    let other = connect(&server, &config).await;
    let mut events = conn
        .register(&[EventTypeV2::StatusChange, EventTypeV2::SchemaChange])
        .await
        .unwrap();
    let node: SocketAddr = (IpAddr::V4(Ipv4Addr::new(127, 0, 0, 9)), 9042).into();
    server.push_event(EventV2::StatusChange(StatusChangeEvent::Down(node)));
    server.push_event(EventV2::SchemaChange(SchemaChangeEvent::KeyspaceChange {
        change_type: scylla_cql::frame::response::event::SchemaChangeType::Created,
        keyspace_name: "ks".to_owned(),
    }));
    let first = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first, EventV2::StatusChange(StatusChangeEvent::Down(node)));
    let second = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(second, EventV2::SchemaChange(_)));
    // Requests still work on both connections; the unregistered one got no event.
    assert_eq!(echo(&conn, "a").await.unwrap(), "a");
    assert_eq!(echo(&other, "b").await.unwrap(), "b");
    // The event channel closes with the connection.
    server.kill_all();
    let end = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await
        .unwrap();
    assert_eq!(end, None);
}

#[tokio::test]
async fn connect_timeout_covers_the_handshake() {
    let server = TestServer::start(ServerConfig::default()).await;
    server.set_answer_options(false);
    let config = crate::network::connection::ConnectionConfig {
        connect_timeout: Duration::from_millis(200),
        ..test_config()
    };
    let err = Connection::open(server.addr, None, &config)
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectionError::ConnectTimeout), "{err:?}");
}

#[tokio::test]
async fn refused_connection_is_an_io_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let err = Connection::open(port, None, &test_config())
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectionError::IoError(_)), "{err:?}");
}

#[tokio::test]
async fn connects_from_the_chosen_source_port() {
    let server = TestServer::start(ServerConfig::default()).await;
    for _ in 0..20 {
        // A port that was free a moment ago; another process may take it meanwhile.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        match Connection::open(server.addr, Some(port), &test_config()).await {
            Ok(conn) => {
                assert_eq!(conn.get_local_address().port(), port);
                assert_eq!(server.connections().last().unwrap().peer.port(), port);
                return;
            }
            Err(e) if e.is_address_unavailable_for_use() => continue,
            Err(e) => panic!("{e:?}"),
        }
    }
    panic!("no free port found");
}

#[tokio::test]
async fn keepalive_timeout_breaks_the_connection() {
    let server = TestServer::start(ServerConfig::default()).await;
    let config = crate::network::connection::ConnectionConfig {
        keepalive_interval: Some(Duration::from_millis(50)),
        keepalive_timeout: Some(Duration::from_millis(100)),
        ..test_config()
    };
    let conn = connect(&server, &config).await;
    // Keepalives are answered: the connection stays up.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!conn.is_closed());
    let before = server.requests();
    server.set_answer_options(false);
    let error = tokio::time::timeout(Duration::from_secs(5), conn.closed())
        .await
        .unwrap();
    assert!(server.requests() > before);
    assert!(
        matches!(
            error.downcast_ref::<BrokenConnectionErrorKind>(),
            Some(BrokenConnectionErrorKind::KeepaliveTimeout(ip)) if *ip == server.addr.ip()
        ),
        "{error:?}"
    );
    let err = echo(&conn, "late").await.unwrap_err();
    assert!(matches!(err, RequestAttemptError::BrokenConnectionError(_)));
}

#[tokio::test]
async fn dropping_the_connection_closes_the_socket() {
    let server = TestServer::start(ServerConfig::default()).await;
    let conn = connect(&server, &test_config()).await;
    assert_eq!(server.open_connections().len(), 1);
    drop(conn);
    for _ in 0..100 {
        if server.open_connections().is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server still sees the connection open");
}
