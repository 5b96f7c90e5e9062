//! Deserialization of CQL values and rows into Rust types, borrowing from the response
//! frame where the target type allows it (`&str`, `&[u8]`, `Bytes` do not copy).
//!
//! A result set is type-checked once against the target row type
//! ([`DeserializeRow::type_check`](row::DeserializeRow::type_check)); rows are then
//! deserialized without further type checks.

use std::error::Error;
use std::fmt;
use std::sync::Arc;

pub mod frame_slice;
pub mod result;
pub mod row;
pub mod value;

pub use frame_slice::FrameSlice;

/// A target type does not match the CQL type(s) it was asked to deserialize.
/// Type-erased; the built-in errors are [`value::BuiltinTypeCheckError`] and
/// [`row::BuiltinTypeCheckError`].
#[derive(Debug, Clone)]
pub struct TypeCheckError(Arc<dyn Error + Send + Sync>);

impl TypeCheckError {
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

impl fmt::Display for TypeCheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TypeCheckError: {}", self.0)
    }
}

impl Error for TypeCheckError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.0.as_ref())
    }
}

/// The bytes of a value could not be deserialized. Type-erased; the built-in errors
/// are [`value::BuiltinDeserializationError`] and [`row::BuiltinDeserializationError`].
#[derive(Debug, Clone)]
pub struct DeserializationError(Arc<dyn Error + Send + Sync>);

impl DeserializationError {
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

impl fmt::Display for DeserializationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DeserializationError: {}", self.0)
    }
}

impl Error for DeserializationError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(self.0.as_ref())
    }
}
