//! The error every executor step returns: a CQL error code (with its extra fields) and
//! the server's message.

use bytes::Bytes;
use scylla_cql::frame::response::error::{DbError, OperationType};

use crate::cql::SyntaxError;
use crate::ring::Unavailable;
use crate::store::StoreError;

/// A failed request: what the ERROR response carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExecError {
    /// The error code and its fields.
    pub(crate) error: DbError,
    /// The message.
    pub(crate) message: String,
}

/// Shorthand for results of executor steps.
pub(crate) type ExecResult<T> = Result<T, ExecError>;

impl ExecError {
    pub(crate) fn new(error: DbError, message: impl Into<String>) -> Self {
        ExecError {
            error,
            message: message.into(),
        }
    }

    /// `INVALID` (0x2200).
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(DbError::Invalid, message)
    }

    /// `SYNTAX_ERROR` (0x2000).
    pub(crate) fn syntax(message: impl Into<String>) -> Self {
        Self::new(DbError::SyntaxError, message)
    }

    /// `UNAUTHORIZED` (0x2100).
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(DbError::Unauthorized, message)
    }

    /// `CONFIG_ERROR` (0x2300).
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Self::new(DbError::ConfigError, message)
    }

    /// `SERVER_ERROR` (0x0000): something this cluster should not have let happen.
    pub(crate) fn server(message: impl Into<String>) -> Self {
        Self::new(DbError::ServerError, message)
    }

    /// `UNPREPARED` (0x2500) for `id`.
    pub(crate) fn unprepared(id: &[u8]) -> Self {
        Self::new(
            DbError::Unprepared {
                statement_id: Bytes::copy_from_slice(id),
            },
            format!(
                "Prepared query with ID {} not found (either the query was not prepared on this \
                 host (maybe the host has been restarted?) or you have prepared too many queries \
                 and it has been evicted from the internal cache)",
                hex(id)
            ),
        )
    }

    /// ScyllaDB's rate-limit error (Config_error for clients without the extension).
    pub(crate) fn rate_limited(write: bool, keyspace: &str, table: &str) -> Self {
        Self::new(
            DbError::RateLimitReached {
                op_type: if write {
                    OperationType::Write
                } else {
                    OperationType::Read
                },
                rejected_by_coordinator: false,
            },
            format!(
                "Per-partition rate limit reached for {} in table {keyspace}.{table}, exceeded \
                 the configured limit",
                if write { "writes" } else { "reads" }
            ),
        )
    }
}

impl From<StoreError> for ExecError {
    fn from(e: StoreError) -> Self {
        let message = e.to_string();
        match e {
            StoreError::AlreadyExists { keyspace, table } => {
                Self::new(DbError::AlreadyExists { keyspace, table }, message)
            }
            StoreError::Invalid(_) => Self::invalid(message),
            StoreError::Syntax(_) => Self::syntax(message),
            StoreError::Config(_) => Self::config(message),
            StoreError::Unauthorized(_) => Self::unauthorized(message),
        }
    }
}

impl From<SyntaxError> for ExecError {
    fn from(e: SyntaxError) -> Self {
        Self::syntax(e.to_string())
    }
}

impl From<Unavailable> for ExecError {
    fn from(u: Unavailable) -> Self {
        let message = u.to_string();
        Self::new(
            DbError::Unavailable {
                consistency: u.consistency,
                required: i32::try_from(u.required).unwrap_or(i32::MAX),
                alive: i32::try_from(u.alive).unwrap_or(i32::MAX),
            },
            message,
        )
    }
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_map_to_codes() {
        let e: ExecError = StoreError::AlreadyExists {
            keyspace: "ks".into(),
            table: "t".into(),
        }
        .into();
        assert!(matches!(e.error, DbError::AlreadyExists { .. }));
        assert!(e.message.contains("already existing table"));
        let e: ExecError = StoreError::Config("x".into()).into();
        assert_eq!(e.error, DbError::ConfigError);
        let e: ExecError = StoreError::Unauthorized("x".into()).into();
        assert_eq!(e.error, DbError::Unauthorized);
    }

    #[test]
    fn hex_is_lower_case() {
        assert_eq!(hex(&[0x00, 0xab, 0x7f]), "00ab7f");
    }
}
