//! `#[derive(DeserializeRow)]`: every attribute and both flavors, positive and
//! negative, and borrowing from the frame.

mod derive_util;

use bytes::Bytes;
use derive_util::*;
use scylla_cql::DeserializeRow;
use scylla_cql::deserialize::row::{
    BuiltinDeserializationError, BuiltinDeserializationErrorKind, BuiltinTypeCheckError,
    BuiltinTypeCheckErrorKind, ColumnIterator, DeserializeRow as _,
};
use scylla_cql::deserialize::value::{
    BuiltinDeserializationError as ValueDeserError,
    BuiltinDeserializationErrorKind as ValueDeserKind, BuiltinTypeCheckError as ValueTypckError,
};
use scylla_cql::deserialize::{FrameSlice, TypeCheckError};
use scylla_cql::frame::response::result::ColumnSpec;

fn typck_kind<'e>(
    err: &'e TypeCheckError,
    struct_name: &str,
    specs: &[ColumnSpec<'_>],
) -> &'e BuiltinTypeCheckErrorKind {
    let e = err
        .downcast_ref::<BuiltinTypeCheckError>()
        .unwrap_or_else(|| panic!("not a row type-check error: {err}"));
    assert!(
        e.rust_name.ends_with(struct_name),
        "rust_name {} does not name {struct_name}",
        e.rust_name
    );
    let types: Vec<_> = specs.iter().map(|s| s.typ().clone()).collect();
    assert_eq!(e.cql_types, types);
    &e.kind
}

fn int(v: i32) -> Vec<u8> {
    cell(&v.to_be_bytes())
}

fn bytes(parts: &[Vec<u8>]) -> Bytes {
    Bytes::from(parts.concat())
}

#[derive(DeserializeRow, Debug, PartialEq)]
#[scylla(crate = scylla_cql)]
struct ByName {
    a: i32,
    b: Option<String>,
}

#[test]
fn by_name_any_order() {
    let specs = [col("b", TEXT), col("a", INT)];
    let data = bytes(&[cell(b"x"), int(4)]);
    assert_eq!(
        deser_row::<ByName>(&specs, &data).unwrap(),
        ByName {
            a: 4,
            b: Some("x".to_owned())
        }
    );
    let data = bytes(&[null_cell(), int(4)]);
    assert_eq!(
        deser_row::<ByName>(&specs, &data).unwrap(),
        ByName { a: 4, b: None }
    );
}

#[test]
fn by_name_unknown_missing_duplicated() {
    let specs = [col("a", INT), col("c", INT), col("b", TEXT)];
    let err = typck_row::<ByName>(&specs).unwrap_err();
    match typck_kind(&err, "ByName", &specs) {
        BuiltinTypeCheckErrorKind::ColumnWithUnknownName {
            column_index,
            column_name,
        } => {
            assert_eq!(*column_index, 1);
            assert_eq!(column_name, "c");
        }
        k => panic!("unexpected kind {k:?}"),
    }

    let specs = [col("b", TEXT)];
    let err = typck_row::<ByName>(&specs).unwrap_err();
    assert!(matches!(
        typck_kind(&err, "ByName", &specs),
        BuiltinTypeCheckErrorKind::ValuesMissingForColumns { column_names } if column_names == &["a"]
    ));

    let specs = [col("a", INT), col("b", TEXT), col("a", INT)];
    let err = typck_row::<ByName>(&specs).unwrap_err();
    assert!(matches!(
        typck_kind(&err, "ByName", &specs),
        BuiltinTypeCheckErrorKind::DuplicatedColumn {
            column_index: 2,
            column_name: "a"
        }
    ));
}

#[test]
fn column_type_mismatch_names_everything() {
    let specs = [col("a", BIGINT), col("b", TEXT)];
    let err = typck_row::<ByName>(&specs).unwrap_err();
    match typck_kind(&err, "ByName", &specs) {
        BuiltinTypeCheckErrorKind::ColumnTypeCheckFailed {
            column_index,
            column_name,
            err,
        } => {
            assert_eq!(*column_index, 0);
            assert_eq!(column_name, "a");
            let inner = err.downcast_ref::<ValueTypckError>().unwrap();
            assert_eq!(inner.rust_name, "i32");
            assert_eq!(inner.cql_type, BIGINT);
        }
        k => panic!("unexpected kind {k:?}"),
    }
    let msg = err.to_string();
    for part in ["ByName", "\"a\"", "i32", "bigint"] {
        assert!(msg.contains(part), "{part} missing in {msg}");
    }
}

