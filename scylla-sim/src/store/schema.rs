//! The schema model: keyspaces, user types, tables and columns, as immutable snapshots.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::{
    CollectionType, ColumnType, NativeType, UserDefinedType,
};
use uuid::Uuid;

use super::clustering::{
    ClusteringComparator, ClusteringOrder, ClusteringRange, MAX_KEY_COMPONENT, PosRange,
    TupleBound, key_too_long, put_key_component, tuple_slices,
};
use super::error::StoreError;
use super::table::Table;
use super::value::{binding_error, validate};

/// Identifies a column within its table. Ids are never reused: a column dropped and
/// added again gets a new id, so the old data stays invisible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ColumnId(pub u32);

/// The role of a column in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnKind {
    /// Part of the partition key.
    PartitionKey,
    /// A clustering column.
    Clustering,
    /// A static column (one value per partition).
    Static,
    /// A regular column.
    Regular,
}

impl ColumnKind {
    /// The name `system_schema.columns.kind` shows: `partition_key`, `clustering`,
    /// `static` or `regular`.
    pub fn as_str(self) -> &'static str {
        match self {
            ColumnKind::PartitionKey => "partition_key",
            ColumnKind::Clustering => "clustering",
            ColumnKind::Static => "static",
            ColumnKind::Regular => "regular",
        }
    }
}

/// A column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    /// The column's id within its table.
    pub id: ColumnId,
    /// The column's name (as stored: case-sensitive).
    pub name: String,
    /// Its role.
    pub kind: ColumnKind,
    /// Its position within the partition key or the clustering key; -1 for static and
    /// regular columns (as `system_schema.columns.position`).
    pub position: i32,
    /// Its type.
    pub typ: ColumnType<'static>,
    /// For a clustering column, its order; `Asc` for the others.
    pub order: ClusteringOrder,
}

impl ColumnDef {
    /// Whether the column stores one cell per element (a non-frozen collection or UDT).
    pub fn is_multi_cell(&self) -> bool {
        is_multi_cell(&self.typ)
    }

    /// Whether the column is a counter.
    pub fn is_counter(&self) -> bool {
        matches!(self.typ, ColumnType::Native(NativeType::Counter))
    }

    /// What `system_schema.columns.clustering_order` shows: `asc`/`desc` for a
    /// clustering column, `none` otherwise.
    pub fn clustering_order_str(&self) -> &'static str {
        if self.kind == ColumnKind::Clustering {
            self.order.as_str()
        } else {
            "none"
        }
    }
}

/// Whether values of `typ` are stored per element (non-frozen collection or UDT).
pub(crate) fn is_multi_cell(typ: &ColumnType<'_>) -> bool {
    matches!(
        typ,
        ColumnType::Collection { frozen: false, .. }
            | ColumnType::UserDefinedType { frozen: false, .. }
    )
}

/// A table option value, as given in `WITH name = value`: a constant (numbers and
/// booleans in their CQL text form) or a map of strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    /// A string, number or boolean, as text.
    Text(String),
    /// A map literal such as `{'class': 'LZ4Compressor'}`.
    Map(BTreeMap<String, String>),
}

impl OptionValue {
    /// The text, if this is a constant.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            OptionValue::Text(s) => Some(s),
            OptionValue::Map(_) => None,
        }
    }

    /// The map, if this is a map.
    pub fn as_map(&self) -> Option<&BTreeMap<String, String>> {
        match self {
            OptionValue::Map(m) => Some(m),
            OptionValue::Text(_) => None,
        }
    }
}

/// A column removed by `ALTER TABLE ... DROP`, as `system_schema.dropped_columns` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DroppedColumn {
    /// Its type when it was dropped.
    pub typ: ColumnType<'static>,
    /// Its kind (static or regular).
    pub kind: ColumnKind,
    /// When it was dropped, in microseconds since the epoch.
    pub dropped_time_micros: i64,
}

