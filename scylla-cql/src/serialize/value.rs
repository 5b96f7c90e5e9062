//! The [`SerializeValue`] trait: one Rust value into one CQL cell, its built-in
//! implementations, and the errors they report.
//!
//! Every built-in implementation checks the CQL type first and reports a
//! [`BuiltinTypeCheckError`] naming both the Rust type and the CQL type when they do not
//! match; a value that matches the type but cannot be represented (a number out of
//! range, a collection too large, a vector of the wrong length...) gives a
//! [`BuiltinSerializationError`]. The encodings are those of the native protocol
//! specification (v4 §6, v5 §5 for `duration` and `vector`).
//!
//! ```
//! use scylla_cql::frame::response::result::{ColumnType, NativeType};
//! use scylla_cql::serialize::value::SerializeValue;
//! use scylla_cql::serialize::writers::CellWriter;
//!
//! let int = ColumnType::Native(NativeType::Int);
//! let mut buf = Vec::new();
//! 42i32.serialize(&int, CellWriter::new(&mut buf)).unwrap();
//! assert_eq!(buf, [0, 0, 0, 4, 0, 0, 0, 42]);
//!
//! let text = ColumnType::Native(NativeType::Text);
//! let err = 42i32.serialize(&text, CellWriter::new(&mut buf)).unwrap_err();
//! assert!(err.to_string().contains("Rust type i32 against CQL type text"));
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;
use thiserror::Error;
use uuid::Uuid;

use crate::frame::response::result::{CollectionType, ColumnType, NativeType};
use crate::frame::types::{write_unsigned_vint, write_vint};
use crate::value::{
    Counter, CqlDate, CqlDecimal, CqlDecimalBorrowed, CqlDuration, CqlTime, CqlTimestamp,
    CqlTimeuuid, CqlValue, CqlVarint, CqlVarintBorrowed, Emptiable, MaybeEmpty, MaybeUnset, Unset,
};

use super::writers::{CellValueBuilder, CellWriter, WrittenCellProof};
use super::{SerializationError, builtin_error_constructors, error_kind_from};

/// A Rust type that can be serialized as a CQL value of some [`ColumnType`]s.
///
/// `serialize` checks `typ` (returning a type-check error naming the Rust type and the
/// CQL type if they do not match) and writes exactly one cell with `writer`.
pub trait SerializeValue {
    /// Serializes `self` as a value of type `typ`.
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError>;
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// A Rust type could not be serialized as a value of a CQL type because the types do
/// not match.
#[derive(Debug, Clone, Error)]
#[error("failed to type check Rust type {rust_name} against CQL type {got}: {kind}")]
pub struct BuiltinTypeCheckError {
    /// The Rust type's name.
    pub rust_name: &'static str,
    /// The CQL type the value was to be serialized as.
    pub got: ColumnType<'static>,
    /// What did not match.
    pub kind: BuiltinTypeCheckErrorKind,
}

builtin_error_constructors! {
    BuiltinTypeCheckError in SerializationError,
    kind BuiltinTypeCheckErrorKind, got: ColumnType;
    /// Builds a [`BuiltinTypeCheckError`] for the Rust type `T`, wrapped in a
    /// [`SerializationError`].
    pub fn mk_typck_err<T: ?Sized>;
    /// Builds a [`BuiltinTypeCheckError`] for the Rust type named `rust_name`, wrapped in a
    /// [`SerializationError`].
    #[doc(hidden)]
    pub fn mk_typck_err_named;
}

/// The ways a Rust type can fail to match a CQL type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum BuiltinTypeCheckErrorKind {
    /// The CQL type is none of those the Rust type can be serialized as.
    MismatchedType {
        /// The CQL types the Rust type can be serialized as.
        expected: &'static [ColumnType<'static>],
    },
    /// The value is the special "empty" value, which the CQL type does not allow.
    NotEmptyable,
    /// A Rust set-like or list-like type against a CQL type that is not a set or list.
    SetOrListError(SetOrListTypeCheckErrorKind),
    /// A Rust map against a CQL type that is not a map.
    MapError(MapTypeCheckErrorKind),
    /// A Rust tuple against a CQL type that is not a matching tuple.
    TupleError(TupleTypeCheckErrorKind),
    /// A Rust user-defined type against a CQL type that is not a matching UDT.
    UdtError(UdtTypeCheckErrorKind),
}

impl fmt::Display for BuiltinTypeCheckErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuiltinTypeCheckErrorKind::MismatchedType { expected } => {
                f.write_str("expected one of the CQL types: ")?;
                for (i, t) in expected.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{t}")?;
                }
                Ok(())
            }
            BuiltinTypeCheckErrorKind::NotEmptyable => f.write_str(
                "the value is the special empty value, which the CQL type does not allow",
            ),
            BuiltinTypeCheckErrorKind::SetOrListError(e) => fmt::Display::fmt(e, f),
            BuiltinTypeCheckErrorKind::MapError(e) => fmt::Display::fmt(e, f),
            BuiltinTypeCheckErrorKind::TupleError(e) => fmt::Display::fmt(e, f),
            BuiltinTypeCheckErrorKind::UdtError(e) => fmt::Display::fmt(e, f),
        }
    }
}

error_kind_from!(BuiltinTypeCheckErrorKind {
    SetOrListError(SetOrListTypeCheckErrorKind),
    MapError(MapTypeCheckErrorKind),
    TupleError(TupleTypeCheckErrorKind),
    UdtError(UdtTypeCheckErrorKind),
});

/// Why a list-like Rust type does not match the CQL type.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum SetOrListTypeCheckErrorKind {
    /// The CQL type is not a list or a set (nor a vector, for types that allow one).
    #[error("the CQL type is not a list or a set")]
    NotSetOrList,
}

/// Why a Rust map does not match the CQL type.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum MapTypeCheckErrorKind {
    /// The CQL type is not a map.
    #[error("the CQL type is not a map")]
    NotMap,
}

/// Why a Rust tuple does not match the CQL type.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum TupleTypeCheckErrorKind {
    /// The CQL type is not a tuple.
    #[error("the CQL type is not a tuple")]
    NotTuple,
    /// The Rust tuple has more elements than the CQL tuple type.
    #[error(
        "the Rust tuple has {rust_type_el_count} elements, but the CQL tuple type has only {cql_type_el_count}"
    )]
    WrongElementCount {
        /// Elements of the Rust tuple.
        rust_type_el_count: usize,
        /// Elements of the CQL tuple type.
        cql_type_el_count: usize,
    },
}

