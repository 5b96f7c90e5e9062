//! SELECT: planning (selectors, restrictions, ordering, limits) and execution (a
//! read visitor that writes result rows straight into the response body, with
//! filtering, limits, paging and aggregates).

use std::cmp::Ordering as CmpOrdering;
use std::ops::Bound;
use std::sync::Arc;

use bytes::Bytes;
use num_bigint_04::BigInt;
use scylla_cql::frame::response::column_type::{
    CollectionType, ColumnSpec, ColumnType, NativeType, TableSpec,
};
use scylla_cql::frame::response::result::{MetadataWriteOptions, ResultMetadata, RowsWriter};

use crate::cql::{Operator, SelectStatement, Selection, SelectorExpr, Term, maybe_quote};
use crate::store::{
    ClusteringKey, ClusteringRange, ColumnId, ColumnKind, Flow, Now, PartitionKey,
    PartitionSelection, PartitionView, ReadCommand, ReadVisitor, ResumePosition, RowView, Table,
    TableSchema, compare,
};
use crate::system::VirtualKind;

use super::bind::{
    BindCollector, EvalCtx, Expr, Val, clause_expr, read_int, term_expr, term_own_type,
};
use super::error::{ExecError, ExecResult};
use super::functions::{self, Func, Num, decode_num, is_aggregate, is_numeric};
use super::paging::PagingPosition;
use super::plan::{
    Filter, FilterTarget, WhereKind, WherePlan, analyze_where, eval_partition_keys, eval_slices,
    eval_token, key_component,
};

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AggKind {
    /// `count(*)`
    CountRows,
    /// `count(x)`
    Count,
    /// `min(x)`
    Min,
    /// `max(x)`
    Max,
    /// `sum(x)`
    Sum,
    /// `avg(x)`
    Avg,
}

