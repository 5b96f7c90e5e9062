//! The WHERE clause: which partitions and clustering slices a statement touches, and
//! what is left to filter. Shared by SELECT, UPDATE and DELETE.

use std::borrow::Cow;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::{CollectionType, ColumnType, NativeType};

use crate::cql::{Operator, Relation, RelationLhs, RelationRhs, Term};
use crate::ring::token_of;
use crate::store::{
    ClusteringRange, ColumnDef, ColumnId, ColumnKind, MAX_KEY_COMPONENT, PartitionKey, TableSchema,
    TupleBound,
};

use super::bind::{BindCollector, EvalCtx, Expr, Val, read_bigint, term_expr};
use super::error::{ExecError, ExecResult};

/// The most clustering prefixes (the cartesian product of IN lists) one request may
/// produce, as ScyllaDB's `max_clustering_key_restrictions_per_query` default.
pub(crate) const MAX_CLUSTERING_PREFIXES: usize = 100;
/// The most partitions an IN restriction may name.
pub(crate) const MAX_PARTITION_KEYS: usize = 100;

/// The values of consecutive clustering columns restricted together.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TupleValues {
    /// `(a, b) = (1, ?)` or `(a, b) = ?` (one tuple expression).
    One(TupleExpr),
    /// `(a, b) IN ((1, 2), ?)`.
    In(Vec<TupleExpr>),
    /// `(a, b) IN ?`: a list of tuples.
    InList(Expr),
}

/// A tuple written element by element, or one tuple value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TupleExpr {
    /// `(e1, e2)`
    Elements(Vec<Expr>),
    /// `?` of tuple type.
    Whole(Expr),
}

/// A part of the clustering prefix.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum PrefixPart {
    /// One column.
    Single(Rhs),
    /// `width` columns at once.
    Multi {
        /// The number of columns.
        width: usize,
        /// Their values.
        values: TupleValues,
    },
}

/// One end of a clustering slice.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SliceBound {
    /// The values (one per column from the slice's first column on).
    pub(crate) values: TupleExpr,
    /// Whether the bound is included.
    pub(crate) inclusive: bool,
}

/// The clustering restrictions usable for slicing.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ClusteringPlan {
    /// Equality / IN restrictions on leading columns.
    pub(crate) prefix: Vec<PrefixPart>,
    /// The number of columns the prefix covers.
    pub(crate) prefix_len: usize,
    /// Lower bound on the columns after the prefix.
    pub(crate) lower: Option<SliceBound>,
    /// Upper bound on the columns after the prefix.
    pub(crate) upper: Option<SliceBound>,
}

impl ClusteringPlan {
    /// Whether any clustering column is restricted.
    pub(crate) fn is_restricted(&self) -> bool {
        !self.prefix.is_empty() || self.lower.is_some() || self.upper.is_some()
    }
}

/// What a filter compares.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FilterTarget {
    /// A partition key column (component index).
    Pk(usize),
    /// A clustering column (index).
    Ck(usize),
    /// A static or regular column.
    Column(ColumnId, bool),
    /// `m[key]` of a map column.
    MapEntry(ColumnId, bool, Expr),
}

/// The right-hand side of a restriction or condition; also the values of one key
/// column restricted by `=` or `IN`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Rhs {
    /// One value (`c = v`, `c < v`, ...).
    One(Expr),
    /// Several values (`c IN (v1, v2)`).
    Many(Vec<Expr>),
    /// `c IN ?`: a list value.
    List(Expr),
}

/// A restriction checked on each row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Filter {
    /// What is compared.
    pub(crate) target: FilterTarget,
    /// How.
    pub(crate) op: Operator,
    /// With what.
    pub(crate) rhs: Rhs,
    /// The type of the compared values (the element type for CONTAINS).
    pub(crate) typ: ColumnType<'static>,
    /// The type of the target's own values (a collection for CONTAINS).
    pub(crate) target_type: ColumnType<'static>,
}

/// One side of a token range: the value and whether it is included.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenBound {
    pub(crate) value: TokenValue,
    pub(crate) inclusive: bool,
}

/// A token written as a `bigint` value, or as `token(v1, v2)` of key values.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum TokenValue {
    /// A bigint.
    Value(Expr),
    /// `token(...)` of partition key values.
    OfKey(Vec<Expr>),
}

/// The analysed WHERE clause.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct WherePlan {
    /// `=`/`IN` restrictions of each partition key column (all or some).
    pub(crate) pk: Vec<Option<Rhs>>,
    /// The token range, when restricted with `token(...)`.
    pub(crate) token_start: Option<TokenBound>,
    /// See `token_start`.
    pub(crate) token_end: Option<TokenBound>,
    /// Whether `token(...)` was restricted at all.
    pub(crate) has_token: bool,
    /// The clustering slices.
    pub(crate) clustering: ClusteringPlan,
    /// The restrictions left to check row by row.
    pub(crate) filters: Vec<Filter>,
    /// Why the query needs ALLOW FILTERING, if it does.
    pub(crate) needs_filtering: bool,
}

impl WherePlan {
    /// Whether every partition key column is restricted by `=`/`IN`.
    pub(crate) fn pk_complete(&self) -> bool {
        !self.pk.is_empty() && self.pk.iter().all(Option::is_some)
    }
}

