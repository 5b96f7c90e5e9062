//! The ERROR response (spec section 4.2.1) and the error codes of section 9, plus
//! ScyllaDB's rate-limit error.

use bytes::Bytes;

use crate::frame::frame_errors::LowLevelDeserializationError;
use crate::frame::protocol_features::ProtocolFeatures;
use crate::frame::types::{self, Consistency};

use super::parse_errors::{CqlErrorParseError, CqlResponseSerializationError};
use super::write_helpers::{put_short_bytes, put_string, put_string_list};

/// The error codes of the protocol (spec section 9).
pub mod code {
    /// Server error: a server-side bug.
    pub const SERVER_ERROR: i32 = 0x0000;
    /// Protocol error: the client violated the protocol.
    pub const PROTOCOL_ERROR: i32 = 0x000A;
    /// Authentication failed.
    pub const AUTHENTICATION_ERROR: i32 = 0x0100;
    /// Not enough replicas alive.
    pub const UNAVAILABLE: i32 = 0x1000;
    /// The coordinator is overloaded.
    pub const OVERLOADED: i32 = 0x1001;
    /// The coordinator is bootstrapping.
    pub const IS_BOOTSTRAPPING: i32 = 0x1002;
    /// Truncation failed.
    pub const TRUNCATE_ERROR: i32 = 0x1003;
    /// A write timed out.
    pub const WRITE_TIMEOUT: i32 = 0x1100;
    /// A read timed out.
    pub const READ_TIMEOUT: i32 = 0x1200;
    /// A read failed on replicas.
    pub const READ_FAILURE: i32 = 0x1300;
    /// A user-defined function failed.
    pub const FUNCTION_FAILURE: i32 = 0x1400;
    /// A write failed on replicas.
    pub const WRITE_FAILURE: i32 = 0x1500;
    /// The query has a syntax error.
    pub const SYNTAX_ERROR: i32 = 0x2000;
    /// The user may not run the query.
    pub const UNAUTHORIZED: i32 = 0x2100;
    /// The query is invalid.
    pub const INVALID: i32 = 0x2200;
    /// A configuration problem.
    pub const CONFIG_ERROR: i32 = 0x2300;
    /// The keyspace or table already exists.
    pub const ALREADY_EXISTS: i32 = 0x2400;
    /// The prepared statement id is unknown.
    pub const UNPREPARED: i32 = 0x2500;
}

/// An ERROR response: what failed and the server's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The error code and its extra fields.
    pub error: DbError,
    /// The server's human-readable message.
    pub reason: String,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (server message: {})", self.error, self.reason)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

fn field_err(
    db_error: &'static str,
    field: &'static str,
) -> impl FnOnce(LowLevelDeserializationError) -> CqlErrorParseError {
    move |err| CqlErrorParseError::MalformedErrorField {
        db_error,
        field,
        err,
    }
}

impl Error {
    /// Parses an ERROR body. `features` says which code (if any) is ScyllaDB's
    /// rate-limit error. Bytes after the fields of the error are ignored, as the spec
    /// asks.
    pub fn deserialize(
        features: &ProtocolFeatures,
        buf: &mut &[u8],
    ) -> Result<Self, CqlErrorParseError> {
        let code = types::read_int(buf).map_err(CqlErrorParseError::ErrorCodeParseError)?;
        let reason = types::read_string(buf)
            .map_err(CqlErrorParseError::ReasonParseError)?
            .to_owned();

        let consistency = |buf: &mut &[u8], e: &'static str| {
            types::read_consistency(buf).map_err(field_err(e, "CONSISTENCY"))
        };
        let int = |buf: &mut &[u8], e: &'static str, f: &'static str| {
            types::read_int(buf).map_err(field_err(e, f))
        };
        let byte = |buf: &mut &[u8], e: &'static str, f: &'static str| {
            types::read_byte(buf).map_err(field_err(e, f))
        };
        let string = |buf: &mut &[u8], e: &'static str, f: &'static str| {
            types::read_string(buf)
                .map(str::to_owned)
                .map_err(field_err(e, f))
        };

