//! Golden vectors from a third-party referee: the Python `cassandra-driver`.
//!
//! `tests/golden/vectors.json` is written by `tests/golden/generate.py`, which runs the
//! Python driver's own encoders and decoders; `make golden-check` (part of `make test`)
//! proves the committed file is exactly what the driver produces. For EVERY vector:
//!
//! - values: the CQL type string (our `cql_type_parser`) and the class name (our
//!   `custom_type_parser`) must describe the same type; the driver's bytes must
//!   deserialize into the driver's decoded value (as a `CqlValue`), and that value must
//!   serialize back to the driver's bytes, byte for byte;
//! - requests: the driver's frame must decode (header, extensions, decompression,
//!   message) to every field the vector describes, and our encoders, fed the
//!   description, must write the driver's frame byte for byte (maps compared as sets
//!   of entries: their order is a hash order on both sides; compressed bytes are not
//!   canonical, so compressed frames are compared after decompression);
//! - responses: the frame must decode to the driver's decoded view field by field
//!   (rows through `CqlValue`) and re-encode with our encoders to the same bytes.
//!
//! Finally, the vectors must cover every opcode, every result kind and every CQL type.
//!
//! Where the referee's view is spelled differently, the comparison says so: the
//! Python driver prints vector column types as
//! `org.apache.cassandra.db.marshal.VectorType<float, 3>` (read here as
//! `vector<float, 3>`), keeps SUPPORTED's `CQL_VERSION` apart from the other options,
//! and numbers write types its own way (`python_write_type`). A Rows body rebuilt by
//! our `RowsWriter` may differ from the referee's frame only where a writer is free
//! to choose (a global table spec, the spacing of a custom class name), and must then
//! decode to the same metadata and the same row bytes.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;
use scylla_cql::deserialize::FrameSlice;
use scylla_cql::deserialize::result::RawRowIterator;
use scylla_cql::deserialize::value::DeserializeValue;
use scylla_cql::frame::protocol_features::ProtocolFeatures;
use scylla_cql::frame::request::batch::{BatchStatement, BatchType};
use scylla_cql::frame::request::query::PagingState;
use scylla_cql::frame::request::{
    AnyRequest, AuthResponse, Batch, DeserializableRequest, Execute, Options, Prepare, Query,
    QueryParameters, Register, Request, RequestOpcode, SerializableRequest, Startup,
};
use scylla_cql::frame::response::error::{DbError, WriteType};
use scylla_cql::frame::response::event::{
    Event, SchemaChangeEvent, StatusChangeEvent, TopologyChangeEvent,
};
use scylla_cql::frame::response::paging_state_shim::PagingStateResponse;
use scylla_cql::frame::response::result::{
    self, CollectionType, ColumnSpec, ColumnType, DeserializedMetadataAndRawRows,
    MetadataWriteOptions, NativeType, ResultMetadata, RowsWriter, TableSpec, UserDefinedType,
};
use scylla_cql::frame::response::{
    NonErrorResponseWithDeserializedMetadata, Response, ResponseOpcode, ResponseV2,
    ResponseWithDeserializedMetadata, cql_type_parser, custom_type_parser,
};
use scylla_cql::frame::server_event_type::EventType;
use scylla_cql::frame::types::{Consistency, RawValue, SerialConsistency};
use scylla_cql::frame::{
    Compression, FrameHeader, ResponseExtensions, SerializedRequest, SerializedResponse,
    decompress, flag, parse_request_body_extensions, parse_response_body_extensions,
};
use scylla_cql::serialize::row::SerializedValues;
use scylla_cql::serialize::value::SerializeValue;
use scylla_cql::serialize::writers::CellWriter;
use scylla_cql::value::{
    Counter, CqlDate, CqlDecimal, CqlDuration, CqlTime, CqlTimestamp, CqlTimeuuid, CqlValue,
    CqlVarint, Row, deser_cql_value,
};
use serde_json::Value as J;
use uuid::Uuid;

type Check = Result<(), String>;

/// Fails the check with a formatted message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err(format!($($msg)+));
        }
    };
}

/// Fails the check unless the two sides are equal, showing both.
macro_rules! ensure_eq {
    ($left:expr, $right:expr, $what:expr) => {{
        let (l, r) = (&$left, &$right);
        if l != r {
            return Err(format!("{}: ours {:?}, referee {:?}", $what, l, r));
        }
    }};
}

// =======================================================================================
// Loading and small helpers
// =======================================================================================

fn vectors() -> J {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/vectors.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn section<'a>(v: &'a J, name: &str) -> &'a [J] {
    v[name]
        .as_array()
        .unwrap_or_else(|| panic!("no {name} in vectors.json"))
}

/// Runs `check` on every vector of a section and reports all failures at once.
fn run_all(vs: &[J], check: impl Fn(&J) -> Check) {
    assert!(!vs.is_empty());
    let failures: Vec<String> = vs
        .iter()
        .filter_map(|v| check(v).err().map(|e| format!("{}: {e}", v["name"])))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} golden vectors fail:\n{}",
        failures.len(),
        vs.len(),
        failures.join("\n")
    );
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    ensure!(s.len().is_multiple_of(2), "odd hex length in {s:?}");
    (0..s.len())
        .step_by(2)
        .map(|i| {
            s.get(i..i + 2)
                .and_then(|b| u8::from_str_radix(b, 16).ok())
                .ok_or_else(|| format!("bad hex {s:?}"))
        })
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn st<'a>(j: &'a J, key: &str) -> Result<&'a str, String> {
    j[key]
        .as_str()
        .ok_or_else(|| format!("{key} is not a string in {j}"))
}

fn int(j: &J, key: &str) -> Result<i64, String> {
    j[key]
        .as_i64()
        .ok_or_else(|| format!("{key} is not an integer in {j}"))
}

fn arr<'a>(j: &'a J, key: &str) -> Result<&'a [J], String> {
    j[key]
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| format!("{key} is not an array in {j}"))
}

fn opt_hex(j: &J) -> Result<Option<Vec<u8>>, String> {
    match j {
        J::Null => Ok(None),
        J::String(s) => unhex(s).map(Some),
        other => Err(format!("expected hex or null, got {other}")),
    }
}

fn consistency(name: &str) -> Result<Consistency, String> {
    (0..=10u16)
        .filter_map(|c| Consistency::try_from(c).ok())
        .find(|c| c.as_str() == name)
        .ok_or_else(|| format!("unknown consistency {name}"))
}

fn serial_consistency(j: &J) -> Result<Option<SerialConsistency>, String> {
    match j {
        J::Null => Ok(None),
        J::String(s) => SerialConsistency::try_from(consistency(s)?)
            .map(Some)
            .map_err(|e| e.to_string()),
        other => Err(format!("bad serial consistency {other}")),
    }
}

fn compression(j: &J) -> Result<Option<Compression>, String> {
    match j {
        J::Null => Ok(None),
        J::String(s) => s.parse().map(Some).map_err(|e| format!("{e}")),
        other => Err(format!("bad compression {other}")),
    }
}

// =======================================================================================
// Types
// =======================================================================================

fn native(n: NativeType) -> ColumnType<'static> {
    ColumnType::Native(n)
}

/// The `address` UDT the value vectors use.
fn address_udt() -> Arc<UserDefinedType<'static>> {
    Arc::new(UserDefinedType {
        name: "address".into(),
        keyspace: "ks".into(),
        field_types: vec![
            ("street".into(), native(NativeType::Text)),
            ("number".into(), native(NativeType::Int)),
            (
                "tags".into(),
                ColumnType::Collection {
                    frozen: false,
                    typ: CollectionType::Set(Box::new(native(NativeType::Text))),
                },
            ),
        ],
    })
}