/// What kind of statement the WHERE clause belongs to (they allow different things).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WhereKind {
    /// SELECT.
    Select {
        /// ALLOW FILTERING was given.
        allow_filtering: bool,
    },
    /// UPDATE (and the WHERE of an INSERT-like write).
    Update,
    /// DELETE.
    Delete,
}

fn list_of(t: &ColumnType<'static>) -> ColumnType<'static> {
    ColumnType::Collection {
        frozen: false,
        typ: CollectionType::List(Box::new(t.clone())),
    }
}

fn rhs_term(r: &Relation) -> ExecResult<&Term> {
    match &r.rhs {
        RelationRhs::Term(t) => Ok(t),
        _ => Err(ExecError::invalid(format!(
            "Invalid right-hand side for operator {}",
            r.op
        ))),
    }
}

/// Builds the values of an `=`/`IN` restriction of column `name` of type `typ`.
fn key_values(
    r: &Relation,
    name: &str,
    typ: &ColumnType<'static>,
    binds: &mut BindCollector,
) -> ExecResult<Rhs> {
    match (&r.op, &r.rhs) {
        (Operator::Eq, RelationRhs::Term(_))
        | (Operator::In, RelationRhs::Term(_) | RelationRhs::InList(_)) => {
            rhs_values(r, name, typ, binds)
        }
        _ => Err(ExecError::invalid(format!(
            "Invalid operator {} for column {name}",
            r.op
        ))),
    }
}

fn rhs_values(
    r: &Relation,
    name: &str,
    typ: &ColumnType<'static>,
    binds: &mut BindCollector,
) -> ExecResult<Rhs> {
    rhs_of(r.op, &r.rhs, name, typ, binds)
}

/// Binds the right-hand side `rhs` of operator `op` on `name`, whose values are of
/// type `typ`.
pub(crate) fn rhs_of(
    op: Operator,
    rhs: &RelationRhs,
    name: &str,
    typ: &ColumnType<'static>,
    binds: &mut BindCollector,
) -> ExecResult<Rhs> {
    match (op, rhs) {
        (Operator::In, RelationRhs::InList(items)) => Ok(Rhs::Many(
            items
                .iter()
                .map(|t| term_expr(t, name, typ, binds))
                .collect::<ExecResult<_>>()?,
        )),
        (Operator::In, RelationRhs::Term(t)) => Ok(Rhs::List(term_expr(
            t,
            &format!("in({name})"),
            &list_of(typ),
            binds,
        )?)),
        (_, RelationRhs::Term(t)) => Ok(Rhs::One(term_expr(t, name, typ, binds)?)),
        _ => Err(ExecError::invalid(format!(
            "Invalid right-hand side for operator {op} on {name}"
        ))),
    }
}

fn check_operator(r: &Relation, name: &str) -> ExecResult<()> {
    match r.op {
        Operator::IsNot => Err(ExecError::invalid(format!(
            "Unsupported restriction: {name} IS NOT NULL (only materialized views support it)"
        ))),
        Operator::Like => Err(ExecError::invalid(format!(
            "LIKE restriction is only supported on properly indexed columns. {name} LIKE ... is \
             not valid."
        ))),
        Operator::NotIn => Err(ExecError::invalid(format!(
            "Unsupported \"NOT IN\" relation on {name}"
        ))),
        _ => Ok(()),
    }
}

/// A single-column clustering restriction waiting for placement.
struct CkSingle {
    index: usize,
    relation: Relation,
}

/// A multi-column clustering restriction.
struct CkMulti {
    start: usize,
    width: usize,
    relation: Relation,
}

/// Analyses the WHERE clause of a statement on `schema`.
pub(crate) fn analyze_where(
    schema: &TableSchema,
    relations: &[Relation],
    kind: WhereKind,
    binds: &mut BindCollector,
) -> ExecResult<WherePlan> {
    let allow_filtering = matches!(
        kind,
        WhereKind::Select {
            allow_filtering: true
        }
    );
    let mut plan = WherePlan {
        pk: vec![None; schema.partition_key().len()],
        ..Default::default()
    };
    let mut ck_single: Vec<CkSingle> = Vec::new();
    let mut ck_multi: Vec<CkMulti> = Vec::new();
    let mut non_key_columns = Vec::new();
    for r in relations {
        match &r.lhs {
            RelationLhs::Column(name) => {
                let col = schema
                    .column(name)
                    .ok_or_else(|| ExecError::invalid(format!("Undefined column name {name}")))?;
                check_operator(r, name)?;
                match col.kind {
                    ColumnKind::PartitionKey => {
                        let i = col.position.max(0) as usize;
                        if matches!(r.op, Operator::Eq | Operator::In) {
                            if plan.pk.get(i).is_some_and(Option::is_some) {
                                return Err(ExecError::invalid(format!(
                                    "{name} cannot be restricted by more than one relation if it \
                                     includes an Equal"
                                )));
                            }
                            if let Some(slot) = plan.pk.get_mut(i) {
                                *slot = Some(key_values(r, name, &col.typ, binds)?);
                            }
                        } else {
                            if !matches!(kind, WhereKind::Select { .. }) {
                                return Err(ExecError::invalid(
                                    "Only EQ and IN relation are supported on the partition key \
                                     (unless you use the token() function)",
                                ));
                            }
                            if matches!(r.op, Operator::Contains | Operator::ContainsKey) {
                                return Err(ExecError::invalid(format!(
                                    "Cannot use {} on non-collection column {name}",
                                    r.op
                                )));
                            }
                            if !allow_filtering {
                                return Err(ExecError::invalid(
                                    "Only EQ and IN relation are supported on the partition key \
                                     (unless you use the token() function or allow filtering)",
                                ));
                            }
                            plan.filters.push(Filter {
                                target: FilterTarget::Pk(i),
                                op: r.op,
                                rhs: rhs_values(r, name, &col.typ, binds)?,
                                typ: col.typ.clone(),
                                target_type: col.typ.clone(),
                            });
                            plan.needs_filtering = true;
                        }
                    }
                    ColumnKind::Clustering => {
                        if matches!(r.op, Operator::Contains | Operator::ContainsKey) {
                            return Err(ExecError::invalid(format!(
                                "Cannot use {} on non-collection column {name}",
                                r.op
                            )));
                        }
                        ck_single.push(CkSingle {
                            index: col.position.max(0) as usize,
                            relation: r.clone(),
                        });
                    }
                    ColumnKind::Static | ColumnKind::Regular => {
                        if !matches!(kind, WhereKind::Select { .. }) {
                            non_key_columns.push(name.clone());
                            continue;
                        }
                        plan.filters.push(column_filter(
                            r,
                            name,
                            col.id,
                            col.kind == ColumnKind::Static,
                            &col.typ,
                            binds,
                        )?);
                        plan.needs_filtering = true;
                    }
                }
            }
            RelationLhs::Element { column, key } => {
                let col = schema
                    .column(column)
                    .ok_or_else(|| ExecError::invalid(format!("Undefined column name {column}")))?;
                if !matches!(kind, WhereKind::Select { .. }) {
                    non_key_columns.push(column.clone());
                    continue;
                }
                let ColumnType::Collection {
                    typ: CollectionType::Map(kt, vt),
                    ..
                } = &col.typ
                else {
                    return Err(ExecError::invalid(format!(
                        "Column {column} is not a map, it cannot be restricted by element"
                    )));
                };
                if r.op != Operator::Eq {
                    return Err(ExecError::invalid(format!(
                        "Only the = operator is supported on map elements ({column}[...])"
                    )));
                }
                let key = term_expr(key, &format!("key({column})"), kt, binds)?;
                plan.filters.push(Filter {
                    target: FilterTarget::MapEntry(col.id, col.kind == ColumnKind::Static, key),
                    op: r.op,
                    rhs: rhs_values(r, &format!("value({column})"), vt, binds)?,
                    typ: (**vt).clone(),
                    target_type: (**vt).clone(),
                });
                plan.needs_filtering = true;
            }
            RelationLhs::Columns(names) => {
                let mut start = None;
                for (j, name) in names.iter().enumerate() {
                    let col = schema.column(name).ok_or_else(|| {
                        ExecError::invalid(format!("Undefined column name {name}"))
                    })?;
                    if col.kind != ColumnKind::Clustering {
                        return Err(ExecError::invalid(format!(
                            "Multi-column relations can only be applied to clustering columns \
                             but was applied to: {name}"
                        )));
                    }
                    let pos = col.position.max(0) as usize;
                    match start {
                        None => start = Some(pos),
                        Some(s) if pos != s + j => {
                            return Err(ExecError::invalid(format!(
                                "Clustering columns must appear in the PRIMARY KEY order in \
                                 multi-column relations: ({})",
                                names.join(", ")
                            )));
                        }
                        Some(_) => {}
                    }
                }
                check_operator(r, &names.join(", "))?;
                ck_multi.push(CkMulti {
                    start: start.unwrap_or(0),
                    width: names.len(),
                    relation: r.clone(),
                });
            }
            RelationLhs::Token(names) => {
                let pk_names: Vec<&str> = schema
                    .partition_key()
                    .iter()
                    .map(|c| c.name.as_str())
                    .collect();
                if names
                    .iter()
                    .map(String::as_str)
                    .ne(pk_names.iter().copied())
                {
                    return Err(ExecError::invalid(format!(
                        "The token function arguments must be in the partition key order: {}",
                        pk_names.join(", ")
                    )));
                }
                if !matches!(kind, WhereKind::Select { .. }) {
                    return Err(ExecError::invalid(
                        "The token function cannot be used in WHERE clauses for UPDATE and \
                         DELETE statements",
                    ));
                }
                plan.has_token = true;
                let bound =
                    |inclusive: bool, binds: &mut BindCollector| -> ExecResult<TokenBound> {
                        Ok(TokenBound {
                            value: token_value(schema, rhs_term(r)?, binds)?,
                            inclusive,
                        })
                    };
                match r.op {
                    Operator::Eq => {
                        let b = bound(true, binds)?;
                        plan.token_start = Some(b.clone());
                        plan.token_end = Some(b);
                    }
                    Operator::Gt | Operator::Gte | Operator::Lt | Operator::Lte => {
                        let (slot, which) = if matches!(r.op, Operator::Gt | Operator::Gte) {
                            (&mut plan.token_start, "start")
                        } else {
                            (&mut plan.token_end, "end")
                        };
                        if slot.is_some() {
                            return Err(ExecError::invalid(format!(
                                "More than one restriction was found for the {which} bound on \
                                 the partition key token"
                            )));
                        }
                        *slot = Some(bound(matches!(r.op, Operator::Gte | Operator::Lte), binds)?);
                    }
                    op => {
                        return Err(ExecError::invalid(format!(
                            "Unsupported operator {op} on the partition key token"
                        )));
                    }
                }
            }
        }
    }
    if !non_key_columns.is_empty() {
        return Err(ExecError::invalid(format!(
            "Non PRIMARY KEY columns found in where clause: {}",
            non_key_columns.join(", ")
        )));
    }
    if plan.has_token && plan.pk.iter().any(Option::is_some) {
        return Err(ExecError::invalid(
            "Columns of the partition key cannot be restricted both by the token function and by \
             value",
        ));
    }
    // Partition key completeness.
    let restricted = plan.pk.iter().filter(|p| p.is_some()).count();
    if restricted > 0 && restricted < plan.pk.len() {
        let missing: Vec<&str> = schema
            .partition_key()
            .iter()
            .zip(&plan.pk)
            .filter(|(_, p)| p.is_none())
            .map(|(c, _)| c.name.as_str())
            .collect();
        match kind {
            WhereKind::Select {
                allow_filtering: true,
            } => {
                // The restricted parts become filters.
                let pk = std::mem::take(&mut plan.pk);
                plan.pk = vec![None; pk.len()];
                for (i, kv) in pk.into_iter().enumerate() {
                    let Some(kv) = kv else { continue };
                    let typ = schema
                        .partition_key()
                        .get(i)
                        .map(|c| c.typ.clone())
                        .unwrap_or(ColumnType::Native(NativeType::Blob));
                    let (op, rhs) = match kv {
                        Rhs::One(e) => (Operator::Eq, Rhs::One(e)),
                        Rhs::Many(es) => (Operator::In, Rhs::Many(es)),
                        Rhs::List(e) => (Operator::In, Rhs::List(e)),
                    };
                    plan.filters.push(Filter {
                        target: FilterTarget::Pk(i),
                        op,
                        rhs,
                        typ: typ.clone(),
                        target_type: typ,
                    });
                }
                plan.needs_filtering = true;
            }
            WhereKind::Select { .. } => {
                return Err(ExecError::invalid(format!(
                    "Partition key parts: {} must be restricted as other parts are",
                    missing.join(", ")
                )));
            }
            _ => {
                return Err(ExecError::invalid(format!(
                    "Some partition key parts are missing: {}",
                    missing.join(", ")
                )));
            }
        }
    } else if restricted == 0 && !matches!(kind, WhereKind::Select { .. }) {
        let missing: Vec<&str> = schema
            .partition_key()
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        return Err(ExecError::invalid(format!(
            "Some partition key parts are missing: {}",
            missing.join(", ")
        )));
    }
    plan_clustering(schema, ck_single, ck_multi, kind, &mut plan, binds)?;
    if matches!(kind, WhereKind::Select { .. })
        && plan.clustering.is_restricted()
        && !plan.pk_complete()
    {
        plan.needs_filtering = true;
    }
    if plan.needs_filtering && !allow_filtering && matches!(kind, WhereKind::Select { .. }) {
        return Err(filtering_error());
    }
    Ok(plan)
}

/// Cassandra's refusal of queries that would filter.
pub(crate) fn filtering_error() -> ExecError {
    ExecError::invalid(
        "Cannot execute this query as it might involve data filtering and thus may have \
         unpredictable performance. If you want to execute this query despite the performance \
         unpredictability, use ALLOW FILTERING",
    )
}

fn token_value(
    schema: &TableSchema,
    term: &Term,
    binds: &mut BindCollector,
) -> ExecResult<TokenValue> {
    if let Term::FunctionCall(call) = term
        && call.name == "token"
    {
        let pk = schema.partition_key();
        if call.args.len() != pk.len() {
            return Err(ExecError::invalid(format!(
                "Invalid number of arguments in call to function token: {} required but {} \
                 provided",
                pk.len(),
                call.args.len()
            )));
        }
        let mut values = Vec::with_capacity(pk.len());
        for (a, c) in call.args.iter().zip(pk) {
            values.push(term_expr(a, &c.name, &c.typ, binds)?);
        }
        return Ok(TokenValue::OfKey(values));
    }
    Ok(TokenValue::Value(term_expr(
        term,
        "partition key token",
        &ColumnType::Native(NativeType::BigInt),
        binds,
    )?))
}

fn column_filter(
    r: &Relation,
    name: &str,
    id: ColumnId,
    is_static: bool,
    typ: &ColumnType<'static>,
    binds: &mut BindCollector,
) -> ExecResult<Filter> {
    let value_type = match r.op {
        Operator::Contains | Operator::ContainsKey => {
            contained_type(r.op, typ).ok_or_else(|| {
                ExecError::invalid(if r.op == Operator::Contains {
                    format!("Cannot use CONTAINS on non-collection column {name}")
                } else {
                    format!("Cannot use CONTAINS KEY on non-map column {name}")
                })
            })?
        }
        _ => typ.clone(),
    };
    let spec_name = match r.op {
        Operator::Contains => format!("value({name})"),
        Operator::ContainsKey => format!("key({name})"),
        _ => name.to_string(),
    };
    Ok(Filter {
        target: FilterTarget::Column(id, is_static),
        op: r.op,
        rhs: rhs_values(r, &spec_name, &value_type, binds)?,
        typ: value_type,
        target_type: typ.clone(),
    })
}

/// The type of the values `CONTAINS` (a list's or set's elements, a map's values) or
/// `CONTAINS KEY` (a map's keys) compares in a column of type `typ`; `None` when `op`
/// is neither or does not apply to `typ`.
pub(crate) fn contained_type(
    op: Operator,
    typ: &ColumnType<'static>,
) -> Option<ColumnType<'static>> {
    let ColumnType::Collection {
        typ: collection, ..
    } = typ
    else {
        return None;
    };
    match (op, collection) {
        (Operator::Contains, CollectionType::List(e) | CollectionType::Set(e))
        | (Operator::Contains, CollectionType::Map(_, e))
        | (Operator::ContainsKey, CollectionType::Map(e, _)) => Some((**e).clone()),
        _ => None,
    }
}

