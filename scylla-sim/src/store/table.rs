//! A table: its schema snapshot plus its data, and the operations the executor calls.
//!
//! The data is split into shards by token range (16 contiguous ranges), each behind
//! its own `RwLock` over a `BTreeMap` of partitions ordered by (token, key): writes to
//! different shards do not contend, and a token-ordered scan walks the shards in
//! order. A write holds its shard's write lock only while merging the already
//! validated mutation.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::ops::Bound;
use std::sync::atomic::AtomicI64;
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use bytes::Bytes;

use super::PartitionKey;
use super::cell::Now;
use super::clustering::{ClusteringKey, Pos, PosRange, normalize_ranges};
use super::data::Partition;
use super::error::StoreError;
use super::read::{
    Flow, PartitionSelection, PartitionView, ReadCommand, ReadVisitor, ResumePosition, RowView,
};
use super::schema::{ColumnId, ColumnKind, TableSchema};
use super::write::{PreparedWrite, Write, full_clustering_pos, prepare, resolve_pending};

const SHARD_BITS: u32 = 4;
const SHARDS: usize = 1 << SHARD_BITS;

type Shard = BTreeMap<PartitionKey, Partition>;

/// The data of a table, shared by the successive schema snapshots of the table.
#[derive(Debug)]
pub(crate) struct TableData {
    shards: Vec<RwLock<Shard>>,
    /// Allocates list element keys.
    list_seq: AtomicI64,
}

impl TableData {
    pub(crate) fn new() -> Self {
        TableData {
            shards: (0..SHARDS).map(|_| RwLock::new(BTreeMap::new())).collect(),
            list_seq: AtomicI64::new(0),
        }
    }

    fn shard_index(token: i64) -> usize {
        (((token as u64) ^ (1 << 63)) >> (64 - SHARD_BITS)) as usize
    }

    fn read_shard(&self, i: usize) -> Option<RwLockReadGuard<'_, Shard>> {
        self.shards
            .get(i)
            .map(|s| s.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn write_shard(&self, i: usize) -> Option<RwLockWriteGuard<'_, Shard>> {
        self.shards
            .get(i)
            .map(|s| s.write().unwrap_or_else(PoisonError::into_inner))
    }

    pub(crate) fn clear(&self) {
        for i in 0..self.shards.len() {
            if let Some(mut shard) = self.write_shard(i) {
                shard.clear();
            }
        }
    }

    /// Runs `f` on every partition.
    pub(crate) fn for_each_partition_mut(&self, mut f: impl FnMut(&mut Partition)) {
        for i in 0..self.shards.len() {
            if let Some(mut shard) = self.write_shard(i) {
                for p in shard.values_mut() {
                    f(p);
                }
            }
        }
    }

    /// Removes the cells of a dropped column.
    pub(crate) fn remove_column(&self, id: ColumnId) {
        for i in 0..self.shards.len() {
            if let Some(mut shard) = self.write_shard(i) {
                shard.retain(|_, p| {
                    p.remove_column(id);
                    !p.is_empty()
                });
            }
        }
    }
}

/// A table: a schema snapshot and the table's data. Obtained from a
/// [`Schema`](super::Schema) snapshot; after `ALTER TABLE` the new snapshot holds a new
/// `Table` sharing the same data.
#[derive(Debug)]
pub struct Table {
    pub(crate) schema: Arc<TableSchema>,
    pub(crate) data: Arc<TableData>,
}

/// A partition as seen by a lightweight transaction's decision closure.
#[derive(Debug)]
pub struct PartitionSnapshot<'a> {
    schema: &'a TableSchema,
    key: &'a PartitionKey,
    partition: Option<&'a Partition>,
    now: Now,
}

