//! Errors of parsing (and building) response messages.
//!
//! Each error says which part of which message failed; the lowest level is a
//! [`LowLevelDeserializationError`] that says what was wrong with the bytes. These
//! types are re-exported from [`crate::frame::frame_errors`].

use std::sync::Arc;

use crate::frame::frame_errors::LowLevelDeserializationError;
use crate::frame::types::LengthOverflow;
use crate::utils::parse::ParseErrorCause;

use super::CqlResponseKind;

/// A response body could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CqlResponseParseError {
    /// An ERROR body.
    #[error("failed to parse an ERROR response: {0}")]
    CqlErrorParseError(#[from] CqlErrorParseError),
    /// An AUTH_CHALLENGE body.
    #[error("failed to parse an AUTH_CHALLENGE response: {0}")]
    CqlAuthChallengeParseError(#[from] CqlAuthChallengeParseError),
    /// An AUTH_SUCCESS body.
    #[error("failed to parse an AUTH_SUCCESS response: {0}")]
    CqlAuthSuccessParseError(#[from] CqlAuthSuccessParseError),
    /// An AUTHENTICATE body.
    #[error("failed to parse an AUTHENTICATE response: {0}")]
    CqlAuthenticateParseError(#[from] CqlAuthenticateParseError),
    /// A SUPPORTED body.
    #[error("failed to parse a SUPPORTED response: {0}")]
    CqlSupportedParseError(#[from] CqlSupportedParseError),
    /// An EVENT body.
    #[error("failed to parse an EVENT response: {0}")]
    CqlEventParseError(#[from] CqlEventParseError),
    /// A RESULT body.
    #[error("failed to parse a RESULT response: {0}")]
    CqlResultParseError(#[from] CqlResultParseError),
}

impl CqlResponseParseError {
    /// The kind of response that failed to parse.
    pub fn to_response_kind(&self) -> CqlResponseKind {
        match self {
            CqlResponseParseError::CqlErrorParseError(_) => CqlResponseKind::Error,
            CqlResponseParseError::CqlAuthChallengeParseError(_) => CqlResponseKind::AuthChallenge,
            CqlResponseParseError::CqlAuthSuccessParseError(_) => CqlResponseKind::AuthSuccess,
            CqlResponseParseError::CqlAuthenticateParseError(_) => CqlResponseKind::Authenticate,
            CqlResponseParseError::CqlSupportedParseError(_) => CqlResponseKind::Supported,
            CqlResponseParseError::CqlEventParseError(_) => CqlResponseKind::Event,
            CqlResponseParseError::CqlResultParseError(_) => CqlResponseKind::Result,
        }
    }
}

/// An ERROR body could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CqlErrorParseError {
    /// The error code.
    #[error("malformed error code: {0}")]
    ErrorCodeParseError(LowLevelDeserializationError),
    /// The error message.
    #[error("malformed error reason: {0}")]
    ReasonParseError(LowLevelDeserializationError),
    /// One of the extra fields of a specific error.
    #[error("malformed field {field} of error {db_error}: {err}")]
    MalformedErrorField {
        /// The error's protocol name (`WRITE_TIMEOUT`).
        db_error: &'static str,
        /// The field's name (`WRITE_TYPE`).
        field: &'static str,
        /// What was wrong.
        err: LowLevelDeserializationError,
    },
}

/// An AUTH_CHALLENGE body could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CqlAuthChallengeParseError {
    /// The challenge token.
    #[error("malformed authenticate message: {0}")]
    AuthMessageParseError(LowLevelDeserializationError),
}

/// An AUTH_SUCCESS body could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CqlAuthSuccessParseError {
    /// The final token.
    #[error("malformed success message: {0}")]
    SuccessMessageParseError(LowLevelDeserializationError),
}

/// An AUTHENTICATE body could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CqlAuthenticateParseError {
    /// The authenticator class name.
    #[error("malformed authenticator name: {0}")]
    AuthNameParseError(LowLevelDeserializationError),
}

/// A SUPPORTED body could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CqlSupportedParseError {
    /// The `[string multimap]` of options.
    #[error("malformed options map: {0}")]
    OptionsMapDeserialization(LowLevelDeserializationError),
}

/// An EVENT body could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CqlEventParseError {
    /// The event type string.
    #[error("malformed event type: {0}")]
    EventTypeParseError(LowLevelDeserializationError),
    /// An event type this crate does not know.
    #[error("unknown event type {0:?}")]
    UnknownEventType(String),
    /// A SCHEMA_CHANGE event.
    #[error("malformed SCHEMA_CHANGE event: {0}")]
    SchemaChangeEventParseError(#[from] SchemaChangeEventParseError),
    /// A TOPOLOGY_CHANGE event.
    #[error("malformed TOPOLOGY_CHANGE event: {0}")]
    TopologyChangeEventParseError(ClusterChangeEventParseError),
    /// A STATUS_CHANGE event.
    #[error("malformed STATUS_CHANGE event: {0}")]
    StatusChangeEventParseError(ClusterChangeEventParseError),
    /// A CLIENT_ROUTES_CHANGE event.
    #[error("malformed CLIENT_ROUTES_CHANGE event: {0}")]
    ClientRoutesChangeEventParseError(#[from] ClientRoutesChangeEventParseError),
}

/// A TOPOLOGY_CHANGE or STATUS_CHANGE event could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterChangeEventParseError {
    /// The change type string.
    #[error("malformed type of change: {0}")]
    TypeOfChangeParseError(LowLevelDeserializationError),
    /// A change type that is not defined for this event.
    #[error("unknown type of change {0:?}")]
    UnknownTypeOfChange(String),
    /// The node's `[inet]`.
    #[error("malformed node address: {0}")]
    NodeAddressParseError(LowLevelDeserializationError),
}

/// A SCHEMA_CHANGE event (or Schema_change result) could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaChangeEventParseError {
    /// The change type (`CREATED`, ...).
    #[error("malformed type of change: {0}")]
    TypeOfChangeParseError(LowLevelDeserializationError),
    /// The target (`KEYSPACE`, `TABLE`, ...).
    #[error("malformed target type: {0}")]
    TargetTypeParseError(LowLevelDeserializationError),
    /// The keyspace name.
    #[error("malformed affected keyspace name: {0}")]
    AffectedKeyspaceParseError(LowLevelDeserializationError),
    /// The table or type name.
    #[error("malformed affected table or type name: {0}")]
    AffectedTableNameParseError(LowLevelDeserializationError),
    /// The function or aggregate name.
    #[error("malformed affected function or aggregate name: {0}")]
    AffectedTargetNameParseError(LowLevelDeserializationError),
    /// The number of argument types.
    #[error("malformed argument count: {0}")]
    ArgumentCountParseError(LowLevelDeserializationError),
    /// One argument type.
    #[error("malformed function argument: {0}")]
    FunctionArgumentParseError(LowLevelDeserializationError),
    /// A target this crate does not know.
    #[error("unknown target of schema change {0:?}")]
    UnknownTargetOfSchemaChange(String),
}