/// The names of `width` columns of `cols` from `start` on, as `a, b, c`.
pub(crate) fn column_names(cols: &[ColumnDef], start: usize, width: usize) -> String {
    let names: Vec<&str> = cols
        .iter()
        .skip(start)
        .take(width)
        .map(|c| c.name.as_str())
        .collect();
    names.join(", ")
}

fn tuple_type(schema: &TableSchema, start: usize, width: usize) -> ColumnType<'static> {
    ColumnType::Tuple(
        schema
            .clustering_key()
            .iter()
            .skip(start)
            .take(width)
            .map(|c| c.typ.clone())
            .collect(),
    )
}

fn tuple_expr(
    schema: &TableSchema,
    start: usize,
    width: usize,
    term: &Term,
    names: &str,
    binds: &mut BindCollector,
) -> ExecResult<TupleExpr> {
    match term {
        Term::Tuple(items) => {
            if items.len() != width {
                return Err(ExecError::invalid(format!(
                    "Expected {width} elements in value tuple, but got {}: {names}",
                    items.len()
                )));
            }
            let cols = schema.clustering_key();
            let mut out = Vec::with_capacity(width);
            for (j, t) in items.iter().enumerate() {
                let c = cols
                    .get(start + j)
                    .ok_or_else(|| ExecError::invalid("Too many clustering values"))?;
                out.push(term_expr(t, &c.name, &c.typ, binds)?);
            }
            Ok(TupleExpr::Elements(out))
        }
        other => Ok(TupleExpr::Whole(term_expr(
            other,
            &format!("({names})"),
            &tuple_type(schema, start, width),
            binds,
        )?)),
    }
}

