//! The [`SerializeValue`] trait: one Rust value into one CQL cell.

use crate::frame::response::result::ColumnType;

use super::SerializationError;
use super::writers::{CellWriter, WrittenCellProof};

/// A Rust type that can be serialized as a CQL value of some [`ColumnType`]s.
///
/// `serialize` checks `typ` (returning a type-check error naming the Rust type and the
/// CQL type if they do not match) and writes exactly one cell with `writer`.
pub trait SerializeValue {
    /// Serializes `self` as a value of type `typ`.
    fn serialize<'b>(
        &self,
        typ: &ColumnType,
        writer: CellWriter<'b>,
    ) -> Result<WrittenCellProof<'b>, SerializationError>;
}
