//! Deserialization of CQL values and rows into Rust types, borrowing from the response
//! frame where the target type allows it (`&str`, `&[u8]`, `Bytes` do not copy).
//!
//! A result set is type-checked once against the target row type
//! ([`DeserializeRow::type_check`](row::DeserializeRow::type_check)); rows are then
//! deserialized without further type checks.

use crate::serialize::type_erased_error;

pub mod frame_slice;
pub mod result;
pub mod row;
pub mod value;

pub use frame_slice::FrameSlice;

type_erased_error! {
    /// A target type does not match the CQL type(s) it was asked to deserialize.
    /// Type-erased; the built-in errors are [`value::BuiltinTypeCheckError`] and
    /// [`row::BuiltinTypeCheckError`].
    TypeCheckError
}

type_erased_error! {
    /// The bytes of a value could not be deserialized. Type-erased; the built-in errors
    /// are [`value::BuiltinDeserializationError`] and [`row::BuiltinDeserializationError`].
    DeserializationError
}