/// A table's definition: an immutable snapshot; schema changes build a new one.
#[derive(Debug, Clone)]
pub struct TableSchema {
    pub(crate) keyspace: String,
    pub(crate) name: String,
    pub(crate) id: Uuid,
    /// In `SELECT *` order: partition key, clustering, static (by name), regular (by
    /// name).
    pub(crate) columns: Vec<ColumnDef>,
    /// Column id → index into `columns`.
    pub(crate) id_index: Vec<Option<u32>>,
    pub(crate) n_partition_key: usize,
    pub(crate) n_clustering: usize,
    pub(crate) options: BTreeMap<String, OptionValue>,
    pub(crate) default_ttl: i32,
    pub(crate) is_counter: bool,
    pub(crate) comparator: Arc<ClusteringComparator>,
    pub(crate) next_column_id: u32,
    pub(crate) dropped_columns: BTreeMap<String, DroppedColumn>,
}

impl TableSchema {
    /// The keyspace's name.
    pub fn keyspace(&self) -> &str {
        &self.keyspace
    }

    /// The table's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The table's id.
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// All columns, in `SELECT *` order: partition key columns, clustering columns (in
    /// key order), then static and then regular columns, each by name.
    pub fn columns(&self) -> &[ColumnDef] {
        &self.columns
    }

    /// The column of that name.
    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The column of that id (`None` once dropped).
    pub fn column_by_id(&self, id: ColumnId) -> Option<&ColumnDef> {
        let idx = (*self.id_index.get(id.0 as usize)?)?;
        self.columns.get(idx as usize)
    }

    /// The partition key columns, in key order.
    pub fn partition_key(&self) -> &[ColumnDef] {
        self.columns.get(..self.n_partition_key).unwrap_or(&[])
    }

    /// The clustering columns, in key order.
    pub fn clustering_key(&self) -> &[ColumnDef] {
        self.columns
            .get(self.n_partition_key..self.n_partition_key + self.n_clustering)
            .unwrap_or(&[])
    }

    /// The static and regular columns.
    pub fn value_columns(&self) -> &[ColumnDef] {
        self.columns
            .get(self.n_partition_key + self.n_clustering..)
            .unwrap_or(&[])
    }

    /// Whether the table has static columns.
    pub fn has_static_columns(&self) -> bool {
        self.value_columns()
            .iter()
            .any(|c| c.kind == ColumnKind::Static)
    }

    /// The options, Cassandra's defaults included (`comment`, `gc_grace_seconds`,
    /// `compaction`, ...), as `system_schema.tables` shows them.
    pub fn options(&self) -> &BTreeMap<String, OptionValue> {
        &self.options
    }

    /// `default_time_to_live`, in seconds (0: none).
    pub fn default_ttl(&self) -> i32 {
        self.default_ttl
    }

    /// Whether this is a counter table.
    pub fn is_counter(&self) -> bool {
        self.is_counter
    }

