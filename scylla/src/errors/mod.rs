//! Every error the driver returns, in one place.
//!
//! The top-level errors are [`ExecutionError`] (one request, with retries, across the
//! plan), [`PagerExecutionError`] (starting a pager), [`NewSessionError`],
//! [`PrepareError`] and [`RequestAttemptError`] (one attempt on one connection, which
//! is what retry policies see). Messages name what failed, where and with which
//! value; `#[non_exhaustive]` enums may gain variants.

use std::error::Error;
use std::net::{AddrParseError, IpAddr, SocketAddr};
use std::num::ParseIntError;
use std::sync::Arc;
use std::time::Duration;

use thiserror::Error;
use uuid::Uuid;

pub use scylla_cql::deserialize::{DeserializationError, TypeCheckError};
pub use scylla_cql::frame::frame_errors::{
    CqlAuthChallengeParseError, CqlAuthSuccessParseError, CqlAuthenticateParseError,
    CqlErrorParseError, CqlEventParseError, CqlRequestSerializationError, CqlResponseParseError,
    CqlResultParseError, CqlSupportedParseError, FrameBodyExtensionsParseError,
    FrameHeaderParseError, ResultMetadataAndRowsCountParseError,
};
pub use scylla_cql::frame::request::CqlRequestKind;
pub use scylla_cql::frame::response::CqlResponseKind;
pub use scylla_cql::frame::response::error::{DbError, OperationType, WriteType};
pub use scylla_cql::serialize::SerializationError;

pub use crate::authentication::AuthError;
pub use crate::response::query_result::{
    FirstRowError, IntoRowsResultError, MaybeFirstRowError, ResultNotRowsError, RowsError,
    SingleRowError,
};
use crate::statement::prepared::{PartitionKeyError, TokenCalculationError};

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

