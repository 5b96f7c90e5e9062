//! Support code for the derive macros of `scylla-macros`, re-exported (hidden) through
//! [`crate::_macro_internal`]. Not a public API: the generated code calls these
//! helpers so that it stays short and builds every error in one place.
//!
//! All errors are the built-in error types of the serialize and deserialize modules,
//! with `rust_name` set to the deriving struct's name (`T` below).

use std::any::type_name;
use std::borrow::Cow;

use crate::deserialize::row::{
    BuiltinDeserializationErrorKind as RowDeserKind, BuiltinTypeCheckErrorKind as RowTypckKind,
    mk_deser_err as row_deser_err, mk_typck_err as row_typck_err,
};
use crate::deserialize::value::{
    BuiltinDeserializationErrorKind as ValueDeserKind, UdtDeserializationErrorKind, UdtIterator,
    UdtTypeCheckErrorKind as DeserUdtKind, mk_deser_err as value_deser_err,
    mk_typck_err as value_typck_err,
};
use crate::deserialize::{DeserializationError, FrameSlice, TypeCheckError};
use crate::frame::response::result::{ColumnSpec, ColumnType};
use crate::serialize::SerializationError;
use crate::serialize::row::{
    BuiltinSerializationErrorKind as RowSerKind, BuiltinTypeCheckErrorKind as RowSerTypckKind,
    mk_ser_err as row_ser_err, mk_typck_err as row_ser_typck_err,
};
use crate::serialize::value::{
    BuiltinSerializationErrorKind as ValueSerKind, UdtSerializationErrorKind,
    UdtTypeCheckErrorKind as SerUdtKind, mk_ser_err as value_ser_err,
    mk_typck_err as value_ser_typck_err,
};
use crate::serialize::writers::{CellValueBuilder, RowWriter, WrittenCellProof};

/// A UDT field definition: its name and type.
pub type UdtFieldDef<'a> = (Cow<'a, str>, ColumnType<'a>);

// =======================================================================================
// SerializeRow
// =======================================================================================

/// Whether a struct used a column offered to it by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnSerializationStatus {
    /// The struct has a field for the column and wrote its cell.
    Serialized,
    /// The struct has no field for the column; nothing was written.
    NotUsed,
}

/// Implemented by `#[derive(SerializeRow)]` with the (default) `match_by_name` flavor,
/// so that such a struct can be `#[scylla(flatten)]`ed into another one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be flattened into a struct that matches columns by name",
    label = "`{Self}` must #[derive(SerializeRow)] with the default flavor, \"match_by_name\"",
    note = "a flattened field's type must use the same flavor as the struct it is flattened into"
)]
pub trait SerializeRowByName {
    /// The state of one serialization: which fields were used so far.
    type Partial<'d>: PartialSerializeRowByName
    where
        Self: 'd;

    /// Starts a serialization of `self`.
    fn partial(&self) -> Self::Partial<'_>;
}

/// One serialization, by name, of a [`SerializeRowByName`] struct.
pub trait PartialSerializeRowByName {
    /// Writes the cell of the column `spec` if the struct has a field for it.
    fn serialize_field(
        &mut self,
        spec: &ColumnSpec<'_>,
        writer: &mut RowWriter<'_>,
    ) -> Result<ColumnSerializationStatus, SerializationError>;

    /// Fails if some field was not used by any column.
    fn check_missing(self) -> Result<(), SerializationError>;
}

/// Implemented by `#[derive(SerializeRow)]` with `flavor = "enforce_order"`, so that
/// such a struct can be `#[scylla(flatten)]`ed into another one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be flattened into a struct that matches columns by position",
    label = "`{Self}` must #[derive(SerializeRow)] with `flavor = \"enforce_order\"`",
    note = "a flattened field's type must use the same flavor as the struct it is flattened into"
)]
pub trait SerializeRowInOrder {
    /// The number of columns the struct writes, flattened fields included.
    const COLUMN_COUNT: usize;

    /// Writes the struct's cells for the next columns of `columns`.
    fn serialize_in_order(
        &self,
        columns: &mut InOrderColumns<'_>,
        writer: &mut RowWriter<'_>,
    ) -> Result<(), SerializationError>;
}

