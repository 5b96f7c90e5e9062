//! Reads: what the executor asks for, and the borrowed views it is handed.

use std::ops::Bound;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::{CollectionType, ColumnType};

use super::cell::{Cell, Now};
use super::clustering::{ClusteringKey, ClusteringRange};
use super::data::{ColumnData, Complex, Row};
use super::schema::{ColumnDef, ColumnId, TableSchema};
use super::value::serialize_elements;
use super::write::field_index;

/// A partition key: the token the ring computed from it and the key bytes (the single
/// partition key column's value, or the composite encoding of several, see
/// [`TableSchema::compose_partition_key`]). Partitions are ordered by token, then by
/// key bytes.
///
/// The store keeps the `Bytes` it is given: pass a compact copy, not a slice of a
/// large request frame.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartitionKey {
    /// The token (Murmur3, signed).
    pub token: i64,
    /// The serialized key.
    pub key: Bytes,
}

impl PartitionKey {
    /// A partition key.
    pub fn new(token: i64, key: Bytes) -> Self {
        PartitionKey { token, key }
    }
}

/// Which partitions a read visits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionSelection {
    /// These partitions, in this order (duplicates are visited twice: deduplicate
    /// first).
    Keys(Vec<PartitionKey>),
    /// Every partition whose token lies between the bounds, in (token, key) order. A
    /// start above the end selects nothing.
    Tokens {
        /// The lower bound.
        start: Bound<i64>,
        /// The upper bound.
        end: Bound<i64>,
    },
}

impl PartitionSelection {
    /// Every partition of the table.
    pub fn all() -> Self {
        PartitionSelection::Tokens {
            start: Bound::Unbounded,
            end: Bound::Unbounded,
        }
    }
}

/// Where a paged read resumes: strictly after this position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumePosition {
    /// The last partition seen.
    pub partition: PartitionKey,
    /// The last row seen in it (in the read's direction); `None` when the whole
    /// partition was done (resume with the next partition).
    pub clustering: Option<Vec<Bytes>>,
}

/// A read of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadCommand {
    /// The partitions.
    pub partitions: PartitionSelection,
    /// The clustering slices, in any order, possibly overlapping (they are sorted and
    /// merged); `None` for every row.
    pub slices: Option<Vec<ClusteringRange>>,
    /// Visit each partition's rows in reverse clustering order (`ORDER BY ... DESC` on
    /// an ASC table). Partitions are still visited in order.
    pub reversed: bool,
    /// Resume after this position (paging).
    pub start_after: Option<ResumePosition>,
    /// The time of the read: cells that expired by then are absent.
    pub now: Now,
}

impl ReadCommand {
    /// Every row of one partition.
    pub fn partition(key: PartitionKey, now: Now) -> Self {
        ReadCommand {
            partitions: PartitionSelection::Keys(vec![key]),
            slices: None,
            reversed: false,
            start_after: None,
            now,
        }
    }

    /// Every row of the table.
    pub fn all(now: Now) -> Self {
        ReadCommand {
            partitions: PartitionSelection::all(),
            slices: None,
            reversed: false,
            start_after: None,
            now,
        }
    }
}

/// What a [`ReadVisitor`] wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Go on.
    Continue,
    /// Skip the rest of this partition (its `partition_end` is still called).
    NextPartition,
    /// End the read now.
    Stop,
}

/// Receives the result of a read, partition by partition and row by row, in order.
///
/// It runs while the store holds a read lock on part of the table: it must not call
/// back into the store, and should be quick.
pub trait ReadVisitor {
    /// A partition starts. Called for every stored partition in the selection, even
    /// one with nothing live (its static row is then `None` and no row follows).
    fn partition(&mut self, partition: &PartitionView<'_>) -> Flow {
        let _ = partition;
        Flow::Continue
    }

    /// A live clustering row inside the slices.
    fn row(&mut self, partition: &PartitionView<'_>, row: &RowView<'_>) -> Flow;

    /// The partition ends; `live_rows` is the number of rows passed to
    /// [`row`](Self::row) for it.
    fn partition_end(&mut self, partition: &PartitionView<'_>, live_rows: usize) -> Flow {
        let _ = (partition, live_rows);
        Flow::Continue
    }
}

/// A partition being read.
#[derive(Debug)]
pub struct PartitionView<'a> {
    pub(crate) key: &'a PartitionKey,
    pub(crate) static_row: Option<RowView<'a>>,
    pub(crate) resumed: bool,
}

impl<'a> PartitionView<'a> {
    /// The partition key.
    pub fn key(&self) -> &'a PartitionKey {
        self.key
    }

    /// The static row, if it has a live cell.
    pub fn static_row(&self) -> Option<&RowView<'a>> {
        self.static_row.as_ref()
    }

    /// Whether the read resumed inside this partition (paging): its first rows were
    /// returned by an earlier page.
    pub fn resumed(&self) -> bool {
        self.resumed
    }
}

/// The row marker of a row written by INSERT.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liveness {
    /// Its write timestamp.
    pub timestamp: i64,
    /// The TTL it was written with.
    pub ttl: Option<i32>,
    /// When it expires (seconds since the epoch).
    pub expires_at: Option<i64>,
}

/// A live cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CellRef<'a> {
    /// The value, as the client sent it.
    pub value: &'a Bytes,
    /// The write timestamp (`WRITETIME`), in microseconds.
    pub timestamp: i64,
    /// The TTL it was written with.
    pub ttl: Option<i32>,
    /// When it expires (seconds since the epoch).
    pub expires_at: Option<i64>,
}

