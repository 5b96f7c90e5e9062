//! INSERT, UPDATE and DELETE: planning, the writes they produce, and lightweight
//! transactions (IF NOT EXISTS / IF EXISTS / IF conditions).

use std::sync::Arc;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::{
    CollectionType, ColumnSpec, ColumnType, NativeType, TableSpec, UserDefinedType,
};
use scylla_cql::frame::response::result::{MetadataWriteOptions, ResultMetadata, RowsWriter};

use crate::cql::{
    AssignmentOp, Condition, ConditionLhs, DeleteStatement, DeleteTarget, InsertStatement,
    Operator, RelationRhs, UpdateStatement, UsingAttributes,
};
use crate::store::{
    CellOp, ClusteringRange, ColumnDef, ColumnId, ColumnKind, PartitionKey, PartitionSnapshot,
    RowTarget, RowView, RowWrite, Table, TableSchema, Write,
};

use super::bind::{
    BindCollector, EvalCtx, Expr, Val, clause_expr, read_bigint, read_int, term_expr,
};
use super::error::{ExecError, ExecResult};
use super::plan::{
    ClusteringPlan, PrefixPart, Rhs, WhereKind, analyze_where, column_names, contained_type,
    eval_partition_keys, eval_prefixes, eval_slices, key_component, rhs_of,
};
use super::select::matches_op;

/// The kind of a modification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ModifyKind {
    /// INSERT.
    Insert,
    /// UPDATE.
    Update,
    /// DELETE.
    Delete,
}

/// One column change.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OpPlan {
    /// `c = v` (also DELETE c, with a null constant).
    Set(ColumnId, Expr),
    /// `c = c + v` / `c = c - v` on a counter.
    Counter(ColumnId, Expr, bool),
    /// `c = c + v` on a collection.
    Add(ColumnId, Expr),
    /// `l = v + l`.
    Prepend(ColumnId, Expr),
    /// `c = c - v` on a collection.
    Remove(ColumnId, Expr),
    /// `m[k] = v` (value null deletes).
    SetEntry(ColumnId, Expr, Expr),
    /// `l[i] = v` (value null deletes).
    SetIndex(ColumnId, Expr, Expr),
    /// `u.f = v`.
    SetField(ColumnId, usize, Expr),
}

impl OpPlan {
    fn column(&self) -> ColumnId {
        match self {
            OpPlan::Set(c, _)
            | OpPlan::Counter(c, ..)
            | OpPlan::Add(c, _)
            | OpPlan::Prepend(c, _)
            | OpPlan::Remove(c, _)
            | OpPlan::SetEntry(c, ..)
            | OpPlan::SetIndex(c, ..)
            | OpPlan::SetField(c, ..) => *c,
        }
    }
}

/// What a condition looks at in its column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Access {
    /// The whole value.
    Whole,
    /// `m[key]`.
    MapKey(Expr),
    /// `l[index]`.
    ListIndex(Expr),
    /// `u.field` (index).
    Field(usize),
}

/// One `IF` condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CondPlan {
    pub(crate) column: ColumnId,
    pub(crate) is_static: bool,
    pub(crate) access: Access,
    pub(crate) op: Operator,
    pub(crate) rhs: Rhs,
    pub(crate) typ: ColumnType<'static>,
    pub(crate) target_type: ColumnType<'static>,
}

/// The condition of a lightweight transaction.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CondKind {
    /// Not conditional.
    None,
    /// `IF EXISTS`.
    IfExists,
    /// `IF NOT EXISTS`.
    IfNotExists,
    /// `IF c = v AND ...`.
    Conditions(Vec<CondPlan>),
}

/// A planned INSERT, UPDATE or DELETE.
#[derive(Debug, Clone)]
pub(crate) struct ModifyPlan {
    pub(crate) table: Arc<Table>,
    pub(crate) kind: ModifyKind,
    pub(crate) pk: Vec<Option<Rhs>>,
    pub(crate) clustering: ClusteringPlan,
    pub(crate) ops: Vec<OpPlan>,
    pub(crate) static_ops: Vec<OpPlan>,
    pub(crate) timestamp: Option<Expr>,
    pub(crate) ttl: Option<Expr>,
    pub(crate) cond: CondKind,
}

impl ModifyPlan {
    /// Whether this is a lightweight transaction.
    pub(crate) fn is_lwt(&self) -> bool {
        self.cond != CondKind::None
    }

    /// Whether this writes a counter table.
    pub(crate) fn is_counter(&self) -> bool {
        self.table.schema().is_counter()
    }

    fn ck_complete(&self) -> bool {
        self.clustering.prefix_len == self.table.schema().clustering_key().len()
            && self.clustering.lower.is_none()
            && self.clustering.upper.is_none()
    }
}

fn check_user_table(schema: &TableSchema) -> ExecResult<()> {
    Ok(crate::store::check_user_keyspace(schema.keyspace())?)
}

fn column<'s>(schema: &'s TableSchema, name: &str) -> ExecResult<&'s ColumnDef> {
    schema
        .column(name)
        .ok_or_else(|| ExecError::invalid(format!("Undefined column name {name}")))
}

fn using(
    u: &UsingAttributes,
    binds: &mut BindCollector,
    allow_ttl: bool,
) -> ExecResult<(Option<Expr>, Option<Expr>)> {
    let timestamp = clause_expr(
        u.timestamp.as_ref(),
        "[timestamp]",
        NativeType::BigInt,
        binds,
    )?;
    if !allow_ttl && u.ttl.is_some() {
        return Err(ExecError::invalid(
            "TTL is not supported on DELETE statements",
        ));
    }
    let ttl = clause_expr(u.ttl.as_ref(), "[ttl]", NativeType::Int, binds)?;
    clause_expr(u.timeout.as_ref(), "[timeout]", NativeType::Duration, binds)?;
    Ok((timestamp, ttl))
}