/// `typ` with every `frozen` flag cleared: the protocol's `[option]` does not carry
/// frozenness, and the referee's class names and type strings do not agree on it.
fn unfrozen(typ: &ColumnType<'_>) -> ColumnType<'static> {
    match typ {
        ColumnType::Collection { typ, .. } => ColumnType::Collection {
            frozen: false,
            typ: match typ {
                CollectionType::List(t) => CollectionType::List(Box::new(unfrozen(t))),
                CollectionType::Set(t) => CollectionType::Set(Box::new(unfrozen(t))),
                CollectionType::Map(k, v) => {
                    CollectionType::Map(Box::new(unfrozen(k)), Box::new(unfrozen(v)))
                }
                other => panic!("unknown collection {other:?}"),
            },
        },
        ColumnType::Vector { typ, dimensions } => ColumnType::Vector {
            typ: Box::new(unfrozen(typ)),
            dimensions: *dimensions,
        },
        ColumnType::UserDefinedType { definition, .. } => ColumnType::UserDefinedType {
            frozen: false,
            definition: Arc::new(UserDefinedType {
                name: definition.name.to_string().into(),
                keyspace: definition.keyspace.to_string().into(),
                field_types: definition
                    .field_types
                    .iter()
                    .map(|(n, t)| (n.to_string().into(), unfrozen(t)))
                    .collect(),
            }),
        },
        ColumnType::Tuple(ts) => ColumnType::Tuple(ts.iter().map(unfrozen).collect()),
        other => other.clone().into_owned(),
    }
}

/// Every UDT definition inside `typ`, by name.
fn collect_udts(typ: &ColumnType<'_>, out: &mut HashMap<String, Arc<UserDefinedType<'static>>>) {
    match typ {
        ColumnType::Collection { typ, .. } => match typ {
            CollectionType::List(t) | CollectionType::Set(t) => collect_udts(t, out),
            CollectionType::Map(k, v) => {
                collect_udts(k, out);
                collect_udts(v, out);
            }
            other => panic!("unknown collection {other:?}"),
        },
        ColumnType::Vector { typ, .. } => collect_udts(typ, out),
        ColumnType::UserDefinedType { definition, .. } => {
            let owned = Arc::new(definition.as_ref().clone().into_owned());
            out.insert(definition.name.to_string(), owned);
            for (_, t) in &definition.field_types {
                collect_udts(t, out);
            }
        }
        ColumnType::Tuple(ts) => ts.iter().for_each(|t| collect_udts(t, out)),
        _ => {}
    }
}

/// What kinds of type `typ` contains: native type names, `list`, `set`, `map`,
/// `tuple`, `udt`, `vector`, `custom`.
fn type_kinds(typ: &ColumnType<'_>, out: &mut BTreeSet<String>) {
    match typ {
        ColumnType::Native(n) => {
            out.insert(format!("{n:?}"));
        }
        ColumnType::Collection { typ, .. } => match typ {
            CollectionType::List(t) => {
                out.insert("list".into());
                type_kinds(t, out);
            }
            CollectionType::Set(t) => {
                out.insert("set".into());
                type_kinds(t, out);
            }
            CollectionType::Map(k, v) => {
                out.insert("map".into());
                type_kinds(k, out);
                type_kinds(v, out);
            }
            other => panic!("unknown collection {other:?}"),
        },
        ColumnType::Vector { typ, .. } => {
            out.insert("vector".into());
            type_kinds(typ, out);
        }
        ColumnType::UserDefinedType { definition, .. } => {
            out.insert("udt".into());
            for (_, t) in &definition.field_types {
                type_kinds(t, out);
            }
        }
        ColumnType::Tuple(ts) => {
            out.insert("tuple".into());
            ts.iter().for_each(|t| type_kinds(t, out));
        }
        ColumnType::Custom(_) => {
            out.insert("custom".into());
        }
        other => panic!("unknown column type {other:?}"),
    }
}

fn all_type_kinds() -> BTreeSet<String> {
    let mut all: BTreeSet<String> = NativeType::ALL.iter().map(|n| format!("{n:?}")).collect();
    for k in ["list", "set", "map", "tuple", "udt", "vector", "custom"] {
        all.insert(k.into());
    }
    all
}

/// Parses a type as the Python driver prints it (`cql_parameterized_type`), with the
/// UDTs `udts` knows. The driver prints vectors as
/// `org.apache.cassandra.db.marshal.VectorType<float, 3>`; that spelling is turned
/// into CQL's `vector<float, 3>` first.
fn parse_python_cql_type(
    s: &str,
    udts: &HashMap<String, Arc<UserDefinedType<'static>>>,
) -> Result<ColumnType<'static>, String> {
    let s = s.replace("org.apache.cassandra.db.marshal.VectorType<", "vector<");
    cql_type_parser::parse_cql_type(&s, |name| udts.get(name).cloned())
        .map_err(|e| format!("cannot parse the referee's type {s:?}: {e}"))
}

/// Compares column specs with the referee's `[keyspace, table, name, type]` rows.
fn check_columns(specs: &[ColumnSpec<'_>], view: &[J], what: &str) -> Check {
    ensure_eq!(specs.len(), view.len(), format!("{what}: column count"));
    for (i, (spec, v)) in specs.iter().zip(view).enumerate() {
        let v = v.as_array().ok_or("column view is not an array")?;
        let field = |k: usize| v.get(k).and_then(J::as_str).unwrap_or("?");
        ensure_eq!(
            spec.table_spec().ks_name(),
            field(0),
            format!("{what} {i} keyspace")
        );
        ensure_eq!(
            spec.table_spec().table_name(),
            field(1),
            format!("{what} {i} table")
        );
        ensure_eq!(spec.name(), field(2), format!("{what} {i} name"));
        let mut udts = HashMap::new();
        collect_udts(spec.typ(), &mut udts);
        let theirs = parse_python_cql_type(field(3), &udts)?;
        ensure_eq!(
            unfrozen(spec.typ()),
            unfrozen(&theirs),
            format!("{what} {i} ({}) type", spec.name())
        );
    }
    Ok(())
}

// =======================================================================================
// Values: typed JSON <-> CqlValue
// =======================================================================================

/// The referee's typed JSON (`{"int": 5}`, `{"list": [...]}`, `null`) as a `CqlValue`.
fn typed(j: &J) -> Result<Option<CqlValue>, String> {
    if j.is_null() {
        return Ok(None);
    }
    let obj = j
        .as_object()
        .ok_or_else(|| format!("not a typed value: {j}"))?;
    ensure!(obj.len() == 1, "a typed value has one key: {j}");
    let Some((kind, v)) = obj.iter().next() else {
        unreachable!()
    };
    let s = || {
        v.as_str()
            .ok_or_else(|| format!("{kind} wants a string: {v}"))
    };
    let i = || {
        v.as_i64()
            .ok_or_else(|| format!("{kind} wants an integer: {v}"))
    };
    let some = |v: CqlValue| Ok(Some(v));
    let elems = || -> Result<Vec<CqlValue>, String> {
        v.as_array()
            .ok_or_else(|| format!("{kind} wants an array"))?
            .iter()
            .map(|e| typed(e)?.ok_or_else(|| format!("null element in {kind}")))
            .collect()
    };
    match kind.as_str() {
        "ascii" => some(CqlValue::Ascii(s()?.to_owned())),
        "text" => some(CqlValue::Text(s()?.to_owned())),
        "boolean" => some(CqlValue::Boolean(v.as_bool().ok_or("boolean")?)),
        "blob" => some(CqlValue::Blob(unhex(s()?)?)),
        "counter" => some(CqlValue::Counter(Counter(i()?))),
        "tinyint" => some(CqlValue::TinyInt(
            i8::try_from(i()?).map_err(|e| e.to_string())?,
        )),
        "smallint" => some(CqlValue::SmallInt(
            i16::try_from(i()?).map_err(|e| e.to_string())?,
        )),
        "int" => some(CqlValue::Int(
            i32::try_from(i()?).map_err(|e| e.to_string())?,
        )),
        "bigint" => some(CqlValue::BigInt(i()?)),
        "float" => some(CqlValue::Float(
            s()?.parse().map_err(|e| format!("float {v}: {e}"))?,
        )),
        "double" => some(CqlValue::Double(
            s()?.parse().map_err(|e| format!("double {v}: {e}"))?,
        )),
        "timestamp" => some(CqlValue::Timestamp(CqlTimestamp(i()?))),
        "date" => some(CqlValue::Date(CqlDate(
            u32::try_from(i()?).map_err(|e| e.to_string())?,
        ))),
        "time" => some(CqlValue::Time(CqlTime(i()?))),
        "uuid" => some(CqlValue::Uuid(
            Uuid::parse_str(s()?).map_err(|e| e.to_string())?,
        )),
        "timeuuid" => some(CqlValue::Timeuuid(CqlTimeuuid::from(
            Uuid::parse_str(s()?).map_err(|e| e.to_string())?,
        ))),
        "inet" => some(CqlValue::Inet(
            s()?.parse::<IpAddr>().map_err(|e| e.to_string())?,
        )),
        "varint" => some(CqlValue::Varint(CqlVarint::from_signed_bytes_be(unhex(
            s()?,
        )?))),
        "decimal" => some(CqlValue::Decimal(
            CqlDecimal::from_signed_be_bytes_and_exponent(
                unhex(st(v, "unscaled")?)?,
                i32::try_from(int(v, "scale")?).map_err(|e| e.to_string())?,
            ),
        )),
        "duration" => {
            let parts = v.as_array().ok_or("duration wants [m, d, ns]")?;
            let part = |k: usize| parts.get(k).and_then(J::as_i64).ok_or("duration part");
            some(CqlValue::Duration(CqlDuration {
                months: i32::try_from(part(0)?).map_err(|e| e.to_string())?,
                days: i32::try_from(part(1)?).map_err(|e| e.to_string())?,
                nanoseconds: part(2)?,
            }))
        }
        "list" => some(CqlValue::List(elems()?)),
        "set" => some(CqlValue::Set(elems()?)),
        "vector" => some(CqlValue::Vector(elems()?)),
        "map" => {
            let pairs = v.as_array().ok_or("map wants pairs")?;
            let mut out = Vec::new();
            for p in pairs {
                let kv = p.as_array().ok_or("map entry")?;
                ensure!(kv.len() == 2, "map entry {p}");
                let k = typed(&kv[0])?.ok_or("null map key")?;
                let x = typed(&kv[1])?.ok_or("null map value")?;
                out.push((k, x));
            }
            some(CqlValue::Map(out))
        }
        "tuple" => some(CqlValue::Tuple(
            v.as_array()
                .ok_or("tuple wants an array")?
                .iter()
                .map(typed)
                .collect::<Result<_, _>>()?,
        )),
        "udt" => {
            let mut fields = Vec::new();
            for f in arr(v, "fields")? {
                let nv = f.as_array().ok_or("udt field")?;
                ensure!(nv.len() == 2, "udt field {f}");
                let name = nv[0].as_str().ok_or("udt field name")?.to_owned();
                fields.push((name, typed(&nv[1])?));
            }
            some(CqlValue::UserDefinedType {
                keyspace: st(v, "keyspace")?.to_owned(),
                name: st(v, "name")?.to_owned(),
                fields,
            })
        }
        other => Err(format!("unknown typed kind {other}")),
    }
}

/// Equality of CQL values where floats compare by bits (NaN equals itself, -0.0 is
/// not 0.0) and varints/decimals compare by their exact bytes.
fn cql_eq(a: &CqlValue, b: &CqlValue) -> bool {
    fn all(a: &[CqlValue], b: &[CqlValue]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| cql_eq(x, y))
    }
    fn opt(a: &Option<CqlValue>, b: &Option<CqlValue>) -> bool {
        match (a, b) {
            (None, None) => true,
            (Some(x), Some(y)) => cql_eq(x, y),
            _ => false,
        }
    }
    match (a, b) {
        (CqlValue::Float(x), CqlValue::Float(y)) => x.to_bits() == y.to_bits(),
        (CqlValue::Double(x), CqlValue::Double(y)) => x.to_bits() == y.to_bits(),
        (CqlValue::Varint(x), CqlValue::Varint(y)) => {
            x.as_signed_bytes_be_slice() == y.as_signed_bytes_be_slice()
        }
        (CqlValue::Decimal(x), CqlValue::Decimal(y)) => {
            x.as_signed_be_bytes_slice_and_exponent() == y.as_signed_be_bytes_slice_and_exponent()
        }
        (CqlValue::List(x), CqlValue::List(y))
        | (CqlValue::Set(x), CqlValue::Set(y))
        | (CqlValue::Vector(x), CqlValue::Vector(y)) => all(x, y),
        (CqlValue::Map(x), CqlValue::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((k1, v1), (k2, v2))| cql_eq(k1, k2) && cql_eq(v1, v2))
        }
        (CqlValue::Tuple(x), CqlValue::Tuple(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| opt(p, q))
        }
        (
            CqlValue::UserDefinedType {
                keyspace: k1,
                name: n1,
                fields: f1,
            },
            CqlValue::UserDefinedType {
                keyspace: k2,
                name: n2,
                fields: f2,
            },
        ) => {
            k1 == k2
                && n1 == n2
                && f1.len() == f2.len()
                && f1
                    .iter()
                    .zip(f2)
                    .all(|((a1, v1), (a2, v2))| a1 == a2 && opt(v1, v2))
        }
        _ => a == b,
    }
}

