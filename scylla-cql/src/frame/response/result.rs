//! The RESULT message: Void, Rows, SetKeyspace, Prepared and SchemaChange, and the
//! result metadata. (Parsing filled in by the frame work.)

pub use super::column_type::{
    CollectionType, ColumnSpec, ColumnType, NativeType, PartitionKeyIndex, PreparedMetadata,
    TableSpec, UserDefinedType,
};
