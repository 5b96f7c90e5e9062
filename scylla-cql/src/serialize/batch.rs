//! The [`BatchValues`] trait: the values of every statement of a batch, one row of
//! bind values per statement.

use std::marker::PhantomData;

use super::SerializationError;
use super::row::{RowSerializationContext, SerializeRow};
use super::writers::RowWriter;

/// The values of a batch: one [`SerializeRow`] per statement, in statement order.
///
/// Implemented for slices and vectors of rows (all of one type), tuples of up to 16
/// rows (each of its own type), references, and [`BatchValuesFromIterator`].
pub trait BatchValues {
    /// The iterator over the rows.
    type BatchValuesIter<'r>: BatchValuesIterator<'r>
    where
        Self: 'r;

    /// An iterator over the rows, from the first statement.
    fn batch_values_iter(&self) -> Self::BatchValuesIter<'_>;
}

/// Iterates over the rows of a [`BatchValues`]: each method consumes one row.
pub trait BatchValuesIterator<'bv> {
    /// Serializes the next row against `ctx` (its statement's bind markers);
    /// `None` when there are no more rows.
    fn serialize_next(
        &mut self,
        ctx: &RowSerializationContext<'_>,
        writer: &mut RowWriter,
    ) -> Option<Result<(), SerializationError>>;

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

/// A [`BatchValuesIterator`] over an iterator of row references.
pub struct BatchValuesIteratorFromIterator<IT: Iterator> {
    it: IT,
}

impl<'bv, 'sr: 'bv, IT, SR> BatchValuesIterator<'bv> for BatchValuesIteratorFromIterator<IT>
where
    IT: Iterator<Item = &'sr SR>,
    SR: SerializeRow + 'sr,
{
    #[inline]
    fn serialize_next(
        &mut self,
        ctx: &RowSerializationContext<'_>,
        writer: &mut RowWriter,
    ) -> Option<Result<(), SerializationError>> {
        self.it.next().map(|row| row.serialize(ctx, writer))
    }

    #[inline]
    fn is_empty_next(&mut self) -> Option<bool> {
        self.it.next().map(|row| row.is_empty())
    }

    #[inline]
    fn skip_next(&mut self) -> Option<()> {
        self.it.next().map(|_| ())
    }

    #[inline]
    fn count(self) -> usize {
        self.it.count()
    }
}

impl<IT> From<IT> for BatchValuesIteratorFromIterator<IT>
where
    IT: Iterator,
    IT::Item: SerializeRow,
{
    #[inline]
    fn from(it: IT) -> Self {
        Self { it }
    }
}

/// [`BatchValues`] from a cloneable iterator of row references, for batches whose
/// rows are not in a slice.
pub struct BatchValuesFromIterator<'sr, IT> {
    it: IT,
    _phantom: PhantomData<&'sr ()>,
}

impl<'sr, SR, IT> BatchValuesFromIterator<'sr, IT>
where
    IT: Iterator<Item = &'sr SR> + Clone,
    SR: SerializeRow + 'sr,
{
    /// Wraps the iterator of `into_iter`.
    #[inline]
    pub fn new(into_iter: impl IntoIterator<IntoIter = IT>) -> Self {
        Self {
            it: into_iter.into_iter(),
            _phantom: PhantomData,
        }
    }
}

impl<'sr, SR, IT> From<IT> for BatchValuesFromIterator<'sr, IT>
where
    IT: Iterator<Item = &'sr SR> + Clone,
    SR: SerializeRow + 'sr,
{
    #[inline]
    fn from(it: IT) -> Self {
        Self::new(it)
    }
}

impl<'sr, SR, IT> BatchValues for BatchValuesFromIterator<'sr, IT>
where
    IT: Iterator<Item = &'sr SR> + Clone,
    SR: SerializeRow + 'sr,
{
    type BatchValuesIter<'r>
        = BatchValuesIteratorFromIterator<IT>
    where
        Self: 'r;

    #[inline]
    fn batch_values_iter(&self) -> Self::BatchValuesIter<'_> {
        self.it.clone().into()
    }
}

