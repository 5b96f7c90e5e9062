//! Batch values already matched with their statements: what the BATCH request writer
//! consumes.
//!
//! A [`RawBatchValues`] yields, per statement, a row it can write without further
//! information: either rows serialized beforehand (`Vec<SerializedValues>`), or a
//! [`BatchValues`] paired with one [`RowSerializationContext`] per statement by
//! [`RawBatchValuesAdapter`].

use super::SerializationError;
use super::batch::{BatchValues, BatchValuesIterator};
use super::row::{RowSerializationContext, SerializedValues};
use super::writers::RowWriter;

/// The values of a batch, each row already tied to its statement's bind markers.
pub trait RawBatchValues {
    /// The iterator over the rows.
    type RawBatchValuesIter<'r>: RawBatchValuesIterator<'r>
    where
        Self: 'r;

    /// An iterator over the rows, from the first statement.
    fn batch_values_iter(&self) -> Self::RawBatchValuesIter<'_>;
}

/// Iterates over the rows of a [`RawBatchValues`]: each method consumes one row.
pub trait RawBatchValuesIterator<'a> {
    /// Writes the next row; `None` when there are no more rows.
    fn serialize_next(&mut self, writer: &mut RowWriter) -> Option<Result<(), SerializationError>>;

    /// Whether the next row has no values at all, consuming it; `None` when there are
    /// no more rows.
    fn is_empty_next(&mut self) -> Option<bool>;

    /// Skips the next row; `None` when there are no more rows.
    fn skip_next(&mut self) -> Option<()>;

    /// The number of rows left, consuming the iterator.
    #[inline]
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

    #[inline]
    fn batch_values_iter(&self) -> Self::RawBatchValuesIter<'_> {
        self.iter()
    }
}

impl<'r> RawBatchValuesIterator<'r> for std::slice::Iter<'r, SerializedValues> {
    #[inline]
    fn serialize_next(&mut self, writer: &mut RowWriter) -> Option<Result<(), SerializationError>> {
        self.next().map(|sv| {
            writer.append_serialize_row(sv);
            Ok(())
        })
    }

    #[inline]
    fn is_empty_next(&mut self) -> Option<bool> {
        self.next().map(SerializedValues::is_empty)
    }

    #[inline]
    fn skip_next(&mut self) -> Option<()> {
        self.next().map(|_| ())
    }

    #[inline]
    fn count(self) -> usize {
        <Self as Iterator>::count(self)
    }
}

/// Pairs a [`BatchValues`] with an iterator of [`RowSerializationContext`]s, one per
/// statement, into a [`RawBatchValues`].
pub struct RawBatchValuesAdapter<BV, CTX> {
    batch_values: BV,
    contexts: CTX,
}

impl<BV, CTX> RawBatchValuesAdapter<BV, CTX> {
    /// Pairs the rows of `batch_values` with `contexts`, in order.
    #[inline]
    pub fn new(batch_values: BV, contexts: CTX) -> Self {
        Self {
            batch_values,
            contexts,
        }
    }
}

impl<'ctx, BV, CTX> RawBatchValues for RawBatchValuesAdapter<BV, CTX>
where
    BV: BatchValues,
    CTX: Iterator<Item = RowSerializationContext<'ctx>> + Clone,
{
    type RawBatchValuesIter<'r>
        = RawBatchValuesIteratorAdapter<BV::BatchValuesIter<'r>, CTX>
    where
        Self: 'r;

    #[inline]
    fn batch_values_iter(&self) -> Self::RawBatchValuesIter<'_> {
        RawBatchValuesIteratorAdapter {
            batch_values_iterator: self.batch_values.batch_values_iter(),
            contexts: self.contexts.clone(),
        }
    }
}

/// The iterator of a [`RawBatchValuesAdapter`]: advances the rows and the contexts
/// together.
///
/// Iteration ends as soon as either runs out; the request writer compares the number
/// of rows with the number of statements beforehand.
pub struct RawBatchValuesIteratorAdapter<BVI, CTX> {
    batch_values_iterator: BVI,
    contexts: CTX,
}