impl<'a> PartitionSnapshot<'a> {
    /// The partition key.
    pub fn key(&self) -> &'a PartitionKey {
        self.key
    }

    /// The static row, if it has a live cell.
    pub fn static_row(&self) -> Option<RowView<'a>> {
        let p = self.partition?;
        p.static_row.has_live_cells(self.now).then_some(RowView {
            schema: self.schema,
            clustering: None,
            row: &p.static_row,
            now: self.now,
        })
    }

    /// The live row with this full clustering key (empty for a table without
    /// clustering columns).
    pub fn row(&self, clustering: &[Bytes]) -> Result<Option<RowView<'a>>, StoreError> {
        let pos = full_clustering_pos(self.schema, clustering)?;
        let Some(p) = self.partition else {
            return Ok(None);
        };
        Ok(p.rows.get_key_value(&pos).and_then(|(pos, row)| {
            row.is_live(self.now).then_some(RowView {
                schema: self.schema,
                clustering: Some(pos.key()),
                row,
                now: self.now,
            })
        }))
    }

    /// Every live clustering row, in clustering order.
    pub fn rows(&self) -> impl Iterator<Item = RowView<'a>> + 'a {
        let now = self.now;
        let schema = self.schema;
        self.partition
            .into_iter()
            .flat_map(|p| p.rows.iter())
            .filter(move |(_, row)| row.is_live(now))
            .map(move |(pos, row)| RowView {
                schema,
                clustering: Some(pos.key()),
                row,
                now,
            })
    }

    /// Whether the partition has anything live (static or clustering row).
    pub fn exists(&self) -> bool {
        self.static_row().is_some() || self.rows().next().is_some()
    }
}

/// A row read into owned values ([`Table::read_rows`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnedRow {
    /// The partition.
    pub partition_key: PartitionKey,
    /// The clustering key; `None` for a partition that only has a live static row.
    pub clustering: Option<Vec<Bytes>>,
    /// The non-null static and regular columns, by name.
    pub values: BTreeMap<String, Bytes>,
    /// The write timestamps of the non-null single-cell columns, by name.
    pub writetimes: BTreeMap<String, i64>,
    /// The remaining TTLs (seconds) of the expiring single-cell columns, by name.
    pub ttls: BTreeMap<String, i64>,
}

impl Table {
    /// The table's schema.
    pub fn schema(&self) -> &Arc<TableSchema> {
        &self.schema
    }

    /// Applies writes to one partition, atomically: every write is checked first
    /// (types, key, TTL, counter rules, list indexes), and if any fails nothing is
    /// written. Writes that read the current row (`l[i] = v`, `l = l - [..]`) see the
    /// partition as it was before this call. Data older than a tombstone is dropped.
    pub fn apply(&self, key: &PartitionKey, writes: &[Write], now: Now) -> Result<(), StoreError> {
        self.schema.check_partition_key(&key.key)?;
        let mut prepared = writes
            .iter()
            .map(|w| prepare(&self.schema, &self.data.list_seq, w, now))
            .collect::<Result<Vec<_>, _>>()?;
        let mut shard = self
            .data
            .write_shard(TableData::shard_index(key.token))
            .ok_or_else(|| StoreError::invalid("no shard for token"))?;
        apply_prepared(&mut shard, key, &mut prepared, now)
    }

