//! The system keyspaces, as drivers and `cqlsh` expect to find them.
//!
//! - `system.local`, `system.peers` and `system.peers_v2` describe the cluster as the
//!   coordinator sees it; `system_schema.*` describe the schema. These are *virtual*:
//!   their tables exist in the store (so they appear in `system_schema` and have the
//!   columns real servers have), but their rows are computed for each query
//!   ([`materialize`]) into a detached copy of the table, which the ordinary SELECT
//!   path then reads, so WHERE clauses, column selection and paging work as on any
//!   table.
//! - `system_traces.sessions` and `system_traces.events` are ordinary tables that the
//!   executor fills when a request asks for tracing.
//!
//! The schemas follow ScyllaDB's (Cassandra 3.x layout, plus Cassandra 4's
//! `system.peers_v2`).

use std::collections::BTreeMap;
use std::net::IpAddr;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::ColumnType;
use scylla_cql::frame::response::cql_type_parser::parse_cql_type_without_udts;
use uuid::Uuid;

use crate::cluster::ClusterState;
use crate::ring::{MURMUR3_PARTITIONER_NAME, NodeId};
use crate::store::{
    CellOp, ColumnDef, ColumnKind, KeyspaceDef, NewColumn, Now, OptionValue, PartitionKey,
    RowTarget, RowWrite, Schema, Store, StoreError, Table, TableDef, TableSchema, Write,
};

/// The name of the system keyspace.
pub const SYSTEM: &str = "system";
/// The name of the schema keyspace.
pub const SYSTEM_SCHEMA: &str = "system_schema";
/// The name of the tracing keyspace.
pub const SYSTEM_TRACES: &str = "system_traces";

/// The features every node advertises in `supported_features`.
pub const SUPPORTED_FEATURES: &str = "COUNTERS,LWT,NONFROZEN_UDTS,PER_PARTITION_RATE_LIMIT,\
RANGE_TOMBSTONES,ROLES,SCHEMA_TABLES_V3,TOMBSTONE_GC_OPTIONS,TRUNCATION_TABLE,\
UNBOUNDED_RANGE_TOMBSTONES,WRITE_FAILURE_REPLY";

/// The port peers use to talk to each other (as reported in `system.peers_v2`).
pub const STORAGE_PORT: i32 = 7000;

/// Which virtual table a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VirtualKind {
    /// `system.local`
    Local,
    /// `system.peers`
    Peers,
    /// `system.peers_v2`
    PeersV2,
    /// Any `system_schema` table.
    Schema,
}

/// The virtual table `keyspace.table` is, if any.
pub fn virtual_kind(keyspace: &str, table: &str) -> Option<VirtualKind> {
    match (keyspace, table) {
        (SYSTEM, "local") => Some(VirtualKind::Local),
        (SYSTEM, "peers") => Some(VirtualKind::Peers),
        (SYSTEM, "peers_v2") => Some(VirtualKind::PeersV2),
        (SYSTEM_SCHEMA, _) => Some(VirtualKind::Schema),
        _ => None,
    }
}

type ColumnSpecs = &'static [(&'static str, &'static str, char)];

const MAP_TEXT: &str = "frozen<map<text, text>>";

/// The columns of `system_schema.columns` and `system_schema.view_virtual_columns`.
const COLUMNS_COLUMNS: ColumnSpecs = &[
    ("keyspace_name", "text", 'p'),
    ("table_name", "text", 'c'),
    ("column_name", "text", 'c'),
    ("clustering_order", "text", 'r'),
    ("column_name_bytes", "blob", 'r'),
    ("kind", "text", 'r'),
    ("position", "int", 'r'),
    ("type", "text", 'r'),
];

