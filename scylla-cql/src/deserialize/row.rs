//! The [`DeserializeRow`] trait: one row of a result set into a Rust type,
//! [`ColumnIterator`], the raw columns of a row, and the built-in row errors.

use std::any::type_name;
use std::fmt;

use crate::frame::response::result::{ColumnSpec, ColumnType};
use crate::value::{CqlValue, Row};

use super::frame_slice::FrameSlice;
use super::value::DeserializeValue;
use super::{DeserializationError, TypeCheckError};

/// One raw column of a row: its index, spec and bytes (`None` for null).
#[non_exhaustive]
#[derive(Debug, Clone, Copy)]
pub struct RawColumn<'frame, 'metadata> {
    /// The column's index in the row.
    pub index: usize,
    /// The column's spec.
    pub spec: &'metadata ColumnSpec<'metadata>,
    /// The column's bytes; `None` for null.
    pub slice: Option<FrameSlice<'frame>>,
}

/// Iterates over the raw columns of one row, reading each column's `[bytes]`.
///
/// After a column fails to read, the iterator yields nothing more.
#[derive(Debug, Clone)]
pub struct ColumnIterator<'frame, 'metadata> {
    specs: &'metadata [ColumnSpec<'metadata>],
    next_index: usize,
    slice: FrameSlice<'frame>,
}

impl<'frame, 'metadata> ColumnIterator<'frame, 'metadata> {
    /// An iterator over the columns described by `specs`, read from `slice`.
    #[inline]
    pub fn new(specs: &'metadata [ColumnSpec<'metadata>], slice: FrameSlice<'frame>) -> Self {
        Self {
            specs,
            next_index: 0,
            slice,
        }
    }

    /// The number of columns not yet read.
    #[inline]
    pub fn columns_remaining(&self) -> usize {
        self.specs.len().saturating_sub(self.next_index)
    }

    /// The specs of the columns not yet read.
    #[inline]
    fn remaining_specs(&self) -> &'metadata [ColumnSpec<'metadata>] {
        self.specs.get(self.next_index..).unwrap_or(&[])
    }

    /// Type-checks `RowT` against the columns not yet read (for a fresh iterator, the
    /// whole row).
    #[inline]
    pub fn type_check<RowT: DeserializeRow<'frame, 'metadata>>(
        &self,
    ) -> Result<(), TypeCheckError> {
        RowT::type_check(self.remaining_specs())
    }
}

impl<'frame, 'metadata> Iterator for ColumnIterator<'frame, 'metadata> {
    type Item = Result<RawColumn<'frame, 'metadata>, DeserializationError>;

    fn next(&mut self) -> Option<Self::Item> {
        let index = self.next_index;
        let spec = self.specs.get(index)?;
        self.next_index += 1;
        match self.slice.read_cql_bytes() {
            Ok(slice) => Some(Ok(RawColumn { index, spec, slice })),
            Err(err) => {
                self.next_index = self.specs.len();
                Some(Err(mk_deser_err::<Self>(
                    BuiltinDeserializationErrorKind::RawColumnDeserializationFailed {
                        column_index: index,
                        column_name: spec.name().to_owned(),
                        err: DeserializationError::new(err),
                    },
                )))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.columns_remaining();
        (n, Some(n))
    }
}

impl ExactSizeIterator for ColumnIterator<'_, '_> {}

/// A Rust type that can be deserialized from one row of a result set.
pub trait DeserializeRow<'frame, 'metadata>
where
    Self: Sized,
{
    /// Checks once, before any row is read, that rows with these columns can be
    /// deserialized into `Self`.
    fn type_check(specs: &[ColumnSpec]) -> Result<(), TypeCheckError>;

    /// Deserializes one row (already type-checked).
    fn deserialize(row: ColumnIterator<'frame, 'metadata>) -> Result<Self, DeserializationError>;
}

// =======================================================================================
// Errors
// =======================================================================================

/// A Rust type could not be type-checked against the columns of a result set by a
/// built-in implementation of [`DeserializeRow`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("Failed to type check Rust type {rust_name} against the CQL column types {}: {kind}", DisplayTypes(.cql_types))]
pub struct BuiltinTypeCheckError {
    /// The Rust type's name.
    pub rust_name: &'static str,
    /// The column types of the result set.
    pub cql_types: Vec<ColumnType<'static>>,
    /// What went wrong.
    pub kind: BuiltinTypeCheckErrorKind,
}

struct DisplayTypes<'a>(&'a [ColumnType<'static>]);

impl fmt::Display for DisplayTypes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, t) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{t}")?;
        }
        f.write_str("]")
    }
}

/// Builds a [`TypeCheckError`] holding a row-level [`BuiltinTypeCheckError`] for the
/// Rust type `T`.
pub fn mk_typck_err<T>(
    cql_types: impl IntoIterator<Item = ColumnType<'static>>,
    kind: impl Into<BuiltinTypeCheckErrorKind>,
) -> TypeCheckError {
    TypeCheckError::new(BuiltinTypeCheckError {
        rust_name: type_name::<T>(),
        cql_types: cql_types.into_iter().collect(),
        kind: kind.into(),
    })
}

