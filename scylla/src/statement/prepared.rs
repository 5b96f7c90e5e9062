//! Prepared statements.
//!
//! A [`PreparedStatement`] is what `Session::prepare` returns: the statement id the
//! nodes know it by, the bind markers' names and types, which of them form the
//! partition key, and the columns it returns. Executing it sends only the id and
//! the values; the driver computes the partition key's token from the values to
//! send the request straight to a replica.

use std::sync::Arc;

use arc_swap::ArcSwap;
use bytes::{BufMut, Bytes, BytesMut};
use smallvec::SmallVec;
use thiserror::Error;
use uuid::Uuid;

use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::response::result::{
    PartitionKeyIndex, Prepared, PreparedMetadata, RawMetadataAndRawRows, ResultMetadata, TableSpec,
};
use scylla_cql::frame::types::RawValue;
use scylla_cql::serialize::SerializationError;
use scylla_cql::serialize::row::{RowSerializationContext, SerializeRow, SerializedValues};

use super::bound::BoundStatement;
use super::unprepared::Statement;
use super::{
    Consistency, PageSize, SerialConsistency, StatementConfig, impl_statement_config_getters,
    impl_statement_config_setters,
};
use crate::errors::{BadQuery, ExecutionError};
use crate::policies::load_balancing::RoutingInfo;
use crate::response::query_result::ColumnSpecs;
use crate::routing::partitioner::{Partitioner, PartitionerHasher, PartitionerName};
use crate::routing::{NodeLocationPreference, Token};

/// Computing a prepared statement's partition key failed.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PartitionKeyExtractionError {
    /// A partition-key column is bound at marker index `.0`, but only `.1` values
    /// were given.
    #[error(
        "no value for the partition key column at bind marker index {0}: only {1} values were given"
    )]
    NoPkIndexValue(u16, u16),
}

/// Computing a token from a partition key failed.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenCalculationError {
    /// A key component is longer than the 65535 bytes a composite key can hold.
    #[error("value of length {0} is too long to be a partition key component (max 65535)")]
    ValueTooLong(usize),
}

