//! Mutations: what the executor asks the store to write, and how each is checked and
//! turned into cell operations.

use std::sync::atomic::{AtomicI64, Ordering as AtomicOrdering};

use bytes::Bytes;
use scylla_cql::frame::response::column_type::{CollectionType, ColumnType};

use super::cell::{Cell, Expiry, Marker, Now};
use super::clustering::{ClusteringKey, ClusteringRange, Pos, PosRange};
use super::data::{ColumnData, KeyOrder, Op, Partition};
use super::error::StoreError;
use super::schema::{ColumnDef, ColumnId, ColumnKind, TableSchema};
use super::value::{Elements, binding_error, normalize_frozen, validate};

/// The largest TTL Cassandra accepts: 20 years, in seconds.
pub const MAX_TTL: i32 = 630_720_000;

/// Which row of the partition a [`RowWrite`] changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowTarget {
    /// The static row (static columns only).
    Static,
    /// The clustering row with this full clustering key (empty for a table without
    /// clustering columns).
    Clustering(Vec<Bytes>),
}

/// A change to one column.
///
/// Values are serialized as protocol v4 values of the column's type (for collection
/// operations, of the collection type, e.g. a serialized `set<int>` for `s = s + {1}`).
/// They are validated, and stored as given (frozen sets and maps are put in canonical
/// order, as Cassandra does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CellOp {
    /// `c = value`, or `c = null` / `DELETE c` when `value` is `None`. For a non-frozen
    /// collection or UDT this replaces the whole value. Setting a counter is refused;
    /// `None` on a counter deletes it (for good, as in Cassandra).
    Set {
        /// The column.
        column: ColumnId,
        /// The value; `None` deletes.
        value: Option<Bytes>,
    },
    /// `c = c + delta` on a counter.
    Increment {
        /// The counter column.
        column: ColumnId,
        /// The amount (negative to decrement).
        delta: i64,
    },
    /// `s = s + {..}`, `m = m + {..}`, `l = l + [..]` (append) on a non-frozen
    /// collection; `value` is a serialized set, map or list.
    Add {
        /// The column.
        column: ColumnId,
        /// The elements to add.
        value: Bytes,
    },
    /// `l = [..] + l` on a non-frozen list.
    Prepend {
        /// The column.
        column: ColumnId,
        /// The serialized list to prepend.
        value: Bytes,
    },
    /// `s = s - {..}` (a serialized set of elements), `l = l - [..]` (a serialized list:
    /// every occurrence of each value goes), `m = m - {..}` (a serialized set of keys).
    Remove {
        /// The column.
        column: ColumnId,
        /// What to remove.
        value: Bytes,
    },
    /// `m[key] = value`, or `DELETE m[key]` when `value` is `None`.
    SetEntry {
        /// The map column.
        column: ColumnId,
        /// The serialized key.
        key: Bytes,
        /// The serialized value; `None` deletes the entry.
        value: Option<Bytes>,
    },
    /// `l[index] = value`, or `DELETE l[index]` when `value` is `None`. Fails when the
    /// list is null or too short.
    SetIndex {
        /// The list column.
        column: ColumnId,
        /// The position.
        index: i32,
        /// The serialized element; `None` deletes the element.
        value: Option<Bytes>,
    },
    /// `u.field = value`, or `DELETE u.field` when `value` is `None`, on a non-frozen UDT.
    SetField {
        /// The UDT column.
        column: ColumnId,
        /// The field's index in the type's definition.
        field: usize,
        /// The serialized field value; `None` sets it to null.
        value: Option<Bytes>,
    },
}

/// Writes to one row (or the static row) of a partition, all with one timestamp.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowWrite {
    /// The row.
    pub target: RowTarget,
    /// The write timestamp, in microseconds.
    pub timestamp: i64,
    /// `USING TTL`: `None` applies the table's `default_time_to_live`, `Some(0)` means
    /// no TTL.
    pub ttl: Option<i32>,
    /// Whether this is an INSERT: writes a row marker, so that the row exists even when
    /// all its other columns are null (UPDATE does not). Ignored for the static row,
    /// which has no marker.
    pub insert: bool,
    /// The column changes.
    pub ops: Vec<CellOp>,
}