/// Cassandra's and ScyllaDB's rules for `USING` on a counter table: no TTL (not even
/// 0) and no client-chosen timestamp in the statement (a timestamp sent with the request
/// is fine).
fn check_counter_using(schema: &TableSchema, u: &UsingAttributes) -> ExecResult<()> {
    if !schema.is_counter() {
        return Ok(());
    }
    if u.timestamp.is_some() {
        return Err(ExecError::invalid(
            "Cannot provide custom timestamp for counter updates",
        ));
    }
    if u.ttl.is_some() {
        return Err(ExecError::invalid(
            "Cannot provide custom TTL for counter updates",
        ));
    }
    Ok(())
}

/// Files `op` of column `col` with the static or the regular operations.
fn push_op(col: &ColumnDef, op: OpPlan, ops: &mut Vec<OpPlan>, static_ops: &mut Vec<OpPlan>) {
    if col.kind == ColumnKind::Static {
        static_ops.push(op);
    } else {
        ops.push(op);
    }
}

/// The index and type of field `field` of the UDT column `name` of type `definition`.
fn udt_field<'d>(
    definition: &'d UserDefinedType<'static>,
    name: &str,
    field: &str,
) -> ExecResult<(usize, &'d ColumnType<'static>)> {
    definition
        .field_types
        .iter()
        .enumerate()
        .find(|(_, (n, _))| n == field)
        .map(|(i, (_, t))| (i, t))
        .ok_or_else(|| {
            ExecError::invalid(format!(
                "UDT column {name} does not have a field named {field}"
            ))
        })
}

/// The error for clustering key columns left out, from the `prefix_len`-th on.
fn missing_clustering(schema: &TableSchema, prefix_len: usize) -> ExecError {
    ExecError::invalid(format!(
        "Some clustering keys are missing: {}",
        column_names(schema.clustering_key(), prefix_len, usize::MAX)
    ))
}

/// Completes the plan of an UPDATE or DELETE: its `IF` (`if_exists`, `conditions`),
/// the counter rules for `using`, and the rules of lightweight transactions.
fn with_conditions(
    mut plan: ModifyPlan,
    if_exists: bool,
    conds: &[Condition],
    using: &UsingAttributes,
    binds: &mut BindCollector,
) -> ExecResult<ModifyPlan> {
    let schema = plan.table.schema().clone();
    plan.cond = conditions(&schema, if_exists, false, conds, &plan.timestamp, binds)?;
    check_counter_using(&schema, using)?;
    check_lwt(&plan)?;
    Ok(plan)
}

/// Plans an INSERT.
pub(crate) fn plan_insert(
    s: &InsertStatement,
    table: Arc<Table>,
    binds: &mut BindCollector,
) -> ExecResult<ModifyPlan> {
    let schema = table.schema().clone();
    check_user_table(&schema)?;
    if schema.is_counter() {
        return Err(ExecError::invalid(
            "INSERT statements are not allowed on counter tables, use UPDATE instead",
        ));
    }
    if s.columns.len() != s.values.len() {
        return Err(ExecError::invalid("Unmatched column names/values"));
    }
    let mut pk = vec![None; schema.partition_key().len()];
    let mut ck: Vec<Option<Expr>> = vec![None; schema.clustering_key().len()];
    let mut ops = Vec::new();
    let mut static_ops = Vec::new();
    for (i, (name, value)) in s.columns.iter().zip(&s.values).enumerate() {
        if s.columns[..i].contains(name) {
            return Err(ExecError::invalid(format!(
                "Multiple definitions found for column {name}"
            )));
        }
        let col = column(&schema, name)?;
        let e = term_expr(value, &col.name, &col.typ, binds)?;
        let pos = col.position.max(0) as usize;
        match col.kind {
            ColumnKind::PartitionKey => pk[pos] = Some(Rhs::One(e)),
            ColumnKind::Clustering => ck[pos] = Some(e),
            _ => push_op(col, OpPlan::Set(col.id, e), &mut ops, &mut static_ops),
        }
    }
    let missing: Vec<&str> = schema
        .partition_key()
        .iter()
        .zip(&pk)
        .filter(|(_, v)| v.is_none())
        .map(|(c, _)| c.name.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(ExecError::invalid(format!(
            "Some partition key parts are missing: {}",
            missing.join(", ")
        )));
    }
    let missing_ck: Vec<&str> = schema
        .clustering_key()
        .iter()
        .zip(&ck)
        .filter(|(_, v)| v.is_none())
        .map(|(c, _)| c.name.as_str())
        .collect();
    let only_static = ops.is_empty() && !static_ops.is_empty();
    let clustering = if missing_ck.is_empty() {
        ClusteringPlan {
            prefix_len: ck.len(),
            prefix: ck
                .into_iter()
                .flatten()
                .map(|e| PrefixPart::Single(Rhs::One(e)))
                .collect(),
            lower: None,
            upper: None,
        }
    } else if only_static && missing_ck.len() == schema.clustering_key().len() {
        ClusteringPlan::default()
    } else {
        return Err(ExecError::invalid(format!(
            "Some clustering keys are missing: {}",
            missing_ck.join(", ")
        )));
    };
    let (timestamp, ttl) = using(&s.using, binds, true)?;
    let cond = if s.if_not_exists {
        if timestamp.is_some() {
            return Err(ExecError::invalid(
                "Cannot provide custom timestamp for conditional updates",
            ));
        }
        CondKind::IfNotExists
    } else {
        CondKind::None
    };
    Ok(ModifyPlan {
        table,
        kind: ModifyKind::Insert,
        pk,
        clustering,
        ops,
        static_ops,
        timestamp,
        ttl,
        cond,
    })
}

