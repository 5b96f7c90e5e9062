//! Errors of framing, request serialization and response parsing.
//!
//! Every parser in this crate reports what it was reading when it failed, so that a
//! malformed frame from the network becomes a readable error and never a panic.

use std::sync::Arc;

use super::TryFromPrimitiveError;
use super::types::LengthOverflow;
use crate::serialize::SerializationError;

/// A failure to read one item of the protocol notation (`[int]`, `[string]`, ...).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum LowLevelDeserializationError {
    /// An I/O error of the underlying reader.
    #[error(transparent)]
    IoError(Arc<std::io::Error>),
    /// An integer did not fit its target type.
    #[error(transparent)]
    TryFromIntError(#[from] std::num::TryFromIntError),
    /// A slice had the wrong length for a fixed-size array.
    #[error(transparent)]
    TryFromSliceError(#[from] std::array::TryFromSliceError),
    /// The input ended before the item did.
    #[error("expected {expected} bytes, but only {received} remain")]
    TooFewBytesReceived {
        /// Bytes the item needs.
        expected: usize,
        /// Bytes that were left.
        received: usize,
    },
    /// A `[value]` had a negative length other than -1 (null) or -2 (unset).
    #[error("invalid value length {0}: only -1 (null) and -2 (unset) may be negative")]
    InvalidValueLength(i32),
    /// A length that must not be negative was.
    #[error("negative length {0} where a length is required")]
    NegativeLength(i32),
    /// An unknown consistency code.
    #[error("unknown consistency: {0}")]
    UnknownConsistency(#[from] TryFromPrimitiveError<u16>),
    /// An `[inetaddr]` whose length byte is neither 4 nor 16.
    #[error("invalid inet address length {0} (expected 4 or 16)")]
    InvalidInetLength(u8),
    /// A port outside 0..=65535.
    #[error("invalid port number {0}")]
    InvalidPort(i32),
    /// A `[string]` that is not valid UTF-8.
    #[error("string is not valid UTF-8: {0}")]
    UTF8DeserializationError(#[from] std::str::Utf8Error),
}

impl From<std::io::Error> for LowLevelDeserializationError {
    fn from(e: std::io::Error) -> Self {
        Self::IoError(Arc::new(e))
    }
}

// ---------------------------------------------------------------------------------------
// Framing
// ---------------------------------------------------------------------------------------

/// A failure to read a frame (its 9-byte header and its body) from a connection.
///
/// The variants that concern a frame whose header was read carry that header, so that
/// a server can still answer on the frame's stream (for instance with a v4
/// `PROTOCOL_ERROR` to a client that offered protocol v5).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameHeaderParseError {
    /// The connection was closed cleanly between two frames: not a single byte of a
    /// new header arrived.
    #[error("the connection was closed (no frame header started)")]
    ConnectionClosedBetweenFrames,
    /// Reading the header failed (including a connection closed mid-header).
    #[error("failed to read the frame header: {0}")]
    HeaderIoError(std::io::Error),
    /// A request frame (direction bit 0) arrived where responses were expected.
    #[error("received a request frame (from a client) where a response was expected")]
    FrameFromClient,
    /// A response frame (direction bit 1) arrived where requests were expected.
    #[error("received a response frame (from a server) where a request was expected")]
    FrameFromServer,
    /// A response frame of a protocol version other than 4.
    #[error(
        "response frame version byte {0:#04x} (protocol v{v}) is not supported: only v4 (0x84) is",
        v = .0 & 0x7f
    )]
    VersionNotSupported(u8),
    /// A request frame of a protocol version other than 4. The body was not read.
    #[error(
        "request frame version byte {version:#04x} (protocol v{v}, stream {stream}, opcode {opcode:#04x}) \
         is not supported: only v4 (0x04) is",
        version = .0.version, v = .0.protocol_version(), stream = .0.stream, opcode = .0.opcode
    )]
    UnsupportedRequestVersion(super::FrameHeader),
    /// The header declared a body longer than the configured maximum. Nothing was
    /// allocated for it and the body was not read.
    #[error(
        "frame body of {length} bytes (stream {stream}, opcode {opcode:#04x}) exceeds the maximum of {max} bytes",
        length = .header.length, stream = .header.stream, opcode = .header.opcode
    )]
    BodyTooLarge {
        /// The header as read.
        header: super::FrameHeader,
        /// The configured maximum body size.
        max: usize,
    },
    /// Reading the body failed after the given number of bytes.
    #[error("failed to read the frame body after {0} bytes: {1}")]
    BodyChunkIoError(usize, std::io::Error),
    /// The connection was closed in the middle of a body: (expected, received) bytes.
    #[error(
        "the connection was closed in the middle of a frame body: expected {0} bytes, received {1}"
    )]
    ConnectionClosed(usize, usize),
    /// A response frame with an opcode no response has.
    #[error("unknown response opcode: {0}")]
    UnknownResponseOpcode(super::TryFromPrimitiveError<u8>),
    /// A request frame with an opcode no request has. Its body was read and dropped,
    /// so the connection is still in sync.
    #[error(
        "unknown request opcode {opcode:#04x} (stream {stream})",
        opcode = .0.opcode, stream = .0.stream
    )]
    UnknownRequestOpcode(super::FrameHeader),
}