/// Computing a prepared statement's partition key or token failed.
#[derive(Clone, Debug, Error)]
#[non_exhaustive]
pub enum PartitionKeyError {
    /// The key could not be taken from the values.
    #[error(transparent)]
    PartitionKeyExtraction(#[from] PartitionKeyExtractionError),
    /// The token could not be computed.
    #[error(transparent)]
    TokenCalculation(#[from] TokenCalculationError),
    /// The values could not be serialized.
    #[error(transparent)]
    Serialization(#[from] SerializationError),
}

impl PartitionKeyError {
    /// The equivalent [`ExecutionError`].
    pub fn into_execution_error(self) -> ExecutionError {
        match self {
            PartitionKeyError::PartitionKeyExtraction(_) => {
                ExecutionError::BadQuery(BadQuery::PartitionKeyExtraction)
            }
            PartitionKeyError::TokenCalculation(TokenCalculationError::ValueTooLong(len)) => {
                ExecutionError::BadQuery(BadQuery::ValuesTooLongForKey(len, u16::MAX as usize))
            }
            PartitionKeyError::Serialization(e) => {
                ExecutionError::BadQuery(BadQuery::SerializationError(e))
            }
        }
    }
}

/// What the clones of a prepared statement share.
#[derive(Debug)]
struct PreparedStatementSharedData {
    id: IdVersions,
    statement: String,
    metadata: PreparedMetadata,
    /// The result metadata received when the statement was prepared.
    initial_result_metadata: Arc<ResultMetadata<'static>>,
    /// The result metadata now in use: replaced when a node reports that it changed
    /// (SCYLLA_USE_METADATA_ID) or the statement is re-prepared.
    current_result_metadata: ArcSwap<ResultMetadata<'static>>,
    table_spec: Option<TableSpec<'static>>,
    is_confirmed_lwt: bool,
}

/// The ids a prepared statement has had, oldest first: re-preparing after a schema
/// change may give a new id, which every clone then uses. Append-only, so that
/// [`PreparedStatement::get_id`] can hand out a reference.
#[derive(Debug)]
struct IdVersions {
    id: Bytes,
    newer: std::sync::OnceLock<Box<IdVersions>>,
}

impl IdVersions {
    fn new(id: Bytes) -> Self {
        Self {
            id,
            newer: std::sync::OnceLock::new(),
        }
    }

    fn current(&self) -> &Bytes {
        let mut version = self;
        while let Some(newer) = version.newer.get() {
            version = newer;
        }
        &version.id
    }

    /// Makes `id` the current id (unless it already is).
    fn push(&self, id: Bytes) {
        let mut version = self;
        let mut next = Box::new(IdVersions::new(id));
        loop {
            if let Some(newer) = version.newer.get() {
                version = newer;
                continue;
            }
            if version.id == next.id {
                return;
            }
            match version.newer.set(next) {
                Ok(()) => return,
                // Another thread appended first: go on from its version.
                Err(back) => next = back,
            }
        }
    }
}

/// A statement prepared on the cluster. Cheap to clone: clones share the id, the
/// metadata and the current result metadata; each clone has its own settings.
#[derive(Debug, Clone)]
pub struct PreparedStatement {
    pub(crate) config: StatementConfig,
    /// The tracing ids of the PREPARE requests, when the statement was prepared with
    /// tracing on (one per node).
    pub prepare_tracing_ids: Vec<Uuid>,
    shared: Arc<PreparedStatementSharedData>,
    page_size: PageSize,
    partitioner_name: PartitionerName,
    use_cached_result_metadata: bool,
}

/// A guard holding the result column specs a prepared statement uses now.
#[derive(Debug, Clone)]
pub struct ColumnSpecsGuard {
    result_metadata: Arc<ResultMetadata<'static>>,
}

impl ColumnSpecsGuard {
    /// The column specs.
    pub fn get(&self) -> ColumnSpecs<'_, 'static> {
        ColumnSpecs::new(self.result_metadata.col_specs())
    }
}

/// The partition-key components of a row of serialized values, in partition-key
/// order (a null or unset value is `None`).
type PkComponents<'v> = SmallVec<[(u16, Option<&'v [u8]>); 8]>;

/// Takes the partition-key values out of `values` by the bind-marker indexes in
/// `pk_indexes`, ordered by their position in the partition key.
fn extract_pk_components<'v>(
    pk_indexes: &[PartitionKeyIndex],
    values: &'v SerializedValues,
) -> Result<PkComponents<'v>, PartitionKeyExtractionError> {
    extract_pk_components_from(pk_indexes, values.element_count(), values.iter())
}

/// [`extract_pk_components`] for `count` values given one by one (for example read
/// straight from a request frame being built).
fn extract_pk_components_from<'v>(
    pk_indexes: &[PartitionKeyIndex],
    count: u16,
    values: impl Iterator<Item = RawValue<'v>>,
) -> Result<PkComponents<'v>, PartitionKeyExtractionError> {
    let mut wanted: SmallVec<[PartitionKeyIndex; 8]> = pk_indexes.iter().copied().collect();
    wanted.sort_unstable_by_key(|pk| pk.index);
    if let Some(missing) = wanted.iter().find(|pk| pk.index >= count) {
        return Err(PartitionKeyExtractionError::NoPkIndexValue(
            missing.index,
            count,
        ));
    }
    let mut components = PkComponents::with_capacity(wanted.len());
    let mut wanted_iter = wanted.iter().peekable();
    for (index, value) in values.enumerate() {
        while let Some(pk) = wanted_iter.next_if(|pk| usize::from(pk.index) == index) {
            let bytes = match value {
                RawValue::Value(v) => Some(v),
                RawValue::Null | RawValue::Unset => None,
            };
            components.push((pk.sequence, bytes));
        }
        if wanted_iter.peek().is_none() {
            break;
        }
    }
    if let Some(pk) = wanted_iter.next() {
        // The values ended early (they were malformed): the value is missing.
        return Err(PartitionKeyExtractionError::NoPkIndexValue(pk.index, count));
    }
    components.sort_by_key(|(sequence, _)| *sequence);
    Ok(components)
}