fn set_of(t: &ColumnType<'static>) -> ColumnType<'static> {
    ColumnType::Collection {
        frozen: false,
        typ: CollectionType::Set(Box::new(t.clone())),
    }
}

fn op_error(op: &str, col: &ColumnDef) -> ExecError {
    ExecError::invalid(format!(
        "Invalid operation ({op}) for {} column {}",
        if col.is_counter() {
            "counter".to_string()
        } else if col.is_multi_cell() {
            format!("non-frozen {}", col.typ)
        } else if matches!(
            col.typ,
            ColumnType::Collection { .. } | ColumnType::UserDefinedType { .. }
        ) {
            format!("frozen {}", col.typ)
        } else {
            format!("non-collection {}", col.typ)
        },
        col.name
    ))
}

/// Plans an UPDATE.
pub(crate) fn plan_update(
    s: &UpdateStatement,
    table: Arc<Table>,
    binds: &mut BindCollector,
) -> ExecResult<ModifyPlan> {
    let schema = table.schema().clone();
    check_user_table(&schema)?;
    let (timestamp, ttl) = using(&s.using, binds, true)?;
    let mut ops = Vec::new();
    let mut static_ops = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for a in &s.assignments {
        let col = column(&schema, &a.column)?;
        if matches!(col.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
            return Err(ExecError::invalid(format!(
                "PRIMARY KEY part {} found in SET part",
                col.name
            )));
        }
        let whole = matches!(a.op, AssignmentOp::Set(_));
        if whole && seen.contains(&col.name.as_str()) {
            // Cassandra and ScyllaDB find this while parsing: a syntax error.
            return Err(ExecError::syntax(format!(
                "Multiple incompatible setting of column {}",
                col.name
            )));
        }
        seen.push(&col.name);
        let name = col.name.as_str();
        let op = match &a.op {
            AssignmentOp::Set(t) => {
                if col.is_counter() {
                    return Err(ExecError::invalid(format!(
                        "Cannot set the value of counter column {name} (counters can only be \
                         incremented/decremented, not set)"
                    )));
                }
                OpPlan::Set(col.id, term_expr(t, name, &col.typ, binds)?)
            }
            AssignmentOp::Add(t) => {
                if col.is_counter() {
                    OpPlan::Counter(col.id, term_expr(t, name, &col.typ, binds)?, false)
                } else if col.is_multi_cell() && matches!(col.typ, ColumnType::Collection { .. }) {
                    OpPlan::Add(col.id, term_expr(t, name, &col.typ, binds)?)
                } else {
                    return Err(op_error(&format!("{name} = {name} + ..."), col));
                }
            }
            AssignmentOp::Subtract(t) => {
                if col.is_counter() {
                    OpPlan::Counter(col.id, term_expr(t, name, &col.typ, binds)?, true)
                } else {
                    match &col.typ {
                        ColumnType::Collection {
                            frozen: false,
                            typ: CollectionType::Map(k, _),
                        } => OpPlan::Remove(col.id, term_expr(t, name, &set_of(k), binds)?),
                        ColumnType::Collection { frozen: false, .. } => {
                            OpPlan::Remove(col.id, term_expr(t, name, &col.typ, binds)?)
                        }
                        _ => return Err(op_error(&format!("{name} = {name} - ..."), col)),
                    }
                }
            }
            AssignmentOp::Prepend(t) => match &col.typ {
                ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::List(_),
                } => OpPlan::Prepend(col.id, term_expr(t, name, &col.typ, binds)?),
                _ => return Err(op_error(&format!("{name} = ... + {name}"), col)),
            },
            AssignmentOp::SetElement { key, value } => match &col.typ {
                ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::Map(k, v),
                } => OpPlan::SetEntry(
                    col.id,
                    term_expr(key, &format!("key({name})"), k, binds)?,
                    term_expr(value, &format!("value({name})"), v, binds)?,
                ),
                ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::List(e),
                } => OpPlan::SetIndex(
                    col.id,
                    term_expr(
                        key,
                        &format!("idx({name})"),
                        &ColumnType::Native(NativeType::Int),
                        binds,
                    )?,
                    term_expr(value, &format!("value({name})"), e, binds)?,
                ),
                _ => return Err(op_error(&format!("{name}[...] = ..."), col)),
            },
            AssignmentOp::SetField { field, value } => match &col.typ {
                ColumnType::UserDefinedType {
                    frozen: false,
                    definition,
                } => {
                    let (i, ft) = udt_field(definition, name, field)?;
                    OpPlan::SetField(
                        col.id,
                        i,
                        term_expr(value, &format!("{name}.{field}"), ft, binds)?,
                    )
                }
                ColumnType::UserDefinedType { frozen: true, .. } => {
                    return Err(ExecError::invalid(format!(
                        "Invalid operation ({name}.{field} = ...) for frozen UDT column {name}"
                    )));
                }
                _ => {
                    return Err(ExecError::invalid(format!(
                        "Invalid operation ({name}.{field} = ...) for non-UDT column {name}"
                    )));
                }
            },
        };
        push_op(col, op, &mut ops, &mut static_ops);
    }
    let where_ = analyze_where(&schema, &s.where_clause, WhereKind::Update, binds)?;
    let n_ck = schema.clustering_key().len();
    let only_static = ops.is_empty() && !static_ops.is_empty();
    // Writing only static columns needs no clustering key; with a full one it is
    // allowed too (the row key is ignored for static columns).
    if where_.clustering.prefix_len < n_ck && !(only_static && where_.clustering.prefix_len == 0) {
        return Err(missing_clustering(&schema, where_.clustering.prefix_len));
    }
    let plan = ModifyPlan {
        table,
        kind: ModifyKind::Update,
        pk: where_.pk,
        clustering: where_.clustering,
        ops,
        static_ops,
        timestamp,
        ttl,
        cond: CondKind::None,
    };
    with_conditions(plan, s.if_exists, &s.conditions, &s.using, binds)
}