/// A failure to take the frame-level extensions (compression, tracing id, warnings,
/// custom payload) off a frame body.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum FrameBodyExtensionsParseError {
    /// The compression flag was set but no compression was negotiated.
    #[error("the frame is compressed but no compression was negotiated on this connection")]
    NoCompressionNegotiated,
    /// LZ4 decompression failed.
    #[error("LZ4 decompression failed: {0}")]
    Lz4DecompressError(Arc<dyn std::error::Error + Send + Sync>),
    /// Snappy decompression failed.
    #[error("Snappy decompression failed: {0}")]
    SnapDecompressError(Arc<dyn std::error::Error + Send + Sync>),
    /// The uncompressed size announced by the compressed body is larger than allowed
    /// or larger than the compressed bytes could possibly expand to.
    #[error(
        "{compression} body announces {declared} uncompressed bytes from {compressed} compressed bytes; \
         at most {limit} are allowed"
    )]
    DecompressedSizeTooLarge {
        /// The compression algorithm.
        compression: super::Compression,
        /// The announced uncompressed size.
        declared: u64,
        /// The size of the compressed input.
        compressed: usize,
        /// The largest uncompressed size accepted for this input.
        limit: usize,
    },
    /// Decompression produced a different number of bytes than announced.
    #[error(
        "{compression} body announced {declared} uncompressed bytes but decompressed to {actual}"
    )]
    DecompressedLengthMismatch {
        /// The compression algorithm.
        compression: super::Compression,
        /// The announced uncompressed size.
        declared: usize,
        /// The size actually produced.
        actual: usize,
    },
    /// The tracing id could not be read.
    #[error("malformed tracing id: {0}")]
    TraceIdParse(LowLevelDeserializationError),
    /// The warnings list could not be read.
    #[error("malformed warnings list: {0}")]
    WarningsListParse(LowLevelDeserializationError),
    /// The custom payload could not be read.
    #[error("malformed custom payload: {0}")]
    CustomPayloadMapParse(LowLevelDeserializationError),
}

/// A failure to build a response frame (server side).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ResponseFrameSerializationError {
    /// A warning, or the number of warnings, does not fit its length field.
    #[error("warnings do not fit the frame: {0}")]
    WarningsSerialization(LengthOverflow),
    /// A custom payload entry, or their number, does not fit its length field.
    #[error("custom payload does not fit the frame: {0}")]
    CustomPayloadSerialization(LengthOverflow),
    /// Compressing the body failed.
    #[error("failed to compress the response body: {0}")]
    Compression(CompressionError),
    /// The body is longer than the 4-byte length of the header can express.
    #[error("response body of {0} bytes does not fit a frame")]
    BodyTooLarge(usize),
}

/// A failure to compress a frame body.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CompressionError {
    /// LZ4 compression failed.
    #[error("LZ4 compression failed: {0}")]
    Lz4(Arc<dyn std::error::Error + Send + Sync>),
    /// Snappy compression failed.
    #[error("Snappy compression failed: {0}")]
    Snap(Arc<dyn std::error::Error + Send + Sync>),
}

// ---------------------------------------------------------------------------------------
// Request serialization
// ---------------------------------------------------------------------------------------