/// One change to a partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// Cell writes and deletes in one row.
    Row(RowWrite),
    /// `DELETE FROM t WHERE <full primary key>`: a row tombstone.
    DeleteRow {
        /// The full clustering key.
        clustering: Vec<Bytes>,
        /// The deletion timestamp, in microseconds.
        timestamp: i64,
    },
    /// `DELETE FROM t WHERE <pk> AND <clustering prefix or slice>`: a range tombstone.
    DeleteRange {
        /// The rows deleted.
        range: ClusteringRange,
        /// The deletion timestamp, in microseconds.
        timestamp: i64,
    },
    /// `DELETE FROM t WHERE <pk>`: a partition tombstone.
    DeletePartition {
        /// The deletion timestamp, in microseconds.
        timestamp: i64,
    },
}

/// An operation that needs the current content of the row: resolved under the
/// partition's lock.
#[derive(Debug, Clone)]
pub(crate) enum Pending {
    ListSetIndex {
        column: ColumnId,
        name: String,
        index: i32,
        cell: Cell,
    },
    ListRemoveValues {
        column: ColumnId,
        values: Vec<Bytes>,
        timestamp: i64,
    },
}

/// A checked row write.
#[derive(Debug, Clone)]
pub(crate) struct PreparedRow<'a> {
    pub(crate) pos: Option<Pos>,
    pub(crate) marker: Option<Marker>,
    pub(crate) ops: Vec<Op<'a>>,
    pub(crate) pending: Vec<Pending>,
}

/// A checked write.
#[derive(Debug, Clone)]
pub(crate) enum PreparedWrite<'a> {
    Row(PreparedRow<'a>),
    DeleteRow(Pos, i64),
    DeleteRange(PosRange, i64),
    DeletePartition(i64),
}

fn check_timestamp(ts: i64) -> Result<i64, StoreError> {
    if ts == i64::MIN {
        return Err(StoreError::invalid(format!(
            "Out of bound timestamp, must be in [{}, {}]",
            i64::MIN + 1,
            i64::MAX
        )));
    }
    Ok(ts)
}

/// Encodes a list element key so that byte order is numeric order.
pub(crate) fn list_key(k: i64) -> Bytes {
    Bytes::copy_from_slice(&((k as u64) ^ (1 << 63)).to_be_bytes())
}

/// Encodes a UDT field index as a cell key.
pub(crate) fn field_key(i: usize) -> Bytes {
    Bytes::copy_from_slice(&u16::try_from(i).unwrap_or(u16::MAX).to_be_bytes())
}

/// The field index a UDT cell key encodes.
pub(crate) fn field_index(key: &[u8]) -> Option<usize> {
    let bytes: [u8; 2] = key.try_into().ok()?;
    Some(usize::from(u16::from_be_bytes(bytes)))
}

pub(crate) fn full_clustering_pos(
    schema: &TableSchema,
    values: &[Bytes],
) -> Result<Pos, StoreError> {
    let cmp = &schema.comparator;
    if values.len() < cmp.len() {
        return Err(StoreError::invalid(format!(
            "Missing mandatory PRIMARY KEY part {}",
            cmp.name(values.len())
        )));
    }
    let values = cmp.check_components(values)?;
    Ok(Pos::new(cmp.clone(), ClusteringKey::new(&values)?, 0))
}

struct Ctx<'a> {
    schema: &'a TableSchema,
    timestamp: i64,
    expiry: Option<Expiry>,
    list_seq: &'a AtomicI64,
}

impl<'a> Ctx<'a> {
    fn live(&self, value: Bytes) -> Cell {
        Cell::live(self.timestamp, value, self.expiry)
    }

    fn cell(&self, value: Option<Bytes>) -> Cell {
        match value {
            Some(v) => self.live(v),
            None => Cell::tombstone(self.timestamp),
        }
    }

    fn check(&self, col: &ColumnDef, typ: &ColumnType<'_>, value: &[u8]) -> Result<(), StoreError> {
        validate(typ, value).map_err(|m| StoreError::invalid(binding_error(&col.name, &m)))
    }

