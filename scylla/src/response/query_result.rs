//! Results of requests: [`QueryResult`] and, for row results, [`QueryRowsResult`].

use thiserror::Error;

use scylla_cql::deserialize::{DeserializationError, TypeCheckError};
use scylla_cql::frame::frame_errors::ResultMetadataAndRowsCountParseError;

/// The result of a request. (Being built.)
#[derive(Debug, Clone, Default)]
pub struct QueryResult {}

/// [`QueryResult::into_rows_result`] failed.
#[derive(Debug, Error, Clone)]
pub enum IntoRowsResultError {
    /// The result is not a Rows result.
    #[error("result is not of Rows type")]
    ResultNotRows(QueryResult),
    /// The result metadata could not be parsed.
    #[error("failed to deserialize the result metadata: {0}")]
    ResultMetadataLazyDeserializationError(#[from] ResultMetadataAndRowsCountParseError),
}

/// [`QueryRowsResult::rows`] failed.
#[derive(Debug, Error, Clone)]
pub enum RowsError {
    /// The rows do not match the requested type.
    #[error("type check failed: {0}")]
    TypeCheckFailed(#[from] TypeCheckError),
}

/// [`QueryRowsResult::first_row`] failed.
#[derive(Debug, Error, Clone)]
pub enum FirstRowError {
    /// There are no rows.
    #[error("the result has no rows")]
    RowsEmpty,
    /// The rows do not match the requested type.
    #[error("type check failed: {0}")]
    TypeCheckFailed(#[from] TypeCheckError),
    /// The first row could not be deserialized.
    #[error("failed to deserialize the first row: {0}")]
    DeserializationFailed(#[from] DeserializationError),
}

/// [`QueryRowsResult::maybe_first_row`] failed.
#[derive(Debug, Error, Clone)]
pub enum MaybeFirstRowError {
    /// The rows do not match the requested type.
    #[error("type check failed: {0}")]
    TypeCheckFailed(#[from] TypeCheckError),
    /// The first row could not be deserialized.
    #[error("failed to deserialize the first row: {0}")]
    DeserializationFailed(#[from] DeserializationError),
}

/// [`QueryRowsResult::single_row`] failed.
#[derive(Debug, Error, Clone)]
pub enum SingleRowError {
    /// The result does not have exactly one row.
    #[error("expected exactly one row, got {0}")]
    UnexpectedRowCount(usize),
    /// The rows do not match the requested type.
    #[error("type check failed: {0}")]
    TypeCheckFailed(#[from] TypeCheckError),
    /// The row could not be deserialized.
    #[error("failed to deserialize the row: {0}")]
    DeserializationFailed(#[from] DeserializationError),
}

/// The result was expected to have no rows, but it has.
#[derive(Debug, Error, Clone)]
#[error("the result is a Rows result; expected a non-Rows result")]
pub struct ResultNotRowsError;
