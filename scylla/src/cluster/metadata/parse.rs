//! Building [`Peer`]s and [`Keyspace`]s from the rows of the `system` and
//! `system_schema` tables. Pure functions: the session's control connection runs the
//! queries (each row type names its query in `QUERY`), deserializes the rows into
//! these types and calls the parsers.

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use scylla_cql::DeserializeRow;
use scylla_cql::frame::response::cql_type_parser::parse_cql_type;
use scylla_cql::frame::response::parse_errors::{
    CqlTypeStringParseError, CqlTypeStringParseErrorKind,
};
use tracing::warn;
use uuid::Uuid;

use super::{
    Column, ColumnKind, ColumnType, Keyspace, MaterializedView, Peer, Strategy, Table,
    UserDefinedType,
};
use crate::cluster::NodeAddr;
use crate::errors::{
    KeyspaceStrategyError, KeyspacesMetadataError, MetadataError, PeersMetadataError,
    TablesMetadataError, UdtMetadataError,
};
use crate::routing::Token;

/// Everything the driver reads about the cluster in one refresh.
#[derive(Debug, Default)]
pub(crate) struct Metadata {
    /// Every node, the one the control connection is connected to included.
    pub(crate) peers: Vec<Peer>,
    /// Every keyspace by name, or why its metadata could not be used.
    pub(crate) keyspaces: HashMap<String, Result<Keyspace, MetadataError>>,
    /// `system.local.cluster_name`, if read.
    pub(crate) cluster_name: Option<String>,
}

impl Metadata {
    /// The metadata of one refresh, from its rows: the topology (see [`parse_peers`])
    /// and the schema (see [`parse_keyspaces`]).
    pub(crate) fn from_rows(
        local: Option<LocalRow>,
        peers: Vec<PeerRow>,
        connected_address: SocketAddr,
        schema: &SchemaRows,
    ) -> Result<Self, PeersMetadataError> {
        let (peers, cluster_name) = parse_peers(local, peers, connected_address)?;
        Ok(Metadata {
            peers,
            keyspaces: parse_keyspaces(schema),
            cluster_name,
        })
    }

