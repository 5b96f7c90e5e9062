//! Iterators over the rows of a result set.
//!
//! - [`RawRowIterator`] splits the rows' bytes into rows, yielding a
//!   [`ColumnIterator`] per row.
//! - [`TypedRowIterator`] type-checks a [`DeserializeRow`] type once, then deserializes
//!   each row into it, borrowing from the frame.
//! - [`RawRowLendingIterator`] owns the rows' bytes and metadata and lends out one
//!   row at a time (for pagers that keep a page while handing out its rows).
//!
//! A parsed Rows result gives the typed iterator directly with
//! [`DeserializedMetadataAndRawRows::rows_iter`].
//!
//! ```
//! use bytes::Bytes;
//! use scylla_cql::deserialize::FrameSlice;
//! use scylla_cql::deserialize::result::{RawRowIterator, TypedRowIterator};
//! use scylla_cql::frame::response::result::{ColumnSpec, ColumnType, NativeType, TableSpec};
//!
//! let table = TableSpec::borrowed("ks", "t");
//! let specs = [
//!     ColumnSpec::borrowed("id", ColumnType::Native(NativeType::Int), table.clone()),
//!     ColumnSpec::borrowed("name", ColumnType::Native(NativeType::Text), table),
//! ];
//! // One row: the `[bytes]` of the int 7, then those of the text "seven".
//! let rows = Bytes::from_static(b"\0\0\0\x04\0\0\0\x07\0\0\0\x05seven");
//! let raw = RawRowIterator::new(1, &specs, FrameSlice::new(&rows));
//! // The row type is checked once against the columns, here.
//! let typed = TypedRowIterator::<(i32, &str)>::new(raw)?;
//! let all: Vec<(i32, &str)> = typed.collect::<Result<_, _>>()?;
//! assert_eq!(all, [(7, "seven")]);
//! // The &str points into the frame: nothing was copied.
//! assert_eq!(all[0].1.as_ptr(), rows[12..].as_ptr());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use bytes::Bytes;

use crate::frame::frame_errors::LowLevelDeserializationError;
use crate::frame::response::result::{
    ColumnSpec, DeserializedMetadataAndRawRows, ResultMetadata, ResultMetadataHolder,
};

use super::frame_slice::FrameSlice;
use super::row::{BuiltinDeserializationErrorKind, ColumnIterator, DeserializeRow, mk_deser_err};
use super::{DeserializationError, TypeCheckError};

/// The largest number of rows the bytes could hold, given that every column takes at
/// least the 4 bytes of its length; `None` when rows have no columns (and no bytes).
fn max_rows_for_bytes(specs: &[ColumnSpec], bytes: usize) -> Option<usize> {
    let min_row_bytes = specs.len().checked_mul(4)?;
    bytes.checked_div(min_row_bytes)
}

/// The number of rows to iterate over: `rows_count`, but no more than the bytes could
/// hold plus one (that last row then reports the truncation). This keeps a bogus row
/// count from driving a huge allocation in a consumer that trusts `size_hint`.
fn plausible_rows(rows_count: usize, specs: &[ColumnSpec], bytes: usize) -> usize {
    match max_rows_for_bytes(specs, bytes) {
        Some(max) => rows_count.min(max.saturating_add(1)),
        None => rows_count,
    }
}

/// Splits the next row off `slice`: reads each column's `[bytes]` to find where the
/// row ends, and returns a slice covering exactly the row.
fn split_row<'frame>(
    specs: &[ColumnSpec],
    slice: &mut FrameSlice<'frame>,
) -> Result<FrameSlice<'frame>, DeserializationError> {
    let mut row_start = *slice;
    let before = slice.as_slice().len();
    for (column_index, spec) in specs.iter().enumerate() {
        slice.read_cql_bytes().map_err(|err| {
            mk_deser_err::<ColumnIterator>(
                BuiltinDeserializationErrorKind::RawColumnDeserializationFailed {
                    column_index,
                    column_name: spec.name().to_owned(),
                    err: DeserializationError::new(err),
                },
            )
        })?;
    }
    let consumed = before - slice.as_slice().len();
    row_start
        .read_subslice(consumed)
        .map_err(|err: LowLevelDeserializationError| DeserializationError::new(err))
}