/// A planned selector.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Sel {
    /// Partition key component.
    Pk(usize),
    /// Clustering column.
    Ck(usize),
    /// Static (true) or regular column.
    Col(ColumnId, bool),
    /// `writetime(c)`
    WriteTime(ColumnId, bool),
    /// `ttl(c)`
    Ttl(ColumnId, bool),
    /// `token(pk...)`
    Token,
    /// A constant.
    Const(Option<Bytes>),
    /// A scalar function.
    Func(Func, Vec<Sel>),
    /// `cast(x as t)`
    Cast(Box<Sel>, ColumnType<'static>, NativeType),
    /// `x.field` (field index).
    Field(Box<Sel>, usize),
    /// `x[key]` of a map (`true`) or list (`false`).
    Element(Box<Sel>, Expr, bool),
    /// An aggregate over the input selector (none for `count(*)`).
    Agg(AggKind, Option<Box<Sel>>, ColumnType<'static>),
}

impl Sel {
    fn is_aggregate(&self) -> bool {
        match self {
            Sel::Agg(..) => true,
            Sel::Func(_, args) => args.iter().any(Sel::is_aggregate),
            Sel::Cast(s, ..) | Sel::Field(s, _) | Sel::Element(s, ..) => s.is_aggregate(),
            _ => false,
        }
    }
}

/// A planned SELECT.
#[derive(Debug, Clone)]
pub(crate) struct SelectPlan {
    /// The table read (for a virtual table, the holder of its schema).
    pub(crate) table: Arc<Table>,
    /// Set for the tables whose rows are computed per request.
    pub(crate) virtual_table: Option<VirtualKind>,
    /// The WHERE clause.
    pub(crate) where_: WherePlan,
    /// One per result column.
    pub(crate) selectors: Vec<Sel>,
    /// The result metadata.
    pub(crate) metadata: Arc<ResultMetadata<'static>>,
    /// Whether the selection aggregates.
    pub(crate) aggregate: bool,
    /// `SELECT DISTINCT`.
    pub(crate) distinct: bool,
    /// Rows in reverse clustering order.
    pub(crate) reversed: bool,
    /// ORDER BY was given (rows of several partitions must then be merged).
    pub(crate) ordered: bool,
    /// `LIMIT`.
    pub(crate) limit: Option<Expr>,
    /// `PER PARTITION LIMIT`.
    pub(crate) per_partition_limit: Option<Expr>,
}

fn selector_name(e: &SelectorExpr) -> String {
    match e {
        SelectorExpr::Column(c) => c.clone(),
        SelectorExpr::Term(t) => term_text(t),
        SelectorExpr::CountRows => "count".to_string(),
        SelectorExpr::WriteTime(inner) => format!("writetime({})", selector_name(inner)),
        SelectorExpr::Ttl(inner) => format!("ttl({})", selector_name(inner)),
        SelectorExpr::FunctionCall { name, args, .. } => {
            if name == "count" && args.len() == 1 && matches!(args[0], SelectorExpr::Term(_)) {
                return "count".to_string();
            }
            let args: Vec<String> = args.iter().map(selector_name).collect();
            format!("system.{name}({})", args.join(", "))
        }
        SelectorExpr::Cast { expr, ty } => {
            format!("cast({} as {ty})", selector_name(expr))
        }
        SelectorExpr::Field { expr, field } => {
            format!("{}.{}", selector_name(expr), maybe_quote(field))
        }
        SelectorExpr::Subscript { expr, key } => {
            format!("{}[{}]", selector_name(expr), term_text(key))
        }
    }
}

fn term_text(t: &Term) -> String {
    match t {
        Term::Literal(l) => match l {
            crate::cql::Literal::String(s) => format!("'{}'", s.replace('\'', "''")),
            other => other.raw_text(),
        },
        Term::BindMarker(m) => match &m.name {
            Some(n) => format!(":{n}"),
            None => "?".to_string(),
        },
        _ => "...".to_string(),
    }
}

/// Plans one selector, returning it with its type.
fn plan_selector(
    e: &SelectorExpr,
    schema: &TableSchema,
    binds: &mut BindCollector,
    in_aggregate: bool,
) -> ExecResult<(Sel, ColumnType<'static>)> {
    match e {
        SelectorExpr::Column(name) => {
            let c = schema
                .column(name)
                .ok_or_else(|| ExecError::invalid(format!("Undefined column name {name}")))?;
            let sel = match c.kind {
                ColumnKind::PartitionKey => Sel::Pk(c.position.max(0) as usize),
                ColumnKind::Clustering => Sel::Ck(c.position.max(0) as usize),
                ColumnKind::Static => Sel::Col(c.id, true),
                ColumnKind::Regular => Sel::Col(c.id, false),
            };
            Ok((sel, c.typ.clone()))
        }
        SelectorExpr::Term(t) => {
            let typ = term_own_type(t)?.ok_or_else(|| {
                ExecError::invalid(format!(
                    "Cannot infer type for term {} in selection clause (try using a cast to force \
                     a type)",
                    term_text(t)
                ))
            })?;
            match term_expr(t, "selection", &typ, binds)? {
                Expr::Const(c) => Ok((Sel::Const(c), typ)),
                _ => Err(ExecError::invalid(
                    "Only constant terms are supported in the selection clause",
                )),
            }
        }
        SelectorExpr::CountRows => {
            if in_aggregate {
                return Err(ExecError::invalid(
                    "aggregate functions cannot be used as arguments of aggregate functions",
                ));
            }
            Ok((
                Sel::Agg(
                    AggKind::CountRows,
                    None,
                    ColumnType::Native(NativeType::BigInt),
                ),
                ColumnType::Native(NativeType::BigInt),
            ))
        }
        SelectorExpr::WriteTime(inner) | SelectorExpr::Ttl(inner) => {
            let is_wt = matches!(e, SelectorExpr::WriteTime(_));
            let fname = if is_wt { "writeTime" } else { "ttl" };
            let SelectorExpr::Column(name) = &**inner else {
                return Err(ExecError::invalid(format!(
                    "Only columns are supported as argument of {fname}"
                )));
            };
            let c = schema
                .column(name)
                .ok_or_else(|| ExecError::invalid(format!("Undefined column name {name}")))?;
            if matches!(c.kind, ColumnKind::PartitionKey | ColumnKind::Clustering) {
                return Err(ExecError::invalid(format!(
                    "Cannot use selection function {fname} on PRIMARY KEY part {name}"
                )));
            }
            if c.is_multi_cell() {
                return Err(ExecError::invalid(format!(
                    "Cannot use selection function {fname} on non-frozen {} {name}",
                    if matches!(c.typ, ColumnType::UserDefinedType { .. }) {
                        "user type"
                    } else {
                        "collection"
                    }
                )));
            }
            if c.is_counter() {
                return Err(ExecError::invalid(format!(
                    "Cannot use selection function {fname} on counter column {name}"
                )));
            }
            let is_static = c.kind == ColumnKind::Static;
            Ok(if is_wt {
                (
                    Sel::WriteTime(c.id, is_static),
                    ColumnType::Native(NativeType::BigInt),
                )
            } else {
                (
                    Sel::Ttl(c.id, is_static),
                    ColumnType::Native(NativeType::Int),
                )
            })
        }
        SelectorExpr::FunctionCall {
            keyspace,
            name,
            args,
        } => {
            if keyspace.as_deref().is_some_and(|k| k != "system") {
                return Err(ExecError::invalid(format!(
                    "Unknown function '{}.{name}'",
                    keyspace.as_deref().unwrap_or("")
                )));
            }
            if name == "token" {
                let pk = schema.partition_key();
                let ok = args.len() == pk.len()
                    && args
                        .iter()
                        .zip(pk)
                        .all(|(a, c)| matches!(a, SelectorExpr::Column(n) if *n == c.name));
                if !ok {
                    return Err(ExecError::invalid(format!(
                        "The token function arguments must be the partition key columns in \
                         order: {}",
                        pk.iter()
                            .map(|c| c.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
                return Ok((Sel::Token, ColumnType::Native(NativeType::BigInt)));
            }
            if is_aggregate(name) {
                if in_aggregate {
                    return Err(ExecError::invalid(
                        "aggregate functions cannot be used as arguments of aggregate functions",
                    ));
                }
                if args.len() != 1 {
                    return Err(ExecError::invalid(format!(
                        "Invalid number of arguments in call to function system.{name}: 1 \
                         required but {} provided",
                        args.len()
                    )));
                }
                if name == "count" && matches!(args[0], SelectorExpr::Term(_)) {
                    return Ok((
                        Sel::Agg(
                            AggKind::CountRows,
                            None,
                            ColumnType::Native(NativeType::BigInt),
                        ),
                        ColumnType::Native(NativeType::BigInt),
                    ));
                }
                let (inner, itype) = plan_selector(&args[0], schema, binds, true)?;
                let kind = match name.as_str() {
                    "count" => AggKind::Count,
                    "min" => AggKind::Min,
                    "max" => AggKind::Max,
                    "sum" => AggKind::Sum,
                    _ => AggKind::Avg,
                };
                let out_type = match kind {
                    AggKind::Count | AggKind::CountRows => ColumnType::Native(NativeType::BigInt),
                    AggKind::Min | AggKind::Max => itype.clone(),
                    AggKind::Sum | AggKind::Avg => {
                        if !is_numeric(&itype) {
                            return Err(ExecError::invalid(format!(
                                "Invalid call to function system.{name}, none of its type \
                                 signatures match (the argument is of type {itype})"
                            )));
                        }
                        match itype {
                            ColumnType::Native(NativeType::Counter) => {
                                ColumnType::Native(NativeType::BigInt)
                            }
                            ref t => t.clone(),
                        }
                    }
                };
                return Ok((Sel::Agg(kind, Some(Box::new(inner)), itype), out_type));
            }
            let mut planned = Vec::with_capacity(args.len());
            let mut types = Vec::with_capacity(args.len());
            for a in args {
                let (s, t) = plan_selector(a, schema, binds, in_aggregate)?;
                planned.push(s);
                types.push(Some(t));
            }
            let func = functions::resolve(name, &types)?;
            for (t, expected) in types.iter().zip(func.arg_types()) {
                if let Some(t) = t
                    && !super::bind::assignable(t, &expected)
                {
                    return Err(ExecError::invalid(format!(
                        "Type error: {t} cannot be passed as argument of function {} of type \
                         {expected}",
                        func.qualified_name()
                    )));
                }
            }
            let ret = func.return_type();
            Ok((Sel::Func(func, planned), ret))
        }
        SelectorExpr::Cast { expr, ty } => {
            let (inner, from) = plan_selector(expr, schema, binds, in_aggregate)?;
            let to = *ty;
            Ok((Sel::Cast(Box::new(inner), from, to), ColumnType::Native(to)))
        }
        SelectorExpr::Field { expr, field } => {
            let (inner, t) = plan_selector(expr, schema, binds, in_aggregate)?;
            let ColumnType::UserDefinedType { definition, .. } = &t else {
                return Err(ExecError::invalid(format!(
                    "Invalid field selection: {} of type {t} is not a user type",
                    selector_name(expr)
                )));
            };
            let (i, (_, ft)) = definition
                .field_types
                .iter()
                .enumerate()
                .find(|(_, (n, _))| n == field)
                .ok_or_else(|| {
                    ExecError::invalid(format!(
                        "{} of type {} has no field {field}",
                        selector_name(expr),
                        definition.name
                    ))
                })?;
            Ok((Sel::Field(Box::new(inner), i), ft.clone()))
        }
        SelectorExpr::Subscript { expr, key } => {
            let (inner, t) = plan_selector(expr, schema, binds, in_aggregate)?;
            let cname = selector_name(expr);
            match &t {
                ColumnType::Collection {
                    typ: CollectionType::Map(k, v),
                    ..
                } => {
                    let key = term_expr(key, &format!("key({cname})"), k, binds)?;
                    Ok((Sel::Element(Box::new(inner), key, true), (**v).clone()))
                }
                ColumnType::Collection {
                    typ: CollectionType::List(e),
                    ..
                } => {
                    let key = term_expr(
                        key,
                        &format!("idx({cname})"),
                        &ColumnType::Native(NativeType::Int),
                        binds,
                    )?;
                    Ok((Sel::Element(Box::new(inner), key, false), (**e).clone()))
                }
                _ => Err(ExecError::invalid(format!(
                    "Column {cname} of type {t} cannot be subscripted"
                ))),
            }
        }
    }
}

/// Plans a SELECT on `table`.
pub(crate) fn plan_select(
    s: &SelectStatement,
    table: Arc<Table>,
    virtual_table: Option<VirtualKind>,
    binds: &mut BindCollector,
) -> ExecResult<SelectPlan> {
    let schema = table.schema().clone();
    if !s.group_by.is_empty() {
        return Err(ExecError::invalid(
            "GROUP BY is not supported by scylla-sim",
        ));
    }
    let table_spec = TableSpec::owned(schema.keyspace().to_string(), schema.name().to_string());
    let mut selectors = Vec::new();
    let mut specs = Vec::new();
    match &s.selection {
        Selection::Wildcard => {
            for c in schema.columns() {
                selectors.push(match c.kind {
                    ColumnKind::PartitionKey => Sel::Pk(c.position.max(0) as usize),
                    ColumnKind::Clustering => Sel::Ck(c.position.max(0) as usize),
                    ColumnKind::Static => Sel::Col(c.id, true),
                    ColumnKind::Regular => Sel::Col(c.id, false),
                });
                specs.push(ColumnSpec::owned(
                    c.name.clone(),
                    c.typ.clone(),
                    table_spec.clone(),
                ));
            }
        }
        Selection::Selectors(list) => {
            for sel in list {
                let (planned, typ) = plan_selector(&sel.expr, &schema, binds, false)?;
                let name = sel
                    .alias
                    .clone()
                    .unwrap_or_else(|| selector_name(&sel.expr));
                selectors.push(planned);
                specs.push(ColumnSpec::owned(name, typ, table_spec.clone()));
            }
        }
    }
    let aggregate = selectors.iter().any(Sel::is_aggregate);
    let where_ = analyze_where(
        &schema,
        &s.where_clause,
        WhereKind::Select {
            allow_filtering: s.allow_filtering,
        },
        binds,
    )?;
    if s.distinct {
        for sel in &selectors {
            if matches!(sel, Sel::Ck(_) | Sel::Col(_, false)) {
                return Err(ExecError::invalid(
                    "SELECT DISTINCT queries must only request partition key columns and/or \
                     static columns (not clustering columns)",
                ));
            }
        }
        for (i, c) in schema.partition_key().iter().enumerate() {
            if !selectors.contains(&Sel::Pk(i)) {
                return Err(ExecError::invalid(format!(
                    "SELECT DISTINCT queries must request all the partition key columns (missing \
                     {})",
                    c.name
                )));
            }
        }
        if where_.clustering.is_restricted()
            || where_.filters.iter().any(|f| {
                matches!(
                    f.target,
                    FilterTarget::Ck(_) | FilterTarget::Column(_, false)
                )
            })
        {
            return Err(ExecError::invalid(
                "SELECT DISTINCT with WHERE clause only supports restriction by partition key \
                 and/or static columns.",
            ));
        }
    }
    // ORDER BY
    let mut reversed = false;
    if !s.order_by.is_empty() {
        if !where_.pk_complete() {
            return Err(ExecError::invalid(
                "ORDER BY is only supported when the partition key is restricted by an EQ or an \
                 IN.",
            ));
        }
        let ck = schema.clustering_key();
        let mut direction = None;
        for (i, o) in s.order_by.iter().enumerate() {
            let c = schema.column(&o.column).ok_or_else(|| {
                ExecError::invalid(format!("Order by on unknown column {}", o.column))
            })?;
            if c.kind != ColumnKind::Clustering {
                return Err(ExecError::invalid(format!(
                    "Order by is currently only supported on the clustered columns of the PRIMARY \
                     KEY, got {}",
                    o.column
                )));
            }
            if ck.get(i).map(|x| x.name.as_str()) != Some(o.column.as_str()) {
                return Err(ExecError::invalid(
                    "Order by currently only supports the ordering of columns following their \
                     declared order in the PRIMARY KEY",
                ));
            }
            let rev = o.descending != (c.order == crate::store::ClusteringOrder::Desc);
            match direction {
                None => direction = Some(rev),
                Some(d) if d != rev => {
                    return Err(ExecError::invalid("Unsupported order by relation"));
                }
                Some(_) => {}
            }
        }
        reversed = direction.unwrap_or(false);
    }
    let limit = clause_expr(s.limit.as_ref(), "[limit]", NativeType::Int, binds)?;
    let per_partition_limit = clause_expr(
        s.per_partition_limit.as_ref(),
        "[per_partition_limit]",
        NativeType::Int,
        binds,
    )?;
    clause_expr(s.timeout.as_ref(), "[timeout]", NativeType::Duration, binds)?;
    Ok(SelectPlan {
        table,
        virtual_table,
        where_,
        selectors,
        metadata: Arc::new(ResultMetadata::new(specs)),
        aggregate,
        distinct: s.distinct,
        reversed,
        ordered: !s.order_by.is_empty(),
        limit,
        per_partition_limit,
    })
}

// ---------------------------------------------------------------------------------------
// Execution
// ---------------------------------------------------------------------------------------

/// What a SELECT reads, computed from the bound values before the read (so that the
/// executor can check consistency and count the request first).
#[derive(Debug, Clone)]
pub(crate) struct ReadTargets {
    /// The partitions, for a single/multi-partition read.
    pub(crate) keys: Option<Vec<PartitionKey>>,
    /// The token range of a range scan.
    pub(crate) tokens: (Bound<i64>, Bound<i64>),
    /// The clustering slices.
    pub(crate) slices: Option<Vec<ClusteringRange>>,
}

/// Evaluates the partition and clustering restrictions.
pub(crate) fn read_targets(plan: &SelectPlan, cx: &EvalCtx<'_>) -> ExecResult<ReadTargets> {
    let schema = plan.table.schema();
    let keys = if plan.where_.pk_complete() {
        Some(eval_partition_keys(schema, &plan.where_.pk, cx)?)
    } else {
        None
    };
    let bound = |b: &Option<super::plan::TokenBound>, cx: &EvalCtx<'_>| -> ExecResult<Bound<i64>> {
        Ok(match b {
            None => Bound::Unbounded,
            Some(b) => {
                let v = eval_token(schema, &b.value, cx)?;
                if b.inclusive {
                    Bound::Included(v)
                } else {
                    Bound::Excluded(v)
                }
            }
        })
    };
    let start = bound(&plan.where_.token_start, cx)?;
    let mut end = bound(&plan.where_.token_end, cx)?;
    // Cassandra: an end bound of the minimum token means "up to the end of the ring".
    if matches!(end, Bound::Included(i64::MIN) | Bound::Excluded(i64::MIN))
        && !matches!(start, Bound::Included(i64::MIN))
    {
        end = Bound::Unbounded;
    }
    let slices = eval_slices(schema, &plan.where_.clustering, cx)?;
    Ok(ReadTargets {
        keys,
        tokens: (start, end),
        slices,
    })
}

/// How a SELECT is run.
#[derive(Debug, Clone)]
pub(crate) struct SelectOptions<'a> {
    /// The request's page size (`None` or non-positive: no paging).
    pub(crate) page_size: Option<i32>,
    /// The paging state from the client.
    pub(crate) paging_state: Option<&'a [u8]>,
    /// The secret paging states are keyed with.
    pub(crate) secret: u64,
    /// The statement's identity (paging states are bound to it).
    pub(crate) statement: u64,
    /// Leave the column specs out.
    pub(crate) skip_metadata: bool,
    /// A new result metadata id to announce.
    pub(crate) new_metadata_id: Option<&'a [u8]>,
    /// The request's time.
    pub(crate) now: Now,
}

/// A filter with its values computed.
struct LiveFilter<'p> {
    filter: &'p Filter,
    values: Vec<Option<Bytes>>,
    map_key: Option<Bytes>,
}

fn eval_filters<'p>(filters: &'p [Filter], cx: &EvalCtx<'_>) -> ExecResult<Vec<LiveFilter<'p>>> {
    let mut out = Vec::with_capacity(filters.len());
    for f in filters {
        let values = f.rhs.eval_values(
            &f.typ,
            cx,
            "Invalid unset value in a restriction",
            "Invalid value in a restriction",
        )?;
        let map_key = match &f.target {
            FilterTarget::MapEntry(_, _, k) => Some(Bytes::copy_from_slice(&key_component(
                k.eval(cx)?,
                "map key",
            )?)),
            _ => None,
        };
        out.push(LiveFilter {
            filter: f,
            values,
            map_key,
        });
    }
    Ok(out)
}

/// A cell being produced.
enum Cell<'r> {
    Null,
    Ref(&'r [u8]),
    Own(Bytes),
}

impl Cell<'_> {
    fn as_slice(&self) -> Option<&[u8]> {
        match self {
            Cell::Null => None,
            Cell::Ref(r) => Some(r),
            Cell::Own(b) => Some(b),
        }
    }

    fn into_bytes(self) -> Option<Bytes> {
        match self {
            Cell::Null => None,
            Cell::Ref(r) => Some(Bytes::copy_from_slice(r)),
            Cell::Own(b) => Some(b),
        }
    }
}

/// One CQL row being looked at.
struct RowCtx<'r, 'v> {
    pk: &'r [Bytes],
    token: i64,
    ck: Option<&'r ClusteringKey>,
    row: Option<&'r RowView<'v>>,
    stat: Option<&'r RowView<'v>>,
    now: Now,
    cx: &'r EvalCtx<'r>,
}

impl<'r> RowCtx<'r, '_> {
    fn view(&self, is_static: bool) -> Option<&'r RowView<'_>> {
        if is_static { self.stat } else { self.row }
    }

    fn eval(&self, sel: &Sel) -> ExecResult<Cell<'r>> {
        Ok(match sel {
            Sel::Pk(i) => self.pk.get(*i).map_or(Cell::Null, |b| Cell::Own(b.clone())),
            Sel::Ck(i) => match self.ck.and_then(|k| k.get(*i)) {
                Some(v) => Cell::Ref(v),
                None => Cell::Null,
            },
            Sel::Col(id, is_static) => match self.view(*is_static).and_then(|v| v.value(*id)) {
                Some(b) => Cell::Own(b),
                None => Cell::Null,
            },
            Sel::WriteTime(id, is_static) => {
                match self.view(*is_static).and_then(|v| v.cell(*id)) {
                    Some(c) => Cell::Own(Bytes::copy_from_slice(&c.timestamp.to_be_bytes())),
                    None => Cell::Null,
                }
            }
            Sel::Ttl(id, is_static) => {
                match self
                    .view(*is_static)
                    .and_then(|v| v.cell(*id))
                    .and_then(|c| c.remaining_ttl(self.now))
                {
                    Some(t) => {
                        let t = i32::try_from(t).unwrap_or(i32::MAX);
                        Cell::Own(Bytes::copy_from_slice(&t.to_be_bytes()))
                    }
                    None => Cell::Null,
                }
            }
            Sel::Token => Cell::Own(Bytes::copy_from_slice(&self.token.to_be_bytes())),
            Sel::Const(c) => match c {
                Some(b) => Cell::Own(b.clone()),
                None => Cell::Null,
            },
            Sel::Func(f, args) => {
                let vals = args
                    .iter()
                    .map(|a| self.eval(a))
                    .collect::<ExecResult<Vec<_>>>()?;
                let refs: Vec<Option<&[u8]>> = vals.iter().map(Cell::as_slice).collect();
                match f.eval(&refs, self.cx.now_micros)? {
                    Some(b) => Cell::Own(b),
                    None => Cell::Null,
                }
            }
            Sel::Cast(inner, from, to) => {
                let v = self.eval(inner)?;
                match functions::cast(from, *to, v.as_slice())? {
                    Some(b) => Cell::Own(b),
                    None => Cell::Null,
                }
            }
            Sel::Field(inner, i) => {
                let v = self.eval(inner)?;
                match v.as_slice().and_then(|b| udt_field(b, *i)) {
                    Some(f) => Cell::Own(Bytes::copy_from_slice(f)),
                    None => Cell::Null,
                }
            }
            Sel::Element(inner, key, is_map) => {
                let v = self.eval(inner)?;
                let key = key_component(key.eval(self.cx)?, "subscript")?;
                match v
                    .as_slice()
                    .and_then(|b| collection_element(b, &key, *is_map))
                {
                    Some(e) => Cell::Own(Bytes::copy_from_slice(e)),
                    None => Cell::Null,
                }
            }
            Sel::Agg(..) => Cell::Null,
        })
    }
}

