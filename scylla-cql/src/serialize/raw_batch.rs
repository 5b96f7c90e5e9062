//! Batch values already matched with their statements: what the BATCH request
//! serializer consumes.
//!
//! (Minimal version written with the BATCH request: the traits and their
//! implementation for `Vec<SerializedValues>`. The adapter from `BatchValues` belongs
//! to the serialization work.)

use super::SerializationError;
use super::row::SerializedValues;
use super::writers::RowWriter;

/// The values of all statements of a batch, ready to be written.
pub trait RawBatchValues {
    /// An iterator over the value lists, one per statement.
    type RawBatchValuesIter<'r>: RawBatchValuesIterator<'r>
    where
        Self: 'r;

    /// Iterates over the value lists.
    fn batch_values_iter(&self) -> Self::RawBatchValuesIter<'_>;
}

/// An iterator over the value lists of a batch, one per statement.
pub trait RawBatchValuesIterator<'a> {
    /// Writes the next statement's values with `writer`; `None` when there are no more.
    fn serialize_next(&mut self, writer: &mut RowWriter) -> Option<Result<(), SerializationError>>;

    /// Whether the next statement has no values, advancing past it; `None` when there
    /// are no more.
    fn is_empty_next(&mut self) -> Option<bool>;

    /// Skips the next statement's values; `None` when there are no more.
    fn skip_next(&mut self) -> Option<()>;

    /// The number of value lists left.
    fn count(mut self) -> usize
    where
        Self: Sized,
    {
        let mut n = 0;
        while self.skip_next().is_some() {
            n += 1;
        }
        n
    }
}

impl RawBatchValues for Vec<SerializedValues> {
    type RawBatchValuesIter<'r>
        = std::slice::Iter<'r, SerializedValues>
    where
        Self: 'r;

    fn batch_values_iter(&self) -> Self::RawBatchValuesIter<'_> {
        self.iter()
    }
}

impl<'r> RawBatchValuesIterator<'r> for std::slice::Iter<'r, SerializedValues> {
    fn serialize_next(&mut self, writer: &mut RowWriter) -> Option<Result<(), SerializationError>> {
        let values = self.next()?;
        writer.append_serialize_row(values);
        Some(Ok(()))
    }

    fn is_empty_next(&mut self) -> Option<bool> {
        self.next().map(SerializedValues::is_empty)
    }

    fn skip_next(&mut self) -> Option<()> {
        self.next().map(|_| ())
    }

    fn count(self) -> usize {
        self.len()
    }
}
