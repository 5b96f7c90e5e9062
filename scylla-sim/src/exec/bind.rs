//! Values in statements: terms (constants, bind markers, collection literals, function
//! calls) resolved against the type that receives them, the specifications of bind
//! markers as PREPARED reports them, and the evaluation of the resulting expressions
//! with the values a request binds.

use std::borrow::Cow;

use bytes::Bytes;
use scylla_cql::frame::response::column_type::{
    CollectionType, ColumnSpec, ColumnType, NativeType, TableSpec,
};
use scylla_cql::frame::types::RawValue;

use crate::cql::{BindMarker, CqlTypeSyntax, Literal, Term};
use crate::store::validate;
use crate::system::put_bytes;

use super::error::{ExecError, ExecResult};
use super::functions::{self, Func};
use super::values::literal_to_bytes;

/// A value of a statement, computed when the statement runs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// A constant (`None` is null).
    Const(Option<Bytes>),
    /// The value bound to marker `index`, of type `typ`.
    Bind {
        /// The marker's index.
        index: usize,
        /// The type the value must have.
        typ: ColumnType<'static>,
    },
    /// A list, set or non-fixed-size vector literal with some non-constant elements.
    Seq(Vec<Expr>),
    /// A map literal.
    Map(Vec<(Expr, Expr)>),
    /// A tuple or UDT literal: the fields in order.
    Fields(Vec<Expr>),
    /// A vector literal: elements, and whether the element type has a fixed size.
    Vector(Vec<Expr>, bool),
    /// A function call.
    Func(Func, Vec<Expr>),
}

/// A value as bound or computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Val<'a> {
    /// null.
    Null,
    /// The unset marker (leave the column untouched).
    Unset,
    /// A value.
    Value(Cow<'a, [u8]>),
}

impl<'a> Val<'a> {
    /// The bytes, if this is a value.
    pub(crate) fn bytes(&self) -> Option<&[u8]> {
        match self {
            Val::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value as owned `Bytes` (`None` for null), or an error naming `what` for
    /// unset.
    pub(crate) fn into_bytes_or_null(self) -> Option<Bytes> {
        match self {
            Val::Value(Cow::Borrowed(b)) => Some(Bytes::copy_from_slice(b)),
            Val::Value(Cow::Owned(b)) => Some(Bytes::from(b)),
            _ => None,
        }
    }
}

/// What an expression is evaluated with: the bound values and the request's time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EvalCtx<'a> {
    /// The values bound to the markers, by index.
    pub(crate) values: &'a [RawValue<'a>],
    /// The request's time, in microseconds since the epoch.
    pub(crate) now_micros: i64,
}

impl Expr {
    /// Whether evaluating the expression gives the same result every time (no bind
    /// markers, no `now()`).
    fn is_static(&self) -> bool {
        match self {
            Expr::Const(_) => true,
            Expr::Bind { .. } => false,
            Expr::Seq(es) | Expr::Fields(es) | Expr::Vector(es, _) => {
                es.iter().all(Expr::is_static)
            }
            Expr::Map(es) => es.iter().all(|(k, v)| k.is_static() && v.is_static()),
            Expr::Func(f, args) => f.is_pure() && args.iter().all(Expr::is_static),
        }
    }

    /// Computes constant sub-expressions once.
    pub(crate) fn fold(self) -> ExecResult<Expr> {
        if matches!(self, Expr::Const(_) | Expr::Bind { .. }) || !self.is_static() {
            return Ok(self);
        }
        let cx = EvalCtx {
            values: &[],
            now_micros: 0,
        };
        let v = self.eval(&cx)?;
        Ok(Expr::Const(v.into_bytes_or_null()))
    }