    /// A lightweight transaction: under the partition's lock, `decide` sees the
    /// partition's current content and returns the writes to apply (none when the
    /// condition failed) plus a result for the caller. The writes are checked and
    /// applied as by [`apply`](Self::apply) before the lock is released; if they are
    /// invalid nothing is written and the error is returned.
    ///
    /// `decide` must not call back into the store.
    pub fn cas<R>(
        &self,
        key: &PartitionKey,
        now: Now,
        decide: impl FnOnce(&PartitionSnapshot<'_>) -> Result<(Vec<Write>, R), StoreError>,
    ) -> Result<R, StoreError> {
        self.schema.check_partition_key(&key.key)?;
        let mut shard = self
            .data
            .write_shard(TableData::shard_index(key.token))
            .ok_or_else(|| StoreError::invalid("no shard for token"))?;
        let (writes, result) = {
            let snapshot = PartitionSnapshot {
                schema: &self.schema,
                key,
                partition: shard.get(key),
                now,
            };
            decide(&snapshot)?
        };
        if !writes.is_empty() {
            let mut prepared = writes
                .iter()
                .map(|w| prepare(&self.schema, &self.data.list_seq, w, now))
                .collect::<Result<Vec<_>, _>>()?;
            apply_prepared(&mut shard, key, &mut prepared, now)?;
        }
        Ok(result)
    }

    /// A table with this table's schema and no data, belonging to no schema snapshot
    /// (the executor fills one per request with the rows of a virtual system table).
    pub fn detached_copy(&self) -> Table {
        Table {
            schema: self.schema.clone(),
            data: Arc::new(TableData::new()),
        }
    }

    /// Removes every row of the table.
    pub fn truncate(&self) {
        self.data.clear();
    }

    /// The number of stored partitions (including ones holding only tombstones).
    pub fn partition_count(&self) -> usize {
        (0..SHARDS)
            .filter_map(|i| self.data.read_shard(i).map(|s| s.len()))
            .sum()
    }

    /// Reads: visits the selected partitions in order and, in each, the live rows of the
    /// slices in clustering order (or reversed), starting after `start_after`.
    pub fn read<V: ReadVisitor + ?Sized>(
        &self,
        cmd: &ReadCommand,
        visitor: &mut V,
    ) -> Result<(), StoreError> {
        let cmp = &self.schema.comparator;
        let slices = match &cmd.slices {
            None => vec![PosRange::all(cmp)],
            Some(ranges) => normalize_ranges(
                ranges
                    .iter()
                    .map(|r| PosRange::from_range(cmp, r))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let resume = match &cmd.start_after {
            None => None,
            Some(ResumePosition {
                partition,
                clustering,
            }) => Some((
                partition,
                match clustering {
                    Some(ck) => Some(full_clustering_pos(&self.schema, ck)?),
                    None => None,
                },
            )),
        };
        let reader = Reader {
            schema: &self.schema,
            slices: &slices,
            reversed: cmd.reversed,
            now: cmd.now,
        };
        match &cmd.partitions {
            PartitionSelection::Keys(keys) => {
                let mut skip_until = resume.as_ref().map(|(k, _)| *k);
                for key in keys {
                    self.schema.check_partition_key(&key.key)?;
                }
                for key in keys {
                    let mut resume_ck = None;
                    if let Some(target) = skip_until {
                        if key != target {
                            continue;
                        }
                        skip_until = None;
                        match resume.as_ref().and_then(|(_, ck)| ck.as_ref()) {
                            Some(ck) => resume_ck = Some(ck),
                            None => continue,
                        }
                    }
                    let Some(shard) = self.data.read_shard(TableData::shard_index(key.token))
                    else {
                        continue;
                    };
                    if let Some((k, p)) = shard.get_key_value(key)
                        && reader.visit(k, p, resume_ck, visitor) == Flow::Stop
                    {
                        return Ok(());
                    }
                }
                if skip_until.is_some() {
                    return Err(StoreError::invalid(
                        "The paging position is not among the requested partition keys",
                    ));
                }
                Ok(())
            }
            PartitionSelection::Tokens { start, end } => {
                let Some((mut lo, hi)) = token_bounds(*start, *end) else {
                    return Ok(());
                };
                let mut resume_ck = None;
                if let Some((key, ck)) = &resume {
                    let resume_lo = if ck.is_some() {
                        Bound::Included((*key).clone())
                    } else {
                        Bound::Excluded((*key).clone())
                    };
                    if later_start(&resume_lo, &lo) {
                        lo = resume_lo;
                        resume_ck = ck.as_ref().map(|c| ((*key).clone(), c));
                    }
                }
                if !non_empty(&lo, &hi) {
                    return Ok(());
                }
                let first = match &lo {
                    Bound::Included(k) | Bound::Excluded(k) => TableData::shard_index(k.token),
                    Bound::Unbounded => 0,
                };
                let last = match &hi {
                    Bound::Included(k) | Bound::Excluded(k) => TableData::shard_index(k.token),
                    Bound::Unbounded => SHARDS - 1,
                };
                for i in first..=last {
                    let Some(shard) = self.data.read_shard(i) else {
                        continue;
                    };
                    for (k, p) in shard.range((lo.as_ref(), hi.as_ref())) {
                        let ck = match &resume_ck {
                            Some((rk, ck)) if rk == k => Some(*ck),
                            _ => None,
                        };
                        if reader.visit(k, p, ck, visitor) == Flow::Stop {
                            return Ok(());
                        }
                    }
                }
                Ok(())
            }
        }
    }

    /// Reads into owned rows (a convenience for tests and small internal reads). A
    /// partition with a live static row but no live row in the slices yields one row
    /// with `clustering: None`, as a query without clustering restrictions does.
    pub fn read_rows(&self, cmd: &ReadCommand) -> Result<Vec<OwnedRow>, StoreError> {
        struct Collect<'s> {
            schema: &'s TableSchema,
            now: Now,
            rows: Vec<OwnedRow>,
        }
        impl Collect<'_> {
            fn push(&mut self, p: &PartitionView<'_>, row: Option<&RowView<'_>>) {
                let mut out = OwnedRow {
                    partition_key: p.key().clone(),
                    clustering: row.and_then(|r| r.clustering()).map(ClusteringKey::to_vec),
                    values: BTreeMap::new(),
                    writetimes: BTreeMap::new(),
                    ttls: BTreeMap::new(),
                };
                for col in self.schema.value_columns() {
                    let view = match col.kind {
                        ColumnKind::Static => p.static_row(),
                        _ => row,
                    };
                    let Some(view) = view else { continue };
                    if let Some(v) = view.value(col.id) {
                        out.values.insert(col.name.clone(), v);
                    }
                    if let Some(c) = view.cell(col.id) {
                        out.writetimes.insert(col.name.clone(), c.timestamp);
                        if let Some(t) = c.remaining_ttl(self.now) {
                            out.ttls.insert(col.name.clone(), t);
                        }
                    }
                }
                self.rows.push(out);
            }
        }
        impl ReadVisitor for Collect<'_> {
            fn row(&mut self, p: &PartitionView<'_>, row: &RowView<'_>) -> Flow {
                self.push(p, Some(row));
                Flow::Continue
            }
            fn partition_end(&mut self, p: &PartitionView<'_>, live_rows: usize) -> Flow {
                if live_rows == 0 && !p.resumed() && p.static_row().is_some() {
                    self.push(p, None);
                }
                Flow::Continue
            }
        }
        let mut c = Collect {
            schema: &self.schema,
            now: cmd.now,
            rows: Vec::new(),
        };
        self.read(cmd, &mut c)?;
        Ok(c.rows)
    }
}