const TABLES: &[(&str, &str, ColumnSpecs)] = &[
    (
        SYSTEM,
        "local",
        &[
            ("key", "text", 'p'),
            ("bootstrapped", "text", 'r'),
            ("broadcast_address", "inet", 'r'),
            ("cluster_name", "text", 'r'),
            ("cql_version", "text", 'r'),
            ("data_center", "text", 'r'),
            ("gossip_generation", "int", 'r'),
            ("host_id", "uuid", 'r'),
            ("listen_address", "inet", 'r'),
            ("native_protocol_version", "text", 'r'),
            ("partitioner", "text", 'r'),
            ("rack", "text", 'r'),
            ("release_version", "text", 'r'),
            ("rpc_address", "inet", 'r'),
            ("schema_version", "uuid", 'r'),
            ("supported_features", "text", 'r'),
            ("thrift_version", "text", 'r'),
            ("tokens", "set<text>", 'r'),
            ("truncated_at", "map<uuid, blob>", 'r'),
        ],
    ),
    (
        SYSTEM,
        "peers",
        &[
            ("peer", "inet", 'p'),
            ("data_center", "text", 'r'),
            ("host_id", "uuid", 'r'),
            ("preferred_ip", "inet", 'r'),
            ("rack", "text", 'r'),
            ("release_version", "text", 'r'),
            ("rpc_address", "inet", 'r'),
            ("schema_version", "uuid", 'r'),
            ("supported_features", "text", 'r'),
            ("tokens", "set<text>", 'r'),
        ],
    ),
    (
        SYSTEM,
        "peers_v2",
        &[
            ("peer", "inet", 'p'),
            ("peer_port", "int", 'c'),
            ("data_center", "text", 'r'),
            ("host_id", "uuid", 'r'),
            ("native_address", "inet", 'r'),
            ("native_port", "int", 'r'),
            ("preferred_ip", "inet", 'r'),
            ("preferred_port", "int", 'r'),
            ("rack", "text", 'r'),
            ("release_version", "text", 'r'),
            ("schema_version", "uuid", 'r'),
            ("supported_features", "text", 'r'),
            ("tokens", "set<text>", 'r'),
        ],
    ),
    (
        SYSTEM_SCHEMA,
        "keyspaces",
        &[
            ("keyspace_name", "text", 'p'),
            ("durable_writes", "boolean", 'r'),
            ("replication", MAP_TEXT, 'r'),
        ],
    ),
    (
        SYSTEM_SCHEMA,
        "tables",
        &[
            ("keyspace_name", "text", 'p'),
            ("table_name", "text", 'c'),
            ("bloom_filter_fp_chance", "double", 'r'),
            ("caching", MAP_TEXT, 'r'),
            ("comment", "text", 'r'),
            ("compaction", MAP_TEXT, 'r'),
            ("compression", MAP_TEXT, 'r'),
            ("crc_check_chance", "double", 'r'),
            ("dclocal_read_repair_chance", "double", 'r'),
            ("default_time_to_live", "int", 'r'),
            ("extensions", "frozen<map<text, blob>>", 'r'),
            ("flags", "frozen<set<text>>", 'r'),
            ("gc_grace_seconds", "int", 'r'),
            ("id", "uuid", 'r'),
            ("max_index_interval", "int", 'r'),
            ("memtable_flush_period_in_ms", "int", 'r'),
            ("min_index_interval", "int", 'r'),
            ("read_repair_chance", "double", 'r'),
            ("speculative_retry", "text", 'r'),
        ],
    ),
    (SYSTEM_SCHEMA, "columns", COLUMNS_COLUMNS),
    (
        SYSTEM_SCHEMA,
        "dropped_columns",
        &[
            ("keyspace_name", "text", 'p'),
            ("table_name", "text", 'c'),
            ("column_name", "text", 'c'),
            ("dropped_time", "timestamp", 'r'),
            ("type", "text", 'r'),
        ],
    ),
    (
        SYSTEM_SCHEMA,
        "types",
        &[
            ("keyspace_name", "text", 'p'),
            ("type_name", "text", 'c'),
            ("field_names", "frozen<list<text>>", 'r'),
            ("field_types", "frozen<list<text>>", 'r'),
        ],
    ),
    (
        SYSTEM_SCHEMA,
        "functions",
        &[
            ("keyspace_name", "text", 'p'),
            ("function_name", "text", 'c'),
            ("argument_types", "frozen<list<text>>", 'c'),
            ("argument_names", "frozen<list<text>>", 'r'),
            ("body", "text", 'r'),
            ("called_on_null_input", "boolean", 'r'),
            ("language", "text", 'r'),
            ("return_type", "text", 'r'),
        ],
    ),
    (
        SYSTEM_SCHEMA,
        "aggregates",
        &[
            ("keyspace_name", "text", 'p'),
            ("aggregate_name", "text", 'c'),
            ("argument_types", "frozen<list<text>>", 'c'),
            ("final_func", "text", 'r'),
            ("initcond", "text", 'r'),
            ("return_type", "text", 'r'),
            ("state_func", "text", 'r'),
            ("state_type", "text", 'r'),
        ],
    ),
    (
        SYSTEM_SCHEMA,
        "views",
        &[
            ("keyspace_name", "text", 'p'),
            ("view_name", "text", 'c'),
            ("base_table_id", "uuid", 'r'),
            ("base_table_name", "text", 'r'),
            ("bloom_filter_fp_chance", "double", 'r'),
            ("caching", MAP_TEXT, 'r'),
            ("comment", "text", 'r'),
            ("compaction", MAP_TEXT, 'r'),
            ("compression", MAP_TEXT, 'r'),
            ("crc_check_chance", "double", 'r'),
            ("dclocal_read_repair_chance", "double", 'r'),
            ("default_time_to_live", "int", 'r'),
            ("extensions", "frozen<map<text, blob>>", 'r'),
            ("gc_grace_seconds", "int", 'r'),
            ("id", "uuid", 'r'),
            ("include_all_columns", "boolean", 'r'),
            ("max_index_interval", "int", 'r'),
            ("memtable_flush_period_in_ms", "int", 'r'),
            ("min_index_interval", "int", 'r'),
            ("read_repair_chance", "double", 'r'),
            ("speculative_retry", "text", 'r'),
            ("where_clause", "text", 'r'),
        ],
    ),
    (
        SYSTEM_SCHEMA,
        "indexes",
        &[
            ("keyspace_name", "text", 'p'),
            ("table_name", "text", 'c'),
            ("index_name", "text", 'c'),
            ("kind", "text", 'r'),
            ("options", MAP_TEXT, 'r'),
        ],
    ),
    (
        SYSTEM_SCHEMA,
        "triggers",
        &[
            ("keyspace_name", "text", 'p'),
            ("table_name", "text", 'c'),
            ("trigger_name", "text", 'c'),
            ("options", MAP_TEXT, 'r'),
        ],
    ),
    (
        SYSTEM_SCHEMA,
        "scylla_tables",
        &[
            ("keyspace_name", "text", 'p'),
            ("table_name", "text", 'c'),
            ("cdc", MAP_TEXT, 'r'),
            ("partitioner", "text", 'r'),
            ("version", "uuid", 'r'),
        ],
    ),
    (
        SYSTEM_SCHEMA,
        "computed_columns",
        &[
            ("keyspace_name", "text", 'p'),
            ("table_name", "text", 'c'),
            ("column_name", "text", 'c'),
            ("computation", "blob", 'r'),
        ],
    ),
    (SYSTEM_SCHEMA, "view_virtual_columns", COLUMNS_COLUMNS),
    (
        SYSTEM_TRACES,
        "sessions",
        &[
            ("session_id", "uuid", 'p'),
            ("client", "inet", 'r'),
            ("command", "text", 'r'),
            ("coordinator", "inet", 'r'),
            ("duration", "int", 'r'),
            ("parameters", "map<text, text>", 'r'),
            ("request", "text", 'r'),
            ("request_size", "int", 'r'),
            ("response_size", "int", 'r'),
            ("started_at", "timestamp", 'r'),
            ("username", "text", 'r'),
        ],
    ),
    (
        SYSTEM_TRACES,
        "events",
        &[
            ("session_id", "uuid", 'p'),
            ("event_id", "timeuuid", 'c'),
            ("activity", "text", 'r'),
            ("scylla_parent_id", "bigint", 'r'),
            ("scylla_span_id", "bigint", 'r'),
            ("source", "inet", 'r'),
            ("source_elapsed", "int", 'r'),
            ("thread", "text", 'r'),
        ],
    ),
];