    /// Evaluates the expression.
    pub(crate) fn eval<'a>(&'a self, cx: &EvalCtx<'a>) -> ExecResult<Val<'a>> {
        match self {
            Expr::Const(None) => Ok(Val::Null),
            Expr::Const(Some(b)) => Ok(Val::Value(Cow::Borrowed(b))),
            Expr::Bind { index, .. } => match cx.values.get(*index) {
                Some(RawValue::Null) => Ok(Val::Null),
                Some(RawValue::Unset) => Ok(Val::Unset),
                Some(RawValue::Value(v)) => Ok(Val::Value(Cow::Borrowed(v))),
                None => Err(ExecError::invalid(format!(
                    "No value bound for bind variable {index}"
                ))),
            },
            Expr::Seq(items) => {
                let mut out = (items.len() as i32).to_be_bytes().to_vec();
                for item in items {
                    let b = element(item.eval(cx)?)?;
                    put_bytes(&mut out, &b);
                }
                Ok(Val::Value(Cow::Owned(out)))
            }
            Expr::Map(entries) => {
                let mut out = (entries.len() as i32).to_be_bytes().to_vec();
                for (k, v) in entries {
                    let kb = element(k.eval(cx)?)?;
                    let vb = element(v.eval(cx)?)?;
                    put_bytes(&mut out, &kb);
                    put_bytes(&mut out, &vb);
                }
                Ok(Val::Value(Cow::Owned(out)))
            }
            Expr::Fields(fields) => {
                let mut out = Vec::new();
                for f in fields {
                    match f.eval(cx)? {
                        Val::Value(b) => put_bytes(&mut out, &b),
                        Val::Null => out.extend_from_slice(&(-1i32).to_be_bytes()),
                        Val::Unset => {
                            return Err(ExecError::invalid(
                                "Invalid unset value in a tuple or user type literal",
                            ));
                        }
                    }
                }
                Ok(Val::Value(Cow::Owned(out)))
            }
            Expr::Vector(items, fixed) => {
                let mut out = Vec::new();
                for item in items {
                    let b = element(item.eval(cx)?)?;
                    if !*fixed {
                        scylla_cql::frame::types::write_unsigned_vint(b.len() as u64, &mut out);
                    }
                    out.extend_from_slice(&b);
                }
                Ok(Val::Value(Cow::Owned(out)))
            }
            Expr::Func(f, args) => {
                let mut vals = Vec::with_capacity(args.len());
                for a in args {
                    match a.eval(cx)? {
                        Val::Unset => {
                            return Err(ExecError::invalid(format!(
                                "Invalid unset value for argument in call to function {}",
                                f.qualified_name()
                            )));
                        }
                        v => vals.push(v),
                    }
                }
                let refs: Vec<Option<&[u8]>> = vals.iter().map(Val::bytes).collect();
                Ok(match f.eval(&refs, cx.now_micros)? {
                    Some(b) => Val::Value(Cow::Owned(b.to_vec())),
                    None => Val::Null,
                })
            }
        }
    }
}

fn element(v: Val<'_>) -> ExecResult<Cow<'_, [u8]>> {
    match v {
        Val::Value(b) => Ok(b),
        Val::Null => Err(ExecError::invalid(
            "null is not supported inside collections",
        )),
        Val::Unset => Err(ExecError::invalid(
            "unset value is not supported inside collections",
        )),
    }
}

/// Collects the specifications of the bind markers of one statement.
#[derive(Debug, Clone)]
pub(crate) struct BindCollector {
    table: TableSpec<'static>,
    specs: Vec<Option<ColumnSpec<'static>>>,
}

impl BindCollector {
    /// For a statement with `count` markers about table `keyspace.table`.
    pub(crate) fn new(count: usize, keyspace: &str, table: &str) -> Self {
        BindCollector {
            table: TableSpec::owned(keyspace.to_string(), table.to_string()),
            specs: vec![None; count],
        }
    }

    /// Switches the table the next markers belong to (batches).
    pub(crate) fn set_table(&mut self, keyspace: &str, table: &str) {
        self.table = TableSpec::owned(keyspace.to_string(), table.to_string());
    }

    /// Records marker `m`, receiving a value named `name` of type `typ`.
    pub(crate) fn bind(&mut self, m: &BindMarker, name: &str, typ: &ColumnType<'static>) -> Expr {
        if let Some(slot) = self.specs.get_mut(m.index)
            && slot.is_none()
        {
            *slot = Some(ColumnSpec::owned(
                m.name.clone().unwrap_or_else(|| name.to_string()),
                typ.clone(),
                self.table.clone(),
            ));
        }
        Expr::Bind {
            index: m.index,
            typ: typ.clone(),
        }
    }

    /// The specifications, in marker order.
    pub(crate) fn finish(self) -> ExecResult<Vec<ColumnSpec<'static>>> {
        self.specs
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                s.ok_or_else(|| {
                    ExecError::invalid(format!(
                        "Bind variable {i} is used where this cluster cannot type it"
                    ))
                })
            })
            .collect()
    }
}

