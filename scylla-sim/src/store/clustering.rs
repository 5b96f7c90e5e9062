//! Clustering keys, their table-specific order, and clustering slices.
//!
//! Rows of a partition live in a `BTreeMap` keyed by [`Pos`]: a clustering key (or a
//! prefix of one) plus a weight that places a prefix bound just before or just after
//! every key that extends it. Each `Pos` carries the table's comparator, so the map
//! orders rows by the clustering columns' types and ASC/DESC orders.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::ColumnType;

use super::error::StoreError;
use super::value::{binding_error, compare, normalize_frozen, validate};

/// The largest clustering or partition key component, in bytes.
pub const MAX_KEY_COMPONENT: usize = 65535;

/// The order of a clustering column (`CLUSTERING ORDER BY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ClusteringOrder {
    /// Ascending (the default).
    #[default]
    Asc,
    /// Descending.
    Desc,
}

impl ClusteringOrder {
    /// `"asc"` or `"desc"`, as `system_schema.columns.clustering_order` shows it
    /// (non-clustering columns show `"none"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ClusteringOrder::Asc => "asc",
            ClusteringOrder::Desc => "desc",
        }
    }
}

/// The clustering columns of a table: names, types and orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClusteringComparator {
    names: Vec<String>,
    types: Vec<ColumnType<'static>>,
    desc: Vec<bool>,
}

impl ClusteringComparator {
    pub(crate) fn new(columns: Vec<(String, ColumnType<'static>, ClusteringOrder)>) -> Self {
        let mut c = ClusteringComparator {
            names: Vec::with_capacity(columns.len()),
            types: Vec::with_capacity(columns.len()),
            desc: Vec::with_capacity(columns.len()),
        };
        for (name, typ, order) in columns {
            c.names.push(name);
            c.types.push(typ);
            c.desc.push(order == ClusteringOrder::Desc);
        }
        c
    }

    /// The number of clustering columns.
    pub(crate) fn len(&self) -> usize {
        self.types.len()
    }

    fn compare_component(&self, i: usize, a: &[u8], b: &[u8]) -> Ordering {
        let Some(typ) = self.types.get(i) else {
            return a.cmp(b);
        };
        let order = compare(typ, a, b);
        if self.desc.get(i).copied().unwrap_or(false) {
            order.reverse()
        } else {
            order
        }
    }

    /// Validates and canonicalizes the components of a clustering key or prefix.
    pub(crate) fn check_components(&self, components: &[Bytes]) -> Result<Vec<Bytes>, StoreError> {
        self.check_components_at(0, components)
    }

    /// The name of clustering column `i`.
    pub(crate) fn name(&self, i: usize) -> &str {
        self.names.get(i).map(String::as_str).unwrap_or("?")
    }
}

/// A clustering key (or a prefix of one): the serialized values of the clustering
/// columns, in a compact owned encoding.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct ClusteringKey {
    // Each component as a u16 big-endian length followed by its bytes.
    buf: Box<[u8]>,
}

/// The error for a key (or key component) of `len` bytes, over [`MAX_KEY_COMPONENT`].
pub(crate) fn key_too_long(len: usize) -> StoreError {
    StoreError::invalid(format!(
        "Key length of {len} is longer than maximum of {MAX_KEY_COMPONENT}"
    ))
}

/// Appends key component `c` with its `u16` length; it must be at most
/// [`MAX_KEY_COMPONENT`] bytes.
pub(crate) fn put_key_component(buf: &mut Vec<u8>, c: &[u8]) -> Result<(), StoreError> {
    let len = u16::try_from(c.len()).map_err(|_| key_too_long(c.len()))?;
    buf.extend_from_slice(&len.to_be_bytes());
    buf.extend_from_slice(c);
    Ok(())
}

impl ClusteringKey {
    /// Encodes components; each must be at most [`MAX_KEY_COMPONENT`] bytes.
    pub fn new<T: AsRef<[u8]>>(components: &[T]) -> Result<Self, StoreError> {
        let total: usize = components.iter().map(|c| c.as_ref().len() + 2).sum();
        let mut buf = Vec::with_capacity(total);
        for c in components {
            put_key_component(&mut buf, c.as_ref())?;
        }
        Ok(ClusteringKey {
            buf: buf.into_boxed_slice(),
        })
    }