fn opt_cql_eq(a: &Option<CqlValue>, b: &Option<CqlValue>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => cql_eq(x, y),
        _ => false,
    }
}

fn serialize_value(v: &CqlValue, typ: &ColumnType<'_>) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    v.serialize(typ, CellWriter::new(&mut buf))
        .map_err(|e| format!("serializing {v:?} as {typ}: {e}"))?;
    Ok(buf)
}

/// A `[bytes]` cell: the length, then the content.
fn cell(content: &[u8]) -> Vec<u8> {
    let mut out = (content.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(content);
    out
}

// =======================================================================================
// Values
// =======================================================================================

fn check_value(v: &J) -> Check {
    let cql = st(v, "cql_type")?;
    let class = st(v, "class_type")?;
    let raw = unhex(st(v, "hex")?)?;
    let expected = typed(&v["value"])?.ok_or("a value vector is never null")?;

    // The two type syntaxes describe the same type.
    let lookup = |name: &str| (name == "address").then(address_udt);
    let typ = cql_type_parser::parse_cql_type(cql, lookup)
        .map_err(|e| format!("CQL type {cql:?}: {e}"))?;
    let from_class =
        custom_type_parser::parse(class).map_err(|e| format!("class name {class:?}: {e}"))?;
    ensure_eq!(
        unfrozen(&typ),
        unfrozen(&from_class),
        "CQL type vs class name"
    );
    // Our own printers read back: CQL syntax, class name, [option].
    let reparsed = cql_type_parser::parse_cql_type(&typ.to_string(), lookup)
        .map_err(|e| format!("our CQL spelling {typ}: {e}"))?;
    ensure_eq!(reparsed, typ, format!("CQL spelling {typ}"));
    let class_back = custom_type_parser::parse(&typ.to_class_name())
        .map_err(|e| format!("our class name {}: {e}", typ.to_class_name()))?;
    ensure_eq!(
        unfrozen(&class_back),
        unfrozen(&typ),
        "class name round trip"
    );
    let mut option = Vec::new();
    typ.serialize_option(&mut option)
        .map_err(|e| e.to_string())?;
    let mut option_slice = &option[..];
    let option_back =
        ColumnType::deserialize_option(&mut option_slice).map_err(|e| e.to_string())?;
    ensure!(option_slice.is_empty(), "[option] left bytes");
    ensure_eq!(
        unfrozen(&option_back),
        unfrozen(&typ),
        "[option] round trip"
    );

    // The referee's bytes deserialize to the referee's value, whichever type we use.
    let frame = Bytes::from(raw.clone());
    for t in [&typ, &from_class] {
        let got = CqlValue::deserialize(t, Some(FrameSlice::new(&frame)))
            .map_err(|e| format!("deserializing as {t}: {e}"))?;
        ensure!(
            cql_eq(&got, &expected),
            "deserialized as {t}: ours {got:?}, referee {expected:?}"
        );
    }
    let mut rest = &raw[..];
    let got = deser_cql_value(&typ, &mut rest).map_err(|e| format!("deser_cql_value: {e}"))?;
    ensure!(cql_eq(&got, &expected), "deser_cql_value: {got:?}");
    ensure!(rest.is_empty(), "deser_cql_value left {} bytes", rest.len());

    // The referee's value serializes to the referee's bytes.
    for t in [&typ, &from_class] {
        ensure_eq!(
            hex(&serialize_value(&expected, t)?),
            hex(&cell(&raw)),
            format!("serialized as {t}")
        );
    }
    Ok(())
}

#[test]
fn golden_values() {
    let v = vectors();
    run_all(section(&v, "values"), check_value);
}

#[test]
fn golden_values_cover_every_cql_type() {
    let v = vectors();
    let mut seen = BTreeSet::new();
    for vec in section(&v, "values") {
        let cql = vec["cql_type"].as_str().unwrap();
        let typ =
            cql_type_parser::parse_cql_type(cql, |n| (n == "address").then(address_udt)).unwrap();
        type_kinds(&typ, &mut seen);
    }
    let missing: Vec<_> = all_type_kinds().difference(&seen).cloned().collect();
    assert!(missing.is_empty(), "no value vector for {missing:?}");
}

// =======================================================================================
// Requests
// =======================================================================================

/// A frame with its `[bytes map]`/`[string map]` entries in sorted order, so that two
/// encodings that differ only in map order compare equal. Parsed by hand (not with the
/// decoders under test): the custom payload at the start of the body if the flag says
/// so, then the STARTUP options or the SUPPORTED multimap.
fn canonical_frame(frame: &[u8]) -> Result<Vec<u8>, String> {
    fn take<'a>(buf: &mut &'a [u8], n: usize) -> Result<&'a [u8], String> {
        ensure!(buf.len() >= n, "truncated map");
        let (head, tail) = buf.split_at(n);
        *buf = tail;
        Ok(head)
    }
    fn short(buf: &mut &[u8]) -> Result<usize, String> {
        let b = take(buf, 2)?;
        Ok(usize::from(u16::from_be_bytes([b[0], b[1]])))
    }
    fn string<'a>(buf: &mut &'a [u8]) -> Result<&'a [u8], String> {
        let start = *buf;
        let n = short(buf)?;
        take(buf, n)?;
        Ok(&start[..2 + n])
    }
    fn bytes_<'a>(buf: &mut &'a [u8]) -> Result<&'a [u8], String> {
        let start = *buf;
        let b = take(buf, 4)?;
        let n = i32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        let n = usize::try_from(n).unwrap_or(0);
        take(buf, n)?;
        Ok(&start[..4 + n])
    }
    fn string_list<'a>(buf: &mut &'a [u8]) -> Result<&'a [u8], String> {
        let start = *buf;
        let n = short(buf)?;
        for _ in 0..n {
            string(buf)?;
        }
        Ok(&start[..start.len() - buf.len()])
    }
    fn sorted_map(
        buf: &mut &[u8],
        value: fn(&mut &[u8]) -> Result<(), String>,
        out: &mut Vec<u8>,
    ) -> Check {
        let n = short(buf)?;
        let mut entries = Vec::new();
        for _ in 0..n {
            let start = *buf;
            string(buf)?;
            value(buf)?;
            entries.push(&start[..start.len() - buf.len()]);
        }
        entries.sort();
        out.extend_from_slice(&(n as u16).to_be_bytes());
        entries.iter().for_each(|e| out.extend_from_slice(e));
        Ok(())
    }
    ensure!(frame.len() >= 9, "short frame");
    let (header, mut body) = frame.split_at(9);
    let mut out = header.to_vec();
    let (flags, opcode, response) = (header[1], header[4], header[0] & 0x80 != 0);
    if flags & flag::COMPRESSION != 0 {
        out.extend_from_slice(body);
        return Ok(out);
    }
    if response && flags & flag::TRACING != 0 {
        out.extend_from_slice(take(&mut body, 16)?);
    }
    if response && flags & flag::WARNING != 0 {
        out.extend_from_slice(string_list(&mut body)?);
    }
    if flags & flag::CUSTOM_PAYLOAD != 0 {
        sorted_map(&mut body, |b| bytes_(b).map(drop), &mut out)?;
    }
    if !response && opcode == RequestOpcode::Startup as u8 {
        sorted_map(&mut body, |b| string(b).map(drop), &mut out)?;
    }
    if response && opcode == ResponseOpcode::Supported as u8 {
        sorted_map(&mut body, |b| string_list(b).map(drop), &mut out)?;
    }
    out.extend_from_slice(body);
    Ok(out)
}