/// A CLIENT_ROUTES_CHANGE event could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ClientRoutesChangeEventParseError {
    /// The change type string.
    #[error("malformed type of change: {0}")]
    TypeOfChangeParseError(LowLevelDeserializationError),
    /// A change type other than `UPDATE_NODES`.
    #[error("unknown type of change {0:?}")]
    UnknownTypeOfChange(String),
    /// The connection id list.
    #[error("malformed connection ids: {0}")]
    ConnectionIdsParseError(LowLevelDeserializationError),
    /// The host id list.
    #[error("malformed host ids: {0}")]
    HostIdsParseError(LowLevelDeserializationError),
    /// A host id that is not a UUID.
    #[error("host id is not a UUID: {0}")]
    HostIdsUuidParseError(#[from] uuid::Error),
    /// The two lists have different lengths.
    #[error(
        "{connection_ids_count} connection ids but {host_ids_count} host ids: the lists must pair up"
    )]
    ConnectionHostIdsLengthMismatch {
        /// Entries in the connection id list.
        connection_ids_count: usize,
        /// Entries in the host id list.
        host_ids_count: usize,
    },
}

/// A RESULT body could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CqlResultParseError {
    /// The result kind `[int]`.
    #[error("malformed result kind: {0}")]
    ResultIdParseError(LowLevelDeserializationError),
    /// A result kind that is not 1..=5.
    #[error("unknown result kind {0}")]
    UnknownResultId(i32),
    /// A Set_keyspace result.
    #[error("malformed Set_keyspace result: {0}")]
    SetKeyspaceParseError(#[from] SetKeyspaceParseError),
    /// A Schema_change result.
    #[error("malformed Schema_change result: {0}")]
    SchemaChangeParseError(#[from] SchemaChangeEventParseError),
    /// The metadata or the row count of a Rows result.
    #[error("malformed Rows result metadata: {0}")]
    ResultMetadataParseError(#[from] ResultMetadataAndRowsCountParseError),
    /// A Prepared result.
    #[error("malformed Prepared result: {0}")]
    PreparedParseError(#[from] PreparedParseError),
    /// The eagerly parsed head of a Rows result (flags, column count, paging state).
    #[error("malformed Rows result: {0}")]
    RawRowsParseError(#[from] RawRowsAndPagingStateResponseParseError),
}

/// A Set_keyspace result could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum SetKeyspaceParseError {
    /// The keyspace name.
    #[error("malformed keyspace name: {0}")]
    MalformedKeyspaceName(#[from] LowLevelDeserializationError),
}

/// A table spec (keyspace and table name) could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TableSpecParseError {
    /// The keyspace name.
    #[error("malformed keyspace name: {0}")]
    MalformedKeyspaceName(LowLevelDeserializationError),
    /// The table name.
    #[error("malformed table name: {0}")]
    MalformedTableName(LowLevelDeserializationError),
}

/// The spec of one column could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("column spec {column_index}: {kind}")]
#[non_exhaustive]
pub struct ColumnSpecParseError {
    /// The index of the column whose spec failed.
    pub column_index: usize,
    /// What failed.
    pub kind: ColumnSpecParseErrorKind,
}

impl ColumnSpecParseError {
    /// An error for the column at `column_index`.
    pub fn new(column_index: usize, kind: ColumnSpecParseErrorKind) -> Self {
        Self { column_index, kind }
    }
}

/// What part of a column spec could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ColumnSpecParseErrorKind {
    /// The per-column table spec.
    #[error(transparent)]
    TableSpecParseError(#[from] TableSpecParseError),
    /// The column name.
    #[error("malformed column name: {0}")]
    ColumnNameParseError(#[from] LowLevelDeserializationError),
    /// The column type.
    #[error("malformed column type: {0}")]
    ColumnTypeParseError(#[from] CqlTypeParseError),
}

/// A column type `[option]` could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CqlTypeParseError {
    /// The option id.
    #[error("malformed type id: {0}")]
    TypeIdParseError(LowLevelDeserializationError),
    /// An option id this crate does not know.
    #[error("type id {0:#06x} is not a known CQL type")]
    TypeNotImplemented(u16),
    /// The class name of a custom type.
    #[error("malformed custom type name: {0}")]
    CustomTypeNameParseError(LowLevelDeserializationError),
    /// The class name of a custom type is not a valid type expression.
    #[error("invalid custom type class name: {0}")]
    CustomTypeParseError(#[from] CustomTypeParseError),
    /// A custom type this crate cannot represent.
    #[error("custom type {0:?} is not supported")]
    CustomTypeUnsupported(String),
    /// A UDT's keyspace name.
    #[error("malformed UDT keyspace name: {0}")]
    UdtKeyspaceNameParseError(LowLevelDeserializationError),
    /// A UDT's name.
    #[error("malformed UDT name: {0}")]
    UdtNameParseError(LowLevelDeserializationError),
    /// A UDT's field count.
    #[error("malformed UDT field count: {0}")]
    UdtFieldsCountParseError(LowLevelDeserializationError),
    /// A UDT field's name.
    #[error("malformed UDT field name: {0}")]
    UdtFieldNameParseError(LowLevelDeserializationError),
    /// A tuple's element count.
    #[error("malformed tuple length: {0}")]
    TupleLengthParseError(LowLevelDeserializationError),
    /// Types nested deeper than this crate accepts.
    #[error("type is nested deeper than the limit of {max_depth} levels")]
    TypeNestingTooDeep {
        /// The nesting limit.
        max_depth: usize,
    },
}

/// A Cassandra marshal class name (`org.apache.cassandra.db.marshal.MapType(...)`)
/// could not be parsed.
///
/// The parser returns [`CustomTypeParseError::AtPosition`], which wraps one of the
/// other variants with the byte offset and the input; [`kind`](Self::kind) and
/// [`position`](Self::position) look through it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CustomTypeParseError {
    /// A hex-encoded name (in `UserType`) is not valid hex.
    #[error("{0:?} is not a valid hex string")]
    BadHexString(String),
    /// An integer parameter (the dimension of `VectorType`) is invalid.
    #[error("invalid integer parameter: {0}")]
    IntegerParseError(ParseErrorCause),
    /// A type got the wrong number of parameters.
    #[error("expected {expected} type parameters, got {actual}")]
    InvalidParameterCount {
        /// How many the type takes.
        expected: usize,
        /// How many were given.
        actual: usize,
    },
    /// A hex-decoded name is not UTF-8.
    #[error("hex-decoded name is not valid UTF-8: {0:?}")]
    InvalidUtf8(Vec<u8>),
    /// An unexpected character: (found, expected).
    #[error("expected {1:?}, found {0:?}")]
    UnexpectedCharacter(char, char),
    /// The input ended early.
    #[error("unexpected end of input")]
    UnexpectedEndOfInput,
    /// An unknown parameterized class (only from the strict parser).
    #[error("unknown parameterized type {0:?}")]
    UnknownComplexCustomTypeName(String),
    /// An unknown simple class (only from the strict parser).
    #[error("unknown type {0:?}")]
    UnknownSimpleCustomTypeName(String),
    /// A type name was expected but something else was found.
    #[error("expected a type name, found {0:?}")]
    ExpectedTypeName(String),
    /// Types nested deeper than this crate accepts.
    #[error("type is nested deeper than the limit of {max_depth} levels")]
    TooDeeplyNested {
        /// The nesting limit.
        max_depth: usize,
    },
    /// One of the other errors, at a byte offset of the input.
    #[error("{error} at byte {position} of {input:?}")]
    AtPosition {
        /// The whole class name that was parsed.
        input: String,
        /// The byte offset where the error was found.
        position: usize,
        /// What was wrong.
        error: Box<CustomTypeParseError>,
    },
}

impl CustomTypeParseError {
    /// The error without its position.
    pub fn kind(&self) -> &CustomTypeParseError {
        match self {
            CustomTypeParseError::AtPosition { error, .. } => error.kind(),
            other => other,
        }
    }

    /// The byte offset of the error in the input, if known.
    pub fn position(&self) -> Option<usize> {
        match self {
            CustomTypeParseError::AtPosition { position, .. } => Some(*position),
            _ => None,
        }
    }
}

/// A CQL type string (`frozen<map<text, list<int>>>`) could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid CQL type {input:?} at byte {position}: {kind}")]
#[non_exhaustive]
pub struct CqlTypeStringParseError {
    /// The whole type string.
    pub input: String,
    /// The byte offset where the error was found.
    pub position: usize,
    /// What was wrong.
    pub kind: CqlTypeStringParseErrorKind,
}

/// What was wrong with a CQL type string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CqlTypeStringParseErrorKind {
    /// The input ended early.
    #[error("unexpected end of input, expected {expected}")]
    UnexpectedEnd {
        /// What was expected.
        expected: &'static str,
    },
    /// Something other than what the grammar allows here.
    #[error("expected {expected}, found {found:?}")]
    UnexpectedToken {
        /// What was found.
        found: String,
        /// What was expected.
        expected: &'static str,
    },
    /// Input left after a complete type.
    #[error("unexpected trailing input {0:?}")]
    TrailingInput(String),
    /// A `"quoted name"` or `'string'` without its closing quote.
    #[error("unterminated quoted string")]
    UnterminatedQuote,
    /// A quoted name with nothing inside.
    #[error("empty quoted name")]
    EmptyQuotedName,
    /// A type took the wrong number of parameters.
    #[error("{type_name} takes {expected} type parameters, got {actual}")]
    WrongParameterCount {
        /// The type (`map`).
        type_name: &'static str,
        /// How many it takes (for `tuple`: at least this many).
        expected: usize,
        /// How many were given.
        actual: usize,
    },
    /// `frozen<...>` around a type that cannot be frozen.
    #[error("frozen<> is only allowed on collections, tuples and user-defined types, not {0}")]
    InvalidFrozen(String),
    /// A vector dimension that is not an integer in 1..=65535.
    #[error("invalid vector dimension {0:?}: expected an integer from 1 to 65535")]
    InvalidVectorDimension(String),
    /// A name that is neither a CQL type nor a known user-defined type.
    #[error("unknown type {name:?}{}", keyspace.as_ref().map(|k| format!(" in keyspace {k:?}")).unwrap_or_default())]
    UnknownUserDefinedType {
        /// The keyspace it was qualified with, if any.
        keyspace: Option<String>,
        /// The name.
        name: String,
    },
    /// A custom type's class name is invalid.
    #[error("invalid custom type class name: {0}")]
    InvalidCustomType(CustomTypeParseError),
    /// Types nested deeper than this crate accepts.
    #[error("type is nested deeper than the limit of {max_depth} levels")]
    TooDeeplyNested {
        /// The nesting limit.
        max_depth: usize,
    },
}

/// The bind-marker metadata of a Prepared result could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum PreparedMetadataParseError {
    /// The flags.
    #[error("malformed flags: {0}")]
    FlagsParseError(LowLevelDeserializationError),
    /// The column count.
    #[error("malformed column count: {0}")]
    ColumnCountParseError(LowLevelDeserializationError),
    /// The partition key count.
    #[error("malformed partition key count: {0}")]
    PkCountParseError(LowLevelDeserializationError),
    /// One partition key index.
    #[error("malformed partition key index: {0}")]
    PkIndexParseError(LowLevelDeserializationError),
    /// A partition key index that names no bind marker.
    #[error("partition key index {index} is out of range for {col_count} bind markers")]
    PkIndexOutOfRange {
        /// The index that was received.
        index: u16,
        /// The number of bind markers.
        col_count: usize,
    },
    /// The global table spec.
    #[error("malformed global table spec: {0}")]
    GlobalTableSpecParseError(#[from] TableSpecParseError),
    /// A column spec.
    #[error("malformed column spec: {0}")]
    ColumnSpecParseError(#[from] ColumnSpecParseError),
}

/// A Prepared result could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum PreparedParseError {
    /// The length of the statement id.
    #[error("malformed prepared statement id length: {0}")]
    IdLengthParseError(LowLevelDeserializationError),
    /// The statement id.
    #[error("malformed prepared statement id: {0}")]
    IdParseError(LowLevelDeserializationError),
    /// The result metadata id (SCYLLA_USE_METADATA_ID).
    #[error("malformed result metadata id: {0}")]
    ResultMetadataIdParseError(LowLevelDeserializationError),
    /// The bind-marker metadata.
    #[error("malformed prepared metadata: {0}")]
    PreparedMetadataParseError(#[from] PreparedMetadataParseError),
    /// The result metadata.
    #[error("malformed result metadata: {0}")]
    ResultMetadataParseError(#[from] ResultMetadataParseError),
    /// The result metadata of a Prepared result had a paging state.
    #[error("the result metadata of a Prepared result carries a paging state ({} bytes)", .0.len())]
    NonZeroPagingState(Arc<[u8]>),
}

/// Result metadata could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ResultMetadataParseError {
    /// The flags.
    #[error("malformed flags: {0}")]
    FlagsParseError(LowLevelDeserializationError),
    /// The column count.
    #[error("malformed column count: {0}")]
    ColumnCountParseError(LowLevelDeserializationError),
    /// The paging state.
    #[error("malformed paging state: {0}")]
    PagingStateParseError(LowLevelDeserializationError),
    /// The new metadata id (Metadata_changed).
    #[error("malformed new metadata id: {0}")]
    NewMetadataIdParseError(LowLevelDeserializationError),
    /// Metadata_changed together with No_metadata.
    #[error("a new metadata id was sent together with the No_metadata flag")]
    IdPresentForEmptyMetadata,
    /// The global table spec.
    #[error("malformed global table spec: {0}")]
    GlobalTableSpecParseError(#[from] TableSpecParseError),
    /// A column spec.
    #[error("malformed column spec: {0}")]
    ColumnSpecParseError(#[from] ColumnSpecParseError),
    /// The server skipped the metadata (No_metadata) but the caller had none cached.
    #[error(
        "the server sent no metadata (No_metadata flag) and no cached metadata was given to read the rows with"
    )]
    MissingCachedMetadata,
    /// The cached metadata has a different number of columns than the result.
    #[error("the result has {received} columns but the cached metadata has {cached}")]
    CachedMetadataColumnCountMismatch {
        /// Columns of the cached metadata.
        cached: usize,
        /// Columns announced by the result.
        received: usize,
    },
}

/// The metadata or the row count of a Rows result could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ResultMetadataAndRowsCountParseError {
    /// The metadata.
    #[error("malformed result metadata: {0}")]
    ResultMetadataParseError(#[from] ResultMetadataParseError),
    /// The row count.
    #[error("malformed rows count: {0}")]
    RowsCountParseError(LowLevelDeserializationError),
    /// More rows announced than the body can hold (each cell takes at least 4 bytes).
    #[error(
        "{rows_count} rows of {col_count} columns cannot fit in the {remaining_bytes} remaining bytes"
    )]
    RowsCountTooLarge {
        /// The announced row count.
        rows_count: usize,
        /// Columns per row.
        col_count: usize,
        /// Bytes left for the rows.
        remaining_bytes: usize,
    },
    /// Rows announced for a result without columns. Such rows take no bytes, so their
    /// count could not be checked against the body: a bogus count would make
    /// consumers iterate (or allocate for) billions of empty rows.
    #[error("{rows_count} rows announced for a result with no columns")]
    RowsWithoutColumns {
        /// The announced row count.
        rows_count: usize,
    },
}

/// The head of a Rows result (flags, column count, paging state) could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RawRowsAndPagingStateResponseParseError {
    /// The flags.
    #[error("malformed flags: {0}")]
    FlagsParseError(LowLevelDeserializationError),
    /// The column count.
    #[error("malformed column count: {0}")]
    ColumnCountParseError(LowLevelDeserializationError),
    /// The paging state.
    #[error("malformed paging state: {0}")]
    PagingStateParseError(LowLevelDeserializationError),
    /// The new metadata id (Metadata_changed).
    #[error("malformed new metadata id: {0}")]
    NewMetadataIdParseError(LowLevelDeserializationError),
    /// Metadata_changed together with No_metadata.
    #[error("a new metadata id was sent together with the No_metadata flag")]
    IdPresentForEmptyMetadata,
}

/// ScyllaDB's sharding options in a SUPPORTED message are malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShardingInfoParseError {
    /// Some sharding keys are present but this one is missing.
    #[error("SUPPORTED has ScyllaDB sharding options but lacks {0}")]
    MissingKey(&'static str),
    /// A key that must have exactly one value has none or several.
    #[error("{key} must have exactly one value, it has {count}")]
    NotSingleValue {
        /// The key.
        key: &'static str,
        /// How many values it has.
        count: usize,
    },
    /// A value that is not a valid number for its key.
    #[error("{key} has invalid value {value:?}: {reason}")]
    InvalidValue {
        /// The key.
        key: &'static str,
        /// The value as received.
        value: String,
        /// Why it is invalid.
        reason: &'static str,
    },
    /// The connection's shard is not below the shard count.
    #[error("shard {shard} is out of range for {nr_shards} shards")]
    ShardOutOfRange {
        /// `SCYLLA_SHARD`.
        shard: u16,
        /// `SCYLLA_NR_SHARDS`.
        nr_shards: u16,
    },
}

/// The `tablets-routing-v1` custom payload could not be parsed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum TabletsRoutingV1ParseError {
    /// A field of the tuple, or the framing of a list element.
    #[error("malformed {field}: {err}")]
    Malformed {
        /// Which field (`first_token`, `replica list`, ...).
        field: &'static str,
        /// What was wrong.
        err: LowLevelDeserializationError,
    },
    /// A field that must not be null is null.
    #[error("{0} is null")]
    NullField(&'static str),
    /// A fixed-size field has the wrong size.
    #[error("{field} has {actual} bytes, expected {expected}")]
    WrongFieldSize {
        /// Which field.
        field: &'static str,
        /// Its size by type.
        expected: usize,
        /// Its size as received.
        actual: usize,
    },
    /// A negative replica count.
    #[error("negative replica count {0}")]
    NegativeReplicaCount(i32),
    /// Bytes left over inside a tuple or after the payload.
    #[error("{0} unexpected trailing bytes")]
    TrailingBytes(usize),
}

/// A response could not be serialized.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CqlResponseSerializationError {
    /// A string, list or byte string is too long for its length field.
    #[error("{what} is too long: {source}")]
    TooLong {
        /// What was being written.
        what: &'static str,
        /// The length that did not fit.
        source: LengthOverflow,
    },
    /// A value that cannot be expressed in the protocol.
    #[error("{0}")]
    Unrepresentable(&'static str),
    /// Building the rows of a Rows result failed.
    #[error(transparent)]
    RowsWriter(#[from] RowsWriterError),
}

/// A Rows result builder was used inconsistently.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowsWriterError {
    /// A row had a different number of cells than the result has columns.
    #[error("row {row_index} has {actual} cells but the result has {expected} columns")]
    WrongCellCount {
        /// The index of the row.
        row_index: usize,
        /// The column count.
        expected: usize,
        /// Cells in the row.
        actual: usize,
    },
    /// A cell is longer than an `[int]` length can say.
    #[error("a cell of {0} bytes is too long")]
    CellTooLong(usize),
    /// More rows than an `[int]` can count.
    #[error("too many rows")]
    TooManyRows,
    /// A row was appended to a result without columns (which decoders reject: see
    /// [`ResultMetadataAndRowsCountParseError::RowsWithoutColumns`]).
    #[error("a result without columns cannot have rows")]
    RowsWithoutColumns,
    /// The result was finished in the middle of a row.
    #[error("the last row is incomplete: {written} of {expected} cells written")]
    IncompleteRow {
        /// Cells written in the last row.
        written: usize,
        /// The column count.
        expected: usize,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_type_error_position_and_kind() {
        let e = CustomTypeParseError::AtPosition {
            input: "MapType(".to_owned(),
            position: 8,
            error: Box::new(CustomTypeParseError::UnexpectedEndOfInput),
        };
        assert_eq!(e.position(), Some(8));
        assert_eq!(e.kind(), &CustomTypeParseError::UnexpectedEndOfInput);
        assert_eq!(
            e.to_string(),
            "unexpected end of input at byte 8 of \"MapType(\""
        );
    }

    #[test]
    fn response_kind_of_parse_error() {
        let e = CqlResponseParseError::from(CqlResultParseError::UnknownResultId(9));
        assert_eq!(e.to_response_kind(), CqlResponseKind::Result);
        assert!(e.to_string().contains("unknown result kind 9"));
    }
}
