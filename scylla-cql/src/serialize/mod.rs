//! Serialization of Rust values into CQL values, rows of bind values and batches,
//! written straight into the request buffer and type-checked against the
//! [`ColumnType`](crate::frame::response::result::ColumnType) the server announced.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

pub mod batch;
pub mod raw_batch;
pub mod row;
pub mod value;
pub mod writers;

pub use writers::{CellValueBuilder, CellWriter, RowWriter};

/// A serialization failure. Type-erased, so that user impls may return their own
/// errors; the built-in ones are [`value::BuiltinSerializationError`],
/// [`value::BuiltinTypeCheckError`] and their row-level counterparts.
#[derive(Debug, Clone)]
pub struct SerializationError(Arc<dyn Error + Send + Sync>);

impl SerializationError {
    /// Wraps any error.
    #[inline]
    pub fn new(err: impl Error + Send + Sync + 'static) -> Self {
        Self(Arc::new(err))
    }

    /// The inner error, if it is a `T`.
    pub fn downcast_ref<T: Error + 'static>(&self) -> Option<&T> {
        self.0.downcast_ref::<T>()
    }

    /// Mutable access to the inner error, if it is a `T` and not shared.
    pub fn try_downcast_mut<T: Error + 'static>(&mut self) -> Option<&mut T> {
        Arc::get_mut(&mut self.0).and_then(|e| e.downcast_mut::<T>())
    }
}

impl fmt::Display for SerializationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SerializationError: {}", self.0)
    }
}

impl Error for SerializationError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.0.as_ref())
    }
}