    /// The elements of a serialized collection value, validated as `typ`.
    fn elements(
        &self,
        col: &ColumnDef,
        typ: &ColumnType<'_>,
        value: &Bytes,
        per_entry: u64,
    ) -> Result<Vec<Bytes>, StoreError> {
        self.check(col, typ, value)?;
        let bad = |m: String| StoreError::invalid(binding_error(&col.name, &m));
        let mut it = Elements::new(value, per_entry).map_err(bad)?;
        let mut out = Vec::new();
        for e in &mut it {
            out.push(value.slice_ref(e.map_err(bad)?));
        }
        it.finish().map_err(bad)?;
        Ok(out)
    }

    /// Allocates `n` increasing list keys that sort after (append) or before
    /// (prepend) every key allocated earlier.
    fn list_keys(&self, n: usize, prepend: bool) -> Vec<Bytes> {
        let n64 = i64::try_from(n).unwrap_or(i64::MAX / 4);
        let base = self.list_seq.fetch_add(n64, AtomicOrdering::Relaxed);
        (0..n64)
            .map(|i| {
                if prepend {
                    list_key(-(base + n64 - i))
                } else {
                    list_key(base + i + 1)
                }
            })
            .collect()
    }

    /// The operations that write the elements of a whole collection or UDT value.
    fn put_all(
        &self,
        col: &ColumnDef,
        value: &Bytes,
        prepend: bool,
        ops: &mut Vec<Op<'a>>,
    ) -> Result<(), StoreError> {
        let column = col.id;
        match &col.typ {
            ColumnType::Collection { typ, .. } => match typ {
                CollectionType::Set(_) => {
                    for e in self.elements(col, &col.typ, value, 1)? {
                        ops.push(Op::ComplexPut {
                            column,
                            key: e,
                            cell: self.live(Bytes::new()),
                            order: key_order(self.schema, column),
                        });
                    }
                }
                CollectionType::Map(_, _) => {
                    let flat = self.elements(col, &col.typ, value, 2)?;
                    for pair in flat.chunks_exact(2) {
                        if let [k, v] = pair {
                            ops.push(Op::ComplexPut {
                                column,
                                key: k.clone(),
                                cell: self.live(v.clone()),
                                order: key_order(self.schema, column),
                            });
                        }
                    }
                }
                CollectionType::List(_) => {
                    let elements = self.elements(col, &col.typ, value, 1)?;
                    let keys = self.list_keys(elements.len(), prepend);
                    for (k, e) in keys.into_iter().zip(elements) {
                        ops.push(Op::ComplexPut {
                            column,
                            key: k,
                            cell: self.live(e),
                            order: KeyOrder::Bytes,
                        });
                    }
                }
                _ => return Err(unsupported_column(col)),
            },
            ColumnType::UserDefinedType { .. } => {
                self.check(col, &col.typ, value)?;
                let mut buf: &[u8] = value;
                let mut i = 0usize;
                while let Some((len, rest)) = buf.split_first_chunk::<4>() {
                    let len = i32::from_be_bytes(*len);
                    buf = rest;
                    if len >= 0 {
                        let len = len as usize;
                        let Some(field) = buf.get(..len) else { break };
                        ops.push(Op::ComplexPut {
                            column,
                            key: field_key(i),
                            cell: self.live(value.slice_ref(field)),
                            order: KeyOrder::Bytes,
                        });
                        buf = buf.get(len..).unwrap_or(&[]);
                    }
                    i += 1;
                }
            }
            _ => return Err(unsupported_column(col)),
        }
        Ok(())
    }
}

fn unsupported_column(col: &ColumnDef) -> StoreError {
    StoreError::invalid(format!(
        "Column {} of type {} does not support this operation",
        col.name, col.typ
    ))
}

/// How the cells of multi-cell column `id` are keyed.
fn key_order(schema: &TableSchema, id: ColumnId) -> KeyOrder<'_> {
    match schema.column_by_id(id).map(|c| &c.typ) {
        Some(ColumnType::Collection { typ, .. }) => match typ {
            CollectionType::Set(e) => KeyOrder::Typed(e),
            CollectionType::Map(k, _) => KeyOrder::Typed(k),
            _ => KeyOrder::Bytes,
        },
        _ => KeyOrder::Bytes,
    }
}