/// The bind markers of a statement, consumed in order by [`SerializeRowInOrder`].
#[derive(Debug, Clone)]
pub struct InOrderColumns<'a> {
    iter: std::slice::Iter<'a, ColumnSpec<'a>>,
    total: usize,
}

impl<'a> InOrderColumns<'a> {
    /// All of `columns`.
    pub fn new(columns: &'a [ColumnSpec<'a>]) -> Self {
        Self {
            iter: columns.iter(),
            total: columns.len(),
        }
    }

    /// The next column, or a `WrongColumnCount` error naming `T` when there is none.
    pub fn next_column<T: ?Sized>(
        &mut self,
        rust_cols: usize,
    ) -> Result<&'a ColumnSpec<'a>, SerializationError> {
        let total = self.total;
        self.iter
            .next()
            .ok_or_else(|| ser_row_wrong_column_count::<T>(rust_cols, total))
    }

    /// The number of columns not consumed yet.
    pub fn remaining(&self) -> usize {
        self.iter.len()
    }
}

/// Checks the column count of an `enforce_order` struct before serializing it.
pub fn ser_row_check_column_count<T: ?Sized>(
    rust_cols: usize,
    columns: &[ColumnSpec<'_>],
) -> Result<(), SerializationError> {
    if rust_cols == columns.len() {
        Ok(())
    } else {
        Err(ser_row_wrong_column_count::<T>(rust_cols, columns.len()))
    }
}

/// `WrongColumnCount`.
pub fn ser_row_wrong_column_count<T: ?Sized>(
    rust_cols: usize,
    cql_cols: usize,
) -> SerializationError {
    row_ser_typck_err::<T>(RowSerTypckKind::WrongColumnCount {
        rust_cols,
        cql_cols,
    })
}

/// `ValueMissingForColumn`: a bind marker the struct has no field for.
pub fn ser_row_value_missing_for_column<T: ?Sized>(column: &str) -> SerializationError {
    row_ser_typck_err::<T>(RowSerTypckKind::ValueMissingForColumn {
        name: column.to_owned(),
    })
}

/// `NoColumnWithName`: a field no bind marker asked for.
pub fn ser_row_no_column_with_name<T: ?Sized>(field: &str) -> SerializationError {
    row_ser_typck_err::<T>(RowSerTypckKind::NoColumnWithName {
        name: field.to_owned(),
    })
}

/// `ColumnNameMismatch`: with `enforce_order`, a field sits at a column of another name.
pub fn ser_row_column_name_mismatch<T: ?Sized>(
    rust_column_name: &str,
    db_column_name: &str,
) -> SerializationError {
    row_ser_typck_err::<T>(RowSerTypckKind::ColumnNameMismatch {
        rust_column_name: rust_column_name.to_owned(),
        db_column_name: db_column_name.to_owned(),
    })
}

/// `ColumnSerializationFailed`: a field's value failed for its column.
pub fn ser_row_column_failed<T: ?Sized>(
    column: &str,
    err: SerializationError,
) -> SerializationError {
    row_ser_err::<T>(RowSerKind::ColumnSerializationFailed {
        name: column.to_owned(),
        err,
    })
}

// =======================================================================================
// SerializeValue (UDT)
// =======================================================================================

/// The field definitions of `typ`, or a `NotUdt` type-check error naming `T`.
pub fn ser_udt_fields<'a, 'b, T: ?Sized>(
    typ: &'a ColumnType<'b>,
) -> Result<&'a [UdtFieldDef<'b>], SerializationError> {
    match typ {
        ColumnType::UserDefinedType { definition, .. } => Ok(&definition.field_types),
        _ => Err(value_ser_typck_err::<T>(typ, SerUdtKind::NotUdt)),
    }
}

/// `NoSuchFieldInUdt`: a struct field the UDT does not have.
pub fn ser_udt_no_such_field<T: ?Sized>(typ: &ColumnType<'_>, field: &str) -> SerializationError {
    value_ser_typck_err::<T>(
        typ,
        SerUdtKind::NoSuchFieldInUdt {
            field_name: field.to_owned(),
        },
    )
}

