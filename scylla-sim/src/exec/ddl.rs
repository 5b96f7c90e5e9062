//! Schema statements: CREATE/ALTER/DROP KEYSPACE, TABLE and TYPE, TRUNCATE and USE,
//! and the resolution of written types against a keyspace's user types.

use std::collections::BTreeMap;
use std::sync::Arc;

use scylla_cql::frame::response::column_type::{CollectionType, ColumnType, UserDefinedType};
use scylla_cql::frame::response::event::{SchemaChangeEvent, SchemaChangeType};
use uuid::Uuid;

use crate::cluster::{ClusterEvent, ClusterState, NodeStatus};
use crate::cql::{
    AlterKeyspaceStatement, AlterTableAction, AlterTableStatement, AlterTypeAction,
    AlterTypeStatement, CqlTypeSyntax, CreateKeyspaceStatement, CreateTableStatement,
    CreateTypeStatement, DropKeyspaceStatement, DropTableStatement, DropTypeStatement, Property,
    PropertyValue, QualifiedName, TruncateStatement,
};
use crate::ring::ReplicationStrategy;
use crate::store::{
    AlterTable, AlterType, ClusteringOrder, ColumnKind, KeyspaceDef, NewColumn, OptionValue,
    Schema, TableDef, check_user_keyspace, missing_keyspace,
};

use super::error::{ExecError, ExecResult};

/// The error for an unqualified name without a current keyspace.
pub(crate) fn no_keyspace() -> ExecError {
    ExecError::invalid(
        "No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename",
    )
}

/// The keyspace of `name`, or the connection's.
pub(crate) fn keyspace_of<'a>(
    name: &'a QualifiedName,
    current: Option<&'a str>,
) -> ExecResult<&'a str> {
    name.keyspace.as_deref().or(current).ok_or_else(no_keyspace)
}

/// Resolves a written type. User types are looked up in `keyspace` of `schema`.
/// Inside `frozen<...>`, tuples and vectors every nested type is frozen.
pub(crate) fn resolve_type(
    schema: &Schema,
    keyspace: &str,
    syntax: &CqlTypeSyntax,
    frozen: bool,
) -> ExecResult<ColumnType<'static>> {
    Ok(match syntax {
        CqlTypeSyntax::Native(n) => ColumnType::Native(*n),
        CqlTypeSyntax::Frozen(inner) => {
            if matches!(**inner, CqlTypeSyntax::Native(_)) {
                return Err(ExecError::invalid(format!(
                    "frozen<> is only allowed on collections, tuples, and user-defined types \
                     (got {inner})"
                )));
            }
            resolve_type(schema, keyspace, inner, true)?
        }
        CqlTypeSyntax::List(e) => ColumnType::Collection {
            frozen,
            typ: CollectionType::List(Box::new(resolve_type(schema, keyspace, e, frozen)?)),
        },
        CqlTypeSyntax::Set(e) => ColumnType::Collection {
            frozen,
            typ: CollectionType::Set(Box::new(resolve_type(schema, keyspace, e, frozen)?)),
        },
        CqlTypeSyntax::Map(k, v) => ColumnType::Collection {
            frozen,
            typ: CollectionType::Map(
                Box::new(resolve_type(schema, keyspace, k, frozen)?),
                Box::new(resolve_type(schema, keyspace, v, frozen)?),
            ),
        },
        CqlTypeSyntax::Tuple(ts) => ColumnType::Tuple(
            ts.iter()
                .map(|t| resolve_type(schema, keyspace, t, true))
                .collect::<ExecResult<_>>()?,
        ),
        CqlTypeSyntax::Vector(e, n) => {
            let dimensions = u16::try_from(*n).ok().filter(|d| *d > 0).ok_or_else(|| {
                ExecError::invalid(format!(
                    "vectors may only have positive dimensions up to {}; given {n}",
                    u16::MAX
                ))
            })?;
            ColumnType::Vector {
                typ: Box::new(resolve_type(schema, keyspace, e, true)?),
                dimensions,
            }
        }
        CqlTypeSyntax::UserType(name) => {
            let ks_name = name.keyspace.as_deref().unwrap_or(keyspace);
            if ks_name != keyspace {
                return Err(ExecError::invalid(format!(
                    "Statement on keyspace {keyspace} cannot refer to a user type in keyspace \
                     {ks_name}; user types can only be used in the keyspace they are defined in"
                )));
            }
            let def: Arc<UserDefinedType<'static>> = schema
                .keyspace(ks_name)
                .and_then(|ks| ks.user_type(&name.name))
                .cloned()
                .ok_or_else(|| {
                    ExecError::invalid(format!("Unknown type {ks_name}.{}", name.name))
                })?;
            ColumnType::UserDefinedType {
                frozen,
                definition: def,
            }
        }
    })
}

