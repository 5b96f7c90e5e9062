//! Server-side `DESCRIBE`, answered as Cassandra 4.0 and later answer it (and as
//! `cqlsh` 6.x expects, which sends every DESCRIBE to the server).
//!
//! - Listings (`DESCRIBE KEYSPACES | TABLES | TYPES | FUNCTIONS | AGGREGATES`) return
//!   the columns `keyspace_name, type, name`; `TABLES` and the others list the current
//!   keyspace only when there is one, every keyspace otherwise.
//! - Elements (`DESCRIBE [ONLY] KEYSPACE`, `TABLE`, `TYPE`, `[FULL] SCHEMA`, a bare
//!   name, ...) add `create_statement`: CQL that recreates the element. A keyspace is
//!   described with its types (in dependency order) and tables.
//! - `DESCRIBE CLUSTER` returns `cluster, partitioner, snitch`, and `range_ownership`
//!   (each range's end token and its replicas) when a keyspace is in use.
//!
//! Names in `name` and in statements are quoted where CQL needs it; `keyspace_name`
//! is the plain name. Results are paged by row; the paging state is bound to the
//! statement and to the schema version, so a schema change between pages is refused,
//! as Cassandra does.

use bytes::Bytes;
use scylla_cql::frame::response::column_type::{
    CollectionType, ColumnSpec, ColumnType, NativeType, TableSpec, UserDefinedType,
};
use scylla_cql::frame::response::result::{MetadataWriteOptions, ResultMetadata, RowsWriter};
use uuid::Uuid;

use crate::cluster::ClusterState;
use crate::cql::{DescribeStatement, DescribeTarget, QualifiedName, maybe_quote};
use crate::ring::{MURMUR3_PARTITIONER_NAME, NodeId, ReplicationStrategy, Topology};
use crate::store::{
    ColumnDef, ColumnKind, KeyspaceSchema, OptionValue, SYSTEM_KEYSPACES, Schema, TableSchema,
};

use super::error::{ExecError, ExecResult};
use super::paging;

/// The error Cassandra gives when the schema changed between two pages.
pub(crate) const SCHEMA_CHANGED_WHILE_PAGING: &str =
    "The schema has changed since the previous page of the DESCRIBE statement";

/// The snitch `DESCRIBE CLUSTER` names: datacenters and racks come from each node's
/// configuration, as with Cassandra's property-file snitch.
const SNITCH: &str = "org.apache.cassandra.locator.GossipingPropertyFileSnitch";

/// Port shown with the replicas in `range_ownership` (the storage port).
const STORAGE_PORT: u16 = 7000;

/// Table options whose values are strings (quoted in CQL); the other constants are
/// numbers or booleans.
const TEXT_OPTIONS: [&str; 4] = [
    "comment",
    "speculative_retry",
    "additional_write_policy",
    "read_repair",
];

/// What a DESCRIBE statement returns, before paging.
#[derive(Debug, PartialEq)]
pub(crate) struct DescribeOutput {
    /// The result columns and their types.
    pub(crate) columns: Vec<(&'static str, ColumnType<'static>)>,
    /// The rows, one value per column.
    pub(crate) rows: Vec<Vec<Option<Bytes>>>,
}

/// One described element.
struct Element {
    keyspace: String,
    kind: &'static str,
    name: String,
    statement: String,
}

fn text_type() -> ColumnType<'static> {
    ColumnType::Native(NativeType::Text)
}

fn text(s: &str) -> Option<Bytes> {
    Some(Bytes::copy_from_slice(s.as_bytes()))
}

fn listing(elements: Vec<Element>) -> DescribeOutput {
    DescribeOutput {
        columns: vec![
            ("keyspace_name", text_type()),
            ("type", text_type()),
            ("name", text_type()),
        ],
        rows: elements
            .into_iter()
            .map(|e| vec![text(&e.keyspace), text(e.kind), text(&e.name)])
            .collect(),
    }
}

fn elements(elements: Vec<Element>) -> DescribeOutput {
    DescribeOutput {
        columns: vec![
            ("keyspace_name", text_type()),
            ("type", text_type()),
            ("name", text_type()),
            ("create_statement", text_type()),
        ],
        rows: elements
            .into_iter()
            .map(|e| {
                vec![
                    text(&e.keyspace),
                    text(e.kind),
                    text(&e.name),
                    text(&e.statement),
                ]
            })
            .collect(),
    }
}

/// Whether `keyspace` is one of the system keyspaces (left out of `DESCRIBE SCHEMA`).
fn is_system(keyspace: &str) -> bool {
    SYSTEM_KEYSPACES.contains(&keyspace)
}

