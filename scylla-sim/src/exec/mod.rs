//! The executor: turns one request (QUERY, PREPARE, EXECUTE, BATCH) received by one
//! node on one shard into a response body, reading and writing the cluster state.
//!
//! The network layer calls [`Executor::handle`] with the decoded request and frames
//! the returned [`Outcome`].

use std::collections::HashMap;
use std::net::SocketAddr;

use bytes::Bytes;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::response::ResponseOpcode;
use uuid::Uuid;

use crate::ring::NodeId;

/// Where and how a request arrived.
#[derive(Debug, Clone)]
pub struct RequestContext<'a> {
    /// The coordinator node.
    pub node: NodeId,
    /// The shard the connection belongs to.
    pub shard: u16,
    /// The client's address (for `system_traces.sessions.client`).
    pub client: SocketAddr,
    /// The ScyllaDB extensions negotiated on this connection.
    pub features: &'a ProtocolFeatures,
    /// Whether the request frame had the tracing flag.
    pub tracing: bool,
    /// The request's custom payload, if any.
    pub custom_payload: Option<&'a HashMap<String, Bytes>>,
}

/// Per-connection state the executor reads and changes.
#[derive(Debug, Clone, Default)]
pub struct ConnectionState {
    /// The keyspace set by `USE`.
    pub keyspace: Option<String>,
    /// The authenticated user, when authentication is on.
    pub user: Option<String>,
}

/// A response body and the extensions to frame it with.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The response opcode (RESULT or ERROR).
    pub opcode: ResponseOpcode,
    /// The serialized response body.
    pub body: Vec<u8>,
    /// Warnings to attach (WARNING flag).
    pub warnings: Vec<String>,
    /// The tracing session id, when the request asked for tracing.
    pub trace_id: Option<Uuid>,
    /// A custom payload to attach (e.g. `tablets-routing-v1`).
    pub custom_payload: Option<HashMap<String, Bytes>>,
}
