//! The [`DeserializeRow`] trait: one row of a result set into a Rust type, and
//! [`ColumnIterator`], the raw columns of a row.

use crate::frame::response::result::ColumnSpec;

use super::frame_slice::FrameSlice;
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

/// Iterates over the raw columns of one row.
#[derive(Debug, Clone)]
pub struct ColumnIterator<'frame, 'metadata> {
    pub(crate) specs: std::iter::Enumerate<std::slice::Iter<'metadata, ColumnSpec<'metadata>>>,
    pub(crate) slice: FrameSlice<'frame>,
}

impl<'frame, 'metadata> ColumnIterator<'frame, 'metadata> {
    /// An iterator over the columns described by `specs`, read from `slice`.
    #[inline]
    pub fn new(specs: &'metadata [ColumnSpec<'metadata>], slice: FrameSlice<'frame>) -> Self {
        Self {
            specs: specs.iter().enumerate(),
            slice,
        }
    }

    /// The number of columns not yet read.
    #[inline]
    pub fn columns_remaining(&self) -> usize {
        self.specs.len()
    }
}

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
