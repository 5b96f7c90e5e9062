//! Connections to nodes: TCP/TLS, the handshake, multiplexing of requests over stream
//! ids, and per-node connection pools.
//!
//! How the session uses this module:
//! - Build a [`connection::ConnectionConfig`] (socket options, TLS, authenticator,
//!   compression, keepalive, write coalescing, STARTUP identity) and a
//!   [`connection_pool::PoolConfig`] (pool size, shard-aware port use and range)
//!   from `SessionConfig`.
//! - The control connection is a [`connection::Connection`] opened with
//!   [`Connection::open`](connection::Connection::open); events come from
//!   [`Connection::register`](connection::Connection::register).
//! - Each node gets a [`connection_pool::NodeConnectionPool`]; a request takes
//!   `pool.connection_for_shard(shard)` (or `random_connection()`) and calls
//!   `query_raw` / `execute_raw` / `batch_raw` / `prepare_raw` / `send_request` on it,
//!   under the request timeout (dropping the future is safe: the stream id stays
//!   reserved until the late response arrives).
//! - `USE` goes through `pool.use_keyspace(VerifiedKeyspaceName)` on every pool.

pub(crate) mod connection;
pub(crate) mod connection_pool;
pub mod tls;

#[cfg(test)]
pub(crate) mod test_server;
#[cfg(test)]
mod tests;
