//! Writers that put serialized values straight into a request buffer.
//!
//! A [`CellWriter`] writes one `[value]` (length-prefixed bytes, null or unset); a
//! [`RowWriter`] hands out cell writers for the bind values of one request and counts
//! them. A successful write returns a [`WrittenCellProof`], which the type system ties
//! to the writer's buffer: an implementation of
//! [`SerializeValue`](super::value::SerializeValue) can only return `Ok` after writing
//! exactly one cell.

use std::marker::PhantomData;

use thiserror::Error;

use super::row::SerializedValues;

/// Hands out cell writers for consecutive bind values and counts them.
pub struct RowWriter<'buf> {
    buf: &'buf mut Vec<u8>,
    value_count: usize,
}

impl<'buf> RowWriter<'buf> {
    /// A row writer appending to `buf`. Nothing is written until cells are.
    #[inline]
    pub fn new(buf: &'buf mut Vec<u8>) -> Self {
        Self {
            buf,
            value_count: 0,
        }
    }

    /// The number of cells handed out so far.
    #[inline]
    pub fn value_count(&self) -> usize {
        self.value_count
    }

    /// A writer for the next cell.
    #[inline]
    pub fn make_cell_writer(&mut self) -> CellWriter<'_> {
        self.value_count += 1;
        CellWriter::new(self.buf)
    }

    /// Appends already serialized values.
    #[inline]
    pub fn append_serialize_row(&mut self, sv: &SerializedValues) {
        self.value_count += sv.element_count() as usize;
        self.buf.extend_from_slice(sv.get_contents());
    }
}

/// Writes one `[value]`: exactly one of [`set_null`](Self::set_null),
/// [`set_unset`](Self::set_unset), [`set_value`](Self::set_value) or a
/// [`CellValueBuilder`] must be used.
pub struct CellWriter<'buf> {
    buf: &'buf mut Vec<u8>,
    cell_len_size: bool,
}

impl<'buf> CellWriter<'buf> {
    /// A cell writer that prefixes the value with its `[int]` length.
    #[inline]
    pub fn new(buf: &'buf mut Vec<u8>) -> Self {
        Self {
            buf,
            cell_len_size: true,
        }
    }

    /// A cell writer that writes the bare bytes with no length prefix, as the
    /// elements of a `vector` of a fixed-size type are written. Null and unset cannot
    /// be expressed without a length and are written as nothing.
    #[inline]
    pub fn new_without_size(buf: &'buf mut Vec<u8>) -> Self {
        Self {
            buf,
            cell_len_size: false,
        }
    }

    /// Writes null (length -1).
    #[inline]
    pub fn set_null(self) -> WrittenCellProof<'buf> {
        if self.cell_len_size {
            self.buf.extend_from_slice(&(-1i32).to_be_bytes());
        }
        WrittenCellProof::new()
    }

    /// Writes unset (length -2).
    #[inline]
    pub fn set_unset(self) -> WrittenCellProof<'buf> {
        if self.cell_len_size {
            self.buf.extend_from_slice(&(-2i32).to_be_bytes());
        }
        WrittenCellProof::new()
    }

    /// Writes `contents` as the cell's value.
    #[inline]
    pub fn set_value(self, contents: &[u8]) -> Result<WrittenCellProof<'buf>, CellOverflowError> {
        if self.cell_len_size {
            let len = i32::try_from(contents.len()).map_err(|_| CellOverflowError)?;
            self.buf.extend_from_slice(&len.to_be_bytes());
        }
        self.buf.extend_from_slice(contents);
        Ok(WrittenCellProof::new())
    }

    /// A builder that appends the value in pieces (collections, UDTs, tuples).
    #[inline]
    pub fn into_value_builder(self) -> CellValueBuilder<'buf> {
        CellValueBuilder::new(self.buf, self.cell_len_size)
    }
}

/// Builds a cell's value piece by piece; [`finish`](Self::finish) writes its length.
pub struct CellValueBuilder<'buf> {
    buf: &'buf mut Vec<u8>,
    /// Where the `[int]` length goes, if the cell has one.
    len_pos: Option<usize>,
    start: usize,
}

impl<'buf> CellValueBuilder<'buf> {
    #[inline]
    fn new(buf: &'buf mut Vec<u8>, with_len: bool) -> Self {
        let len_pos = if with_len {
            let p = buf.len();
            buf.extend_from_slice(&[0, 0, 0, 0]);
            Some(p)
        } else {
            None
        };
        let start = buf.len();
        Self {
            buf,
            len_pos,
            start,
        }
    }

    /// Appends raw bytes to the value.
    #[inline]
    pub fn append_bytes(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// A writer for a length-prefixed sub-value (a collection element, a UDT field).
    #[inline]
    pub fn make_sub_writer(&mut self) -> CellWriter<'_> {
        CellWriter::new(self.buf)
    }

    /// A writer for a sub-value with no length prefix (a fixed-size vector element).
    #[inline]
    pub fn make_sub_writer_without_size(&mut self) -> CellWriter<'_> {
        CellWriter::new_without_size(self.buf)
    }

    /// Writes the value's length; fails if the value exceeds `i32::MAX` bytes.
    #[inline]
    pub fn finish(self) -> Result<WrittenCellProof<'buf>, CellOverflowError> {
        if let Some(pos) = self.len_pos {
            let len = self.buf.len() - self.start;
            let len = i32::try_from(len).map_err(|_| CellOverflowError)?;
            self.buf[pos..pos + 4].copy_from_slice(&len.to_be_bytes());
        }
        Ok(WrittenCellProof::new())
    }
}

/// Proof that a cell was written into the buffer of lifetime `'buf`.
///
/// The lifetime is invariant, so a proof from one writer cannot stand for another.
#[derive(Debug)]
pub struct WrittenCellProof<'buf> {
    _phantom: PhantomData<fn(&'buf ()) -> &'buf ()>,
}

impl WrittenCellProof<'_> {
    #[inline]
    fn new() -> Self {
        Self {
            _phantom: PhantomData,
        }
    }
}

/// A value was longer than the `i32::MAX` bytes a cell can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the value is too large to fit in a CQL cell (more than i32::MAX bytes)")]
pub struct CellOverflowError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_writer_encodings() {
        let mut buf = Vec::new();
        CellWriter::new(&mut buf).set_null();
        CellWriter::new(&mut buf).set_unset();
        CellWriter::new(&mut buf).set_value(&[7, 8]).unwrap();
        assert_eq!(
            buf,
            [
                0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 0, 0, 0, 2, 7, 8
            ]
        );
    }

    #[test]
    fn value_builder_patches_length() {
        let mut buf = vec![0xaa];
        let mut b = CellWriter::new(&mut buf).into_value_builder();
        b.append_bytes(&[1, 2, 3]);
        b.make_sub_writer().set_value(&[9]).unwrap();
        b.finish().unwrap();
        assert_eq!(buf, [0xaa, 0, 0, 0, 8, 1, 2, 3, 0, 0, 0, 1, 9]);
    }

    #[test]
    fn row_writer_counts() {
        let mut buf = Vec::new();
        let mut w = RowWriter::new(&mut buf);
        w.make_cell_writer().set_null();
        w.make_cell_writer().set_value(&[1]).unwrap();
        assert_eq!(w.value_count(), 2);
    }
}
