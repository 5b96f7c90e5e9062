//! The [`SerializeRow`] trait: the bind values of one statement, and
//! [`SerializedValues`], a row already serialized.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::BuildHasher;

use bytes::BufMut;

use crate::frame::frame_errors::LowLevelDeserializationError;
use crate::frame::response::result::{ColumnSpec, ColumnType, PreparedMetadata};
use crate::frame::types::{self, RawValue};

use super::value::SerializeValue;
use super::writers::RowWriter;
use super::{SerializationError, builtin_error_constructors};

/// What a row serializer needs to know: the bind markers' names and types.
#[derive(Debug, Clone, Copy)]
pub struct RowSerializationContext<'a> {
    pub(crate) columns: &'a [ColumnSpec<'a>],
}

impl<'a> RowSerializationContext<'a> {
    /// The context of a prepared statement's bind markers.
    #[inline]
    pub fn from_prepared(prepared: &'a PreparedMetadata) -> Self {
        Self {
            columns: prepared.col_specs.as_slice(),
        }
    }

    /// A context from explicit column specs.
    #[inline]
    pub fn from_specs(specs: &'a [ColumnSpec<'a>]) -> Self {
        Self { columns: specs }
    }

    /// A context with no bind markers.
    #[inline]
    pub const fn empty() -> Self {
        Self { columns: &[] }
    }

    /// The bind markers.
    #[inline]
    pub fn columns(&self) -> &'a [ColumnSpec<'_>] {
        self.columns
    }
}

/// A Rust type that can be serialized as the bind values of a statement.
pub trait SerializeRow {
    /// Serializes the values, one cell per bind marker of `ctx`, with `writer`.
    fn serialize(
        &self,
        ctx: &RowSerializationContext<'_>,
        writer: &mut RowWriter,
    ) -> Result<(), SerializationError>;

    /// Whether there are no values at all. The driver uses this to decide whether an
    /// unprepared statement must be prepared first to learn the bind markers' types.
    fn is_empty(&self) -> bool;
}

/// A row of values already serialized: the `[value]`s back to back, and their count.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SerializedValues {
    serialized_values: Vec<u8>,
    element_count: u16,
}

/// Too many values for one request (the count is a `[short]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many values: {0} (a request carries at most 65535)")]
pub struct TooManyValues(pub usize);

impl SerializedValues {
    /// No values.
    pub const fn new() -> Self {
        Self {
            serialized_values: Vec::new(),
            element_count: 0,
        }
    }

    /// A shared empty instance.
    pub const EMPTY: &'static SerializedValues = &SerializedValues::new();

    /// Serializes `row` against `ctx`.
    pub fn from_serializable<T: SerializeRow + ?Sized>(
        ctx: &RowSerializationContext<'_>,
        row: &T,
    ) -> Result<Self, SerializationError> {
        Self::from_closure(|writer| row.serialize(ctx, writer))
            .map(|(sv, ())| sv)
            .map_err(|err| {
                if err.downcast_ref::<TooManyValues>().is_some() {
                    mk_ser_err::<T>(BuiltinSerializationErrorKind::TooManyValues)
                } else {
                    err
                }
            })
    }

    /// Runs `f` with a row writer and keeps what it wrote.
    pub fn from_closure<F, R>(f: F) -> Result<(Self, R), SerializationError>
    where
        F: FnOnce(&mut RowWriter<'_>) -> Result<R, SerializationError>,
    {
        let mut data = Vec::new();
        let mut writer = RowWriter::new(&mut data);
        let ret = f(&mut writer)?;
        let count = writer.value_count();
        let element_count =
            u16::try_from(count).map_err(|_| SerializationError::new(TooManyValues(count)))?;
        Ok((
            Self {
                serialized_values: data,
                element_count,
            },
            ret,
        ))
    }

    /// Whether there are no values.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.element_count == 0
    }