/// A CQL string literal.
fn quote_string(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A CQL map literal of strings: `{'a': 'b', 'c': 'd'}` (entries in the given order).
fn map_literal<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let parts: Vec<String> = entries
        .into_iter()
        .map(|(k, v)| format!("{}: {}", quote_string(k), quote_string(v)))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// A statement that cannot be run again (a system keyspace's or table's), kept for
/// reference inside a comment.
fn for_reference(what: &str, statement: String) -> String {
    format!(
        "/*\nWarning: {what} is a system object and cannot be recreated with CQL.\n\
         Structure, for reference:\n{statement}\n*/"
    )
}

fn keyspace_statement(ks: &KeyspaceSchema) -> String {
    let class = ks
        .replication
        .get("class")
        .map(String::as_str)
        .unwrap_or("");
    let short = class
        .strip_prefix("org.apache.cassandra.locator.")
        .unwrap_or(class);
    let mut replication = vec![("class", short)];
    replication.extend(
        ks.replication
            .iter()
            .filter(|(k, _)| k.as_str() != "class")
            .map(|(k, v)| (k.as_str(), v.as_str())),
    );
    let statement = format!(
        "CREATE KEYSPACE {} WITH replication = {} AND durable_writes = {};",
        maybe_quote(&ks.name),
        map_literal(replication),
        ks.durable_writes
    );
    if is_system(&ks.name) {
        for_reference(&format!("Keyspace {}", maybe_quote(&ks.name)), statement)
    } else {
        statement
    }
}

fn type_statement(keyspace: &str, udt: &UserDefinedType<'_>) -> String {
    let fields: Vec<String> = udt
        .field_types
        .iter()
        .map(|(name, typ)| format!("    {} {}", maybe_quote(name), typ))
        .collect();
    format!(
        "CREATE TYPE {}.{} (\n{}\n);",
        maybe_quote(keyspace),
        maybe_quote(&udt.name),
        fields.join(",\n")
    )
}

fn is_multi_cell(typ: &ColumnType<'_>) -> bool {
    matches!(
        typ,
        ColumnType::Collection { frozen: false, .. }
            | ColumnType::UserDefinedType { frozen: false, .. }
    )
}

/// The value of a table option in CQL.
fn option_literal(name: &str, value: &OptionValue) -> String {
    match value {
        OptionValue::Map(m) => map_literal(m.iter().map(|(k, v)| (k.as_str(), v.as_str()))),
        OptionValue::Text(t) => {
            let bare = t == "true" || t == "false" || t.parse::<f64>().is_ok();
            if TEXT_OPTIONS.contains(&name) || !bare {
                quote_string(t)
            } else {
                t.clone()
            }
        }
    }
}

/// `CREATE TABLE` for `t`. With `internals`, the table id and the dropped columns
/// (listed in the table, then dropped by `ALTER TABLE ... DROP ... USING TIMESTAMP`
/// after the creation) are included, so that replaying the output recreates the same
/// table. (A column added again is no longer a dropped column.)
fn table_statement(t: &TableSchema, internals: bool) -> String {
    let full_name = format!("{}.{}", maybe_quote(t.keyspace()), maybe_quote(t.name()));
    let pk = t.partition_key();
    let ck = t.clustering_key();
    let dropped = t.dropped_columns();

    // Static then regular columns, each simple before multi-cell, by name; with
    // internals, the dropped columns too.
    let mut others: Vec<(String, String, ColumnKind, bool)> = t
        .columns()
        .iter()
        .filter(|c| matches!(c.kind, ColumnKind::Static | ColumnKind::Regular))
        .map(|c: &ColumnDef| {
            (
                c.name.clone(),
                c.typ.to_string(),
                c.kind,
                is_multi_cell(&c.typ),
            )
        })
        .collect();
    if internals {
        for (name, d) in dropped {
            if t.column(name).is_none() {
                others.push((
                    name.clone(),
                    d.typ.to_string(),
                    d.kind,
                    is_multi_cell(&d.typ),
                ));
            }
        }
    }
    others.sort_by(|a, b| {
        let rank = |c: &(String, String, ColumnKind, bool)| (c.2 != ColumnKind::Static, c.3);
        rank(a).cmp(&rank(b)).then_with(|| a.0.cmp(&b.0))
    });

    let inline_key = pk.len() == 1 && ck.is_empty();
    let mut lines: Vec<String> = Vec::new();
    for c in pk.iter().chain(ck) {
        let suffix = if inline_key { " PRIMARY KEY" } else { "" };
        lines.push(format!("    {} {}{suffix}", maybe_quote(&c.name), c.typ));
    }
    for (name, typ, kind, _) in &others {
        let suffix = if *kind == ColumnKind::Static {
            " static"
        } else {
            ""
        };
        lines.push(format!("    {} {typ}{suffix}", maybe_quote(name)));
    }
    if !inline_key {
        let names = |cols: &[ColumnDef]| -> Vec<String> {
            cols.iter().map(|c| maybe_quote(&c.name)).collect()
        };
        let partition = if pk.len() == 1 {
            names(pk).join(", ")
        } else {
            format!("({})", names(pk).join(", "))
        };
        let mut key = vec![partition];
        key.extend(names(ck));
        lines.push(format!("    PRIMARY KEY ({})", key.join(", ")));
    }

    let mut with: Vec<String> = Vec::new();
    if internals {
        with.push(format!("ID = {}", t.id()));
    }
    if !ck.is_empty() {
        let order: Vec<String> = ck
            .iter()
            .map(|c| {
                format!(
                    "{} {}",
                    maybe_quote(&c.name),
                    c.order.as_str().to_uppercase()
                )
            })
            .collect();
        with.push(format!("CLUSTERING ORDER BY ({})", order.join(", ")));
    }
    for (name, value) in t.options() {
        with.push(format!("{name} = {}", option_literal(name, value)));
    }
    let mut out = format!("CREATE TABLE {full_name} (\n{}\n)", lines.join(",\n"));
    if !with.is_empty() {
        out.push_str(" WITH ");
        out.push_str(&with.join("\n    AND "));
    }
    out.push(';');
    if internals {
        for (name, d) in dropped {
            if t.column(name).is_none() {
                out.push_str(&format!(
                    "\nALTER TABLE {full_name} DROP {} USING TIMESTAMP {};",
                    maybe_quote(name),
                    d.dropped_time_micros
                ));
            }
        }
    }
    if is_system(t.keyspace()) {
        for_reference(&format!("Table {full_name}"), out)
    } else {
        out
    }
}

/// The user types a type refers to (directly or inside collections and tuples).
fn referenced_types<'a>(typ: &'a ColumnType<'a>, out: &mut Vec<&'a str>) {
    match typ {
        ColumnType::UserDefinedType { definition, .. } => out.push(&definition.name),
        ColumnType::Collection { typ, .. } => match typ {
            CollectionType::List(t) | CollectionType::Set(t) => referenced_types(t, out),
            CollectionType::Map(k, v) => {
                referenced_types(k, out);
                referenced_types(v, out);
            }
            _ => {}
        },
        ColumnType::Tuple(ts) => ts.iter().for_each(|t| referenced_types(t, out)),
        ColumnType::Vector { typ, .. } => referenced_types(typ, out),
        _ => {}
    }
}