/// Writes the partition key made of `components` into `write`, in the format the
/// partitioners hash: a single component as its bytes; several as a composite key,
/// each a 2-byte big-endian length, the bytes and a zero byte. Null components
/// contribute nothing.
fn write_partition_key(
    components: &PkComponents<'_>,
    mut write: impl FnMut(&[u8]),
) -> Result<(), TokenCalculationError> {
    if let [(_, single)] = components.as_slice() {
        if let Some(bytes) = single {
            write(bytes);
        }
        return Ok(());
    }
    for bytes in components.iter().filter_map(|(_, b)| *b) {
        let len = u16::try_from(bytes.len())
            .map_err(|_| TokenCalculationError::ValueTooLong(bytes.len()))?;
        write(&len.to_be_bytes());
        write(bytes);
        write(&[0]);
    }
    Ok(())
}

/// The table of a statement: that of its first bind marker, else that of its first
/// result column.
fn statement_table_spec(
    metadata: &PreparedMetadata,
    result_metadata: &ResultMetadata<'static>,
) -> Option<TableSpec<'static>> {
    metadata
        .col_specs
        .first()
        .or_else(|| result_metadata.col_specs().first())
        .map(|spec| spec.table_spec().clone())
}

impl PreparedStatement {
    /// A prepared statement from its parts; settings and page size come from the
    /// statement that was prepared.
    pub(crate) fn new(
        id: Bytes,
        is_confirmed_lwt: bool,
        metadata: PreparedMetadata,
        result_metadata: Arc<ResultMetadata<'static>>,
        statement: String,
        page_size: PageSize,
        config: StatementConfig,
    ) -> Self {
        let table_spec = statement_table_spec(&metadata, &result_metadata);
        Self {
            config,
            prepare_tracing_ids: Vec::new(),
            shared: Arc::new(PreparedStatementSharedData {
                id: IdVersions::new(id),
                statement,
                metadata,
                current_result_metadata: ArcSwap::new(Arc::clone(&result_metadata)),
                initial_result_metadata: result_metadata,
                table_spec,
                is_confirmed_lwt,
            }),
            page_size,
            partitioner_name: PartitionerName::default(),
            use_cached_result_metadata: false,
        }
    }

    /// The prepared statement of a PREPARED result for `statement`, on a connection
    /// that negotiated `features` (for the LWT mark).
    pub(crate) fn from_prepared_response(
        prepared: Prepared,
        features: &ProtocolFeatures,
        statement: &Statement,
    ) -> Self {
        // The flags are a bit set: reinterpret the i32's bits.
        let flags = prepared.prepared_metadata.flags as u32;
        let is_lwt = features.prepared_flags_contain_lwt_mark(flags);
        Self::new(
            prepared.id,
            is_lwt,
            prepared.prepared_metadata,
            Arc::new(prepared.result_metadata),
            statement.contents.clone(),
            statement.page_size(),
            statement.config.clone(),
        )
    }

    /// The statement id the nodes know it by.
    pub fn get_id(&self) -> &Bytes {
        self.shared.id.current()
    }

    /// Makes `id` the statement's id, for this statement and all its clones (a node
    /// gave it a new id when it was re-prepared after a schema change).
    pub(crate) fn update_id(&self, id: Bytes) {
        self.shared.id.push(id);
    }

    /// The CQL text.
    pub fn get_statement(&self) -> &str {
        &self.shared.statement
    }

    /// The tracing ids of the PREPARE requests.
    pub fn get_prepare_tracing_ids(&self) -> &[Uuid] {
        &self.prepare_tracing_ids
    }

    /// Whether the partition key is among the bind markers, so that requests can be
    /// routed to a replica.
    pub fn is_token_aware(&self) -> bool {
        !self.shared.metadata.pk_indexes.is_empty()
    }

    /// Whether ScyllaDB marked the statement as a lightweight transaction (requests
    /// are then routed to replicas in a fixed order, to avoid Paxos contention).
    pub fn is_confirmed_lwt(&self) -> bool {
        self.shared.is_confirmed_lwt
    }