/// `ValueMissingForUdtField`: a UDT field the struct has no value for.
pub fn ser_udt_value_missing<T: ?Sized>(typ: &ColumnType<'_>, field: &str) -> SerializationError {
    value_ser_typck_err::<T>(
        typ,
        SerUdtKind::ValueMissingForUdtField {
            field_name: field.to_owned(),
        },
    )
}

/// `FieldNameMismatch`: with `enforce_order`, a field sits at a UDT field of another name.
pub fn ser_udt_field_name_mismatch<T: ?Sized>(
    typ: &ColumnType<'_>,
    rust_field_name: &str,
    db_field_name: &str,
) -> SerializationError {
    value_ser_typck_err::<T>(
        typ,
        SerUdtKind::FieldNameMismatch {
            rust_field_name: rust_field_name.to_owned(),
            db_field_name: db_field_name.to_owned(),
        },
    )
}

/// `FieldSerializationFailed`: a field's value failed for its UDT field.
pub fn ser_udt_field_failed<T: ?Sized>(
    typ: &ColumnType<'_>,
    field: &str,
    err: SerializationError,
) -> SerializationError {
    value_ser_err::<T>(
        typ,
        UdtSerializationErrorKind::FieldSerializationFailed {
            field_name: field.to_owned(),
            err,
        },
    )
}

/// Writes a null UDT field.
pub fn ser_udt_null_field(builder: &mut CellValueBuilder<'_>) {
    builder.make_sub_writer().set_null();
}

/// Finishes the UDT cell; `SizeOverflow` if it outgrew a cell.
pub fn ser_udt_finish<'b, T: ?Sized>(
    typ: &ColumnType<'_>,
    builder: CellValueBuilder<'b>,
) -> Result<WrittenCellProof<'b>, SerializationError> {
    builder
        .finish()
        .map_err(|_| value_ser_err::<T>(typ, ValueSerKind::SizeOverflow))
}

// =======================================================================================
// DeserializeValue (UDT)
// =======================================================================================

/// The field definitions of `typ`, or a `NotUdt` type-check error naming `T`.
pub fn deser_udt_fields<'a, 'b, T>(
    typ: &'a ColumnType<'b>,
) -> Result<&'a [UdtFieldDef<'b>], TypeCheckError> {
    match typ {
        ColumnType::UserDefinedType { definition, .. } => Ok(&definition.field_types),
        _ => Err(value_typck_err::<T>(typ, DeserUdtKind::NotUdt)),
    }
}

/// `FieldTypeCheckFailed`: a field's type does not match its UDT field's.
pub fn deser_udt_field_typck_failed<T>(
    typ: &ColumnType<'_>,
    field: &str,
    err: TypeCheckError,
) -> TypeCheckError {
    value_typck_err::<T>(
        typ,
        DeserUdtKind::FieldTypeCheckFailed {
            field_name: field.to_owned(),
            err,
        },
    )
}

/// `DuplicatedField`: the UDT has the same field twice.
pub fn deser_udt_duplicated_field<T>(typ: &ColumnType<'_>, field: &str) -> TypeCheckError {
    value_typck_err::<T>(
        typ,
        DeserUdtKind::DuplicatedField {
            field_name: field.to_owned(),
        },
    )
}

/// `ExcessFieldInUdt`: with `forbid_excess_udt_fields`, a UDT field the struct lacks.
pub fn deser_udt_excess_field<T>(typ: &ColumnType<'_>, field: &str) -> TypeCheckError {
    value_typck_err::<T>(
        typ,
        DeserUdtKind::ExcessFieldInUdt {
            db_field_name: field.to_owned(),
        },
    )
}