/// Why a Rust user-defined type does not match the CQL type.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum UdtTypeCheckErrorKind {
    /// The CQL type is not a user-defined type.
    #[error("the CQL type is not a user-defined type")]
    NotUdt,
    /// The value belongs to a different UDT than the CQL type.
    #[error("the value is not of the CQL user-defined type {keyspace}.{type_name}")]
    NameMismatch {
        /// The CQL UDT's keyspace.
        keyspace: String,
        /// The CQL UDT's name.
        type_name: String,
    },
    /// The Rust type has no value for a field of the CQL UDT.
    #[error("the Rust type has no value for field {field_name} of the CQL user-defined type")]
    ValueMissingForUdtField {
        /// The CQL field's name.
        field_name: String,
    },
    /// The Rust type has a field the CQL UDT does not have.
    #[error("the CQL user-defined type has no field named {field_name}")]
    NoSuchFieldInUdt {
        /// The Rust field's name.
        field_name: String,
    },
    /// The fields are in a different order in the Rust type than in the CQL UDT.
    #[error(
        "Rust field {rust_field_name} is at the place of CQL field {db_field_name}: the names differ"
    )]
    FieldNameMismatch {
        /// The Rust field's name.
        rust_field_name: String,
        /// The CQL field's name.
        db_field_name: String,
    },
}

/// A Rust value matched the CQL type but could not be serialized.
#[derive(Debug, Clone, Error)]
#[error("failed to serialize Rust type {rust_name} into CQL type {got}: {kind}")]
pub struct BuiltinSerializationError {
    /// The Rust type's name.
    pub rust_name: &'static str,
    /// The CQL type the value was to be serialized as.
    pub got: ColumnType<'static>,
    /// What went wrong.
    pub kind: BuiltinSerializationErrorKind,
}

builtin_error_constructors! {
    BuiltinSerializationError in SerializationError,
    kind BuiltinSerializationErrorKind, got: ColumnType;
    /// Builds a [`BuiltinSerializationError`] for the Rust type `T`, wrapped in a
    /// [`SerializationError`].
    pub fn mk_ser_err<T: ?Sized>;
    /// Builds a [`BuiltinSerializationError`] for the Rust type named `rust_name`, wrapped
    /// in a [`SerializationError`].
    #[doc(hidden)]
    pub fn mk_ser_err_named;
}

/// The ways serializing a value that type-checked can fail.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum BuiltinSerializationErrorKind {
    /// The serialized value would be larger than a cell can hold (`i32::MAX` bytes).
    #[error("the serialized value is larger than a CQL value can be (i32::MAX bytes)")]
    SizeOverflow,
    /// The value is outside the range of the CQL type.
    #[error("the value is out of the range of the CQL type")]
    ValueOverflow,
    /// Serializing a list or set failed.
    #[error(transparent)]
    SetOrListError(SetOrListSerializationErrorKind),
    /// Serializing a map failed.
    #[error(transparent)]
    MapError(MapSerializationErrorKind),
    /// Serializing a tuple failed.
    #[error(transparent)]
    TupleError(TupleSerializationErrorKind),
    /// Serializing a user-defined type failed.
    #[error(transparent)]
    UdtError(UdtSerializationErrorKind),
    /// Serializing a vector failed.
    #[error(transparent)]
    VectorError(VectorSerializationErrorKind),
}

error_kind_from!(BuiltinSerializationErrorKind {
    SetOrListError(SetOrListSerializationErrorKind),
    MapError(MapSerializationErrorKind),
    TupleError(TupleSerializationErrorKind),
    UdtError(UdtSerializationErrorKind),
    VectorError(VectorSerializationErrorKind),
});

/// Why serializing a list or set failed.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum SetOrListSerializationErrorKind {
    /// More elements than the `[int]` count can express.
    #[error("the collection has more than i32::MAX elements")]
    TooManyElements,
    /// An element failed to serialize.
    #[error("failed to serialize an element: {0}")]
    ElementSerializationFailed(SerializationError),
}

/// Why serializing a map failed.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum MapSerializationErrorKind {
    /// More entries than the `[int]` count can express.
    #[error("the map has more than i32::MAX entries")]
    TooManyElements,
    /// A key failed to serialize.
    #[error("failed to serialize a key: {0}")]
    KeySerializationFailed(SerializationError),
    /// A value failed to serialize.
    #[error("failed to serialize a value: {0}")]
    ValueSerializationFailed(SerializationError),
}

/// Why serializing a tuple failed.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum TupleSerializationErrorKind {
    /// An element failed to serialize.
    #[error("failed to serialize tuple element {index}: {err}")]
    ElementSerializationFailed {
        /// The element's position (from 0).
        index: usize,
        /// The element's error.
        err: SerializationError,
    },
}

/// Why serializing a user-defined type failed.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum UdtSerializationErrorKind {
    /// A field failed to serialize.
    #[error("failed to serialize field {field_name}: {err}")]
    FieldSerializationFailed {
        /// The field's name.
        field_name: String,
        /// The field's error.
        err: SerializationError,
    },
}