/// Field `i` of a serialized UDT value.
fn udt_field(b: &[u8], i: usize) -> Option<&[u8]> {
    let mut buf = b;
    for j in 0.. {
        let (len, rest) = buf.split_first_chunk::<4>()?;
        let len = i32::from_be_bytes(*len);
        buf = rest;
        let v = if len < 0 {
            None
        } else {
            let (v, rest) = buf.split_at_checked(len as usize)?;
            buf = rest;
            Some(v)
        };
        if j == i {
            return v;
        }
    }
    None
}

/// `m[key]` or `l[index]` of a serialized collection.
fn collection_element<'a>(b: &'a [u8], key: &[u8], is_map: bool) -> Option<&'a [u8]> {
    let mut buf = b;
    let (n, rest) = buf.split_first_chunk::<4>()?;
    let n = i32::from_be_bytes(*n);
    buf = rest;
    let index = if is_map {
        None
    } else {
        Some(i32::from_be_bytes(key.try_into().ok()?))
    };
    let read = |buf: &mut &'a [u8]| -> Option<&'a [u8]> {
        let (len, rest) = buf.split_first_chunk::<4>()?;
        let len = usize::try_from(i32::from_be_bytes(*len)).ok()?;
        let (v, rest) = rest.split_at_checked(len)?;
        *buf = rest;
        Some(v)
    };
    for i in 0..n.max(0) {
        if is_map {
            let k = read(&mut buf)?;
            let v = read(&mut buf)?;
            if k == key {
                return Some(v);
            }
        } else {
            let v = read(&mut buf)?;
            if Some(i) == index {
                return Some(v);
            }
        }
    }
    None
}