/// Plans a DELETE.
pub(crate) fn plan_delete(
    s: &DeleteStatement,
    table: Arc<Table>,
    binds: &mut BindCollector,
) -> ExecResult<ModifyPlan> {
    let schema = table.schema().clone();
    check_user_table(&schema)?;
    let (timestamp, ttl) = using(&s.using, binds, false)?;
    let mut ops = Vec::new();
    let mut static_ops = Vec::new();
    for t in &s.targets {
        let name = t.column();
        let col = column(&schema, name)?;
        let op = match t {
            DeleteTarget::Column(_) => OpPlan::Set(col.id, Expr::Const(None)),
            DeleteTarget::Element { key, .. } => match &col.typ {
                ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::Map(k, _),
                } => OpPlan::SetEntry(
                    col.id,
                    term_expr(key, &format!("key({name})"), k, binds)?,
                    Expr::Const(None),
                ),
                ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::List(_),
                } => OpPlan::SetIndex(
                    col.id,
                    term_expr(
                        key,
                        &format!("idx({name})"),
                        &ColumnType::Native(NativeType::Int),
                        binds,
                    )?,
                    Expr::Const(None),
                ),
                _ => {
                    return Err(ExecError::invalid(format!(
                        "Invalid element deletion {name}[...]: {name} is not a non-frozen \
                             list or map"
                    )));
                }
            },
            DeleteTarget::Field { field, .. } => {
                let ColumnType::UserDefinedType {
                    frozen: false,
                    definition,
                } = &col.typ
                else {
                    return Err(ExecError::invalid(format!(
                        "Invalid deletion operation for non-UDT (or frozen UDT) column {name}"
                    )));
                };
                let (i, _) = udt_field(definition, name, field)?;
                OpPlan::SetField(col.id, i, Expr::Const(None))
            }
        };
        if matches!(col.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
            return Err(ExecError::invalid(format!(
                "Invalid identifier {name} for deletion (should not be a PRIMARY KEY part)"
            )));
        }
        push_op(col, op, &mut ops, &mut static_ops);
    }
    let where_ = analyze_where(&schema, &s.where_clause, WhereKind::Delete, binds)?;
    let n_ck = schema.clustering_key().len();
    let ck_complete = where_.clustering.prefix_len == n_ck
        && where_.clustering.lower.is_none()
        && where_.clustering.upper.is_none();
    let conditional = s.if_exists || !s.conditions.is_empty();
    if conditional && !ops.is_empty() && !ck_complete {
        return Err(ExecError::invalid(
            "DELETE statements must restrict all PRIMARY KEY columns with equality relations in \
             order to delete non static columns",
        ));
    }
    if !ops.is_empty() && !ck_complete {
        return Err(if where_.clustering.is_restricted() {
            ExecError::invalid("Range deletions are not supported for specific columns")
        } else {
            missing_clustering(&schema, where_.clustering.prefix_len)
        });
    }
    if !static_ops.is_empty() && ops.is_empty() && where_.clustering.is_restricted() && !ck_complete
    {
        return Err(ExecError::invalid(
            "Range deletions are not supported for specific columns",
        ));
    }
    let plan = ModifyPlan {
        table,
        kind: ModifyKind::Delete,
        pk: where_.pk,
        clustering: where_.clustering,
        ops,
        static_ops,
        timestamp,
        ttl,
        cond: CondKind::None,
    };
    with_conditions(plan, s.if_exists, &s.conditions, &s.using, binds)
}

fn check_lwt(plan: &ModifyPlan) -> ExecResult<()> {
    if !plan.is_lwt() {
        return Ok(());
    }
    if plan.is_counter() {
        return Err(ExecError::invalid(
            "Conditional updates are not supported on counter tables",
        ));
    }
    if plan.pk.iter().any(|k| !matches!(k, Some(Rhs::One(_)))) {
        return Err(ExecError::invalid(
            "IN on the partition key is not supported with conditional updates",
        ));
    }
    if plan
        .clustering
        .prefix
        .iter()
        .any(|p| !matches!(p, PrefixPart::Single(Rhs::One(_))))
    {
        return Err(ExecError::invalid(
            "IN on the clustering key columns is not supported with conditional updates",
        ));
    }
    if !(plan.ck_complete() || (plan.ops.is_empty() && plan.clustering.prefix_len == 0)) {
        return Err(ExecError::invalid(
            "DELETE statements must restrict all PRIMARY KEY columns with equality relations in \
             order to use IF conditions",
        ));
    }
    if plan.kind == ModifyKind::Delete
        && !plan.ck_complete()
        && let CondKind::Conditions(conds) = &plan.cond
        && conds.iter().any(|c| !c.is_static)
    {
        // Without a full primary key there is no row to check a regular column in.
        return Err(ExecError::invalid(
            "DELETE statements must restrict all PRIMARY KEY columns with equality relations in \
             order to use IF condition on non static columns",
        ));
    }
    Ok(())
}

fn conditions(
    schema: &TableSchema,
    if_exists: bool,
    if_not_exists: bool,
    conds: &[Condition],
    timestamp: &Option<Expr>,
    binds: &mut BindCollector,
) -> ExecResult<CondKind> {
    let kind = if if_exists {
        CondKind::IfExists
    } else if if_not_exists {
        CondKind::IfNotExists
    } else if conds.is_empty() {
        return Ok(CondKind::None);
    } else {
        let mut out = Vec::with_capacity(conds.len());
        for c in conds {
            out.push(condition(schema, c, binds)?);
        }
        CondKind::Conditions(out)
    };
    if timestamp.is_some() {
        return Err(ExecError::invalid(
            "Cannot provide custom timestamp for conditional updates",
        ));
    }
    Ok(kind)
}