impl<T: SerializeRow> BatchValues for [T] {
    type BatchValuesIter<'r>
        = BatchValuesIteratorFromIterator<std::slice::Iter<'r, T>>
    where
        Self: 'r;

    #[inline]
    fn batch_values_iter(&self) -> Self::BatchValuesIter<'_> {
        self.iter().into()
    }
}

impl<T: SerializeRow> BatchValues for Vec<T> {
    type BatchValuesIter<'r>
        = BatchValuesIteratorFromIterator<std::slice::Iter<'r, T>>
    where
        Self: 'r;

    #[inline]
    fn batch_values_iter(&self) -> Self::BatchValuesIter<'_> {
        self.iter().into()
    }
}

impl<T: BatchValues + ?Sized> BatchValues for &T {
    type BatchValuesIter<'r>
        = <T as BatchValues>::BatchValuesIter<'r>
    where
        Self: 'r;

    #[inline]
    fn batch_values_iter(&self) -> Self::BatchValuesIter<'_> {
        <T as BatchValues>::batch_values_iter(*self)
    }
}

impl<T0: SerializeRow> BatchValues for (T0,) {
    type BatchValuesIter<'r>
        = BatchValuesIteratorFromIterator<std::iter::Once<&'r T0>>
    where
        Self: 'r;

    #[inline]
    fn batch_values_iter(&self) -> Self::BatchValuesIter<'_> {
        std::iter::once(&self.0).into()
    }
}

/// The [`BatchValuesIterator`] of a tuple of rows.
pub struct TupleValuesIter<'sr, T> {
    tuple: &'sr T,
    idx: usize,
}

macro_rules! impl_batch_tuple {
    ($len:expr; $($T:ident $idx:tt),+) => {
        impl<$($T: SerializeRow),+> BatchValues for ($($T,)+) {
            type BatchValuesIter<'r>
                = TupleValuesIter<'r, ($($T,)+)>
            where
                Self: 'r;

            #[inline]
            fn batch_values_iter(&self) -> Self::BatchValuesIter<'_> {
                TupleValuesIter { tuple: self, idx: 0 }
            }
        }

        impl<'bv, $($T: SerializeRow),+> BatchValuesIterator<'bv> for TupleValuesIter<'bv, ($($T,)+)> {
            fn serialize_next(
                &mut self,
                ctx: &RowSerializationContext<'_>,
                writer: &mut RowWriter,
            ) -> Option<Result<(), SerializationError>> {
                let ret = match self.idx {
                    $($idx => self.tuple.$idx.serialize(ctx, writer),)+
                    _ => return None,
                };
                self.idx += 1;
                Some(ret)
            }

            fn is_empty_next(&mut self) -> Option<bool> {
                let ret = match self.idx {
                    $($idx => self.tuple.$idx.is_empty(),)+
                    _ => return None,
                };
                self.idx += 1;
                Some(ret)
            }

            #[inline]
            fn skip_next(&mut self) -> Option<()> {
                if self.idx < $len {
                    self.idx += 1;
                    Some(())
                } else {
                    None
                }
            }

            #[inline]
            fn count(self) -> usize {
                $len - self.idx.min($len)
            }
        }
    };
}

impl_batch_tuple!(2; T0 0, T1 1);
impl_batch_tuple!(3; T0 0, T1 1, T2 2);
impl_batch_tuple!(4; T0 0, T1 1, T2 2, T3 3);
impl_batch_tuple!(5; T0 0, T1 1, T2 2, T3 3, T4 4);
impl_batch_tuple!(6; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5);
impl_batch_tuple!(7; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6);
impl_batch_tuple!(8; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7);
impl_batch_tuple!(9; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8);
impl_batch_tuple!(10; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9);
impl_batch_tuple!(11; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10);
impl_batch_tuple!(12; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10,
    T11 11);
impl_batch_tuple!(13; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10,
    T11 11, T12 12);
impl_batch_tuple!(14; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10,
    T11 11, T12 12, T13 13);
impl_batch_tuple!(15; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10,
    T11 11, T12 12, T13 13, T14 14);