    /// The values, one by one.
    #[inline]
    pub fn iter(&self) -> SerializedValuesIterator<'_> {
        SerializedValuesIterator {
            serialized_values: &self.serialized_values,
        }
    }

    /// The number of values.
    #[inline]
    pub fn element_count(&self) -> u16 {
        self.element_count
    }

    /// The size of the serialized values in bytes.
    #[inline]
    pub fn buffer_size(&self) -> usize {
        self.serialized_values.len()
    }

    /// The serialized `[value]`s, without the count.
    #[inline]
    pub fn get_contents(&self) -> &[u8] {
        &self.serialized_values
    }

    /// Appends one value of type `typ`.
    pub fn add_value<T: SerializeValue + ?Sized>(
        &mut self,
        val: &T,
        typ: &ColumnType,
    ) -> Result<(), SerializationError> {
        if self.element_count == u16::MAX {
            return Err(SerializationError::new(TooManyValues(
                self.element_count as usize + 1,
            )));
        }
        let len_before = self.serialized_values.len();
        let mut writer = RowWriter::new(&mut self.serialized_values);
        if let Err(e) = val.serialize(typ, writer.make_cell_writer()) {
            self.serialized_values.truncate(len_before);
            return Err(e);
        }
        self.element_count += 1;
        Ok(())
    }

    /// Writes the `[short]` count then the values, as QUERY and EXECUTE carry them.
    pub fn write_to_request(&self, buf: &mut impl BufMut) {
        buf.put_u16(self.element_count);
        buf.put_slice(&self.serialized_values);
    }

    /// Reads a `[short]` count and that many `[value]`s, as a request carries them.
    pub fn new_from_frame(buf: &mut &[u8]) -> Result<Self, LowLevelDeserializationError> {
        let count = types::read_short(buf)?;
        let start = *buf;
        for _ in 0..count {
            types::read_value(buf)?;
        }
        let consumed = start.len() - buf.len();
        Ok(Self {
            serialized_values: start[..consumed].to_vec(),
            element_count: count,
        })
    }

    /// Appends all values of `other`.
    pub fn extend_from(&mut self, other: &SerializedValues) -> Result<(), SerializationError> {
        let total = self.element_count as usize + other.element_count as usize;
        self.element_count =
            u16::try_from(total).map_err(|_| SerializationError::new(TooManyValues(total)))?;
        self.serialized_values
            .extend_from_slice(&other.serialized_values);
        Ok(())
    }
}

impl<'a> From<&'a SerializedValues> for Cow<'a, SerializedValues> {
    fn from(v: &'a SerializedValues) -> Self {
        Cow::Borrowed(v)
    }
}

/// Iterates over the values of a [`SerializedValues`].
#[derive(Debug, Clone)]
pub struct SerializedValuesIterator<'a> {
    serialized_values: &'a [u8],
}

impl<'a> Iterator for SerializedValuesIterator<'a> {
    type Item = RawValue<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.serialized_values.is_empty() {
            return None;
        }
        // The contents were written by our own writers, so they are well formed;
        // should they not be, iteration just stops.
        types::read_value(&mut self.serialized_values).ok()
    }
}

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// A Rust type does not match the bind markers of a statement.
#[derive(Debug, Clone, thiserror::Error)]
#[error("failed to type check Rust type {rust_name} against the statement's bind markers: {kind}")]
pub struct BuiltinTypeCheckError {
    /// The Rust type's name.
    pub rust_name: &'static str,
    /// What did not match.
    pub kind: BuiltinTypeCheckErrorKind,
}

builtin_error_constructors! {
    BuiltinTypeCheckError in SerializationError,
    kind BuiltinTypeCheckErrorKind;
    /// Builds a row-level [`BuiltinTypeCheckError`] for the Rust type `T`, wrapped in a
    /// [`SerializationError`].
    pub fn mk_typck_err<T: ?Sized>;
    /// Builds a row-level [`BuiltinTypeCheckError`] for the Rust type named `rust_name`.
    #[doc(hidden)]
    pub fn mk_typck_err_named;
}

/// The ways a Rust type can fail to match the bind markers of a statement.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BuiltinTypeCheckErrorKind {
    /// The Rust type has a different number of values than the statement has bind
    /// markers.
    #[error(
        "the Rust type provides {rust_cols} values, but the statement has {cql_cols} bind markers"
    )]
    WrongColumnCount {
        /// Values the Rust type provides.
        rust_cols: usize,
        /// Bind markers of the statement.
        cql_cols: usize,
    },
    /// The Rust type has a value for a name that no bind marker has.
    #[error("the Rust type has a value for {name}, but the statement has no bind marker named so")]
    NoColumnWithName {
        /// The value's name.
        name: String,
    },
    /// The Rust type has no value for a bind marker.
    #[error("the Rust type has no value for bind marker {name}")]
    ValueMissingForColumn {
        /// The bind marker's name.
        name: String,
    },
    /// The Rust type's values are in a different order than the bind markers.
    #[error(
        "Rust field {rust_column_name} is at the place of bind marker {db_column_name}: the names differ"
    )]
    ColumnNameMismatch {
        /// The Rust field's name.
        rust_column_name: String,
        /// The bind marker's name.
        db_column_name: String,
    },
}