/// A failure to serialize a request.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum CqlRequestSerializationError {
    /// STARTUP could not be serialized.
    #[error("failed to serialize STARTUP: {0}")]
    StartupSerialization(#[from] StartupSerializationError),
    /// REGISTER could not be serialized.
    #[error("failed to serialize REGISTER: {0}")]
    RegisterSerialization(#[from] RegisterSerializationError),
    /// AUTH_RESPONSE could not be serialized.
    #[error("failed to serialize AUTH_RESPONSE: {0}")]
    AuthResponseSerialization(#[from] AuthResponseSerializationError),
    /// BATCH could not be serialized.
    #[error("failed to serialize BATCH: {0}")]
    BatchSerialization(#[from] BatchSerializationError),
    /// PREPARE could not be serialized.
    #[error("failed to serialize PREPARE: {0}")]
    PrepareSerialization(#[from] PrepareSerializationError),
    /// QUERY could not be serialized.
    #[error("failed to serialize QUERY: {0}")]
    QuerySerialization(#[from] QuerySerializationError),
    /// EXECUTE could not be serialized.
    #[error("failed to serialize EXECUTE: {0}")]
    ExecuteSerialization(#[from] ExecuteSerializationError),
    /// Snappy compression of the body failed.
    #[error("Snappy compression failed: {0}")]
    SnapCompressError(Arc<dyn std::error::Error + Send + Sync>),
    /// LZ4 compression of the body failed.
    #[error("LZ4 compression failed: {0}")]
    Lz4CompressError(Arc<dyn std::error::Error + Send + Sync>),
    /// The body is longer than the 4-byte length of the header can express.
    #[error("request body of {0} bytes does not fit a frame")]
    BodyTooLarge(usize),
    /// A custom payload entry, or their number, does not fit its length field.
    #[error("custom payload does not fit the frame: {0}")]
    CustomPayloadSerialization(LengthOverflow),
}

impl From<CompressionError> for CqlRequestSerializationError {
    fn from(e: CompressionError) -> Self {
        match e {
            CompressionError::Lz4(e) => Self::Lz4CompressError(e),
            CompressionError::Snap(e) => Self::SnapCompressError(e),
        }
    }
}

/// A failure to serialize STARTUP.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum StartupSerializationError {
    /// An option, or the number of options, does not fit its `[short]` length.
    #[error("the options map does not fit: {0}")]
    OptionsSerialization(LengthOverflow),
}

/// A failure to serialize REGISTER.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RegisterSerializationError {
    /// The event type list does not fit its `[short]` length.
    #[error("the event type list does not fit: {0}")]
    EventTypesSerialization(LengthOverflow),
}

/// A failure to serialize AUTH_RESPONSE.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthResponseSerializationError {
    /// The token is longer than an `[int]` length allows.
    #[error("the authentication token does not fit: {0}")]
    ResponseSerialization(LengthOverflow),
}

/// A failure to serialize PREPARE.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum PrepareSerializationError {
    /// The statement is longer than a `[long string]` allows.
    #[error("the statement text does not fit: {0}")]
    StatementStringSerialization(LengthOverflow),
}

/// A failure to serialize QUERY.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum QuerySerializationError {
    /// The statement is longer than a `[long string]` allows.
    #[error("the statement text does not fit: {0}")]
    StatementStringSerialization(LengthOverflow),
    /// The query parameters could not be serialized.
    #[error(transparent)]
    QueryParametersSerialization(#[from] QueryParametersSerializationError),
}

/// A failure to serialize EXECUTE.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ExecuteSerializationError {
    /// The prepared statement id is longer than `[short bytes]` allow.
    #[error("the prepared statement id does not fit: {0}")]
    StatementIdSerialization(LengthOverflow),
    /// The result metadata id is longer than `[short bytes]` allow.
    #[error("the result metadata id does not fit: {0}")]
    ResultMetadataIdSerialization(LengthOverflow),
    /// The query parameters could not be serialized.
    #[error(transparent)]
    QueryParametersSerialization(#[from] QueryParametersSerializationError),
}

/// A failure to serialize the parameters of QUERY or EXECUTE.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum QueryParametersSerializationError {
    /// The paging state is longer than `[bytes]` allow.
    #[error("the paging state does not fit: {0}")]
    BadPagingState(LengthOverflow),
    /// A value name is longer than a `[string]` allows.
    #[error("value name #{index} does not fit: {error}")]
    ValueNameSerialization {
        /// Index of the name.
        index: usize,
        /// What did not fit.
        error: LengthOverflow,
    },
    /// The number of value names differs from the number of values.
    #[error("{names} value names were given for {values} values")]
    ValueNamesCountMismatch {
        /// Number of names.
        names: usize,
        /// Number of values.
        values: usize,
    },
}

/// A failure to serialize BATCH.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BatchSerializationError {
    /// More statements than a `[short]` count allows.
    #[error("too many statements in a batch: {0} (at most 65535)")]
    TooManyStatements(usize),
    /// The statement count written in the frame differs from the number of
    /// statements serialized after it. (The BATCH serializers of this crate write the
    /// count of the statements they serialize, so they do not return it.)
    #[error(
        "batch announced {n_announced_statements} statements but {n_serialized_statements} were serialized"
    )]
    BadBatchConstructed {
        /// The count written in the frame.
        n_announced_statements: usize,
        /// The number of statements serialized.
        n_serialized_statements: usize,
    },
    /// The values do not match the statements one to one.
    #[error("the batch has {n_statements} statements but {n_value_lists} lists of values")]
    ValuesAndStatementsLengthMismatch {
        /// Number of statements.
        n_statements: usize,
        /// Number of value lists.
        n_value_lists: usize,
    },
    /// One statement could not be serialized.
    #[error("statement #{statement_idx} of the batch: {error}")]
    StatementSerialization {
        /// Index of the statement.
        statement_idx: usize,
        /// What failed.
        error: BatchStatementSerializationError,
    },
}