fn spec_types(specs: &[ColumnSpec]) -> impl Iterator<Item = ColumnType<'static>> {
    specs.iter().map(|s| s.typ().clone().into_owned())
}

/// Why a built-in row type check failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum BuiltinTypeCheckErrorKind {
    /// The Rust type has another number of columns than the result set.
    WrongColumnCount {
        /// Columns of the Rust type.
        rust_cols: usize,
        /// Columns of the result set.
        cql_cols: usize,
    },
    /// The result set has a column the Rust type does not.
    ColumnWithUnknownName {
        /// The column's index.
        column_index: usize,
        /// The column's name.
        column_name: String,
    },
    /// Columns the Rust type requires are missing from the result set.
    ValuesMissingForColumns {
        /// The missing columns.
        column_names: Vec<&'static str>,
    },
    /// The column at a position has another name than the Rust type's field there.
    ColumnNameMismatch {
        /// The Rust field's index.
        field_index: usize,
        /// The column's index.
        column_index: usize,
        /// The Rust field's (column) name.
        rust_column_name: &'static str,
        /// The result set's column name.
        db_column_name: String,
    },
    /// A column failed its value type check.
    ColumnTypeCheckFailed {
        /// The column's index.
        column_index: usize,
        /// The column's name.
        column_name: String,
        /// The value-level error.
        err: TypeCheckError,
    },
    /// The result set has the same column twice.
    DuplicatedColumn {
        /// The second occurrence's index.
        column_index: usize,
        /// The column's name.
        column_name: &'static str,
    },
}

impl fmt::Display for BuiltinTypeCheckErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::WrongColumnCount {
                rust_cols,
                cql_cols,
            } => write!(
                f,
                "wrong column count: the Rust type has {rust_cols} columns, the result set \
                 {cql_cols}"
            ),
            Self::ColumnWithUnknownName {
                column_index,
                column_name,
            } => write!(
                f,
                "the column {column_name:?} (index {column_index}) has no counterpart in \
                 the Rust type"
            ),
            Self::ValuesMissingForColumns { column_names } => write!(
                f,
                "the result set lacks the columns {column_names:?} that the Rust type requires"
            ),
            Self::ColumnNameMismatch {
                field_index,
                column_index,
                rust_column_name,
                db_column_name,
            } => write!(
                f,
                "the Rust field {rust_column_name:?} (index {field_index}) does not match the \
                 column {db_column_name:?} (index {column_index})"
            ),
            Self::ColumnTypeCheckFailed {
                column_index,
                column_name,
                err,
            } => write!(
                f,
                "the column {column_name:?} (index {column_index}) failed to type check: {err}"
            ),
            Self::DuplicatedColumn {
                column_index,
                column_name,
            } => write!(
                f,
                "the column {column_name:?} occurs again at index {column_index}"
            ),
        }
    }
}

/// A row could not be deserialized by a built-in implementation of [`DeserializeRow`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("Failed to deserialize Rust type {rust_name} from a row: {kind}")]
pub struct BuiltinDeserializationError {
    /// The Rust type's name.
    pub rust_name: &'static str,
    /// What went wrong.
    pub kind: BuiltinDeserializationErrorKind,
}

/// Builds a [`DeserializationError`] holding a row-level [`BuiltinDeserializationError`]
/// for the Rust type `T`.
pub fn mk_deser_err<T>(kind: impl Into<BuiltinDeserializationErrorKind>) -> DeserializationError {
    DeserializationError::new(BuiltinDeserializationError {
        rust_name: type_name::<T>(),
        kind: kind.into(),
    })
}

/// If `err` is a row-level [`BuiltinDeserializationError`], sets its `rust_name` to
/// `RustT`'s name; other errors are returned unchanged.
pub fn deser_error_replace_rust_name<RustT>(err: DeserializationError) -> DeserializationError {
    err.map_inner(|e: &mut BuiltinDeserializationError| e.rust_name = type_name::<RustT>())
}

/// Why a built-in row deserialization failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum BuiltinDeserializationErrorKind {
    /// A column's value could not be deserialized.
    ColumnDeserializationFailed {
        /// The column's index.
        column_index: usize,
        /// The column's name.
        column_name: String,
        /// The value-level error.
        err: DeserializationError,
    },
    /// A column's raw `[bytes]` could not be read from the row.
    RawColumnDeserializationFailed {
        /// The column's index.
        column_index: usize,
        /// The column's name.
        column_name: String,
        /// Why it could not be read.
        err: DeserializationError,
    },
}

impl fmt::Display for BuiltinDeserializationErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ColumnDeserializationFailed {
                column_index,
                column_name,
                err,
            } => write!(
                f,
                "the column {column_name:?} (index {column_index}) could not be deserialized: \
                 {err}"
            ),
            Self::RawColumnDeserializationFailed {
                column_index,
                column_name,
                err,
            } => write!(
                f,
                "the bytes of column {column_name:?} (index {column_index}) could not be \
                 read: {err}"
            ),
        }
    }
}

/// A row ended before the column a target type asked for; only possible when a row is
/// deserialized without the type check that compares the column counts.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the row has no column at index {index}: it has fewer columns than the Rust type")]
struct MissingColumn {
    index: usize,
}