/// Why serializing a vector failed.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum VectorSerializationErrorKind {
    /// The number of elements differs from the vector type's dimensions
    /// (elements given, dimensions).
    #[error("the value has {0} elements, but the vector type has {1} dimensions")]
    InvalidNumberOfElements(usize, u16),
    /// An element failed to serialize.
    #[error("failed to serialize an element: {0}")]
    ElementSerializationFailed(SerializationError),
    /// An element was null or unset; a vector's elements must all be values.
    #[error("element {index} is null or unset, which a vector cannot hold")]
    NullElement {
        /// The element's position (from 0).
        index: usize,
    },
    /// An element of a fixed-size type did not serialize to exactly that size (the
    /// special empty value, for instance).
    #[error("element {index} serialized to {got} bytes, but the element type takes {expected}")]
    WrongElementSize {
        /// The element's position (from 0).
        index: usize,
        /// The fixed size of the element type.
        expected: usize,
        /// The size the element serialized to.
        got: usize,
    },
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// Checks that `typ` is one of the native types listed, or returns a `MismatchedType`
/// error for `Self`.
macro_rules! exact_type_check {
    ($typ:expr, $($cql:ident),+ $(,)?) => {
        match $typ {
            $(ColumnType::Native(NativeType::$cql))|+ => {}
            _ => {
                const EXPECTED: &[ColumnType<'static>] =
                    &[$(ColumnType::Native(NativeType::$cql)),+];
                return Err(mk_typck_err::<Self>(
                    $typ,
                    BuiltinTypeCheckErrorKind::MismatchedType { expected: EXPECTED },
                ));
            }
        }
    };
}

/// Writes `bytes` as the cell's value.
#[inline]
fn write_cell<'b>(
    rust_name: &'static str,
    typ: &ColumnType,
    writer: CellWriter<'b>,
    bytes: &[u8],
) -> Result<WrittenCellProof<'b>, SerializationError> {
    writer
        .set_value(bytes)
        .map_err(|_| mk_ser_err_named(rust_name, typ, BuiltinSerializationErrorKind::SizeOverflow))
}

/// Finishes a value built in pieces.
#[inline]
fn finish_cell<'b>(
    rust_name: &'static str,
    typ: &ColumnType,
    builder: CellValueBuilder<'b>,
) -> Result<WrittenCellProof<'b>, SerializationError> {
    builder
        .finish()
        .map_err(|_| mk_ser_err_named(rust_name, typ, BuiltinSerializationErrorKind::SizeOverflow))
}

/// A varint's bytes as written: an empty digit string means zero, which is written as
/// one zero byte (a zero-length value would be the special "empty" value instead).
#[inline]
fn varint_wire_bytes(digits: &[u8]) -> &[u8] {
    if digits.is_empty() { &[0] } else { digits }
}

fn serialize_varint<'b>(
    rust_name: &'static str,
    typ: &ColumnType,
    writer: CellWriter<'b>,
    digits: &[u8],
) -> Result<WrittenCellProof<'b>, SerializationError> {
    write_cell(rust_name, typ, writer, varint_wire_bytes(digits))
}

fn serialize_decimal<'b>(
    rust_name: &'static str,
    typ: &ColumnType,
    writer: CellWriter<'b>,
    digits: &[u8],
    scale: i32,
) -> Result<WrittenCellProof<'b>, SerializationError> {
    let mut builder = writer.into_value_builder();
    builder.append_bytes(&scale.to_be_bytes());
    builder.append_bytes(varint_wire_bytes(digits));
    finish_cell(rust_name, typ, builder)
}

/// Which CQL collection kinds a list-like Rust type may be serialized as.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SequenceKinds {
    /// `list` or `set`.
    ListOrSet,
    /// `list`, `set` or `vector`.
    ListSetOrVector,
}

/// Serializes `len` elements as a list or set (or a vector, if allowed).
fn serialize_sequence<'t, 'b, T: SerializeValue + ?Sized + 't>(
    rust_name: &'static str,
    len: usize,
    iter: impl Iterator<Item = &'t T>,
    typ: &ColumnType,
    writer: CellWriter<'b>,
    kinds: SequenceKinds,
) -> Result<WrittenCellProof<'b>, SerializationError> {
    let elt = match typ {
        ColumnType::Collection {
            typ: CollectionType::List(elt) | CollectionType::Set(elt),
            ..
        } => elt,
        ColumnType::Vector {
            typ: elt,
            dimensions,
        } if kinds == SequenceKinds::ListSetOrVector => {
            return serialize_vector(rust_name, typ, elt, *dimensions, len, iter, writer);
        }
        _ => {
            return Err(mk_typck_err_named(
                rust_name,
                typ,
                SetOrListTypeCheckErrorKind::NotSetOrList,
            ));
        }
    };
    let count = i32::try_from(len).map_err(|_| {
        mk_ser_err_named(
            rust_name,
            typ,
            SetOrListSerializationErrorKind::TooManyElements,
        )
    })?;
    let mut builder = writer.into_value_builder();
    builder.append_bytes(&count.to_be_bytes());
    for el in iter {
        el.serialize(elt, builder.make_sub_writer())
            .map_err(|err| {
                mk_ser_err_named(
                    rust_name,
                    typ,
                    SetOrListSerializationErrorKind::ElementSerializationFailed(err),
                )
            })?;
    }
    finish_cell(rust_name, typ, builder)
}

/// Serializes `len` elements as a `vector<elt, dimensions>`: elements of a fixed-size
/// type back to back, elements of a variable-size type each after an
/// `[unsigned vint]` length.
fn serialize_vector<'t, 'b, T: SerializeValue + ?Sized + 't>(
    rust_name: &'static str,
    typ: &ColumnType,
    elt: &ColumnType,
    dimensions: u16,
    len: usize,
    iter: impl Iterator<Item = &'t T>,
    writer: CellWriter<'b>,
) -> Result<WrittenCellProof<'b>, SerializationError> {
    if len != dimensions as usize {
        return Err(mk_ser_err_named(
            rust_name,
            typ,
            VectorSerializationErrorKind::InvalidNumberOfElements(len, dimensions),
        ));
    }
    let fixed_size = elt.type_size_for_vector();
    let mut builder = writer.into_value_builder();
    // Each element is first written as a regular length-prefixed cell, so that null
    // and unset (which a vector cannot hold) can be told apart from values.
    let mut scratch: Vec<u8> = Vec::new();
    let mut len_prefix: Vec<u8> = Vec::with_capacity(9);
    for (index, el) in iter.enumerate() {
        scratch.clear();
        el.serialize(elt, CellWriter::new(&mut scratch))
            .map_err(|err| {
                mk_ser_err_named(
                    rust_name,
                    typ,
                    VectorSerializationErrorKind::ElementSerializationFailed(err),
                )
            })?;
        let (len_bytes, content) = match scratch.split_first_chunk::<4>() {
            Some((l, c)) if i32::from_be_bytes(*l) >= 0 => (l, c),
            _ => {
                return Err(mk_ser_err_named(
                    rust_name,
                    typ,
                    VectorSerializationErrorKind::NullElement { index },
                ));
            }
        };
        debug_assert_eq!(i32::from_be_bytes(*len_bytes) as usize, content.len());
        match fixed_size {
            Some(expected) => {
                if content.len() != expected {
                    return Err(mk_ser_err_named(
                        rust_name,
                        typ,
                        VectorSerializationErrorKind::WrongElementSize {
                            index,
                            expected,
                            got: content.len(),
                        },
                    ));
                }
            }
            None => {
                len_prefix.clear();
                write_unsigned_vint(content.len() as u64, &mut len_prefix);
                builder.append_bytes(&len_prefix);
            }
        }
        builder.append_bytes(content);
    }
    finish_cell(rust_name, typ, builder)
}