fn property_to_option(p: &PropertyValue) -> OptionValue {
    match p {
        PropertyValue::Map(entries) => OptionValue::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), v.as_text().unwrap_or_default()))
                .collect(),
        ),
        other => OptionValue::Text(other.as_text().unwrap_or_default()),
    }
}

fn options_of(properties: &[Property]) -> ExecResult<BTreeMap<String, OptionValue>> {
    let mut out = BTreeMap::new();
    for p in properties {
        if out
            .insert(p.name.clone(), property_to_option(&p.value))
            .is_some()
        {
            return Err(ExecError::syntax(format!(
                "Multiple definitions for property {}",
                p.name
            )));
        }
    }
    Ok(out)
}

/// Publishes a schema change and returns it for the RESULT, when the statement
/// `changed` the schema (not for `IF [NOT] EXISTS` that found nothing to do).
fn announce_if(
    cluster: &ClusterState,
    changed: bool,
    event: SchemaChangeEvent,
) -> ExecResult<Option<SchemaChangeEvent>> {
    if !changed {
        return Ok(None);
    }
    cluster.publish(ClusterEvent::Schema(event.clone()));
    Ok(Some(event))
}

/// The kind of a non-key column.
fn non_key_kind(is_static: bool) -> ColumnKind {
    if is_static {
        ColumnKind::Static
    } else {
        ColumnKind::Regular
    }
}

fn keyspace_event(change_type: SchemaChangeType, ks: &str) -> SchemaChangeEvent {
    SchemaChangeEvent::KeyspaceChange {
        change_type,
        keyspace_name: ks.to_string(),
    }
}

fn table_event(change_type: SchemaChangeType, ks: &str, t: &str) -> SchemaChangeEvent {
    SchemaChangeEvent::TableChange {
        change_type,
        keyspace_name: ks.to_string(),
        object_name: t.to_string(),
    }
}

fn type_event(change_type: SchemaChangeType, ks: &str, t: &str) -> SchemaChangeEvent {
    SchemaChangeEvent::TypeChange {
        change_type,
        keyspace_name: ks.to_string(),
        type_name: t.to_string(),
    }
}

/// The replication map and `durable_writes` given to CREATE/ALTER KEYSPACE.
type KeyspaceOptions = (Option<BTreeMap<String, String>>, Option<bool>);

/// Parses `replication` and `durable_writes` of CREATE/ALTER KEYSPACE.
fn keyspace_properties(
    cluster: &ClusterState,
    keyspace: &str,
    properties: &[Property],
) -> ExecResult<KeyspaceOptions> {
    let mut replication = None;
    let mut durable = None;
    for p in properties {
        match p.name.as_str() {
            "replication" => {
                let Some(map) = p.value.as_map() else {
                    return Err(ExecError::syntax(
                        "Invalid value for property 'replication'. It should be a map.",
                    ));
                };
                let given: Vec<(String, String)> = map
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_text().unwrap_or_default()))
                    .collect();
                replication = Some(normalize_replication(cluster, keyspace, &given)?);
            }
            "durable_writes" => {
                let text = p.value.as_text().unwrap_or_default().to_ascii_lowercase();
                durable = Some(match text.as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        return Err(ExecError::syntax(format!(
                            "Invalid boolean value {text} for 'durable_writes' property"
                        )));
                    }
                });
            }
            other => {
                return Err(ExecError::syntax(format!("Unknown property '{other}'")));
            }
        }
    }
    Ok((replication, durable))
}

/// Validates a replication map against the cluster and expands it as servers store it.
fn normalize_replication(
    cluster: &ClusterState,
    keyspace: &str,
    given: &[(String, String)],
) -> ExecResult<BTreeMap<String, String>> {
    let topology = cluster.topology();
    let dcs = topology.datacenters();
    let strategy = ReplicationStrategy::from_replication_map_with_datacenters(
        given.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        &dcs,
    )
    .map_err(|e| ExecError::config(e.to_string()))?;
    if let ReplicationStrategy::NetworkTopology { datacenters } = &strategy {
        for dc in datacenters.keys() {
            if !dcs.contains(&dc.as_str()) {
                return Err(ExecError::config(format!(
                    "Unrecognized strategy option {{{dc}}} passed to NetworkTopologyStrategy for \
                     keyspace {keyspace}"
                )));
            }
        }
    }
    Ok(strategy.to_replication_map())
}