    /// The key of no components (the single row of a table without clustering
    /// columns).
    pub fn empty() -> Self {
        ClusteringKey::default()
    }

    /// The components, in clustering column order.
    pub fn components(&self) -> Components<'_> {
        Components { rest: &self.buf }
    }

    /// The number of components.
    pub fn len(&self) -> usize {
        self.components().count()
    }

    /// Whether the key has no components.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Component `i`.
    pub fn get(&self, i: usize) -> Option<&[u8]> {
        self.components().nth(i)
    }

    /// The components as owned byte strings.
    pub fn to_vec(&self) -> Vec<Bytes> {
        self.components().map(Bytes::copy_from_slice).collect()
    }
}

impl fmt::Debug for ClusteringKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.components()).finish()
    }
}

/// The components of a [`ClusteringKey`].
#[derive(Clone)]
pub struct Components<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Components<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (len, rest) = self.rest.split_first_chunk::<2>()?;
        let len = usize::from(u16::from_be_bytes(*len));
        if rest.len() < len {
            self.rest = &[];
            return None;
        }
        let (component, rest) = rest.split_at(len);
        self.rest = rest;
        Some(component)
    }
}

/// A position among the rows of a partition: a full clustering key (weight 0), or a
/// prefix with weight -1 (just before every key extending it) or +1 (just after).
#[derive(Clone)]
pub(crate) struct Pos {
    cmp: Arc<ClusteringComparator>,
    key: ClusteringKey,
    weight: i8,
}

impl Pos {
    pub(crate) fn new(cmp: Arc<ClusteringComparator>, key: ClusteringKey, weight: i8) -> Self {
        Pos { cmp, key, weight }
    }

    /// Before every row.
    pub(crate) fn bottom(cmp: &Arc<ClusteringComparator>) -> Self {
        Pos::new(cmp.clone(), ClusteringKey::empty(), -1)
    }

    /// After every row.
    pub(crate) fn top(cmp: &Arc<ClusteringComparator>) -> Self {
        Pos::new(cmp.clone(), ClusteringKey::empty(), 1)
    }

    pub(crate) fn key(&self) -> &ClusteringKey {
        &self.key
    }

    /// The same position under another comparator.
    pub(crate) fn rekey(&self, cmp: &Arc<ClusteringComparator>) -> Self {
        Pos::new(cmp.clone(), self.key.clone(), self.weight)
    }

    /// The same key with another weight.
    pub(crate) fn with_weight(&self, weight: i8) -> Self {
        Pos::new(self.cmp.clone(), self.key.clone(), weight)
    }
}

impl Ord for Pos {
    fn cmp(&self, other: &Self) -> Ordering {
        let mut a = self.key.components();
        let mut b = other.key.components();
        let mut i = 0;
        loop {
            match (a.next(), b.next()) {
                (Some(x), Some(y)) => {
                    let order = self.cmp.compare_component(i, x, y);
                    if order != Ordering::Equal {
                        return order;
                    }
                }
                (None, None) => return self.weight.cmp(&other.weight),
                (None, Some(_)) => {
                    return if self.weight > 0 {
                        Ordering::Greater
                    } else {
                        Ordering::Less
                    };
                }
                (Some(_), None) => {
                    return if other.weight > 0 {
                        Ordering::Less
                    } else {
                        Ordering::Greater
                    };
                }
            }
            i += 1;
        }
    }
}

impl PartialOrd for Pos {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Pos {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pos {}

impl fmt::Debug for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pos({:?}, {})", self.key, self.weight)
    }
}

/// One end of a [`ClusteringRange`]: a clustering prefix (in clustering column order)
/// that is included or excluded, or no bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusteringBound {
    /// No bound: the range extends to the first (start) or last (end) row.
    Unbounded,
    /// Rows whose clustering key starts with this prefix are inside the range.
    Inclusive(Vec<Bytes>),
    /// Rows whose clustering key starts with this prefix are outside the range.
    Exclusive(Vec<Bytes>),
}

/// A slice of a partition's rows, from `start` to `end` in the table's clustering
/// order (a DESC column's larger values come first: the executor maps value-order
/// restrictions to positions, or uses
/// [`TableSchema::clustering_slices`](super::TableSchema::clustering_slices)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusteringRange {
    /// Where the slice starts.
    pub start: ClusteringBound,
    /// Where the slice ends.
    pub end: ClusteringBound,
}