/// A stable id for a system table (a name-based UUID).
fn table_id(keyspace: &str, table: &str) -> Uuid {
    let digest = crate::exec::md5::md5(format!("{keyspace}.{table}").as_bytes());
    let mut b = digest;
    b[6] = (b[6] & 0x0f) | 0x30;
    b[8] = (b[8] & 0x3f) | 0x80;
    Uuid::from_bytes(b)
}

fn system_keyspace(name: &str, replication: &[(&str, &str)]) -> KeyspaceDef {
    KeyspaceDef {
        name: name.to_string(),
        replication: replication
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        durable_writes: true,
    }
}

/// Creates the system keyspaces and tables in `store` (nothing happens for those that
/// exist already).
pub fn create_system_schema(store: &Store) -> Result<(), StoreError> {
    let local = [("class", "LocalStrategy")];
    store.create_system_keyspace(system_keyspace(SYSTEM, &local))?;
    store.create_system_keyspace(system_keyspace(SYSTEM_SCHEMA, &local))?;
    store.create_system_keyspace(system_keyspace(
        "system_auth",
        &[("class", "SimpleStrategy"), ("replication_factor", "1")],
    ))?;
    store.create_system_keyspace(system_keyspace(
        "system_distributed",
        &[("class", "SimpleStrategy"), ("replication_factor", "3")],
    ))?;
    store.create_system_keyspace(system_keyspace(
        SYSTEM_TRACES,
        &[("class", "SimpleStrategy"), ("replication_factor", "2")],
    ))?;
    for (ks, name, cols) in TABLES {
        let mut columns = Vec::with_capacity(cols.len());
        for (cname, ty, kind) in cols.iter() {
            let typ = parse_cql_type_without_udts(ty)
                .map_err(|e| StoreError::invalid(format!("bad system column type {ty}: {e}")))?;
            let kind = match kind {
                'p' => ColumnKind::PartitionKey,
                'c' => ColumnKind::Clustering,
                's' => ColumnKind::Static,
                _ => ColumnKind::Regular,
            };
            columns.push(NewColumn::new(*cname, typ, kind));
        }
        let mut options = BTreeMap::new();
        let comment = match (*ks, *name) {
            (SYSTEM, "local") => "information about the local node",
            (SYSTEM, "peers") => "information about known peers in the cluster",
            (SYSTEM, "peers_v2") => "information about known peers in the cluster",
            (SYSTEM_TRACES, "sessions") => "tracing sessions",
            (SYSTEM_TRACES, "events") => "tracing events",
            _ => "",
        };
        options.insert(
            "comment".to_string(),
            OptionValue::Text(comment.to_string()),
        );
        if *ks == SYSTEM_TRACES {
            options.insert(
                "default_time_to_live".to_string(),
                OptionValue::Text("86400".to_string()),
            );
        }
        store.create_system_table(TableDef {
            keyspace: ks.to_string(),
            name: name.to_string(),
            columns,
            options,
            id: Some(table_id(ks, name)),
        })?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Value encoders
// ---------------------------------------------------------------------------------------

pub(crate) fn text(s: &str) -> Bytes {
    Bytes::copy_from_slice(s.as_bytes())
}

pub(crate) fn inet(ip: IpAddr) -> Bytes {
    match ip {
        IpAddr::V4(v4) => Bytes::copy_from_slice(&v4.octets()),
        IpAddr::V6(v6) => Bytes::copy_from_slice(&v6.octets()),
    }
}

pub(crate) fn int(v: i32) -> Bytes {
    Bytes::copy_from_slice(&v.to_be_bytes())
}

fn double_of(text: &str) -> Option<Bytes> {
    text.trim()
        .parse::<f64>()
        .ok()
        .map(|f| Bytes::copy_from_slice(&f.to_be_bytes()))
}

fn int_of(text: &str) -> Option<Bytes> {
    text.trim().parse::<i32>().ok().map(int)
}

pub(crate) fn uuid(u: Uuid) -> Bytes {
    Bytes::copy_from_slice(u.as_bytes())
}

fn boolean(b: bool) -> Bytes {
    Bytes::copy_from_slice(&[u8::from(b)])
}

/// Appends `b` as `[bytes]`: its `[int]` length, then the bytes.
pub(crate) fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as i32).to_be_bytes());
    out.extend_from_slice(b);
}

