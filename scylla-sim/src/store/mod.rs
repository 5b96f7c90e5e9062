//! The in-memory data store: schema, partitions, rows, cells and tombstones.
//!
//! One logical [`Store`] holds the schema and data of the whole simulated cluster (the
//! cluster layer decides which nodes are available). It follows Cassandra's semantics:
//!
//! - **Schema** ([`Schema`], [`KeyspaceSchema`], [`TableSchema`]): immutable snapshots
//!   behind an `Arc`, replaced on every change ([`Store::create_table`],
//!   [`Store::alter_table`], ...), each with a new version UUID.
//! - **Values** are the bytes clients sent, checked by [`validate`] and ordered by
//!   [`compare`] with Cassandra's per-type orders.
//! - **Data**: per table, partitions ordered by (token, key); in each a static row,
//!   clustering rows ordered by the clustering columns (ASC/DESC), and partition, range
//!   and row tombstones. Cells carry a write timestamp and an optional TTL;
//!   last-write-wins with Cassandra's tie-breaking; INSERT writes a row marker;
//!   non-frozen collections and UDTs are stored per element; counters add up.
//! - **Operations** on a [`Table`]: [`Table::apply`] (writes and deletes to one
//!   partition, atomically), [`Table::read`] (a visitor over partitions and rows, with
//!   slices, reverse order and paging), [`Table::cas`] (read-check-write under the
//!   partition's lock, for lightweight transactions), [`Table::truncate`].

mod cell;
mod clustering;
mod data;
mod ddl;
mod error;
mod read;
mod schema;
mod table;
mod value;
mod write;

pub use cell::Now;
pub use clustering::{
    ClusteringBound, ClusteringKey, ClusteringOrder, ClusteringRange, Components,
    MAX_KEY_COMPONENT, TupleBound,
};
pub use ddl::{
    AlterTable, AlterType, KeyspaceDef, NewColumn, SYSTEM_KEYSPACES, Store, TableDef,
    default_options,
};
pub use error::StoreError;
pub use read::{
    CellRef, ComplexRef, Flow, Liveness, PartitionKey, PartitionSelection, PartitionView,
    ReadCommand, ReadVisitor, ResumePosition, RowView,
};
pub use schema::{
    ColumnDef, ColumnId, ColumnKind, DroppedColumn, KeyspaceSchema, OptionValue, Schema,
    TableSchema,
};
pub use table::{OwnedRow, PartitionSnapshot, Table};
pub use value::{compare, validate};
pub use write::{CellOp, MAX_TTL, RowTarget, RowWrite, Write};