fn check_filter(f: &LiveFilter<'_>, rc: &RowCtx<'_, '_>) -> bool {
    let value: Option<Cell<'_>> = match &f.filter.target {
        FilterTarget::Pk(i) => rc.pk.get(*i).map(|b| Cell::Ref(b)),
        FilterTarget::Ck(i) => rc.ck.and_then(|k| k.get(*i)).map(Cell::Ref),
        FilterTarget::Column(id, is_static) => rc
            .view(*is_static)
            .and_then(|v| v.value(*id))
            .map(Cell::Own),
        FilterTarget::MapEntry(id, is_static, _) => {
            let Some(map) = rc.view(*is_static).and_then(|v| v.value(*id)) else {
                return false;
            };
            let key = f.map_key.as_deref().unwrap_or(&[]);
            collection_element(&map, key, true).map(|e| Cell::Own(Bytes::copy_from_slice(e)))
        }
    };
    let Some(value) = value else {
        return false;
    };
    let Some(v) = value.as_slice() else {
        return false;
    };
    matches_op(
        f.filter.op,
        &f.filter.typ,
        &f.filter.target_type,
        v,
        &f.values,
    )
}

/// Whether `v` (of `target_type`) satisfies `op` against `values` (of `typ`).
pub(crate) fn matches_op(
    op: Operator,
    typ: &ColumnType<'_>,
    target_type: &ColumnType<'_>,
    v: &[u8],
    values: &[Option<Bytes>],
) -> bool {
    let first = values.first().and_then(Option::as_deref);
    let cmp = |b: &[u8]| compare(typ, v, b);
    match op {
        Operator::Eq => first.is_some_and(|b| cmp(b) == CmpOrdering::Equal),
        Operator::Neq => first.is_none_or(|b| cmp(b) != CmpOrdering::Equal),
        Operator::Lt => first.is_some_and(|b| cmp(b) == CmpOrdering::Less),
        Operator::Lte => first.is_some_and(|b| cmp(b) != CmpOrdering::Greater),
        Operator::Gt => first.is_some_and(|b| cmp(b) == CmpOrdering::Greater),
        Operator::Gte => first.is_some_and(|b| cmp(b) != CmpOrdering::Less),
        Operator::In => values
            .iter()
            .flatten()
            .any(|b| cmp(b) == CmpOrdering::Equal),
        Operator::Contains | Operator::ContainsKey => {
            let Some(needle) = first else { return false };
            let (per_entry, key_only, value_only) = match target_type {
                ColumnType::Collection {
                    typ: CollectionType::Map(..),
                    ..
                } => (2, op == Operator::ContainsKey, op == Operator::Contains),
                _ => (1, false, false),
            };
            let Ok(elements) = super::select::elements_of(v, per_entry) else {
                return false;
            };
            elements.iter().enumerate().any(|(i, e)| {
                let is_key = per_entry == 2 && i % 2 == 0;
                let relevant = if key_only {
                    is_key
                } else if value_only {
                    !is_key
                } else {
                    true
                };
                relevant && compare(typ, e, needle) == CmpOrdering::Equal
            })
        }
        _ => false,
    }
}

