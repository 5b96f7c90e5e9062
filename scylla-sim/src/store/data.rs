//! The stored form of a partition and how mutations merge into it.
//!
//! Tombstones are applied eagerly: a deletion removes the data it shadows at once and
//! is kept only to shadow writes that arrive later with an older timestamp. So a read
//! never has to consult tombstones; it only checks TTL expiry against its `now`.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::ops::Bound;
use std::sync::Arc;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::ColumnType;

use super::cell::{Cell, Marker, Now};
use super::clustering::{ClusteringComparator, Pos, PosRange};
use super::schema::ColumnId;
use super::value::compare;

/// How the element keys of a multi-cell column are ordered.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyOrder<'a> {
    /// By a type's order (set elements, map keys).
    Typed(&'a ColumnType<'static>),
    /// Byte-wise (list element keys, UDT field indexes: both encoded so that byte
    /// order is their order).
    Bytes,
}

impl KeyOrder<'_> {
    fn compare(&self, a: &[u8], b: &[u8]) -> Ordering {
        match self {
            KeyOrder::Typed(t) => compare(t, a, b),
            KeyOrder::Bytes => a.cmp(b),
        }
    }
}

/// The cells of a non-frozen collection or UDT, sorted by key.
#[derive(Debug, Clone, Default)]
pub(crate) struct Complex {
    /// The newest whole-column deletion.
    pub(crate) deletion: Option<i64>,
    pub(crate) cells: Vec<(Bytes, Cell)>,
}

impl Complex {
    pub(crate) fn live_cells(&self, now: Now) -> impl Iterator<Item = (&Bytes, &Cell)> {
        self.cells
            .iter()
            .filter(move |(_, c)| c.is_live(now))
            .map(|(k, c)| (k, c))
    }
}

/// The data of one column in one row.
#[derive(Debug, Clone)]
pub(crate) enum ColumnData {
    /// A single-cell column (or a counter's tombstone).
    Atomic(Cell),
    /// A counter: the sum of its increments, and the newest increment's timestamp.
    Counter { value: Bytes, timestamp: i64 },
    /// A non-frozen collection or UDT.
    Complex(Complex),
}

impl ColumnData {
    fn is_live(&self, now: Now) -> bool {
        match self {
            ColumnData::Atomic(c) => c.is_live(now),
            ColumnData::Counter { .. } => true,
            ColumnData::Complex(c) => c.cells.iter().any(|(_, c)| c.is_live(now)),
        }
    }

    /// Removes what a deletion at `ts` shadows; returns whether anything is left.
    fn purge(&mut self, ts: i64) -> bool {
        match self {
            ColumnData::Atomic(c) => c.timestamp > ts,
            ColumnData::Counter { timestamp, .. } => *timestamp > ts,
            ColumnData::Complex(c) => {
                if c.deletion.is_some_and(|d| d <= ts) {
                    c.deletion = None;
                }
                c.cells.retain(|(_, cell)| cell.timestamp > ts);
                c.deletion.is_some() || !c.cells.is_empty()
            }
        }
    }
}

/// A resolved change to one column of one row.
#[derive(Debug, Clone)]
pub(crate) enum Op<'a> {
    /// Write a single cell (value or tombstone).
    Atomic { column: ColumnId, cell: Cell },
    /// Add to a counter.
    Counter {
        column: ColumnId,
        delta: i64,
        timestamp: i64,
    },
    /// Delete a whole multi-cell column at a timestamp.
    ComplexDelete { column: ColumnId, timestamp: i64 },
    /// Write one element of a multi-cell column.
    ComplexPut {
        column: ColumnId,
        key: Bytes,
        cell: Cell,
        order: KeyOrder<'a>,
    },
}

/// A row: its tombstone, marker and columns (sorted by id).
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    pub(crate) deletion: Option<i64>,
    pub(crate) marker: Option<Marker>,
    pub(crate) columns: Vec<(ColumnId, ColumnData)>,
}

fn max_ts(a: Option<i64>, b: Option<i64>) -> Option<i64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

impl Row {
    pub(crate) fn column(&self, id: ColumnId) -> Option<&ColumnData> {
        self.columns
            .binary_search_by_key(&id, |(c, _)| *c)
            .ok()
            .and_then(|i| self.columns.get(i))
            .map(|(_, d)| d)
    }

    /// Whether the row has a live marker or a live cell at `now`.
    pub(crate) fn is_live(&self, now: Now) -> bool {
        self.marker.is_some_and(|m| m.is_live(now)) || self.has_live_cells(now)
    }

    pub(crate) fn has_live_cells(&self, now: Now) -> bool {
        self.columns.iter().any(|(_, d)| d.is_live(now))
    }

    /// Whether the row holds nothing at all (not even a tombstone).
    pub(crate) fn is_empty(&self) -> bool {
        self.deletion.is_none() && self.marker.is_none() && self.columns.is_empty()
    }