/// Serializing a row of values that type-checked failed.
#[derive(Debug, Clone, thiserror::Error)]
#[error("failed to serialize Rust type {rust_name} as the statement's values: {kind}")]
pub struct BuiltinSerializationError {
    /// The Rust type's name.
    pub rust_name: &'static str,
    /// What went wrong.
    pub kind: BuiltinSerializationErrorKind,
}

builtin_error_constructors! {
    BuiltinSerializationError in SerializationError,
    kind BuiltinSerializationErrorKind;
    /// Builds a row-level [`BuiltinSerializationError`] for the Rust type `T`, wrapped in
    /// a [`SerializationError`].
    pub fn mk_ser_err<T: ?Sized>;
    /// Builds a row-level [`BuiltinSerializationError`] for the Rust type named
    /// `rust_name`.
    #[doc(hidden)]
    pub fn mk_ser_err_named;
}

/// The ways serializing a row of values can fail.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum BuiltinSerializationErrorKind {
    /// The value for one bind marker failed to serialize.
    #[error("failed to serialize the value for bind marker {name}: {err}")]
    ColumnSerializationFailed {
        /// The bind marker's name.
        name: String,
        /// The value's error.
        err: SerializationError,
    },
    /// More values than a request can carry (65 535).
    #[error("too many values: a request carries at most 65535")]
    TooManyValues,
}

// ---------------------------------------------------------------------------------------
// Built-in implementations
// ---------------------------------------------------------------------------------------

/// Serializes one value per bind marker, in order; the caller has checked the count.
fn serialize_in_order<'v, T: SerializeValue + ?Sized + 'v>(
    rust_name: &'static str,
    values: impl Iterator<Item = &'v T>,
    ctx: &RowSerializationContext<'_>,
    writer: &mut RowWriter,
) -> Result<(), SerializationError> {
    for (value, spec) in values.zip(ctx.columns()) {
        value
            .serialize(spec.typ(), writer.make_cell_writer())
            .map_err(|err| {
                mk_ser_err_named(
                    rust_name,
                    BuiltinSerializationErrorKind::ColumnSerializationFailed {
                        name: spec.name().to_owned(),
                        err,
                    },
                )
            })?;
    }
    Ok(())
}

fn check_column_count(
    rust_name: &'static str,
    rust_cols: usize,
    ctx: &RowSerializationContext<'_>,
) -> Result<(), SerializationError> {
    let cql_cols = ctx.columns().len();
    if rust_cols != cql_cols {
        return Err(mk_typck_err_named(
            rust_name,
            BuiltinTypeCheckErrorKind::WrongColumnCount {
                rust_cols,
                cql_cols,
            },
        ));
    }
    Ok(())
}

/// Implements [`SerializeRow`] for `$t`: `serialize` evaluates `$ser` (with `$v` bound
/// to the value and `$ctx`, `$writer` to the arguments), `is_empty` evaluates `$empty`
/// (with `$e` bound to the value).
macro_rules! impl_serialize_row {
    (impl[$($gen:tt)*] for $t:ty {
        serialize: |$v:ident, $ctx:ident, $writer:ident| $ser:expr,
        is_empty: |$e:ident| $empty:expr $(,)?
    }) => {
        impl<$($gen)*> SerializeRow for $t {
            fn serialize(
                &self,
                $ctx: &RowSerializationContext<'_>,
                $writer: &mut RowWriter,
            ) -> Result<(), SerializationError> {
                let $v = self;
                $ser
            }

            #[inline]
            fn is_empty(&self) -> bool {
                let $e = self;
                $empty
            }
        }
    };
}

impl_serialize_row!(impl[] for () {
    serialize: |_v, ctx, _writer| check_column_count(std::any::type_name::<Self>(), 0, ctx),
    is_empty: |_v| true,
});
impl_serialize_row!(impl[] for [u8; 0] {
    serialize: |_v, ctx, _writer| check_column_count(std::any::type_name::<Self>(), 0, ctx),
    is_empty: |_v| true,
});
impl_serialize_row!(impl['a, T: SerializeValue + 'a] for &'a [T] {
    serialize: |v, ctx, writer| serialize_list(std::any::type_name::<Self>(), v, ctx, writer),
    is_empty: |v| <[T]>::is_empty(v),
});
impl_serialize_row!(impl[T: SerializeValue] for Vec<T> {
    serialize: |v, ctx, writer| serialize_list(std::any::type_name::<Self>(), v, ctx, writer),
    is_empty: |v| Vec::is_empty(v),
});
impl_serialize_row!(impl[T: SerializeRow + ?Sized] for &T {
    serialize: |v, ctx, writer| T::serialize(*v, ctx, writer),
    is_empty: |v| T::is_empty(*v),
});
impl_serialize_row!(impl[T: SerializeRow + ?Sized] for Box<T> {
    serialize: |v, ctx, writer| T::serialize(v.as_ref(), ctx, writer),
    is_empty: |v| T::is_empty(v.as_ref()),
});