/// A failure to serialize one statement of a BATCH.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BatchStatementSerializationError {
    /// The statement text is longer than a `[long string]` allows.
    #[error("the statement text does not fit: {0}")]
    StatementStringSerialization(LengthOverflow),
    /// The prepared statement id is longer than `[short bytes]` allow.
    #[error("the prepared statement id does not fit: {0}")]
    StatementIdSerialization(LengthOverflow),
    /// More values than a `[short]` count allows.
    #[error("too many values for one statement: {0} (at most 65535)")]
    TooManyValues(usize),
    /// A value could not be serialized.
    #[error("failed to serialize the values: {0}")]
    ValuesSerialiation(SerializationError),
}

// ---------------------------------------------------------------------------------------
// Request deserialization (server side)
// ---------------------------------------------------------------------------------------

/// A failure to decode a request body (what a server, or a proxy, reads).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RequestDeserializationError {
    /// A field of the request could not be read.
    #[error("failed to read {field}: {error}")]
    Field {
        /// What was being read (for instance "the query string of QUERY").
        field: &'static str,
        /// Why it failed.
        error: LowLevelDeserializationError,
    },
    /// The query parameters have flag bits this protocol version does not define.
    #[error("unknown query parameters flags {0:#04x} (protocol v4 defines 0x01 to 0x40)")]
    UnknownQueryFlags(u8),
    /// The batch flags have bits BATCH does not define.
    #[error("unknown BATCH flags {0:#04x} (BATCH defines 0x10, 0x20 and 0x40)")]
    UnknownBatchFlags(u8),
    /// BATCH with flag 0x40 (names for values): the protocol places the flag after the
    /// values it governs, so servers reject it (CASSANDRA-10246).
    #[error(
        "BATCH flag 0x40 (names for values) is not supported: the flags follow the values, \
         so the values cannot be parsed (CASSANDRA-10246)"
    )]
    BatchNamesForValuesNotSupported,
    /// A serial consistency that is not SERIAL or LOCAL_SERIAL.
    #[error(
        "invalid serial consistency {0:#06x}: only SERIAL (0x0008) and LOCAL_SERIAL (0x0009) are allowed"
    )]
    InvalidSerialConsistency(u16),
    /// An unknown batch type.
    #[error(transparent)]
    BatchType(#[from] crate::frame::request::batch::BatchTypeParseError),
    /// A batch statement kind other than 0 (query) or 1 (prepared).
    #[error(
        "statement #{index} of BATCH has kind {kind} (expected 0 = query string or 1 = prepared id)"
    )]
    UnknownBatchStatementKind {
        /// Index of the statement.
        index: usize,
        /// The kind byte.
        kind: u8,
    },
    /// REGISTER named an event type this type does not know.
    #[error("unknown event type {0:?} in REGISTER")]
    UnknownEventType(String),
    /// The opcode does not name a request this decoder handles.
    #[error("opcode {0} is not a request this decoder handles")]
    UnexpectedOpcode(crate::frame::request::RequestOpcode),
    /// Rebuilding the bound values failed.
    #[error("failed to rebuild the bound values: {0}")]
    Values(SerializationError),
}

impl RequestDeserializationError {
    /// Wraps a low-level error with the name of the field being read.
    pub fn field(field: &'static str) -> impl FnOnce(LowLevelDeserializationError) -> Self {
        move |error| Self::Field { field, error }
    }
}

// Response parsing errors live next to the parsers; they are part of this module's API.
pub use super::response::parse_errors::*;