/// A serialized list or set of byte strings.
pub(crate) fn collection<I, B>(items: I) -> Bytes
where
    I: IntoIterator<Item = B>,
    B: AsRef<[u8]>,
{
    let mut body = Vec::new();
    let mut n: i32 = 0;
    for item in items {
        put_bytes(&mut body, item.as_ref());
        n += 1;
    }
    counted(n, &body)
}

/// A serialized map of byte strings (keys in the given order).
pub(crate) fn map<I, K, V>(entries: I) -> Bytes
where
    I: IntoIterator<Item = (K, V)>,
    K: AsRef<[u8]>,
    V: AsRef<[u8]>,
{
    let mut body = Vec::new();
    let mut n: i32 = 0;
    for (k, v) in entries {
        put_bytes(&mut body, k.as_ref());
        put_bytes(&mut body, v.as_ref());
        n += 1;
    }
    counted(n, &body)
}

/// The `[int]` count `n` of a collection's elements, then their serialized `body`.
fn counted(n: i32, body: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(4 + body.len());
    out.extend_from_slice(&n.to_be_bytes());
    out.extend_from_slice(body);
    Bytes::from(out)
}

/// A serialized map of texts.
fn text_map(m: &BTreeMap<String, String>) -> Bytes {
    map(m.iter().map(|(k, v)| (k.as_bytes(), v.as_bytes())))
}

