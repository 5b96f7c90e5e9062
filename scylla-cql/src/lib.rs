//! The CQL binary protocol v4 with ScyllaDB's extensions.
//!
//! - [`frame`]: the frame header, reading frames, compression, every request and
//!   response message (encode and decode), ScyllaDB protocol features.
//! - [`value`]: Rust types for CQL values ([`value::CqlValue`] and friends).
//! - [`serialize`]: Rust values into request buffers, type-checked.
//! - [`deserialize`]: response bytes into Rust values, zero-copy where possible.
//!
//! This crate is shared by the `scylla` driver, the `scylla-sim` embedded cluster and
//! the `scylla-proxy` test proxy. Nothing here panics on malformed input: every parser
//! returns an error that says what it was reading.

#![deny(missing_docs)]

mod derive_support;
// Test fixtures shared with the integration tests and the fuzz seeds (`tests/cql_types`)
// name this crate `scylla_cql`; in the unit tests that is the crate itself.
#[cfg(test)]
extern crate self as scylla_cql;
pub mod deserialize;
pub mod frame;
pub mod serialize;
pub mod utils;
pub mod value;

pub use frame::types::Consistency;
pub use scylla_macros::{DeserializeRow, DeserializeValue, SerializeRow, SerializeValue};

#[doc(hidden)]
pub mod _macro_internal {
    pub use crate::derive_support::*;
    // Deserialization errors and helpers used by the DeserializeValue/DeserializeRow
    // derives (the `deser` prefixes keep them apart from the serialization ones).
    pub use crate::deserialize::row::{
        BuiltinDeserializationError as BuiltinRowDeserializationError,
        BuiltinDeserializationErrorKind as BuiltinRowDeserializationErrorKind,
        BuiltinTypeCheckError as DeserBuiltinRowTypeCheckError,
        BuiltinTypeCheckErrorKind as DeserBuiltinRowTypeCheckErrorKind, ColumnIterator,
        DeserializeRow, RawColumn,
        deser_error_replace_rust_name as row_deser_error_replace_rust_name,
        mk_deser_err as mk_row_deser_err, mk_typck_err as mk_deser_row_typck_err,
    };
    pub use crate::deserialize::value::{
        BuiltinDeserializationError as BuiltinTypeDeserializationError,
        BuiltinDeserializationErrorKind as BuiltinTypeDeserializationErrorKind,
        BuiltinTypeCheckError as DeserBuiltinTypeTypeCheckError,
        BuiltinTypeCheckErrorKind as DeserBuiltinTypeTypeCheckErrorKind, DeserializeValue,
        UdtDeserializationErrorKind, UdtIterator,
        UdtTypeCheckErrorKind as DeserUdtTypeCheckErrorKind,
        deser_error_replace_rust_name as value_deser_error_replace_rust_name,
        mk_deser_err as mk_value_deser_err, mk_typck_err as mk_deser_value_typck_err,
    };
    pub use crate::deserialize::{DeserializationError, FrameSlice, TypeCheckError};
    pub use crate::frame::response::result::{ColumnSpec, ColumnType, NativeType};
    pub use crate::serialize::row::{RowSerializationContext, SerializeRow};
    pub use crate::serialize::value::SerializeValue;
    pub use crate::serialize::writers::{CellWriter, RowWriter, WrittenCellProof};
    pub use crate::serialize::{CellValueBuilder, SerializationError};

    // Serialization errors and helpers used by the SerializeValue/SerializeRow derives.
    pub use crate::serialize::row::{
        BuiltinSerializationError as BuiltinRowSerializationError,
        BuiltinSerializationErrorKind as BuiltinRowSerializationErrorKind,
        BuiltinTypeCheckError as BuiltinRowTypeCheckError,
        BuiltinTypeCheckErrorKind as BuiltinRowTypeCheckErrorKind, mk_ser_err as mk_row_ser_err,
        mk_typck_err as mk_row_typck_err,
    };
    pub use crate::serialize::value::{
        BuiltinSerializationError as BuiltinTypeSerializationError,
        BuiltinSerializationErrorKind as BuiltinTypeSerializationErrorKind,
        BuiltinTypeCheckError as BuiltinTypeTypeCheckError,
        BuiltinTypeCheckErrorKind as BuiltinTypeTypeCheckErrorKind, UdtSerializationErrorKind,
        UdtTypeCheckErrorKind, mk_ser_err as mk_value_ser_err, mk_typck_err as mk_value_typck_err,
    };
}