/// `CREATE KEYSPACE`.
pub(crate) fn create_keyspace(
    cluster: &ClusterState,
    s: &CreateKeyspaceStatement,
) -> ExecResult<Option<SchemaChangeEvent>> {
    let (replication, durable) = keyspace_properties(cluster, &s.keyspace, &s.properties)?;
    let replication = replication
        .ok_or_else(|| ExecError::config("Missing mandatory replication strategy class"))?;
    let created = cluster.store.create_keyspace(
        KeyspaceDef {
            name: s.keyspace.clone(),
            replication,
            durable_writes: durable.unwrap_or(true),
        },
        s.if_not_exists,
    )?;
    announce_if(
        cluster,
        created,
        keyspace_event(SchemaChangeType::Created, &s.keyspace),
    )
}

/// `ALTER KEYSPACE`.
pub(crate) fn alter_keyspace(
    cluster: &ClusterState,
    s: &AlterKeyspaceStatement,
) -> ExecResult<Option<SchemaChangeEvent>> {
    check_user_keyspace(&s.keyspace)?;
    cluster
        .store
        .schema()
        .keyspace(&s.keyspace)
        .ok_or_else(|| missing_keyspace(&s.keyspace))?;
    let (replication, durable) = keyspace_properties(cluster, &s.keyspace, &s.properties)?;
    cluster
        .store
        .alter_keyspace(&s.keyspace, replication, durable)?;
    announce_if(
        cluster,
        true,
        keyspace_event(SchemaChangeType::Updated, &s.keyspace),
    )
}

/// `DROP KEYSPACE`.
pub(crate) fn drop_keyspace(
    cluster: &ClusterState,
    s: &DropKeyspaceStatement,
) -> ExecResult<Option<SchemaChangeEvent>> {
    let dropped = cluster.store.drop_keyspace(&s.keyspace, s.if_exists)?;
    announce_if(
        cluster,
        dropped,
        keyspace_event(SchemaChangeType::Dropped, &s.keyspace),
    )
}