fn payload_of(j: &J) -> Result<Option<HashMap<String, Bytes>>, String> {
    match j {
        J::Null => Ok(None),
        J::Object(m) => m
            .iter()
            .map(|(k, v)| {
                let b = unhex(v.as_str().ok_or("payload value")?)?;
                Ok((k.clone(), Bytes::from(b)))
            })
            .collect::<Result<HashMap<_, _>, String>>()
            .map(Some),
        other => Err(format!("bad custom payload {other}")),
    }
}

/// A list of `[value]`s as the vectors write them: hex, `null` or `"unset"`.
fn raw_values(j: &J) -> Result<Vec<Option<Option<Vec<u8>>>>, String> {
    let Some(list) = j.as_array() else {
        return Ok(Vec::new());
    };
    list.iter()
        .map(|v| match v {
            J::Null => Ok(Some(None)),
            J::String(s) if s == "unset" => Ok(None),
            J::String(s) => unhex(s).map(|b| Some(Some(b))),
            other => Err(format!("bad value {other}")),
        })
        .collect()
}

/// Values in our decoded form, in the vectors' form.
fn decoded_values(values: &SerializedValues) -> Vec<Option<Option<Vec<u8>>>> {
    values
        .iter()
        .map(|v| match v {
            RawValue::Null => Some(None),
            RawValue::Unset => None,
            RawValue::Value(b) => Some(Some(b.to_vec())),
        })
        .collect()
}

fn serialized_values(values: &[Option<Option<Vec<u8>>>]) -> Result<SerializedValues, String> {
    SerializedValues::from_closure(|w| {
        for v in values {
            let cell = w.make_cell_writer();
            match v {
                None => {
                    cell.set_unset();
                }
                Some(None) => {
                    cell.set_null();
                }
                Some(Some(b)) => {
                    cell.set_value(b).map_err(|e| {
                        scylla_cql::serialize::SerializationError::new(std::io::Error::other(
                            e.to_string(),
                        ))
                    })?;
                }
            }
        }
        Ok(())
    })
    .map(|(v, ())| v)
    .map_err(|e| e.to_string())
}

/// The query parameters a vector describes.
fn params_of(d: &J) -> Result<QueryParameters<'static>, String> {
    let (values, value_names) = if let Some(named) = d["named_values"].as_array() {
        let mut names = Vec::new();
        let mut vals = Vec::new();
        for nv in named {
            let nv = nv.as_array().ok_or("named value")?;
            names.push(nv[0].as_str().ok_or("value name")?.to_owned());
            vals.push(Some(Some(unhex(nv[1].as_str().ok_or("named value hex")?)?)));
        }
        (serialized_values(&vals)?, Some(names))
    } else {
        (serialized_values(&raw_values(&d["values"])?)?, None)
    };
    Ok(QueryParameters {
        consistency: consistency(st(d, "consistency")?)?,
        serial_consistency: serial_consistency(&d["serial_consistency"])?,
        timestamp: d["timestamp"].as_i64(),
        page_size: d["page_size"]
            .as_i64()
            .map(i32::try_from)
            .transpose()
            .map_err(|e| e.to_string())?,
        paging_state: match opt_hex(&d["paging_state"])? {
            Some(b) => PagingState::new_from_raw_bytes(b),
            None => PagingState::start(),
        },
        skip_metadata: d["skip_metadata"].as_bool().unwrap_or(false),
        values: Cow::Owned(values),
        value_names,
    })
}

fn check_params(p: &QueryParameters<'_>, d: &J) -> Check {
    let want = params_of(d)?;
    ensure_eq!(p.consistency, want.consistency, "consistency");
    ensure_eq!(
        p.serial_consistency,
        want.serial_consistency,
        "serial consistency"
    );
    ensure_eq!(p.timestamp, want.timestamp, "timestamp");
    ensure_eq!(p.page_size, want.page_size, "page size");
    ensure_eq!(p.paging_state, want.paging_state, "paging state");
    ensure_eq!(p.skip_metadata, want.skip_metadata, "skip metadata");
    ensure_eq!(
        decoded_values(&p.values),
        decoded_values(&want.values),
        "values"
    );
    ensure_eq!(p.value_names, want.value_names, "value names");
    Ok(())
}

fn batch_of(
    d: &J,
) -> Result<Batch<'static, BatchStatement<'static>, Vec<SerializedValues>>, String> {
    let mut statements = Vec::new();
    let mut values = Vec::new();
    for s in arr(d, "statements")? {
        statements.push(if let Some(q) = s["query"].as_str() {
            BatchStatement::Query {
                text: Cow::Owned(q.to_owned()),
            }
        } else {
            BatchStatement::Prepared {
                id: Cow::Owned(unhex(st(s, "id")?)?),
            }
        });
        values.push(serialized_values(&raw_values(&s["values"])?)?);
    }
    Ok(Batch {
        statements: Cow::Owned(statements),
        batch_type: match st(d, "type")? {
            "LOGGED" => BatchType::Logged,
            "UNLOGGED" => BatchType::Unlogged,
            "COUNTER" => BatchType::Counter,
            other => return Err(format!("batch type {other}")),
        },
        consistency: consistency(st(d, "consistency")?)?,
        serial_consistency: serial_consistency(&d["serial_consistency"])?,
        timestamp: d["timestamp"].as_i64(),
        values,
    })
}