    /// Removes the data (not the row tombstone) a deletion at `ts` shadows.
    pub(crate) fn purge_data(&mut self, ts: i64) {
        if self.marker.is_some_and(|m| m.timestamp <= ts) {
            self.marker = None;
        }
        self.columns.retain_mut(|(_, d)| d.purge(ts));
    }

    /// Removes everything, the row tombstone included, a deletion at `ts` shadows.
    pub(crate) fn purge_all(&mut self, ts: i64) {
        if self.deletion.is_some_and(|d| d <= ts) {
            self.deletion = None;
        }
        self.purge_data(ts);
    }

    pub(crate) fn delete(&mut self, ts: i64) {
        self.deletion = max_ts(self.deletion, Some(ts));
        self.purge_data(ts);
    }

    pub(crate) fn remove_column(&mut self, id: ColumnId) {
        self.columns.retain(|(c, _)| *c != id);
    }

    /// Applies a marker and column changes; `shadow` is the newest deletion covering
    /// the row from outside (partition and range tombstones).
    pub(crate) fn apply(&mut self, marker: Option<Marker>, ops: &[Op<'_>], shadow: Option<i64>) {
        let floor = max_ts(shadow, self.deletion);
        let shadowed = |ts: i64| floor.is_some_and(|f| ts <= f);
        if let Some(m) = marker
            && !shadowed(m.timestamp)
            && self.marker.is_none_or(|old| m.supersedes(&old))
        {
            self.marker = Some(m);
        }
        for op in ops {
            match op {
                Op::Atomic { column, cell } => {
                    if shadowed(cell.timestamp) {
                        continue;
                    }
                    match self.slot(*column) {
                        Ok(i) => {
                            let Some((_, data)) = self.columns.get_mut(i) else {
                                continue;
                            };
                            let replace = match data {
                                ColumnData::Atomic(old) => cell.supersedes(old),
                                // Deleting a counter wins whatever the timestamps
                                // (Cassandra's CASSANDRA-7346).
                                ColumnData::Counter { timestamp, .. } => {
                                    cell.value.is_none() || cell.timestamp > *timestamp
                                }
                                ColumnData::Complex(_) => true,
                            };
                            if replace {
                                *data = ColumnData::Atomic(cell.clone());
                            }
                        }
                        Err(i) => self
                            .columns
                            .insert(i, (*column, ColumnData::Atomic(cell.clone()))),
                    }
                }
                Op::Counter {
                    column,
                    delta,
                    timestamp,
                } => {
                    if shadowed(*timestamp) {
                        continue;
                    }
                    let fresh = || ColumnData::Counter {
                        value: Bytes::copy_from_slice(&delta.to_be_bytes()),
                        timestamp: *timestamp,
                    };
                    match self.slot(*column) {
                        Ok(i) => {
                            let Some((_, data)) = self.columns.get_mut(i) else {
                                continue;
                            };
                            match data {
                                ColumnData::Counter {
                                    value,
                                    timestamp: t,
                                } => {
                                    let current = <[u8; 8]>::try_from(value.as_ref())
                                        .map(i64::from_be_bytes)
                                        .unwrap_or(0);
                                    let sum = current.wrapping_add(*delta);
                                    *value = Bytes::copy_from_slice(&sum.to_be_bytes());
                                    *t = (*t).max(*timestamp);
                                }
                                // A deleted counter stays deleted.
                                ColumnData::Atomic(c) if c.value.is_none() => {}
                                _ => *data = fresh(),
                            }
                        }
                        Err(i) => self.columns.insert(i, (*column, fresh())),
                    }
                }
                Op::ComplexDelete { column, timestamp } => {
                    if shadowed(*timestamp) {
                        continue;
                    }
                    self.with_complex(*column, |complex| {
                        complex.deletion = max_ts(complex.deletion, Some(*timestamp));
                        complex.cells.retain(|(_, c)| c.timestamp > *timestamp);
                    });
                }
                Op::ComplexPut {
                    column,
                    key,
                    cell,
                    order,
                } => {
                    if shadowed(cell.timestamp) {
                        continue;
                    }
                    self.with_complex(*column, |complex| {
                        if complex.deletion.is_some_and(|d| cell.timestamp <= d) {
                            return;
                        }
                        match complex
                            .cells
                            .binary_search_by(|(k, _)| order.compare(k, key))
                        {
                            Ok(i) => {
                                if let Some((_, old)) = complex.cells.get_mut(i)
                                    && cell.supersedes(old)
                                {
                                    *old = cell.clone();
                                }
                            }
                            Err(i) => complex.cells.insert(i, (key.clone(), cell.clone())),
                        }
                    });
                }
            }
        }
        // Drop multi-cell columns left with nothing.
        self.columns.retain(|(_, d)| match d {
            ColumnData::Complex(c) => c.deletion.is_some() || !c.cells.is_empty(),
            _ => true,
        });
    }

    fn slot(&self, id: ColumnId) -> Result<usize, usize> {
        self.columns.binary_search_by_key(&id, |(c, _)| *c)
    }

    /// Runs `f` on the multi-cell data of column `id`, creating it if needed.
    fn with_complex(&mut self, id: ColumnId, f: impl FnOnce(&mut Complex)) {
        let i = match self.slot(id) {
            Ok(i) => i,
            Err(i) => {
                self.columns
                    .insert(i, (id, ColumnData::Complex(Complex::default())));
                i
            }
        };
        if let Some((_, entry)) = self.columns.get_mut(i) {
            if !matches!(entry, ColumnData::Complex(_)) {
                *entry = ColumnData::Complex(Complex::default());
            }
            if let ColumnData::Complex(c) = entry {
                f(c);
            }
        }
    }
}

/// A partition: tombstones, the static row and the clustering rows.
#[derive(Debug, Default)]
pub(crate) struct Partition {
    pub(crate) deletion: Option<i64>,
    pub(crate) range_tombstones: Vec<(PosRange, i64)>,
    pub(crate) static_row: Row,
    pub(crate) rows: BTreeMap<Pos, Row>,
}

impl Partition {
    /// Whether the partition holds nothing (it can be removed).
    pub(crate) fn is_empty(&self) -> bool {
        self.deletion.is_none()
            && self.range_tombstones.is_empty()
            && self.static_row.is_empty()
            && self.rows.is_empty()
    }