        let error = match code {
            c if Some(c) == features.rate_limit_error => {
                const E: &str = "RATE_LIMIT_REACHED";
                DbError::RateLimitReached {
                    op_type: OperationType::from(byte(buf, E, "OP_TYPE")?),
                    rejected_by_coordinator: byte(buf, E, "REJECTED_BY_COORDINATOR")? != 0,
                }
            }
            code::SERVER_ERROR => DbError::ServerError,
            code::PROTOCOL_ERROR => DbError::ProtocolError,
            code::AUTHENTICATION_ERROR => DbError::AuthenticationError,
            code::UNAVAILABLE => {
                const E: &str = "UNAVAILABLE";
                DbError::Unavailable {
                    consistency: consistency(buf, E)?,
                    required: int(buf, E, "REQUIRED")?,
                    alive: int(buf, E, "ALIVE")?,
                }
            }
            code::OVERLOADED => DbError::Overloaded,
            code::IS_BOOTSTRAPPING => DbError::IsBootstrapping,
            code::TRUNCATE_ERROR => DbError::TruncateError,
            code::WRITE_TIMEOUT => {
                const E: &str = "WRITE_TIMEOUT";
                DbError::WriteTimeout {
                    consistency: consistency(buf, E)?,
                    received: int(buf, E, "RECEIVED")?,
                    required: int(buf, E, "BLOCKFOR")?,
                    write_type: WriteType::from(string(buf, E, "WRITE_TYPE")?.as_str()),
                }
            }
            code::READ_TIMEOUT => {
                const E: &str = "READ_TIMEOUT";
                DbError::ReadTimeout {
                    consistency: consistency(buf, E)?,
                    received: int(buf, E, "RECEIVED")?,
                    required: int(buf, E, "BLOCKFOR")?,
                    data_present: byte(buf, E, "DATA_PRESENT")? != 0,
                }
            }
            code::READ_FAILURE => {
                const E: &str = "READ_FAILURE";
                DbError::ReadFailure {
                    consistency: consistency(buf, E)?,
                    received: int(buf, E, "RECEIVED")?,
                    required: int(buf, E, "BLOCKFOR")?,
                    numfailures: int(buf, E, "NUM_FAILURES")?,
                    data_present: byte(buf, E, "DATA_PRESENT")? != 0,
                }
            }
            code::FUNCTION_FAILURE => {
                const E: &str = "FUNCTION_FAILURE";
                DbError::FunctionFailure {
                    keyspace: string(buf, E, "KEYSPACE")?,
                    function: string(buf, E, "FUNCTION")?,
                    arg_types: types::read_string_list(buf).map_err(field_err(E, "ARG_TYPES"))?,
                }
            }
            code::WRITE_FAILURE => {
                const E: &str = "WRITE_FAILURE";
                DbError::WriteFailure {
                    consistency: consistency(buf, E)?,
                    received: int(buf, E, "RECEIVED")?,
                    required: int(buf, E, "BLOCKFOR")?,
                    numfailures: int(buf, E, "NUM_FAILURES")?,
                    write_type: WriteType::from(string(buf, E, "WRITE_TYPE")?.as_str()),
                }
            }
            code::SYNTAX_ERROR => DbError::SyntaxError,
            code::UNAUTHORIZED => DbError::Unauthorized,
            code::INVALID => DbError::Invalid,
            code::CONFIG_ERROR => DbError::ConfigError,
            code::ALREADY_EXISTS => {
                const E: &str = "ALREADY_EXISTS";
                DbError::AlreadyExists {
                    keyspace: string(buf, E, "KEYSPACE")?,
                    table: string(buf, E, "TABLE")?,
                }
            }
            code::UNPREPARED => DbError::Unprepared {
                statement_id: Bytes::copy_from_slice(
                    types::read_short_bytes(buf)
                        .map_err(field_err("UNPREPARED", "STATEMENT_ID"))?,
                ),
            },
            other => DbError::Other(other),
        };
        Ok(Error { error, reason })
    }

    /// Appends an ERROR body.
    ///
    /// [`DbError::RateLimitReached`] is written with ScyllaDB's negotiated code and
    /// its two extra bytes; when the extension is not negotiated (`features` has no
    /// rate-limit code) it is written as a plain Config_error, as the extension
    /// specifies. [`DbError::Other`] is written as its code and the message only.
    pub fn serialize(
        &self,
        features: &ProtocolFeatures,
        buf: &mut Vec<u8>,
    ) -> Result<(), CqlResponseSerializationError> {
        let code = self.error.code(features);
        types::write_int(code, buf);
        put_string(&self.reason, "error message", buf)?;
        match &self.error {
            DbError::Unavailable {
                consistency,
                required,
                alive,
            } => {
                types::write_consistency(*consistency, buf);
                types::write_int(*required, buf);
                types::write_int(*alive, buf);
            }
            DbError::WriteTimeout {
                consistency,
                received,
                required,
                write_type,
            } => {
                types::write_consistency(*consistency, buf);
                types::write_int(*received, buf);
                types::write_int(*required, buf);
                put_string(write_type.as_str(), "write type", buf)?;
            }
            DbError::ReadTimeout {
                consistency,
                received,
                required,
                data_present,
            } => {
                types::write_consistency(*consistency, buf);
                types::write_int(*received, buf);
                types::write_int(*required, buf);
                buf.push(u8::from(*data_present));
            }
            DbError::ReadFailure {
                consistency,
                received,
                required,
                numfailures,
                data_present,
            } => {
                types::write_consistency(*consistency, buf);
                types::write_int(*received, buf);
                types::write_int(*required, buf);
                types::write_int(*numfailures, buf);
                buf.push(u8::from(*data_present));
            }
            DbError::FunctionFailure {
                keyspace,
                function,
                arg_types,
            } => {
                put_string(keyspace, "keyspace name", buf)?;
                put_string(function, "function name", buf)?;
                put_string_list(arg_types, "argument types", buf)?;
            }
            DbError::WriteFailure {
                consistency,
                received,
                required,
                numfailures,
                write_type,
            } => {
                types::write_consistency(*consistency, buf);
                types::write_int(*received, buf);
                types::write_int(*required, buf);
                types::write_int(*numfailures, buf);
                put_string(write_type.as_str(), "write type", buf)?;
            }
            DbError::AlreadyExists { keyspace, table } => {
                put_string(keyspace, "keyspace name", buf)?;
                put_string(table, "table name", buf)?;
            }
            DbError::Unprepared { statement_id } => {
                put_short_bytes(statement_id, "statement id", buf)?;
            }
            DbError::RateLimitReached {
                op_type,
                rejected_by_coordinator,
            } => {
                if features.rate_limit_error.is_some() {
                    buf.push(op_type.as_u8());
                    buf.push(u8::from(*rejected_by_coordinator));
                }
            }
            DbError::SyntaxError
            | DbError::Invalid
            | DbError::AuthenticationError
            | DbError::Unauthorized
            | DbError::ConfigError
            | DbError::Overloaded
            | DbError::IsBootstrapping
            | DbError::TruncateError
            | DbError::ServerError
            | DbError::ProtocolError
            | DbError::Other(_) => {}
        }
        Ok(())
    }
}