fn apply_prepared(
    shard: &mut Shard,
    key: &PartitionKey,
    prepared: &mut [PreparedWrite<'_>],
    now: Now,
) -> Result<(), StoreError> {
    match shard.entry(key.clone()) {
        Entry::Vacant(v) => {
            let mut p = Partition::default();
            apply_to_partition(&mut p, prepared, now)?;
            if !p.is_empty() {
                v.insert(p);
            }
        }
        Entry::Occupied(mut o) => {
            apply_to_partition(o.get_mut(), prepared, now)?;
            if o.get().is_empty() {
                o.remove();
            }
        }
    }
    Ok(())
}

fn apply_to_partition(
    p: &mut Partition,
    prepared: &mut [PreparedWrite<'_>],
    now: Now,
) -> Result<(), StoreError> {
    // Resolve everything that reads the current content first, so that an error
    // leaves the partition untouched.
    for w in prepared.iter_mut() {
        if let PreparedWrite::Row(row) = w {
            resolve_pending(p, row, now)?;
        }
    }
    for w in prepared.iter_mut() {
        match w {
            PreparedWrite::DeletePartition(ts) => p.delete_partition(*ts),
            PreparedWrite::DeleteRow(pos, ts) => p.delete_row(pos.clone(), *ts),
            PreparedWrite::DeleteRange(range, ts) => p.delete_range(range.clone(), *ts),
            PreparedWrite::Row(row) => p.apply_row(row.pos.take(), row.marker, &row.ops),
        }
    }
    Ok(())
}

/// The partition-key bounds of a token range; `None` when it is empty.
fn token_bounds(
    start: Bound<i64>,
    end: Bound<i64>,
) -> Option<(Bound<PartitionKey>, Bound<PartitionKey>)> {
    // No stored key is empty, so (t, "") sits before every key of token t.
    let before = |t: i64| PartitionKey::new(t, Bytes::new());
    let lo = match start {
        Bound::Unbounded => Bound::Unbounded,
        Bound::Included(t) => Bound::Included(before(t)),
        Bound::Excluded(t) => Bound::Included(before(t.checked_add(1)?)),
    };
    let hi = match end {
        Bound::Unbounded => Bound::Unbounded,
        Bound::Included(t) => match t.checked_add(1) {
            Some(n) => Bound::Excluded(before(n)),
            None => Bound::Unbounded,
        },
        Bound::Excluded(t) => Bound::Excluded(before(t)),
    };
    Some((lo, hi))
}

/// Whether start bound `a` starts later than `b`.
fn later_start(a: &Bound<PartitionKey>, b: &Bound<PartitionKey>) -> bool {
    match (a, b) {
        (_, Bound::Unbounded) => !matches!(a, Bound::Unbounded),
        (Bound::Unbounded, _) => false,
        (Bound::Included(x) | Bound::Excluded(x), Bound::Included(y) | Bound::Excluded(y)) => {
            x > y || (x == y && matches!(a, Bound::Excluded(_)) && matches!(b, Bound::Included(_)))
        }
    }
}

/// Whether the range can hold a key (and is safe to pass to `BTreeMap::range`).
fn non_empty(lo: &Bound<PartitionKey>, hi: &Bound<PartitionKey>) -> bool {
    match (lo, hi) {
        (Bound::Included(a), Bound::Included(b)) => a <= b,
        (Bound::Included(a) | Bound::Excluded(a), Bound::Included(b) | Bound::Excluded(b)) => a < b,
        _ => true,
    }
}

struct Reader<'r> {
    schema: &'r TableSchema,
    slices: &'r [PosRange],
    reversed: bool,
    now: Now,
}

impl Reader<'_> {
    /// Visits one partition; returns `Flow::Stop` if the visitor stopped the read.
    fn visit<V: ReadVisitor + ?Sized>(
        &self,
        key: &PartitionKey,
        p: &Partition,
        resume_after: Option<&Pos>,
        visitor: &mut V,
    ) -> Flow {
        let static_row = p.static_row.has_live_cells(self.now).then_some(RowView {
            schema: self.schema,
            clustering: None,
            row: &p.static_row,
            now: self.now,
        });
        let view = PartitionView {
            key,
            static_row,
            resumed: resume_after.is_some(),
        };
        let mut live = 0usize;
        match visitor.partition(&view) {
            Flow::Stop => return Flow::Stop,
            Flow::NextPartition => {}
            Flow::Continue => {
                let limit = resume_after.map(|ck| {
                    if self.reversed {
                        ck.with_weight(-1)
                    } else {
                        ck.with_weight(1)
                    }
                });
                let order = if self.reversed {
                    Either::Right(self.slices.iter().rev())
                } else {
                    Either::Left(self.slices.iter())
                };
                'slices: for slice in order {
                    let mut start = &slice.start;
                    let mut end = &slice.end;
                    if let Some(limit) = &limit {
                        if self.reversed {
                            if limit < end {
                                end = limit;
                            }
                        } else if limit > start {
                            start = limit;
                        }
                    }
                    if start >= end {
                        continue;
                    }
                    let range = p
                        .rows
                        .range::<Pos, _>((Bound::Excluded(start), Bound::Excluded(end)));
                    let rows = if self.reversed {
                        Either::Right(range.rev())
                    } else {
                        Either::Left(range)
                    };
                    for (pos, row) in rows {
                        if !row.is_live(self.now) {
                            continue;
                        }
                        live += 1;
                        let rv = RowView {
                            schema: self.schema,
                            clustering: Some(pos.key()),
                            row,
                            now: self.now,
                        };
                        match visitor.row(&view, &rv) {
                            Flow::Stop => return Flow::Stop,
                            Flow::NextPartition => break 'slices,
                            Flow::Continue => {}
                        }
                    }
                }
            }
        }
        visitor.partition_end(&view, live)
    }
}

/// One of two iterators of the same item type (avoids boxing on the read path).
enum Either<A, B> {
    Left(A),
    Right(B),
}

impl<T, A: Iterator<Item = T>, B: Iterator<Item = T>> Iterator for Either<A, B> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        match self {
            Either::Left(a) => a.next(),
            Either::Right(b) => b.next(),
        }
    }
}