    /// After a refresh that read only some keyspaces (those for which `fetched`
    /// holds), adds the other keyspaces of `previous` unchanged. A fetched keyspace
    /// that is missing from `self` was dropped and stays out.
    pub(crate) fn keep_other_keyspaces(
        &mut self,
        previous: &crate::cluster::ClusterState,
        fetched: impl Fn(&str) -> bool,
    ) {
        for (name, keyspace) in previous.keyspaces() {
            if !fetched(name) && !self.keyspaces.contains_key(name) {
                self.keyspaces.insert(name.clone(), Ok(keyspace.clone()));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Rows
// ---------------------------------------------------------------------------------------

/// A row of `system.local`.
#[derive(Debug, Clone, Default, PartialEq, DeserializeRow)]
#[scylla(crate = crate)]
pub(crate) struct LocalRow {
    pub(crate) host_id: Option<Uuid>,
    pub(crate) rpc_address: Option<IpAddr>,
    pub(crate) data_center: Option<String>,
    pub(crate) rack: Option<String>,
    pub(crate) tokens: Option<Vec<String>>,
    pub(crate) cluster_name: Option<String>,
}

impl LocalRow {
    /// The query whose rows are `LocalRow`s.
    pub(crate) const QUERY: &'static str = "SELECT host_id, rpc_address, data_center, rack, \
         tokens, cluster_name FROM system.local WHERE key = 'local'";
}

/// A row of `system.peers`.
#[derive(Debug, Clone, Default, PartialEq, DeserializeRow)]
#[scylla(crate = crate)]
pub(crate) struct PeerRow {
    pub(crate) peer: Option<IpAddr>,
    pub(crate) host_id: Option<Uuid>,
    pub(crate) rpc_address: Option<IpAddr>,
    pub(crate) data_center: Option<String>,
    pub(crate) rack: Option<String>,
    pub(crate) tokens: Option<Vec<String>>,
}

impl PeerRow {
    /// The query whose rows are `PeerRow`s.
    pub(crate) const QUERY: &'static str =
        "SELECT peer, host_id, rpc_address, data_center, rack, tokens FROM system.peers";
}

/// A row of `system_schema.keyspaces`.
#[derive(Debug, Clone, Default, PartialEq, DeserializeRow)]
#[scylla(crate = crate)]
pub(crate) struct KeyspaceRow {
    pub(crate) keyspace_name: String,
    pub(crate) durable_writes: Option<bool>,
    pub(crate) replication: Option<HashMap<String, String>>,
}

impl KeyspaceRow {
    /// The query whose rows are `KeyspaceRow`s.
    pub(crate) const QUERY: &'static str =
        "SELECT keyspace_name, durable_writes, replication FROM system_schema.keyspaces";
}

/// A row of `system_schema.scylla_keyspaces` (ScyllaDB only).
#[derive(Debug, Clone, Default, PartialEq, DeserializeRow)]
#[scylla(crate = crate)]
pub(crate) struct ScyllaKeyspaceRow {
    pub(crate) keyspace_name: String,
    pub(crate) initial_tablets: Option<i32>,
}

impl ScyllaKeyspaceRow {
    /// The query whose rows are `ScyllaKeyspaceRow`s.
    pub(crate) const QUERY: &'static str =
        "SELECT keyspace_name, initial_tablets FROM system_schema.scylla_keyspaces";
}

/// A row of `system_schema.types`.
#[derive(Debug, Clone, Default, PartialEq, DeserializeRow)]
#[scylla(crate = crate)]
pub(crate) struct UdtRow {
    pub(crate) keyspace_name: String,
    pub(crate) type_name: String,
    pub(crate) field_names: Option<Vec<String>>,
    pub(crate) field_types: Option<Vec<String>>,
}

impl UdtRow {
    /// The query whose rows are `UdtRow`s.
    pub(crate) const QUERY: &'static str =
        "SELECT keyspace_name, type_name, field_names, field_types FROM system_schema.types";
}

/// A row of `system_schema.tables`.
#[derive(Debug, Clone, Default, PartialEq, DeserializeRow)]
#[scylla(crate = crate)]
pub(crate) struct TableRow {
    pub(crate) keyspace_name: String,
    pub(crate) table_name: String,
}

impl TableRow {
    /// The query whose rows are `TableRow`s.
    pub(crate) const QUERY: &'static str =
        "SELECT keyspace_name, table_name FROM system_schema.tables";
}

/// A row of `system_schema.scylla_tables` (ScyllaDB only).
#[derive(Debug, Clone, Default, PartialEq, DeserializeRow)]
#[scylla(crate = crate)]
pub(crate) struct ScyllaTableRow {
    pub(crate) keyspace_name: String,
    pub(crate) table_name: String,
    pub(crate) partitioner: Option<String>,
}

impl ScyllaTableRow {
    /// The query whose rows are `ScyllaTableRow`s.
    pub(crate) const QUERY: &'static str =
        "SELECT keyspace_name, table_name, partitioner FROM system_schema.scylla_tables";
}

/// A row of `system_schema.columns`.
#[derive(Debug, Clone, Default, PartialEq, DeserializeRow)]
#[scylla(crate = crate)]
pub(crate) struct ColumnRow {
    pub(crate) keyspace_name: String,
    pub(crate) table_name: String,
    pub(crate) column_name: String,
    pub(crate) kind: String,
    pub(crate) position: i32,
    #[scylla(rename = "type")]
    pub(crate) typ: String,
}

impl ColumnRow {
    /// The query whose rows are `ColumnRow`s.
    pub(crate) const QUERY: &'static str = "SELECT keyspace_name, table_name, column_name, \
         kind, position, type FROM system_schema.columns";
}

/// A row of `system_schema.views`.
#[derive(Debug, Clone, Default, PartialEq, DeserializeRow)]
#[scylla(crate = crate)]
pub(crate) struct ViewRow {
    pub(crate) keyspace_name: String,
    pub(crate) view_name: String,
    pub(crate) base_table_name: String,
}

impl ViewRow {
    /// The query whose rows are `ViewRow`s.
    pub(crate) const QUERY: &'static str =
        "SELECT keyspace_name, view_name, base_table_name FROM system_schema.views";
}

/// The rows of every schema table, for any set of keyspaces (the rows of a keyspace
/// without a `keyspaces` row are ignored). The ScyllaDB-only tables may be left
/// empty.
#[derive(Debug, Clone, Default)]
pub(crate) struct SchemaRows {
    pub(crate) keyspaces: Vec<KeyspaceRow>,
    pub(crate) scylla_keyspaces: Vec<ScyllaKeyspaceRow>,
    pub(crate) types: Vec<UdtRow>,
    pub(crate) tables: Vec<TableRow>,
    pub(crate) scylla_tables: Vec<ScyllaTableRow>,
    pub(crate) columns: Vec<ColumnRow>,
    pub(crate) views: Vec<ViewRow>,
}

// ---------------------------------------------------------------------------------------
// Peers
// ---------------------------------------------------------------------------------------

/// Parses a `tokens` set; `None` (with a warning) if a token is not an integer.
fn parse_tokens(tokens: Option<Vec<String>>, host_id: Uuid) -> Option<Vec<Token>> {
    let tokens = tokens.unwrap_or_default();
    let mut parsed = Vec::with_capacity(tokens.len());
    for token in &tokens {
        match token.parse::<Token>() {
            Ok(t) => parsed.push(t),
            Err(error) => {
                warn!(%host_id, token = %token, %error, "node has an invalid token; ignoring the node");
                return None;
            }
        }
    }
    Some(parsed)
}

/// The peer of the `system.local` row; its address is the one the control
/// connection is connected to (not translated).
fn peer_from_local(row: LocalRow, connected_address: SocketAddr) -> Option<Peer> {
    let Some(host_id) = row.host_id else {
        warn!(address = %connected_address, "system.local has no host_id; ignoring the node");
        return None;
    };
    Some(Peer {
        host_id,
        address: NodeAddr::Untranslatable(connected_address),
        tokens: parse_tokens(row.tokens, host_id)?,
        datacenter: row.data_center,
        rack: row.rack,
    })
}

/// The usable address of a peers row: its client address, or its `peer` address when
/// the client address is missing or unspecified (`0.0.0.0`, a server bound to all
/// interfaces).
fn peer_ip(client: Option<IpAddr>, peer: Option<IpAddr>) -> Option<IpAddr> {
    match client {
        Some(ip) if !ip.is_unspecified() => Some(ip),
        _ => peer,
    }
}

fn peer_from_row(row: PeerRow, port: u16) -> Option<Peer> {
    let Some(ip) = peer_ip(row.rpc_address, row.peer) else {
        warn!(host_id = ?row.host_id, "system.peers row has no address; ignoring the node");
        return None;
    };
    let Some(host_id) = row.host_id else {
        warn!(address = %ip, "system.peers row has no host_id; ignoring the node");
        return None;
    };
    Some(Peer {
        host_id,
        address: NodeAddr::Translatable(SocketAddr::new(ip, port)),
        tokens: parse_tokens(row.tokens, host_id)?,
        datacenter: row.data_center,
        rack: row.rack,
    })
}

/// The nodes of the cluster, from the control connection's `system.local` row and
/// the `system.peers` rows, and the cluster's name.
///
/// `connected_address` is the address the control connection is connected to: it is
/// the local node's address, and its port is the native port of the `system.peers`
/// rows. Rows without a host id or an address, or with an invalid token, are skipped
/// with a warning; a peers row repeating the local node is skipped.
pub(crate) fn parse_peers(
    local: Option<LocalRow>,
    peers: Vec<PeerRow>,
    connected_address: SocketAddr,
) -> Result<(Vec<Peer>, Option<String>), PeersMetadataError> {
    let mut result = Vec::new();
    let mut cluster_name = None;
    if let Some(local) = local {
        cluster_name = local.cluster_name.clone();
        result.extend(peer_from_local(local, connected_address));
    } else {
        warn!(address = %connected_address, "system.local returned no row");
    }
    let local_host_id = result.first().map(|p: &Peer| p.host_id);
    let port = connected_address.port();
    let others: Vec<Peer> = peers
        .into_iter()
        .filter_map(|row| peer_from_row(row, port))
        .collect();
    result.extend(
        others
            .into_iter()
            .filter(|p| Some(p.host_id) != local_host_id),
    );

    if result.is_empty() {
        return Err(PeersMetadataError::EmptyPeers);
    }
    if result.iter().all(|p| p.tokens.is_empty()) {
        return Err(PeersMetadataError::EmptyTokenLists);
    }
    Ok((result, cluster_name))
}

// ---------------------------------------------------------------------------------------
// Keyspaces
// ---------------------------------------------------------------------------------------

/// The short name of a strategy class (`org.apache.cassandra.locator.SimpleStrategy`
/// and `SimpleStrategy` both give `SimpleStrategy`).
fn short_class_name(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

/// Parses a keyspace's `replication` map.
pub(crate) fn parse_strategy(
    mut replication: HashMap<String, String>,
) -> Result<Strategy, KeyspaceStrategyError> {
    let class = replication
        .remove("class")
        .ok_or(KeyspaceStrategyError::MissingClassForStrategyDefinition)?;
    match short_class_name(&class) {
        "SimpleStrategy" => {
            let rf = replication
                .get("replication_factor")
                .ok_or(KeyspaceStrategyError::MissingReplicationFactorForSimpleStrategy)?;
            Ok(Strategy::SimpleStrategy {
                replication_factor: rf.trim().parse()?,
            })
        }
        "NetworkTopologyStrategy" => {
            let mut datacenter_repfactors = HashMap::with_capacity(replication.len());
            for (key, value) in replication {
                match value.trim().parse::<usize>() {
                    Ok(rf) => {
                        datacenter_repfactors.insert(key, rf);
                    }
                    Err(_) => {
                        return Err(
                            KeyspaceStrategyError::UnexpectedNetworkTopologyStrategyOption {
                                key,
                                value,
                            },
                        );
                    }
                }
            }
            Ok(Strategy::NetworkTopologyStrategy {
                datacenter_repfactors,
            })
        }
        "LocalStrategy" => Ok(Strategy::LocalStrategy),
        _ => Ok(Strategy::Other {
            name: class,
            data: replication,
        }),
    }
}

fn udt_type_error(e: CqlTypeStringParseError) -> UdtMetadataError {
    UdtMetadataError::InvalidCqlType {
        typ: e.input,
        position: e.position,
        reason: e.kind.to_string(),
    }
}

fn table_type_error(e: CqlTypeStringParseError) -> TablesMetadataError {
    TablesMetadataError::InvalidCqlType {
        typ: e.input,
        position: e.position,
        reason: e.kind.to_string(),
    }
}

/// Why one attempt to build a user-defined type failed.
enum UdtAttempt {
    /// It refers to another type of the keyspace that is not built yet.
    NeedsType(String),
    /// It is invalid.
    Invalid(UdtMetadataError),
}

fn try_build_udt(
    keyspace: &str,
    row: &UdtRow,
    pending: &HashMap<&str, &UdtRow>,
    built: &HashMap<String, Arc<UserDefinedType<'static>>>,
) -> Result<UserDefinedType<'static>, UdtAttempt> {
    let names = row.field_names.as_deref().unwrap_or_default();
    let types = row.field_types.as_deref().unwrap_or_default();
    if names.len() != types.len() {
        return Err(UdtAttempt::Invalid(UdtMetadataError::InvalidCqlType {
            typ: row.type_name.clone(),
            position: 0,
            reason: format!(
                "the type has {} field names but {} field types",
                names.len(),
                types.len()
            ),
        }));
    }
    let mut field_types = Vec::with_capacity(names.len());
    for (name, typ) in names.iter().zip(types) {
        match parse_cql_type(typ, |n| built.get(n).cloned()) {
            Ok(t) => field_types.push((Cow::Owned(name.clone()), t)),
            Err(e) => {
                if let CqlTypeStringParseErrorKind::UnknownUserDefinedType {
                    keyspace: ks,
                    name: needed,
                } = &e.kind
                {
                    let same_keyspace = ks.as_deref().is_none_or(|k| k == keyspace);
                    if same_keyspace && pending.contains_key(needed.as_str()) {
                        return Err(UdtAttempt::NeedsType(needed.clone()));
                    }
                }
                return Err(UdtAttempt::Invalid(udt_type_error(e)));
            }
        }
    }
    Ok(UserDefinedType {
        name: Cow::Owned(row.type_name.clone()),
        keyspace: Cow::Owned(keyspace.to_owned()),
        field_types,
    })
}

/// Builds a keyspace's user-defined types, each after the types it refers to.
fn build_udts(
    keyspace: &str,
    rows: &[&UdtRow],
) -> Result<HashMap<String, Arc<UserDefinedType<'static>>>, UdtMetadataError> {
    let pending: HashMap<&str, &UdtRow> = rows.iter().map(|r| (r.type_name.as_str(), *r)).collect();
    let mut built: HashMap<String, Arc<UserDefinedType<'static>>> = HashMap::new();
    let mut names: Vec<&str> = pending.keys().copied().collect();
    names.sort_unstable();

    for name in names {
        // A depth-first walk with an explicit stack: the top is built once everything
        // it refers to is.
        let mut stack: Vec<&str> = vec![name];
        while let Some(&top) = stack.last() {
            if built.contains_key(top) {
                stack.pop();
                continue;
            }
            let Some(row) = pending.get(top) else {
                stack.pop();
                continue;
            };
            match try_build_udt(keyspace, row, &pending, &built) {
                Ok(udt) => {
                    built.insert(top.to_owned(), Arc::new(udt));
                    stack.pop();
                }
                Err(UdtAttempt::NeedsType(needed)) => {
                    if stack.iter().any(|s| *s == needed) {
                        return Err(UdtMetadataError::CircularTypeDependency);
                    }
                    let Some((&key, _)) = pending.get_key_value(needed.as_str()) else {
                        return Err(UdtMetadataError::CircularTypeDependency);
                    };
                    stack.push(key);
                }
                Err(UdtAttempt::Invalid(e)) => return Err(e),
            }
        }
    }
    Ok(built)
}

/// Builds one table from its column rows.
fn build_table(
    keyspace: &str,
    table: &str,
    columns: &[&ColumnRow],
    udts: &HashMap<String, Arc<UserDefinedType<'static>>>,
    partitioner: Option<String>,
) -> Result<Table, TablesMetadataError> {
    let mut result = Table {
        partitioner,
        ..Table::default()
    };
    let mut partition_key: Vec<(i32, &str)> = Vec::new();
    let mut clustering_key: Vec<(i32, &str)> = Vec::new();
    for row in columns {
        let kind: ColumnKind =
            row.kind
                .parse()
                .map_err(|_| TablesMetadataError::UnknownColumnKind {
                    keyspace_name: keyspace.to_owned(),
                    table_name: table.to_owned(),
                    column_name: row.column_name.clone(),
                    column_kind: row.kind.clone(),
                })?;
        let typ: ColumnType<'static> =
            parse_cql_type(&row.typ, |n| udts.get(n).cloned()).map_err(table_type_error)?;
        match kind {
            ColumnKind::PartitionKey => partition_key.push((row.position, &row.column_name)),
            ColumnKind::Clustering => clustering_key.push((row.position, &row.column_name)),
            ColumnKind::Regular | ColumnKind::Static => {}
        }
        result
            .columns
            .insert(row.column_name.clone(), Column { typ, kind });
    }
    partition_key.sort_by_key(|(pos, _)| *pos);
    clustering_key.sort_by_key(|(pos, _)| *pos);
    result.partition_key = partition_key
        .into_iter()
        .map(|(_, n)| n.to_owned())
        .collect();
    result.clustering_key = clustering_key
        .into_iter()
        .map(|(_, n)| n.to_owned())
        .collect();
    Ok(result)
}

/// The rows of one keyspace.
#[derive(Default)]
struct KeyspaceRows<'r> {
    tablet_based: bool,
    types: Vec<&'r UdtRow>,
    /// Table (and view) names in the order first seen, with their columns.
    tables: Vec<(&'r str, Vec<&'r ColumnRow>)>,
    /// Positions in `tables` by name.
    table_index: HashMap<&'r str, usize>,
    partitioners: HashMap<&'r str, Option<String>>,
    views: HashMap<&'r str, &'r str>,
}

impl<'r> KeyspaceRows<'r> {
    /// The columns of table `name`, registering the table if new.
    fn table(&mut self, name: &'r str) -> &mut Vec<&'r ColumnRow> {
        let tables = &mut self.tables;
        let pos = *self.table_index.entry(name).or_insert_with(|| {
            tables.push((name, Vec::new()));
            tables.len() - 1
        });
        // `pos` indexes the entry just found or pushed.
        &mut tables[pos].1
    }
}

// A cold path; `MetadataError` (shared by the whole driver) is what callers keep per
// keyspace.
#[allow(clippy::result_large_err)]
fn build_keyspace(row: &KeyspaceRow, rows: KeyspaceRows<'_>) -> Result<Keyspace, MetadataError> {
    let name = row.keyspace_name.as_str();
    let strategy =
        parse_strategy(row.replication.clone().unwrap_or_default()).map_err(|error| {
            KeyspacesMetadataError::Strategy {
                keyspace: name.to_owned(),
                error,
            }
        })?;
    let user_defined_types = build_udts(name, &rows.types)?;

    let mut tables = HashMap::new();
    let mut views = HashMap::new();
    for (table_name, columns) in &rows.tables {
        let partitioner = rows.partitioners.get(table_name).cloned().flatten();
        let table = build_table(name, table_name, columns, &user_defined_types, partitioner)?;
        match rows.views.get(table_name) {
            Some(base) => {
                views.insert(
                    (*table_name).to_owned(),
                    MaterializedView {
                        view_metadata: table,
                        base_table_name: (*base).to_owned(),
                    },
                );
            }
            None => {
                tables.insert((*table_name).to_owned(), table);
            }
        }
    }

    Ok(Keyspace {
        strategy,
        durable_writes: row.durable_writes.unwrap_or(true),
        tablet_based: rows.tablet_based,
        tables,
        views,
        user_defined_types,
    })
}

/// Every keyspace of `rows` by name, or why its metadata is unusable. One keyspace's
/// bad metadata does not affect the others.
pub(crate) fn parse_keyspaces(
    rows: &SchemaRows,
) -> HashMap<String, Result<Keyspace, MetadataError>> {
    let mut per_keyspace: HashMap<&str, KeyspaceRows<'_>> = rows
        .keyspaces
        .iter()
        .map(|k| (k.keyspace_name.as_str(), KeyspaceRows::default()))
        .collect();

    for r in &rows.scylla_keyspaces {
        if let Some(ks) = per_keyspace.get_mut(r.keyspace_name.as_str()) {
            ks.tablet_based = r.initial_tablets.is_some();
        }
    }
    for r in &rows.types {
        if let Some(ks) = per_keyspace.get_mut(r.keyspace_name.as_str()) {
            ks.types.push(r);
        }
    }
    for r in &rows.views {
        if let Some(ks) = per_keyspace.get_mut(r.keyspace_name.as_str()) {
            ks.views.insert(&r.view_name, &r.base_table_name);
        }
    }
    for r in &rows.scylla_tables {
        if let Some(ks) = per_keyspace.get_mut(r.keyspace_name.as_str()) {
            ks.partitioners.insert(&r.table_name, r.partitioner.clone());
        }
    }

    // Tables: those listed in `tables` and `views`, and any others the columns name.
    for r in &rows.tables {
        if let Some(ks) = per_keyspace.get_mut(r.keyspace_name.as_str()) {
            ks.table(&r.table_name);
        }
    }
    for r in &rows.views {
        if let Some(ks) = per_keyspace.get_mut(r.keyspace_name.as_str()) {
            ks.table(&r.view_name);
        }
    }
    for r in &rows.columns {
        if let Some(ks) = per_keyspace.get_mut(r.keyspace_name.as_str()) {
            ks.table(&r.table_name).push(r);
        }
    }

    rows.keyspaces
        .iter()
        .map(|row| {
            let ks_rows = per_keyspace
                .remove(row.keyspace_name.as_str())
                .unwrap_or_default();
            (row.keyspace_name.clone(), build_keyspace(row, ks_rows))
        })
        .collect()
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
