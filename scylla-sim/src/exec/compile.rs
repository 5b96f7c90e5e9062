//! Statements bound to a schema snapshot: the plan, the bind marker specifications,
//! the result metadata and the ids PREPARED reports, cached per prepared id and per
//! query text and rebuilt when the schema changes.

use std::sync::{Arc, PoisonError, RwLock};

use bytes::Bytes;
use scylla_cql::frame::response::column_type::{ColumnSpec, NativeType, PartitionKeyIndex};
use scylla_cql::frame::response::result::ResultMetadata;

use crate::cql::{
    BatchKind, BatchStatement, ModificationStatement, ParsedStatement, QualifiedName, Statement,
};
use crate::ring::{ReplicationStrategy, murmur3_hash};
use crate::store::{Schema, Table, TableSchema};
use crate::system::virtual_kind;

use super::bind::{BindCollector, Expr, clause_expr};
use super::ddl::keyspace_of;
use super::error::{ExecError, ExecResult};
use super::md5::Md5;
use super::modify::{ModifyPlan, plan_delete, plan_insert, plan_update};
use super::plan::Rhs;
use super::select::{SelectPlan, plan_select};

/// How a keyspace's data is placed.
#[derive(Debug, Clone)]
pub(crate) struct Routing {
    /// The keyspace's replication strategy.
    pub(crate) strategy: ReplicationStrategy,
    /// Whether the data is node-local (system keyspaces): no replica checks.
    pub(crate) local: bool,
}

/// A planned text batch (`BEGIN BATCH ... APPLY BATCH`).
#[derive(Debug, Clone)]
pub(crate) struct BatchPlan {
    pub(crate) kind: BatchKind,
    pub(crate) children: Vec<(ModifyPlan, Routing)>,
    pub(crate) timestamp: Option<Expr>,
}

/// What a statement does once bound to a schema.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    /// SELECT.
    Select(Box<SelectPlan>, Routing),
    /// INSERT, UPDATE, DELETE.
    Modify(Box<ModifyPlan>, Routing),
    /// BEGIN BATCH ... APPLY BATCH.
    Batch(BatchPlan),
    /// USE.
    Use(String),
    /// Everything else (schema statements), run from the parsed statement.
    Other,
}

/// A statement bound to one schema snapshot.
#[derive(Debug)]
pub(crate) struct Bound {
    /// The snapshot.
    pub(crate) schema: Arc<Schema>,
    /// The plan.
    pub(crate) plan: Plan,
    /// The bind markers.
    pub(crate) bind_specs: Vec<ColumnSpec<'static>>,
    /// Which markers give the partition key (empty when not all of them do).
    pub(crate) pk_indexes: Vec<PartitionKeyIndex>,
    /// The result columns (empty unless SELECT).
    pub(crate) result_metadata: Arc<ResultMetadata<'static>>,
    /// A digest of `result_metadata`.
    pub(crate) result_metadata_id: Bytes,
    /// A digest of the definitions of the tables the statement uses.
    pub(crate) fingerprint: [u8; 16],
}

/// A parsed statement with its current binding.
#[derive(Debug)]
pub(crate) struct Compiled {
    /// The keyspace of the connection when it was compiled.
    pub(crate) keyspace: Option<String>,
    /// The CQL text.
    pub(crate) text: String,
    /// The parsed statement.
    pub(crate) parsed: ParsedStatement,
    /// The prepared id.
    pub(crate) id: Bytes,
    /// Identifies the statement in paging states.
    pub(crate) statement_hash: u64,
    /// The fingerprint the id was computed with.
    pub(crate) fingerprint: [u8; 16],
    bound: RwLock<Arc<Bound>>,
}

/// The binding of a statement is out of date and cannot be renewed with the same id
/// (the tables it uses changed).
#[derive(Debug)]
pub(crate) struct Stale(pub(crate) Option<ExecError>);

impl Compiled {
    /// Parses nothing: binds an already parsed statement.
    pub(crate) fn new(
        keyspace: Option<&str>,
        text: &str,
        parsed: ParsedStatement,
        schema: &Arc<Schema>,
    ) -> ExecResult<Self> {
        let bound = bind(&parsed, keyspace, schema)?;
        let mut h = Md5::new();
        h.update(keyspace.unwrap_or("").as_bytes());
        h.update(&[0]);
        h.update(text.as_bytes());
        h.update(&[0]);
        h.update(&bound.fingerprint);
        let id = Bytes::copy_from_slice(&h.finish());
        let mut hashed = Vec::with_capacity(text.len() + 64);
        hashed.extend_from_slice(keyspace.unwrap_or("").as_bytes());
        hashed.push(0);
        hashed.extend_from_slice(text.as_bytes());
        Ok(Compiled {
            keyspace: keyspace.map(str::to_string),
            text: text.to_string(),
            parsed,
            id,
            statement_hash: murmur3_hash(&hashed) as u64,
            fingerprint: bound.fingerprint,
            bound: RwLock::new(Arc::new(bound)),
        })
    }

