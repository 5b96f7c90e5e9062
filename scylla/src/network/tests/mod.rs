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