fn op_name(op: &CellOp) -> &'static str {
    match op {
        CellOp::Set { .. } => "c = ?",
        CellOp::Increment { .. } => "c = c + ?",
        CellOp::Add { .. } => "c = c + ?",
        CellOp::Prepend { .. } => "c = ? + c",
        CellOp::Remove { .. } => "c = c - ?",
        CellOp::SetEntry { .. } => "c[?] = ?",
        CellOp::SetIndex { .. } => "c[?] = ?",
        CellOp::SetField { .. } => "c.f = ?",
    }
}

fn op_column(op: &CellOp) -> ColumnId {
    match op {
        CellOp::Set { column, .. }
        | CellOp::Increment { column, .. }
        | CellOp::Add { column, .. }
        | CellOp::Prepend { column, .. }
        | CellOp::Remove { column, .. }
        | CellOp::SetEntry { column, .. }
        | CellOp::SetIndex { column, .. }
        | CellOp::SetField { column, .. } => *column,
    }
}

/// Resolves the TTL of a write into an expiry.
pub(crate) fn resolve_ttl(
    schema: &TableSchema,
    ttl: Option<i32>,
    now: Now,
) -> Result<Option<Expiry>, StoreError> {
    let ttl = ttl.unwrap_or(schema.default_ttl);
    if ttl < 0 {
        return Err(StoreError::invalid(format!(
            "A TTL must be greater or equal to 0, but was {ttl}"
        )));
    }
    if ttl > MAX_TTL {
        return Err(StoreError::invalid(format!(
            "ttl is too large. requested ({ttl}) maximum ({MAX_TTL})"
        )));
    }
    Ok((ttl > 0).then(|| Expiry {
        ttl,
        expires_at: now.seconds.saturating_add(i64::from(ttl)),
    }))
}

/// Checks a write against the schema and turns it into cell operations.
pub(crate) fn prepare<'a>(
    schema: &'a TableSchema,
    list_seq: &'a AtomicI64,
    write: &Write,
    now: Now,
) -> Result<PreparedWrite<'a>, StoreError> {
    match write {
        Write::DeletePartition { timestamp } => {
            Ok(PreparedWrite::DeletePartition(check_timestamp(*timestamp)?))
        }
        Write::DeleteRow {
            clustering,
            timestamp,
        } => {
            let ts = check_timestamp(*timestamp)?;
            Ok(PreparedWrite::DeleteRow(
                full_clustering_pos(schema, clustering)?,
                ts,
            ))
        }
        Write::DeleteRange { range, timestamp } => {
            let ts = check_timestamp(*timestamp)?;
            Ok(PreparedWrite::DeleteRange(
                PosRange::from_range(&schema.comparator, range)?,
                ts,
            ))
        }
        Write::Row(row) => prepare_row(schema, list_seq, row, now).map(PreparedWrite::Row),
    }
}