/// Writes one row of named values into `table` (the partition and clustering key
/// columns must all be among them).
pub(crate) fn put_row(
    table: &Table,
    values: &[(&str, Option<Bytes>)],
    ttl: Option<i32>,
    now: Now,
) -> Result<(), StoreError> {
    let schema = table.schema();
    let get = |name: &str| -> Option<Bytes> {
        values
            .iter()
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.clone())
    };
    let key_values = |columns: &[ColumnDef]| -> Result<Vec<Bytes>, StoreError> {
        columns
            .iter()
            .map(|c| {
                get(&c.name).ok_or_else(|| {
                    StoreError::invalid(format!(
                        "missing key column {} for {}",
                        c.name,
                        schema.name()
                    ))
                })
            })
            .collect()
    };
    let pk = key_values(schema.partition_key())?;
    let ck = key_values(schema.clustering_key())?;
    let key = schema.compose_partition_key(&pk)?;
    let token = crate::ring::token_of(&key).value();
    let mut ops = Vec::new();
    let mut static_ops = Vec::new();
    for (name, value) in values {
        let Some(col) = schema.column(name) else {
            continue;
        };
        let Some(value) = value else { continue };
        let op = CellOp::Set {
            column: col.id,
            value: Some(value.clone()),
        };
        match col.kind {
            ColumnKind::Static => static_ops.push(op),
            ColumnKind::Regular => ops.push(op),
            _ => {}
        }
    }
    let mut writes = vec![Write::Row(RowWrite {
        target: RowTarget::Clustering(ck),
        timestamp: now.micros,
        ttl,
        insert: true,
        ops,
    })];
    if !static_ops.is_empty() {
        writes.push(Write::Row(RowWrite {
            target: RowTarget::Static,
            timestamp: now.micros,
            ttl,
            insert: false,
            ops: static_ops,
        }));
    }
    table.apply(&PartitionKey::new(token, key), &writes, now)
}

