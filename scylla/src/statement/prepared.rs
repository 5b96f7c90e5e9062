//! Prepared statements.

use thiserror::Error;

use scylla_cql::serialize::SerializationError;

use crate::errors::{BadQuery, ExecutionError};

/// Computing a prepared statement's partition key failed.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PartitionKeyExtractionError {
    /// A partition-key column has no bind value at this index.
    #[error("no value with index {0} for partition key column {1} was given")]
    NoPkIndexValue(u16, u16),
}

/// Computing a token from a partition key failed.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenCalculationError {
    /// A key component is longer than the 65535 bytes a composite key can hold.
    #[error("value of length {0} is too long to be a partition key component (max 65535)")]
    ValueTooLong(usize),
}

/// Computing a prepared statement's partition key or token failed.
#[derive(Clone, Debug, Error)]
#[non_exhaustive]
pub enum PartitionKeyError {
    /// The key could not be taken from the values.
    #[error(transparent)]
    PartitionKeyExtraction(#[from] PartitionKeyExtractionError),
    /// The token could not be computed.
    #[error(transparent)]
    TokenCalculation(#[from] TokenCalculationError),
    /// The values could not be serialized.
    #[error(transparent)]
    Serialization(#[from] SerializationError),
}

impl PartitionKeyError {
    /// The equivalent [`ExecutionError`].
    pub fn into_execution_error(self) -> ExecutionError {
        match self {
            PartitionKeyError::PartitionKeyExtraction(_) => {
                ExecutionError::BadQuery(BadQuery::PartitionKeyExtraction(self))
            }
            PartitionKeyError::TokenCalculation(TokenCalculationError::ValueTooLong(len)) => {
                ExecutionError::BadQuery(BadQuery::ValuesTooLongForKey(len, u16::MAX as usize))
            }
            PartitionKeyError::Serialization(e) => {
                ExecutionError::BadQuery(BadQuery::SerializationError(e))
            }
        }
    }
}