/// `CREATE TABLE`.
pub(crate) fn create_table(
    cluster: &ClusterState,
    current: Option<&str>,
    s: &CreateTableStatement,
) -> ExecResult<Option<SchemaChangeEvent>> {
    let keyspace = keyspace_of(&s.table, current)?;
    if s.compact_storage {
        return Err(ExecError::invalid(
            "COMPACT STORAGE tables are not supported by scylla-sim",
        ));
    }
    let pk = match s.primary_keys.as_slice() {
        [pk] => pk,
        [] => {
            return Err(ExecError::invalid(format!(
                "No PRIMARY KEY specifed for table '{keyspace}.{}' (exactly one required)",
                s.table.name
            )));
        }
        _ => {
            return Err(ExecError::invalid(format!(
                "Multiple PRIMARY KEYs specifed for table '{keyspace}.{}' (exactly one required)",
                s.table.name
            )));
        }
    };
    let schema = cluster.store.schema();
    schema
        .keyspace(keyspace)
        .ok_or_else(|| missing_keyspace(keyspace))?;
    for (i, c) in s.columns.iter().enumerate() {
        if s.columns[..i].iter().any(|o| o.name == c.name) {
            return Err(ExecError::invalid(format!(
                "Multiple definition of identifier {}",
                c.name
            )));
        }
    }
    let find = |name: &str| s.columns.iter().find(|c| c.name == name);
    let mut seen = Vec::new();
    for name in pk.partition_key.iter().chain(&pk.clustering_columns) {
        if seen.contains(&name) {
            return Err(ExecError::invalid(format!(
                "Duplicate definition for {name} in PRIMARY KEY"
            )));
        }
        seen.push(name);
        match find(name) {
            None => {
                return Err(ExecError::invalid(format!(
                    "Unknown definition {name} referenced in PRIMARY KEY"
                )));
            }
            Some(c) if c.is_static => {
                return Err(ExecError::invalid(format!(
                    "Static column {name} cannot be part of the PRIMARY KEY"
                )));
            }
            Some(_) => {}
        }
    }
    // CLUSTERING ORDER BY: a prefix... in fact all clustering columns, in order.
    let mut orders = Vec::new();
    for (i, o) in s.clustering_order.iter().enumerate() {
        match pk.clustering_columns.iter().position(|c| *c == o.column) {
            None => {
                return Err(ExecError::invalid(format!(
                    "Only clustering key columns can be defined in CLUSTERING ORDER directive: {} \
                     is not a clustering column",
                    o.column
                )));
            }
            Some(p) if p != i => {
                let expected = pk.clustering_columns.get(i).cloned().unwrap_or_default();
                return Err(ExecError::invalid(format!(
                    "The order of columns in the CLUSTERING ORDER directive must match that of \
                     the clustering columns ({expected} must appear before {})",
                    o.column
                )));
            }
            Some(_) => orders.push(if o.descending {
                ClusteringOrder::Desc
            } else {
                ClusteringOrder::Asc
            }),
        }
    }
    if !s.clustering_order.is_empty() && orders.len() < pk.clustering_columns.len() {
        let missing = &pk.clustering_columns[orders.len()];
        return Err(ExecError::invalid(format!(
            "Missing CLUSTERING ORDER for column {missing}"
        )));
    }
    let mut columns = Vec::with_capacity(s.columns.len());
    for name in &pk.partition_key {
        let c = find(name).ok_or_else(|| ExecError::invalid("missing key column"))?;
        columns.push(NewColumn::new(
            name.clone(),
            resolve_type(&schema, keyspace, &c.ty, false)?,
            ColumnKind::PartitionKey,
        ));
    }
    for (i, name) in pk.clustering_columns.iter().enumerate() {
        let c = find(name).ok_or_else(|| ExecError::invalid("missing key column"))?;
        let mut col = NewColumn::new(
            name.clone(),
            resolve_type(&schema, keyspace, &c.ty, false)?,
            ColumnKind::Clustering,
        );
        col.order = orders.get(i).copied().unwrap_or_default();
        columns.push(col);
    }
    for c in &s.columns {
        if seen.contains(&&c.name) {
            continue;
        }
        columns.push(NewColumn::new(
            c.name.clone(),
            resolve_type(&schema, keyspace, &c.ty, false)?,
            non_key_kind(c.is_static),
        ));
    }
    let mut options = options_of(&s.properties)?;
    // `WITH ID = <uuid>` (what DESCRIBE ... WITH INTERNALS prints) picks the table id.
    let id = match options.remove("id") {
        None => None,
        Some(OptionValue::Text(text)) => {
            let id = Uuid::parse_str(text.trim())
                .map_err(|_| ExecError::config(format!("Invalid table id '{text}': not a UUID")))?;
            let taken = schema
                .keyspaces()
                .values()
                .flat_map(|k| k.tables.values())
                .find(|t| {
                    t.schema().id() == id
                        && !(t.schema().keyspace() == keyspace && t.schema().name() == s.table.name)
                });
            if let Some(t) = taken {
                return Err(ExecError::config(format!(
                    "Table id {id} is already used by {}.{}",
                    t.schema().keyspace(),
                    t.schema().name()
                )));
            }
            Some(id)
        }
        Some(OptionValue::Map(_)) => {
            return Err(ExecError::syntax(
                "Invalid value for property 'id'. It should be a UUID",
            ));
        }
    };
    let created = cluster.store.create_table(
        TableDef {
            keyspace: keyspace.to_string(),
            name: s.table.name.clone(),
            columns,
            options,
            id,
        },
        s.if_not_exists,
    )?;
    announce_if(
        cluster,
        created,
        table_event(SchemaChangeType::Created, keyspace, &s.table.name),
    )
}

/// `ALTER TABLE`.
pub(crate) fn alter_table(
    cluster: &ClusterState,
    current: Option<&str>,
    s: &AlterTableStatement,
) -> ExecResult<Option<SchemaChangeEvent>> {
    let keyspace = keyspace_of(&s.table, current)?;
    let schema = cluster.store.schema();
    let change = match &s.action {
        AlterTableAction::AlterColumnType { .. } => {
            return Err(ExecError::invalid(
                "Altering column types is no longer supported",
            ));
        }
        AlterTableAction::Add(defs) => {
            let mut cols = Vec::with_capacity(defs.len());
            for d in defs {
                cols.push(NewColumn::new(
                    d.name.clone(),
                    resolve_type(&schema, keyspace, &d.ty, false)?,
                    non_key_kind(d.is_static),
                ));
            }
            AlterTable::AddColumns(cols)
        }
        AlterTableAction::Drop { columns, .. } => AlterTable::DropColumns(columns.clone()),
        AlterTableAction::Rename(pairs) => AlterTable::RenameColumns(pairs.clone()),
        AlterTableAction::WithProperties(props) => AlterTable::SetOptions(options_of(props)?),
    };
    cluster.store.alter_table(keyspace, &s.table.name, change)?;
    announce_if(
        cluster,
        true,
        table_event(SchemaChangeType::Updated, keyspace, &s.table.name),
    )
}