/// The flat elements of a serialized collection (`per_entry` per entry).
pub(crate) fn elements_of(v: &[u8], per_entry: usize) -> Result<Vec<&[u8]>, ()> {
    let mut buf = v;
    let (n, rest) = buf.split_first_chunk::<4>().ok_or(())?;
    let n = i32::from_be_bytes(*n);
    buf = rest;
    let total = usize::try_from(n)
        .map_err(|_| ())?
        .saturating_mul(per_entry);
    let mut out = Vec::with_capacity(total.min(buf.len() / 4));
    for _ in 0..total {
        let (len, rest) = buf.split_first_chunk::<4>().ok_or(())?;
        let len = usize::try_from(i32::from_be_bytes(*len)).map_err(|_| ())?;
        let (e, rest) = rest.split_at_checked(len).ok_or(())?;
        out.push(e);
        buf = rest;
    }
    Ok(out)
}

/// The running state of one aggregate.
#[derive(Debug, Clone)]
enum AggState {
    Count(i64),
    Extreme(Option<Bytes>),
    Sum(Option<Num>),
    Avg(Option<Num>, i64),
}

impl AggState {
    fn new(kind: AggKind) -> Self {
        match kind {
            AggKind::CountRows | AggKind::Count => AggState::Count(0),
            AggKind::Min | AggKind::Max => AggState::Extreme(None),
            AggKind::Sum => AggState::Sum(None),
            AggKind::Avg => AggState::Avg(None, 0),
        }
    }
}

fn add_nums(a: Num, b: Num) -> Num {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => Num::Int(x.wrapping_add(y)),
        (Num::Float(x), y) => Num::Float(x + y.to_f64()),
        (x, Num::Float(y)) => Num::Float(x.to_f64() + y),
        (Num::Dec(u, s), other) | (other, Num::Dec(u, s)) => {
            let (u2, s2) = other.to_decimal().unwrap_or((BigInt::from(0), 0));
            let scale = s.max(s2);
            let up = |v: BigInt, from: i32| -> BigInt {
                let diff = u32::try_from(i64::from(scale) - i64::from(from))
                    .unwrap_or(0)
                    .min(10_000);
                v * BigInt::from(10).pow(diff)
            };
            Num::Dec(up(u, s) + up(u2, s2), scale)
        }
        (a, b) => Num::Big(a.to_bigint().unwrap_or_default() + b.to_bigint().unwrap_or_default()),
    }
}

/// The average of `sum` over `count` values, as a value of type `t`.
fn average(sum: Option<Num>, count: i64, t: NativeType) -> Option<Vec<u8>> {
    let sum = sum.unwrap_or(Num::Int(0));
    if count == 0 {
        return Num::Int(0).encode(t);
    }
    let result = match (sum, t) {
        (Num::Float(f), _) => Num::Float(f / count as f64),
        (s, NativeType::Float | NativeType::Double) => Num::Float(s.to_f64() / count as f64),
        (Num::Int(i), _) => Num::Int(i / i128::from(count)),
        (Num::Big(b), _) => Num::Big(b / BigInt::from(count)),
        (Num::Dec(u, s), _) => {
            let c = BigInt::from(count);
            let mut result = None;
            for extra in 0..=34u32 {
                let scaled = &u * BigInt::from(10).pow(extra);
                if (&scaled % &c) == BigInt::from(0) {
                    result = Some(Num::Dec(scaled / &c, s.saturating_add(extra as i32)));
                    break;
                }
            }
            result.unwrap_or_else(|| {
                let digits = u32::try_from(functions::digit_count(&u)).unwrap_or(u32::MAX);
                let extra =
                    34u32.saturating_sub(digits.saturating_sub(count.to_string().len() as u32)) + 1;
                let scaled = &u * BigInt::from(10).pow(extra);
                let q = scaled / &c;
                // Round the last digit half to even.
                let ten = BigInt::from(10);
                let last = &q % &ten;
                let mut q = q / &ten;
                let last = last
                    .to_string()
                    .trim_start_matches('-')
                    .parse::<u8>()
                    .unwrap_or(0);
                if last > 5 || (last == 5 && (&q % BigInt::from(2)) != BigInt::from(0)) {
                    if u.sign() == num_bigint_04::Sign::Minus {
                        q -= 1;
                    } else {
                        q += 1;
                    }
                }
                Num::Dec(q, s.saturating_add(extra as i32 - 1))
            })
        }
    };
    result.encode(t)
}