/// Iterates over the rows of a result set, yielding each row's raw columns.
///
/// A row whose bytes are malformed yields an error, after which the iterator ends.
#[derive(Debug, Clone)]
pub struct RawRowIterator<'frame, 'metadata> {
    specs: &'metadata [ColumnSpec<'metadata>],
    remaining: usize,
    slice: FrameSlice<'frame>,
}

impl<'frame, 'metadata> RawRowIterator<'frame, 'metadata> {
    /// An iterator over `rows_count` rows with the columns `specs`, read from `slice`.
    ///
    /// If the bytes cannot possibly hold `rows_count` rows (every column takes at
    /// least 4 bytes), the iterator stops after the first row that does not fit, which
    /// yields the error.
    #[inline]
    pub fn new(
        rows_count: usize,
        specs: &'metadata [ColumnSpec<'metadata>],
        slice: FrameSlice<'frame>,
    ) -> Self {
        Self {
            specs,
            remaining: plausible_rows(rows_count, specs, slice.as_slice().len()),
            slice,
        }
    }

    /// The column specs of the rows.
    #[inline]
    pub fn specs(&self) -> &'metadata [ColumnSpec<'metadata>] {
        self.specs
    }

    /// The number of rows not yet read.
    #[inline]
    pub fn rows_remaining(&self) -> usize {
        self.remaining
    }
}

impl<'frame, 'metadata> Iterator for RawRowIterator<'frame, 'metadata> {
    type Item = Result<ColumnIterator<'frame, 'metadata>, DeserializationError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        match split_row(self.specs, &mut self.slice) {
            Ok(row) => Some(Ok(ColumnIterator::new(self.specs, row))),
            Err(err) => {
                self.remaining = 0;
                Some(Err(err))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl ExactSizeIterator for RawRowIterator<'_, '_> {}

/// Iterates over the rows of a result set, deserializing each into `R`.
///
/// `R` is type-checked once against the column specs when the iterator is created.
pub struct TypedRowIterator<'frame, 'metadata, R> {
    raw_iter: RawRowIterator<'frame, 'metadata>,
    phantom_data: PhantomData<fn() -> R>,
}

impl<R> Clone for TypedRowIterator<'_, '_, R> {
    fn clone(&self) -> Self {
        Self {
            raw_iter: self.raw_iter.clone(),
            phantom_data: PhantomData,
        }
    }
}

impl<R> fmt::Debug for TypedRowIterator<'_, '_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TypedRowIterator")
            .field("rust_type", &std::any::type_name::<R>())
            .field("raw_iter", &self.raw_iter)
            .finish()
    }
}

impl<'frame, 'metadata, R> TypedRowIterator<'frame, 'metadata, R>
where
    R: DeserializeRow<'frame, 'metadata>,
{
    /// Type-checks `R` against the rows' column specs and wraps `raw_iter`.
    pub fn new(raw_iter: RawRowIterator<'frame, 'metadata>) -> Result<Self, TypeCheckError> {
        R::type_check(raw_iter.specs())?;
        Ok(Self {
            raw_iter,
            phantom_data: PhantomData,
        })
    }

    /// The number of rows not yet read.
    #[inline]
    pub fn rows_remaining(&self) -> usize {
        self.raw_iter.rows_remaining()
    }

    /// The column specs of the rows.
    #[inline]
    pub fn specs(&self) -> &'metadata [ColumnSpec<'metadata>] {
        self.raw_iter.specs()
    }
}