/// Serializes the values of a list-like row in order.
fn serialize_list<T: SerializeValue>(
    name: &'static str,
    values: &[T],
    ctx: &RowSerializationContext<'_>,
    writer: &mut RowWriter,
) -> Result<(), SerializationError> {
    check_column_count(name, values.len(), ctx)?;
    serialize_in_order(name, values.iter(), ctx, writer)
}

/// Serializes a name-to-value map by bind-marker name: every bind marker needs a
/// value, and every value a bind marker (a name used by several markers binds them
/// all).
fn serialize_by_name<'m, T: SerializeValue + 'm>(
    rust_name: &'static str,
    len: usize,
    get: impl Fn(&str) -> Option<&'m T>,
    mut keys: impl Iterator<Item = &'m str>,
    ctx: &RowSerializationContext<'_>,
    writer: &mut RowWriter,
) -> Result<(), SerializationError> {
    let mut used = std::collections::HashSet::with_capacity(len);
    for spec in ctx.columns() {
        let name = spec.name();
        let value = get(name).ok_or_else(|| {
            mk_typck_err_named(
                rust_name,
                BuiltinTypeCheckErrorKind::ValueMissingForColumn {
                    name: name.to_owned(),
                },
            )
        })?;
        value
            .serialize(spec.typ(), writer.make_cell_writer())
            .map_err(|err| {
                mk_ser_err_named(
                    rust_name,
                    BuiltinSerializationErrorKind::ColumnSerializationFailed {
                        name: name.to_owned(),
                        err,
                    },
                )
            })?;
        used.insert(name);
    }
    if used.len() < len
        && let Some(unused) = keys.find(|k| !used.contains(k))
    {
        return Err(mk_typck_err_named(
            rust_name,
            BuiltinTypeCheckErrorKind::NoColumnWithName {
                name: unused.to_owned(),
            },
        ));
    }
    Ok(())
}

/// `SerializeRow` for a map from column names to values: `$keys` turns the map's
/// keys into `&str`s.
macro_rules! impl_row_for_map {
    (impl[$($gen:tt)*] for $t:ty, keys: |$m:ident| $keys:expr) => {
        impl_serialize_row!(impl[$($gen)*] for $t {
            serialize: |v, ctx, writer| {
                let $m = v;
                serialize_by_name(
                    std::any::type_name::<Self>(),
                    v.len(),
                    |k| v.get(k),
                    $keys,
                    ctx,
                    writer,
                )
            },
            is_empty: |v| v.is_empty(),
        });
    };
}

impl_row_for_map!(impl[T: SerializeValue, S: BuildHasher] for HashMap<String, T, S>,
    keys: |m| m.keys().map(String::as_str));
impl_row_for_map!(impl[T: SerializeValue, S: BuildHasher] for HashMap<&str, T, S>,
    keys: |m| m.keys().copied());
impl_row_for_map!(impl[T: SerializeValue] for BTreeMap<String, T>,
    keys: |m| m.keys().map(String::as_str));
impl_row_for_map!(impl[T: SerializeValue] for BTreeMap<&str, T>,
    keys: |m| m.keys().copied());

macro_rules! impl_row_tuple {
    ($len:expr; $($T:ident $val:ident $spec:ident),+) => {
        impl<$($T: SerializeValue),+> SerializeRow for ($($T,)+) {
            fn serialize(
                &self,
                ctx: &RowSerializationContext<'_>,
                writer: &mut RowWriter,
            ) -> Result<(), SerializationError> {
                let name = std::any::type_name::<Self>();
                let [$($spec),+] = ctx.columns() else {
                    return Err(mk_typck_err_named(
                        name,
                        BuiltinTypeCheckErrorKind::WrongColumnCount {
                            rust_cols: $len,
                            cql_cols: ctx.columns().len(),
                        },
                    ));
                };
                let ($($val,)+) = self;
                $(
                    $val.serialize($spec.typ(), writer.make_cell_writer()).map_err(|err| {
                        mk_ser_err_named(
                            name,
                            BuiltinSerializationErrorKind::ColumnSerializationFailed {
                                name: $spec.name().to_owned(),
                                err,
                            },
                        )
                    })?;
                )+
                Ok(())
            }

            #[inline]
            fn is_empty(&self) -> bool {
                false
            }
        }
    };
}

