//! The [`DeserializeValue`] trait: one CQL value into a Rust type.

use crate::frame::response::result::ColumnType;

use super::frame_slice::FrameSlice;
use super::{DeserializationError, TypeCheckError};

/// A Rust type that can be deserialized from a CQL value.
///
/// `'frame` is the lifetime of the response frame (borrowed types like `&'frame str`
/// point into it); `'metadata` that of the result metadata (types like iterators keep
/// references to the column type).
pub trait DeserializeValue<'frame, 'metadata>
where
    Self: Sized,
{
    /// Checks once, before any value is read, that `typ` can be deserialized into
    /// `Self`.
    fn type_check(typ: &ColumnType) -> Result<(), TypeCheckError>;

    /// Deserializes a value of type `typ` (already checked); `v` is `None` for null.
    fn deserialize(
        typ: &'metadata ColumnType<'metadata>,
        v: Option<FrameSlice<'frame>>,
    ) -> Result<Self, DeserializationError>;
}