impl ClusteringRange {
    /// Every row.
    pub fn all() -> Self {
        ClusteringRange {
            start: ClusteringBound::Unbounded,
            end: ClusteringBound::Unbounded,
        }
    }

    /// The rows whose key starts with `prefix` (for a full key: that one row).
    pub fn prefix(prefix: Vec<Bytes>) -> Self {
        ClusteringRange {
            start: ClusteringBound::Inclusive(prefix.clone()),
            end: ClusteringBound::Inclusive(prefix),
        }
    }

    /// A slice from `start` to `end`.
    pub fn new(start: ClusteringBound, end: ClusteringBound) -> Self {
        ClusteringRange { start, end }
    }
}

/// A slice as two positions: rows strictly between `start` and `end`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PosRange {
    pub(crate) start: Pos,
    pub(crate) end: Pos,
}

impl PosRange {
    pub(crate) fn all(cmp: &Arc<ClusteringComparator>) -> Self {
        PosRange {
            start: Pos::bottom(cmp),
            end: Pos::top(cmp),
        }
    }

    /// Whether the range holds no position at all.
    pub(crate) fn is_empty(&self) -> bool {
        self.start >= self.end
    }

    pub(crate) fn contains(&self, p: &Pos) -> bool {
        &self.start < p && p < &self.end
    }

    pub(crate) fn intersect(&self, other: &PosRange) -> PosRange {
        PosRange {
            start: self.start.clone().max(other.start.clone()),
            end: self.end.clone().min(other.end.clone()),
        }
    }

    /// Converts a public range, validating its components.
    pub(crate) fn from_range(
        cmp: &Arc<ClusteringComparator>,
        range: &ClusteringRange,
    ) -> Result<PosRange, StoreError> {
        let bound = |b: &ClusteringBound, is_start: bool| -> Result<Pos, StoreError> {
            Ok(match b {
                ClusteringBound::Unbounded => Pos::new(
                    cmp.clone(),
                    ClusteringKey::empty(),
                    if is_start { -1 } else { 1 },
                ),
                ClusteringBound::Inclusive(p) => Pos::new(
                    cmp.clone(),
                    ClusteringKey::new(&cmp.check_components(p)?)?,
                    if is_start { -1 } else { 1 },
                ),
                ClusteringBound::Exclusive(p) => Pos::new(
                    cmp.clone(),
                    ClusteringKey::new(&cmp.check_components(p)?)?,
                    if is_start { 1 } else { -1 },
                ),
            })
        };
        Ok(PosRange {
            start: bound(&range.start, true)?,
            end: bound(&range.end, false)?,
        })
    }

    /// Converts back to a public range.
    pub(crate) fn to_range(&self) -> ClusteringRange {
        let start = if self.start.key.is_empty() && self.start.weight < 0 {
            ClusteringBound::Unbounded
        } else if self.start.weight < 0 {
            ClusteringBound::Inclusive(self.start.key.to_vec())
        } else {
            ClusteringBound::Exclusive(self.start.key.to_vec())
        };
        let end = if self.end.key.is_empty() && self.end.weight > 0 {
            ClusteringBound::Unbounded
        } else if self.end.weight > 0 {
            ClusteringBound::Inclusive(self.end.key.to_vec())
        } else {
            ClusteringBound::Exclusive(self.end.key.to_vec())
        };
        ClusteringRange { start, end }
    }
}

/// Sorts slices, drops empty ones and merges overlapping or touching ones, so that
/// the result is ordered and disjoint.
pub(crate) fn normalize_ranges(mut ranges: Vec<PosRange>) -> Vec<PosRange> {
    ranges.retain(|r| !r.is_empty());
    ranges.sort_by(|a, b| a.start.cmp(&b.start));
    let mut out: Vec<PosRange> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => {
                if r.end > last.end {
                    last.end = r.end;
                }
            }
            _ => out.push(r),
        }
    }
    out
}

/// One side of a (possibly multi-column) restriction in value order, such as
/// `(b, c) >= (1, 2)`: the values of consecutive clustering columns and whether the
/// bound itself is included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TupleBound {
    /// The values, for the clustering columns following the equality prefix.
    pub values: Vec<Bytes>,
    /// Whether rows equal to the bound are included (`>=`, `<=`).
    pub inclusive: bool,
}

