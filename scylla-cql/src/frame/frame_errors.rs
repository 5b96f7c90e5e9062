//! Errors of framing, request serialization and response parsing.
//!
//! Every parser in this crate reports what it was reading when it failed, so that a
//! malformed frame from the network becomes a readable error and never a panic.

use std::sync::Arc;

use super::TryFromPrimitiveError;

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
    #[error("unknown consistency code {0:#06x}")]
    UnknownConsistency(u16),
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

impl From<TryFromPrimitiveError<u16>> for LowLevelDeserializationError {
    fn from(e: TryFromPrimitiveError<u16>) -> Self {
        Self::UnknownConsistency(e.primitive)
    }
}