/// An error reported by the database (spec section 9), with the extra fields of its
/// code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// 0x2000: the query has a syntax error.
    #[error("The submitted query has a syntax error")]
    SyntaxError,

    /// 0x2200: the query is syntactically correct but invalid.
    #[error("The query is syntactically correct but invalid")]
    Invalid,

    /// 0x2400: the keyspace or table to create already exists.
    #[error(
        "Attempted to create a keyspace or a table that already exists (keyspace: {keyspace}, table: {table})"
    )]
    AlreadyExists {
        /// The keyspace that exists, or that holds the table that exists.
        keyspace: String,
        /// The table that exists; empty when the keyspace exists.
        table: String,
    },

    /// 0x1400: a user-defined function failed.
    #[error(
        "User defined function failed during execution (keyspace: {keyspace}, function: {function}, arg_types: {arg_types:?})"
    )]
    FunctionFailure {
        /// The function's keyspace.
        keyspace: String,
        /// The function's name.
        function: String,
        /// The CQL types of its arguments.
        arg_types: Vec<String>,
    },

    /// 0x0100: authentication failed.
    #[error("Authentication failed - bad credentials")]
    AuthenticationError,

    /// 0x2100: the user may not run the query.
    #[error("The logged user doesn't have the right to perform the query")]
    Unauthorized,

    /// 0x2300: the query is invalid because of a configuration issue.
    #[error("The query is invalid because of some configuration issue")]
    ConfigError,

    /// 0x1000: not enough replicas are alive for the consistency level.
    #[error(
        "Not enough nodes are alive to satisfy required consistency level (consistency: {consistency}, required: {required}, alive: {alive})"
    )]
    Unavailable {
        /// The consistency level of the request.
        consistency: Consistency,
        /// Replicas that must be alive.
        required: i32,
        /// Replicas known to be alive.
        alive: i32,
    },

    /// 0x1001: the coordinator is overloaded.
    #[error("The request cannot be processed because the coordinator node is overloaded")]
    Overloaded,

    /// 0x1002: the coordinator is bootstrapping.
    #[error("The coordinator node is still bootstrapping")]
    IsBootstrapping,

    /// 0x1003: a truncation failed.
    #[error("Error during truncate operation")]
    TruncateError,

    /// 0x1200: not enough replicas answered a read in time.
    #[error(
        "Not enough nodes responded to the read request in time to satisfy required consistency level (consistency: {consistency}, received: {received}, required: {required}, data_present: {data_present})"
    )]
    ReadTimeout {
        /// The consistency level of the request.
        consistency: Consistency,
        /// Replicas that answered.
        received: i32,
        /// Replicas whose answer was required (`blockfor`).
        required: i32,
        /// Whether the replica asked for data answered.
        data_present: bool,
    },

    /// 0x1100: not enough replicas acknowledged a write in time.
    #[error(
        "Not enough nodes responded to the write request in time to satisfy required consistency level (consistency: {consistency}, received: {received}, required: {required}, write_type: {write_type})"
    )]
    WriteTimeout {
        /// The consistency level of the request.
        consistency: Consistency,
        /// Replicas that acknowledged.
        received: i32,
        /// Replicas whose acknowledgement was required (`blockfor`).
        required: i32,
        /// The kind of write.
        write_type: WriteType,
    },

    /// 0x1300: a read failed on some replicas (not a timeout).
    #[error(
        "A non-timeout error during a read request (consistency: {consistency}, received: {received}, required: {required}, numfailures: {numfailures}, data_present: {data_present})"
    )]
    ReadFailure {
        /// The consistency level of the request.
        consistency: Consistency,
        /// Replicas that answered.
        received: i32,
        /// Replicas whose answer was required (`blockfor`).
        required: i32,
        /// Replicas that failed.
        numfailures: i32,
        /// Whether the replica asked for data answered.
        data_present: bool,
    },

    /// 0x1500: a write failed on some replicas (not a timeout).
    #[error(
        "A non-timeout error during a write request (consistency: {consistency}, received: {received}, required: {required}, numfailures: {numfailures}, write_type: {write_type})"
    )]
    WriteFailure {
        /// The consistency level of the request.
        consistency: Consistency,
        /// Replicas that acknowledged.
        received: i32,
        /// Replicas whose acknowledgement was required (`blockfor`).
        required: i32,
        /// Replicas that failed.
        numfailures: i32,
        /// The kind of write.
        write_type: WriteType,
    },

    /// 0x2500: the prepared statement id is not known to this node; prepare again.
    #[error(
        "Tried to execute a prepared statement that is not prepared. Driver should prepare it again"
    )]
    Unprepared {
        /// The id that was not found.
        statement_id: Bytes,
    },

    /// 0x0000: an unexpected server-side error (a server bug).
    #[error("Internal server error. This indicates a server-side bug")]
    ServerError,

    /// 0x000A: the client violated the protocol.
    #[error("Invalid protocol message received from the driver")]
    ProtocolError,

    /// ScyllaDB: the per-partition rate limit was exceeded. Its code is the one
    /// advertised in SUPPORTED (`SCYLLA_RATE_LIMIT_ERROR`, `ERROR_CODE=...`).
    #[error("Rate limit was exceeded for a partition affected by the request")]
    RateLimitReached {
        /// The kind of operation that was rejected.
        op_type: OperationType,
        /// Whether the coordinator rejected it (then a write was applied nowhere).
        rejected_by_coordinator: bool,
    },

    /// A code not listed in the spec; any extra fields of it were not read.
    #[error("Other error not specified in the specification. Error code: {0}")]
    Other(i32),
}

