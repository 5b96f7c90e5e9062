//! Type-check and serialization failures of the built-in `SerializeValue` impls: the
//! error kinds, and messages that name the Rust type and the CQL type.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use scylla_cql::frame::response::result::{ColumnType, NativeType, UserDefinedType};
use scylla_cql::serialize::SerializationError;
use scylla_cql::serialize::value::{
    BuiltinSerializationError, BuiltinSerializationErrorKind, BuiltinTypeCheckError,
    BuiltinTypeCheckErrorKind, MapSerializationErrorKind, MapTypeCheckErrorKind, SerializeValue,
    SetOrListSerializationErrorKind, SetOrListTypeCheckErrorKind, TupleSerializationErrorKind,
    TupleTypeCheckErrorKind, UdtSerializationErrorKind, UdtTypeCheckErrorKind,
    VectorSerializationErrorKind,
};
use scylla_cql::serialize::writers::CellWriter;
use scylla_cql::value::{CqlValue, MaybeEmpty};

mod cql_types;
use cql_types::{list, map, native, vector};

use NativeType::*;

fn ser<T: SerializeValue + ?Sized>(v: &T, typ: &ColumnType) -> Result<Vec<u8>, SerializationError> {
    let mut buf = Vec::new();
    v.serialize(typ, CellWriter::new(&mut buf))?;
    Ok(buf)
}

#[track_caller]
fn err<T: SerializeValue + ?Sized>(v: &T, typ: &ColumnType) -> SerializationError {
    match ser(v, typ) {
        Ok(b) => panic!("expected an error, got bytes {b:?}"),
        Err(e) => e,
    }
}

#[track_caller]
fn typck<T: SerializeValue + ?Sized>(v: &T, typ: &ColumnType) -> BuiltinTypeCheckError {
    let e = err(v, typ);
    match e.downcast_ref::<BuiltinTypeCheckError>() {
        Some(e) => e.clone(),
        None => panic!("not a type-check error: {e}"),
    }
}

#[track_caller]
fn serr<T: SerializeValue + ?Sized>(v: &T, typ: &ColumnType) -> BuiltinSerializationError {
    let e = err(v, typ);
    match e.downcast_ref::<BuiltinSerializationError>() {
        Some(e) => e.clone(),
        None => panic!("not a serialization error: {e}"),
    }
}

fn udt() -> ColumnType<'static> {
    ColumnType::UserDefinedType {
        frozen: false,
        definition: Arc::new(UserDefinedType {
            name: "point".into(),
            keyspace: "ks".into(),
            field_types: vec![
                (Cow::Borrowed("x"), native(Int)),
                (Cow::Borrowed("y"), native(Int)),
            ],
        }),
    }
}

fn point(fields: Vec<(&str, Option<CqlValue>)>) -> CqlValue {
    CqlValue::UserDefinedType {
        keyspace: "ks".into(),
        name: "point".into(),
        fields: fields.into_iter().map(|(n, v)| (n.to_owned(), v)).collect(),
    }
}

#[test]
fn mismatched_native_types_name_both_types() {
    let e = err(&1i32, &native(Text));
    let msg = e.to_string();
    assert!(
        msg.contains("failed to type check Rust type i32 against CQL type text"),
        "{msg}"
    );
    assert!(msg.contains("expected one of the CQL types: int"), "{msg}");
    let e = typck(&1i32, &native(Text));
    assert_eq!(e.rust_name, "i32");
    assert_eq!(e.got, native(Text));
    match e.kind {
        BuiltinTypeCheckErrorKind::MismatchedType { expected } => {
            assert_eq!(expected, &[native(Int)][..])
        }
        k => panic!("{k:?}"),
    }

    let msg = err("s", &native(Int)).to_string();
    assert!(msg.contains("Rust type str against CQL type int"), "{msg}");
    assert!(msg.contains("text, ascii"), "{msg}");
    let msg = err(&String::new(), &list(native(Int), false)).to_string();
    assert!(msg.contains("String"), "{msg}");
    assert!(msg.contains("CQL type list<int>"), "{msg}");
    // i64 is bigint only; counters and timestamps have their own types.
    typck(&1i64, &native(Counter));
    typck(&1i64, &native(Timestamp));
    typck(&uuid::Uuid::nil(), &native(Text));
    typck(&scylla_cql::value::CqlTimeuuid::nil(), &native(Uuid));
}