// ---------------------------------------------------------------------------------------
// Materialization
// ---------------------------------------------------------------------------------------

fn tokens_of(node: &crate::ring::Node) -> Bytes {
    let mut tokens: Vec<String> = node.tokens().iter().map(|t| t.to_string()).collect();
    // A set<text> is ordered by its elements' bytes.
    tokens.sort();
    collection(tokens)
}

/// Fills a detached copy of the virtual table `table` with its rows as seen from
/// `coordinator`. When `keys` is given, only those partitions are computed (their
/// key bytes; a virtual table's partition key is a single column).
pub fn materialize(
    kind: VirtualKind,
    cluster: &ClusterState,
    coordinator: NodeId,
    table: &Table,
    keys: Option<&[PartitionKey]>,
) -> Result<Table, StoreError> {
    let out = table.detached_copy();
    let now = Now::system();
    let wanted = |k: &[u8]| keys.is_none_or(|ks| ks.iter().any(|x| x.key == k));
    let schema = cluster.store.schema();
    let version = uuid(schema.version());
    let topology = cluster.topology();
    let cfg = &cluster.config;
    match kind {
        VirtualKind::Local => {
            if !wanted(b"local") {
                return Ok(out);
            }
            if let Some(n) = topology.node(coordinator) {
                let ip = inet(n.address());
                put_row(
                    &out,
                    &[
                        ("key", Some(text("local"))),
                        ("bootstrapped", Some(text("COMPLETED"))),
                        ("broadcast_address", Some(ip.clone())),
                        ("cluster_name", Some(text(&cfg.cluster_name))),
                        ("cql_version", Some(text(&cfg.cql_version))),
                        ("data_center", Some(text(n.datacenter()))),
                        ("gossip_generation", Some(int(1_700_000_000))),
                        ("host_id", Some(uuid(n.host_id()))),
                        ("listen_address", Some(ip.clone())),
                        ("native_protocol_version", Some(text("4"))),
                        ("partitioner", Some(text(MURMUR3_PARTITIONER_NAME))),
                        ("rack", Some(text(n.rack()))),
                        ("release_version", Some(text(&cfg.release_version))),
                        ("rpc_address", Some(ip)),
                        ("schema_version", Some(version)),
                        ("supported_features", Some(text(SUPPORTED_FEATURES))),
                        ("thrift_version", Some(text("20.1.0"))),
                        ("tokens", Some(tokens_of(n))),
                    ],
                    Some(0),
                    now,
                )?;
            }
        }
        VirtualKind::Peers | VirtualKind::PeersV2 => {
            for n in topology.nodes().filter(|n| n.id() != coordinator) {
                let ip = inet(n.address());
                if !wanted(&ip) {
                    continue;
                }
                let mut row: Vec<(&str, Option<Bytes>)> = vec![
                    ("peer", Some(ip.clone())),
                    ("data_center", Some(text(n.datacenter()))),
                    ("host_id", Some(uuid(n.host_id()))),
                    ("preferred_ip", Some(ip.clone())),
                    ("rack", Some(text(n.rack()))),
                    ("release_version", Some(text(&cfg.release_version))),
                    ("schema_version", Some(version.clone())),
                    ("supported_features", Some(text(SUPPORTED_FEATURES))),
                    ("tokens", Some(tokens_of(n))),
                ];
                if kind == VirtualKind::Peers {
                    row.push(("rpc_address", Some(ip)));
                } else {
                    row.push(("peer_port", Some(int(STORAGE_PORT))));
                    row.push(("preferred_port", Some(int(STORAGE_PORT))));
                    row.push(("native_address", Some(ip)));
                    row.push(("native_port", Some(int(i32::from(cfg.port)))));
                }
                put_row(&out, &row, Some(0), now)?;
            }
        }
        VirtualKind::Schema => fill_schema(&out, &schema, &wanted, now)?,
    }
    Ok(out)
}