/// Our frame for the request a vector describes, built from the description (not
/// from what we decoded).
fn encode_request(d: &J, compression: Option<Compression>) -> Result<Vec<u8>, String> {
    fn make<R: SerializableRequest>(
        r: &R,
        d: &J,
        compression: Option<Compression>,
    ) -> Result<Vec<u8>, String> {
        let payload = payload_of(&d["custom_payload"])?;
        let tracing = d["tracing"].as_bool().unwrap_or(false);
        let mut f =
            SerializedRequest::make_with_custom_payload(r, compression, tracing, payload.as_ref())
                .map_err(|e| format!("encoding: {e}"))?;
        f.set_stream(i16::try_from(int(d, "stream")?).map_err(|e| e.to_string())?);
        Ok(f.into_data())
    }
    match st(d, "opcode")? {
        "OPTIONS" => make(&Options, d, compression),
        "STARTUP" => {
            let options = d["options"]
                .as_object()
                .ok_or("options")?
                .iter()
                .map(|(k, v)| {
                    let v = v.as_str().ok_or("option value")?.to_owned();
                    Ok((Cow::Owned(k.clone()), Cow::Owned(v)))
                })
                .collect::<Result<_, String>>()?;
            make(&Startup { options }, d, compression)
        }
        "REGISTER" => {
            let events = arr(d, "events")?
                .iter()
                .map(|e| {
                    e.as_str()
                        .ok_or("event")?
                        .parse::<EventType>()
                        .map_err(|e| format!("{e:?}"))
                })
                .collect::<Result<_, String>>()?;
            make(
                &Register {
                    event_types_to_register_for: events,
                },
                d,
                compression,
            )
        }
        "AUTH_RESPONSE" => make(
            &AuthResponse {
                response: Some(unhex(st(d, "token")?)?),
            },
            d,
            compression,
        ),
        "PREPARE" => make(
            &Prepare {
                query: st(d, "query")?,
            },
            d,
            compression,
        ),
        "QUERY" => make(
            &Query {
                contents: Cow::Owned(st(d, "query")?.to_owned()),
                parameters: params_of(d)?,
            },
            d,
            compression,
        ),
        "EXECUTE" => make(
            &Execute {
                id: Bytes::from(unhex(st(d, "id")?)?),
                parameters: params_of(d)?,
            },
            d,
            compression,
        ),
        "BATCH" => make(&batch_of(d)?, d, compression),
        other => Err(format!("unknown opcode {other}")),
    }
}

fn check_decoded_request(req: &AnyRequest<'_>, d: &J) -> Check {
    match req {
        AnyRequest::Options(_) => {}
        AnyRequest::Startup(s) => {
            let ours: BTreeMap<&str, &str> = s
                .options
                .iter()
                .map(|(k, v)| (k.as_ref(), v.as_ref()))
                .collect();
            let theirs: BTreeMap<&str, &str> = d["options"]
                .as_object()
                .ok_or("options")?
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("?")))
                .collect();
            ensure_eq!(ours, theirs, "STARTUP options");
        }
        AnyRequest::Register(r) => {
            let ours: Vec<&str> = r
                .event_types_to_register_for
                .iter()
                .map(|e| e.as_str())
                .collect();
            let theirs: Vec<&str> = arr(d, "events")?.iter().filter_map(J::as_str).collect();
            ensure_eq!(ours, theirs, "REGISTER events");
        }
        AnyRequest::AuthResponse(a) => {
            ensure_eq!(
                a.response.as_deref().map(hex),
                Some(st(d, "token")?.to_owned()),
                "AUTH_RESPONSE token"
            );
        }
        AnyRequest::Prepare(p) => ensure_eq!(p.query, st(d, "query")?, "PREPARE statement"),
        AnyRequest::Query(q) => {
            ensure_eq!(q.contents, st(d, "query")?, "QUERY statement");
            check_params(&q.parameters, d)?;
        }
        AnyRequest::Execute(e) => {
            ensure_eq!(hex(e.id.as_ref()), st(d, "id")?, "EXECUTE id");
            ensure_eq!(e.result_metadata_id, None, "EXECUTE result metadata id");
            check_params(&e.parameters, d)?;
        }
        AnyRequest::Batch(b) => {
            let want = batch_of(d)?;
            ensure_eq!(b.batch_type, want.batch_type, "batch type");
            ensure_eq!(b.consistency, want.consistency, "batch consistency");
            ensure_eq!(
                b.serial_consistency,
                want.serial_consistency,
                "batch serial"
            );
            ensure_eq!(b.timestamp, want.timestamp, "batch timestamp");
            let ours: Vec<String> = b.statements.iter().map(|s| format!("{s:?}")).collect();
            let theirs: Vec<String> = want.statements.iter().map(|s| format!("{s:?}")).collect();
            ensure_eq!(ours, theirs, "batch statements");
            let ours: Vec<_> = b.values.iter().map(decoded_values).collect();
            let theirs: Vec<_> = want.values.iter().map(decoded_values).collect();
            ensure_eq!(ours, theirs, "batch values");
        }
        other => return Err(format!("unexpected request {other:?}")),
    }
    Ok(())
}

fn opcode_of_request(name: &str) -> Result<RequestOpcode, String> {
    Ok(match name {
        "STARTUP" => RequestOpcode::Startup,
        "OPTIONS" => RequestOpcode::Options,
        "QUERY" => RequestOpcode::Query,
        "PREPARE" => RequestOpcode::Prepare,
        "EXECUTE" => RequestOpcode::Execute,
        "REGISTER" => RequestOpcode::Register,
        "BATCH" => RequestOpcode::Batch,
        "AUTH_RESPONSE" => RequestOpcode::AuthResponse,
        other => return Err(format!("unknown opcode {other}")),
    })
}

fn header_of(frame: &[u8]) -> Result<FrameHeader, String> {
    let h: [u8; 9] = frame
        .get(..9)
        .and_then(|h| h.try_into().ok())
        .ok_or("frame shorter than a header")?;
    Ok(FrameHeader::from_bytes(h))
}

fn check_request(v: &J) -> Check {
    let d = &v["request"];
    let frame = unhex(st(v, "hex")?)?;
    let compression = compression(&d["compression"])?;
    let opcode = opcode_of_request(st(d, "opcode")?)?;

    // Header.
    let h = header_of(&frame)?;
    ensure_eq!(h.version, 0x04, "version");
    ensure_eq!(i64::from(h.stream), int(d, "stream")?, "stream");
    ensure_eq!(
        RequestOpcode::try_from(h.opcode).ok(),
        Some(opcode),
        "opcode"
    );
    ensure_eq!(h.length as usize, frame.len() - 9, "body length");
    let tracing = d["tracing"].as_bool().unwrap_or(false);
    let payload = payload_of(&d["custom_payload"])?;
    ensure_eq!(h.flags & flag::TRACING != 0, tracing, "tracing flag");
    ensure_eq!(
        h.flags & flag::CUSTOM_PAYLOAD != 0,
        payload.is_some(),
        "custom payload flag"
    );
    ensure_eq!(
        h.flags & flag::COMPRESSION != 0,
        compression.is_some(),
        "compression flag"
    );

    // Compressed frames: our codec restores the referee's uncompressed body.
    let plain_frame = uncompressed(&frame, compression, d)?;

    // Extensions, then the message.
    let ext = parse_request_body_extensions(h.flags, compression, Bytes::from(frame[9..].to_vec()))
        .map_err(|e| format!("extensions: {e}"))?;
    ensure_eq!(ext.tracing, tracing, "tracing");
    ensure_eq!(ext.custom_payload, payload, "custom payload");
    let mut body: &[u8] = &ext.body;
    let req = AnyRequest::deserialize(&mut body, opcode, &ProtocolFeatures::default())
        .map_err(|e| format!("decoding: {e}"))?;
    ensure!(
        body.is_empty(),
        "{} bytes left after the message",
        body.len()
    );
    ensure_eq!(req.opcode(), opcode, "decoded opcode");
    check_decoded_request(&req, d)?;
    if matches!(
        opcode,
        RequestOpcode::Query | RequestOpcode::Execute | RequestOpcode::Batch
    ) {
        let mut body: &[u8] = &ext.body;
        let r = Request::deserialize(&mut body, opcode).map_err(|e| format!("Request: {e}"))?;
        let c = consistency(st(d, "consistency")?)?;
        ensure_eq!(r.get_consistency(), Some(c), "Request consistency");
    }
    if opcode == RequestOpcode::Prepare {
        // The owned decoder agrees with the borrowing one.
        let mut body: &[u8] = &ext.body;
        let p = Prepare::deserialize_borrowed(&mut body).map_err(|e| e.to_string())?;
        ensure_eq!(p.query, st(d, "query")?, "Prepare::deserialize_borrowed");
    }
    if opcode == RequestOpcode::Register {
        let mut body: &[u8] = &ext.body;
        let r = Register::deserialize(&mut body).map_err(|e| e.to_string())?;
        ensure_eq!(
            r.event_types_to_register_for.len(),
            arr(d, "events")?.len(),
            "Register"
        );
    }

    // Our encoder writes the referee's frame.
    let ours = encode_request(d, None)?;
    ensure_eq!(
        hex(&canonical_frame(&ours)?),
        hex(&canonical_frame(&plain_frame)?),
        "our frame"
    );
    if let Some(c) = compression {
        // Our compressed frame decompresses (with our codec) to the same body.
        let packed = encode_request(d, Some(c))?;
        let ph = header_of(&packed)?;
        ensure_eq!(ph.flags, h.flags, "our compressed frame's flags");
        ensure_eq!(
            ph.length as usize,
            packed.len() - 9,
            "our compressed length"
        );
        let unpacked = decompress(&packed[9..], c).map_err(|e| e.to_string())?;
        let mut rebuilt = plain_frame[..9].to_vec();
        rebuilt.extend_from_slice(&unpacked);
        ensure_eq!(
            hex(&canonical_frame(&rebuilt)?[9..]),
            hex(&canonical_frame(&plain_frame)?[9..]),
            "our compressed body, decompressed"
        );
    }
    Ok(())
}

