//! The built-in `SerializeRow` impls: bytes, column-count and name checks, errors that
//! name the bind marker, and `SerializedValues`.

use std::collections::{BTreeMap, HashMap};

use scylla_cql::frame::response::result::{
    ColumnSpec, ColumnType, NativeType, PreparedMetadata, TableSpec,
};
use scylla_cql::frame::types::RawValue;
use scylla_cql::serialize::SerializationError;
use scylla_cql::serialize::row::{
    BuiltinSerializationError, BuiltinSerializationErrorKind, BuiltinTypeCheckError,
    BuiltinTypeCheckErrorKind, RowSerializationContext, SerializeRow, SerializedValues,
};
use scylla_cql::serialize::writers::RowWriter;
use scylla_cql::value::{CqlValue, Unset};

fn spec(name: &str, t: NativeType) -> ColumnSpec<'static> {
    ColumnSpec::owned(
        name.to_owned(),
        ColumnType::Native(t),
        TableSpec::borrowed("ks", "tbl"),
    )
}

fn ser_row<T: SerializeRow + ?Sized>(
    row: &T,
    specs: &[ColumnSpec<'_>],
) -> Result<(Vec<u8>, usize), SerializationError> {
    let ctx = RowSerializationContext::from_specs(specs);
    let mut buf = Vec::new();
    let mut w = RowWriter::new(&mut buf);
    row.serialize(&ctx, &mut w)?;
    let n = w.value_count();
    Ok((buf, n))
}

#[track_caller]
fn typck<T: SerializeRow + ?Sized>(row: &T, specs: &[ColumnSpec<'_>]) -> BuiltinTypeCheckError {
    match ser_row(row, specs) {
        Ok(r) => panic!("expected an error, got {r:?}"),
        Err(e) => match e.downcast_ref::<BuiltinTypeCheckError>() {
            Some(e) => e.clone(),
            None => panic!("not a row type-check error: {e}"),
        },
    }
}

#[track_caller]
fn serr<T: SerializeRow + ?Sized>(row: &T, specs: &[ColumnSpec<'_>]) -> BuiltinSerializationError {
    match ser_row(row, specs) {
        Ok(r) => panic!("expected an error, got {r:?}"),
        Err(e) => match e.downcast_ref::<BuiltinSerializationError>() {
            Some(e) => e.clone(),
            None => panic!("not a row serialization error: {e}"),
        },
    }
}

const INT_1: [u8; 8] = [0, 0, 0, 4, 0, 0, 0, 1];

#[test]
fn tuples_vecs_and_slices() {
    let specs = [spec("a", NativeType::Int), spec("b", NativeType::Text)];
    let (buf, n) = ser_row(&(1i32, "xy"), &specs).unwrap();
    assert_eq!(n, 2);
    assert_eq!(buf, [0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 2, b'x', b'y']);

    let ints = [spec("a", NativeType::Int), spec("b", NativeType::Int)];
    let (buf, n) = ser_row(&vec![1i32, 2], &ints).unwrap();
    assert_eq!(n, 2);
    assert_eq!(buf, [0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2]);
    let slice: &[i32] = &[1, 2];
    assert_eq!(ser_row(&slice, &ints).unwrap().0, buf);
    assert_eq!(ser_row(&&vec![1i32, 2], &ints).unwrap().0, buf);
    assert_eq!(ser_row(&Box::new((1i32, 2i32)), &ints).unwrap().0, buf);
    let dynamic: Vec<CqlValue> = vec![CqlValue::Int(1), CqlValue::Int(2)];
    assert_eq!(ser_row(&dynamic, &ints).unwrap().0, buf);

    // Null and unset are values too.
    let (buf, _) = ser_row(&(None::<i32>, Unset), &ints).unwrap();
    assert_eq!(buf, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);

    // 16 columns.
    let specs16: Vec<_> = (0..16)
        .map(|i| spec(&format!("c{i}"), NativeType::TinyInt))
        .collect();
    let row = (
        0i8, 1i8, 2i8, 3i8, 4i8, 5i8, 6i8, 7i8, 8i8, 9i8, 10i8, 11i8, 12i8, 13i8, 14i8, 15i8,
    );
    let (buf, n) = ser_row(&row, &specs16).unwrap();
    assert_eq!(n, 16);
    assert_eq!(buf.len(), 16 * 5);
    assert_eq!(&buf[75..], [0, 0, 0, 1, 15]);
}

#[test]
fn empty_rows() {
    assert_eq!(ser_row(&(), &[]).unwrap(), (vec![], 0));
    assert_eq!(ser_row(&[0u8; 0], &[]).unwrap(), (vec![], 0));
    assert!(().is_empty());
    assert!(Vec::<i32>::new().is_empty());
    assert!(!(1i32,).is_empty());
    assert!(!vec![1i32].is_empty());
    // Maps of column names answer through SerializeRow too.
    assert!(SerializeRow::is_empty(&HashMap::<String, i32>::new()));
    assert!(SerializeRow::is_empty(&BTreeMap::<&str, i32>::new()));
    assert!(!SerializeRow::is_empty(&HashMap::from([("a", 1i32)])));
    assert!(!SerializeRow::is_empty(&BTreeMap::from([(
        "a".to_owned(),
        1i32
    )])));
    let e = typck(&(), &[spec("a", NativeType::Int)]);
    assert!(matches!(
        e.kind,
        BuiltinTypeCheckErrorKind::WrongColumnCount {
            rust_cols: 0,
            cql_cols: 1
        }
    ));
}

#[test]
fn wrong_column_counts() {
    let specs = [spec("a", NativeType::Int), spec("b", NativeType::Int)];
    let e = typck(&(1i32,), &specs);
    assert!(matches!(
        e.kind,
        BuiltinTypeCheckErrorKind::WrongColumnCount {
            rust_cols: 1,
            cql_cols: 2
        }
    ));
    let msg = e.to_string();
    assert!(msg.contains("provides 1 values"), "{msg}");
    assert!(msg.contains("2 bind markers"), "{msg}");
    assert!(msg.contains("(i32,)"), "{msg}");
    let e = typck(&vec![1i32, 2, 3], &specs);
    assert!(matches!(
        e.kind,
        BuiltinTypeCheckErrorKind::WrongColumnCount {
            rust_cols: 3,
            cql_cols: 2
        }
    ));
}

#[test]
fn column_failures_name_the_column_and_both_types() {
    let specs = [spec("id", NativeType::Int), spec("name", NativeType::Text)];
    let e = serr(&(1i32, 2i32), &specs);
    match &e.kind {
        BuiltinSerializationErrorKind::ColumnSerializationFailed { name, err } => {
            assert_eq!(name, "name");
            assert!(
                err.downcast_ref::<scylla_cql::serialize::value::BuiltinTypeCheckError>()
                    .is_some()
            );
        }
        k => panic!("{k:?}"),
    }
    let msg = e.to_string();
    assert!(msg.contains("bind marker name"), "{msg}");
    assert!(msg.contains("Rust type i32 against CQL type text"), "{msg}");
    let e = serr(&vec!["x", "y"], &specs);
    assert!(e.to_string().contains("bind marker id"), "{e}");
}

#[test]
fn maps_bind_by_name() {
    let specs = [spec("b", NativeType::Int), spec("a", NativeType::Text)];
    let expected = [&INT_1[..], &[0, 0, 0, 1, b'z']].concat();
    let by_string: HashMap<String, CqlValue> = HashMap::from([
        ("a".to_owned(), CqlValue::Text("z".into())),
        ("b".to_owned(), CqlValue::Int(1)),
    ]);
    assert_eq!(ser_row(&by_string, &specs).unwrap(), (expected.clone(), 2));
    let by_str: BTreeMap<&str, CqlValue> = by_string
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    assert_eq!(ser_row(&by_str, &specs).unwrap().0, expected);
    let owned: BTreeMap<String, CqlValue> = by_string.clone().into_iter().collect();
    assert_eq!(ser_row(&owned, &specs).unwrap().0, expected);
    let hash_str: HashMap<&str, CqlValue> = by_str.clone().into_iter().collect();
    assert_eq!(ser_row(&hash_str, &specs).unwrap().0, expected);

    // A name used by two bind markers binds both.
    let twice = [spec("x", NativeType::Int), spec("x", NativeType::Int)];
    let m = HashMap::from([("x", 1i32)]);
    assert_eq!(ser_row(&m, &twice).unwrap(), ([INT_1, INT_1].concat(), 2));

    let e = typck(&HashMap::from([("a", CqlValue::Text("z".into()))]), &specs);
    match &e.kind {
        BuiltinTypeCheckErrorKind::ValueMissingForColumn { name } => assert_eq!(name, "b"),
        k => panic!("{k:?}"),
    }
    assert!(e.to_string().contains("no value for bind marker b"), "{e}");

    let mut extra = by_string.clone();
    extra.insert("c".to_owned(), CqlValue::Int(3));
    let e = typck(&extra, &specs);
    match &e.kind {
        BuiltinTypeCheckErrorKind::NoColumnWithName { name } => assert_eq!(name, "c"),
        k => panic!("{k:?}"),
    }
    assert!(e.to_string().contains("value for c"), "{e}");

    let e = serr(&BTreeMap::from([("a", 1i32), ("b", 1i32)]), &specs);
    match &e.kind {
        BuiltinSerializationErrorKind::ColumnSerializationFailed { name, .. } => {
            assert_eq!(name, "a")
        }
        k => panic!("{k:?}"),
    }
}

#[test]
fn serialized_values() {
    let specs = [spec("a", NativeType::Int), spec("b", NativeType::Text)];
    let ctx = RowSerializationContext::from_specs(&specs);
    let sv = SerializedValues::from_serializable(&ctx, &(1i32, None::<&str>)).unwrap();
    assert_eq!(sv.element_count(), 2);
    assert_eq!(sv.get_contents(), [&INT_1[..], &[0xff; 4]].concat());
    let values: Vec<_> = sv.iter().collect();
    assert_eq!(values, [RawValue::Value(&[0, 0, 0, 1]), RawValue::Null]);
    let mut req = Vec::new();
    sv.write_to_request(&mut req);
    assert_eq!(&req[..2], [0, 2]);
    let mut slice = &req[..];
    assert_eq!(SerializedValues::new_from_frame(&mut slice).unwrap(), sv);

    // From prepared metadata.
    let meta = PreparedMetadata {
        flags: 0,
        col_count: 1,
        pk_indexes: vec![],
        col_specs: vec![spec("a", NativeType::BigInt)],
    };
    let ctx = RowSerializationContext::from_prepared(&meta);
    let sv = SerializedValues::from_serializable(&ctx, &(7i64,)).unwrap();
    assert_eq!(sv.get_contents(), [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 7]);

    // add_value type-checks and leaves nothing behind on failure.
    let mut sv = SerializedValues::new();
    sv.add_value(&1i32, &ColumnType::Native(NativeType::Int))
        .unwrap();
    assert!(
        sv.add_value(&"x", &ColumnType::Native(NativeType::Int))
            .is_err()
    );
    assert_eq!(sv.element_count(), 1);
    assert_eq!(sv.get_contents(), INT_1);
}

#[test]
fn too_many_values() {
    let specs: Vec<_> = (0..65_536)
        .map(|i| spec(&format!("c{i}"), NativeType::TinyInt))
        .collect();
    let ctx = RowSerializationContext::from_specs(&specs);
    let row = vec![0i8; 65_536];
    let e = SerializedValues::from_serializable(&ctx, &row).unwrap_err();
    let e = e.downcast_ref::<BuiltinSerializationError>().unwrap();
    assert!(matches!(
        e.kind,
        BuiltinSerializationErrorKind::TooManyValues
    ));
    assert!(e.rust_name.contains("Vec<i8>"), "{}", e.rust_name);
    // 65535 is fine.
    let sv = SerializedValues::from_serializable(
        &RowSerializationContext::from_specs(&specs[..65_535]),
        &&row[..65_535],
    )
    .unwrap();
    assert_eq!(sv.element_count(), 65_535);
}