/// Serializes `len` key/value pairs as a map.
fn serialize_mapping<'t, 'b, K, V>(
    rust_name: &'static str,
    len: usize,
    iter: impl Iterator<Item = (&'t K, &'t V)>,
    typ: &ColumnType,
    writer: CellWriter<'b>,
) -> Result<WrittenCellProof<'b>, SerializationError>
where
    K: SerializeValue + ?Sized + 't,
    V: SerializeValue + ?Sized + 't,
{
    let (ktyp, vtyp) = match typ {
        ColumnType::Collection {
            typ: CollectionType::Map(k, v),
            ..
        } => (k, v),
        _ => {
            return Err(mk_typck_err_named(
                rust_name,
                typ,
                MapTypeCheckErrorKind::NotMap,
            ));
        }
    };
    let count = i32::try_from(len).map_err(|_| {
        mk_ser_err_named(rust_name, typ, MapSerializationErrorKind::TooManyElements)
    })?;
    let mut builder = writer.into_value_builder();
    builder.append_bytes(&count.to_be_bytes());
    for (k, v) in iter {
        k.serialize(ktyp, builder.make_sub_writer())
            .map_err(|err| {
                mk_ser_err_named(
                    rust_name,
                    typ,
                    MapSerializationErrorKind::KeySerializationFailed(err),
                )
            })?;
        v.serialize(vtyp, builder.make_sub_writer())
            .map_err(|err| {
                mk_ser_err_named(
                    rust_name,
                    typ,
                    MapSerializationErrorKind::ValueSerializationFailed(err),
                )
            })?;
    }
    finish_cell(rust_name, typ, builder)
}

/// Implements `SerializeValue` for a type written as a native CQL type: after
/// `exact_type_check!` against the listed types, `$bytes` (with `$v` bound to the
/// value and `$typ` to the CQL type; it may return early with `?`) computes what
/// `$write` writes: the bytes for `write_cell` and `serialize_varint`, a
/// `(digits, scale)` pair for `serialize_decimal`.
macro_rules! impl_native_value {
    ($(#[$attr:meta])* impl$([$($gen:tt)*])? for $t:ty: $($cql:ident),+
        => $write:ident(|$v:ident, $typ:ident| $bytes:expr)) => {
        $(#[$attr])*
        impl$(<$($gen)*>)? SerializeValue for $t {
            fn serialize<'b>(
                &self,
                $typ: &ColumnType,
                writer: CellWriter<'b>,
            ) -> Result<WrittenCellProof<'b>, SerializationError> {
                exact_type_check!($typ, $($cql),+);
                let $v = self;
                let value = $bytes;
                let name = std::any::type_name::<Self>();
                impl_native_value!(@write $write(name, $typ, writer, value))
            }
        }
    };
    (@write serialize_decimal($name:expr, $typ:ident, $writer:ident, $value:ident)) => {
        serialize_decimal($name, $typ, $writer, &$value.0[..], $value.1)
    };
    (@write $write:ident($name:expr, $typ:ident, $writer:ident, $value:ident)) => {
        $write($name, $typ, $writer, &$value[..])
    };
}

/// Implements `SerializeValue` for a smart pointer by serializing what it points to.
macro_rules! impl_deref_value {
    (impl[$($gen:tt)*] for $t:ty) => {
        impl<$($gen)*> SerializeValue for $t {
            fn serialize<'b>(
                &self,
                typ: &ColumnType,
                writer: CellWriter<'b>,
            ) -> Result<WrittenCellProof<'b>, SerializationError> {
                T::serialize(&**self, typ, writer)
            }
        }
    };
}

/// Implements `SerializeValue` for a Rust collection (anything with `len` and `iter`)
/// as a CQL list-like collection (`sequence`, allowing the given `SequenceKinds`) or
/// as a CQL map (`mapping`).
macro_rules! impl_collection_value {
    (impl[$($gen:tt)*] for $t:ty => sequence($kinds:ident)) => {
        impl_collection_value!(@impl [$($gen)*] $t, |name, v, typ, writer| serialize_sequence(
            name,
            v.len(),
            v.iter(),
            typ,
            writer,
            SequenceKinds::$kinds,
        ));
    };
    (impl[$($gen:tt)*] for $t:ty => mapping) => {
        impl_collection_value!(@impl [$($gen)*] $t, |name, v, typ, writer| serialize_mapping(
            name,
            v.len(),
            v.iter(),
            typ,
            writer,
        ));
    };
    (@impl [$($gen:tt)*] $t:ty, |$name:ident, $v:ident, $typ:ident, $writer:ident| $body:expr) => {
        impl<$($gen)*> SerializeValue for $t {
            fn serialize<'b>(
                &self,
                $typ: &ColumnType,
                $writer: CellWriter<'b>,
            ) -> Result<WrittenCellProof<'b>, SerializationError> {
                let $name = std::any::type_name::<Self>();
                let $v = self;
                $body
            }
        }
    };
}

// ---------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------

macro_rules! impl_fixed_be {
    ($t:ty, $($cql:ident),+) => {
        impl SerializeValue for $t {
            fn serialize<'b>(
                &self,
                typ: &ColumnType,
                writer: CellWriter<'b>,
            ) -> Result<WrittenCellProof<'b>, SerializationError> {
                exact_type_check!(typ, $($cql),+);
                write_cell(std::any::type_name::<Self>(), typ, writer, &self.to_be_bytes())
            }
        }
    };
}

impl_fixed_be!(i8, TinyInt);
impl_fixed_be!(i16, SmallInt);
impl_fixed_be!(i32, Int);
impl_fixed_be!(i64, BigInt);
impl_fixed_be!(f32, Float);
impl_fixed_be!(f64, Double);