    /// The `flags` of `system_schema.tables`: `compound` (and `counter`).
    pub fn flags(&self) -> Vec<&'static str> {
        let mut flags = vec!["compound"];
        if self.is_counter {
            flags.push("counter");
        }
        flags
    }

    /// Columns dropped by `ALTER TABLE ... DROP`, by name.
    pub fn dropped_columns(&self) -> &BTreeMap<String, DroppedColumn> {
        &self.dropped_columns
    }

    /// Builds the partition key bytes from the partition key columns' values: the value
    /// itself for a single column, Cassandra's composite encoding (`[short] len`, value,
    /// `0x00`, per component) for several. This is the byte string the token is
    /// computed from.
    pub fn compose_partition_key<T: AsRef<[u8]>>(
        &self,
        components: &[T],
    ) -> Result<Bytes, StoreError> {
        if components.len() != self.n_partition_key {
            return Err(StoreError::invalid(format!(
                "Expected {} partition key values, got {}",
                self.n_partition_key,
                components.len()
            )));
        }
        compose_key(components)
    }

    /// Validates partition key bytes (see [`split_partition_key`](Self::split_partition_key))
    /// without collecting the components.
    pub fn check_partition_key(&self, key: &[u8]) -> Result<(), StoreError> {
        if self.n_partition_key == 1
            && !key.is_empty()
            && key.len() <= MAX_KEY_COMPONENT
            && let Some(col) = self.partition_key().first()
        {
            return validate(&col.typ, key)
                .map_err(|m| StoreError::invalid(binding_error(&col.name, &m)));
        }
        self.split_partition_key(key).map(|_| ())
    }

    /// Splits partition key bytes into the partition key columns' values, validating
    /// each against its column's type.
    pub fn split_partition_key<'a>(&self, key: &'a [u8]) -> Result<Vec<&'a [u8]>, StoreError> {
        if key.is_empty() {
            return Err(StoreError::invalid("Key may not be empty"));
        }
        if key.len() > MAX_KEY_COMPONENT {
            return Err(key_too_long(key.len()));
        }
        let parts = if self.n_partition_key == 1 {
            vec![key]
        } else {
            split_composite(key)?
        };
        if parts.len() != self.n_partition_key {
            return Err(StoreError::invalid(format!(
                "Partition key has {} components, the table's key has {}",
                parts.len(),
                self.n_partition_key
            )));
        }
        for (part, col) in parts.iter().zip(self.partition_key()) {
            validate(&col.typ, part)
                .map_err(|m| StoreError::invalid(binding_error(&col.name, &m)))?;
        }
        Ok(parts)
    }

    /// The slices (in clustering order, disjoint, sorted) holding the rows whose
    /// clustering key starts with `prefix` and whose following columns are above
    /// `lower` and below `upper`, comparing lexicographically in each column's natural
    /// (value) order — what `WHERE a = 1 AND (b, c) > (2, 3)` or `b > 2` means,
    /// whatever the columns' `CLUSTERING ORDER`.
    pub fn clustering_slices(
        &self,
        prefix: &[Bytes],
        lower: Option<&TupleBound>,
        upper: Option<&TupleBound>,
    ) -> Result<Vec<ClusteringRange>, StoreError> {
        let ranges = tuple_slices(&self.comparator, prefix, lower, upper)?;
        Ok(ranges.iter().map(PosRange::to_range).collect())
    }

    /// Rebuilds the lookup structures after `columns` changed.
    pub(crate) fn reindex(&mut self) {
        let pk: Vec<ColumnDef> = {
            let mut v: Vec<ColumnDef> = self
                .columns
                .iter()
                .filter(|c| c.kind == ColumnKind::PartitionKey)
                .cloned()
                .collect();
            v.sort_by_key(|c| c.position);
            v
        };
        let ck: Vec<ColumnDef> = {
            let mut v: Vec<ColumnDef> = self
                .columns
                .iter()
                .filter(|c| c.kind == ColumnKind::Clustering)
                .cloned()
                .collect();
            v.sort_by_key(|c| c.position);
            v
        };
        let by_name = |kind: ColumnKind| {
            let mut v: Vec<ColumnDef> = self
                .columns
                .iter()
                .filter(|c| c.kind == kind)
                .cloned()
                .collect();
            v.sort_by(|a, b| a.name.cmp(&b.name));
            v
        };
        let statics = by_name(ColumnKind::Static);
        let regulars = by_name(ColumnKind::Regular);
        self.n_partition_key = pk.len();
        self.n_clustering = ck.len();
        self.comparator = Arc::new(ClusteringComparator::new(
            ck.iter()
                .map(|c| (c.name.clone(), c.typ.clone(), c.order))
                .collect(),
        ));
        self.columns = pk
            .into_iter()
            .chain(ck)
            .chain(statics)
            .chain(regulars)
            .collect();
        self.is_counter = self.columns.iter().any(ColumnDef::is_counter);
        self.id_index = vec![None; self.next_column_id as usize];
        for (i, c) in self.columns.iter().enumerate() {
            if let Some(slot) = self.id_index.get_mut(c.id.0 as usize) {
                *slot = u32::try_from(i).ok();
            }
        }
    }
}

/// Encodes a partition key from its components (see
/// [`TableSchema::compose_partition_key`]).
pub(crate) fn compose_key<T: AsRef<[u8]>>(components: &[T]) -> Result<Bytes, StoreError> {
    if let [single] = components {
        return Ok(Bytes::copy_from_slice(single.as_ref()));
    }
    let mut out = Vec::new();
    for c in components {
        put_key_component(&mut out, c.as_ref())?;
        out.push(0);
    }
    Ok(Bytes::from(out))
}