#[test]
fn empty_values_only_where_the_type_allows_them() {
    let e = typck(&MaybeEmpty::<i32>::Empty, &native(Text));
    assert!(matches!(e.kind, BuiltinTypeCheckErrorKind::NotEmptyable));
    assert!(e.to_string().contains("CQL type text"), "{e}");
    let e = typck(&CqlValue::Empty, &native(Blob));
    assert!(matches!(e.kind, BuiltinTypeCheckErrorKind::NotEmptyable));
    assert!(e.rust_name.ends_with("CqlValue"), "{}", e.rust_name);
    typck(&CqlValue::Empty, &list(native(Int), false));
    typck(&CqlValue::Empty, &native(Duration));
    typck(&CqlValue::Empty, &native(Counter));
}

#[test]
fn collections_against_the_wrong_kind() {
    let e = typck(&vec![1i32], &native(Int));
    assert!(matches!(
        e.kind,
        BuiltinTypeCheckErrorKind::SetOrListError(SetOrListTypeCheckErrorKind::NotSetOrList)
    ));
    // Sets are never vectors.
    let e = typck(&HashSet::from([1i32]), &vector(native(Int), 1));
    assert!(matches!(
        e.kind,
        BuiltinTypeCheckErrorKind::SetOrListError(_)
    ));
    let e = typck(&BTreeMap::from([(1i32, 1i32)]), &list(native(Int), false));
    assert!(matches!(
        e.kind,
        BuiltinTypeCheckErrorKind::MapError(MapTypeCheckErrorKind::NotMap)
    ));
    let e = typck(&CqlValue::Map(vec![]), &native(Int));
    assert!(matches!(e.kind, BuiltinTypeCheckErrorKind::MapError(_)));
}

#[test]
fn element_failures_are_wrapped() {
    let e = serr(&vec!["a"], &list(native(Int), false));
    let BuiltinSerializationErrorKind::SetOrListError(
        SetOrListSerializationErrorKind::ElementSerializationFailed(inner),
    ) = &e.kind
    else {
        panic!("{e:?}")
    };
    let inner = inner.downcast_ref::<BuiltinTypeCheckError>().unwrap();
    assert_eq!(inner.got, native(Int));
    let msg = e.to_string();
    assert!(msg.contains("into CQL type list<int>"), "{msg}");
    assert!(msg.contains("failed to serialize an element"), "{msg}");
    assert!(msg.contains("against CQL type int"), "{msg}");

    let e = serr(
        &BTreeMap::from([("k", 1i32)]),
        &map(native(Int), native(Int), false),
    );
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::MapError(MapSerializationErrorKind::KeySerializationFailed(
            _
        ))
    ));
    let e = serr(
        &BTreeMap::from([(1i32, "v")]),
        &map(native(Int), native(Int), false),
    );
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::MapError(
            MapSerializationErrorKind::ValueSerializationFailed(_)
        )
    ));
}

#[test]
fn tuples() {
    let t2 = ColumnType::Tuple(vec![native(Int), native(Int)]);
    let e = typck(&(1i32, 2i32, 3i32), &t2);
    assert!(matches!(
        e.kind,
        BuiltinTypeCheckErrorKind::TupleError(TupleTypeCheckErrorKind::WrongElementCount {
            rust_type_el_count: 3,
            cql_type_el_count: 2
        })
    ));
    assert!(e.to_string().contains("has 3 elements"), "{e}");
    let e = typck(&(1i32,), &native(Int));
    assert!(matches!(
        e.kind,
        BuiltinTypeCheckErrorKind::TupleError(TupleTypeCheckErrorKind::NotTuple)
    ));
    let e = serr(&(1i32, "x"), &t2);
    match &e.kind {
        BuiltinSerializationErrorKind::TupleError(
            TupleSerializationErrorKind::ElementSerializationFailed { index, .. },
        ) => assert_eq!(*index, 1),
        k => panic!("{k:?}"),
    }
    // CqlValue tuples: too long is a type error, an element of the wrong type a
    // serialization error.
    let e = typck(&CqlValue::Tuple(vec![None, None, None]), &t2);
    assert!(matches!(e.kind, BuiltinTypeCheckErrorKind::TupleError(_)));
    let e = serr(&CqlValue::Tuple(vec![Some(CqlValue::BigInt(1))]), &t2);
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::TupleError(_)
    ));
}