/// A request failed: every attempt the plan and the retry policy allowed failed, or
/// the request could not be sent at all.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum ExecutionError {
    /// The request was invalid before anything was sent.
    #[error(transparent)]
    BadQuery(#[from] BadQuery),
    /// The load-balancing plan contained no node.
    #[error("the load balancing policy produced an empty plan: no node to send the request to")]
    EmptyPlan,
    /// Preparing the statement failed.
    #[error("failed to prepare the statement: {0}")]
    PrepareError(#[from] PrepareError),
    /// No connection to the chosen node was available.
    #[error("no connection available: {0}")]
    ConnectionPoolError(#[from] ConnectionPoolError),
    /// The last attempt failed and the retry policy gave up.
    #[error("{0}")]
    LastAttemptError(#[from] RequestAttemptError),
    /// The request did not complete within its timeout.
    #[error("request timed out after {0:?}")]
    RequestTimeout(Duration),
    /// A `USE` statement succeeded on the node but switching the connections failed.
    #[error("'USE KEYSPACE' failed: {0}")]
    UseKeyspaceError(#[from] UseKeyspaceError),
    /// Waiting for schema agreement after a schema change failed.
    #[error("schema agreement failed: {0}")]
    SchemaAgreementError(#[from] SchemaAgreementError),
    /// Refreshing cluster metadata failed.
    #[error("metadata refresh failed: {0}")]
    MetadataError(#[from] MetadataError),
}

impl From<SerializationError> for ExecutionError {
    fn from(e: SerializationError) -> Self {
        ExecutionError::BadQuery(BadQuery::SerializationError(e))
    }
}

/// Starting a pager ([`Session::query_iter`](crate::client::session::Session::query_iter)
/// and friends) failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum PagerExecutionError {
    /// Preparing the statement failed.
    #[error("failed to prepare the statement: {0}")]
    PrepareError(#[from] PrepareError),
    /// The values could not be serialized.
    #[error("failed to serialize the values: {0}")]
    SerializationError(#[from] SerializationError),
    /// Fetching the first page failed.
    #[error("failed to fetch the first page: {0}")]
    NextPageError(#[from] NextPageError),
    /// A `USE` statement failed.
    #[error("'USE KEYSPACE' failed: {0}")]
    UseKeyspaceError(#[from] UseKeyspaceError),
    /// Waiting for schema agreement failed.
    #[error("schema agreement failed: {0}")]
    SchemaAgreementError(#[from] SchemaAgreementError),
    /// Refreshing cluster metadata failed.
    #[error("metadata refresh failed: {0}")]
    MetadataError(#[from] MetadataError),
}

/// A request failed, as seen by a [`HistoryListener`](crate::observability::history::HistoryListener).
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum RequestError {
    /// The load-balancing plan contained no node.
    #[error("the load balancing policy produced an empty plan")]
    EmptyPlan,
    /// No connection to the chosen node was available.
    #[error("no connection available: {0}")]
    ConnectionPoolError(#[from] ConnectionPoolError),
    /// The request did not complete within its timeout.
    #[error("request timed out after {0:?}")]
    RequestTimeout(Duration),
    /// The last attempt failed and the retry policy gave up.
    #[error("{0}")]
    LastAttemptError(#[from] RequestAttemptError),
}

impl RequestError {
    /// The equivalent [`ExecutionError`].
    pub fn into_execution_error(self) -> ExecutionError {
        match self {
            RequestError::EmptyPlan => ExecutionError::EmptyPlan,
            RequestError::ConnectionPoolError(e) => ExecutionError::ConnectionPoolError(e),
            RequestError::RequestTimeout(d) => ExecutionError::RequestTimeout(d),
            RequestError::LastAttemptError(e) => ExecutionError::LastAttemptError(e),
        }
    }
}

/// One attempt of a request, on one connection, failed. This is what retry policies
/// decide on.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum RequestAttemptError {
    /// The values could not be serialized.
    #[error("failed to serialize the values: {0}")]
    SerializationError(#[from] SerializationError),
    /// The request frame could not be built.
    #[error("failed to serialize the request: {0}")]
    CqlRequestSerialization(#[from] CqlRequestSerializationError),
    /// No stream id was free on the connection.
    #[error("unable to allocate a stream id: all 32768 streams of the connection are in use")]
    UnableToAllocStreamId,
    /// The connection broke while the request was in flight.
    #[error("{0}")]
    BrokenConnectionError(#[from] BrokenConnectionError),
    /// The response's tracing id, warnings or custom payload could not be parsed.
    #[error("failed to parse the response's body extensions: {0}")]
    BodyExtensionsParseError(#[from] FrameBodyExtensionsParseError),
    /// A RESULT response could not be parsed.
    #[error("failed to parse the RESULT response: {0}")]
    CqlResultParseError(#[from] CqlResultParseError),
    /// An ERROR response could not be parsed.
    #[error("failed to parse the ERROR response: {0}")]
    CqlErrorParseError(#[from] CqlErrorParseError),
    /// The node answered with an error.
    #[error("database returned an error: {0}, error message: {1}")]
    DbError(DbError, String),
    /// The node answered with a response of the wrong kind.
    #[error("received unexpected response from the server: {0}; expected RESULT or ERROR")]
    UnexpectedResponse(CqlResponseKind),
    /// Re-preparing after UNPREPARED returned a different statement id.
    #[error(
        "re-preparing {statement:?} returned id {reprepared_id:02x?}, not the expected {expected_id:02x?}"
    )]
    RepreparedIdChanged {
        /// The statement text.
        statement: String,
        /// The id the driver had.
        expected_id: Vec<u8>,
        /// The id re-preparation returned.
        reprepared_id: Vec<u8>,
    },
    /// A batch's UNPREPARED named an id that none of its statements has.
    #[error("the node asked to re-prepare a statement id that is not in the batch")]
    RepreparedIdMissingInBatch,
    /// An unpaged request got a result with more pages.
    #[error("an unpaged request received a result that has more pages")]
    NonfinishedPagingState,
}

impl From<scylla_cql::frame::response::error::Error> for RequestAttemptError {
    fn from(e: scylla_cql::frame::response::error::Error) -> Self {
        RequestAttemptError::DbError(e.error, e.reason)
    }
}

/// The request was invalid before anything was sent.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum BadQuery {
    /// The values could not be serialized.
    #[error("failed to serialize the values: {0}")]
    SerializationError(SerializationError),
    /// A partition-key value is longer than the 65535 bytes a key component can hold.
    #[error("serialized partition key value {0} is too long: {1} bytes (the maximum is 65535)")]
    ValuesTooLongForKey(usize, usize),
    /// The partition key could not be taken from the values (a key column has no
    /// value). [`PartitionKeyError`](crate::statement::prepared::PartitionKeyError)
    /// tells which one.
    #[error("failed to extract the partition key from the values")]
    PartitionKeyExtraction,
    /// A batch has more statements than the protocol allows (65535).
    #[error("too many statements in the batch: {0} (the maximum is 65535)")]
    TooManyQueriesInBatchStatement(usize),
}

/// Preparing a statement failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum PrepareError {
    /// No connection was available.
    #[error("no connection available to prepare the statement: {0}")]
    ConnectionPoolError(#[from] ConnectionPoolError),
    /// Preparing failed on every node tried.
    #[error("preparing the statement failed on every node; first error: {first_attempt}")]
    AllAttemptsFailed {
        /// The error of the first attempt.
        first_attempt: RequestAttemptError,
    },
    /// Nodes returned different ids for the same statement.
    #[error("nodes returned different prepared statement ids for the same statement")]
    PreparedStatementIdsMismatch,
}

/// Fetching a page failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum NextPageError {
    /// The partition key of the statement could not be computed.
    #[error("failed to compute the partition key: {0}")]
    PartitionKeyError(#[from] PartitionKeyError),
    /// The request for the page failed.
    #[error("failed to fetch the page: {0}")]
    RequestFailure(#[from] RequestError),
    /// The rows do not match the requested row type.
    #[error("the rows do not match the requested row type: {0}")]
    TypeCheckError(#[from] TypeCheckError),
    /// The page's result metadata could not be parsed.
    #[error("failed to parse the page's result metadata: {0}")]
    ResultMetadataParseError(#[from] ResultMetadataAndRowsCountParseError),
}

/// Getting the next row of a pager failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum NextRowError {
    /// Fetching the next page failed.
    #[error("failed to fetch the next page: {0}")]
    NextPageError(#[from] NextPageError),
    /// The row could not be deserialized.
    #[error("failed to deserialize the row: {0}")]
    RowDeserializationError(#[from] DeserializationError),
}

// ---------------------------------------------------------------------------------------
// Sessions, keyspaces, schema agreement, tracing
// ---------------------------------------------------------------------------------------

/// Creating a session failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum NewSessionError {
    /// None of the known nodes' hostnames could be resolved.
    #[error("could not resolve any of the known nodes' hostnames: {0:?}")]
    FailedToResolveAnyHostname(Vec<String>),
    /// No known node was given.
    #[error("the list of known nodes is empty")]
    EmptyKnownNodesList,
    /// Fetching the cluster metadata failed.
    #[error("failed to fetch the cluster metadata: {0}")]
    MetadataError(#[from] MetadataError),
    /// The keyspace given to `use_keyspace` could not be used.
    #[error("'USE KEYSPACE' failed: {0}")]
    UseKeyspaceError(#[from] UseKeyspaceError),
    /// The configuration is invalid.
    #[error("invalid session configuration: {0}")]
    IllegalConfig(Box<str>),
}

/// Switching the session's keyspace failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum UseKeyspaceError {
    /// The keyspace name is not valid.
    #[error(transparent)]
    BadKeyspaceName(#[from] BadKeyspaceName),
    /// The `USE` request failed.
    #[error("the USE request failed: {0}")]
    RequestError(#[from] RequestAttemptError),
    /// The node answered with another keyspace than asked.
    #[error(
        "keyspace name mismatch: expected {expected_keyspace_name_lowercase:?}, the node set {result_keyspace_name_lowercase:?}"
    )]
    KeyspaceNameMismatch {
        /// The keyspace asked for, lower-cased.
        expected_keyspace_name_lowercase: String,
        /// The keyspace the node set, lower-cased.
        result_keyspace_name_lowercase: String,
    },
    /// The `USE` request timed out.
    #[error("the USE request timed out after {0:?}")]
    RequestTimeout(Duration),
}

/// An invalid keyspace name.
#[derive(Error, Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BadKeyspaceName {
    /// The name is empty.
    #[error("keyspace name is empty")]
    Empty,
    /// The name is longer than 48 characters.
    #[error("keyspace name is too long: {0:?} has {1} characters, the maximum is 48")]
    TooLong(String, usize),
    /// The name has a character other than letters, digits and `_`.
    #[error("illegal character {1:?} in keyspace name {0:?}")]
    IllegalCharacter(String, char),
}

/// Waiting for schema agreement failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum SchemaAgreementError {
    /// No connection was available.
    #[error("no connection available: {0}")]
    ConnectionPoolError(#[from] ConnectionPoolError),
    /// Reading a node's schema version failed.
    #[error("failed to read the schema version: {0}")]
    RequestError(#[from] RequestAttemptError),
    /// The schema version query did not return rows.
    #[error("the schema version query did not return rows: {0}")]
    TracesEventsIntoRowsResultError(#[from] IntoRowsResultError),
    /// The schema version query did not return exactly one row.
    #[error("the schema version query did not return exactly one row: {0}")]
    SingleRowError(#[from] SingleRowError),
    /// The nodes did not agree within the timeout.
    #[error("schema agreement was not reached within {0:?}")]
    Timeout(Duration),
    /// A host required to agree is not in the cluster.
    #[error("host {0} required for schema agreement is not part of the cluster")]
    RequiredHostAbsent(Uuid),
    /// Preparing the schema version query failed.
    #[error("failed to prepare the schema version query: {0}")]
    PrepareError(#[from] PrepareError),
}

/// Fetching tracing information failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum TracingError {
    /// A query of `system_traces` failed.
    #[error("failed to query system_traces: {0}")]
    ExecutionError(#[from] ExecutionError),
    /// Preparing a query of `system_traces` failed.
    #[error("failed to prepare the system_traces query: {0}")]
    PrepareError(#[from] PrepareError),
    /// The tracing session was not found (yet) after all attempts.
    #[error("tracing information not found: system_traces had no session for this id")]
    EmptyResults,
    /// `system_traces.sessions` did not return rows.
    #[error("system_traces.sessions did not return rows: {0}")]
    TracesSessionIntoRowsResultError(IntoRowsResultError),
    /// `system_traces.sessions` has unexpected column types.
    #[error("system_traces.sessions has unexpected column types: {0}")]
    TracesSessionInvalidColumnType(TypeCheckError),
    /// A `system_traces.sessions` row could not be deserialized.
    #[error("failed to deserialize a system_traces.sessions row: {0}")]
    TracesSessionDeserializationFailed(DeserializationError),
    /// `system_traces.events` did not return rows.
    #[error("system_traces.events did not return rows: {0}")]
    TracesEventsIntoRowsResultError(IntoRowsResultError),
    /// `system_traces.events` has unexpected column types.
    #[error("system_traces.events has unexpected column types: {0}")]
    TracesEventsInvalidColumnType(TypeCheckError),
    /// A `system_traces.events` row could not be deserialized.
    #[error("failed to deserialize a system_traces.events row: {0}")]
    TracesEventsDeserializationFailed(DeserializationError),
}

// ---------------------------------------------------------------------------------------
// Metadata
// ---------------------------------------------------------------------------------------

/// Fetching or interpreting cluster metadata failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum MetadataError {
    /// No connection was available.
    #[error("no connection available: {0}")]
    ConnectionPoolError(#[from] ConnectionPoolError),
    /// A metadata query failed.
    #[error("{0}")]
    FetchError(#[from] MetadataFetchError),
    /// `system.peers` / `system.local` were unusable.
    #[error("bad peers metadata: {0}")]
    Peers(#[from] PeersMetadataError),
    /// A keyspace's metadata was unusable.
    #[error("bad keyspace metadata: {0}")]
    Keyspaces(#[from] KeyspacesMetadataError),
    /// A user-defined type's metadata was unusable.
    #[error("bad user-defined type metadata: {0}")]
    Udts(#[from] UdtMetadataError),
    /// A table's metadata was unusable.
    #[error("bad table metadata: {0}")]
    Tables(#[from] TablesMetadataError),
    /// The client routes metadata was unusable.
    #[error("bad client routes metadata: {0}")]
    ClientRoutes(#[from] ClientRoutesMetadataError),
}

/// A metadata query failed.
#[derive(Error, Debug, Clone)]
#[error("failed to fetch metadata from {table}: {error}")]
#[non_exhaustive]
pub struct MetadataFetchError {
    /// What went wrong.
    pub error: MetadataFetchErrorKind,
    /// The system table queried.
    pub table: &'static str,
}

/// What went wrong in a metadata query.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum MetadataFetchErrorKind {
    /// The table's columns have unexpected types.
    #[error("unexpected column types: {0}")]
    InvalidColumnType(#[from] TypeCheckError),
    /// Preparing the query failed.
    #[error("failed to prepare the query: {0}")]
    PrepareError(#[from] RequestAttemptError),
    /// Serializing the query's values failed.
    #[error("failed to serialize the query's values: {0}")]
    SerializationError(#[from] SerializationError),
    /// Reading the rows failed.
    #[error("failed to read the rows: {0}")]
    NextRowError(#[from] NextRowError),
}

/// `system.peers` / `system.local` were unusable.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum PeersMetadataError {
    /// No peer at all (not even the local node).
    #[error("the peers list is empty")]
    EmptyPeers,
    /// No node has tokens.
    #[error("every node's token list is empty")]
    EmptyTokenLists,
}

/// A keyspace's metadata was unusable.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum KeyspacesMetadataError {
    /// Its replication strategy could not be understood.
    #[error("keyspace {keyspace:?} has a bad replication strategy: {error}")]
    Strategy {
        /// The keyspace.
        keyspace: String,
        /// What is wrong.
        error: KeyspaceStrategyError,
    },
}

/// A replication strategy definition could not be understood.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum KeyspaceStrategyError {
    /// The `class` option is missing.
    #[error("the replication map has no 'class'")]
    MissingClassForStrategyDefinition,
    /// SimpleStrategy without `replication_factor`.
    #[error("SimpleStrategy has no 'replication_factor'")]
    MissingReplicationFactorForSimpleStrategy,
    /// A replication factor is not a number.
    #[error("replication factor is not a number: {0}")]
    ReplicationFactorParseError(#[from] ParseIntError),
    /// A NetworkTopologyStrategy option that is not a datacenter replication factor.
    #[error("unexpected NetworkTopologyStrategy option {key:?} = {value:?}")]
    UnexpectedNetworkTopologyStrategyOption {
        /// The option.
        key: String,
        /// Its value.
        value: String,
    },
}

/// A user-defined type's metadata was unusable.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum UdtMetadataError {
    /// A field type string could not be parsed.
    #[error("invalid CQL type {typ:?} at position {position}: {reason}")]
    InvalidCqlType {
        /// The type string.
        typ: String,
        /// Where parsing failed.
        position: usize,
        /// Why.
        reason: String,
    },
    /// User-defined types refer to each other in a cycle.
    #[error("user-defined types refer to each other in a cycle")]
    CircularTypeDependency,
}

/// A table's metadata was unusable.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum TablesMetadataError {
    /// A column type string could not be parsed.
    #[error("invalid CQL type {typ:?} at position {position}: {reason}")]
    InvalidCqlType {
        /// The type string.
        typ: String,
        /// Where parsing failed.
        position: usize,
        /// Why.
        reason: String,
    },
    /// A column kind is not one of partition_key, clustering, static, regular.
    #[error(
        "unknown column kind {column_kind:?} of column {keyspace_name}.{table_name}.{column_name}"
    )]
    UnknownColumnKind {
        /// The keyspace.
        keyspace_name: String,
        /// The table.
        table_name: String,
        /// The column.
        column_name: String,
        /// The kind found.
        column_kind: String,
    },
}

/// The client routes metadata was unusable.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum ClientRoutesMetadataError {
    /// A port outside 1..=65535.
    #[error("invalid {} port {port} in system.client_routes", if *is_tls { "TLS" } else { "plain" })]
    InvalidPortValue {
        /// The port.
        port: i32,
        /// Whether it was the TLS port.
        is_tls: bool,
    },
}

/// Computing a token from the cluster state failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum ClusterStateTokenError {
    /// The token could not be computed from the key.
    #[error("failed to compute the token: {0}")]
    TokenCalculation(#[from] TokenCalculationError),
    /// The key values could not be serialized.
    #[error("failed to serialize the partition key: {0}")]
    Serialization(#[from] SerializationError),
    /// The table is not in the cluster metadata.
    #[error("unknown table {keyspace}.{table}")]
    UnknownTable {
        /// The keyspace.
        keyspace: String,
        /// The table.
        table: String,
    },
}

// ---------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------

/// No connection to a node was available.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum ConnectionPoolError {
    /// Every connection is broken; the pool is reconnecting.
    #[error("the pool is broken; last connection error: {last_connection_error}")]
    Broken {
        /// Why the last connection attempt failed.
        last_connection_error: ConnectionError,
    },
    /// The pool is still opening its first connections.
    #[error("the pool is still being initialized")]
    Initializing,
    /// The node is excluded by the host filter.
    #[error("the node is disabled by the host filter")]
    NodeDisabledByHostFilter,
}

/// Opening a connection failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum ConnectionError {
    /// The TCP (or TLS) connection was not established in time.
    #[error("connect timeout elapsed")]
    ConnectTimeout,
    /// An I/O error.
    #[error("I/O error: {0}")]
    IoError(Arc<std::io::Error>),
    /// No free local port maps to the wanted shard.
    #[error("could not find a free source port for shard {0}")]
    NoSourcePortForShard(u32),
    /// Translating the node's address failed.
    #[error("address translation failed: {0}")]
    TranslationError(#[from] TranslationError),
    /// The connection broke during setup.
    #[error("{0}")]
    BrokenConnection(#[from] BrokenConnectionError),
    /// A setup request (OPTIONS, STARTUP, auth, REGISTER) failed.
    #[error("{0}")]
    ConnectionSetupRequestError(#[from] ConnectionSetupRequestError),
    /// Switching the new connection to the session's keyspace failed.
    #[error("failed to switch the connection to the session's keyspace: {0}")]
    UseKeyspaceError(#[from] UseKeyspaceError),
}

impl From<std::io::Error> for ConnectionError {
    fn from(e: std::io::Error) -> Self {
        ConnectionError::IoError(Arc::new(e))
    }
}

impl ConnectionError {
    /// Whether the error means the local address/port was unavailable (so another
    /// source port may be tried).
    pub fn is_address_unavailable_for_use(&self) -> bool {
        matches!(self, ConnectionError::IoError(e)
            if matches!(e.kind(), std::io::ErrorKind::AddrInUse | std::io::ErrorKind::AddrNotAvailable))
    }
}

/// A connection setup request failed.
#[derive(Error, Debug, Clone)]
#[error("failed to perform a connection setup request ({request_kind}): {error}")]
#[non_exhaustive]
pub struct ConnectionSetupRequestError {
    /// The request that failed.
    pub request_kind: CqlRequestKind,
    /// What went wrong.
    pub error: ConnectionSetupRequestErrorKind,
}

impl ConnectionSetupRequestError {
    /// A new error.
    pub fn new(request_kind: CqlRequestKind, error: ConnectionSetupRequestErrorKind) -> Self {
        Self {
            request_kind,
            error,
        }
    }

    /// What went wrong.
    pub fn get_error(&self) -> &ConnectionSetupRequestErrorKind {
        &self.error
    }
}

/// What went wrong in a connection setup request.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum ConnectionSetupRequestErrorKind {
    /// The request could not be serialized.
    #[error("failed to serialize the request: {0}")]
    CqlRequestSerialization(#[from] CqlRequestSerializationError),
    /// The response's body extensions could not be parsed.
    #[error("failed to parse body extensions: {0}")]
    BodyExtensionsParseError(#[from] FrameBodyExtensionsParseError),
    /// No stream id was free.
    #[error("unable to allocate a stream id")]
    UnableToAllocStreamId,
    /// The connection broke.
    #[error("{0}")]
    BrokenConnection(#[from] BrokenConnectionError),
    /// The node answered with an error.
    #[error("database returned an error: {0}, error message: {1}")]
    DbError(DbError, String),
    /// The node answered with a response of the wrong kind.
    #[error("received unexpected response from the server: {0}")]
    UnexpectedResponse(CqlResponseKind),
    /// SUPPORTED could not be parsed.
    #[error("failed to parse SUPPORTED: {0}")]
    CqlSupportedParseError(#[from] CqlSupportedParseError),
    /// AUTHENTICATE could not be parsed.
    #[error("failed to parse AUTHENTICATE: {0}")]
    CqlAuthenticateParseError(#[from] CqlAuthenticateParseError),
    /// AUTH_CHALLENGE could not be parsed.
    #[error("failed to parse AUTH_CHALLENGE: {0}")]
    CqlAuthChallengeParseError(#[from] CqlAuthChallengeParseError),
    /// AUTH_SUCCESS could not be parsed.
    #[error("failed to parse AUTH_SUCCESS: {0}")]
    CqlAuthSuccessParseError(#[from] CqlAuthSuccessParseError),
    /// ERROR could not be parsed.
    #[error("failed to parse ERROR: {0}")]
    CqlErrorParseError(#[from] CqlErrorParseError),
    /// Starting the authentication session failed.
    #[error("failed to start the authentication session: {0}")]
    StartAuthSessionError(AuthError),
    /// Evaluating an authentication challenge failed.
    #[error("failed to evaluate the authentication challenge: {0}")]
    AuthChallengeEvaluationError(AuthError),
    /// Finishing authentication failed.
    #[error("failed to finish authentication: {0}")]
    AuthFinishError(AuthError),
    /// The node requires authentication and no authenticator was configured.
    #[error(
        "the node requires authentication, but no authenticator was configured (use SessionBuilder::user or authenticator_provider)"
    )]
    MissingAuthentication,
}

impl From<scylla_cql::frame::response::error::Error> for ConnectionSetupRequestErrorKind {
    fn from(e: scylla_cql::frame::response::error::Error) -> Self {
        ConnectionSetupRequestErrorKind::DbError(e.error, e.reason)
    }
}

/// A connection broke. Opaque: downcast to [`BrokenConnectionErrorKind`] or to the
/// error that caused it.
#[derive(Error, Debug, Clone)]
#[error("connection broken: {0}")]
pub struct BrokenConnectionError(Arc<dyn Error + Sync + Send>);

impl BrokenConnectionError {
    /// The inner error, if it is a `T`.
    pub fn downcast_ref<T: Error + 'static>(&self) -> Option<&T> {
        self.0.downcast_ref::<T>()
    }
}

impl From<BrokenConnectionErrorKind> for BrokenConnectionError {
    fn from(value: BrokenConnectionErrorKind) -> Self {
        BrokenConnectionError(Arc::new(value))
    }
}

/// Why a connection broke.
#[derive(Error, Debug)]
#[non_exhaustive]
pub enum BrokenConnectionErrorKind {
    /// A frame header from the node could not be parsed.
    #[error("failed to parse a frame header: {0}")]
    FrameHeaderParseError(FrameHeaderParseError),
    /// The node did not answer a keepalive in time.
    #[error("node {0} did not answer a keepalive request in time")]
    KeepaliveTimeout(IpAddr),
    /// A keepalive request failed.
    #[error("keepalive request failed: {0}")]
    KeepaliveRequestError(Arc<dyn Error + Sync + Send>),
    /// The connection's internal channel closed.
    #[error("the connection's internal channel closed")]
    ChannelError,
    /// A response arrived on a stream with no request.
    #[error("received a response on unexpected stream id {0}")]
    UnexpectedStreamId(i16),
    /// Too many requests were abandoned without their responses arriving.
    #[error("too many orphaned stream ids: {0}")]
    TooManyOrphanedStreamIds(u16),
    /// Writing to the socket failed.
    #[error("failed to write to the socket: {0}")]
    WriteError(std::io::Error),
    /// An event from the node could not be handled.
    #[error("failed to handle a server event: {0}")]
    CqlEventHandlingError(#[from] CqlEventHandlingError),
}

/// An event from the node could not be handled.
#[derive(Error, Debug)]
#[non_exhaustive]
pub enum CqlEventHandlingError {
    /// The event could not be parsed.
    #[error("failed to parse the event: {0}")]
    CqlEventParseError(#[from] CqlEventParseError),
    /// A frame on the event stream was not an EVENT.
    #[error("received {0} on the event stream; expected EVENT")]
    UnexpectedResponse(CqlResponseKind),
    /// The event's body extensions could not be parsed.
    #[error("failed to parse the event's body extensions: {0}")]
    BodyExtensionParseError(#[from] FrameBodyExtensionsParseError),
    /// The event could not be passed on.
    #[error("failed to pass the event on: the receiver is gone")]
    SendError,
}

/// Translating a node's address failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum TranslationError {
    /// No translation rule for this address.
    #[error("no translation rule for address {0}")]
    NoRuleForAddress(SocketAddr),
    /// No translation rule for this host.
    #[error("no translation rule for host {0}")]
    NoRuleForHost(Uuid),
    /// The rule for this host has no port.
    #[error("the translation rule for host {0} has no port")]
    MissingPortForHost(Uuid),
    /// A rule's address could not be parsed.
    #[error("invalid address {translated_addr_str:?} in a translation rule: {reason}")]
    InvalidAddressInRule {
        /// The address string.
        translated_addr_str: &'static str,
        /// Why it is invalid.
        reason: AddrParseError,
    },
    /// An I/O error.
    #[error("I/O error during translation: {0}")]
    IoError(Arc<std::io::Error>),
    /// A DNS lookup failed.
    #[error("DNS lookup failed: {0}")]
    DnsLookupFailed(#[from] DnsLookupError),
    /// A custom translator failed.
    #[error("custom translation failed: {0}")]
    Custom(#[from] CustomTranslationError),
}

/// A DNS lookup failed.
#[derive(Error, Debug, Clone)]
#[non_exhaustive]
pub enum DnsLookupError {
    /// The host resolved to no address.
    #[error("host {0} resolved to no address")]
    EmptyAddressListForHost(Box<str>),
    /// An I/O error.
    #[error("I/O error: {0}")]
    IoError(Arc<std::io::Error>),
    /// The lookup took longer than the limit (milliseconds).
    #[error("DNS lookup timed out after {0} ms")]
    Timeout(u128),
}

/// An error from a user's address translator.
#[derive(Error, Debug, Clone)]
#[error(transparent)]
pub struct CustomTranslationError(Arc<dyn Error + Sync + Send>);

impl CustomTranslationError {
    /// Wraps any error.
    pub fn new(err: impl Error + Sync + Send + 'static) -> Self {
        Self(Arc::new(err))
    }

    /// The inner error, if it is a `T`.
    pub fn downcast_ref<T: Error + 'static>(&self) -> Option<&T> {
        self.0.downcast_ref::<T>()
    }
}

/// A TLS setup error.
#[derive(Error, Debug)]
#[non_exhaustive]
pub enum TlsError {
    /// The server name is not a valid DNS name.
    #[cfg(feature = "rustls-023")]
    #[error("invalid server name: {0}")]
    InvalidName(#[from] rustls_pki_types::InvalidDnsNameError),
    /// A PEM file could not be parsed.
    #[cfg(feature = "rustls-023")]
    #[error("failed to parse PEM: {0}")]
    PemParse(#[from] rustls_pki_types::pem::Error),
    /// A rustls error.
    #[cfg(feature = "rustls-023")]
    #[error("rustls error: {0}")]
    Rustls023(#[from] rustls::Error),
    /// An OpenSSL error.
    #[cfg(feature = "openssl-010")]
    #[error("OpenSSL error: {0}")]
    OpenSsl010(#[from] openssl::error::ErrorStack),
}

impl From<TlsError> for std::io::Error {
    fn from(e: TlsError) -> Self {
        std::io::Error::other(e)
    }
}
