//! The [`SerializeRow`] trait: the bind values of one statement, and
//! [`SerializedValues`], a row already serialized.

use std::borrow::Cow;

use bytes::BufMut;

use crate::frame::frame_errors::LowLevelDeserializationError;
use crate::frame::response::result::{ColumnSpec, ColumnType, PreparedMetadata};
use crate::frame::types::{self, RawValue};

use super::SerializationError;
use super::value::SerializeValue;
use super::writers::RowWriter;

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
        Self::from_closure(|writer| row.serialize(ctx, writer)).map(|(sv, ())| sv)
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