fn option_map(v: Option<&OptionValue>) -> Option<Bytes> {
    match v? {
        OptionValue::Map(m) => Some(text_map(m)),
        OptionValue::Text(_) => None,
    }
}

const TABLE_COLUMNS_OPTIONS: [&str; 14] = [
    "bloom_filter_fp_chance",
    "caching",
    "comment",
    "compaction",
    "compression",
    "crc_check_chance",
    "dclocal_read_repair_chance",
    "default_time_to_live",
    "gc_grace_seconds",
    "max_index_interval",
    "memtable_flush_period_in_ms",
    "min_index_interval",
    "read_repair_chance",
    "speculative_retry",
];

fn table_row(t: &TableSchema) -> Vec<(&'static str, Option<Bytes>)> {
    let o = t.options();
    let txt = |name: &str| o.get(name).and_then(OptionValue::as_text);
    // Options without a column of their own (cdc, per_partition_rate_limit,
    // tombstone_gc, paxos_grace_seconds, ...) are shown as extensions.
    let extensions: Vec<(String, Bytes)> = o
        .iter()
        .filter(|(k, _)| !TABLE_COLUMNS_OPTIONS.contains(&k.as_str()) && k.as_str() != "extensions")
        .map(|(k, v)| {
            let value = match v {
                OptionValue::Text(s) => text(s),
                OptionValue::Map(m) => text_map(m),
            };
            (k.clone(), value)
        })
        .collect();
    let flags = t.flags();
    let mut flags: Vec<&str> = flags.to_vec();
    flags.sort();
    vec![
        ("keyspace_name", Some(text(t.keyspace()))),
        ("table_name", Some(text(t.name()))),
        (
            "bloom_filter_fp_chance",
            txt("bloom_filter_fp_chance").and_then(double_of),
        ),
        ("caching", option_map(o.get("caching"))),
        ("comment", Some(text(txt("comment").unwrap_or("")))),
        ("compaction", option_map(o.get("compaction"))),
        ("compression", option_map(o.get("compression"))),
        (
            "crc_check_chance",
            txt("crc_check_chance").and_then(double_of),
        ),
        (
            "dclocal_read_repair_chance",
            txt("dclocal_read_repair_chance").and_then(double_of),
        ),
        (
            "default_time_to_live",
            txt("default_time_to_live").and_then(int_of),
        ),
        (
            "extensions",
            Some(map(extensions.iter().map(|(k, v)| (k.as_bytes(), &v[..])))),
        ),
        ("flags", Some(collection(flags))),
        ("gc_grace_seconds", txt("gc_grace_seconds").and_then(int_of)),
        ("id", Some(uuid(t.id()))),
        (
            "max_index_interval",
            txt("max_index_interval").and_then(int_of),
        ),
        (
            "memtable_flush_period_in_ms",
            txt("memtable_flush_period_in_ms").and_then(int_of),
        ),
        (
            "min_index_interval",
            txt("min_index_interval").and_then(int_of),
        ),
        (
            "read_repair_chance",
            txt("read_repair_chance").and_then(double_of),
        ),
        ("speculative_retry", txt("speculative_retry").map(text)),
    ]
}

fn type_text(t: &ColumnType<'_>) -> String {
    t.to_string()
}