fn split_composite(mut key: &[u8]) -> Result<Vec<&[u8]>, StoreError> {
    let bad = || StoreError::invalid("Malformed composite partition key");
    let mut out = Vec::new();
    while !key.is_empty() {
        let (len, rest) = key.split_first_chunk::<2>().ok_or_else(bad)?;
        let len = usize::from(u16::from_be_bytes(*len));
        if rest.len() < len + 1 {
            return Err(bad());
        }
        let (component, rest) = rest.split_at(len);
        let (_eoc, rest) = rest.split_first().ok_or_else(bad)?;
        out.push(component);
        key = rest;
    }
    Ok(out)
}

/// A keyspace: an immutable snapshot.
#[derive(Debug, Clone)]
pub struct KeyspaceSchema {
    /// The name.
    pub name: String,
    /// The replication options, with the strategy's full class name under `class`.
    pub replication: BTreeMap<String, String>,
    /// `durable_writes`.
    pub durable_writes: bool,
    /// User-defined types, by name.
    pub user_types: BTreeMap<String, Arc<UserDefinedType<'static>>>,
    /// Tables, by name.
    pub tables: BTreeMap<String, Arc<Table>>,
}

impl KeyspaceSchema {
    /// The table of that name.
    pub fn table(&self, name: &str) -> Option<&Arc<Table>> {
        self.tables.get(name)
    }

    /// The user type of that name.
    pub fn user_type(&self, name: &str) -> Option<&Arc<UserDefinedType<'static>>> {
        self.user_types.get(name)
    }
}

/// The whole schema at one moment. Cheap to get ([`Store::schema`](super::Store::schema)
/// hands out an `Arc`); never changes once built.
#[derive(Debug, Clone)]
pub struct Schema {
    pub(crate) version: Uuid,
    pub(crate) keyspaces: BTreeMap<String, Arc<KeyspaceSchema>>,
}

impl Schema {
    /// The schema version: a new random UUID after every change.
    pub fn version(&self) -> Uuid {
        self.version
    }

    /// All keyspaces, by name.
    pub fn keyspaces(&self) -> &BTreeMap<String, Arc<KeyspaceSchema>> {
        &self.keyspaces
    }

    /// The keyspace of that name.
    pub fn keyspace(&self, name: &str) -> Option<&Arc<KeyspaceSchema>> {
        self.keyspaces.get(name)
    }

    /// The table `keyspace.name`.
    pub fn table(&self, keyspace: &str, name: &str) -> Option<&Arc<Table>> {
        self.keyspaces.get(keyspace)?.tables.get(name)
    }

    /// The table `keyspace.name`, or Cassandra's error for an unknown keyspace or table.
    pub fn require_table(&self, keyspace: &str, name: &str) -> Result<&Arc<Table>, StoreError> {
        let ks = self
            .keyspaces
            .get(keyspace)
            .ok_or_else(|| StoreError::invalid(format!("Keyspace {keyspace} does not exist")))?;
        ks.tables
            .get(name)
            .ok_or_else(|| StoreError::invalid(format!("unconfigured table {name}")))
    }
}

/// Walks a type and every type nested in it.
pub(crate) fn visit_types<'t>(typ: &'t ColumnType<'t>, f: &mut dyn FnMut(&'t ColumnType<'t>)) {
    f(typ);
    match typ {
        ColumnType::Collection { typ, .. } => match typ {
            CollectionType::List(e) | CollectionType::Set(e) => visit_types(e, f),
            CollectionType::Map(k, v) => {
                visit_types(k, f);
                visit_types(v, f);
            }
            _ => {}
        },
        ColumnType::Vector { typ, .. } => visit_types(typ, f),
        ColumnType::UserDefinedType { definition, .. } => {
            for (_, t) in &definition.field_types {
                visit_types(t, f);
            }
        }
        ColumnType::Tuple(ts) => {
            for t in ts {
                visit_types(t, f);
            }
        }
        _ => {}
    }
}