/// `DROP TABLE`.
pub(crate) fn drop_table(
    cluster: &ClusterState,
    current: Option<&str>,
    s: &DropTableStatement,
) -> ExecResult<Option<SchemaChangeEvent>> {
    let keyspace = keyspace_of(&s.table, current)?;
    let dropped = cluster
        .store
        .drop_table(keyspace, &s.table.name, s.if_exists)?;
    announce_if(
        cluster,
        dropped,
        table_event(SchemaChangeType::Dropped, keyspace, &s.table.name),
    )
}

/// `CREATE TYPE`.
pub(crate) fn create_type(
    cluster: &ClusterState,
    current: Option<&str>,
    s: &CreateTypeStatement,
) -> ExecResult<Option<SchemaChangeEvent>> {
    let keyspace = keyspace_of(&s.name, current)?;
    let schema = cluster.store.schema();
    schema
        .keyspace(keyspace)
        .ok_or_else(|| missing_keyspace(keyspace))?;
    let mut fields = Vec::with_capacity(s.fields.len());
    for f in &s.fields {
        if matches!(&f.ty, CqlTypeSyntax::UserType(n) if n.name == s.name.name) {
            return Err(ExecError::invalid(format!(
                "Cannot create type {} referencing itself",
                s.name.name
            )));
        }
        fields.push((
            f.name.clone(),
            resolve_type(&schema, keyspace, &f.ty, false)?,
        ));
    }
    let created = cluster
        .store
        .create_type(keyspace, &s.name.name, fields, s.if_not_exists)?;
    announce_if(
        cluster,
        created,
        type_event(SchemaChangeType::Created, keyspace, &s.name.name),
    )
}

/// `ALTER TYPE`.
pub(crate) fn alter_type(
    cluster: &ClusterState,
    current: Option<&str>,
    s: &AlterTypeStatement,
) -> ExecResult<Option<SchemaChangeEvent>> {
    let keyspace = keyspace_of(&s.name, current)?;
    let schema = cluster.store.schema();
    let change = match &s.action {
        AlterTypeAction::AlterFieldType { .. } => {
            return Err(ExecError::invalid(
                "Altering field types is no longer supported",
            ));
        }
        AlterTypeAction::Add(f) => AlterType::AddField {
            name: f.name.clone(),
            typ: resolve_type(&schema, keyspace, &f.ty, false)?,
        },
        AlterTypeAction::Rename(pairs) => AlterType::RenameFields(pairs.clone()),
    };
    cluster.store.alter_type(keyspace, &s.name.name, change)?;
    announce_if(
        cluster,
        true,
        type_event(SchemaChangeType::Updated, keyspace, &s.name.name),
    )
}

/// `DROP TYPE`.
pub(crate) fn drop_type(
    cluster: &ClusterState,
    current: Option<&str>,
    s: &DropTypeStatement,
) -> ExecResult<Option<SchemaChangeEvent>> {
    let keyspace = keyspace_of(&s.name, current)?;
    let dropped = cluster
        .store
        .drop_type(keyspace, &s.name.name, s.if_exists)?;
    announce_if(
        cluster,
        dropped,
        type_event(SchemaChangeType::Dropped, keyspace, &s.name.name),
    )
}

/// `TRUNCATE`: needs every node up, as on a real cluster.
pub(crate) fn truncate(
    cluster: &ClusterState,
    current: Option<&str>,
    s: &TruncateStatement,
) -> ExecResult<()> {
    let keyspace = keyspace_of(&s.table, current)?;
    check_user_keyspace(keyspace)?;
    let table = cluster.store.table(keyspace, &s.table.name)?;
    let topology = cluster.topology();
    let total = topology.node_count();
    let alive = topology
        .nodes()
        .filter(|n| {
            cluster
                .node(n.id())
                .is_some_and(|r| r.status() != NodeStatus::Down)
        })
        .count();
    if alive < total {
        return Err(crate::ring::Unavailable {
            consistency: scylla_cql::frame::types::Consistency::All,
            required: total,
            alive,
            datacenter: None,
        }
        .into());
    }
    table.truncate();
    Ok(())
}