fn prepare_row<'a>(
    schema: &'a TableSchema,
    list_seq: &'a AtomicI64,
    row: &RowWrite,
    now: Now,
) -> Result<PreparedRow<'a>, StoreError> {
    let timestamp = check_timestamp(row.timestamp)?;
    let has_counter_op = row
        .ops
        .iter()
        .any(|op| matches!(op, CellOp::Increment { .. }));
    if has_counter_op && row.ttl.is_some_and(|t| t > 0) {
        return Err(StoreError::invalid(
            "Cannot provide custom TTL for counter updates",
        ));
    }
    let expiry = resolve_ttl(schema, row.ttl, now)?;
    let (pos, wanted_kind) = match &row.target {
        RowTarget::Static => {
            if !schema.has_static_columns() {
                return Err(StoreError::invalid(format!(
                    "Table {}.{} has no static columns",
                    schema.keyspace, schema.name
                )));
            }
            (None, ColumnKind::Static)
        }
        RowTarget::Clustering(values) => (
            Some(full_clustering_pos(schema, values)?),
            ColumnKind::Regular,
        ),
    };
    if row.insert && schema.is_counter {
        return Err(StoreError::invalid(
            "INSERT statements are not allowed on counter tables, use UPDATE instead",
        ));
    }
    let marker = (row.insert && pos.is_some()).then_some(Marker { timestamp, expiry });
    let ctx = Ctx {
        schema,
        timestamp,
        expiry,
        list_seq,
    };
    let mut ops = Vec::with_capacity(row.ops.len());
    let mut pending = Vec::new();
    for op in &row.ops {
        let id = op_column(op);
        let col = schema
            .column_by_id(id)
            .ok_or_else(|| StoreError::invalid(format!("Unknown column id {}", id.0)))?;
        match col.kind {
            ColumnKind::PartitionKey | ColumnKind::Clustering => {
                return Err(StoreError::invalid(format!(
                    "PRIMARY KEY part {} found in SET part",
                    col.name
                )));
            }
            kind if kind != wanted_kind => {
                return Err(StoreError::invalid(if kind == ColumnKind::Static {
                    format!("Static column {} written in a clustering row", col.name)
                } else {
                    format!(
                        "Regular column {} written without a full clustering key",
                        col.name
                    )
                }));
            }
            _ => {}
        }
        let invalid_op = || {
            StoreError::invalid(format!(
                "Invalid operation ({}) for {} column {}",
                op_name(op).replace('c', &col.name),
                if col.is_counter() {
                    "counter".to_string()
                } else if col.is_multi_cell() {
                    format!("non-frozen {}", col.typ)
                } else {
                    col.typ.to_string()
                },
                col.name
            ))
        };
        match op {
            CellOp::Set { value, .. } => {
                if col.is_counter() {
                    if value.is_some() {
                        return Err(StoreError::invalid(format!(
                            "Cannot set the value of counter column {} (counters can only be \
                             incremented/decremented, not set)",
                            col.name
                        )));
                    }
                    ops.push(Op::Atomic {
                        column: id,
                        cell: Cell::tombstone(timestamp),
                    });
                } else if col.is_multi_cell() {
                    ops.push(Op::ComplexDelete {
                        column: id,
                        timestamp: timestamp.saturating_sub(1),
                    });
                    if let Some(v) = value {
                        ctx.put_all(col, v, false, &mut ops)?;
                    }
                } else {
                    let cell = match value {
                        Some(v) => {
                            ctx.check(col, &col.typ, v)?;
                            ctx.live(normalize_frozen(&col.typ, v))
                        }
                        None => Cell::tombstone(timestamp),
                    };
                    ops.push(Op::Atomic { column: id, cell });
                }
            }
            CellOp::Increment { delta, .. } => {
                if !col.is_counter() {
                    return Err(invalid_op());
                }
                ops.push(Op::Counter {
                    column: id,
                    delta: *delta,
                    timestamp,
                });
            }
            CellOp::Add { value, .. } => {
                if !matches!(col.typ, ColumnType::Collection { frozen: false, .. }) {
                    return Err(invalid_op());
                }
                ctx.put_all(col, value, false, &mut ops)?;
            }
            CellOp::Prepend { value, .. } => {
                if !matches!(
                    col.typ,
                    ColumnType::Collection {
                        frozen: false,
                        typ: CollectionType::List(_)
                    }
                ) {
                    return Err(invalid_op());
                }
                ctx.put_all(col, value, true, &mut ops)?;
            }
            CellOp::Remove { value, .. } => {
                // A set's elements and a map's keys go with a tombstone each.
                let map_keys;
                let removed_type = match &col.typ {
                    ColumnType::Collection {
                        frozen: false,
                        typ: CollectionType::Set(_),
                    } => &col.typ,
                    ColumnType::Collection {
                        frozen: false,
                        typ: CollectionType::Map(k, _),
                    } => {
                        map_keys = ColumnType::Collection {
                            frozen: true,
                            typ: CollectionType::Set(k.clone()),
                        };
                        &map_keys
                    }
                    ColumnType::Collection {
                        frozen: false,
                        typ: CollectionType::List(_),
                    } => {
                        let values = ctx.elements(col, &col.typ, value, 1)?;
                        pending.push(Pending::ListRemoveValues {
                            column: id,
                            values,
                            timestamp,
                        });
                        continue;
                    }
                    _ => return Err(invalid_op()),
                };
                for e in ctx.elements(col, removed_type, value, 1)? {
                    ops.push(Op::ComplexPut {
                        column: id,
                        key: e,
                        cell: Cell::tombstone(timestamp),
                        order: key_order(schema, id),
                    });
                }
            }
            CellOp::SetEntry { key, value, .. } => {
                let ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::Map(kt, vt),
                } = &col.typ
                else {
                    return Err(invalid_op());
                };
                ctx.check(col, kt, key)?;
                if let Some(v) = value {
                    ctx.check(col, vt, v)?;
                }
                ops.push(Op::ComplexPut {
                    column: id,
                    key: normalize_frozen(kt, key),
                    cell: ctx.cell(value.as_ref().map(|v| normalize_frozen(vt, v))),
                    order: key_order(schema, id),
                });
            }
            CellOp::SetIndex { index, value, .. } => {
                let ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::List(et),
                } = &col.typ
                else {
                    return Err(invalid_op());
                };
                if let Some(v) = value {
                    ctx.check(col, et, v)?;
                }
                pending.push(Pending::ListSetIndex {
                    column: id,
                    name: col.name.clone(),
                    index: *index,
                    cell: ctx.cell(value.as_ref().map(|v| normalize_frozen(et, v))),
                });
            }
            CellOp::SetField { field, value, .. } => {
                let ColumnType::UserDefinedType {
                    frozen: false,
                    definition,
                } = &col.typ
                else {
                    return Err(invalid_op());
                };
                let Some((_, ft)) = definition.field_types.get(*field) else {
                    return Err(StoreError::invalid(format!(
                        "Unknown field {field} of type {}",
                        definition.name
                    )));
                };
                if let Some(v) = value {
                    ctx.check(col, ft, v)?;
                }
                ops.push(Op::ComplexPut {
                    column: id,
                    key: field_key(*field),
                    cell: ctx.cell(value.as_ref().map(|v| normalize_frozen(ft, v))),
                    order: KeyOrder::Bytes,
                });
            }
        }
    }
    Ok(PreparedRow {
        pos,
        marker,
        ops,
        pending,
    })
}