fn condition(
    schema: &TableSchema,
    c: &Condition,
    binds: &mut BindCollector,
) -> ExecResult<CondPlan> {
    let name = c.lhs.column();
    let col = column(schema, name)?;
    if matches!(col.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
        return Err(ExecError::invalid(format!(
            "PRIMARY KEY column '{name}' cannot have IF conditions"
        )));
    }
    if col.is_counter() {
        return Err(ExecError::invalid(
            "Conditions on counters are not supported",
        ));
    }
    let (access, typ, spec) = match &c.lhs {
        ConditionLhs::Column(_) => match c.op {
            Operator::Contains | Operator::ContainsKey => {
                let t = contained_type(c.op, &col.typ).ok_or_else(|| {
                    ExecError::invalid(format!(
                        "Cannot use {} on non-collection column {name}",
                        c.op
                    ))
                })?;
                (Access::Whole, t, format!("value({name})"))
            }
            _ => (Access::Whole, col.typ.clone(), name.to_string()),
        },
        ConditionLhs::Element { key, .. } => match &col.typ {
            ColumnType::Collection {
                typ: CollectionType::Map(k, v),
                ..
            } => (
                Access::MapKey(term_expr(key, &format!("key({name})"), k, binds)?),
                (**v).clone(),
                format!("value({name})"),
            ),
            ColumnType::Collection {
                typ: CollectionType::List(e),
                ..
            } => (
                Access::ListIndex(term_expr(
                    key,
                    &format!("idx({name})"),
                    &ColumnType::Native(NativeType::Int),
                    binds,
                )?),
                (**e).clone(),
                format!("value({name})"),
            ),
            _ => {
                return Err(ExecError::invalid(format!(
                    "Invalid element access {name}[...]: {name} is not a list or map"
                )));
            }
        },
        ConditionLhs::Field { field, .. } => match &col.typ {
            ColumnType::UserDefinedType { definition, .. } => {
                let (i, ft) = udt_field(definition, name, field)?;
                (Access::Field(i), ft.clone(), format!("{name}.{field}"))
            }
            _ => {
                return Err(ExecError::invalid(format!(
                    "Invalid field access {name}.{field}: {name} is not a user type"
                )));
            }
        },
    };
    let rhs = match (&c.op, &c.rhs) {
        (Operator::In, RelationRhs::InList(_) | RelationRhs::Term(_))
        | (
            Operator::Eq
            | Operator::Neq
            | Operator::Lt
            | Operator::Lte
            | Operator::Gt
            | Operator::Gte
            | Operator::Contains
            | Operator::ContainsKey,
            RelationRhs::Term(_),
        ) => rhs_of(c.op, &c.rhs, &spec, &typ, binds)?,
        (op, _) => {
            return Err(ExecError::invalid(format!(
                "Unsupported operator {op} in IF condition on {name}"
            )));
        }
    };
    Ok(CondPlan {
        column: col.id,
        is_static: col.kind == ColumnKind::Static,
        access,
        op: c.op,
        rhs,
        target_type: if matches!(c.lhs, ConditionLhs::Column(_)) {
            col.typ.clone()
        } else {
            typ.clone()
        },
        typ,
    })
}

// ---------------------------------------------------------------------------------------
// Execution
// ---------------------------------------------------------------------------------------

/// The writes of one partition.
#[derive(Debug, Clone)]
pub(crate) struct PartitionWrites {
    pub(crate) key: PartitionKey,
    pub(crate) writes: Vec<Write>,
}

/// The clustering rows (full keys) an INSERT/UPDATE/DELETE-with-columns targets, or
/// the slices of a range DELETE.
enum RowTargets {
    Rows(Vec<Vec<Bytes>>),
    Slices(Vec<ClusteringRange>),
    Partition,
}

fn row_targets(plan: &ModifyPlan, cx: &EvalCtx<'_>) -> ExecResult<RowTargets> {
    let schema = plan.table.schema();
    let n_ck = schema.clustering_key().len();
    if n_ck == 0 {
        return Ok(RowTargets::Rows(vec![Vec::new()]));
    }
    if plan.ck_complete() {
        return Ok(RowTargets::Rows(eval_prefixes(
            schema,
            &plan.clustering,
            cx,
        )?));
    }
    if !plan.clustering.is_restricted() {
        return Ok(RowTargets::Partition);
    }
    Ok(RowTargets::Slices(
        eval_slices(schema, &plan.clustering, cx)?.unwrap_or_default(),
    ))
}

/// The write timestamp of a statement: USING TIMESTAMP, else `default`.
pub(crate) fn statement_timestamp(
    plan: &ModifyPlan,
    cx: &EvalCtx<'_>,
    default: i64,
) -> ExecResult<i64> {
    eval_timestamp(plan.timestamp.as_ref(), cx, default)
}

/// A `USING TIMESTAMP` value, or `default` when absent or unset.
pub(crate) fn eval_timestamp(
    timestamp: Option<&Expr>,
    cx: &EvalCtx<'_>,
    default: i64,
) -> ExecResult<i64> {
    match timestamp {
        None => Ok(default),
        Some(e) => match e.eval(cx)? {
            Val::Unset => Ok(default),
            Val::Null => Err(ExecError::invalid("Invalid null value of timestamp")),
            Val::Value(b) => {
                let ts = read_bigint(&b, "timestamp")?;
                if ts == i64::MIN {
                    return Err(ExecError::invalid(format!(
                        "Out of bound timestamp, must be in [{}, {}]",
                        i64::MIN + 1,
                        i64::MAX
                    )));
                }
                Ok(ts)
            }
        },
    }
}

fn statement_ttl(plan: &ModifyPlan, cx: &EvalCtx<'_>) -> ExecResult<Option<i32>> {
    match &plan.ttl {
        None => Ok(None),
        Some(e) => match e.eval(cx)? {
            Val::Unset => Ok(None),
            Val::Null => Err(ExecError::invalid("Invalid null value of TTL")),
            Val::Value(b) => {
                let ttl = read_int(&b, "TTL")?;
                if ttl < 0 {
                    return Err(ExecError::invalid(format!(
                        "A TTL must be greater or equal to 0, but was {ttl}"
                    )));
                }
                Ok(Some(ttl))
            }
        },
    }
}