    /// The binding for `schema`: the cached one if it was made for this snapshot,
    /// else a new one (kept if the tables did not change).
    pub(crate) fn current(&self, schema: &Arc<Schema>) -> Result<Arc<Bound>, Stale> {
        let b = self
            .bound
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        if Arc::ptr_eq(&b.schema, schema) {
            return Ok(b);
        }
        let fresh =
            bind(&self.parsed, self.keyspace.as_deref(), schema).map_err(|e| Stale(Some(e)))?;
        if fresh.fingerprint != self.fingerprint {
            return Err(Stale(None));
        }
        let fresh = Arc::new(fresh);
        *self.bound.write().unwrap_or_else(PoisonError::into_inner) = fresh.clone();
        Ok(fresh)
    }
}

fn routing(schema: &Schema, keyspace: &str) -> ExecResult<Routing> {
    let ks = schema
        .keyspace(keyspace)
        .ok_or_else(|| ExecError::invalid(format!("Keyspace {keyspace} does not exist")))?;
    let strategy = ReplicationStrategy::from_replication_map(ks.replication.iter())
        .map_err(|e| ExecError::config(e.to_string()))?;
    let local = matches!(strategy, ReplicationStrategy::Local);
    Ok(Routing { strategy, local })
}

fn table_of(
    schema: &Schema,
    name: &QualifiedName,
    current: Option<&str>,
) -> ExecResult<Arc<Table>> {
    let ks = keyspace_of(name, current)?;
    Ok(schema.require_table(ks, &name.name)?.clone())
}

fn fingerprint_table(h: &mut Md5, t: &TableSchema) {
    h.update(t.keyspace().as_bytes());
    h.update(&[0]);
    h.update(t.name().as_bytes());
    h.update(t.id().as_bytes());
    for c in t.columns() {
        h.update(
            format!(
                "{}|{:?}|{}|{:?}|{:?};",
                c.name, c.kind, c.position, c.order, c.typ
            )
            .as_bytes(),
        );
    }
}

fn metadata_id(md: &ResultMetadata<'_>) -> Bytes {
    let mut h = Md5::new();
    for c in md.col_specs() {
        h.update(c.name().as_bytes());
        h.update(format!("{:?};", c.typ()).as_bytes());
    }
    Bytes::copy_from_slice(&h.finish())
}

fn pk_indexes(pk: &[Option<Rhs>]) -> Vec<PartitionKeyIndex> {
    let mut out = Vec::with_capacity(pk.len());
    for (i, kv) in pk.iter().enumerate() {
        match kv {
            Some(Rhs::One(Expr::Bind { index, .. })) => {
                let (Ok(index), Ok(sequence)) = (u16::try_from(*index), u16::try_from(i)) else {
                    return Vec::new();
                };
                out.push(PartitionKeyIndex { index, sequence });
            }
            _ => return Vec::new(),
        }
    }
    out
}

fn plan_modification(
    m: &ModificationStatement,
    schema: &Schema,
    current: Option<&str>,
    binds: &mut BindCollector,
    h: &mut Md5,
) -> ExecResult<(ModifyPlan, Routing)> {
    let name = match m {
        ModificationStatement::Insert(s) => &s.table,
        ModificationStatement::Update(s) => &s.table,
        ModificationStatement::Delete(s) => &s.table,
        ModificationStatement::Unsupported(u) => {
            return Err(ExecError::invalid(format!(
                "{} is not supported by scylla-sim",
                u.kind
            )));
        }
    };
    let table = table_of(schema, name, current)?;
    binds.set_table(table.schema().keyspace(), table.schema().name());
    fingerprint_table(h, table.schema());
    let routing = routing(schema, table.schema().keyspace())?;
    let plan = match m {
        ModificationStatement::Insert(s) => plan_insert(s, table, binds)?,
        ModificationStatement::Update(s) => plan_update(s, table, binds)?,
        ModificationStatement::Delete(s) => plan_delete(s, table, binds)?,
        ModificationStatement::Unsupported(u) => {
            return Err(ExecError::invalid(format!(
                "{} is not supported by scylla-sim",
                u.kind
            )));
        }
    };
    Ok((plan, routing))
}