/// The slices (in clustering order, disjoint) holding the rows that start with
/// `prefix` and whose next columns compare (lexicographically, each column by its
/// type's natural order, whatever its clustering order) above `lower` and below
/// `upper`.
pub(crate) fn tuple_slices(
    cmp: &Arc<ClusteringComparator>,
    prefix: &[Bytes],
    lower: Option<&TupleBound>,
    upper: Option<&TupleBound>,
) -> Result<Vec<PosRange>, StoreError> {
    let prefix = cmp.check_components(prefix)?;
    let key = |values: &[Bytes]| -> Result<ClusteringKey, StoreError> {
        let mut all = prefix.clone();
        all.extend_from_slice(&cmp.check_components_at(prefix.len(), values)?);
        ClusteringKey::new(&all)
    };
    let whole_prefix = PosRange {
        start: Pos::new(cmp.clone(), key(&[])?, -1),
        end: Pos::new(cmp.clone(), key(&[])?, 1),
    };
    // The pieces of { x : x > bound } (above = true) or { x : x < bound }.
    let pieces = |bound: &TupleBound, above: bool| -> Result<Vec<PosRange>, StoreError> {
        let mut out = Vec::new();
        for i in 0..bound.values.len() {
            let column = prefix.len() + i;
            let desc = cmp.desc.get(column).copied().unwrap_or(false);
            let outer = key(&bound.values[..i])?;
            let inner = key(&bound.values[..=i])?;
            // Values greater than the bound's come after it in ASC order, before it in
            // DESC order.
            let after = above != desc;
            out.push(if after {
                PosRange {
                    start: Pos::new(cmp.clone(), inner, 1),
                    end: Pos::new(cmp.clone(), outer, 1),
                }
            } else {
                PosRange {
                    start: Pos::new(cmp.clone(), outer, -1),
                    end: Pos::new(cmp.clone(), inner, -1),
                }
            });
        }
        if bound.inclusive {
            let exact = key(&bound.values)?;
            out.push(PosRange {
                start: Pos::new(cmp.clone(), exact.clone(), -1),
                end: Pos::new(cmp.clone(), exact, 1),
            });
        }
        Ok(out)
    };
    let ranges = match (lower, upper) {
        (None, None) => vec![whole_prefix],
        (Some(l), None) => pieces(l, true)?,
        (None, Some(u)) => pieces(u, false)?,
        (Some(l), Some(u)) => {
            let lp = pieces(l, true)?;
            let up = pieces(u, false)?;
            let mut out = Vec::with_capacity(lp.len() * up.len());
            for a in &lp {
                for b in &up {
                    out.push(a.intersect(b));
                }
            }
            out
        }
    };
    Ok(normalize_ranges(ranges))
}