fn plan_clustering(
    schema: &TableSchema,
    single: Vec<CkSingle>,
    multi: Vec<CkMulti>,
    kind: WhereKind,
    plan: &mut WherePlan,
    binds: &mut BindCollector,
) -> ExecResult<()> {
    let allow_filtering = matches!(
        kind,
        WhereKind::Select {
            allow_filtering: true
        }
    );
    let cols = schema.clustering_key();
    let mut used_single = vec![false; single.len()];
    let mut used_multi = vec![false; multi.len()];
    let mut pos = 0usize;
    let mut cp = ClusteringPlan::default();
    // The equality prefix.
    loop {
        if pos >= cols.len() {
            break;
        }
        if let Some((i, m)) = multi.iter().enumerate().find(|(i, m)| {
            !used_multi[*i]
                && m.start == pos
                && matches!(m.relation.op, Operator::Eq | Operator::In)
        }) {
            let names = column_names(cols, m.start, m.width);
            let values = match (&m.relation.op, &m.relation.rhs) {
                (Operator::Eq, RelationRhs::Term(t)) => {
                    TupleValues::One(tuple_expr(schema, m.start, m.width, t, &names, binds)?)
                }
                (Operator::In, RelationRhs::InList(items)) => TupleValues::In(
                    items
                        .iter()
                        .map(|t| tuple_expr(schema, m.start, m.width, t, &names, binds))
                        .collect::<ExecResult<_>>()?,
                ),
                (Operator::In, RelationRhs::Term(t)) => TupleValues::InList(term_expr(
                    t,
                    &format!("in(({names}))"),
                    &list_of(&tuple_type(schema, m.start, m.width)),
                    binds,
                )?),
                _ => return Err(ExecError::invalid("Invalid multi-column relation")),
            };
            used_multi[i] = true;
            cp.prefix.push(PrefixPart::Multi {
                width: m.width,
                values,
            });
            pos += m.width;
            continue;
        }
        let eq: Vec<usize> = single
            .iter()
            .enumerate()
            .filter(|(i, s)| {
                !used_single[*i]
                    && s.index == pos
                    && matches!(s.relation.op, Operator::Eq | Operator::In)
            })
            .map(|(i, _)| i)
            .collect();
        match eq.as_slice() {
            [] => break,
            [i] => {
                let s = &single[*i];
                let c = &cols[pos];
                cp.prefix.push(PrefixPart::Single(key_values(
                    &s.relation,
                    &c.name,
                    &c.typ,
                    binds,
                )?));
                used_single[*i] = true;
                pos += 1;
            }
            _ => {
                return Err(ExecError::invalid(format!(
                    "{} cannot be restricted by more than one relation if it includes an Equal",
                    cols[pos].name
                )));
            }
        }
    }
    cp.prefix_len = pos;
    // The slice after the prefix.
    if pos < cols.len() {
        for (i, m) in multi.iter().enumerate() {
            if used_multi[i] || m.start != pos {
                continue;
            }
            let names = column_names(cols, m.start, m.width);
            let values = tuple_expr(
                schema,
                m.start,
                m.width,
                rhs_term(&m.relation)?,
                &names,
                binds,
            )?;
            set_bound(&mut cp, m.relation.op, values, &names)?;
            used_multi[i] = true;
        }
        for (i, s) in single.iter().enumerate() {
            if used_single[i] || s.index != pos {
                continue;
            }
            if !matches!(
                s.relation.op,
                Operator::Lt | Operator::Lte | Operator::Gt | Operator::Gte
            ) {
                continue;
            }
            let c = &cols[pos];
            let e = term_expr(rhs_term(&s.relation)?, &c.name, &c.typ, binds)?;
            set_bound(
                &mut cp,
                s.relation.op,
                TupleExpr::Elements(vec![e]),
                &c.name,
            )?;
            used_single[i] = true;
        }
    }
    // Whatever is left must be filtered (SELECT with ALLOW FILTERING) or is an error.
    let leftover_single: Vec<usize> = (0..single.len()).filter(|i| !used_single[*i]).collect();
    let leftover_multi = used_multi.iter().any(|u| !u);
    if leftover_multi {
        return Err(ExecError::invalid(
            "Multi-column relations must follow the restrictions on the preceding clustering \
             columns",
        ));
    }
    if matches!(kind, WhereKind::Update) && (cp.lower.is_some() || cp.upper.is_some()) {
        return Err(ExecError::invalid(
            "Slice restrictions are not supported on the clustering columns in UPDATE statements",
        ));
    }
    for i in leftover_single {
        let s = &single[i];
        let c = &cols[s.index];
        if !allow_filtering {
            let has_slice = cp.lower.is_some() || cp.upper.is_some();
            return Err(if s.index > pos && has_slice {
                let sliced = cols.get(pos).map(|c| c.name.as_str()).unwrap_or("");
                ExecError::invalid(format!(
                    "Clustering column \"{}\" cannot be restricted (preceding column \"{sliced}\" \
                     is restricted by a non-EQ relation)",
                    c.name
                ))
            } else if s.index > pos {
                let missing = cols.get(pos).map(|c| c.name.as_str()).unwrap_or("");
                ExecError::invalid(format!(
                    "PRIMARY KEY column \"{}\" cannot be restricted as preceding column \
                     \"{missing}\" is not restricted",
                    c.name
                ))
            } else {
                ExecError::invalid(format!(
                    "Unsupported \"{}\" relation on clustering column {}",
                    s.relation.op, c.name
                ))
            });
        }
        plan.filters.push(Filter {
            target: FilterTarget::Ck(s.index),
            op: s.relation.op,
            rhs: rhs_values(&s.relation, &c.name, &c.typ, binds)?,
            typ: c.typ.clone(),
            target_type: c.typ.clone(),
        });
        plan.needs_filtering = true;
    }
    plan.clustering = cp;
    Ok(())
}