fn plan_batch(
    b: &BatchStatement,
    schema: &Schema,
    current: Option<&str>,
    binds: &mut BindCollector,
    h: &mut Md5,
) -> ExecResult<BatchPlan> {
    if b.using.ttl.is_some() {
        return Err(ExecError::invalid(
            "Global TTL on the BATCH statement is not supported.",
        ));
    }
    let timestamp = clause_expr(
        b.using.timestamp.as_ref(),
        "[timestamp]",
        NativeType::BigInt,
        binds,
    )?;
    let mut children = Vec::with_capacity(b.statements.len());
    for c in &b.statements {
        let (plan, routing) = plan_modification(&c.statement, schema, current, binds, h)?;
        children.push((plan, routing));
    }
    // Cassandra's checks of `BEGIN BATCH USING TIMESTAMP`, in its order.
    if timestamp.is_some() {
        if children.iter().any(|(p, _)| p.is_lwt()) {
            return Err(ExecError::invalid(
                "Cannot provide custom timestamp for conditional BATCH",
            ));
        }
        if b.kind == BatchKind::Counter {
            return Err(ExecError::invalid(
                "Cannot provide custom timestamp for counter BATCH",
            ));
        }
        for (plan, _) in &children {
            if plan.is_counter() {
                return Err(ExecError::invalid(
                    "Cannot provide custom timestamp for a BATCH containing counters",
                ));
            }
            if plan.timestamp.is_some() {
                return Err(ExecError::invalid(
                    "Timestamp must be set either on BATCH or individual statements",
                ));
            }
        }
    }
    Ok(BatchPlan {
        kind: b.kind,
        children,
        timestamp,
    })
}

/// Binds `parsed` to `schema`.
pub(crate) fn bind(
    parsed: &ParsedStatement,
    current: Option<&str>,
    schema: &Arc<Schema>,
) -> ExecResult<Bound> {
    let mut h = Md5::new();
    let empty = || Arc::new(ResultMetadata::new(Vec::new()));
    let (plan, binds, pk, md) = match &parsed.statement {
        Statement::Select(s) => {
            let table = table_of(schema, &s.table, current)?;
            let ts = table.schema().clone();
            fingerprint_table(&mut h, &ts);
            let mut binds =
                BindCollector::new(parsed.bind_marker_count(), ts.keyspace(), ts.name());
            let virt = virtual_kind(ts.keyspace(), ts.name());
            let plan = plan_select(s, table, virt, &mut binds)?;
            let pk = pk_indexes(&plan.where_.pk);
            let md = plan.metadata.clone();
            let routing = routing(schema, ts.keyspace())?;
            (Plan::Select(Box::new(plan), routing), binds, pk, md)
        }
        Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => {
            let m = match &parsed.statement {
                Statement::Insert(s) => ModificationStatement::Insert((**s).clone()),
                Statement::Update(s) => ModificationStatement::Update((**s).clone()),
                Statement::Delete(s) => ModificationStatement::Delete((**s).clone()),
                _ => return Err(ExecError::server("not a modification")),
            };
            let mut binds = BindCollector::new(parsed.bind_marker_count(), "", "");
            let (plan, routing) = plan_modification(&m, schema, current, &mut binds, &mut h)?;
            let pk = pk_indexes(&plan.pk);
            (Plan::Modify(Box::new(plan), routing), binds, pk, empty())
        }
        Statement::Batch(b) => {
            let mut binds = BindCollector::new(parsed.bind_marker_count(), "", "");
            let plan = plan_batch(b, schema, current, &mut binds, &mut h)?;
            (Plan::Batch(plan), binds, Vec::new(), empty())
        }
        Statement::Use(u) => (
            Plan::Use(u.keyspace.clone()),
            BindCollector::new(parsed.bind_marker_count(), "", ""),
            Vec::new(),
            empty(),
        ),
        _ => (
            Plan::Other,
            BindCollector::new(parsed.bind_marker_count(), "", ""),
            Vec::new(),
            empty(),
        ),
    };
    let bind_specs = if matches!(plan, Plan::Other | Plan::Use(_)) {
        if parsed.bind_marker_count() > 0 {
            return Err(ExecError::invalid(
                "Bind variables are not supported in this statement",
            ));
        }
        Vec::new()
    } else {
        binds.finish()?
    };
    let result_metadata_id = metadata_id(&md);
    Ok(Bound {
        schema: schema.clone(),
        plan,
        bind_specs,
        pk_indexes: pk,
        result_metadata: md,
        result_metadata_id,
        fingerprint: h.finish(),
    })
}

impl Bound {
    /// Whether the statement is a lightweight transaction.
    pub(crate) fn is_lwt(&self) -> bool {
        match &self.plan {
            Plan::Modify(m, _) => m.is_lwt(),
            Plan::Batch(b) => b.children.iter().any(|(m, _)| m.is_lwt()),
            _ => false,
        }
    }
}