impl DbError {
    /// The error code of this error.
    ///
    /// For [`DbError::RateLimitReached`] this is the code negotiated in `features`;
    /// without it, Config_error (0x2300), which is what ScyllaDB sends to clients that
    /// did not enable the extension.
    pub fn code(&self, features: &ProtocolFeatures) -> i32 {
        match self {
            DbError::ServerError => code::SERVER_ERROR,
            DbError::ProtocolError => code::PROTOCOL_ERROR,
            DbError::AuthenticationError => code::AUTHENTICATION_ERROR,
            DbError::Unavailable { .. } => code::UNAVAILABLE,
            DbError::Overloaded => code::OVERLOADED,
            DbError::IsBootstrapping => code::IS_BOOTSTRAPPING,
            DbError::TruncateError => code::TRUNCATE_ERROR,
            DbError::WriteTimeout { .. } => code::WRITE_TIMEOUT,
            DbError::ReadTimeout { .. } => code::READ_TIMEOUT,
            DbError::ReadFailure { .. } => code::READ_FAILURE,
            DbError::FunctionFailure { .. } => code::FUNCTION_FAILURE,
            DbError::WriteFailure { .. } => code::WRITE_FAILURE,
            DbError::SyntaxError => code::SYNTAX_ERROR,
            DbError::Unauthorized => code::UNAUTHORIZED,
            DbError::Invalid => code::INVALID,
            DbError::ConfigError => code::CONFIG_ERROR,
            DbError::AlreadyExists { .. } => code::ALREADY_EXISTS,
            DbError::Unprepared { .. } => code::UNPREPARED,
            DbError::RateLimitReached { .. } => {
                features.rate_limit_error.unwrap_or(code::CONFIG_ERROR)
            }
            DbError::Other(code) => *code,
        }
    }