#[test]
fn golden_requests() {
    let v = vectors();
    run_all(section(&v, "requests"), check_request);
}

#[test]
fn golden_requests_cover_every_opcode() {
    let v = vectors();
    let seen: BTreeSet<u8> = section(&v, "requests")
        .iter()
        .map(|r| opcode_of_request(r["request"]["opcode"].as_str().unwrap()).unwrap() as u8)
        .collect();
    let all: BTreeSet<u8> = (0..=u8::MAX)
        .filter(|b| RequestOpcode::try_from(*b).is_ok())
        .collect();
    assert_eq!(seen, all);
    let compressed: BTreeSet<&str> = section(&v, "requests")
        .iter()
        .filter_map(|r| r["request"]["compression"].as_str())
        .collect();
    assert_eq!(compressed, BTreeSet::from(["lz4", "snappy"]));
}

// =======================================================================================
// Responses
// =======================================================================================

/// The Python driver's numbering of write types (`cassandra.policies.WriteType`).
fn python_write_type(w: &WriteType) -> i64 {
    match w {
        WriteType::Simple => 0,
        WriteType::Batch => 1,
        WriteType::UnloggedBatch => 2,
        WriteType::Counter => 3,
        WriteType::BatchLog => 4,
        WriteType::Cas => 5,
        WriteType::View => 6,
        WriteType::Cdc => 7,
        WriteType::Other(_) => -1,
    }
}

/// The frame with its body uncompressed, checked against the referee's
/// `uncompressed_hex` when it is compressed.
fn uncompressed(frame: &[u8], compression: Option<Compression>, v: &J) -> Result<Vec<u8>, String> {
    let Some(c) = compression else {
        return Ok(frame.to_vec());
    };
    let plain = unhex(st(v, "uncompressed_hex")?)?;
    let ours = decompress(&frame[9..], c).map_err(|e| format!("decompressing: {e}"))?;
    ensure_eq!(hex(&ours), hex(&plain[9..]), "decompressed body");
    Ok(plain)
}

/// The consistency and the received and required responses of a timeout or failure.
fn check_responses(info: &J, consistency: &Consistency, received: i32, required: i32) -> Check {
    ensure_eq!(
        i64::from(*consistency as u16),
        int(info, "consistency")?,
        "consistency"
    );
    ensure_eq!(
        i64::from(received),
        int(info, "received_responses")?,
        "received"
    );
    ensure_eq!(
        i64::from(required),
        int(info, "required_responses")?,
        "required"
    );
    Ok(())
}

fn check_write_type(info: &J, write_type: &WriteType) -> Check {
    ensure_eq!(
        python_write_type(write_type),
        int(info, "write_type")?,
        "write type"
    );
    Ok(())
}

fn check_data_present(info: &J, data_present: bool) -> Check {
    ensure_eq!(
        Some(data_present),
        info["data_retrieved"].as_bool(),
        "data present"
    );
    Ok(())
}

fn check_error(e: &scylla_cql::frame::response::Error, view: &J) -> Check {
    let features = ProtocolFeatures::default();
    ensure_eq!(
        i64::from(e.error.code(&features)),
        int(view, "code")?,
        "error code"
    );
    ensure_eq!(e.reason, st(view, "message")?, "error message");
    let info = &view["info"];
    let cl = |c: &Consistency| i64::from(*c as u16);
    match &e.error {
        DbError::Unavailable {
            consistency,
            required,
            alive,
        } => {
            ensure_eq!(cl(consistency), int(info, "consistency")?, "consistency");
            ensure_eq!(
                i64::from(*required),
                int(info, "required_replicas")?,
                "required"
            );
            ensure_eq!(i64::from(*alive), int(info, "alive_replicas")?, "alive");
        }
        DbError::WriteTimeout {
            consistency,
            received,
            required,
            write_type,
        } => {
            check_responses(info, consistency, *received, *required)?;
            check_write_type(info, write_type)?;
        }
        DbError::ReadTimeout {
            consistency,
            received,
            required,
            data_present,
        } => {
            check_responses(info, consistency, *received, *required)?;
            check_data_present(info, *data_present)?;
        }
        DbError::ReadFailure {
            consistency,
            received,
            required,
            numfailures,
            data_present,
        } => {
            check_responses(info, consistency, *received, *required)?;
            ensure_eq!(i64::from(*numfailures), int(info, "failures")?, "failures");
            check_data_present(info, *data_present)?;
        }
        DbError::WriteFailure {
            consistency,
            received,
            required,
            numfailures,
            write_type,
        } => {
            check_responses(info, consistency, *received, *required)?;
            ensure_eq!(i64::from(*numfailures), int(info, "failures")?, "failures");
            check_write_type(info, write_type)?;
        }
        DbError::FunctionFailure {
            keyspace,
            function,
            arg_types,
        } => {
            ensure_eq!(keyspace, st(info, "keyspace")?, "keyspace");
            ensure_eq!(function, st(info, "function")?, "function");
            let theirs: Vec<&str> = arr(info, "arg_types")?
                .iter()
                .filter_map(J::as_str)
                .collect();
            ensure_eq!(arg_types, &theirs, "arg types");
        }
        DbError::AlreadyExists { keyspace, table } => {
            ensure_eq!(keyspace, st(info, "keyspace")?, "keyspace");
            ensure_eq!(table, st(info, "table")?, "table");
        }
        DbError::Unprepared { statement_id } => {
            ensure_eq!(
                Some(hex(statement_id)),
                info.as_str().map(str::to_owned),
                "id"
            );
        }
        DbError::ServerError
        | DbError::ProtocolError
        | DbError::AuthenticationError
        | DbError::Overloaded
        | DbError::IsBootstrapping
        | DbError::TruncateError
        | DbError::SyntaxError
        | DbError::Unauthorized
        | DbError::Invalid
        | DbError::ConfigError => ensure!(info.is_null(), "the referee has extra info {info}"),
        other => return Err(format!("unexpected error {other:?}")),
    }
    Ok(())
}

fn check_schema_change(e: &SchemaChangeEvent, view: &J) -> Check {
    ensure_eq!(
        e.change_type().as_str(),
        Some(st(view, "change_type")?),
        "change type"
    );
    ensure_eq!(e.keyspace_name(), st(view, "keyspace")?, "keyspace");
    let target = st(view, "target_type")?;
    let function = |name: &str, args: &[String], key: &str| -> Check {
        let f = &view[key];
        ensure_eq!(name, st(f, "name")?, format!("{key} name"));
        let theirs: Vec<&str> = arr(f, "arg_types")?.iter().filter_map(J::as_str).collect();
        ensure_eq!(args, &theirs, format!("{key} arguments"));
        Ok(())
    };
    match e {
        SchemaChangeEvent::KeyspaceChange { .. } => ensure_eq!(target, "KEYSPACE", "target"),
        SchemaChangeEvent::TableChange { object_name, .. } => {
            ensure_eq!(target, "TABLE", "target");
            ensure_eq!(object_name, st(view, "table")?, "table");
        }
        SchemaChangeEvent::TypeChange { type_name, .. } => {
            ensure_eq!(target, "TYPE", "target");
            ensure_eq!(type_name, st(view, "type")?, "type");
        }
        SchemaChangeEvent::FunctionChange {
            function_name,
            arguments,
            ..
        } => {
            ensure_eq!(target, "FUNCTION", "target");
            function(function_name, arguments, "function")?;
        }
        SchemaChangeEvent::AggregateChange {
            aggregate_name,
            arguments,
            ..
        } => {
            ensure_eq!(target, "AGGREGATE", "target");
            function(aggregate_name, arguments, "aggregate")?;
        }
    }
    Ok(())
}