fn cell_ops(ops: &[OpPlan], cx: &EvalCtx<'_>) -> ExecResult<Vec<CellOp>> {
    let mut out = Vec::with_capacity(ops.len());
    for op in ops {
        let column = op.column();
        match op {
            OpPlan::Set(_, e) => match e.eval(cx)? {
                Val::Unset => {}
                v => out.push(CellOp::Set {
                    column,
                    value: v.into_bytes_or_null(),
                }),
            },
            OpPlan::Counter(_, e, negate) => match e.eval(cx)? {
                Val::Unset => {}
                Val::Null => {
                    return Err(ExecError::invalid(
                        "Invalid null value for counter increment",
                    ));
                }
                Val::Value(b) => {
                    let d = read_bigint(&b, "counter increment")?;
                    let delta = if *negate {
                        d.checked_neg().ok_or_else(|| {
                            ExecError::invalid("Counter decrement overflows a bigint")
                        })?
                    } else {
                        d
                    };
                    out.push(CellOp::Increment { column, delta });
                }
            },
            OpPlan::Add(_, e) | OpPlan::Prepend(_, e) | OpPlan::Remove(_, e) => {
                if let Val::Value(b) = e.eval(cx)? {
                    let value = Bytes::copy_from_slice(&b);
                    out.push(match op {
                        OpPlan::Add(..) => CellOp::Add { column, value },
                        OpPlan::Prepend(..) => CellOp::Prepend { column, value },
                        _ => CellOp::Remove { column, value },
                    });
                }
            }
            OpPlan::SetEntry(_, k, v) => {
                let key = match k.eval(cx)? {
                    Val::Value(b) => Bytes::copy_from_slice(&b),
                    Val::Null => return Err(ExecError::invalid("Invalid null map key")),
                    Val::Unset => return Err(ExecError::invalid("Invalid unset map key")),
                };
                match v.eval(cx)? {
                    Val::Unset => {}
                    val => out.push(CellOp::SetEntry {
                        column,
                        key,
                        value: val.into_bytes_or_null(),
                    }),
                }
            }
            OpPlan::SetIndex(_, i, v) => {
                let index = match i.eval(cx)? {
                    Val::Value(b) => read_int(&b, "list index")?,
                    Val::Null => {
                        return Err(ExecError::invalid("Invalid null value for list index"));
                    }
                    Val::Unset => {
                        return Err(ExecError::invalid("Invalid unset value for list index"));
                    }
                };
                match v.eval(cx)? {
                    Val::Unset => {}
                    val => out.push(CellOp::SetIndex {
                        column,
                        index,
                        value: val.into_bytes_or_null(),
                    }),
                }
            }
            OpPlan::SetField(_, field, v) => match v.eval(cx)? {
                Val::Unset => {}
                val => out.push(CellOp::SetField {
                    column,
                    field: *field,
                    value: val.into_bytes_or_null(),
                }),
            },
        }
    }
    Ok(out)
}

