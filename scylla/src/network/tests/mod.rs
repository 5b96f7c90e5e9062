//! Tests of connections and pools against the in-crate test server.

mod connection;
mod multiplexer;
mod pool;
#[cfg(any(feature = "rustls-023", feature = "openssl-010"))]
mod tls;

use std::time::Duration;

use super::connection::{Connection, ConnectionConfig, QueryResponse};
use super::test_server::TestServer;
use crate::errors::RequestAttemptError;
use scylla_cql::frame::request::Query;
use scylla_cql::frame::request::query::QueryParameters;
use scylla_cql::frame::response::{Response, result};

/// A connection config for tests: no keepalives unless asked for.
pub(super) fn test_config() -> ConnectionConfig {
    ConnectionConfig {
        keepalive_interval: None,
        connect_timeout: Duration::from_secs(5),
        ..Default::default()
    }
}

pub(super) async fn connect(server: &TestServer, config: &ConnectionConfig) -> Connection {
    Connection::open(server.addr, None, config).await.unwrap()
}

pub(super) fn query(text: &str) -> Query<'_> {
    Query {
        contents: text.into(),
        parameters: QueryParameters::default(),
    }
}

pub(super) async fn send(
    conn: &Connection,
    text: &str,
) -> Result<QueryResponse, RequestAttemptError> {
    conn.query_raw(&query(text), false, None).await
}

/// Sends `text` to the default handler and returns the echoed text.
pub(super) async fn echo(conn: &Connection, text: &str) -> Result<String, RequestAttemptError> {
    let response = send(conn, text).await?;
    match response.response {
        Response::Result(result::Result::SetKeyspace(s)) => Ok(s.keyspace_name),
        other => panic!("unexpected response {other:?}"),
    }
}

/// The futures the session awaits inside spawned tasks must be `Send`.
#[allow(dead_code)]
fn request_futures_are_send(
    conn: &Connection,
    pool: &super::connection_pool::NodeConnectionPool,
    q: &Query<'_>,
    execute: &scylla_cql::frame::request::ExecuteV2<'_>,
    ks: &super::connection::VerifiedKeyspaceName,
) {
    fn assert_send<T: Send>(_: &T) {}
    assert_send(&conn.query_raw(q, true, None));
    assert_send(&conn.send_request(execute, false, None, None));
    assert_send(&conn.prepare_raw("SELECT 1", false));
    assert_send(&conn.use_keyspace(ks));
    assert_send(&conn.register(&[]));
    assert_send(&conn.closed());
    assert_send(&pool.use_keyspace(ks.clone()));
    assert_send(&pool.wait_until_initialized());
}