/// The type a term has on its own, when it says (a function call or a type cast);
/// `None` for constants and markers, which take their receiver's type.
pub(crate) fn term_own_type(term: &Term) -> ExecResult<Option<ColumnType<'static>>> {
    match term {
        Term::FunctionCall(call) => {
            if call.name == "token" {
                return Ok(Some(ColumnType::Native(NativeType::BigInt)));
            }
            let arg_types = call
                .args
                .iter()
                .map(term_own_type)
                .collect::<ExecResult<Vec<_>>>()?;
            Ok(Some(
                functions::resolve(&call.name, &arg_types)?.return_type(),
            ))
        }
        Term::Cast(c) => Ok(Some(native_cast_type(&c.ty)?)),
        _ => Ok(None),
    }
}

fn native_cast_type(ty: &CqlTypeSyntax) -> ExecResult<ColumnType<'static>> {
    match ty {
        CqlTypeSyntax::Native(n) => Ok(ColumnType::Native(*n)),
        other => Err(ExecError::invalid(format!(
            "Type hints are only supported with native types in this cluster (got {other})"
        ))),
    }
}

/// Whether a value of type `from` may be assigned to a receiver of type `to`.
pub(crate) fn assignable(from: &ColumnType<'_>, to: &ColumnType<'_>) -> bool {
    if from == to {
        return true;
    }
    use NativeType as N;
    match (from, to) {
        (ColumnType::Native(a), ColumnType::Native(b)) => matches!(
            (a, b),
            (N::Timeuuid, N::Uuid) | (N::Ascii, N::Text) | (N::BigInt, N::Counter)
        ),
        (ColumnType::Collection { typ: a, .. }, ColumnType::Collection { typ: b, .. }) => a == b,
        (
            ColumnType::UserDefinedType { definition: a, .. },
            ColumnType::UserDefinedType { definition: b, .. },
        ) => a == b,
        _ => false,
    }
}

/// Resolves an optional clause value of native type `typ` (`USING TIMESTAMP`, `TTL`,
/// `TIMEOUT`, `LIMIT`, ...), received by `name` (`[timestamp]`, `[limit]`, ...).
pub(crate) fn clause_expr(
    term: Option<&Term>,
    name: &str,
    typ: NativeType,
    binds: &mut BindCollector,
) -> ExecResult<Option<Expr>> {
    term.map(|t| term_expr(t, name, &ColumnType::Native(typ), binds))
        .transpose()
}

/// Resolves a term received by `name` of type `typ`, recording the markers it
/// contains. Constant parts are computed now.
pub(crate) fn term_expr(
    term: &Term,
    name: &str,
    typ: &ColumnType<'static>,
    binds: &mut BindCollector,
) -> ExecResult<Expr> {
    term_expr_inner(term, name, typ, binds)?.fold()
}