fn check_event(e: &Event, view: &J) -> Check {
    let args = &view["args"];
    let address = |a: &std::net::SocketAddr| -> Check {
        let theirs = arr(args, "address")?;
        ensure_eq!(
            a.ip().to_string(),
            theirs[0].as_str().unwrap_or("?"),
            "address"
        );
        ensure_eq!(Some(i64::from(a.port())), theirs[1].as_i64(), "port");
        Ok(())
    };
    let (event_type, change) = match e {
        Event::TopologyChange(t) => {
            let (change, addr) = match t {
                TopologyChangeEvent::NewNode(a) => ("NEW_NODE", a),
                TopologyChangeEvent::RemovedNode(a) => ("REMOVED_NODE", a),
            };
            address(addr)?;
            ("TOPOLOGY_CHANGE", Some(change))
        }
        Event::StatusChange(s) => {
            let (change, addr) = match s {
                StatusChangeEvent::Up(a) => ("UP", a),
                StatusChangeEvent::Down(a) => ("DOWN", a),
            };
            address(addr)?;
            ("STATUS_CHANGE", Some(change))
        }
        Event::SchemaChange(s) => {
            check_schema_change(s, args)?;
            ("SCHEMA_CHANGE", None)
        }
    };
    ensure_eq!(event_type, st(view, "event_type")?, "event type");
    if let Some(change) = change {
        ensure_eq!(change, st(args, "change_type")?, "change type");
    }
    Ok(())
}

/// The column specs the referee's `[ks, table, name, type]` rows describe.
fn specs_of(view: &[J]) -> Result<Vec<ColumnSpec<'static>>, String> {
    view.iter()
        .map(|c| {
            let c = c.as_array().ok_or("column")?;
            let f = |k: usize| c.get(k).and_then(J::as_str).ok_or("column field");
            let typ = parse_python_cql_type(f(3)?, &HashMap::new())?;
            Ok(ColumnSpec::owned(
                f(2)?.to_owned(),
                typ,
                TableSpec::owned(f(0)?.to_owned(), f(1)?.to_owned()),
            ))
        })
        .collect()
}

/// Checks every row through `Row` (a `CqlValue` per column) against the referee's
/// typed rows, and returns the raw cells for re-encoding.
#[allow(clippy::type_complexity)]
fn check_rows(
    rows: &DeserializedMetadataAndRawRows,
    view: &J,
) -> Result<Vec<Vec<Option<Vec<u8>>>>, String> {
    let theirs = arr(view, "rows")?;
    ensure_eq!(rows.rows_count(), theirs.len(), "row count");
    let ours: Vec<Row> = rows
        .rows_iter::<Row>()
        .map_err(|e| format!("type check: {e}"))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("rows: {e}"))?;
    for (i, (row, t)) in ours.iter().zip(theirs).enumerate() {
        let t = t.as_array().ok_or("row")?;
        ensure_eq!(row.columns.len(), t.len(), format!("row {i} width"));
        for (j, (ours, theirs)) in row.columns.iter().zip(t).enumerate() {
            let theirs = typed(theirs)?;
            ensure!(
                opt_cql_eq(ours, &theirs),
                "row {i} column {j} ({}): ours {ours:?}, referee {theirs:?}",
                rows.metadata().col_specs()[j].name()
            );
        }
    }
    let specs = rows.metadata().col_specs();
    let mut cells = Vec::new();
    for row in RawRowIterator::new(rows.rows_count(), specs, rows.raw_rows_slice()) {
        let row = row.map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for c in row {
            let c = c.map_err(|e| e.to_string())?;
            out.push(c.slice.map(|s| s.as_slice().to_vec()));
        }
        cells.push(out);
    }
    Ok(cells)
}

/// Rebuilds a Rows body from what we decoded, with our `RowsWriter`.
fn rebuild_rows(
    metadata: &ResultMetadata<'_>,
    paging: &PagingStateResponse,
    no_metadata: bool,
    cells: &[Vec<Option<Vec<u8>>>],
) -> Result<Vec<u8>, String> {
    let paging_state = match paging {
        PagingStateResponse::HasMorePages { state } => Some(
            state
                .as_bytes_slice()
                .map(|s| s.to_vec())
                .unwrap_or_default(),
        ),
        PagingStateResponse::NoMorePages => None,
    };
    let options = MetadataWriteOptions {
        paging_state: paging_state.as_deref(),
        no_metadata,
        new_metadata_id: None,
    };
    let mut body = Vec::new();
    let mut w = RowsWriter::new(&mut body, metadata, &options).map_err(|e| e.to_string())?;
    for row in cells {
        w.append_row(row.iter().map(|c| c.as_deref()))
            .map_err(|e| e.to_string())?;
    }
    w.finish().map_err(|e| e.to_string())?;
    Ok(body)
}

fn check_result(
    r: &result::ResultWithDeserializedMetadata,
    view: &J,
    body: &[u8],
    cached: Option<&Arc<ResultMetadata<'static>>>,
) -> Check {
    use result::ResultWithDeserializedMetadata as R;
    let kind = st(view, "kind")?;
    match r {
        R::Void => ensure_eq!(kind, "VOID", "kind"),
        R::SetKeyspace(s) => {
            ensure_eq!(kind, "SET_KEYSPACE", "kind");
            ensure_eq!(s.keyspace_name, st(view, "keyspace")?, "keyspace");
        }
        R::SchemaChange(s) => {
            ensure_eq!(kind, "SCHEMA_CHANGE", "kind");
            check_schema_change(&s.event, &view["event"])?;
        }
        R::Prepared(p) => {
            ensure_eq!(kind, "PREPARED", "kind");
            ensure_eq!(hex(&p.id), st(view, "id")?, "id");
            let mut pks = p.prepared_metadata.pk_indexes.clone();
            pks.sort_by_key(|pk| pk.sequence);
            let ours: Vec<i64> = pks.iter().map(|pk| i64::from(pk.index)).collect();
            let theirs: Vec<i64> = arr(view, "pk_indexes")?
                .iter()
                .filter_map(J::as_i64)
                .collect();
            ensure_eq!(ours, theirs, "partition key indexes (in key order)");
            ensure_eq!(
                p.prepared_metadata.col_count,
                p.prepared_metadata.col_specs.len(),
                "bind marker count"
            );
            check_columns(
                &p.prepared_metadata.col_specs,
                arr(view, "bind")?,
                "bind marker",
            )?;
            check_columns(
                p.result_metadata.col_specs(),
                arr(view, "result")?,
                "result column",
            )?;
            ensure_eq!(p.result_metadata_id, None, "result metadata id");
        }
        R::Rows((rows, paging)) => {
            let no_metadata = kind == "ROWS_NO_METADATA";
            if no_metadata {
                ensure_eq!(
                    rows.metadata().col_count() as i64,
                    int(view, "column_count")?,
                    "column count"
                );
                ensure!(cached.is_some(), "no cached metadata");
            } else {
                ensure_eq!(kind, "ROWS", "kind");
                let theirs = opt_hex(&view["paging_state"])?;
                let ours = match paging {
                    PagingStateResponse::HasMorePages { state } => Some(
                        state
                            .as_bytes_slice()
                            .map(|s| s.to_vec())
                            .unwrap_or_default(),
                    ),
                    PagingStateResponse::NoMorePages => None,
                };
                ensure_eq!(
                    ours.as_deref().map(hex),
                    theirs.as_deref().map(hex),
                    "paging state"
                );
                check_columns(rows.metadata().col_specs(), arr(view, "columns")?, "column")?;
            }
            let cells = check_rows(rows, view)?;
            // Rebuilt by our writer from what we decoded.
            let rebuilt = rebuild_rows(rows.metadata(), paging, no_metadata, &cells)?;
            if rebuilt != body {
                // A writer's freedoms in the metadata: one global table spec when all
                // columns share a table (we always use it; the referee's frame may
                // repeat the table per column), and the spelling of a custom type's
                // class name (Cassandra writes `VectorType(T , n)`, we write
                // `VectorType(T,n)`). Both frames must then decode to the same
                // metadata, and the rows must be the same bytes.
                let again = result::deserialize(Bytes::from(rebuilt.clone()), cached)
                    .map_err(|e| format!("our rebuilt body: {e}"))?;
                let result::Result::Rows((raw, again_paging)) = again else {
                    return Err("rebuilt body is not Rows".into());
                };
                let again = raw.deserialize_metadata().map_err(|e| e.to_string())?;
                let explain = format!(
                    "our rebuilt Rows body differs:\nours    {}\nreferee {}",
                    hex(&rebuilt),
                    hex(body)
                );
                ensure!(again.metadata() == rows.metadata(), "{explain}\n(metadata)");
                ensure!(again.raw_rows() == rows.raw_rows(), "{explain}\n(rows)");
                ensure!(&again_paging == paging, "{explain}\n(paging state)");
                ensure!(rebuilt.ends_with(rows.raw_rows()), "{explain}");
            }
        }
    }
    Ok(())
}