impl_native_value!(impl for bool: Boolean => write_cell(|v, typ| [u8::from(*v)]));
impl_native_value!(impl for Counter: Counter => write_cell(|v, typ| v.0.to_be_bytes()));
impl_native_value!(impl for CqlDate: Date => write_cell(|v, typ| v.0.to_be_bytes()));
impl_native_value!(impl for CqlTime: Time => write_cell(|v, typ| v.0.to_be_bytes()));
impl_native_value!(impl for CqlTimestamp: Timestamp => write_cell(|v, typ| v.0.to_be_bytes()));
impl_native_value!(impl for CqlDuration: Duration => write_cell(|v, typ| {
    let mut buf = Vec::with_capacity(27);
    write_vint(v.months as i64, &mut buf);
    write_vint(v.days as i64, &mut buf);
    write_vint(v.nanoseconds, &mut buf);
    buf
}));
impl_native_value!(impl for Uuid: Uuid, Timeuuid => write_cell(|v, typ| v.as_bytes()));
impl_native_value!(impl for CqlTimeuuid: Timeuuid => write_cell(|v, typ| v.as_bytes()));

impl SerializeValue for IpAddr {
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        exact_type_check!(typ, Inet);
        let name = std::any::type_name::<Self>();
        match self {
            IpAddr::V4(v4) => write_cell(name, typ, writer, &v4.octets()),
            IpAddr::V6(v6) => write_cell(name, typ, writer, &v6.octets()),
        }
    }
}

impl_native_value!(
    impl for CqlVarint: Varint => serialize_varint(|v, typ| v.as_signed_bytes_be_slice())
);
impl_native_value!(
    impl for CqlVarintBorrowed<'_>: Varint
        => serialize_varint(|v, typ| v.as_signed_bytes_be_slice())
);
impl_native_value!(
    impl for CqlDecimal: Decimal
        => serialize_decimal(|v, typ| v.as_signed_be_bytes_slice_and_exponent())
);
impl_native_value!(
    impl for CqlDecimalBorrowed<'_>: Decimal
        => serialize_decimal(|v, typ| v.as_signed_be_bytes_slice_and_exponent())
);

// ---------------------------------------------------------------------------------------
// Text and blobs
// ---------------------------------------------------------------------------------------

impl_native_value!(impl for str: Text, Ascii => write_cell(|v, typ| v.as_bytes()));
impl_native_value!(impl for String: Text, Ascii => write_cell(|v, typ| v.as_bytes()));
impl_native_value!(impl for &[u8]: Blob => write_cell(|v, typ| v));
impl_native_value!(impl for Vec<u8>: Blob => write_cell(|v, typ| v));
impl_native_value!(impl[const N: usize] for [u8; N]: Blob => write_cell(|v, typ| v));
impl_native_value!(impl for Bytes: Blob => write_cell(|v, typ| v));

// ---------------------------------------------------------------------------------------
// Markers and wrappers
// ---------------------------------------------------------------------------------------

impl SerializeValue for Unset {
    fn serialize<'b>(
        &self,
        _typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        Ok(writer.set_unset())
    }
}

impl<V: SerializeValue> SerializeValue for MaybeUnset<V> {
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        match self {
            MaybeUnset::Set(v) => v.serialize(typ, writer),
            MaybeUnset::Unset => Ok(writer.set_unset()),
        }
    }
}

impl<T: SerializeValue + Emptiable> SerializeValue for MaybeEmpty<T> {
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        match self {
            MaybeEmpty::Value(v) => v.serialize(typ, writer),
            MaybeEmpty::Empty => {
                if typ.supports_special_empty_value() {
                    write_cell(std::any::type_name::<Self>(), typ, writer, &[])
                } else {
                    Err(mk_typck_err::<Self>(
                        typ,
                        BuiltinTypeCheckErrorKind::NotEmptyable,
                    ))
                }
            }
        }
    }
}

impl<T: SerializeValue> SerializeValue for Option<T> {
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        match self {
            Some(v) => v.serialize(typ, writer),
            None => Ok(writer.set_null()),
        }
    }
}

impl_deref_value!(impl[T: SerializeValue + ?Sized] for &T);
impl_deref_value!(impl[T: SerializeValue + ?Sized] for Box<T>);
impl_deref_value!(impl[T: SerializeValue + ?Sized] for Arc<T>);
impl_deref_value!(impl[T: SerializeValue + ?Sized + ToOwned] for Cow<'_, T>);

// ---------------------------------------------------------------------------------------
// Collections
// ---------------------------------------------------------------------------------------

impl_collection_value!(impl[T: SerializeValue] for [T] => sequence(ListSetOrVector));
impl_collection_value!(impl[T: SerializeValue] for Vec<T> => sequence(ListSetOrVector));
impl_collection_value!(
    impl[V: SerializeValue, S: BuildHasher + Default] for HashSet<V, S> => sequence(ListOrSet)
);
impl_collection_value!(impl[V: SerializeValue] for BTreeSet<V> => sequence(ListOrSet));
impl_collection_value!(
    impl[K: SerializeValue, V: SerializeValue, S: BuildHasher] for HashMap<K, V, S> => mapping
);
impl_collection_value!(impl[K: SerializeValue, V: SerializeValue] for BTreeMap<K, V> => mapping);

// ---------------------------------------------------------------------------------------
// Tuples
// ---------------------------------------------------------------------------------------

/// A Rust tuple may be written into a CQL tuple type with as many or more elements
/// (the missing trailing elements are simply absent, which the protocol allows), never
/// into one with fewer.
macro_rules! impl_tuple {
    ($len:expr; $($T:ident $val:ident $typ:ident $idx:tt),+) => {
        impl<$($T: SerializeValue),+> SerializeValue for ($($T,)+) {
            fn serialize<'b>(
                &self,
                typ: &ColumnType,
                writer: CellWriter<'b>,
            ) -> Result<WrittenCellProof<'b>, SerializationError> {
                let typs = match typ {
                    ColumnType::Tuple(typs) => typs.as_slice(),
                    _ => {
                        return Err(mk_typck_err::<Self>(
                            typ,
                            TupleTypeCheckErrorKind::NotTuple,
                        ));
                    }
                };
                let [$($typ,)+ ..] = typs else {
                    return Err(mk_typck_err::<Self>(
                        typ,
                        TupleTypeCheckErrorKind::WrongElementCount {
                            rust_type_el_count: $len,
                            cql_type_el_count: typs.len(),
                        },
                    ));
                };
                let ($($val,)+) = self;
                let mut builder = writer.into_value_builder();
                $(
                    $val.serialize($typ, builder.make_sub_writer()).map_err(|err| {
                        mk_ser_err::<Self>(
                            typ,
                            TupleSerializationErrorKind::ElementSerializationFailed {
                                index: $idx,
                                err,
                            },
                        )
                    })?;
                )+
                finish_cell(std::any::type_name::<Self>(), typ, builder)
            }
        }
    };
}