/// The keyspace's types, each after the types it uses (by name among equals).
fn types_in_dependency_order(ks: &KeyspaceSchema) -> Vec<&UserDefinedType<'static>> {
    let mut done: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    let mut pending: Vec<&UserDefinedType<'static>> =
        ks.user_types.values().map(|t| &**t).collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut i = 0;
        while i < pending.len() {
            let mut uses = Vec::new();
            for (_, t) in &pending[i].field_types {
                referenced_types(t, &mut uses);
            }
            let ready = uses.iter().all(|u| {
                *u == pending[i].name || done.contains(u) || !ks.user_types.contains_key(*u)
            });
            if ready {
                let t = pending.remove(i);
                done.push(&t.name);
                out.push(t);
                // Restart so that the output stays ordered by name among the ready ones.
                i = 0;
            } else {
                i += 1;
            }
        }
        if pending.len() == before {
            // A cycle cannot be created with CQL; list what is left by name.
            out.append(&mut pending);
        }
    }
    out
}

fn keyspace_element(ks: &KeyspaceSchema) -> Element {
    Element {
        keyspace: ks.name.clone(),
        kind: "keyspace",
        name: maybe_quote(&ks.name),
        statement: keyspace_statement(ks),
    }
}

fn table_element(t: &TableSchema, internals: bool) -> Element {
    Element {
        keyspace: t.keyspace().to_string(),
        kind: "table",
        name: maybe_quote(t.name()),
        statement: table_statement(t, internals),
    }
}

/// A keyspace with everything in it.
fn describe_keyspace(ks: &KeyspaceSchema, internals: bool, out: &mut Vec<Element>) {
    out.push(keyspace_element(ks));
    for udt in types_in_dependency_order(ks) {
        out.push(Element {
            keyspace: ks.name.clone(),
            kind: "type",
            name: maybe_quote(&udt.name),
            statement: type_statement(&ks.name, udt),
        });
    }
    for table in ks.tables.values() {
        out.push(table_element(table.schema(), internals));
    }
}

fn no_keyspace() -> ExecError {
    ExecError::invalid("No keyspace specified and no current keyspace")
}

fn keyspace_not_found(name: &str) -> ExecError {
    ExecError::invalid(format!("'{name}' not found in keyspaces"))
}

/// The keyspace a possibly qualified name lives in.
fn keyspace_of<'s>(
    schema: &'s Schema,
    name: &QualifiedName,
    current: Option<&str>,
) -> ExecResult<&'s KeyspaceSchema> {
    let ks = name
        .keyspace
        .as_deref()
        .or(current)
        .ok_or_else(no_keyspace)?;
    schema
        .keyspace(ks)
        .map(|k| &**k)
        .ok_or_else(|| keyspace_not_found(ks))
}

/// The keyspaces a listing covers: the current one, or all.
fn listed_keyspaces<'s>(
    schema: &'s Schema,
    current: Option<&str>,
) -> ExecResult<Vec<&'s KeyspaceSchema>> {
    match current {
        Some(ks) => Ok(vec![
            schema
                .keyspace(ks)
                .map(|k| &**k)
                .ok_or_else(|| keyspace_not_found(ks))?,
        ]),
        None => Ok(schema.keyspaces().values().map(|k| &**k).collect()),
    }
}

fn describe_cluster(
    cluster: &ClusterState,
    schema: &Schema,
    topology: &Topology,
    coordinator: NodeId,
    current: Option<&str>,
) -> ExecResult<DescribeOutput> {
    let partitioner = MURMUR3_PARTITIONER_NAME
        .strip_prefix("org.apache.cassandra.dht.")
        .unwrap_or(MURMUR3_PARTITIONER_NAME);
    let mut columns = vec![
        ("cluster", text_type()),
        ("partitioner", text_type()),
        ("snitch", text_type()),
    ];
    let mut row = vec![
        text(&cluster.config.cluster_name),
        text(partitioner),
        text(SNITCH),
    ];
    if let Some(ks) = current {
        let ks = schema.keyspace(ks).ok_or_else(|| keyspace_not_found(ks))?;
        let strategy = ReplicationStrategy::from_replication_map(ks.replication.iter())
            .map_err(|e| ExecError::server(e.to_string()))?;
        let address = |id: &NodeId| {
            topology
                .node(*id)
                .map(|n| format!("{}:{STORAGE_PORT}", n.address()))
        };
        let map = topology.replica_map(&strategy);
        let mut ownership: Vec<(String, Vec<String>)> = topology
            .ring()
            .entries()
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let replicas: Vec<String> = if strategy == ReplicationStrategy::Local {
                    address(&coordinator).into_iter().collect()
                } else {
                    map.replicas_of_range(i)
                        .iter()
                        .filter_map(address)
                        .collect()
                };
                (entry.token.to_string(), replicas)
            })
            .collect();
        // A map's keys are serialized in the order of their type (text: bytes).
        ownership.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let body = crate::system::map(ownership.iter().map(|(token, replicas)| {
            (
                token.as_bytes(),
                crate::system::collection(replicas.iter().map(String::as_bytes)),
            )
        }));
        columns.push((
            "range_ownership",
            ColumnType::Collection {
                frozen: false,
                typ: CollectionType::Map(
                    Box::new(text_type()),
                    Box::new(ColumnType::Collection {
                        frozen: true,
                        typ: CollectionType::List(Box::new(text_type())),
                    }),
                ),
            },
        ));
        row.push(Some(body));
    }
    Ok(DescribeOutput {
        columns,
        rows: vec![row],
    })
}