/// The partitions and writes of a statement.
pub(crate) fn mutations(
    plan: &ModifyPlan,
    cx: &EvalCtx<'_>,
    timestamp: i64,
) -> ExecResult<Vec<PartitionWrites>> {
    let schema = plan.table.schema();
    let keys = eval_partition_keys(schema, &plan.pk, cx)?;
    let ttl = statement_ttl(plan, cx)?;
    let ops = cell_ops(&plan.ops, cx)?;
    let static_ops = cell_ops(&plan.static_ops, cx)?;
    let targets = row_targets(plan, cx)?;
    let mut writes = Vec::new();
    match plan.kind {
        ModifyKind::Insert | ModifyKind::Update => {
            let insert = plan.kind == ModifyKind::Insert;
            if let RowTargets::Rows(rows) = &targets {
                for ck in rows {
                    if !insert && ops.is_empty() {
                        continue;
                    }
                    writes.push(Write::Row(RowWrite {
                        target: RowTarget::Clustering(ck.clone()),
                        timestamp,
                        ttl,
                        insert,
                        ops: ops.clone(),
                    }));
                }
            }
            if !static_ops.is_empty() {
                writes.push(Write::Row(RowWrite {
                    target: RowTarget::Static,
                    timestamp,
                    ttl,
                    insert: false,
                    ops: static_ops,
                }));
            }
        }
        ModifyKind::Delete => {
            if plan.ops.is_empty() && plan.static_ops.is_empty() {
                match &targets {
                    RowTargets::Rows(rows) => {
                        for ck in rows {
                            if schema.clustering_key().is_empty() {
                                writes.push(Write::DeletePartition { timestamp });
                            } else {
                                writes.push(Write::DeleteRow {
                                    clustering: ck.clone(),
                                    timestamp,
                                });
                            }
                        }
                    }
                    RowTargets::Slices(slices) => {
                        for range in slices {
                            writes.push(Write::DeleteRange {
                                range: range.clone(),
                                timestamp,
                            });
                        }
                    }
                    RowTargets::Partition => writes.push(Write::DeletePartition { timestamp }),
                }
            } else {
                if let RowTargets::Rows(rows) = &targets
                    && !ops.is_empty()
                {
                    for ck in rows {
                        writes.push(Write::Row(RowWrite {
                            target: RowTarget::Clustering(ck.clone()),
                            timestamp,
                            ttl: None,
                            insert: false,
                            ops: ops.clone(),
                        }));
                    }
                }
                if !static_ops.is_empty() {
                    writes.push(Write::Row(RowWrite {
                        target: RowTarget::Static,
                        timestamp,
                        ttl: None,
                        insert: false,
                        ops: static_ops,
                    }));
                }
            }
        }
    }
    let n = keys.len();
    let mut out = Vec::with_capacity(n);
    let mut writes = Some(writes);
    for (i, key) in keys.into_iter().enumerate() {
        let w = if i + 1 == n {
            writes.take().unwrap_or_default()
        } else {
            writes.clone().unwrap_or_default()
        };
        out.push(PartitionWrites { key, writes: w });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Lightweight transactions
// ---------------------------------------------------------------------------------------

/// A condition with its values computed, bound to one row of the partition.
#[derive(Debug, Clone)]
pub(crate) struct LiveCheck {
    /// The table checked.
    pub(crate) table: Arc<Table>,
    /// The clustering key of the row (`None`: the partition / static row).
    pub(crate) row: Option<Vec<Bytes>>,
    /// What is checked.
    pub(crate) kind: LiveKind,
}

/// See [`LiveCheck`].
#[derive(Debug, Clone)]
pub(crate) enum LiveKind {
    Exists,
    NotExists,
    Conditions(Vec<LiveCond>),
}

/// An evaluated condition.
#[derive(Debug, Clone)]
pub(crate) struct LiveCond {
    column: ColumnId,
    is_static: bool,
    access: LiveAccess,
    op: Operator,
    values: Vec<Option<Bytes>>,
    typ: ColumnType<'static>,
    target_type: ColumnType<'static>,
}

#[derive(Debug, Clone)]
enum LiveAccess {
    Whole,
    MapKey(Bytes),
    ListIndex(i32),
    Field(usize),
}

/// The checks of a conditional statement.
pub(crate) fn live_checks(plan: &ModifyPlan, cx: &EvalCtx<'_>) -> ExecResult<Vec<LiveCheck>> {
    let schema = plan.table.schema();
    let row = if plan.clustering.prefix_len == schema.clustering_key().len() {
        let rows = eval_prefixes(schema, &plan.clustering, cx)?;
        rows.into_iter().next()
    } else {
        None
    };
    let row = if schema.clustering_key().is_empty() {
        Some(Vec::new())
    } else {
        row
    };
    let kind = match &plan.cond {
        CondKind::None => return Ok(Vec::new()),
        CondKind::IfExists => LiveKind::Exists,
        CondKind::IfNotExists => LiveKind::NotExists,
        CondKind::Conditions(conds) => {
            let mut out = Vec::with_capacity(conds.len());
            for c in conds {
                let values = c.rhs.eval_values(
                    &c.typ,
                    cx,
                    "Invalid unset value in a condition",
                    "Invalid value in condition",
                )?;
                if matches!(
                    c.op,
                    Operator::Lt | Operator::Lte | Operator::Gt | Operator::Gte
                ) && values.iter().any(Option::is_none)
                {
                    return Err(ExecError::invalid(format!(
                        "Invalid comparison with null for operator \"{}\"",
                        c.op
                    )));
                }
                let access = match &c.access {
                    Access::Whole => LiveAccess::Whole,
                    Access::Field(i) => LiveAccess::Field(*i),
                    Access::MapKey(e) => LiveAccess::MapKey(Bytes::copy_from_slice(
                        &key_component(e.eval(cx)?, "map key")?,
                    )),
                    Access::ListIndex(e) => LiveAccess::ListIndex(read_int(
                        &key_component(e.eval(cx)?, "list index")?,
                        "list index",
                    )?),
                };
                out.push(LiveCond {
                    column: c.column,
                    is_static: c.is_static,
                    access,
                    op: c.op,
                    values,
                    typ: c.typ.clone(),
                    target_type: c.target_type.clone(),
                });
            }
            LiveKind::Conditions(out)
        }
    };
    let static_only = matches!(&kind, LiveKind::Conditions(cs) if cs.iter().all(|c| c.is_static))
        && plan.ops.is_empty();
    Ok(vec![LiveCheck {
        table: plan.table.clone(),
        row: if static_only { None } else { row },
        kind,
    }])
}

/// A row of a failed transaction's result: (column, type, value).
pub(crate) type CasRow = Vec<(String, ColumnType<'static>, Option<Bytes>)>;

/// The result of a lightweight transaction.
#[derive(Debug, Clone)]
pub(crate) struct CasOutcome {
    pub(crate) applied: bool,
    pub(crate) rows: Vec<CasRow>,
}

fn condition_holds(c: &LiveCond, row: Option<&RowView<'_>>, stat: Option<&RowView<'_>>) -> bool {
    let view = if c.is_static { stat } else { row };
    let whole = view.and_then(|v| v.value(c.column));
    let value: Option<Bytes> = match (&c.access, whole) {
        (_, None) => None,
        (LiveAccess::Whole, Some(v)) => Some(v),
        (LiveAccess::MapKey(k), Some(v)) => {
            super::select::elements_of(&v, 2).ok().and_then(|els| {
                els.chunks(2)
                    .find(|kv| kv.first().is_some_and(|x| *x == &k[..]))
                    .and_then(|kv| kv.get(1))
                    .map(|x| Bytes::copy_from_slice(x))
            })
        }
        (LiveAccess::ListIndex(i), Some(v)) => super::select::elements_of(&v, 1)
            .ok()
            .and_then(|els| usize::try_from(*i).ok().and_then(|i| els.get(i).copied()))
            .map(Bytes::copy_from_slice),
        (LiveAccess::Field(i), Some(v)) => {
            let mut buf: &[u8] = &v;
            let mut found = None;
            for j in 0..=*i {
                let Some((len, rest)) = buf.split_first_chunk::<4>() else {
                    break;
                };
                let len = i32::from_be_bytes(*len);
                buf = rest;
                let field = if len < 0 {
                    None
                } else {
                    let Some((f, rest)) = buf.split_at_checked(len as usize) else {
                        break;
                    };
                    buf = rest;
                    Some(f)
                };
                if j == *i {
                    found = field.map(Bytes::copy_from_slice);
                }
            }
            found
        }
    };
    match (c.op, &value) {
        (Operator::Eq, None) => c.values.first().is_some_and(Option::is_none),
        (Operator::Neq, None) => c.values.first().is_some_and(Option::is_some),
        (Operator::In, None) => c.values.iter().any(Option::is_none),
        (_, None) => false,
        (Operator::Eq, Some(_)) if c.values.first().is_some_and(Option::is_none) => false,
        (Operator::Neq, Some(_)) if c.values.first().is_some_and(Option::is_none) => true,
        (op, Some(v)) => matches_op(op, &c.typ, &c.target_type, v, &c.values),
    }
}

fn row_values(
    schema: &TableSchema,
    key: &PartitionKey,
    ck: Option<&[Bytes]>,
    row: Option<&RowView<'_>>,
    stat: Option<&RowView<'_>>,
    columns: &[&ColumnDef],
) -> CasRow {
    let pk_parts = schema.split_partition_key(&key.key).unwrap_or_default();
    columns
        .iter()
        .map(|c| {
            let v = match c.kind {
                ColumnKind::PartitionKey => pk_parts
                    .get(c.position.max(0) as usize)
                    .map(|p| Bytes::copy_from_slice(p)),
                ColumnKind::Clustering => {
                    ck.and_then(|k| k.get(c.position.max(0) as usize)).cloned()
                }
                ColumnKind::Static => stat.and_then(|s| s.value(c.id)),
                ColumnKind::Regular => row.and_then(|r| r.value(c.id)),
            };
            (c.name.clone(), c.typ.clone(), v)
        })
        .collect()
}

/// Evaluates `checks` on a partition snapshot: whether all hold, and the rows to
/// report when they do not.
pub(crate) fn evaluate_checks(
    snap: &PartitionSnapshot<'_>,
    checks: &[LiveCheck],
    batch: bool,
) -> Result<CasOutcome, crate::store::StoreError> {
    let mut applied = true;
    let mut rows = Vec::new();
    for check in checks {
        let schema = check.table.schema();
        let row = match &check.row {
            Some(ck) => snap.row(ck)?,
            None => None,
        };
        let stat = snap.static_row();
        let exists = match &check.row {
            Some(_) => row.is_some(),
            None => snap.exists(),
        };
        let holds = match &check.kind {
            LiveKind::Exists => exists,
            LiveKind::NotExists => !exists,
            LiveKind::Conditions(conds) => conds
                .iter()
                .all(|c| condition_holds(c, row.as_ref(), stat.as_ref())),
        };
        if holds {
            continue;
        }
        applied = false;
        let report_row = match &check.kind {
            LiveKind::Exists => None,
            LiveKind::NotExists => {
                let cols: Vec<&ColumnDef> = schema.columns().iter().collect();
                let ck = row
                    .as_ref()
                    .and_then(|r| r.clustering())
                    .map(|k| k.to_vec());
                Some(row_values(
                    schema,
                    snap.key(),
                    ck.as_deref(),
                    row.as_ref(),
                    stat.as_ref(),
                    &cols,
                ))
            }
            LiveKind::Conditions(conds) => {
                if !exists && stat.is_none() {
                    None
                } else {
                    let mut cols: Vec<&ColumnDef> = Vec::new();
                    if batch {
                        cols.extend(schema.partition_key());
                        cols.extend(schema.clustering_key());
                    }
                    for c in conds {
                        if let Some(def) = schema.column_by_id(c.column)
                            && !cols.iter().any(|x| x.id == def.id)
                        {
                            cols.push(def);
                        }
                    }
                    Some(row_values(
                        schema,
                        snap.key(),
                        check.row.as_deref(),
                        row.as_ref(),
                        stat.as_ref(),
                        &cols,
                    ))
                }
            }
        };
        if let Some(r) = report_row {
            rows.push(r);
        }
    }
    Ok(CasOutcome { applied, rows })
}

/// Writes the RESULT Rows body of a lightweight transaction: `[applied]`, then (when
/// not applied) the current values.
pub(crate) fn write_cas_result(
    keyspace: &str,
    table: &str,
    outcome: &CasOutcome,
    out: &mut Vec<u8>,
) -> ExecResult<()> {
    let ts = TableSpec::owned(keyspace.to_string(), table.to_string());
    let mut specs = vec![ColumnSpec::owned(
        "[applied]".to_string(),
        ColumnType::Native(NativeType::Boolean),
        ts.clone(),
    )];
    let mut names: Vec<&str> = Vec::new();
    if !outcome.applied {
        for r in &outcome.rows {
            for (name, typ, _) in r {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                    specs.push(ColumnSpec::owned(name.clone(), typ.clone(), ts.clone()));
                }
            }
        }
    }
    let md = ResultMetadata::new(specs);
    let mut w = RowsWriter::new(out, &md, &MetadataWriteOptions::default())
        .map_err(|e| ExecError::server(e.to_string()))?;
    let applied = [u8::from(outcome.applied)];
    if outcome.applied || outcome.rows.is_empty() {
        let mut cells: Vec<Option<&[u8]>> = vec![Some(&applied)];
        cells.resize(md.col_count(), None);
        w.append_row(cells)
            .map_err(|e| ExecError::server(e.to_string()))?;
    } else {
        for r in &outcome.rows {
            let mut cells: Vec<Option<&[u8]>> = vec![Some(&applied)];
            for n in &names {
                cells.push(
                    r.iter()
                        .find(|(name, _, _)| name == n)
                        .and_then(|(_, _, v)| v.as_deref()),
                );
            }
            w.append_row(cells)
                .map_err(|e| ExecError::server(e.to_string()))?;
        }
    }
    w.finish().map_err(|e| ExecError::server(e.to_string()))?;
    Ok(())
}