    /// Sets the number of rows per page for paged execution. Must be positive: a
    /// size of 0 or less is ignored with a warning (upstream panics).
    pub fn set_page_size(&mut self, page_size: i32) {
        self.page_size.set_or_warn(page_size);
    }

    /// The page size.
    pub fn get_page_size(&self) -> i32 {
        self.page_size.inner()
    }

    pub(crate) fn page_size(&self) -> PageSize {
        self.page_size
    }

    /// Sets whether to ask nodes to leave the result metadata out of results (the
    /// driver then uses the metadata received when preparing). Saves bandwidth;
    /// safe when the statement's result columns cannot change (e.g. no
    /// `SELECT *`), or with ScyllaDB's metadata ids. Default: false.
    pub fn set_use_cached_result_metadata(&mut self, use_cached_metadata: bool) {
        self.use_cached_result_metadata = use_cached_metadata;
    }

    /// Whether cached result metadata is used.
    pub fn get_use_cached_result_metadata(&self) -> bool {
        self.use_cached_result_metadata
    }

    /// The keyspace of the statement's table, if known.
    pub fn get_keyspace_name(&self) -> Option<&str> {
        self.shared.table_spec.as_ref().map(|t| t.ks_name())
    }

    /// The statement's table, if known.
    pub fn get_table_name(&self) -> Option<&str> {
        self.shared.table_spec.as_ref().map(|t| t.table_name())
    }