/// Mode of the row collector.
enum Mode<'w> {
    /// Write rows into the body.
    Rows(RowsWriter<'w>),
    /// Accumulate aggregates; keep the first row's plain values.
    Aggregate {
        states: Vec<Option<AggState>>,
        first: Option<Vec<Option<Bytes>>>,
        seen: bool,
    },
    /// Buffer rows for ordering across partitions.
    Buffered(Vec<(Vec<Bytes>, Vec<Option<Bytes>>)>),
}

struct Collector<'p, 'w> {
    plan: &'p SelectPlan,
    filters: Vec<LiveFilter<'p>>,
    mode: Mode<'w>,
    page_size: usize,
    limit_left: u64,
    per_partition: u64,
    emitted: usize,
    partition_rows: u64,
    resume_partition_rows: Option<(PartitionKey, u64)>,
    last: Option<(PartitionKey, Option<Vec<Bytes>>)>,
    last_partition_rows: u64,
    more: bool,
    error: Option<ExecError>,
    pk_parts: Vec<Bytes>,
    now: Now,
    cx: EvalCtx<'p>,
    static_only_rows: bool,
}

impl<'p> Collector<'p, '_> {
    fn candidate(&mut self, p: &PartitionView<'_>, row: Option<&RowView<'_>>) -> Flow {
        let ck = row.and_then(|r| r.clustering());
        let rc = RowCtx {
            pk: &self.pk_parts,
            token: p.key().token,
            ck,
            row,
            stat: p.static_row(),
            now: self.now,
            cx: &self.cx,
        };
        if !self.filters.iter().all(|f| check_filter(f, &rc)) {
            return Flow::Continue;
        }
        if self.partition_rows >= self.per_partition {
            return Flow::NextPartition;
        }
        if self.emitted >= self.page_size {
            self.more = true;
            return Flow::Stop;
        }
        if let Err(e) = Self::emit(&mut self.mode, &self.plan.selectors, &rc) {
            self.error = Some(e);
            return Flow::Stop;
        }
        self.emitted += 1;
        self.partition_rows += 1;
        self.limit_left = self.limit_left.saturating_sub(1);
        let partition_done = self.plan.distinct || self.partition_rows >= self.per_partition;
        self.last = Some((
            p.key().clone(),
            if partition_done {
                None
            } else {
                ck.map(ClusteringKey::to_vec)
            },
        ));
        self.last_partition_rows = self.partition_rows;
        if self.limit_left == 0 {
            return Flow::Stop;
        }
        if self.partition_rows >= self.per_partition || self.plan.distinct {
            return Flow::NextPartition;
        }
        Flow::Continue
    }

    fn emit(mode: &mut Mode<'_>, selectors: &[Sel], rc: &RowCtx<'_, '_>) -> ExecResult<()> {
        match mode {
            Mode::Rows(w) => {
                for sel in selectors {
                    let cell = rc.eval(sel)?;
                    w.append_cell(cell.as_slice())
                        .map_err(|e| ExecError::server(e.to_string()))?;
                }
            }
            Mode::Aggregate {
                states,
                first,
                seen,
            } => {
                *seen = true;
                if first.is_none() {
                    let mut cells = Vec::with_capacity(selectors.len());
                    for sel in selectors {
                        cells.push(rc.eval(sel)?.into_bytes());
                    }
                    *first = Some(cells);
                }
                for (sel, state) in selectors.iter().zip(states.iter_mut()) {
                    let (Sel::Agg(kind, input, itype), Some(state)) = (sel, state) else {
                        continue;
                    };
                    let value = match input {
                        Some(i) => rc.eval(i)?.into_bytes(),
                        None => None,
                    };
                    match (state, kind) {
                        (AggState::Count(n), AggKind::CountRows) => *n += 1,
                        (AggState::Count(n), _) => {
                            if value.is_some() {
                                *n += 1;
                            }
                        }
                        (AggState::Extreme(cur), k) => {
                            if let Some(v) = value.filter(|v| !v.is_empty()) {
                                let replace = match cur {
                                    None => true,
                                    Some(c) => {
                                        let o = compare(itype, &v, c);
                                        if *k == AggKind::Min {
                                            o == CmpOrdering::Less
                                        } else {
                                            o == CmpOrdering::Greater
                                        }
                                    }
                                };
                                if replace {
                                    *cur = Some(v);
                                }
                            }
                        }
                        (AggState::Sum(acc), _) => {
                            if let (Some(v), ColumnType::Native(n)) = (value, itype)
                                && let Some(num) = decode_num(*n, &v)
                            {
                                *acc = Some(match acc.take() {
                                    None => num,
                                    Some(a) => add_nums(a, num),
                                });
                            }
                        }
                        (AggState::Avg(acc, count), _) => {
                            if let (Some(v), ColumnType::Native(n)) = (value, itype)
                                && let Some(num) = decode_num(*n, &v)
                            {
                                *count += 1;
                                *acc = Some(match acc.take() {
                                    None => num,
                                    Some(a) => add_nums(a, num),
                                });
                            }
                        }
                    }
                }
            }
            Mode::Buffered(rows) => {
                let mut cells = Vec::with_capacity(selectors.len());
                for sel in selectors {
                    cells.push(rc.eval(sel)?.into_bytes());
                }
                rows.push((rc.ck.map(ClusteringKey::to_vec).unwrap_or_default(), cells));
            }
        }
        Ok(())
    }
}

impl ReadVisitor for Collector<'_, '_> {
    fn partition(&mut self, p: &PartitionView<'_>) -> Flow {
        self.partition_rows = match &self.resume_partition_rows {
            Some((k, n)) if p.resumed() && k == p.key() => *n,
            _ => 0,
        };
        let schema = self.plan.table.schema();
        self.pk_parts = match schema.split_partition_key(&p.key().key) {
            Ok(parts) => parts
                .into_iter()
                .map(|s| p.key().key.slice_ref(s))
                .collect(),
            Err(e) => {
                self.error = Some(e.into());
                return Flow::Stop;
            }
        };
        Flow::Continue
    }

    fn row(&mut self, p: &PartitionView<'_>, row: &RowView<'_>) -> Flow {
        self.candidate(p, Some(row))
    }

    fn partition_end(&mut self, p: &PartitionView<'_>, live_rows: usize) -> Flow {
        if live_rows == 0 && self.static_only_rows && !p.resumed() && p.static_row().is_some() {
            return match self.candidate(p, None) {
                Flow::NextPartition => Flow::Continue,
                f => f,
            };
        }
        Flow::Continue
    }
}