impl<'bvi, 'ctx, BVI, CTX> RawBatchValuesIterator<'bvi> for RawBatchValuesIteratorAdapter<BVI, CTX>
where
    BVI: BatchValuesIterator<'bvi>,
    CTX: Iterator<Item = RowSerializationContext<'ctx>>,
{
    #[inline]
    fn serialize_next(&mut self, writer: &mut RowWriter) -> Option<Result<(), SerializationError>> {
        let ctx = self.contexts.next()?;
        self.batch_values_iterator.serialize_next(&ctx, writer)
    }

    #[inline]
    fn is_empty_next(&mut self) -> Option<bool> {
        self.contexts.next()?;
        self.batch_values_iterator.is_empty_next()
    }

    #[inline]
    fn skip_next(&mut self) -> Option<()> {
        self.contexts.next()?;
        self.batch_values_iterator.skip_next()
    }

    #[inline]
    fn count(self) -> usize {
        let contexts = self.contexts.count();
        let rows = self.batch_values_iterator.count();
        contexts.min(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::response::result::{ColumnSpec, ColumnType, NativeType, TableSpec};

    fn spec(name: &str, t: NativeType) -> ColumnSpec<'static> {
        ColumnSpec::owned(
            name.to_owned(),
            ColumnType::Native(t),
            TableSpec::borrowed("ks", "t"),
        )
    }

    #[test]
    fn serialized_values_rows() {
        let specs = [spec("a", NativeType::Int)];
        let ctx = RowSerializationContext::from_specs(&specs);
        let rows = vec![
            SerializedValues::from_serializable(&ctx, &(1i32,)).unwrap(),
            SerializedValues::new(),
        ];
        let mut it = rows.batch_values_iter();
        let mut buf = Vec::new();
        let mut w = RowWriter::new(&mut buf);
        it.serialize_next(&mut w).unwrap().unwrap();
        assert_eq!(w.value_count(), 1);
        assert_eq!(buf, [0, 0, 0, 4, 0, 0, 0, 1]);
        assert_eq!(it.is_empty_next(), Some(true));
        assert!(it.serialize_next(&mut RowWriter::new(&mut buf)).is_none());
        assert_eq!(
            RawBatchValuesIterator::count(RawBatchValues::batch_values_iter(&rows)),
            2
        );
    }

    #[test]
    fn adapter_pairs_rows_with_their_statements() {
        // Two statements with differently typed bind markers.
        let specs1 = [spec("a", NativeType::Int)];
        let specs2 = [spec("b", NativeType::Text), spec("c", NativeType::BigInt)];
        let contexts = [
            RowSerializationContext::from_specs(&specs1),
            RowSerializationContext::from_specs(&specs2),
        ];
        let values = ((5i32,), ("x", 6i64));
        let adapter = RawBatchValuesAdapter::new(&values, contexts.iter().copied());

        let mut it = adapter.batch_values_iter();
        let mut buf = Vec::new();
        it.serialize_next(&mut RowWriter::new(&mut buf))
            .unwrap()
            .unwrap();
        assert_eq!(buf, [0, 0, 0, 4, 0, 0, 0, 5]);
        buf.clear();
        it.serialize_next(&mut RowWriter::new(&mut buf))
            .unwrap()
            .unwrap();
        assert_eq!(buf, [0, 0, 0, 1, b'x', 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 6]);
        assert!(it.serialize_next(&mut RowWriter::new(&mut buf)).is_none());

        assert_eq!(adapter.batch_values_iter().count(), 2);
        let mut it = adapter.batch_values_iter();
        assert_eq!(it.is_empty_next(), Some(false));
        assert_eq!(it.skip_next(), Some(()));
        assert_eq!(it.skip_next(), None);
    }

    #[test]
    fn adapter_reports_type_errors() {
        let specs = [spec("a", NativeType::Int)];
        let contexts = [RowSerializationContext::from_specs(&specs)];
        let values = vec![("not an int",)];
        let adapter = RawBatchValuesAdapter::new(&values, contexts.iter().copied());
        let mut buf = Vec::new();
        let err = adapter
            .batch_values_iter()
            .serialize_next(&mut RowWriter::new(&mut buf))
            .unwrap()
            .unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("bind marker a"), "{msg}");
        assert!(msg.contains("CQL type int"), "{msg}");
    }

    #[test]
    fn adapter_stops_at_the_shorter_side() {
        let specs = [spec("a", NativeType::Int)];
        let contexts = [RowSerializationContext::from_specs(&specs)];
        let values = vec![(1i32,), (2i32,)];
        let adapter = RawBatchValuesAdapter::new(&values, contexts.iter().copied());
        assert_eq!(adapter.batch_values_iter().count(), 1);
    }
}