fn set_bound(
    cp: &mut ClusteringPlan,
    op: Operator,
    values: TupleExpr,
    names: &str,
) -> ExecResult<()> {
    let (slot, inclusive) = match op {
        Operator::Gt => (&mut cp.lower, false),
        Operator::Gte => (&mut cp.lower, true),
        Operator::Lt => (&mut cp.upper, false),
        Operator::Lte => (&mut cp.upper, true),
        other => {
            return Err(ExecError::invalid(format!(
                "Unsupported operator {other} on clustering columns ({names})"
            )));
        }
    };
    if slot.is_some() {
        return Err(ExecError::invalid(format!(
            "More than one restriction was found for the {} bound on {names}",
            if matches!(op, Operator::Gt | Operator::Gte) {
                "start"
            } else {
                "end"
            }
        )));
    }
    *slot = Some(SliceBound { values, inclusive });
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

impl Rhs {
    /// The values compared with, computed, each checked against `typ` (the elements
    /// of an `IN ?` list are not checked). `unset` is the error for an unset value;
    /// `invalid` begins the error for a value that is not a `typ`.
    pub(crate) fn eval_values(
        &self,
        typ: &ColumnType<'_>,
        cx: &EvalCtx<'_>,
        unset: &str,
        invalid: &str,
    ) -> ExecResult<Vec<Option<Bytes>>> {
        let one = |e: &Expr| -> ExecResult<Option<Bytes>> {
            match e.eval(cx)? {
                Val::Unset => Err(ExecError::invalid(unset)),
                v => {
                    let b = v.into_bytes_or_null();
                    if let Some(b) = &b
                        && !b.is_empty()
                    {
                        crate::store::validate(typ, b)
                            .map_err(|m| ExecError::invalid(format!("{invalid}: {m}")))?;
                    }
                    Ok(b)
                }
            }
        };
        Ok(match self {
            Rhs::One(e) => vec![one(e)?],
            Rhs::Many(es) => es.iter().map(one).collect::<ExecResult<_>>()?,
            Rhs::List(e) => {
                let v = key_component(e.eval(cx)?, "IN list")?;
                list_elements(&v, "IN list")?
                    .into_iter()
                    .map(Some)
                    .collect()
            }
        })
    }
}

/// The bytes of a key component: a value (not null, not unset).
pub(crate) fn key_component<'a>(v: Val<'a>, name: &str) -> ExecResult<Cow<'a, [u8]>> {
    match v {
        Val::Value(b) => Ok(b),
        Val::Null => Err(ExecError::invalid(format!(
            "Invalid null value in condition for column {name}"
        ))),
        Val::Unset => Err(ExecError::invalid(format!(
            "Invalid unset value for column {name}"
        ))),
    }
}