/// Reads the next column of `row` and deserializes it as `T`, wrapping errors with the
/// column's index and name for the row type `RowT`.
fn deser_next_column<'frame, 'metadata, RowT, T>(
    row: &mut ColumnIterator<'frame, 'metadata>,
    index: usize,
) -> Result<T, DeserializationError>
where
    T: DeserializeValue<'frame, 'metadata>,
{
    let column = match row.next() {
        Some(Ok(c)) => c,
        Some(Err(err)) => return Err(deser_error_replace_rust_name::<RowT>(err)),
        None => {
            return Err(mk_deser_err::<RowT>(
                BuiltinDeserializationErrorKind::RawColumnDeserializationFailed {
                    column_index: index,
                    column_name: String::new(),
                    err: DeserializationError::new(MissingColumn { index }),
                },
            ));
        }
    };
    T::deserialize(column.spec.typ(), column.slice).map_err(|err| {
        mk_deser_err::<RowT>(
            BuiltinDeserializationErrorKind::ColumnDeserializationFailed {
                column_index: column.index,
                column_name: column.spec.name().to_owned(),
                err,
            },
        )
    })
}

// =======================================================================================
// Implementations
// =======================================================================================

/// The raw columns themselves; accepts any columns.
impl<'frame, 'metadata> DeserializeRow<'frame, 'metadata> for ColumnIterator<'frame, 'metadata> {
    #[inline]
    fn type_check(_specs: &[ColumnSpec]) -> Result<(), TypeCheckError> {
        Ok(())
    }

    #[inline]
    fn deserialize(row: ColumnIterator<'frame, 'metadata>) -> Result<Self, DeserializationError> {
        Ok(row)
    }
}

/// Every column as an `Option<CqlValue>`; accepts any columns.
impl<'frame, 'metadata> DeserializeRow<'frame, 'metadata> for Row {
    #[inline]
    fn type_check(_specs: &[ColumnSpec]) -> Result<(), TypeCheckError> {
        Ok(())
    }

    fn deserialize(
        mut row: ColumnIterator<'frame, 'metadata>,
    ) -> Result<Self, DeserializationError> {
        let mut columns = Vec::with_capacity(row.columns_remaining());
        while row.columns_remaining() > 0 {
            let index = row.next_index;
            columns.push(deser_next_column::<Self, Option<CqlValue>>(
                &mut row, index,
            )?);
        }
        Ok(Row { columns })
    }
}

macro_rules! impl_tuple_row {
    ($count:literal; $($Ti:ident $idx:literal),*) => {
        impl<'frame, 'metadata, $($Ti),*> DeserializeRow<'frame, 'metadata> for ($($Ti,)*)
        where
            $($Ti: DeserializeValue<'frame, 'metadata>),*
        {
            fn type_check(specs: &[ColumnSpec]) -> Result<(), TypeCheckError> {
                if specs.len() != $count {
                    return Err(mk_typck_err::<Self>(
                        spec_types(specs),
                        BuiltinTypeCheckErrorKind::WrongColumnCount {
                            rust_cols: $count,
                            cql_cols: specs.len(),
                        },
                    ));
                }
                #[allow(unused_mut, unused_variables)]
                let mut it = specs.iter();
                $(
                    if let Some(spec) = it.next() {
                        $Ti::type_check(spec.typ()).map_err(|err| {
                            mk_typck_err::<Self>(
                                spec_types(specs),
                                BuiltinTypeCheckErrorKind::ColumnTypeCheckFailed {
                                    column_index: $idx,
                                    column_name: spec.name().to_owned(),
                                    err,
                                },
                            )
                        })?;
                    }
                )*
                Ok(())
            }

            #[allow(unused_mut, unused_variables)]
            fn deserialize(
                mut row: ColumnIterator<'frame, 'metadata>,
            ) -> Result<Self, DeserializationError> {
                Ok(($(deser_next_column::<Self, $Ti>(&mut row, $idx)?,)*))
            }
        }
    };
}

impl_tuple_row!(0;);
impl_tuple_row!(1; T0 0);
impl_tuple_row!(2; T0 0, T1 1);
impl_tuple_row!(3; T0 0, T1 1, T2 2);
impl_tuple_row!(4; T0 0, T1 1, T2 2, T3 3);
impl_tuple_row!(5; T0 0, T1 1, T2 2, T3 3, T4 4);
impl_tuple_row!(6; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
impl_tuple_row!(7; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
impl_tuple_row!(8; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);
impl_tuple_row!(9; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8);
impl_tuple_row!(10; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9);
impl_tuple_row!(11; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10);
impl_tuple_row!(12; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10,
    T11 11);
impl_tuple_row!(13; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10,
    T11 11, T12 12);
impl_tuple_row!(14; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10,
    T11 11, T12 12, T13 13);
impl_tuple_row!(15; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10,
    T11 11, T12 12, T13 13, T14 14);
impl_tuple_row!(16; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10,
    T11 11, T12 12, T13 13, T14 14, T15 15);

#[cfg(test)]
#[path = "row_tests.rs"]
mod tests;