/// The outcome of a SELECT.
pub(crate) struct SelectResult {
    /// The number of rows written.
    pub(crate) rows: usize,
}

fn read_positive(e: &Expr, cx: &EvalCtx<'_>, what: &str) -> ExecResult<Option<u64>> {
    match e.eval(cx)? {
        Val::Unset => Ok(None),
        Val::Null => Err(ExecError::invalid(format!("Invalid null value of {what}"))),
        Val::Value(b) => {
            let n = read_int(&b, what)?;
            if n <= 0 {
                return Err(ExecError::invalid(format!(
                    "{} must be strictly positive",
                    what.to_uppercase()
                )));
            }
            Ok(Some(n as u64))
        }
    }
}

/// Runs a SELECT whose targets were computed, writing a RESULT Rows body into `out`.
pub(crate) fn run_select(
    plan: &SelectPlan,
    table: &Table,
    targets: ReadTargets,
    cx: EvalCtx<'_>,
    opts: &SelectOptions<'_>,
    out: &mut Vec<u8>,
) -> ExecResult<SelectResult> {
    let limit = plan
        .limit
        .as_ref()
        .map(|e| read_positive(e, &cx, "limit"))
        .transpose()?
        .flatten();
    let per_partition = plan
        .per_partition_limit
        .as_ref()
        .map(|e| read_positive(e, &cx, "per partition limit"))
        .transpose()?
        .flatten();
    let filters = eval_filters(&plan.where_.filters, &cx)?;
    let mut page_size = match opts.page_size {
        Some(n) if n > 0 => n as usize,
        _ => usize::MAX,
    };
    let multi_key = targets.keys.as_ref().is_some_and(|k| k.len() > 1);
    let buffered = plan.ordered && multi_key && !plan.aggregate && !plan.distinct;
    if buffered {
        if page_size != usize::MAX && limit.is_none_or(|l| l > page_size as u64) {
            return Err(ExecError::invalid(
                "Cannot page queries with both ORDER BY and a IN restriction on the partition \
                 key; you must either remove the ORDER BY or the IN and sort client side, or \
                 disable paging for this query",
            ));
        }
        page_size = usize::MAX;
    }
    if plan.aggregate {
        page_size = usize::MAX;
    }
    let resume = match opts.paging_state {
        Some(state) if !plan.aggregate && !buffered => {
            Some(PagingPosition::decode(state, opts.secret, opts.statement)?)
        }
        _ => None,
    };
    let limit_left = match (&resume, limit) {
        (Some(r), _) if r.remaining.is_some() => r.remaining.unwrap_or(u64::MAX),
        (_, Some(l)) if !plan.aggregate => l,
        _ => u64::MAX,
    };
    let schema = table.schema();
    let mut partitions = match &targets.keys {
        Some(keys) => PartitionSelection::Keys(keys.clone()),
        None => PartitionSelection::Tokens {
            start: targets.tokens.0,
            end: targets.tokens.1,
        },
    };
    if let (Some(r), PartitionSelection::Keys(keys)) = (&resume, &mut partitions)
        && !keys.contains(&r.partition)
    {
        return Err(ExecError::invalid("Invalid value for the paging state"));
    }
    if let Some(r) = &resume
        && let Some(ck) = &r.clustering
        && ck.len() != schema.clustering_key().len()
    {
        return Err(ExecError::invalid("Invalid value for the paging state"));
    }
    let cmd = ReadCommand {
        partitions,
        slices: targets.slices,
        reversed: plan.reversed,
        start_after: resume.as_ref().map(|r| ResumePosition {
            partition: r.partition.clone(),
            clustering: r.clustering.clone(),
        }),
        now: opts.now,
    };
    let body_start_flags = out.len() + 4;
    let mode = if plan.aggregate {
        Mode::Aggregate {
            states: plan
                .selectors
                .iter()
                .map(|s| match s {
                    Sel::Agg(k, ..) => Some(AggState::new(*k)),
                    _ => None,
                })
                .collect(),
            first: None,
            seen: false,
        }
    } else if buffered {
        Mode::Buffered(Vec::new())
    } else {
        // The paging state is only known at the end: write the metadata without it and
        // patch the flags afterwards (see below).
        Mode::Rows(rows_writer(out, plan, opts)?)
    };
    let mut collector = Collector {
        plan,
        filters,
        mode,
        page_size,
        limit_left,
        per_partition: per_partition.unwrap_or(u64::MAX),
        emitted: 0,
        partition_rows: 0,
        resume_partition_rows: resume
            .as_ref()
            .map(|r| (r.partition.clone(), r.partition_rows)),
        last: None,
        last_partition_rows: 0,
        more: false,
        error: None,
        pk_parts: Vec::new(),
        now: opts.now,
        cx,
        static_only_rows: !plan.where_.clustering.is_restricted(),
    };
    if limit_left > 0 {
        table.read(&cmd, &mut collector)?;
    }
    if let Some(e) = collector.error.take() {
        return Err(e);
    }
    let more = collector.more;
    let last = collector.last.take();
    let partition_rows = collector.last_partition_rows;
    let limit_left = collector.limit_left;
    match collector.mode {
        Mode::Rows(w) => {
            let rows = w.finish().map_err(|e| ExecError::server(e.to_string()))?;
            if more && let Some((partition, clustering)) = last {
                let done_with_partition = clustering.is_none();
                let state = PagingPosition {
                    partition,
                    clustering,
                    partition_rows: if done_with_partition {
                        0
                    } else {
                        partition_rows
                    },
                    remaining: limit.map(|_| limit_left),
                }
                .encode(opts.secret, opts.statement);
                insert_paging_state(out, body_start_flags, &state)?;
            }
            Ok(SelectResult { rows })
        }
        Mode::Aggregate { states, first, .. } => {
            let mut w = rows_writer(out, plan, opts)?;
            let mut cells: Vec<Option<Bytes>> = Vec::with_capacity(plan.selectors.len());
            for (i, (sel, state)) in plan.selectors.iter().zip(states).enumerate() {
                let cell = match (sel, state) {
                    (Sel::Agg(_, _, itype), Some(state)) => match state {
                        AggState::Count(n) => Some(Bytes::copy_from_slice(&n.to_be_bytes())),
                        AggState::Extreme(v) => v,
                        AggState::Sum(acc) => acc
                            .unwrap_or(Num::Int(0))
                            .encode(sum_type(itype))
                            .map(Bytes::from),
                        AggState::Avg(acc, count) => {
                            average(acc, count, sum_type(itype)).map(Bytes::from)
                        }
                    },
                    _ => first.as_ref().and_then(|f| f.get(i).cloned().flatten()),
                };
                cells.push(cell);
            }
            if limit != Some(0) {
                w.append_row(cells.iter().map(|c| c.as_deref()))
                    .map_err(|e| ExecError::server(e.to_string()))?;
            }
            let rows = w.finish().map_err(|e| ExecError::server(e.to_string()))?;
            Ok(SelectResult { rows })
        }
        Mode::Buffered(mut rows) => {
            let ck_types: Vec<(ColumnType<'static>, bool)> = schema
                .clustering_key()
                .iter()
                .map(|c| {
                    (
                        c.typ.clone(),
                        c.order == crate::store::ClusteringOrder::Desc,
                    )
                })
                .collect();
            rows.sort_by(|a, b| {
                for (i, (t, desc)) in ck_types.iter().enumerate() {
                    let (Some(x), Some(y)) = (a.0.get(i), b.0.get(i)) else {
                        continue;
                    };
                    let mut o = compare(t, x, y);
                    if *desc {
                        o = o.reverse();
                    }
                    if plan.reversed {
                        o = o.reverse();
                    }
                    if o != CmpOrdering::Equal {
                        return o;
                    }
                }
                CmpOrdering::Equal
            });
            let mut w = rows_writer(out, plan, opts)?;
            let take = limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
            for (_, cells) in rows.iter().take(take) {
                w.append_row(cells.iter().map(|c| c.as_deref()))
                    .map_err(|e| ExecError::server(e.to_string()))?;
            }
            let n = w.finish().map_err(|e| ExecError::server(e.to_string()))?;
            Ok(SelectResult { rows: n })
        }
    }
}

/// A writer of a Rows body of `plan`'s columns, with the metadata `opts` asks for and
/// no paging state.
fn rows_writer<'o>(
    out: &'o mut Vec<u8>,
    plan: &SelectPlan,
    opts: &SelectOptions<'_>,
) -> ExecResult<RowsWriter<'o>> {
    let options = MetadataWriteOptions {
        paging_state: None,
        no_metadata: opts.skip_metadata && opts.new_metadata_id.is_none(),
        new_metadata_id: opts.new_metadata_id,
    };
    RowsWriter::new(out, &plan.metadata, &options).map_err(|e| ExecError::server(e.to_string()))
}