/// The elements of a serialized list.
pub(crate) fn list_elements(v: &[u8], name: &str) -> ExecResult<Vec<Bytes>> {
    let bad = || ExecError::invalid(format!("Invalid list value for in({name})"));
    let (n, rest) = v.split_first_chunk::<4>().ok_or_else(bad)?;
    let n = usize::try_from(i32::from_be_bytes(*n)).map_err(|_| bad())?;
    split_values(rest, n, bad, || {
        ExecError::invalid(format!("Invalid null value in IN list for {name}"))
    })
}

/// The components of a serialized tuple of `width` non-null elements.
pub(crate) fn tuple_components(v: &[u8], width: usize, name: &str) -> ExecResult<Vec<Bytes>> {
    split_values(
        v,
        width,
        || ExecError::invalid(format!("Invalid tuple value for ({name})")),
        || ExecError::invalid(format!("Invalid null value in tuple for ({name})")),
    )
}

/// Splits `buf` into exactly `n` `[int]`-length-prefixed values; `bad` is the error
/// for malformed bytes (too few, too many), `null` the one for a null value.
fn split_values(
    mut buf: &[u8],
    n: usize,
    bad: impl Fn() -> ExecError,
    null: impl Fn() -> ExecError,
) -> ExecResult<Vec<Bytes>> {
    // Every value takes at least its 4-byte length: `n` is not trusted beyond that.
    let mut out = Vec::with_capacity(n.min(buf.len() / 4));
    for _ in 0..n {
        let (len, rest) = buf.split_first_chunk::<4>().ok_or_else(&bad)?;
        let len = usize::try_from(i32::from_be_bytes(*len)).map_err(|_| null())?;
        let (el, rest) = rest.split_at_checked(len).ok_or_else(&bad)?;
        out.push(Bytes::copy_from_slice(el));
        buf = rest;
    }
    if !buf.is_empty() {
        return Err(bad());
    }
    Ok(out)
}