#[test]
fn column_deserialization_errors() {
    let specs = [col("a", INT), col("b", TEXT)];
    // A null where the field cannot take one.
    let data = bytes(&[null_cell(), null_cell()]);
    let err = deser_row::<ByName>(&specs, &data).unwrap_err();
    let e = err.downcast_ref::<BuiltinDeserializationError>().unwrap();
    assert!(e.rust_name.ends_with("ByName"), "{}", e.rust_name);
    match &e.kind {
        BuiltinDeserializationErrorKind::ColumnDeserializationFailed {
            column_index,
            column_name,
            err,
        } => {
            assert_eq!(*column_index, 0);
            assert_eq!(column_name, "a");
            let inner = err.downcast_ref::<ValueDeserError>().unwrap();
            assert_eq!(inner.rust_name, "i32");
            assert!(matches!(inner.kind, ValueDeserKind::ExpectedNonNull));
        }
        k => panic!("unexpected kind {k:?}"),
    }
    // The row's bytes end early.
    let data = bytes(&[int(1), 10i32.to_be_bytes().to_vec()]);
    let err = deser_row::<ByName>(&specs, &data).unwrap_err();
    let e = err.downcast_ref::<BuiltinDeserializationError>().unwrap();
    assert!(e.rust_name.ends_with("ByName"), "{}", e.rust_name);
    assert!(matches!(
        &e.kind,
        BuiltinDeserializationErrorKind::RawColumnDeserializationFailed { column_index: 1, column_name, .. }
            if column_name == "b"
    ));
}

#[test]
fn deserialize_without_type_check_does_not_panic() {
    let specs = [col("b", TEXT)];
    let data = bytes(&[cell(b"x")]);
    let err = ByName::deserialize(ColumnIterator::new(&specs, FrameSlice::new(&data))).unwrap_err();
    assert!(err.to_string().contains("\"a\""), "{err}");
    let err =
        InOrder::deserialize(ColumnIterator::new(&specs, FrameSlice::new(&data))).unwrap_err();
    assert!(err.to_string().contains("InOrder"), "{err}");
}

#[derive(DeserializeRow, Debug, PartialEq)]
#[scylla(crate = scylla_cql)]
struct Attrs {
    #[scylla(rename = "real")]
    a: i32,
    #[scylla(skip)]
    skipped: Vec<String>,
    #[scylla(default_when_null)]
    d: String,
}

#[test]
fn rename_skip_default_when_null() {
    let specs = [col("d", TEXT), col("real", INT)];
    let data = bytes(&[null_cell(), int(3)]);
    assert_eq!(
        deser_row::<Attrs>(&specs, &data).unwrap(),
        Attrs {
            a: 3,
            skipped: vec![],
            d: String::new()
        }
    );
    let data = bytes(&[cell(b"dd"), int(3)]);
    assert_eq!(deser_row::<Attrs>(&specs, &data).unwrap().d, "dd");
    // A skipped field has no column; its name is unknown.
    let specs = [col("d", TEXT), col("real", INT), col("skipped", TEXT)];
    let err = typck_row::<Attrs>(&specs).unwrap_err();
    assert!(matches!(
        typck_kind(&err, "Attrs", &specs),
        BuiltinTypeCheckErrorKind::ColumnWithUnknownName { column_name, .. } if column_name == "skipped"
    ));
    // default_when_null does not make the column optional.
    let specs = [col("real", INT)];
    let err = typck_row::<Attrs>(&specs).unwrap_err();
    assert!(matches!(
        typck_kind(&err, "Attrs", &specs),
        BuiltinTypeCheckErrorKind::ValuesMissingForColumns { column_names } if column_names == &["d"]
    ));
}

#[derive(DeserializeRow, Debug, PartialEq)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct InOrder {
    a: i32,
    #[scylla(skip)]
    s: bool,
    #[scylla(rename = "bee")]
    b: String,
}