fn term_expr_inner(
    term: &Term,
    name: &str,
    typ: &ColumnType<'static>,
    binds: &mut BindCollector,
) -> ExecResult<Expr> {
    let invalid_literal =
        |what: &str| ExecError::invalid(format!("Invalid {what} literal for {name} of type {typ}"));
    match term {
        Term::Literal(lit) => {
            let bytes = literal_to_bytes(lit, typ, name)?;
            if let Some(b) = &bytes
                && !matches!(lit, Literal::Null)
            {
                validate(typ, b)
                    .map_err(|m| ExecError::invalid(format!("Invalid value for {name}: {m}")))?;
            }
            Ok(Expr::Const(bytes))
        }
        Term::BindMarker(m) => Ok(binds.bind(m, name, typ)),
        Term::List(items) => match typ {
            ColumnType::Collection {
                typ: CollectionType::List(e),
                ..
            } => {
                let spec = format!("value({name})");
                Ok(Expr::Seq(
                    items
                        .iter()
                        .map(|t| term_expr_inner(t, &spec, e, binds))
                        .collect::<ExecResult<_>>()?,
                ))
            }
            ColumnType::Vector { typ: e, dimensions } => {
                if items.len() != usize::from(*dimensions) {
                    return Err(ExecError::invalid(format!(
                        "Invalid vector literal for {name} of type {typ}; expected {dimensions} \
                         elements, but given {}",
                        items.len()
                    )));
                }
                let spec = format!("value({name})");
                let fixed = e.type_size_for_vector().is_some();
                Ok(Expr::Vector(
                    items
                        .iter()
                        .map(|t| term_expr_inner(t, &spec, e, binds))
                        .collect::<ExecResult<_>>()?,
                    fixed,
                ))
            }
            _ => Err(invalid_literal("list")),
        },
        Term::Set(items) => match typ {
            ColumnType::Collection {
                typ: CollectionType::Set(e),
                ..
            } => {
                let spec = format!("value({name})");
                let mut exprs = items
                    .iter()
                    .map(|t| term_expr_inner(t, &spec, e, binds))
                    .collect::<ExecResult<Vec<_>>>()?;
                sort_constant_elements(&mut exprs, e);
                Ok(Expr::Seq(exprs))
            }
            ColumnType::Collection {
                typ: CollectionType::Map(..),
                ..
            } if items.is_empty() => Ok(Expr::Map(Vec::new())),
            _ => Err(invalid_literal("set")),
        },
        Term::Map(entries) => match typ {
            ColumnType::Collection {
                typ: CollectionType::Map(k, v),
                ..
            } => {
                let kspec = format!("key({name})");
                let vspec = format!("value({name})");
                let mut out = Vec::with_capacity(entries.len());
                for (kt, vt) in entries {
                    out.push((
                        term_expr_inner(kt, &kspec, k, binds)?,
                        term_expr_inner(vt, &vspec, v, binds)?,
                    ));
                }
                Ok(Expr::Map(out))
            }
            // `{}` is a value of the type with every field null, written out in full
            // as the fields of any other literal are.
            ColumnType::UserDefinedType { definition, .. } if entries.is_empty() => {
                Ok(Expr::Fields(vec![
                    Expr::Const(None);
                    definition.field_types.len()
                ]))
            }
            _ => Err(invalid_literal("map")),
        },
        Term::Tuple(items) => match typ {
            ColumnType::Tuple(types) => {
                if items.len() > types.len() {
                    return Err(ExecError::invalid(format!(
                        "Invalid tuple literal for {name}: too many elements. Type {typ} expects \
                         {} but got {}",
                        types.len(),
                        items.len()
                    )));
                }
                let mut out = Vec::with_capacity(items.len());
                for (i, (t, ty)) in items.iter().zip(types).enumerate() {
                    let ty = ty.clone().into_owned();
                    out.push(term_expr_inner(t, &format!("{name}[{i}]"), &ty, binds)?);
                }
                Ok(Expr::Fields(out))
            }
            _ => Err(invalid_literal("tuple")),
        },
        Term::UserType(fields) => match typ {
            ColumnType::UserDefinedType { definition, .. } => {
                for (f, _) in fields {
                    if !definition.field_types.iter().any(|(n, _)| n == f) {
                        return Err(ExecError::invalid(format!(
                            "Unknown field '{f}' in value of user defined type {}",
                            definition.name
                        )));
                    }
                }
                let mut out = Vec::with_capacity(definition.field_types.len());
                for (fname, ftype) in &definition.field_types {
                    let ftype = ftype.clone().into_owned();
                    match fields.iter().find(|(n, _)| n == fname) {
                        Some((_, t)) => out.push(term_expr_inner(
                            t,
                            &format!("{name}.{fname}"),
                            &ftype,
                            binds,
                        )?),
                        None => out.push(Expr::Const(None)),
                    }
                }
                // Fields left out are null and still written (as Cassandra does), so
                // that clients see every field of the type.
                Ok(Expr::Fields(out))
            }
            _ => Err(invalid_literal("user type")),
        },
        Term::FunctionCall(call) => {
            if call.keyspace.as_deref().is_some_and(|k| k != "system") {
                return Err(ExecError::invalid(format!(
                    "Unknown function '{}.{}'",
                    call.keyspace.as_deref().unwrap_or(""),
                    call.name
                )));
            }
            if call.name == "token" {
                return Err(ExecError::invalid(
                    "The token function can only be used in the WHERE clause, on the partition key",
                ));
            }
            let arg_types = call
                .args
                .iter()
                .map(term_own_type)
                .collect::<ExecResult<Vec<_>>>()?;
            let func = functions::resolve(&call.name, &arg_types)?;
            let ret = func.return_type();
            if !assignable(&ret, typ) {
                return Err(ExecError::invalid(format!(
                    "Type error: cannot assign result of function {} (type {ret}) to {name} (type \
                     {typ})",
                    func.qualified_name()
                )));
            }
            let fname = func.qualified_name();
            let short = fname.strip_prefix("system.").unwrap_or(&fname).to_string();
            let mut args = Vec::with_capacity(call.args.len());
            for (i, (a, at)) in call.args.iter().zip(func.arg_types()).enumerate() {
                args.push(term_expr_inner(a, &format!("arg{i}({short})"), &at, binds)?);
            }
            Ok(Expr::Func(func, args))
        }
        Term::Cast(c) => {
            let hinted = native_cast_type(&c.ty)?;
            if !assignable(&hinted, typ) {
                return Err(ExecError::invalid(format!(
                    "Cannot assign value of type {hinted} to {name} of type {typ}"
                )));
            }
            term_expr_inner(&c.value, name, &hinted, binds)
        }
    }
}