/// The bytes of each of `es`, as key components.
fn eval_components(es: &[Expr], cx: &EvalCtx<'_>, name: &str) -> ExecResult<Vec<Bytes>> {
    es.iter()
        .map(|e| Ok(Bytes::copy_from_slice(&key_component(e.eval(cx)?, name)?)))
        .collect()
}

/// The alternatives of one key column.
pub(crate) fn eval_key_values(kv: &Rhs, cx: &EvalCtx<'_>, name: &str) -> ExecResult<Vec<Bytes>> {
    Ok(match kv {
        Rhs::One(e) => vec![Bytes::copy_from_slice(&key_component(e.eval(cx)?, name)?)],
        Rhs::Many(es) => eval_components(es, cx, name)?,
        Rhs::List(e) => {
            let v = key_component(e.eval(cx)?, name)?;
            list_elements(&v, name)?
        }
    })
}

fn eval_tuple(
    t: &TupleExpr,
    cx: &EvalCtx<'_>,
    width: usize,
    names: &str,
) -> ExecResult<Vec<Bytes>> {
    match t {
        TupleExpr::Elements(es) => eval_components(es, cx, names),
        TupleExpr::Whole(e) => {
            let v = key_component(e.eval(cx)?, names)?;
            tuple_components(&v, width, names)
        }
    }
}

/// The partition keys a complete `=`/`IN` restriction selects, deduplicated and in
/// (token, key) order.
pub(crate) fn eval_partition_keys(
    schema: &TableSchema,
    pk: &[Option<Rhs>],
    cx: &EvalCtx<'_>,
) -> ExecResult<Vec<PartitionKey>> {
    let cols = schema.partition_key();
    // Fast path: one column, one value.
    if let ([Some(Rhs::One(e))], [col]) = (pk, cols) {
        let v = key_component(e.eval(cx)?, &col.name)?;
        check_key_size(&v)?;
        let key = Bytes::copy_from_slice(&v);
        let token = token_of(&key).value();
        return Ok(vec![PartitionKey::new(token, key)]);
    }
    let mut alternatives: Vec<Vec<Bytes>> = Vec::with_capacity(cols.len());
    let mut total = 1usize;
    for (kv, col) in pk.iter().zip(cols) {
        let kv = kv.as_ref().ok_or_else(|| {
            ExecError::invalid(format!("Missing partition key part {}", col.name))
        })?;
        let values = eval_key_values(kv, cx, &col.name)?;
        total = total.saturating_mul(values.len());
        if total > MAX_PARTITION_KEYS {
            return Err(ExecError::invalid(format!(
                "IN restrictions on the partition key select more than {MAX_PARTITION_KEYS} \
                 partitions"
            )));
        }
        alternatives.push(values);
    }
    let mut keys = Vec::with_capacity(total);
    let mut current = Vec::with_capacity(cols.len());
    cartesian(&alternatives, &mut current, &mut |parts| {
        for p in parts {
            check_key_size(p)?;
        }
        let key = schema.compose_partition_key(parts)?;
        let token = token_of(&key).value();
        keys.push(PartitionKey::new(token, key));
        Ok(())
    })?;
    keys.sort();
    keys.dedup();
    Ok(keys)
}