    /// The newest partition or range tombstone covering `pos`.
    fn shadow_for(&self, pos: &Pos) -> Option<i64> {
        let mut shadow = self.deletion;
        for (range, ts) in &self.range_tombstones {
            if range.contains(pos) {
                shadow = max_ts(shadow, Some(*ts));
            }
        }
        shadow
    }

    pub(crate) fn delete_partition(&mut self, ts: i64) {
        self.deletion = max_ts(self.deletion, Some(ts));
        self.static_row.purge_all(ts);
        self.rows.retain(|_, row| {
            row.purge_all(ts);
            !row.is_empty()
        });
        self.range_tombstones.retain(|(_, t)| *t > ts);
    }

    pub(crate) fn delete_range(&mut self, range: PosRange, ts: i64) {
        if range.is_empty() || self.deletion.is_some_and(|d| ts <= d) {
            return;
        }
        let mut emptied = Vec::new();
        for (pos, row) in self
            .rows
            .range_mut((Bound::Excluded(&range.start), Bound::Excluded(&range.end)))
        {
            row.purge_all(ts);
            if row.is_empty() {
                emptied.push(pos.clone());
            }
        }
        for pos in emptied {
            self.rows.remove(&pos);
        }
        match self
            .range_tombstones
            .iter_mut()
            .find(|(r, _)| r.start == range.start && r.end == range.end)
        {
            Some((_, old)) => *old = (*old).max(ts),
            None => self.range_tombstones.push((range, ts)),
        }
    }

    pub(crate) fn delete_row(&mut self, pos: Pos, ts: i64) {
        if self.shadow_for(&pos).is_some_and(|s| ts <= s) {
            return;
        }
        self.rows.entry(pos).or_default().delete(ts);
    }

    /// Applies changes to the static row (`pos` = `None`) or a clustering row.
    pub(crate) fn apply_row(&mut self, pos: Option<Pos>, marker: Option<Marker>, ops: &[Op<'_>]) {
        let Some(pos) = pos else {
            // Static rows have no marker.
            let shadow = self.deletion;
            self.static_row.apply(None, ops, shadow);
            return;
        };
        let shadow = self.shadow_for(&pos);
        match self.rows.entry(pos) {
            Entry::Vacant(v) => {
                let mut row = Row::default();
                row.apply(marker, ops, shadow);
                if !row.is_empty() {
                    v.insert(row);
                }
            }
            Entry::Occupied(mut o) => {
                o.get_mut().apply(marker, ops, shadow);
                if o.get().is_empty() {
                    o.remove();
                }
            }
        }
    }

    /// The row at a full clustering position.
    pub(crate) fn row(&self, pos: &Pos) -> Option<&Row> {
        self.rows.get(pos)
    }

    /// Re-keys the rows and range tombstones with another clustering comparator.
    pub(crate) fn rekey(&mut self, cmp: &Arc<ClusteringComparator>) {
        let rows = std::mem::take(&mut self.rows);
        self.rows = rows
            .into_iter()
            .map(|(pos, row)| (pos.rekey(cmp), row))
            .collect();
        for (range, _) in &mut self.range_tombstones {
            range.start = range.start.rekey(cmp);
            range.end = range.end.rekey(cmp);
        }
    }

    pub(crate) fn remove_column(&mut self, id: ColumnId) {
        self.static_row.remove_column(id);
        self.rows.retain(|_, row| {
            row.remove_column(id);
            !row.is_empty()
        });
    }
}