impl ClusteringComparator {
    /// Validates values for the clustering columns starting at `offset`.
    pub(crate) fn check_components_at(
        &self,
        offset: usize,
        values: &[Bytes],
    ) -> Result<Vec<Bytes>, StoreError> {
        if offset + values.len() > self.types.len() {
            return Err(StoreError::invalid(format!(
                "Too many clustering values: {} given after {offset}, the table has {} \
                 clustering columns",
                values.len(),
                self.types.len()
            )));
        }
        let mut out = Vec::with_capacity(values.len());
        for (i, value) in values.iter().enumerate() {
            let column = offset + i;
            let (Some(typ), Some(name)) = (self.types.get(column), self.names.get(column)) else {
                break;
            };
            if value.len() > MAX_KEY_COMPONENT {
                return Err(StoreError::invalid(format!(
                    "Key length of {} is longer than maximum of {MAX_KEY_COMPONENT} for \
                     clustering column {name}",
                    value.len()
                )));
            }
            validate(typ, value).map_err(|m| StoreError::invalid(binding_error(name, &m)))?;
            out.push(normalize_frozen(typ, value));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scylla_cql::frame::response::column_type::NativeType;

    fn int(v: i32) -> Bytes {
        Bytes::copy_from_slice(&v.to_be_bytes())
    }

    fn cmp2(o1: ClusteringOrder, o2: ClusteringOrder) -> Arc<ClusteringComparator> {
        Arc::new(ClusteringComparator::new(vec![
            ("a".into(), ColumnType::Native(NativeType::Int), o1),
            ("b".into(), ColumnType::Native(NativeType::Int), o2),
        ]))
    }

    fn pos(c: &Arc<ClusteringComparator>, vals: &[i32], w: i8) -> Pos {
        let comps: Vec<Bytes> = vals.iter().map(|v| int(*v)).collect();
        Pos::new(c.clone(), ClusteringKey::new(&comps).unwrap(), w)
    }

    #[test]
    fn key_round_trip() {
        let k = ClusteringKey::new(&[int(1), Bytes::new(), int(3)]).unwrap();
        assert_eq!(k.len(), 3);
        assert_eq!(k.get(1), Some(&[][..]));
        assert_eq!(k.to_vec(), vec![int(1), Bytes::new(), int(3)]);
        assert!(ClusteringKey::new(&[vec![0u8; 70000]]).is_err());
    }

    #[test]
    fn prefix_bounds_bracket_their_keys() {
        let c = cmp2(ClusteringOrder::Asc, ClusteringOrder::Asc);
        let before = pos(&c, &[1], -1);
        let after = pos(&c, &[1], 1);
        for b in [-5, 0, 7] {
            let k = pos(&c, &[1, b], 0);
            assert!(before < k && k < after);
        }
        assert!(after < pos(&c, &[2, i32::MIN], 0));
        assert!(before > pos(&c, &[0, i32::MAX], 0));
        assert!(Pos::bottom(&c) < before && after < Pos::top(&c));
    }

    #[test]
    fn desc_reverses() {
        let c = cmp2(ClusteringOrder::Desc, ClusteringOrder::Asc);
        assert!(pos(&c, &[5, 0], 0) < pos(&c, &[1, 0], 0));
        assert!(pos(&c, &[5, 0], 0) < pos(&c, &[5, 1], 0));
    }

    #[test]
    fn merge_touching_ranges() {
        let c = cmp2(ClusteringOrder::Asc, ClusteringOrder::Asc);
        let r1 = PosRange {
            start: pos(&c, &[1], -1),
            end: pos(&c, &[1], 1),
        };
        let r2 = PosRange {
            start: pos(&c, &[1], 1),
            end: pos(&c, &[3], -1),
        };
        let empty = PosRange {
            start: pos(&c, &[4], 1),
            end: pos(&c, &[4], -1),
        };
        let merged = normalize_ranges(vec![r2, empty, r1]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].start, pos(&c, &[1], -1));
        assert_eq!(merged[0].end, pos(&c, &[3], -1));
    }

    #[test]
    fn tuple_bounds_mixed_order() {
        // (a, b) > (1, 2) with a DESC, b ASC: a > 1 (before a = 1 in storage order),
        // or a = 1 and b > 2.
        let c = cmp2(ClusteringOrder::Desc, ClusteringOrder::Asc);
        let lower = TupleBound {
            values: vec![int(1), int(2)],
            inclusive: false,
        };
        let slices = tuple_slices(&c, &[], Some(&lower), None).unwrap();
        let inside = |k: &[i32]| slices.iter().any(|r| r.contains(&pos(&c, k, 0)));
        assert!(inside(&[2, 0]));
        assert!(inside(&[9, -100]));
        assert!(inside(&[1, 3]));
        assert!(!inside(&[1, 2]));
        assert!(!inside(&[1, 1]));
        assert!(!inside(&[0, 100]));
        // Slices are ordered and disjoint.
        for w in slices.windows(2) {
            assert!(w[0].end <= w[1].start);
        }
    }

    #[test]
    fn tuple_bounds_both_sides() {
        let c = cmp2(ClusteringOrder::Asc, ClusteringOrder::Desc);
        let lower = TupleBound {
            values: vec![int(1), int(5)],
            inclusive: true,
        };
        let upper = TupleBound {
            values: vec![int(3)],
            inclusive: false,
        };
        let slices = tuple_slices(&c, &[], Some(&lower), Some(&upper)).unwrap();
        let inside = |k: &[i32]| slices.iter().any(|r| r.contains(&pos(&c, k, 0)));
        assert!(inside(&[1, 5]));
        assert!(inside(&[1, 6]));
        assert!(!inside(&[1, 4]));
        assert!(inside(&[2, -50]));
        assert!(!inside(&[3, 0]));
        assert!(!inside(&[0, 9]));
    }
}