impl_row_tuple!(1; T0 v0 s0);
impl_row_tuple!(2; T0 v0 s0, T1 v1 s1);
impl_row_tuple!(3; T0 v0 s0, T1 v1 s1, T2 v2 s2);
impl_row_tuple!(4; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3);
impl_row_tuple!(5; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4);
impl_row_tuple!(6; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4, T5 v5 s5);
impl_row_tuple!(7; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4, T5 v5 s5, T6 v6 s6);
impl_row_tuple!(8; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4, T5 v5 s5, T6 v6 s6,
    T7 v7 s7);
impl_row_tuple!(9; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4, T5 v5 s5, T6 v6 s6,
    T7 v7 s7, T8 v8 s8);
impl_row_tuple!(10; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4, T5 v5 s5, T6 v6 s6,
    T7 v7 s7, T8 v8 s8, T9 v9 s9);
impl_row_tuple!(11; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4, T5 v5 s5, T6 v6 s6,
    T7 v7 s7, T8 v8 s8, T9 v9 s9, T10 v10 s10);
impl_row_tuple!(12; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4, T5 v5 s5, T6 v6 s6,
    T7 v7 s7, T8 v8 s8, T9 v9 s9, T10 v10 s10, T11 v11 s11);
impl_row_tuple!(13; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4, T5 v5 s5, T6 v6 s6,
    T7 v7 s7, T8 v8 s8, T9 v9 s9, T10 v10 s10, T11 v11 s11, T12 v12 s12);
impl_row_tuple!(14; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4, T5 v5 s5, T6 v6 s6,
    T7 v7 s7, T8 v8 s8, T9 v9 s9, T10 v10 s10, T11 v11 s11, T12 v12 s12, T13 v13 s13);
impl_row_tuple!(15; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4, T5 v5 s5, T6 v6 s6,
    T7 v7 s7, T8 v8 s8, T9 v9 s9, T10 v10 s10, T11 v11 s11, T12 v12 s12, T13 v13 s13,
    T14 v14 s14);
impl_row_tuple!(16; T0 v0 s0, T1 v1 s1, T2 v2 s2, T3 v3 s3, T4 v4 s4, T5 v5 s5, T6 v6 s6,
    T7 v7 s7, T8 v8 s8, T9 v9 s9, T10 v10 s10, T11 v11 s11, T12 v12 s12, T13 v13 s13,
    T14 v14 s14, T15 v15 s15);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::response::result::{NativeType, TableSpec};

    fn specs(names: &[&str]) -> Vec<ColumnSpec<'static>> {
        names
            .iter()
            .map(|n| {
                ColumnSpec::owned(
                    (*n).to_owned(),
                    ColumnType::Native(NativeType::Int),
                    TableSpec::borrowed("ks", "t"),
                )
            })
            .collect()
    }

    #[test]
    fn by_name_reports_the_first_missing_marker() {
        let specs = specs(&["a", "b", "c"]);
        let ctx = RowSerializationContext::from_specs(&specs);
        let row = std::collections::BTreeMap::from([("a", 1i32), ("c", 3i32)]);
        let err = SerializedValues::from_serializable(&ctx, &row).unwrap_err();
        let e = err.downcast_ref::<BuiltinTypeCheckError>().unwrap();
        assert!(
            matches!(&e.kind, BuiltinTypeCheckErrorKind::ValueMissingForColumn { name } if name == "b")
        );
    }

    #[test]
    fn messages_name_the_rust_type() {
        let specs = specs(&["a"]);
        let ctx = RowSerializationContext::from_specs(&specs);
        let err = SerializedValues::from_serializable(&ctx, &(1i32, 2i32)).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("Rust type (i32, i32)"), "{msg}");
        assert!(msg.contains("provides 2 values"), "{msg}");
        assert!(msg.contains("has 1 bind markers"), "{msg}");
    }

    #[test]
    fn empty_context_accepts_empty_rows_only() {
        let ctx = RowSerializationContext::empty();
        assert!(
            SerializedValues::from_serializable(&ctx, &())
                .unwrap()
                .is_empty()
        );
        assert!(SerializedValues::from_serializable(&ctx, &Vec::<i32>::new()).is_ok());
        assert!(SerializedValues::from_serializable(&ctx, &(1i32,)).is_err());
    }
}