/// Sorts constant set elements by the element type's order and drops duplicates (a
/// literal `{3, 1, 1}` is the set `{1, 3}`).
fn sort_constant_elements(exprs: &mut Vec<Expr>, e: &ColumnType<'_>) {
    if !exprs.iter().all(|x| matches!(x, Expr::Const(Some(_)))) {
        return;
    }
    let key = |x: &Expr| match x {
        Expr::Const(Some(b)) => b.clone(),
        _ => Bytes::new(),
    };
    exprs.sort_by(|a, b| crate::store::compare(e, &key(a), &key(b)));
    exprs.dedup_by(|a, b| crate::store::compare(e, &key(a), &key(b)).is_eq());
}

/// Reads an `int` value (LIMIT, TTL, list index).
pub(crate) fn read_int(b: &[u8], what: &str) -> ExecResult<i32> {
    <[u8; 4]>::try_from(b).map(i32::from_be_bytes).map_err(|_| {
        ExecError::invalid(format!(
            "Invalid value for {what}: expected 4 bytes, got {}",
            b.len()
        ))
    })
}

/// Reads a `bigint` value (TIMESTAMP, counter deltas, tokens).
pub(crate) fn read_bigint(b: &[u8], what: &str) -> ExecResult<i64> {
    <[u8; 8]>::try_from(b).map(i64::from_be_bytes).map_err(|_| {
        ExecError::invalid(format!(
            "Invalid value for {what}: expected 8 bytes, got {}",
            b.len()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cql::{BindMarker, FunctionCall};

    fn int() -> ColumnType<'static> {
        ColumnType::Native(NativeType::Int)
    }

    fn list(e: ColumnType<'static>) -> ColumnType<'static> {
        ColumnType::Collection {
            frozen: false,
            typ: CollectionType::List(Box::new(e)),
        }
    }

    #[test]
    fn constants_fold_and_markers_are_named() {
        let mut b = BindCollector::new(2, "ks", "t");
        let t = Term::List(vec![
            Term::Literal(Literal::Integer("1".into())),
            Term::BindMarker(BindMarker {
                index: 0,
                name: None,
            }),
        ]);
        let e = term_expr(&t, "l", &list(int()), &mut b).unwrap();
        assert!(matches!(e, Expr::Seq(_)));
        let m = Term::BindMarker(BindMarker {
            index: 1,
            name: Some("x".into()),
        });
        term_expr(&m, "v", &int(), &mut b).unwrap();
        let specs = b.finish().unwrap();
        assert_eq!(specs[0].name(), "value(l)");
        assert_eq!(specs[0].typ(), &int());
        assert_eq!(specs[1].name(), "x");

        let values = [RawValue::Value(&[0, 0, 0, 2])];
        let cx = EvalCtx {
            values: &values,
            now_micros: 0,
        };
        let v = e.eval(&cx).unwrap();
        assert_eq!(
            v.bytes().unwrap(),
            &[0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2]
        );
        let t = Term::List(vec![Term::Literal(Literal::Integer("1".into()))]);
        let e = term_expr(&t, "l", &list(int()), &mut BindCollector::new(0, "k", "t")).unwrap();
        assert!(matches!(e, Expr::Const(Some(_))));
    }

    #[test]
    fn null_inside_a_collection_is_refused() {
        let mut b = BindCollector::new(1, "ks", "t");
        let t = Term::List(vec![Term::BindMarker(BindMarker {
            index: 0,
            name: None,
        })]);
        let e = term_expr(&t, "l", &list(int()), &mut b).unwrap();
        let values = [RawValue::Null];
        let cx = EvalCtx {
            values: &values,
            now_micros: 0,
        };
        assert!(e.eval(&cx).is_err());
    }

    #[test]
    fn functions_are_typed_against_the_receiver() {
        let mut b = BindCollector::new(0, "ks", "t");
        let now = Term::FunctionCall(Box::new(FunctionCall {
            keyspace: None,
            name: "now".into(),
            args: vec![],
        }));
        assert!(term_expr(&now, "v", &int(), &mut b).is_err());
        let e = term_expr(&now, "v", &ColumnType::Native(NativeType::Timeuuid), &mut b).unwrap();
        assert!(matches!(e, Expr::Func(Func::Now, _)));
        let ts = Term::FunctionCall(Box::new(FunctionCall {
            keyspace: None,
            name: "totimestamp".into(),
            args: vec![now],
        }));
        let e = term_expr(&ts, "v", &ColumnType::Native(NativeType::Timestamp), &mut b).unwrap();
        let cx = EvalCtx {
            values: &[],
            now_micros: 0,
        };
        assert_eq!(e.eval(&cx).unwrap().bytes().unwrap().len(), 8);
    }

    #[test]
    fn set_literals_are_sorted() {
        let mut b = BindCollector::new(0, "ks", "t");
        let t = Term::Set(vec![
            Term::Literal(Literal::Integer("3".into())),
            Term::Literal(Literal::Integer("1".into())),
            Term::Literal(Literal::Integer("3".into())),
        ]);
        let typ = ColumnType::Collection {
            frozen: true,
            typ: CollectionType::Set(Box::new(int())),
        };
        let e = term_expr(&t, "s", &typ, &mut b).unwrap();
        let Expr::Const(Some(v)) = e else { panic!() };
        assert_eq!(
            &v[..],
            &[0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 3]
        );
    }

    #[test]
    fn user_type_literals_write_every_field() {
        let udt = ColumnType::UserDefinedType {
            frozen: true,
            definition: std::sync::Arc::new(
                scylla_cql::frame::response::column_type::UserDefinedType {
                    name: "u".into(),
                    keyspace: "ks".into(),
                    field_types: vec![
                        ("a".into(), int()),
                        ("b".into(), int()),
                        ("c".into(), int()),
                    ],
                },
            ),
        };
        let mut b = BindCollector::new(0, "ks", "t");
        let cx = EvalCtx {
            values: &[],
            now_micros: 0,
        };
        // `{a: 1}`: b and c are written as nulls, as Cassandra does.
        let t = Term::UserType(vec![(
            "a".into(),
            Term::Literal(Literal::Integer("1".into())),
        )]);
        let e = term_expr(&t, "u", &udt, &mut b).unwrap();
        let v = e.eval(&cx).unwrap();
        assert_eq!(
            v.bytes().unwrap(),
            &[
                0, 0, 0, 4, 0, 0, 0, 1, 255, 255, 255, 255, 255, 255, 255, 255
            ]
        );
        // `{}`: every field null.
        let e = term_expr(&Term::Map(vec![]), "u", &udt, &mut b).unwrap();
        assert_eq!(e.eval(&cx).unwrap().bytes().unwrap(), &[255; 12]);
    }
}