#[test]
fn udts() {
    let e = typck(
        &point(vec![("x", Some(CqlValue::Int(1))), ("z", None)]),
        &udt(),
    );
    match &e.kind {
        BuiltinTypeCheckErrorKind::UdtError(UdtTypeCheckErrorKind::NoSuchFieldInUdt {
            field_name,
        }) => assert_eq!(field_name, "z"),
        k => panic!("{k:?}"),
    }
    assert!(e.to_string().contains("no field named z"), "{e}");

    let other = CqlValue::UserDefinedType {
        keyspace: "ks".into(),
        name: "circle".into(),
        fields: vec![],
    };
    let e = typck(&other, &udt());
    assert!(matches!(
        e.kind,
        BuiltinTypeCheckErrorKind::UdtError(UdtTypeCheckErrorKind::NameMismatch { .. })
    ));
    let e = typck(&point(vec![]), &native(Int));
    assert!(matches!(
        e.kind,
        BuiltinTypeCheckErrorKind::UdtError(UdtTypeCheckErrorKind::NotUdt)
    ));
    let e = serr(
        &point(vec![("y", Some(CqlValue::Text("no".into())))]),
        &udt(),
    );
    match &e.kind {
        BuiltinSerializationErrorKind::UdtError(
            UdtSerializationErrorKind::FieldSerializationFailed { field_name, .. },
        ) => assert_eq!(field_name, "y"),
        k => panic!("{k:?}"),
    }
    assert!(e.to_string().contains("field y"), "{e}");
}

#[test]
fn vectors() {
    let e = serr(&vec![1.0f32, 2.0], &vector(native(Float), 3));
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::VectorError(
            VectorSerializationErrorKind::InvalidNumberOfElements(2, 3)
        )
    ));
    assert!(e.to_string().contains("3 dimensions"), "{e}");
    let e = serr(&CqlValue::Vector(vec![]), &vector(native(Float), 1));
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::VectorError(_)
    ));

    // Null, unset and empty elements cannot be written into a vector.
    let e = serr(&vec![Some(1.0f32), None], &vector(native(Float), 2));
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::VectorError(VectorSerializationErrorKind::NullElement {
            index: 1
        })
    ));
    let e = serr(&vec![None::<&str>], &vector(native(Text), 1));
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::VectorError(VectorSerializationErrorKind::NullElement {
            index: 0
        })
    ));
    let e = serr(
        &vec![MaybeEmpty::Empty, MaybeEmpty::Value(1.0f32)],
        &vector(native(Float), 2),
    );
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::VectorError(
            VectorSerializationErrorKind::WrongElementSize {
                index: 0,
                expected: 4,
                got: 0
            }
        )
    ));
    let e = serr(&vec!["x"], &vector(native(Int), 1));
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::VectorError(
            VectorSerializationErrorKind::ElementSerializationFailed(_)
        )
    ));
}

#[test]
fn cql_value_errors_name_cql_value() {
    let e = typck(&CqlValue::Int(1), &native(Text));
    assert!(e.rust_name.ends_with("CqlValue"), "{}", e.rust_name);
    assert!(
        e.to_string().contains("CqlValue against CQL type text"),
        "{e}"
    );
    let e = serr(
        &CqlValue::List(vec![CqlValue::Text("a".into())]),
        &list(native(Int), false),
    );
    assert!(e.rust_name.ends_with("CqlValue"), "{}", e.rust_name);
}

#[cfg(feature = "chrono-04")]
#[test]
fn leap_seconds_overflow_time() {
    let leap = chrono::NaiveTime::from_hms_nano_opt(23, 59, 59, 1_000_000_000).unwrap();
    let e = serr(&leap, &native(Time));
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::ValueOverflow
    ));
    assert!(e.to_string().contains("NaiveTime"), "{e}");
    typck(&leap, &native(Timestamp));
}

#[cfg(feature = "bigdecimal-04")]
#[test]
fn decimal_scale_overflow() {
    let d = bigdecimal_04::BigDecimal::new(1.into(), i64::from(i32::MIN) - 1);
    let e = serr(&d, &native(Decimal));
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::ValueOverflow
    ));
}

#[test]
fn failed_serialization_leaves_a_usable_error() {
    // SerializationError is Clone + Send + Sync, and keeps the source.
    let e = err(&1i32, &native(Text));
    let e2 = e.clone();
    fn assert_send_sync<T: Send + Sync>(_: &T) {}
    assert_send_sync(&e2);
    assert!(std::error::Error::source(&e2).is_some());
    assert!(e2.to_string().starts_with("SerializationError: "));
}