fn check_key_size(v: &[u8]) -> ExecResult<()> {
    if v.len() > MAX_KEY_COMPONENT {
        return Err(ExecError::invalid(format!(
            "Key length of {} is longer than maximum of {MAX_KEY_COMPONENT}",
            v.len()
        )));
    }
    Ok(())
}

fn cartesian(
    alternatives: &[Vec<Bytes>],
    current: &mut Vec<Bytes>,
    f: &mut dyn FnMut(&[Bytes]) -> ExecResult<()>,
) -> ExecResult<()> {
    match alternatives.split_first() {
        None => f(current),
        Some((first, rest)) => {
            for v in first {
                current.push(v.clone());
                cartesian(rest, current, f)?;
                current.pop();
            }
            Ok(())
        }
    }
}

/// The clustering prefixes (cartesian product of the prefix parts).
pub(crate) fn eval_prefixes(
    schema: &TableSchema,
    cp: &ClusteringPlan,
    cx: &EvalCtx<'_>,
) -> ExecResult<Vec<Vec<Bytes>>> {
    let cols = schema.clustering_key();
    let mut prefixes: Vec<Vec<Bytes>> = vec![Vec::new()];
    let mut pos = 0usize;
    for part in &cp.prefix {
        let alternatives: Vec<Vec<Bytes>> = match part {
            PrefixPart::Single(kv) => {
                let name = cols.get(pos).map(|c| c.name.as_str()).unwrap_or("?");
                pos += 1;
                eval_key_values(kv, cx, name)?
                    .into_iter()
                    .map(|v| vec![v])
                    .collect()
            }
            PrefixPart::Multi { width, values } => {
                let names = column_names(cols, pos, *width);
                pos += width;
                match values {
                    TupleValues::One(t) => vec![eval_tuple(t, cx, *width, &names)?],
                    TupleValues::In(ts) => ts
                        .iter()
                        .map(|t| eval_tuple(t, cx, *width, &names))
                        .collect::<ExecResult<_>>()?,
                    TupleValues::InList(e) => {
                        let v = key_component(e.eval(cx)?, &names)?;
                        list_elements(&v, &names)?
                            .iter()
                            .map(|t| tuple_components(t, *width, &names))
                            .collect::<ExecResult<_>>()?
                    }
                }
            }
        };
        let mut next = Vec::with_capacity(prefixes.len() * alternatives.len());
        for p in &prefixes {
            for a in &alternatives {
                let mut q = p.clone();
                q.extend(a.iter().cloned());
                next.push(q);
            }
        }
        if next.len() > MAX_CLUSTERING_PREFIXES {
            return Err(ExecError::invalid(format!(
                "Cartesian product of IN list restrictions on clustering columns is greater than \
                 the maximum of {MAX_CLUSTERING_PREFIXES}"
            )));
        }
        prefixes = next;
    }
    Ok(prefixes)
}

/// The slices of the clustering restrictions; `None` when clustering columns are not
/// restricted.
pub(crate) fn eval_slices(
    schema: &TableSchema,
    cp: &ClusteringPlan,
    cx: &EvalCtx<'_>,
) -> ExecResult<Option<Vec<ClusteringRange>>> {
    if !cp.is_restricted() {
        return Ok(None);
    }
    let prefixes = eval_prefixes(schema, cp, cx)?;
    let cols = schema.clustering_key();
    let names = |width: usize| -> String {
        cols.iter()
            .skip(cp.prefix_len)
            .take(width)
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let bound = |b: &Option<SliceBound>| -> ExecResult<Option<TupleBound>> {
        let Some(b) = b else { return Ok(None) };
        let width = match &b.values {
            TupleExpr::Elements(es) => es.len(),
            TupleExpr::Whole(Expr::Bind {
                typ: ColumnType::Tuple(ts),
                ..
            }) => ts.len(),
            TupleExpr::Whole(_) => cols.len().saturating_sub(cp.prefix_len),
        };
        let values = eval_tuple(&b.values, cx, width, &names(width))?;
        Ok(Some(TupleBound {
            values,
            inclusive: b.inclusive,
        }))
    };
    let lower = bound(&cp.lower)?;
    let upper = bound(&cp.upper)?;
    let mut ranges = Vec::new();
    for p in prefixes {
        ranges.extend(schema.clustering_slices(&p, lower.as_ref(), upper.as_ref())?);
    }
    Ok(Some(ranges))
}

/// A token bound's value.
pub(crate) fn eval_token(
    schema: &TableSchema,
    t: &TokenValue,
    cx: &EvalCtx<'_>,
) -> ExecResult<i64> {
    match t {
        TokenValue::Value(e) => {
            let v = key_component(e.eval(cx)?, "partition key token")?;
            read_bigint(&v, "partition key token")
        }
        TokenValue::OfKey(es) => {
            let mut parts = Vec::with_capacity(es.len());
            for (e, c) in es.iter().zip(schema.partition_key()) {
                parts.push(Bytes::copy_from_slice(&key_component(
                    e.eval(cx)?,
                    &c.name,
                )?));
            }
            let key = schema.compose_partition_key(&parts)?;
            Ok(token_of(&key).value())
        }
    }
}