fn check_non_error(
    r: &NonErrorResponseWithDeserializedMetadata,
    view: &J,
    body: &[u8],
    cached: Option<&Arc<ResultMetadata<'static>>>,
) -> Check {
    use NonErrorResponseWithDeserializedMetadata as N;
    let token = |t: &Option<Vec<u8>>| -> Check {
        ensure_eq!(
            t.as_deref().map(hex),
            opt_hex(&view["token"])?.as_deref().map(hex),
            "token"
        );
        Ok(())
    };
    match r {
        N::Ready => {}
        N::Authenticate(a) => {
            ensure_eq!(
                a.authenticator_name,
                st(view, "authenticator")?,
                "authenticator"
            )
        }
        N::AuthChallenge(a) => token(&a.authenticate_message)?,
        N::AuthSuccess(a) => token(&a.success_message)?,
        N::Supported(s) => {
            let mut theirs: HashMap<String, Vec<String>> =
                serde_json::from_value(view["options"].clone()).map_err(|e| e.to_string())?;
            // The referee keeps CQL_VERSION apart from the other options.
            theirs.insert(
                "CQL_VERSION".to_owned(),
                serde_json::from_value(view["cql_versions"].clone()).map_err(|e| e.to_string())?,
            );
            ensure_eq!(s.options, theirs, "SUPPORTED options");
            // The ScyllaDB keys the referee passed through are read as sharding info.
            let info = s
                .sharding_info()
                .map_err(|e| format!("sharding info: {e}"))?
                .ok_or("no sharding info")?;
            ensure_eq!(
                info.nr_shards.get().to_string(),
                theirs["SCYLLA_NR_SHARDS"][0],
                "shards"
            );
            ensure_eq!(info.shard.to_string(), theirs["SCYLLA_SHARD"][0], "shard");
            ensure_eq!(
                info.msb_ignore.to_string(),
                theirs["SCYLLA_SHARDING_IGNORE_MSB"][0],
                "ignore msb"
            );
        }
        N::Result(res) => check_result(res, view, body, cached)?,
        N::Event(e) => check_event(e, view)?,
    }
    Ok(())
}

fn opcode_of_response(name: &str) -> Result<ResponseOpcode, String> {
    Ok(match name {
        "ERROR" => ResponseOpcode::Error,
        "READY" => ResponseOpcode::Ready,
        "AUTHENTICATE" => ResponseOpcode::Authenticate,
        "SUPPORTED" => ResponseOpcode::Supported,
        "RESULT" => ResponseOpcode::Result,
        "EVENT" => ResponseOpcode::Event,
        "AUTH_CHALLENGE" => ResponseOpcode::AuthChallenge,
        "AUTH_SUCCESS" => ResponseOpcode::AuthSuccess,
        other => return Err(format!("unknown opcode {other}")),
    })
}

fn check_response(v: &J) -> Check {
    let view = &v["response"];
    let frame = unhex(st(v, "hex")?)?;
    let compression = compression(&view["compression"])?;
    let opcode = opcode_of_response(st(view, "opcode")?)?;
    let features = ProtocolFeatures::default();

    let h = header_of(&frame)?;
    ensure_eq!(h.version, 0x84, "version");
    ensure_eq!(
        ResponseOpcode::try_from(h.opcode).ok(),
        Some(opcode),
        "opcode"
    );
    ensure_eq!(h.length as usize, frame.len() - 9, "body length");
    ensure_eq!(
        h.flags & flag::COMPRESSION != 0,
        compression.is_some(),
        "compression flag"
    );

    let plain_frame = uncompressed(&frame, compression, view)?;

    // Extensions.
    let ext =
        parse_response_body_extensions(h.flags, compression, Bytes::from(frame[9..].to_vec()))
            .map_err(|e| format!("extensions: {e}"))?;
    ensure_eq!(
        ext.trace_id.map(|u| u.to_string()),
        view["trace_id"].as_str().map(str::to_owned),
        "tracing id"
    );
    let warnings: Vec<String> = view["warnings"]
        .as_array()
        .map(|w| w.iter().filter_map(J::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    ensure_eq!(ext.warnings, warnings, "warnings");
    let payload = payload_of(&view["custom_payload"])?;
    ensure_eq!(ext.custom_payload, payload, "custom payload");

    // The message.
    let cached = match view["cached_columns"].as_array() {
        Some(cols) => Some(Arc::new(ResultMetadata::new(specs_of(cols)?))),
        None => None,
    };
    let response = Response::deserialize(&features, opcode, ext.body.clone(), cached.as_ref())
        .map_err(|e| format!("decoding: {e}"))?;
    ensure_eq!(response.opcode(), opcode, "decoded opcode");
    let v2 = ResponseV2::deserialize(&features, opcode, ext.body.clone(), cached.as_ref())
        .map_err(|e| format!("decoding (V2): {e}"))?;
    ensure_eq!(v2.opcode(), opcode, "decoded opcode (V2)");

    // Re-encoded by our encoders: the message, then the whole frame.
    let reencoded = response
        .to_bytes(&features)
        .map_err(|e| format!("encoding: {e}"))?;
    let reencoded_v2 = v2
        .to_bytes(&features)
        .map_err(|e| format!("encoding (V2): {e}"))?;
    ensure_eq!(hex(&reencoded), hex(&reencoded_v2), "V2 encoding");
    let extensions = ResponseExtensions {
        trace_id: ext.trace_id,
        warnings: &ext.warnings,
        custom_payload: ext.custom_payload.as_ref(),
    };
    let ours = SerializedResponse::make(h.stream, h.opcode, &reencoded, &extensions, None)
        .map_err(|e| format!("framing: {e}"))?;
    ensure_eq!(
        hex(&canonical_frame(ours.get_data())?),
        hex(&canonical_frame(&plain_frame)?),
        "our frame"
    );
    if let Some(c) = compression {
        let packed = SerializedResponse::make(h.stream, h.opcode, &reencoded, &extensions, Some(c))
            .map_err(|e| format!("framing: {e}"))?;
        let unpacked = decompress(&packed.get_data()[9..], c).map_err(|e| e.to_string())?;
        let mut rebuilt = plain_frame[..9].to_vec();
        rebuilt.extend_from_slice(&unpacked);
        ensure_eq!(
            hex(&canonical_frame(&rebuilt)?),
            hex(&canonical_frame(&plain_frame)?),
            "our compressed frame, decompressed"
        );
    }

    // Field by field against the referee's decoded view.
    let response: ResponseWithDeserializedMetadata = response
        .deserialize_metadata()
        .map_err(|e| format!("metadata: {e}"))?;
    match response.into_non_error_response() {
        Err(e) => {
            ensure_eq!(opcode, ResponseOpcode::Error, "opcode");
            check_error(&e, view)?;
        }
        Ok(r) => check_non_error(&r, view, &ext.body, cached.as_ref())?,
    }
    Ok(())
}

#[test]
fn golden_responses() {
    let v = vectors();
    run_all(section(&v, "responses"), check_response);
}

#[test]
fn golden_responses_cover_every_opcode_kind_and_type() {
    let v = vectors();
    let responses = section(&v, "responses");
    let seen: BTreeSet<u8> = responses
        .iter()
        .map(|r| opcode_of_response(r["response"]["opcode"].as_str().unwrap()).unwrap() as u8)
        .collect();
    let all: BTreeSet<u8> = (0..=u8::MAX)
        .filter(|b| ResponseOpcode::try_from(*b).is_ok())
        .collect();
    assert_eq!(seen, all);

    let kinds: BTreeSet<&str> = responses
        .iter()
        .filter_map(|r| r["response"]["kind"].as_str())
        .collect();
    for k in [
        "VOID",
        "ROWS",
        "ROWS_NO_METADATA",
        "SET_KEYSPACE",
        "PREPARED",
        "SCHEMA_CHANGE",
    ] {
        assert!(kinds.contains(k), "no RESULT {k}");
    }
    let compressed: BTreeSet<&str> = responses
        .iter()
        .filter_map(|r| r["response"]["compression"].as_str())
        .collect();
    assert_eq!(compressed, BTreeSet::from(["lz4", "snappy"]));

    // Every CQL type appears in a Rows result with a non-null value.
    let mut seen_types = BTreeSet::new();
    for r in responses {
        let view = &r["response"];
        let (Some(cols), Some(rows)) = (view["columns"].as_array(), view["rows"].as_array()) else {
            continue;
        };
        let udts: HashMap<String, Arc<UserDefinedType<'static>>> =
            HashMap::from([("address".to_owned(), address_udt())]);
        for (i, c) in cols.iter().enumerate() {
            if rows.iter().any(|row| !row[i].is_null()) {
                let typ = parse_python_cql_type(c[3].as_str().unwrap(), &udts).unwrap();
                type_kinds(&typ, &mut seen_types);
            }
        }
    }
    let missing: Vec<_> = all_type_kinds().difference(&seen_types).cloned().collect();
    assert!(missing.is_empty(), "no Rows value for {missing:?}");
}