    /// Whether a speculative execution may go on to another node after this error
    /// (the error is specific to the node that sent it). Errors that every node
    /// would return (syntax, invalid, unauthorized, ...) give `false`.
    pub fn can_speculative_retry(&self) -> bool {
        match self {
            DbError::SyntaxError
            | DbError::Invalid
            | DbError::AlreadyExists { .. }
            | DbError::Unauthorized
            | DbError::ProtocolError
            | DbError::AuthenticationError
            | DbError::Other(_)
            | DbError::FunctionFailure { .. }
            | DbError::ConfigError
            | DbError::TruncateError => false,
            DbError::Unavailable { .. }
            | DbError::Overloaded
            | DbError::IsBootstrapping
            | DbError::ReadTimeout { .. }
            | DbError::WriteTimeout { .. }
            | DbError::ReadFailure { .. }
            | DbError::WriteFailure { .. }
            | DbError::Unprepared { .. }
            | DbError::ServerError
            | DbError::RateLimitReached { .. } => true,
        }
    }
}

/// The operation a rate-limit error rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationType {
    /// 0: a read.
    Read,
    /// 1: a write.
    Write,
    /// Another value.
    Other(u8),
}

impl OperationType {
    /// The byte that encodes this operation type.
    pub fn as_u8(&self) -> u8 {
        match self {
            OperationType::Read => 0,
            OperationType::Write => 1,
            OperationType::Other(v) => *v,
        }
    }
}

impl From<u8> for OperationType {
    fn from(v: u8) -> Self {
        match v {
            0 => OperationType::Read,
            1 => OperationType::Write,
            other => OperationType::Other(other),
        }
    }
}

impl From<OperationType> for u8 {
    fn from(v: OperationType) -> Self {
        v.as_u8()
    }
}