/// The type `sum()` and `avg()` of values of type `input` compute in (a counter's sum
/// is a `bigint`).
fn sum_type(input: &ColumnType<'_>) -> NativeType {
    match input {
        ColumnType::Native(NativeType::Counter) => NativeType::BigInt,
        ColumnType::Native(n) => *n,
        _ => NativeType::BigInt,
    }
}

/// Inserts a paging state into a Rows body written without one: sets Has_more_pages
/// in the flags and puts the `[bytes]` state after the column count.
fn insert_paging_state(out: &mut Vec<u8>, flags_at: usize, state: &[u8]) -> ExecResult<()> {
    let flags_end = flags_at + 4;
    let count_end = flags_end + 4;
    let Some(flags) = out.get(flags_at..flags_end) else {
        return Err(ExecError::server("malformed rows body"));
    };
    let mut f = i32::from_be_bytes([flags[0], flags[1], flags[2], flags[3]]);
    f |= scylla_cql::frame::response::result::flags::HAS_MORE_PAGES;
    out[flags_at..flags_end].copy_from_slice(&f.to_be_bytes());
    if out.len() < count_end {
        return Err(ExecError::server("malformed rows body"));
    }
    let mut encoded = Vec::with_capacity(state.len() + 4);
    encoded.extend_from_slice(&(state.len() as i32).to_be_bytes());
    encoded.extend_from_slice(state);
    out.splice(count_end..count_end, encoded);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udt_fields_and_elements() {
        let mut udt = Vec::new();
        udt.extend_from_slice(&1i32.to_be_bytes());
        udt.push(7);
        udt.extend_from_slice(&(-1i32).to_be_bytes());
        udt.extend_from_slice(&2i32.to_be_bytes());
        udt.extend_from_slice(&[8, 9]);
        assert_eq!(udt_field(&udt, 0), Some(&[7u8][..]));
        assert_eq!(udt_field(&udt, 1), None);
        assert_eq!(udt_field(&udt, 2), Some(&[8u8, 9][..]));
        assert_eq!(udt_field(&udt, 3), None);
        assert_eq!(udt_field(&[0xff], 0), None);

        let mut map = 2i32.to_be_bytes().to_vec();
        for (k, v) in [(b"a", b"1"), (b"b", b"2")] {
            map.extend_from_slice(&1i32.to_be_bytes());
            map.extend_from_slice(k);
            map.extend_from_slice(&1i32.to_be_bytes());
            map.extend_from_slice(v);
        }
        assert_eq!(collection_element(&map, b"b", true), Some(&b"2"[..]));
        assert_eq!(collection_element(&map, b"c", true), None);
        assert_eq!(
            collection_element(&map, &0i32.to_be_bytes(), false),
            Some(&b"a"[..])
        );
        assert_eq!(collection_element(&map[..5], b"a", true), None);
    }

    #[test]
    fn averages() {
        let t = NativeType::Int;
        assert_eq!(
            average(Some(Num::Int(7)), 2, t).unwrap(),
            3i32.to_be_bytes().to_vec()
        );
        assert_eq!(average(None, 0, t).unwrap(), 0i32.to_be_bytes().to_vec());
        let d = average(Some(Num::Dec(BigInt::from(3), 0)), 2, NativeType::Decimal).unwrap();
        // 1.5
        assert_eq!(d, vec![0, 0, 0, 1, 15]);
        let d = average(Some(Num::Float(1.0)), 4, NativeType::Double).unwrap();
        assert_eq!(d, 0.25f64.to_be_bytes().to_vec());
    }

    #[test]
    fn paging_state_insertion() {
        let md = ResultMetadata::new(vec![]);
        let mut out = Vec::new();
        RowsWriter::new(&mut out, &md, &MetadataWriteOptions::default())
            .unwrap()
            .finish()
            .unwrap();
        insert_paging_state(&mut out, 4, &[1, 2, 3]).unwrap();
        let Ok(scylla_cql::frame::response::result::Result::Rows((_, paging))) =
            scylla_cql::frame::response::result::deserialize(Bytes::from(out), None)
        else {
            panic!()
        };
        assert!(!paging.finished());
    }

    #[test]
    fn operators() {
        let int = ColumnType::Native(NativeType::Int);
        let v = 5i32.to_be_bytes();
        let b = |n: i32| Some(Bytes::copy_from_slice(&n.to_be_bytes()));
        assert!(matches_op(Operator::Eq, &int, &int, &v, &[b(5)]));
        assert!(matches_op(Operator::Gt, &int, &int, &v, &[b(4)]));
        assert!(!matches_op(Operator::Lt, &int, &int, &v, &[b(4)]));
        assert!(matches_op(Operator::In, &int, &int, &v, &[b(1), b(5)]));
        assert!(matches_op(Operator::Neq, &int, &int, &v, &[b(1)]));
        let set = ColumnType::Collection {
            frozen: false,
            typ: CollectionType::Set(Box::new(int.clone())),
        };
        let mut s = 1i32.to_be_bytes().to_vec();
        s.extend_from_slice(&4i32.to_be_bytes());
        s.extend_from_slice(&5i32.to_be_bytes());
        assert!(matches_op(Operator::Contains, &int, &set, &s, &[b(5)]));
        assert!(!matches_op(Operator::Contains, &int, &set, &s, &[b(6)]));
    }
}