impl_tuple!(1; T0 v0 t0 0);
impl_tuple!(2; T0 v0 t0 0, T1 v1 t1 1);
impl_tuple!(3; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2);
impl_tuple!(4; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3);
impl_tuple!(5; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4);
impl_tuple!(6; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4, T5 v5 t5 5);
impl_tuple!(7; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4, T5 v5 t5 5,
    T6 v6 t6 6);
impl_tuple!(8; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4, T5 v5 t5 5,
    T6 v6 t6 6, T7 v7 t7 7);
impl_tuple!(9; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4, T5 v5 t5 5,
    T6 v6 t6 6, T7 v7 t7 7, T8 v8 t8 8);
impl_tuple!(10; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4, T5 v5 t5 5,
    T6 v6 t6 6, T7 v7 t7 7, T8 v8 t8 8, T9 v9 t9 9);
impl_tuple!(11; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4, T5 v5 t5 5,
    T6 v6 t6 6, T7 v7 t7 7, T8 v8 t8 8, T9 v9 t9 9, T10 v10 t10 10);
impl_tuple!(12; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4, T5 v5 t5 5,
    T6 v6 t6 6, T7 v7 t7 7, T8 v8 t8 8, T9 v9 t9 9, T10 v10 t10 10, T11 v11 t11 11);
impl_tuple!(13; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4, T5 v5 t5 5,
    T6 v6 t6 6, T7 v7 t7 7, T8 v8 t8 8, T9 v9 t9 9, T10 v10 t10 10, T11 v11 t11 11,
    T12 v12 t12 12);
impl_tuple!(14; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4, T5 v5 t5 5,
    T6 v6 t6 6, T7 v7 t7 7, T8 v8 t8 8, T9 v9 t9 9, T10 v10 t10 10, T11 v11 t11 11,
    T12 v12 t12 12, T13 v13 t13 13);
impl_tuple!(15; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4, T5 v5 t5 5,
    T6 v6 t6 6, T7 v7 t7 7, T8 v8 t8 8, T9 v9 t9 9, T10 v10 t10 10, T11 v11 t11 11,
    T12 v12 t12 12, T13 v13 t13 13, T14 v14 t14 14);
impl_tuple!(16; T0 v0 t0 0, T1 v1 t1 1, T2 v2 t2 2, T3 v3 t3 3, T4 v4 t4 4, T5 v5 t5 5,
    T6 v6 t6 6, T7 v7 t7 7, T8 v8 t8 8, T9 v9 t9 9, T10 v10 t10 10, T11 v11 t11 11,
    T12 v12 t12 12, T13 v13 t13 13, T14 v14 t14 14, T15 v15 t15 15);

// ---------------------------------------------------------------------------------------
// CqlValue
// ---------------------------------------------------------------------------------------

impl SerializeValue for CqlValue {
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        serialize_cql_value(self, typ, writer).map_err(fix_cql_value_name_in_err)
    }
}

/// Errors from the implementations `CqlValue` delegates to name those types; make
/// them name `CqlValue`, the type the user serialized.
fn fix_cql_value_name_in_err(err: SerializationError) -> SerializationError {
    let name = std::any::type_name::<CqlValue>();
    err.map_inner(|e: &mut BuiltinTypeCheckError| e.rust_name = name)
        .map_inner(|e: &mut BuiltinSerializationError| e.rust_name = name)
}

fn serialize_cql_value<'b>(
    value: &CqlValue,
    typ: &ColumnType,
    writer: CellWriter<'b>,
) -> Result<WrittenCellProof<'b>, SerializationError> {
    let name = std::any::type_name::<CqlValue>();
    match value {
        CqlValue::Ascii(s) | CqlValue::Text(s) => s.as_str().serialize(typ, writer),
        CqlValue::Boolean(b) => b.serialize(typ, writer),
        // A custom type's value is opaque bytes: it deserializes as `Blob`, so a
        // `Blob` serializes as it, written unchanged.
        CqlValue::Blob(b) if matches!(typ, ColumnType::Custom(_)) => {
            write_cell(name, typ, writer, b)
        }
        CqlValue::Blob(b) => b.serialize(typ, writer),
        CqlValue::Counter(c) => c.serialize(typ, writer),
        CqlValue::Decimal(d) => d.serialize(typ, writer),
        CqlValue::Date(d) => d.serialize(typ, writer),
        CqlValue::Double(d) => d.serialize(typ, writer),
        CqlValue::Duration(d) => d.serialize(typ, writer),
        CqlValue::Empty => {
            if typ.supports_special_empty_value() {
                write_cell(name, typ, writer, &[])
            } else {
                Err(mk_typck_err_named(
                    name,
                    typ,
                    BuiltinTypeCheckErrorKind::NotEmptyable,
                ))
            }
        }
        CqlValue::Float(v) => v.serialize(typ, writer),
        CqlValue::Int(v) => v.serialize(typ, writer),
        CqlValue::BigInt(v) => v.serialize(typ, writer),
        CqlValue::Timestamp(v) => v.serialize(typ, writer),
        CqlValue::Inet(v) => v.serialize(typ, writer),
        CqlValue::List(v) | CqlValue::Set(v) | CqlValue::Vector(v) => serialize_sequence(
            name,
            v.len(),
            v.iter(),
            typ,
            writer,
            SequenceKinds::ListSetOrVector,
        ),
        CqlValue::Map(pairs) => serialize_mapping(
            name,
            pairs.len(),
            pairs.iter().map(|(k, v)| (k, v)),
            typ,
            writer,
        ),
        CqlValue::UserDefinedType {
            keyspace,
            name: type_name,
            fields,
        } => serialize_cql_udt(typ, keyspace, type_name, fields, writer),
        CqlValue::SmallInt(v) => v.serialize(typ, writer),
        CqlValue::TinyInt(v) => v.serialize(typ, writer),
        CqlValue::Time(v) => v.serialize(typ, writer),
        CqlValue::Timeuuid(v) => v.serialize(typ, writer),
        CqlValue::Tuple(elements) => serialize_cql_tuple(typ, elements, writer),
        CqlValue::Uuid(v) => v.serialize(typ, writer),
        CqlValue::Varint(v) => v.serialize(typ, writer),
    }
}