#[test]
fn enforce_order() {
    let specs = [col("a", INT), col("bee", TEXT)];
    let data = bytes(&[int(1), cell(b"b")]);
    assert_eq!(
        deser_row::<InOrder>(&specs, &data).unwrap(),
        InOrder {
            a: 1,
            s: false,
            b: "b".to_owned()
        }
    );

    let specs = [col("bee", TEXT), col("a", INT)];
    let err = typck_row::<InOrder>(&specs).unwrap_err();
    match typck_kind(&err, "InOrder", &specs) {
        BuiltinTypeCheckErrorKind::ColumnNameMismatch {
            field_index,
            column_index,
            rust_column_name,
            db_column_name,
        } => {
            assert_eq!(*field_index, 0);
            assert_eq!(*column_index, 0);
            assert_eq!(*rust_column_name, "a");
            assert_eq!(db_column_name, "bee");
        }
        k => panic!("unexpected kind {k:?}"),
    }
    let specs = [col("a", INT), col("b", TEXT)];
    let err = typck_row::<InOrder>(&specs).unwrap_err();
    assert!(matches!(
        typck_kind(&err, "InOrder", &specs),
        BuiltinTypeCheckErrorKind::ColumnNameMismatch {
            field_index: 2,
            column_index: 1,
            rust_column_name: "bee",
            ..
        }
    ));

    for specs in [
        vec![col("a", INT)],
        vec![col("a", INT), col("bee", TEXT), col("c", INT)],
    ] {
        let err = typck_row::<InOrder>(&specs).unwrap_err();
        match typck_kind(&err, "InOrder", &specs) {
            BuiltinTypeCheckErrorKind::WrongColumnCount {
                rust_cols,
                cql_cols,
            } => {
                assert_eq!(*rust_cols, 2);
                assert_eq!(*cql_cols, specs.len());
            }
            k => panic!("unexpected kind {k:?}"),
        }
    }

    let specs = [col("a", INT), col("bee", INT)];
    let err = typck_row::<InOrder>(&specs).unwrap_err();
    assert!(matches!(
        typck_kind(&err, "InOrder", &specs),
        BuiltinTypeCheckErrorKind::ColumnTypeCheckFailed { column_index: 1, column_name, .. }
            if column_name == "bee"
    ));
}

#[derive(DeserializeRow, Debug, PartialEq)]
#[scylla(crate = scylla_cql, flavor = "enforce_order", skip_name_checks)]
struct NoNames {
    a: i32,
    #[scylla(default_when_null)]
    b: i64,
}

#[test]
fn skip_name_checks() {
    let specs = [col("x", INT), col("y", BIGINT)];
    let data = bytes(&[int(1), null_cell()]);
    assert_eq!(
        deser_row::<NoNames>(&specs, &data).unwrap(),
        NoNames { a: 1, b: 0 }
    );
    let specs = [col("x", BIGINT), col("y", BIGINT)];
    assert!(typck_row::<NoNames>(&specs).is_err());
}

#[derive(DeserializeRow, Debug)]
#[scylla(crate = scylla_cql)]
struct Borrowed<'frame> {
    s: &'frame str,
    b: &'frame [u8],
    n: Option<&'frame str>,
}

#[derive(DeserializeRow, Debug)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct BorrowedAnyName<'a> {
    s: &'a str,
    b: &'a [u8],
}

#[test]
fn borrowed_fields_point_into_the_frame() {
    let specs = [col("s", TEXT), col("b", BLOB), col("n", TEXT)];
    let data = bytes(&[cell(b"hello"), cell(&[1, 2, 3]), null_cell()]);
    let v: Borrowed<'_> = deser_row(&specs, &data).unwrap();
    assert_eq!(v.s, "hello");
    assert_eq!(v.b, &[1, 2, 3]);
    assert_eq!(v.n, None);
    assert_eq!(v.s.as_ptr(), data[4..].as_ptr());
    assert_eq!(v.b.as_ptr(), data[13..].as_ptr());

    let v: BorrowedAnyName<'_> = deser_row(&specs[..2], &data).unwrap();
    assert_eq!(v.s.as_ptr(), data[4..].as_ptr());
    assert_eq!(v.b.as_ptr(), data[13..].as_ptr());
}

#[derive(DeserializeRow, Debug, PartialEq)]
#[scylla(crate = scylla_cql)]
struct Generic<T, const N: usize> {
    t: T,
    arr: Vec<u8>,
    #[scylla(skip)]
    m: std::collections::HashMap<String, T>,
    #[scylla(skip)]
    n: std::marker::PhantomData<[u8; N]>,
}

#[test]
fn generics() {
    let specs = [col("t", BIGINT), col("arr", TEXT)];
    let err = typck_row::<Generic<i64, 2>>(&specs).unwrap_err();
    let e = err.downcast_ref::<BuiltinTypeCheckError>().unwrap();
    assert!(e.rust_name.contains("Generic<i64, 2>"), "{}", e.rust_name);
    let specs = [col("arr", BLOB), col("t", BIGINT)];
    let data = bytes(&[cell(&[5]), cell(&1i64.to_be_bytes())]);
    let v = deser_row::<Generic<i64, 2>>(&specs, &data).unwrap();
    assert_eq!((v.t, v.arr, v.m.len()), (1, vec![5], 0));

    #[derive(DeserializeRow, Debug, PartialEq)]
    #[scylla(crate = scylla_cql)]
    struct G2<T> {
        t: T,
        o: Option<T>,
    }
    let specs = [col("o", BIGINT), col("t", BIGINT)];
    let data = bytes(&[null_cell(), cell(&8i64.to_be_bytes())]);
    assert_eq!(
        deser_row::<G2<i64>>(&specs, &data).unwrap(),
        G2 { t: 8, o: None }
    );
}