/// Computes what `stmt` describes, for a connection whose keyspace is `current`.
pub(crate) fn describe(
    cluster: &ClusterState,
    coordinator: NodeId,
    current: Option<&str>,
    stmt: &DescribeStatement,
) -> ExecResult<DescribeOutput> {
    let schema = cluster.store.schema();
    let internals = stmt.with_internals;
    match &stmt.target {
        DescribeTarget::Cluster => {
            let topology = cluster.topology();
            describe_cluster(cluster, &schema, &topology, coordinator, current)
        }
        DescribeTarget::Keyspaces => Ok(listing(
            schema
                .keyspaces()
                .values()
                .map(|ks| Element {
                    keyspace: ks.name.clone(),
                    kind: "keyspace",
                    name: maybe_quote(&ks.name),
                    statement: String::new(),
                })
                .collect(),
        )),
        DescribeTarget::Tables => {
            let mut out = Vec::new();
            for ks in listed_keyspaces(&schema, current)? {
                for t in ks.tables.values() {
                    out.push(Element {
                        keyspace: ks.name.clone(),
                        kind: "table",
                        name: maybe_quote(t.schema().name()),
                        statement: String::new(),
                    });
                }
            }
            Ok(listing(out))
        }
        DescribeTarget::Types => {
            let mut out = Vec::new();
            for ks in listed_keyspaces(&schema, current)? {
                for name in ks.user_types.keys() {
                    out.push(Element {
                        keyspace: ks.name.clone(),
                        kind: "type",
                        name: maybe_quote(name),
                        statement: String::new(),
                    });
                }
            }
            Ok(listing(out))
        }
        DescribeTarget::Functions | DescribeTarget::Aggregates => {
            // Checked like the other listings; this cluster has no user functions.
            listed_keyspaces(&schema, current)?;
            Ok(listing(Vec::new()))
        }
        DescribeTarget::Schema { full } => {
            let mut out = Vec::new();
            for ks in schema.keyspaces().values() {
                if *full || !is_system(&ks.name) {
                    describe_keyspace(ks, internals, &mut out);
                }
            }
            Ok(elements(out))
        }
        DescribeTarget::Keyspace { name, only } => {
            let name = name.as_deref().or(current).ok_or_else(no_keyspace)?;
            let ks = schema
                .keyspace(name)
                .ok_or_else(|| keyspace_not_found(name))?;
            let mut out = Vec::new();
            if *only {
                out.push(keyspace_element(ks));
            } else {
                describe_keyspace(ks, internals, &mut out);
            }
            Ok(elements(out))
        }
        DescribeTarget::Table(name) => {
            let ks = keyspace_of(&schema, name, current)?;
            let table = ks.table(&name.name).ok_or_else(|| {
                ExecError::invalid(format!(
                    "Table '{}' not found in keyspace '{}'",
                    name.name, ks.name
                ))
            })?;
            Ok(elements(vec![table_element(table.schema(), internals)]))
        }
        DescribeTarget::Type(name) => {
            let ks = keyspace_of(&schema, name, current)?;
            let udt = ks.user_type(&name.name).ok_or_else(|| {
                ExecError::invalid(format!(
                    "User defined type '{}' not found in '{}'",
                    name.name, ks.name
                ))
            })?;
            Ok(elements(vec![Element {
                keyspace: ks.name.clone(),
                kind: "type",
                name: maybe_quote(&udt.name),
                statement: type_statement(&ks.name, udt),
            }]))
        }
        DescribeTarget::Index(name) => {
            let ks = keyspace_of(&schema, name, current)?;
            Err(ExecError::invalid(format!(
                "Index '{}' not found in '{}'",
                name.name, ks.name
            )))
        }
        DescribeTarget::MaterializedView(name) => {
            let ks = keyspace_of(&schema, name, current)?;
            Err(ExecError::invalid(format!(
                "Materialized view '{}' not found in '{}'",
                name.name, ks.name
            )))
        }
        DescribeTarget::Function(name) => {
            let ks = keyspace_of(&schema, name, current)?;
            Err(ExecError::invalid(format!(
                "User defined function '{}' not found in '{}'",
                name.name, ks.name
            )))
        }
        DescribeTarget::Aggregate(name) => {
            let ks = keyspace_of(&schema, name, current)?;
            Err(ExecError::invalid(format!(
                "User defined aggregate '{}' not found in '{}'",
                name.name, ks.name
            )))
        }
        DescribeTarget::Generic(name) => {
            // A bare name is a keyspace first, then an element of the current keyspace.
            if name.keyspace.is_none()
                && let Some(ks) = schema.keyspace(&name.name)
            {
                let mut out = Vec::new();
                describe_keyspace(ks, internals, &mut out);
                return Ok(elements(out));
            }
            let ks_name = match (&name.keyspace, current) {
                (Some(ks), _) => ks.as_str(),
                (None, Some(ks)) => ks,
                (None, None) => return Err(keyspace_not_found(&name.name)),
            };
            let ks = schema
                .keyspace(ks_name)
                .ok_or_else(|| keyspace_not_found(ks_name))?;
            match ks.table(&name.name) {
                Some(t) => Ok(elements(vec![table_element(t.schema(), internals)])),
                None => Err(ExecError::invalid(format!(
                    "'{}' not found in keyspace '{}'",
                    name.name, ks.name
                ))),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------------------

const STATE_MAGIC: u8 = 0x44;

/// The paging state after `offset` rows of the output for `schema_version`.
fn encode_state(offset: u64, schema_version: Uuid, secret: u64, statement: u64) -> Vec<u8> {
    let mut out = vec![STATE_MAGIC];
    out.extend_from_slice(schema_version.as_bytes());
    out.extend_from_slice(&offset.to_be_bytes());
    paging::sign(out, secret, statement)
}

/// The row offset a paging state resumes at; an error if it is not one of ours or if
/// the schema changed since it was produced.
fn decode_state(
    state: &[u8],
    schema_version: Uuid,
    secret: u64,
    statement: u64,
) -> ExecResult<u64> {
    let bad = || ExecError::invalid("Invalid value for the paging state");
    if state.len() != 1 + 16 + 8 + 8 {
        return Err(bad());
    }
    let body = paging::verified(state, secret, statement).ok_or_else(bad)?;
    if body.first() != Some(&STATE_MAGIC) {
        return Err(bad());
    }
    let version = body
        .get(1..17)
        .and_then(|b| Uuid::from_slice(b).ok())
        .ok_or_else(bad)?;
    if version != schema_version {
        return Err(ExecError::invalid(SCHEMA_CHANGED_WHILE_PAGING));
    }
    let offset = body
        .get(17..25)
        .and_then(|b| b.try_into().ok())
        .map(u64::from_be_bytes)
        .ok_or_else(bad)?;
    Ok(offset)
}

/// Paging parameters of the request.
pub(crate) struct DescribePaging<'a> {
    /// Rows per page (none or non-positive: all).
    pub(crate) page_size: Option<i32>,
    /// The state the previous page returned.
    pub(crate) paging_state: Option<&'a [u8]>,
    /// The cluster's paging secret.
    pub(crate) secret: u64,
    /// The statement's hash (a state is only valid for the statement it came from).
    pub(crate) statement: u64,
}

/// Runs `stmt` and writes the page asked for as a Rows result body.
pub(crate) fn run_describe(
    cluster: &ClusterState,
    coordinator: NodeId,
    current: Option<&str>,
    stmt: &DescribeStatement,
    paging: &DescribePaging<'_>,
) -> ExecResult<Vec<u8>> {
    let schema_version = cluster.store.schema().version();
    let output = describe(cluster, coordinator, current, stmt)?;
    let start = match paging.paging_state {
        Some(state) if !state.is_empty() => {
            decode_state(state, schema_version, paging.secret, paging.statement)?
        }
        _ => 0,
    };
    let start = usize::try_from(start)
        .unwrap_or(usize::MAX)
        .min(output.rows.len());
    let page = match paging.page_size {
        Some(n) if n > 0 => usize::try_from(n).unwrap_or(usize::MAX),
        _ => usize::MAX,
    };
    let end = start.saturating_add(page).min(output.rows.len());
    let state = (end < output.rows.len())
        .then(|| encode_state(end as u64, schema_version, paging.secret, paging.statement));

    let table = TableSpec::owned("system".to_string(), "describe".to_string());
    let specs = output
        .columns
        .iter()
        .map(|(name, typ)| ColumnSpec::owned(name.to_string(), typ.clone(), table.clone()))
        .collect();
    let metadata = ResultMetadata::new(specs);
    let options = MetadataWriteOptions {
        paging_state: state.as_deref(),
        no_metadata: false,
        new_metadata_id: None,
    };
    let mut out = Vec::with_capacity(256);
    let mut writer = RowsWriter::new(&mut out, &metadata, &options)
        .map_err(|e| ExecError::server(e.to_string()))?;
    for row in output.rows.get(start..end).unwrap_or(&[]) {
        writer
            .append_row(row.iter().map(|c| c.as_deref()))
            .map_err(|e| ExecError::server(e.to_string()))?;
    }
    writer
        .finish()
        .map_err(|e| ExecError::server(e.to_string()))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::net::{IpAddr, Ipv4Addr, SocketAddr};
    use std::sync::Arc;

    use scylla_cql::deserialize::FrameSlice;
    use scylla_cql::deserialize::result::RawRowIterator;
    use scylla_cql::deserialize::row::DeserializeRow;
    use scylla_cql::frame::protocol_features::ProtocolFeatures;
    use scylla_cql::frame::request::query::{PagingState, PagingStateResponse};
    use scylla_cql::frame::request::{Query, QueryParameters};
    use scylla_cql::frame::response::ResponseOpcode;
    use scylla_cql::frame::response::result::{self, deserialize_with_features};
    use scylla_cql::value::{CqlValue, Row};

    use super::*;
    use crate::cluster::SimConfig;
    use crate::exec::{ConnectionState, Executor, RequestContext};
    use crate::ring::{NodeSpec, deterministic_host_id};
    use crate::store::Store;

    struct Harness {
        cluster: Arc<ClusterState>,
        exec: Executor,
        node: NodeId,
        features: ProtocolFeatures,
        conn: ConnectionState,
    }

    /// What a request returned: rows of text (None for null) and the paging state, or
    /// the error message.
    type Page = Result<(Vec<Vec<Option<String>>>, Option<Vec<u8>>), String>;

    impl Harness {
        fn new() -> Self {
            let mut topology = Topology::new(3);
            let mut node = None;
            for i in 0..3u8 {
                let spec = NodeSpec::new(
                    deterministic_host_id(3, u32::from(i)),
                    IpAddr::V4(Ipv4Addr::new(127, 0, 0, i + 1)),
                    if i < 2 { "dc1" } else { "dc2" },
                    "r1",
                )
                .with_num_tokens(4);
                let id = topology.add_node(spec).unwrap();
                node.get_or_insert(id);
            }
            let cluster = Arc::new(ClusterState::new(
                SimConfig::default(),
                Store::new(),
                topology,
            ));
            Harness {
                exec: Executor::new(cluster.clone()),
                cluster,
                node: node.unwrap(),
                features: ProtocolFeatures::default(),
                conn: ConnectionState::default(),
            }
        }

        fn query(&mut self, text: &str, page_size: Option<i32>, state: Option<&[u8]>) -> Page {
            let mut parameters = QueryParameters {
                page_size,
                ..QueryParameters::default()
            };
            if let Some(s) = state {
                parameters.paging_state = PagingState::new_from_raw_bytes(s.to_vec());
            }
            let ctx = RequestContext {
                node: self.node,
                shard: 0,
                client: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 5000),
                features: &self.features,
                tracing: false,
                custom_payload: None,
            };
            let q = Query {
                contents: Cow::Borrowed(text),
                parameters,
            };
            let out = self.exec.handle_query(&ctx, &mut self.conn, &q);
            let body = Bytes::from(out.body);
            if out.opcode == ResponseOpcode::Error {
                let mut buf: &[u8] = &body;
                let e = scylla_cql::frame::response::error::Error::deserialize(
                    &self.features,
                    &mut buf,
                )
                .unwrap();
                return Err(e.reason);
            }
            match deserialize_with_features(body, None, &self.features).unwrap() {
                result::Result::Rows((raw, paging)) => {
                    let rows = raw.deserialize_metadata().unwrap();
                    let specs = rows.metadata().col_specs().to_vec();
                    let it = RawRowIterator::new(
                        rows.rows_count(),
                        &specs,
                        FrameSlice::new(rows.raw_rows()),
                    );
                    let mut out = Vec::new();
                    for r in it {
                        let row = Row::deserialize(r.unwrap()).unwrap();
                        out.push(
                            row.columns
                                .into_iter()
                                .map(|c| match c {
                                    Some(CqlValue::Text(s)) => Some(s),
                                    Some(other) => Some(format!("{other:?}")),
                                    None => None,
                                })
                                .collect(),
                        );
                    }
                    let state = match paging {
                        PagingStateResponse::HasMorePages { state } => {
                            state.as_bytes_slice().map(|s| s.to_vec())
                        }
                        _ => None,
                    };
                    Ok((out, state))
                }
                _ => Ok((Vec::new(), None)),
            }
        }

        fn ok(&mut self, text: &str) {
            if let Err(e) = self.query(text, None, None) {
                panic!("{text}: {e}");
            }
        }

        fn rows(&mut self, text: &str) -> Vec<Vec<String>> {
            let (rows, state) = self
                .query(text, None, None)
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(state.is_none());
            rows.into_iter()
                .map(|r| r.into_iter().map(Option::unwrap_or_default).collect())
                .collect()
        }

        fn error(&mut self, text: &str) -> String {
            match self.query(text, None, None) {
                Err(e) => e,
                Ok(r) => panic!("{text} succeeded: {r:?}"),
            }
        }
    }

    fn schema() -> Harness {
        let mut h = Harness::new();
        h.ok("CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 2, 'dc2': 1}");
        h.ok("CREATE TYPE ks.inner (a int)");
        h.ok("CREATE TYPE ks.\"Outer\" (\"Name\" text, i frozen<inner>, l list<frozen<inner>>)");
        h.ok("CREATE TYPE ks.alpha (o frozen<\"Outer\">)");
        h.ok(
            "CREATE TABLE ks.t (p1 int, p2 text, c1 timestamp, c2 uuid, s int static, \
             v list<int>, w text, \"Mixed\" frozen<\"Outer\">, m map<text, int>, \
             PRIMARY KEY ((p1, p2), c1, c2)) WITH CLUSTERING ORDER BY (c1 DESC, c2 ASC) \
             AND comment = 'it''s' AND gc_grace_seconds = 10",
        );
        h.ok("CREATE TABLE ks.single (k text PRIMARY KEY, n counter)");
        h
    }

    const T_STATEMENT: &str = "CREATE TABLE ks.t (
    p1 int,
    p2 text,
    c1 timestamp,
    c2 uuid,
    s int static,
    \"Mixed\" frozen<\"Outer\">,
    w text,
    m map<text, int>,
    v list<int>,
    PRIMARY KEY ((p1, p2), c1, c2)
) WITH CLUSTERING ORDER BY (c1 DESC, c2 ASC)
    AND bloom_filter_fp_chance = 0.01
    AND caching = {'keys': 'ALL', 'rows_per_partition': 'NONE'}
    AND comment = 'it''s'
    AND compaction = {'class': 'org.apache.cassandra.db.compaction.SizeTieredCompactionStrategy', 'max_threshold': '32', 'min_threshold': '4'}
    AND compression = {'chunk_length_in_kb': '16', 'class': 'org.apache.cassandra.io.compress.LZ4Compressor'}
    AND crc_check_chance = 1.0
    AND dclocal_read_repair_chance = 0.0
    AND default_time_to_live = 0
    AND extensions = {}
    AND gc_grace_seconds = 10
    AND max_index_interval = 2048
    AND memtable_flush_period_in_ms = 0
    AND min_index_interval = 128
    AND read_repair_chance = 0.0
    AND speculative_retry = '99PERCENTILE';";

    #[test]
    fn describe_table_prints_a_create_statement() {
        let mut h = schema();
        let rows = h.rows("DESCRIBE TABLE ks.t");
        assert_eq!(
            rows,
            vec![vec![
                "ks".to_string(),
                "table".to_string(),
                "t".to_string(),
                T_STATEMENT.to_string()
            ]]
        );
        // Same through the current keyspace, COLUMNFAMILY and a bare name.
        h.ok("USE ks");
        assert_eq!(h.rows("DESC COLUMNFAMILY t"), rows);
        assert_eq!(h.rows("describe t"), rows);
        assert_eq!(h.rows("DESCRIBE ks.t"), rows);
        let single = h.rows("DESCRIBE TABLE single");
        assert!(
            single[0][3].starts_with(
                "CREATE TABLE ks.single (\n    k text PRIMARY KEY,\n    n counter\n) WITH \
                 bloom_filter_fp_chance = 0.01\n    AND caching"
            ),
            "{}",
            single[0][3]
        );
    }

    #[test]
    fn describe_keyspace_orders_types_by_dependency_and_replays() {
        let mut h = schema();
        let rows = h.rows("DESCRIBE KEYSPACE ks");
        let names: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r[1].as_str(), r[2].as_str()))
            .collect();
        assert_eq!(
            names,
            vec![
                ("keyspace", "ks"),
                ("type", "inner"),
                ("type", "\"Outer\""),
                ("type", "alpha"),
                ("table", "single"),
                ("table", "t"),
            ]
        );
        assert_eq!(
            rows[0][3],
            "CREATE KEYSPACE ks WITH replication = {'class': 'NetworkTopologyStrategy', \
             'dc1': '2', 'dc2': '1'} AND durable_writes = true;"
        );
        assert_eq!(
            rows[2][3],
            "CREATE TYPE ks.\"Outer\" (\n    \"Name\" text,\n    i frozen<inner>,\n    \
             l list<frozen<inner>>\n);"
        );
        assert!(rows.iter().all(|r| r[0] == "ks"));

        // Every statement runs, in order, in a new keyspace and describes the same.
        for r in &rows {
            let statement = r[3]
                .replace("ks.", "copy.")
                .replace("KEYSPACE ks ", "KEYSPACE copy ");
            h.ok(&statement);
        }
        let copy = h.rows("DESCRIBE KEYSPACE copy");
        assert_eq!(copy.len(), rows.len());
        for (a, b) in rows.iter().zip(&copy) {
            assert_eq!(
                a[3].replace("ks.", "copy.")
                    .replace("KEYSPACE ks ", "KEYSPACE copy "),
                b[3]
            );
        }
        assert_eq!(h.rows("DESCRIBE ONLY KEYSPACE ks"), vec![rows[0].clone()]);
        assert_eq!(h.rows("DESCRIBE ks"), rows);
        // SCHEMA: the user keyspaces (copy, ks) in name order, no system keyspace.
        let schema = h.rows("DESCRIBE SCHEMA");
        assert_eq!(schema.len(), 2 * rows.len());
        assert_eq!(&schema[rows.len()..], &rows[..]);
        let full = h.rows("DESCRIBE FULL SCHEMA");
        assert!(
            full.iter()
                .any(|r| r[0] == "system" && r[3].starts_with("/*\nWarning"))
        );
    }

    #[test]
    fn listings() {
        let mut h = schema();
        let keyspaces = h.rows("DESCRIBE KEYSPACES");
        let names: Vec<&str> = keyspaces.iter().map(|r| r[2].as_str()).collect();
        assert_eq!(
            names,
            vec![
                "ks",
                "system",
                "system_auth",
                "system_distributed",
                "system_schema",
                "system_traces"
            ]
        );
        assert!(keyspaces.iter().all(|r| r.len() == 3 && r[1] == "keyspace"));
        let tables = h.rows("DESCRIBE TABLES");
        assert!(tables.contains(&vec!["ks".into(), "table".into(), "t".into()]));
        assert!(tables.contains(&vec!["system".into(), "table".into(), "local".into()]));
        h.ok("USE ks");
        assert_eq!(
            h.rows("DESCRIBE TABLES"),
            vec![
                vec!["ks".to_string(), "table".into(), "single".into()],
                vec!["ks".to_string(), "table".into(), "t".into()],
            ]
        );
        let types: Vec<String> = h
            .rows("DESC TYPES")
            .into_iter()
            .map(|r| r[2].clone())
            .collect();
        assert_eq!(types, vec!["\"Outer\"", "alpha", "inner"]);
        assert!(h.rows("DESCRIBE FUNCTIONS").is_empty());
        assert!(h.rows("DESCRIBE AGGREGATES").is_empty());
    }

    #[test]
    fn errors_name_what_is_missing() {
        let mut h = schema();
        assert_eq!(
            h.error("DESCRIBE TABLE ks.nope"),
            "Table 'nope' not found in keyspace 'ks'"
        );
        assert_eq!(
            h.error("DESCRIBE KEYSPACE nope"),
            "'nope' not found in keyspaces"
        );
        assert_eq!(
            h.error("DESCRIBE TABLE nope.t"),
            "'nope' not found in keyspaces"
        );
        assert_eq!(
            h.error("DESCRIBE TYPE x"),
            "No keyspace specified and no current keyspace"
        );
        assert_eq!(
            h.error("DESCRIBE KEYSPACE"),
            "No keyspace specified and no current keyspace"
        );
        assert_eq!(
            h.error("DESCRIBE TYPE ks.nope"),
            "User defined type 'nope' not found in 'ks'"
        );
        assert_eq!(h.error("DESCRIBE nope"), "'nope' not found in keyspaces");
        assert_eq!(
            h.error("DESCRIBE ks.nope"),
            "'nope' not found in keyspace 'ks'"
        );
        assert_eq!(
            h.error("DESCRIBE FUNCTION ks.f"),
            "User defined function 'f' not found in 'ks'"
        );
        assert_eq!(
            h.error("DESCRIBE INDEX ks.i"),
            "Index 'i' not found in 'ks'"
        );
    }

    #[test]
    fn with_internals_shows_the_id_and_dropped_columns() {
        let mut h = schema();
        h.ok("ALTER TABLE ks.t DROP w");
        let rows = h.rows("DESCRIBE TABLE ks.t WITH INTERNALS");
        let statement = &rows[0][3];
        let id = h
            .cluster
            .store
            .schema()
            .table("ks", "t")
            .unwrap()
            .schema()
            .id();
        assert!(
            statement.contains(&format!(") WITH ID = {id}\n    AND CLUSTERING ORDER BY")),
            "{statement}"
        );
        assert!(statement.contains("\n    w text,\n"), "{statement}");
        let drop = statement.lines().last().unwrap();
        assert!(
            drop.starts_with("ALTER TABLE ks.t DROP w USING TIMESTAMP "),
            "{statement}"
        );
        // Without internals the dropped column is gone.
        let plain = &h.rows("DESCRIBE TABLE ks.t")[0][3];
        assert!(!plain.contains("    w text"), "{plain}");
        assert!(!plain.contains("ID ="));
        // Another table cannot take the same id.
        let same_id = statement.replace("ks.t ", "ks.t3 ");
        let create = same_id.split(";\n").next().unwrap();
        assert_eq!(
            h.error(create),
            format!("Table id {id} is already used by ks.t")
        );
        // Replaying the output gives a table that describes the same.
        let replay = statement
            .replace("ks.t ", "ks.t2 ")
            .replace(&id.to_string(), &Uuid::new_v4().to_string());
        for part in replay.split(";\n") {
            h.ok(part);
        }
        let again = &h.rows("DESCRIBE TABLE ks.t2")[0][3];
        assert_eq!(again, &plain.replace("ks.t ", "ks.t2 "));
        // A column added again is no longer a dropped one.
        h.ok("ALTER TABLE ks.t ADD w text");
        let statement = &h.rows("DESCRIBE TABLE ks.t WITH INTERNALS")[0][3];
        assert!(!statement.contains("ALTER TABLE"), "{statement}");
        assert!(statement.contains("\n    w text,\n"), "{statement}");
    }

    #[test]
    fn cluster_and_range_ownership() {
        let mut h = schema();
        let rows = h.rows("DESCRIBE CLUSTER");
        assert_eq!(
            rows,
            vec![vec![
                "scylla-sim".to_string(),
                "Murmur3Partitioner".into(),
                SNITCH.into()
            ]]
        );
        h.ok("USE ks");
        let out = describe(
            &h.cluster,
            h.node,
            Some("ks"),
            &DescribeStatement {
                target: DescribeTarget::Cluster,
                with_internals: false,
            },
        )
        .unwrap();
        assert_eq!(out.columns.len(), 4);
        assert_eq!(out.columns[3].0, "range_ownership");
        let (raw, state) = h.query("DESCRIBE CLUSTER", None, None).unwrap();
        assert!(state.is_none());
        // 3 nodes × 4 tokens, each range on all three nodes (dc1: 2, dc2: 1).
        let ownership = raw[0][3].clone().unwrap();
        assert_eq!(
            ownership.matches("127.0.0.1:7000").count(),
            12,
            "{ownership}"
        );
        assert_eq!(
            ownership.matches("127.0.0.3:7000").count(),
            12,
            "{ownership}"
        );
    }

    #[test]
    fn pages_resume_and_refuse_a_changed_schema() {
        let mut h = schema();
        let all = h.rows("DESCRIBE TABLES");
        let mut got = Vec::new();
        let mut state: Option<Vec<u8>> = None;
        let mut pages = 0;
        loop {
            let (rows, next) = h
                .query("DESCRIBE TABLES", Some(3), state.as_deref())
                .unwrap();
            assert!(rows.len() <= 3);
            got.extend(rows.into_iter().map(|r| {
                r.into_iter()
                    .map(Option::unwrap_or_default)
                    .collect::<Vec<_>>()
            }));
            pages += 1;
            match next {
                Some(s) => state = Some(s),
                None => break,
            }
        }
        assert_eq!(got, all);
        assert_eq!(pages, all.len().div_ceil(3));

        let (_, state) = h.query("DESCRIBE TABLES", Some(2), None).unwrap();
        let state = state.unwrap();
        // Another statement, or a flipped bit: not a state of ours.
        assert_eq!(
            h.query("DESCRIBE KEYSPACES", Some(2), Some(&state))
                .unwrap_err(),
            "Invalid value for the paging state"
        );
        let mut bad = state.clone();
        bad[5] ^= 1;
        assert_eq!(
            h.query("DESCRIBE TABLES", Some(2), Some(&bad)).unwrap_err(),
            "Invalid value for the paging state"
        );
        h.ok("CREATE TABLE ks.later (k int PRIMARY KEY)");
        assert_eq!(
            h.query("DESCRIBE TABLES", Some(2), Some(&state))
                .unwrap_err(),
            SCHEMA_CHANGED_WHILE_PAGING
        );
    }

    #[test]
    fn option_literals() {
        assert_eq!(
            option_literal("comment", &OptionValue::Text("1".into())),
            "'1'"
        );
        assert_eq!(
            option_literal("gc_grace_seconds", &OptionValue::Text("10".into())),
            "10"
        );
        assert_eq!(
            option_literal("synchronous_updates", &OptionValue::Text("true".into())),
            "true"
        );
        assert_eq!(
            option_literal("other", &OptionValue::Text("a'b".into())),
            "'a''b'"
        );
        let mut m = std::collections::BTreeMap::new();
        m.insert("enabled".to_string(), "false".to_string());
        assert_eq!(
            option_literal("cdc", &OptionValue::Map(m)),
            "{'enabled': 'false'}"
        );
    }
}