/// The kind of write that timed out or failed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WriteType {
    /// `SIMPLE`: a non-batched, non-counter write.
    Simple,
    /// `BATCH`: a logged batch (the batch log was written).
    Batch,
    /// `UNLOGGED_BATCH`: an unlogged batch.
    UnloggedBatch,
    /// `COUNTER`: a counter write.
    Counter,
    /// `BATCH_LOG`: the write to the batch log of a logged batch.
    BatchLog,
    /// `CAS`: a lightweight-transaction (Paxos) write.
    Cas,
    /// `VIEW`: a materialized view update.
    View,
    /// `CDC`: a CDC log write.
    Cdc,
    /// Any other string.
    Other(String),
}

impl WriteType {
    /// The protocol string (`UNLOGGED_BATCH`).
    pub fn as_str(&self) -> &str {
        match self {
            WriteType::Simple => "SIMPLE",
            WriteType::Batch => "BATCH",
            WriteType::UnloggedBatch => "UNLOGGED_BATCH",
            WriteType::Counter => "COUNTER",
            WriteType::BatchLog => "BATCH_LOG",
            WriteType::Cas => "CAS",
            WriteType::View => "VIEW",
            WriteType::Cdc => "CDC",
            WriteType::Other(s) => s,
        }
    }
}

impl From<&str> for WriteType {
    fn from(s: &str) -> Self {
        match s {
            "SIMPLE" => WriteType::Simple,
            "BATCH" => WriteType::Batch,
            "UNLOGGED_BATCH" => WriteType::UnloggedBatch,
            "COUNTER" => WriteType::Counter,
            "BATCH_LOG" => WriteType::BatchLog,
            "CAS" => WriteType::Cas,
            "VIEW" => WriteType::View,
            "CDC" => WriteType::Cdc,
            other => WriteType::Other(other.to_owned()),
        }
    }
}

impl std::fmt::Display for WriteType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(code: i32, msg: &str) -> Vec<u8> {
        let mut v = code.to_be_bytes().to_vec();
        v.extend((msg.len() as u16).to_be_bytes());
        v.extend(msg.as_bytes());
        v
    }

    #[test]
    fn write_type_strings_round_trip() {
        for wt in [
            WriteType::Simple,
            WriteType::Batch,
            WriteType::UnloggedBatch,
            WriteType::Counter,
            WriteType::BatchLog,
            WriteType::Cas,
            WriteType::View,
            WriteType::Cdc,
            WriteType::Other("SOMETHING_NEW".into()),
        ] {
            assert_eq!(WriteType::from(wt.as_str()), wt);
        }
    }

    #[test]
    fn rate_limit_without_negotiation_is_config_error() {
        let e = Error {
            error: DbError::RateLimitReached {
                op_type: OperationType::Write,
                rejected_by_coordinator: true,
            },
            reason: "slow down".into(),
        };
        let mut buf = Vec::new();
        e.serialize(&ProtocolFeatures::default(), &mut buf).unwrap();
        assert_eq!(buf, head(0x2300, "slow down"));
        let back = Error::deserialize(&ProtocolFeatures::default(), &mut &buf[..]).unwrap();
        assert_eq!(back.error, DbError::ConfigError);

        let f = ProtocolFeatures {
            rate_limit_error: Some(0xF000),
            ..Default::default()
        };
        buf.clear();
        e.serialize(&f, &mut buf).unwrap();
        let mut expected = head(0xF000, "slow down");
        expected.extend([1, 1]);
        assert_eq!(buf, expected);
        assert_eq!(Error::deserialize(&f, &mut &buf[..]).unwrap(), e);
    }

    #[test]
    fn truncated_field_names_the_field() {
        let mut bytes = head(0x1100, "wt");
        bytes.extend([0, 4, 0, 0, 0, 1]);
        let err = Error::deserialize(&ProtocolFeatures::default(), &mut &bytes[..]).unwrap_err();
        match err {
            CqlErrorParseError::MalformedErrorField {
                db_error, field, ..
            } => {
                assert_eq!(db_error, "WRITE_TIMEOUT");
                assert_eq!(field, "BLOCKFOR");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn speculative_retry_classification() {
        assert!(DbError::Overloaded.can_speculative_retry());
        assert!(
            DbError::Unprepared {
                statement_id: Bytes::new()
            }
            .can_speculative_retry()
        );
        assert!(!DbError::SyntaxError.can_speculative_retry());
        assert!(!DbError::Other(7).can_speculative_retry());
    }
}