fn serialize_cql_tuple<'b>(
    typ: &ColumnType,
    elements: &[Option<CqlValue>],
    writer: CellWriter<'b>,
) -> Result<WrittenCellProof<'b>, SerializationError> {
    let name = std::any::type_name::<CqlValue>();
    let typs = match typ {
        ColumnType::Tuple(typs) => typs,
        _ => {
            return Err(mk_typck_err_named(
                name,
                typ,
                TupleTypeCheckErrorKind::NotTuple,
            ));
        }
    };
    if elements.len() > typs.len() {
        return Err(mk_typck_err_named(
            name,
            typ,
            TupleTypeCheckErrorKind::WrongElementCount {
                rust_type_el_count: elements.len(),
                cql_type_el_count: typs.len(),
            },
        ));
    }
    let mut builder = writer.into_value_builder();
    for (index, (el, el_typ)) in elements.iter().zip(typs.iter()).enumerate() {
        el.serialize(el_typ, builder.make_sub_writer())
            .map_err(|err| {
                mk_ser_err_named(
                    name,
                    typ,
                    TupleSerializationErrorKind::ElementSerializationFailed { index, err },
                )
            })?;
    }
    finish_cell(name, typ, builder)
}

fn serialize_cql_udt<'b>(
    typ: &ColumnType,
    keyspace: &str,
    type_name: &str,
    fields: &[(String, Option<CqlValue>)],
    writer: CellWriter<'b>,
) -> Result<WrittenCellProof<'b>, SerializationError> {
    let name = std::any::type_name::<CqlValue>();
    let definition = match typ {
        ColumnType::UserDefinedType { definition, .. } => definition,
        _ => return Err(mk_typck_err_named(name, typ, UdtTypeCheckErrorKind::NotUdt)),
    };
    if keyspace != definition.keyspace || type_name != definition.name {
        return Err(mk_typck_err_named(
            name,
            typ,
            UdtTypeCheckErrorKind::NameMismatch {
                keyspace: definition.keyspace.to_string(),
                type_name: definition.name.to_string(),
            },
        ));
    }
    // A field of the value that the type does not have is an error; one the value
    // lacks is written as null.
    if let Some((unknown, _)) = fields
        .iter()
        .find(|(f, _)| !definition.field_types.iter().any(|(n, _)| n == f))
    {
        return Err(mk_typck_err_named(
            name,
            typ,
            UdtTypeCheckErrorKind::NoSuchFieldInUdt {
                field_name: unknown.clone(),
            },
        ));
    }
    let mut builder = writer.into_value_builder();
    for (field_name, field_typ) in &definition.field_types {
        let value = fields
            .iter()
            .find(|(f, _)| f == field_name)
            .and_then(|(_, v)| v.as_ref());
        let sub = builder.make_sub_writer();
        match value {
            None => {
                sub.set_null();
            }
            Some(v) => {
                v.serialize(field_typ, sub).map_err(|err| {
                    mk_ser_err_named(
                        name,
                        typ,
                        UdtSerializationErrorKind::FieldSerializationFailed {
                            field_name: field_name.to_string(),
                            err,
                        },
                    )
                })?;
            }
        }
    }
    finish_cell(name, typ, builder)
}

// ---------------------------------------------------------------------------------------
// Feature types
// ---------------------------------------------------------------------------------------

impl_native_value!(
    #[cfg(feature = "chrono-04")]
    impl for chrono::NaiveDate: Date => write_cell(|v, typ| CqlDate::from(*v).0.to_be_bytes())
);
impl_native_value!(
    #[cfg(feature = "chrono-04")]
    impl for chrono::NaiveTime: Time => write_cell(|v, typ| {
        let t = CqlTime::try_from(*v)
            .map_err(|_| mk_ser_err::<Self>(typ, BuiltinSerializationErrorKind::ValueOverflow))?;
        t.0.to_be_bytes()
    })
);
impl_native_value!(
    #[cfg(feature = "chrono-04")]
    impl for chrono::DateTime<chrono::Utc>: Timestamp
        => write_cell(|v, typ| CqlTimestamp::from(*v).0.to_be_bytes())
);
impl_native_value!(
    #[cfg(feature = "time-03")]
    impl for time::Date: Date => write_cell(|v, typ| CqlDate::from(*v).0.to_be_bytes())
);
impl_native_value!(
    #[cfg(feature = "time-03")]
    impl for time::Time: Time => write_cell(|v, typ| CqlTime::from(*v).0.to_be_bytes())
);
impl_native_value!(
    #[cfg(feature = "time-03")]
    impl for time::OffsetDateTime: Timestamp
        => write_cell(|v, typ| CqlTimestamp::from(*v).0.to_be_bytes())
);
impl_native_value!(
    #[cfg(feature = "num-bigint-03")]
    impl for num_bigint_03::BigInt: Varint => serialize_varint(|v, typ| v.to_signed_bytes_be())
);
impl_native_value!(
    #[cfg(feature = "num-bigint-04")]
    impl for num_bigint_04::BigInt: Varint => serialize_varint(|v, typ| v.to_signed_bytes_be())
);
impl_native_value!(
    #[cfg(feature = "bigdecimal-04")]
    impl for bigdecimal_04::BigDecimal: Decimal => serialize_decimal(|v, typ| {
        let (unscaled, exponent) = v.as_bigint_and_exponent();
        let scale = i32::try_from(exponent)
            .map_err(|_| mk_ser_err::<Self>(typ, BuiltinSerializationErrorKind::ValueOverflow))?;
        (unscaled.to_signed_bytes_be(), scale)
    })
);