impl CellRef<'_> {
    /// The seconds it has left at `now` (`TTL()`), `None` if it does not expire.
    pub fn remaining_ttl(&self, now: Now) -> Option<i64> {
        self.expires_at.map(|e| e - now.seconds)
    }

    fn from_cell(cell: &Cell, now: Now) -> Option<CellRef<'_>> {
        Some(CellRef {
            value: cell.live_value(now)?,
            timestamp: cell.timestamp,
            ttl: cell.expiry.map(|e| e.ttl),
            expires_at: cell.expiry.map(|e| e.expires_at),
        })
    }
}

/// A live row (or the static row) of a partition.
#[derive(Debug, Clone, Copy)]
pub struct RowView<'a> {
    pub(crate) schema: &'a TableSchema,
    pub(crate) clustering: Option<&'a ClusteringKey>,
    pub(crate) row: &'a Row,
    pub(crate) now: Now,
}

impl<'a> RowView<'a> {
    /// The clustering key; `None` for the static row.
    pub fn clustering(&self) -> Option<&'a ClusteringKey> {
        self.clustering
    }

    /// Whether this is the static row.
    pub fn is_static(&self) -> bool {
        self.clustering.is_none()
    }

    /// The live row marker, if the row was written by INSERT.
    pub fn marker(&self) -> Option<Liveness> {
        let m = self.row.marker?;
        m.is_live(self.now).then_some(Liveness {
            timestamp: m.timestamp,
            ttl: m.expiry.map(|e| e.ttl),
            expires_at: m.expiry.map(|e| e.expires_at),
        })
    }

    /// Whether the row has at least one live cell (besides its marker).
    pub fn has_live_cells(&self) -> bool {
        self.row.has_live_cells(self.now)
    }

    /// The live cell of a single-cell column (frozen or native, counters included).
    pub fn cell(&self, column: ColumnId) -> Option<CellRef<'a>> {
        match self.row.column(column)? {
            ColumnData::Atomic(c) => CellRef::from_cell(c, self.now),
            ColumnData::Counter { value, timestamp } => Some(CellRef {
                value,
                timestamp: *timestamp,
                ttl: None,
                expires_at: None,
            }),
            ColumnData::Complex(_) => None,
        }
    }

    /// The live elements of a non-frozen collection or UDT column.
    pub fn complex(&self, column: ColumnId) -> Option<ComplexRef<'a>> {
        let ColumnData::Complex(data) = self.row.column(column)? else {
            return None;
        };
        let def = self.schema.column_by_id(column)?;
        let complex = ComplexRef {
            column: def,
            data,
            now: self.now,
        };
        (!complex.is_empty()).then_some(complex)
    }

    /// The value of any column as the client would read it (a non-frozen collection
    /// or UDT assembled from its live elements); `None` for null.
    pub fn value(&self, column: ColumnId) -> Option<Bytes> {
        match self.row.column(column)? {
            ColumnData::Complex(_) => self.complex(column).map(|c| c.serialize()),
            _ => self.cell(column).map(|c| c.value.clone()),
        }
    }
}

/// The live elements of a non-frozen collection or UDT.
#[derive(Debug, Clone, Copy)]
pub struct ComplexRef<'a> {
    column: &'a ColumnDef,
    data: &'a Complex,
    now: Now,
}

impl<'a> ComplexRef<'a> {
    /// The live elements in order, as (key, cell): for a set the key is the element
    /// (the cell's value is empty), for a map the map key, for a UDT the field index
    /// (2 bytes, big-endian), for a list an opaque key in list order.
    pub fn elements(&self) -> impl Iterator<Item = (&'a Bytes, CellRef<'a>)> + 'a {
        let now = self.now;
        self.data
            .cells
            .iter()
            .filter_map(move |(k, c)| CellRef::from_cell(c, now).map(|c| (k, c)))
    }

    /// The number of live elements.
    pub fn len(&self) -> usize {
        self.elements().count()
    }

    /// Whether no element is live.
    pub fn is_empty(&self) -> bool {
        self.elements().next().is_none()
    }

    /// The live cell of UDT field `index`.
    pub fn field(&self, index: usize) -> Option<CellRef<'a>> {
        self.elements()
            .find(|(k, _)| field_index(k) == Some(index))
            .map(|(_, c)| c)
    }

    /// The value as the client reads it: a protocol v4 list, set or map, or a UDT
    /// value with every field of the type's current definition.
    pub fn serialize(&self) -> Bytes {
        match &self.column.typ {
            ColumnType::Collection {
                typ: CollectionType::Set(_),
                ..
            } => serialize_elements(self.len(), self.elements().map(|(k, _)| k.as_ref())),
            ColumnType::Collection {
                typ: CollectionType::Map(_, _),
                ..
            } => serialize_elements(
                self.len(),
                self.elements()
                    .flat_map(|(k, c)| [k.as_ref(), c.value.as_ref()]),
            ),
            ColumnType::UserDefinedType { definition, .. } => {
                let mut out = Vec::new();
                let mut cells = self.elements().peekable();
                for i in 0..definition.field_types.len() {
                    while cells
                        .peek()
                        .is_some_and(|(k, _)| field_index(k).is_none_or(|f| f < i))
                    {
                        cells.next();
                    }
                    match cells.peek() {
                        Some((k, c)) if field_index(k) == Some(i) => {
                            let len = i32::try_from(c.value.len()).unwrap_or(i32::MAX);
                            out.extend_from_slice(&len.to_be_bytes());
                            out.extend_from_slice(c.value);
                        }
                        _ => out.extend_from_slice(&(-1i32).to_be_bytes()),
                    }
                }
                Bytes::from(out)
            }
            // Lists (and anything else stored per element): the values in key order.
            _ => serialize_elements(self.len(), self.elements().map(|(_, c)| c.value.as_ref())),
        }
    }
}