impl_batch_tuple!(16; T0 0, T1 1, T2 2, T3 3, T4 4, T5 5, T6 6, T7 7, T8 8, T9 9, T10 10,
    T11 11, T12 12, T13 13, T14 14, T15 15);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::response::result::{ColumnSpec, ColumnType, NativeType, TableSpec};

    fn int_specs(n: usize) -> Vec<ColumnSpec<'static>> {
        (0..n)
            .map(|i| {
                ColumnSpec::owned(
                    format!("c{i}"),
                    ColumnType::Native(NativeType::Int),
                    TableSpec::borrowed("ks", "t"),
                )
            })
            .collect()
    }

    fn serialize_all<BV: BatchValues + ?Sized>(bv: &BV, counts: &[usize]) -> Vec<Vec<u8>> {
        let mut it = bv.batch_values_iter();
        let mut out = Vec::new();
        for &n in counts {
            let specs = int_specs(n);
            let ctx = RowSerializationContext::from_specs(&specs);
            let mut buf = Vec::new();
            let mut w = RowWriter::new(&mut buf);
            it.serialize_next(&ctx, &mut w).unwrap().unwrap();
            assert_eq!(w.value_count(), n);
            out.push(buf);
        }
        let ctx = RowSerializationContext::empty();
        let mut buf = Vec::new();
        assert!(
            it.serialize_next(&ctx, &mut RowWriter::new(&mut buf))
                .is_none()
        );
        out
    }

    #[test]
    fn vec_and_slice_batches() {
        let rows = vec![(1i32,), (2i32,)];
        let expected = vec![vec![0, 0, 0, 4, 0, 0, 0, 1], vec![0, 0, 0, 4, 0, 0, 0, 2]];
        assert_eq!(serialize_all(&rows, &[1, 1]), expected);
        assert_eq!(serialize_all(rows.as_slice(), &[1, 1]), expected);
        assert_eq!(serialize_all(&&rows, &[1, 1]), expected);
        assert_eq!(rows.batch_values_iter().count(), 2);
    }

    #[test]
    fn tuple_batches_mix_row_types() {
        let batch = ((1i32,), (), (2i32, 3i32));
        let out = serialize_all(&batch, &[1, 0, 2]);
        assert_eq!(out[0], [0, 0, 0, 4, 0, 0, 0, 1]);
        assert!(out[1].is_empty());
        assert_eq!(out[2], [0, 0, 0, 4, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 3]);

        let mut it = batch.batch_values_iter();
        assert_eq!(it.is_empty_next(), Some(false));
        assert_eq!(it.is_empty_next(), Some(true));
        assert_eq!(it.skip_next(), Some(()));
        assert_eq!(it.skip_next(), None);
        assert_eq!(it.is_empty_next(), None);

        let mut it = batch.batch_values_iter();
        it.skip_next();
        assert_eq!(it.count(), 2);

        let single = ((5i32,),);
        assert_eq!(
            serialize_all(&single, &[1]),
            vec![vec![0, 0, 0, 4, 0, 0, 0, 5]]
        );
    }

    #[test]
    fn from_iterator() {
        let rows = [(1i32,), (2i32,), (3i32,)];
        let bv = BatchValuesFromIterator::new(rows.iter().filter(|r| r.0 != 2));
        let out = serialize_all(&bv, &[1, 1]);
        assert_eq!(out[1], [0, 0, 0, 4, 0, 0, 0, 3]);
        // Iterating twice gives the same rows.
        assert_eq!(bv.batch_values_iter().count(), 2);
        let bv: BatchValuesFromIterator<'_, _> = rows.iter().into();
        assert_eq!(bv.batch_values_iter().count(), 3);
    }

    #[test]
    fn errors_surface_per_row() {
        let rows = vec![vec![1i32], vec![1i32, 2]];
        let specs = int_specs(1);
        let ctx = RowSerializationContext::from_specs(&specs);
        let mut it = rows.batch_values_iter();
        let mut buf = Vec::new();
        assert!(
            it.serialize_next(&ctx, &mut RowWriter::new(&mut buf))
                .unwrap()
                .is_ok()
        );
        let err = it
            .serialize_next(&ctx, &mut RowWriter::new(&mut buf))
            .unwrap()
            .unwrap_err();
        assert!(err.to_string().contains("provides 2 values"), "{err}");
    }
}
