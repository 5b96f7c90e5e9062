//! Helpers shared by the `derive_*` integration tests: hand-built metadata, and
//! serialization into / deserialization from buffers.

#![allow(dead_code)]

use bytes::Bytes;
use scylla_cql::deserialize::row::{ColumnIterator, DeserializeRow};
use scylla_cql::deserialize::value::DeserializeValue;
use scylla_cql::deserialize::{DeserializationError, FrameSlice, TypeCheckError};
use scylla_cql::frame::response::result::{ColumnSpec, ColumnType, NativeType, TableSpec};
use scylla_cql::serialize::SerializationError;
use scylla_cql::serialize::row::{RowSerializationContext, SerializeRow};
use scylla_cql::serialize::value::SerializeValue;
use scylla_cql::serialize::writers::{CellWriter, RowWriter};

#[path = "../cql_types/mod.rs"]
mod cql_types;
// Not every test that includes this module uses every builder.
#[allow(unused_imports)]
pub use cql_types::{list, map};

pub const INT: ColumnType<'static> = ColumnType::Native(NativeType::Int);
pub const BIGINT: ColumnType<'static> = ColumnType::Native(NativeType::BigInt);
pub const TEXT: ColumnType<'static> = ColumnType::Native(NativeType::Text);
pub const BLOB: ColumnType<'static> = ColumnType::Native(NativeType::Blob);
pub const BOOLEAN: ColumnType<'static> = ColumnType::Native(NativeType::Boolean);

/// A column (or bind marker) of table `ks.t`.
pub fn col(name: &str, typ: ColumnType<'static>) -> ColumnSpec<'static> {
    ColumnSpec::owned(
        name.to_owned(),
        typ,
        TableSpec::owned("ks".to_owned(), "t".to_owned()),
    )
}

/// A frozen UDT `ks.<name>` with the given fields.
pub fn udt(name: &str, fields: &[(&str, ColumnType<'static>)]) -> ColumnType<'static> {
    cql_types::udt("ks", name, fields.to_vec(), true)
}

/// Serializes `row` against `specs`; the buffer holds `[value]`s back to back.
pub fn ser_row<R: SerializeRow + ?Sized>(
    row: &R,
    specs: &[ColumnSpec<'static>],
) -> Result<Vec<u8>, SerializationError> {
    let ctx = RowSerializationContext::from_specs(specs);
    let mut buf = Vec::new();
    let mut writer = RowWriter::new(&mut buf);
    row.serialize(&ctx, &mut writer)?;
    assert_eq!(
        writer.value_count(),
        specs.len(),
        "one cell per bind marker"
    );
    Ok(buf)
}

/// Serializes `v` as a value of type `typ`; the buffer holds the value's contents
/// (without the `[int]` length).
pub fn ser_value<V: SerializeValue + ?Sized>(
    v: &V,
    typ: &ColumnType<'_>,
) -> Result<Vec<u8>, SerializationError> {
    let mut buf = Vec::new();
    let mut with_len = Vec::new();
    v.serialize(typ, CellWriter::new(&mut with_len))?;
    // The length prefix must agree with the contents.
    let len = i32::from_be_bytes([with_len[0], with_len[1], with_len[2], with_len[3]]);
    assert_eq!(len as usize, with_len.len() - 4);
    buf.extend_from_slice(&with_len[4..]);
    Ok(buf)
}

/// `[value]` encoding of one cell, for hand-built expectations.
pub fn cell(bytes: &[u8]) -> Vec<u8> {
    let mut v = (bytes.len() as i32).to_be_bytes().to_vec();
    v.extend_from_slice(bytes);
    v
}

/// `[value]` encoding of null.
pub fn null_cell() -> Vec<u8> {
    (-1i32).to_be_bytes().to_vec()
}

/// Type-checks then deserializes a row of `R` from `bytes`.
pub fn deser_row<'f, 'm, R: DeserializeRow<'f, 'm>>(
    specs: &'m [ColumnSpec<'m>],
    bytes: &'f Bytes,
) -> Result<R, DeserializationError> {
    if let Err(e) = R::type_check(specs) {
        panic!("unexpected type check error: {e}");
    }
    R::deserialize(ColumnIterator::new(specs, FrameSlice::new(bytes)))
}

/// Type-checks a row type.
pub fn typck_row<'f, 'm, R: DeserializeRow<'f, 'm>>(
    specs: &[ColumnSpec<'_>],
) -> Result<(), TypeCheckError> {
    R::type_check(specs)
}

/// Type-checks then deserializes a value of `V` from `bytes`.
pub fn deser_value<'f, 'm, V: DeserializeValue<'f, 'm>>(
    typ: &'m ColumnType<'m>,
    bytes: &'f Bytes,
) -> Result<V, DeserializationError> {
    if let Err(e) = V::type_check(typ) {
        panic!("unexpected type check error: {e}");
    }
    V::deserialize(typ, Some(FrameSlice::new(bytes)))
}

/// Type-checks a value type.
pub fn typck_value<'f, 'm, V: DeserializeValue<'f, 'm>>(
    typ: &ColumnType<'_>,
) -> Result<(), TypeCheckError> {
    V::type_check(typ)
}