/// `ValuesMissingForUdtFields` for the required fields (name, found) not found.
pub fn deser_udt_check_missing<T>(
    typ: &ColumnType<'_>,
    required: &[(&'static str, bool)],
) -> Result<(), TypeCheckError> {
    match not_found(required) {
        None => Ok(()),
        Some(field_names) => Err(value_typck_err::<T>(
            typ,
            DeserUdtKind::ValuesMissingForUdtFields { field_names },
        )),
    }
}

/// The names of the required (name, found) entries not found, if there are any.
fn not_found(required: &[(&'static str, bool)]) -> Option<Vec<&'static str>> {
    if required.iter().all(|&(_, found)| found) {
        return None;
    }
    Some(
        required
            .iter()
            .filter(|&&(_, found)| !found)
            .map(|&(name, _)| name)
            .collect(),
    )
}

/// `FieldNameMismatch`: with `enforce_order`, a field sits at a UDT field of another name.
pub fn deser_udt_field_name_mismatch<T>(
    typ: &ColumnType<'_>,
    position: usize,
    rust_field_name: &str,
    db_field_name: &str,
) -> TypeCheckError {
    value_typck_err::<T>(
        typ,
        DeserUdtKind::FieldNameMismatch {
            position,
            rust_field_name: rust_field_name.to_owned(),
            db_field_name: db_field_name.to_owned(),
        },
    )
}

/// `TooFewFields`: with `enforce_order`, the UDT ends before a required field.
pub fn deser_udt_too_few_fields<T>(
    typ: &ColumnType<'_>,
    required_fields: &[&'static str],
    present: &[UdtFieldDef<'_>],
) -> TypeCheckError {
    value_typck_err::<T>(
        typ,
        DeserUdtKind::TooFewFields {
            required_fields: required_fields.to_vec(),
            present_fields: present.iter().map(|(n, _)| n.to_string()).collect(),
        },
    )
}

/// The fields of a UDT value, as a [`UdtIterator`]; errors (not a UDT, null) name `T`.
pub fn deser_udt_iter<'frame, 'metadata, T>(
    typ: &'metadata ColumnType<'metadata>,
    v: Option<FrameSlice<'frame>>,
) -> Result<UdtIterator<'frame, 'metadata>, DeserializationError> {
    if v.is_none() {
        return Err(value_deser_err::<T>(typ, ValueDeserKind::ExpectedNonNull));
    }
    <UdtIterator<'frame, 'metadata> as crate::deserialize::value::DeserializeValue<
        'frame,
        'metadata,
    >>::deserialize(typ, v)
    .map_err(crate::deserialize::value::deser_error_replace_rust_name::<T>)
}

/// `FieldDeserializationFailed`: a field's value (or its raw bytes) failed.
pub fn deser_udt_field_failed<T>(
    typ: &ColumnType<'_>,
    field: &str,
    err: DeserializationError,
) -> DeserializationError {
    // Errors of the UDT iterator itself already say which field failed; give them the
    // struct's name instead of the iterator's.
    if err
        .downcast_ref::<crate::deserialize::value::BuiltinDeserializationError>()
        .is_some_and(|e| e.rust_name == type_name::<UdtIterator<'_, '_>>())
    {
        return crate::deserialize::value::deser_error_replace_rust_name::<T>(err);
    }
    value_deser_err::<T>(
        typ,
        UdtDeserializationErrorKind::FieldDeserializationFailed {
            field_name: field.to_owned(),
            err,
        },
    )
}

/// A required field has no counterpart in the UDT: the type check, had it been run,
/// would have failed with `ValuesMissingForUdtFields`, which this error wraps.
pub fn deser_udt_missing_field<T>(
    typ: &ColumnType<'_>,
    field: &'static str,
) -> DeserializationError {
    DeserializationError::new(crate::deserialize::value::BuiltinTypeCheckError {
        rust_name: type_name::<T>(),
        cql_type: typ.clone().into_owned(),
        kind: DeserUdtKind::ValuesMissingForUdtFields {
            field_names: vec![field],
        }
        .into(),
    })
}

// =======================================================================================
// DeserializeRow
// =======================================================================================

fn spec_types(specs: &[ColumnSpec<'_>]) -> impl Iterator<Item = ColumnType<'static>> {
    specs.iter().map(|s| s.typ().clone().into_owned())
}

/// The name of column `column_index` (empty if there is no such column).
fn column_name_at(specs: &[ColumnSpec<'_>], column_index: usize) -> String {
    specs
        .get(column_index)
        .map(|s| s.name().to_owned())
        .unwrap_or_default()
}

/// `WrongColumnCount` if `specs` does not have exactly `rust_cols` columns.
pub fn deser_row_check_column_count<T>(
    specs: &[ColumnSpec<'_>],
    rust_cols: usize,
) -> Result<(), TypeCheckError> {
    if specs.len() == rust_cols {
        return Ok(());
    }
    Err(row_typck_err::<T>(
        spec_types(specs),
        RowTypckKind::WrongColumnCount {
            rust_cols,
            cql_cols: specs.len(),
        },
    ))
}

/// `ColumnWithUnknownName`: a column the struct has no field for.
pub fn deser_row_unknown_column<T>(
    specs: &[ColumnSpec<'_>],
    column_index: usize,
) -> TypeCheckError {
    let column_name = column_name_at(specs, column_index);
    row_typck_err::<T>(
        spec_types(specs),
        RowTypckKind::ColumnWithUnknownName {
            column_index,
            column_name,
        },
    )
}

/// `DuplicatedColumn`: a field's column occurs twice.
pub fn deser_row_duplicated_column<T>(
    specs: &[ColumnSpec<'_>],
    column_index: usize,
    column_name: &'static str,
) -> TypeCheckError {
    row_typck_err::<T>(
        spec_types(specs),
        RowTypckKind::DuplicatedColumn {
            column_index,
            column_name,
        },
    )
}

/// `ColumnTypeCheckFailed`: a field's type does not match its column's.
pub fn deser_row_column_typck_failed<T>(
    specs: &[ColumnSpec<'_>],
    column_index: usize,
    err: TypeCheckError,
) -> TypeCheckError {
    let column_name = column_name_at(specs, column_index);
    row_typck_err::<T>(
        spec_types(specs),
        RowTypckKind::ColumnTypeCheckFailed {
            column_index,
            column_name,
            err,
        },
    )
}

/// `ColumnNameMismatch`: with `enforce_order`, a field sits at a column of another name.
pub fn deser_row_column_name_mismatch<T>(
    specs: &[ColumnSpec<'_>],
    field_index: usize,
    column_index: usize,
    rust_column_name: &'static str,
) -> TypeCheckError {
    let db_column_name = column_name_at(specs, column_index);
    row_typck_err::<T>(
        spec_types(specs),
        RowTypckKind::ColumnNameMismatch {
            field_index,
            column_index,
            rust_column_name,
            db_column_name,
        },
    )
}

/// `ValuesMissingForColumns` for the fields (name, found) not found.
pub fn deser_row_check_missing<T>(
    specs: &[ColumnSpec<'_>],
    required: &[(&'static str, bool)],
) -> Result<(), TypeCheckError> {
    match not_found(required) {
        None => Ok(()),
        Some(column_names) => Err(row_typck_err::<T>(
            spec_types(specs),
            RowTypckKind::ValuesMissingForColumns { column_names },
        )),
    }
}

/// A column could not be read from the row: the iterator's error, naming `T`.
pub fn deser_row_raw_failed<T>(err: DeserializationError) -> DeserializationError {
    crate::deserialize::row::deser_error_replace_rust_name::<T>(err)
}

/// `ColumnDeserializationFailed`: a column's value failed for its field.
pub fn deser_row_column_failed<T>(
    column_index: usize,
    column_name: &str,
    err: DeserializationError,
) -> DeserializationError {
    row_deser_err::<T>(RowDeserKind::ColumnDeserializationFailed {
        column_index,
        column_name: column_name.to_owned(),
        err,
    })
}

/// A field's column is not in the row: the type check, had it been run, would have
/// failed with `ValuesMissingForColumns` (or `WrongColumnCount`), which this wraps.
pub fn deser_row_missing_column<T>(column: &'static str) -> DeserializationError {
    DeserializationError::new(crate::deserialize::row::BuiltinTypeCheckError {
        rust_name: type_name::<T>(),
        cql_types: Vec::new(),
        kind: RowTypckKind::ValuesMissingForColumns {
            column_names: vec![column],
        },
    })
}