    /// The keyspace and table of the statement, if known.
    pub fn get_table_spec(&self) -> Option<&TableSpec<'_>> {
        self.shared.table_spec.as_ref()
    }

    /// The partitioner of the statement's table.
    pub fn get_partitioner_name(&self) -> &PartitionerName {
        &self.partitioner_name
    }

    /// Sets the partitioner of the statement's table (the session does, from the
    /// schema metadata).
    pub(crate) fn set_partitioner_name(&mut self, partitioner_name: PartitionerName) {
        self.partitioner_name = partitioner_name;
    }

    /// The bind markers.
    pub fn get_variable_col_specs(&self) -> ColumnSpecs<'_, 'static> {
        ColumnSpecs::new(&self.shared.metadata.col_specs)
    }

    /// Where the partition-key columns are among the bind markers.
    pub fn get_variable_pk_indexes(&self) -> &[PartitionKeyIndex] {
        &self.shared.metadata.pk_indexes
    }

    /// The bind-marker metadata.
    pub(crate) fn get_prepared_metadata(&self) -> &PreparedMetadata {
        &self.shared.metadata
    }

    /// The result columns as they are now (they change when the table's schema
    /// changes and a node reports new metadata).
    pub fn get_current_result_set_col_specs(&self) -> ColumnSpecsGuard {
        ColumnSpecsGuard {
            result_metadata: self.current_result_metadata(),
        }
    }

    /// The result columns received when the statement was prepared.
    #[deprecated(
        since = "1.4.0",
        note = "the result metadata may change; use get_current_result_set_col_specs"
    )]
    pub fn get_result_set_col_specs(&self) -> ColumnSpecs<'_, 'static> {
        ColumnSpecs::new(self.shared.initial_result_metadata.col_specs())
    }

    /// The result metadata in use now: pass it to the RESULT parser (for results
    /// sent without metadata), and send its id with EXECUTE.
    pub(crate) fn current_result_metadata(&self) -> Arc<ResultMetadata<'static>> {
        self.shared.current_result_metadata.load_full()
    }

    /// Replaces the result metadata, for this statement and all its clones.
    pub(crate) fn set_current_result_metadata(&self, metadata: Arc<ResultMetadata<'static>>) {
        self.shared.current_result_metadata.store(metadata);
    }

    /// If `rows` says the result metadata changed (it carries a new metadata id),
    /// stores the new metadata. Returns whether it did.
    pub(crate) fn update_result_metadata_if_changed(&self, rows: &RawMetadataAndRawRows) -> bool {
        if !rows.metadata_changed() {
            return false;
        }
        match rows.clone().deserialize_metadata() {
            Ok(parsed) => {
                self.set_current_result_metadata(parsed.into_metadata().make_owned_arced());
                true
            }
            Err(e) => {
                tracing::warn!(
                    statement = self.get_statement(),
                    "could not read the new result metadata of a prepared statement: {e}"
                );
                false
            }
        }
    }

    /// Serializes `values` against the bind markers, checking their types.
    pub(crate) fn serialize_values(
        &self,
        values: &impl SerializeRow,
    ) -> Result<SerializedValues, SerializationError> {
        SerializedValues::from_serializable(
            &RowSerializationContext::from_prepared(&self.shared.metadata),
            values,
        )
    }

    /// Binds `values`: serializes them against the bind markers once, for repeated
    /// execution.
    pub fn bind(self, values: &impl SerializeRow) -> Result<BoundStatement, SerializationError> {
        let values = self.serialize_values(values)?;
        Ok(BoundStatement::new_untyped(self, values))
    }

    /// The partition key for already serialized values, as the partitioner hashes it.
    pub(crate) fn compute_partition_key_untyped(
        &self,
        values: &SerializedValues,
    ) -> Result<Bytes, PartitionKeyError> {
        let components = extract_pk_components(&self.shared.metadata.pk_indexes, values)?;
        let mut buf = BytesMut::new();
        write_partition_key(&components, |b| buf.put_slice(b))?;
        Ok(buf.freeze())
    }

    /// The token for already serialized values; `None` if the statement is not token
    /// aware.
    pub(crate) fn calculate_token_untyped(
        &self,
        values: &SerializedValues,
    ) -> Result<Option<Token>, PartitionKeyError> {
        if !self.is_token_aware() {
            return Ok(None);
        }
        let components = extract_pk_components(&self.shared.metadata.pk_indexes, values)?;
        let mut hasher = self.partitioner_name.build_hasher();
        write_partition_key(&components, |b| hasher.write(b))?;
        Ok(Some(hasher.finish()))
    }

    /// The token for `count` values serialized back to back in `raw` (each a
    /// `[value]`), as they sit in a request frame; `None` if the statement is not
    /// token aware.
    pub(crate) fn calculate_token_from_raw_values(
        &self,
        count: u16,
        raw: &[u8],
    ) -> Result<Option<Token>, PartitionKeyError> {
        if !self.is_token_aware() {
            return Ok(None);
        }
        let mut rest = raw;
        let values = std::iter::from_fn(|| {
            if rest.is_empty() {
                return None;
            }
            scylla_cql::frame::types::read_value(&mut rest).ok()
        });
        let components =
            extract_pk_components_from(&self.shared.metadata.pk_indexes, count, values)?;
        let mut hasher = self.partitioner_name.build_hasher();
        write_partition_key(&components, |b| hasher.write(b))?;
        Ok(Some(hasher.finish()))
    }

    /// The partition key of a row of `values`, as the partitioner hashes it: the
    /// key column's bytes, or for a composite key each column as a 2-byte length,
    /// the bytes and a zero byte.
    pub fn compute_partition_key(
        &self,
        values: &impl SerializeRow,
    ) -> Result<Bytes, PartitionKeyError> {
        let values = self.serialize_values(values)?;
        self.compute_partition_key_untyped(&values)
    }

    /// The token of a row of `values`; `None` if the statement is not token aware.
    pub fn calculate_token(
        &self,
        values: &impl SerializeRow,
    ) -> Result<Option<Token>, PartitionKeyError> {
        let values = self.serialize_values(values)?;
        self.calculate_token_untyped(&values)
    }

    /// What the load-balancing policy needs to route a request of this statement:
    /// `token` (from [`calculate_token_untyped`](Self::calculate_token_untyped)),
    /// the table, the LWT mark, and the given consistencies and location preference.
    pub(crate) fn routing_info<'a>(
        &'a self,
        consistency: Consistency,
        serial_consistency: Option<SerialConsistency>,
        token: Option<Token>,
        node_location_preference: &'a NodeLocationPreference,
    ) -> RoutingInfo<'a> {
        RoutingInfo {
            consistency,
            serial_consistency,
            token,
            table: self.get_table_spec(),
            is_confirmed_lwt: self.is_confirmed_lwt(),
            node_location_preference,
        }
    }

    impl_statement_config_setters!(config);
    impl_statement_config_getters!(config);
}