#[cfg(feature = "secrecy-08")]
impl<V: SerializeValue + secrecy_08::Zeroize> SerializeValue for secrecy_08::Secret<V> {
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        use secrecy_08::ExposeSecret;
        V::serialize(self.expose_secret(), typ, writer)
    }
}

/// Serializes the secret (`SecretString` as text, `SecretSlice<T>` as a list or set,
/// `SecretBox<T>` as `T`).
#[cfg(feature = "secrecy-10")]
impl<V: SerializeValue + secrecy_10::zeroize::Zeroize + ?Sized> SerializeValue
    for secrecy_10::SecretBox<V>
{
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError> {
        use secrecy_10::ExposeSecret;
        V::serialize(self.expose_secret(), typ, writer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ser<T: SerializeValue + ?Sized>(
        v: &T,
        typ: &ColumnType,
    ) -> Result<Vec<u8>, SerializationError> {
        let mut buf = Vec::new();
        v.serialize(typ, CellWriter::new(&mut buf))?;
        Ok(buf)
    }

    #[cfg(feature = "secrecy-10")]
    #[test]
    fn secrecy_10_secrets_serialize_as_their_content() {
        use crate::frame::response::result::{CollectionType, NativeType};
        use secrecy_10::{SecretBox, SecretSlice, SecretString};
        let text = ColumnType::Native(NativeType::Text);
        let int = ColumnType::Native(NativeType::Int);
        assert_eq!(
            ser(&SecretString::from("pw"), &text).unwrap(),
            ser("pw", &text).unwrap()
        );
        assert_eq!(
            ser(&SecretBox::new(Box::new(5i32)), &int).unwrap(),
            ser(&5i32, &int).unwrap()
        );
        let list = ColumnType::Collection {
            frozen: false,
            typ: CollectionType::List(Box::new(int.clone())),
        };
        assert_eq!(
            ser(&SecretSlice::from(vec![1i32, 2]), &list).unwrap(),
            ser(&[1i32, 2][..], &list).unwrap()
        );
        assert!(ser(&SecretString::from("pw"), &int).is_err());
    }

    fn vector(t: ColumnType<'static>, dimensions: u16) -> ColumnType<'static> {
        ColumnType::Vector {
            typ: Box::new(t),
            dimensions,
        }
    }

    #[test]
    fn expected_types_are_listed() {
        let err = ser("x", &ColumnType::Native(NativeType::Int)).unwrap_err();
        let e = err.downcast_ref::<BuiltinTypeCheckError>().unwrap();
        match &e.kind {
            BuiltinTypeCheckErrorKind::MismatchedType { expected } => assert_eq!(
                *expected,
                &[
                    ColumnType::Native(NativeType::Text),
                    ColumnType::Native(NativeType::Ascii)
                ][..]
            ),
            k => panic!("{k:?}"),
        }
        assert_eq!(
            e.kind.to_string(),
            "expected one of the CQL types: text, ascii"
        );
    }

    #[test]
    fn cql_value_errors_are_renamed() {
        let err = ser(&CqlValue::Int(1), &ColumnType::Native(NativeType::Text)).unwrap_err();
        let e = err.downcast_ref::<BuiltinTypeCheckError>().unwrap();
        assert_eq!(e.rust_name, std::any::type_name::<CqlValue>());
        // Errors of other types pass through untouched.
        let other = fix_cql_value_name_in_err(SerializationError::new(std::fmt::Error));
        assert!(other.downcast_ref::<std::fmt::Error>().is_some());
    }

    #[test]
    fn empty_varint_digits_mean_zero() {
        assert_eq!(varint_wire_bytes(&[]), &[0]);
        assert_eq!(varint_wire_bytes(&[0xff, 0x7f]), &[0xff, 0x7f]);
        let d = CqlDecimalBorrowed::from_signed_be_bytes_slice_and_exponent(&[], 2);
        assert_eq!(
            ser(&d, &ColumnType::Native(NativeType::Decimal)).unwrap(),
            [0, 0, 0, 5, 0, 0, 0, 2, 0]
        );
    }

    #[test]
    fn vectors_nest_variable_sized_elements() {
        // vector<vector<text, 2>, 2>: the inner vectors are variable-size, so each
        // carries a vint length, and so does each of their strings.
        let typ = vector(vector(ColumnType::Native(NativeType::Text), 2), 2);
        let v = vec![vec!["a", ""], vec!["bc", "d"]];
        assert_eq!(
            ser(&v, &typ).unwrap(),
            [
                0, 0, 0, 10, // cell length
                3, 1, b'a', 0, // ["a", ""]
                5, 2, b'b', b'c', 1, b'd', // ["bc", "d"]
            ]
        );
        // An inner vector of the wrong length is reported with the outer error.
        let err = ser(&vec![vec!["a"], vec!["b", "c"]], &typ).unwrap_err();
        let e = err.downcast_ref::<BuiltinSerializationError>().unwrap();
        let BuiltinSerializationErrorKind::VectorError(
            VectorSerializationErrorKind::ElementSerializationFailed(inner),
        ) = &e.kind
        else {
            panic!("{e:?}");
        };
        assert!(inner.to_string().contains("1 elements"), "{inner}");
    }

    #[test]
    fn unset_inside_a_vector_is_rejected() {
        let typ = vector(ColumnType::Native(NativeType::Int), 1);
        let err = ser(&vec![MaybeUnset::<i32>::Unset], &typ).unwrap_err();
        assert!(err.to_string().contains("null or unset"), "{err}");
    }

    #[test]
    fn collections_keep_the_outer_buffer_intact() {
        // A failure in the middle of a list leaves an error, not a panic, and a
        // following successful serialization into a fresh buffer is unaffected.
        let list = ColumnType::Collection {
            frozen: false,
            typ: CollectionType::List(Box::new(ColumnType::Native(NativeType::Int))),
        };
        let bad: Vec<CqlValue> = vec![CqlValue::Int(1), CqlValue::Text("x".into())];
        assert!(ser(&bad, &list).is_err());
        assert_eq!(
            ser(&vec![CqlValue::Int(1)], &list).unwrap(),
            [0, 0, 0, 12, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1]
        );
    }
}
