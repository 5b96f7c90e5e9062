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
//!
//! # How CQL maps onto the store (for the executor)
//!
//! - Look the table up in a snapshot: `store.schema().require_table(ks, t)?`; resolve
//!   column names once with [`TableSchema::column`] and keep the [`ColumnId`]s.
//! - Partition key: [`TableSchema::compose_partition_key`] from the key columns'
//!   values, the ring computes the token, then [`PartitionKey::new`].
//! - `INSERT`: a [`Write::Row`] with `insert: true` (the row marker), one
//!   [`CellOp::Set`] per column given (`None` for a null; unset values are skipped);
//!   static columns go in a second `RowWrite` with [`RowTarget::Static`].
//! - `UPDATE`: the same with `insert: false`; `c = c + ?` is [`CellOp::Increment`] on a
//!   counter or [`CellOp::Add`] on a collection, `l = ? + l` is [`CellOp::Prepend`],
//!   `c = c - ?` is [`CellOp::Remove`], `m[k] = ?`, `l[i] = ?` and `u.f = ?` are
//!   [`CellOp::SetEntry`], [`CellOp::SetIndex`] and [`CellOp::SetField`].
//! - `DELETE`: columns → `RowWrite` with `Set { value: None }` (or the element ops
//!   with `None`); a full primary key → [`Write::DeleteRow`]; a clustering prefix or
//!   slice → [`Write::DeleteRange`]; the partition key only →
//!   [`Write::DeletePartition`].
//! - `USING TTL n` → `ttl: Some(n)` (`None` applies `default_time_to_live`); `USING
//!   TIMESTAMP` or the server's time → `timestamp`. Batches: one
//!   [`Table::apply`] per partition (atomic and isolated within the partition).
//! - `SELECT`: a [`ReadCommand`]; `WHERE` on clustering columns becomes slices (use
//!   [`TableSchema::clustering_slices`] for `=`/range/tuple restrictions in value order
//!   and [`ClusteringRange::prefix`] per `IN` value); `ORDER BY` against the clustering
//!   order → `reversed`; `LIMIT`, `PER PARTITION LIMIT`, `DISTINCT`, filtering and
//!   paging are done in a [`ReadVisitor`] (return [`Flow::NextPartition`] /
//!   [`Flow::Stop`]) and by passing the last position back as
//!   [`ReadCommand::start_after`]. `WRITETIME(c)` and `TTL(c)` come from
//!   [`RowView::cell`] ([`CellRef::timestamp`], [`CellRef::remaining_ttl`]). A partition
//!   whose static row is live but which has no row in the slices shows as one row of
//!   nulls only when the query has no clustering restriction: the visitor decides that
//!   in [`ReadVisitor::partition_end`].
//! - `IF` conditions: [`Table::cas`] with a closure that reads
//!   [`PartitionSnapshot::row`] / [`PartitionSnapshot::static_row`] and returns the
//!   writes to apply when the condition holds.
//! - DDL: [`Store::create_keyspace`], [`Store::create_table`], [`Store::alter_table`],
//!   [`Store::create_type`], ..., each returning whether something changed (for the
//!   `SCHEMA_CHANGE` result), errors as [`StoreError`] variants that map to CQL error
//!   codes.

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
pub(crate) use ddl::{check_user_keyspace, missing_keyspace};
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