fn fill_schema(
    out: &Table,
    schema: &Schema,
    wanted: &dyn Fn(&[u8]) -> bool,
    now: Now,
) -> Result<(), StoreError> {
    let which = out.schema().name().to_string();
    let put = |values: &[(&str, Option<Bytes>)]| put_row(out, values, Some(0), now);
    for (ks_name, ks) in schema.keyspaces() {
        if !wanted(ks_name.as_bytes()) {
            continue;
        }
        match which.as_str() {
            "keyspaces" => put(&[
                ("keyspace_name", Some(text(ks_name))),
                ("durable_writes", Some(boolean(ks.durable_writes))),
                ("replication", Some(text_map(&ks.replication))),
            ])?,
            "scylla_tables" => {
                for t in ks.tables.values() {
                    let ts = t.schema();
                    put(&[
                        ("keyspace_name", Some(text(ks_name))),
                        ("table_name", Some(text(ts.name()))),
                        ("cdc", option_map(ts.options().get("cdc"))),
                    ])?;
                }
            }
            "tables" => {
                for t in ks.tables.values() {
                    put(&table_row(t.schema()))?;
                }
            }
            "columns" => {
                for t in ks.tables.values() {
                    let ts = t.schema();
                    for c in ts.columns() {
                        put(&[
                            ("keyspace_name", Some(text(ks_name))),
                            ("table_name", Some(text(ts.name()))),
                            ("column_name", Some(text(&c.name))),
                            ("clustering_order", Some(text(c.clustering_order_str()))),
                            ("column_name_bytes", Some(text(&c.name))),
                            ("kind", Some(text(c.kind.as_str()))),
                            ("position", Some(int(c.position))),
                            ("type", Some(text(&type_text(&c.typ)))),
                        ])?;
                    }
                }
            }
            "dropped_columns" => {
                for t in ks.tables.values() {
                    let ts = t.schema();
                    for (name, d) in ts.dropped_columns() {
                        put(&[
                            ("keyspace_name", Some(text(ks_name))),
                            ("table_name", Some(text(ts.name()))),
                            ("column_name", Some(text(name))),
                            (
                                "dropped_time",
                                Some(Bytes::copy_from_slice(
                                    &d.dropped_time_micros.div_euclid(1000).to_be_bytes(),
                                )),
                            ),
                            ("type", Some(text(&type_text(&d.typ)))),
                        ])?;
                    }
                }
            }
            "types" => {
                for (name, def) in &ks.user_types {
                    put(&[
                        ("keyspace_name", Some(text(ks_name))),
                        ("type_name", Some(text(name))),
                        (
                            "field_names",
                            Some(collection(
                                def.field_types.iter().map(|(n, _)| n.as_bytes()),
                            )),
                        ),
                        (
                            "field_types",
                            Some(collection(
                                def.field_types
                                    .iter()
                                    .map(|(_, t)| type_text(t).into_bytes()),
                            )),
                        ),
                    ])?;
                }
            }
            // functions, aggregates, views, indexes, triggers, computed and view virtual
            // columns: none exist.
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ReadCommand;

    #[test]
    fn system_schema_is_created_once() {
        let store = Store::new();
        create_system_schema(&store).unwrap();
        let v = store.schema().version();
        create_system_schema(&store).unwrap();
        assert_eq!(store.schema().version(), v);
        let local = store.table(SYSTEM, "local").unwrap();
        assert_eq!(local.schema().partition_key()[0].name, "key");
        let events = store.table(SYSTEM_TRACES, "events").unwrap();
        assert_eq!(events.schema().clustering_key()[0].name, "event_id");
        assert_eq!(table_id("a", "b"), table_id("a", "b"));
        assert_ne!(table_id("a", "b"), table_id("a", "c"));
    }

    #[test]
    fn schema_tables_list_themselves() {
        let store = Store::new();
        create_system_schema(&store).unwrap();
        let holder = store.table(SYSTEM_SCHEMA, "tables").unwrap();
        let t = holder.detached_copy();
        fill_schema(&t, &store.schema(), &|_| true, Now::system()).unwrap();
        let rows = t.read_rows(&ReadCommand::all(Now::system())).unwrap();
        let names: Vec<String> = rows
            .iter()
            .filter_map(|r| r.clustering.as_ref())
            .map(|ck| String::from_utf8_lossy(&ck[0]).into_owned())
            .collect();
        assert!(names.contains(&"local".to_string()));
        assert!(names.contains(&"columns".to_string()));
        assert!(names.contains(&"sessions".to_string()));
    }
}