/// Resolves the operations that depend on the row's current content (list index and
/// list value removal) against `partition` as it is before the write.
pub(crate) fn resolve_pending(
    partition: &Partition,
    row: &mut PreparedRow<'_>,
    now: Now,
) -> Result<(), StoreError> {
    if row.pending.is_empty() {
        return Ok(());
    }
    let current = match &row.pos {
        Some(pos) => partition.row(pos),
        None => Some(&partition.static_row),
    };
    let live_list = |column: ColumnId| -> Vec<(Bytes, Bytes)> {
        match current.and_then(|r| r.column(column)) {
            Some(ColumnData::Complex(c)) => c
                .live_cells(now)
                .filter_map(|(k, cell)| cell.live_value(now).map(|v| (k.clone(), v.clone())))
                .collect(),
            _ => Vec::new(),
        }
    };
    for p in std::mem::take(&mut row.pending) {
        match p {
            Pending::ListSetIndex {
                column,
                name,
                index,
                cell,
            } => {
                let list = live_list(column);
                if list.is_empty() {
                    return Err(StoreError::invalid(if cell.value.is_some() {
                        format!("Attempted to set an element on a list which is null ({name})")
                    } else {
                        format!("Attempted to delete an element from a list which is null ({name})")
                    }));
                }
                let Some((key, _)) = usize::try_from(index).ok().and_then(|i| list.get(i)) else {
                    return Err(StoreError::invalid(format!(
                        "Index {index} out of bound, list has size {}",
                        list.len()
                    )));
                };
                row.ops.push(Op::ComplexPut {
                    column,
                    key: key.clone(),
                    cell,
                    order: KeyOrder::Bytes,
                });
            }
            Pending::ListRemoveValues {
                column,
                values,
                timestamp,
            } => {
                for (key, value) in live_list(column) {
                    if values.iter().any(|v| v == &value) {
                        row.ops.push(Op::ComplexPut {
                            column,
                            key,
                            cell: Cell::tombstone(timestamp),
                            order: KeyOrder::Bytes,
                        });
                    }
                }
            }
        }
    }
    Ok(())
}