impl<'frame, 'metadata, R> Iterator for TypedRowIterator<'frame, 'metadata, R>
where
    R: DeserializeRow<'frame, 'metadata>,
{
    type Item = Result<R, DeserializationError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        self.raw_iter
            .next()
            .map(|raw| raw.and_then(|row| R::deserialize(row)))
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.raw_iter.size_hint()
    }
}

impl<'frame, 'metadata, R> ExactSizeIterator for TypedRowIterator<'frame, 'metadata, R> where
    R: DeserializeRow<'frame, 'metadata>
{
}

/// Owns the rows' bytes and metadata of a result set and lends out one row at a
/// time: [`next`](Self::next) returns a [`ColumnIterator`] borrowing from `self`.
///
/// This is a lending iterator, so it cannot implement [`Iterator`]; use
/// `while let Some(row) = it.next() { ... }`.
#[derive(Debug)]
pub struct RawRowLendingIterator {
    metadata: ResultMetadataHolder,
    remaining: usize,
    at: usize,
    raw_rows: Bytes,
}

impl RawRowLendingIterator {
    /// A lending iterator over the rows of a Rows result whose metadata has been read
    /// (the metadata and the rows' bytes are moved in, nothing is copied).
    ///
    /// As with [`RawRowIterator::new`], a row count the bytes cannot hold is cut to
    /// the first row that does not fit, which yields the error.
    pub fn new(raw_rows: DeserializedMetadataAndRawRows) -> Self {
        let (metadata, rows_count, raw_rows) = raw_rows.into_parts();
        Self::from_metadata(metadata, rows_count, raw_rows)
    }

    /// A lending iterator over `rows_count` rows with the columns `specs`, held in
    /// `raw_rows` (the rows' part of a RESULT Rows body, after the row count).
    ///
    /// The specs are copied into a [`ResultMetadata`]; prefer [`new`](Self::new) when
    /// a parsed result is at hand.
    pub fn from_specs_and_raw_rows(
        specs: Arc<[ColumnSpec<'static>]>,
        rows_count: usize,
        raw_rows: Bytes,
    ) -> Self {
        let metadata = ResultMetadataHolder::SharedCached(Arc::new(ResultMetadata::new(
            specs.iter().cloned().collect(),
        )));
        Self::from_metadata(metadata, rows_count, raw_rows)
    }

    fn from_metadata(metadata: ResultMetadataHolder, rows_count: usize, raw_rows: Bytes) -> Self {
        let remaining = plausible_rows(rows_count, metadata.inner().col_specs(), raw_rows.len());
        Self {
            metadata,
            remaining,
            at: 0,
            raw_rows,
        }
    }

    /// The metadata of the result set.
    #[inline]
    pub fn metadata(&self) -> &ResultMetadata<'_> {
        self.metadata.inner()
    }

    /// The column specs of the rows.
    #[inline]
    pub fn specs(&self) -> &[ColumnSpec<'_>] {
        self.metadata.inner().col_specs()
    }

    /// The number of rows not yet read.
    #[inline]
    pub fn rows_remaining(&self) -> usize {
        self.remaining
    }

    /// `(rows_remaining, Some(rows_remaining))`, like an exact-size iterator.
    #[inline]
    pub fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }

    /// The next row's columns, borrowing from `self`; `None` after the last row. A
    /// malformed row yields an error, after which the iterator ends.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Result<ColumnIterator<'_, '_>, DeserializationError>> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let specs = self.metadata.inner().col_specs();
        let mut slice = FrameSlice::new(&self.raw_rows);
        if let Err(err) = slice.read_subslice(self.at) {
            self.remaining = 0;
            return Some(Err(DeserializationError::new(err)));
        }
        match split_row(specs, &mut slice) {
            Ok(row) => {
                self.at = self.raw_rows.len() - slice.as_slice().len();
                Some(Ok(ColumnIterator::new(specs, row)))
            }
            Err(err) => {
                self.remaining = 0;
                Some(Err(err))
            }
        }
    }
}

#[cfg(test)]
#[path = "result_tests.rs"]
mod tests;
