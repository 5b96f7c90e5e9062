//! Unit tests of the row deserializers.

use bytes::Bytes;

use super::*;
use crate::deserialize::value::{
    BuiltinDeserializationError as ValueDeserError,
    BuiltinDeserializationErrorKind as ValueDeserKind,
};
use crate::frame::response::result::{NativeType, TableSpec};

fn spec(name: &'static str, n: NativeType) -> ColumnSpec<'static> {
    ColumnSpec::borrowed(
        name,
        ColumnType::Native(n),
        TableSpec::borrowed("ks", "tbl"),
    )
}

fn cell(v: &[u8]) -> Vec<u8> {
    let mut out = (v.len() as i32).to_be_bytes().to_vec();
    out.extend_from_slice(v);
    out
}

fn null_cell() -> Vec<u8> {
    (-1i32).to_be_bytes().to_vec()
}

fn specs() -> Vec<ColumnSpec<'static>> {
    vec![
        spec("id", NativeType::Int),
        spec("name", NativeType::Text),
        spec("score", NativeType::Double),
    ]
}

fn row_bytes() -> Bytes {
    Bytes::from([cell(&5i32.to_be_bytes()), cell(b"ann"), null_cell()].concat())
}

fn row_kind(err: &DeserializationError) -> &BuiltinDeserializationErrorKind {
    &err.downcast_ref::<BuiltinDeserializationError>()
        .unwrap_or_else(|| panic!("not a row deserialization error: {err}"))
        .kind
}

fn typck_kind(err: &TypeCheckError) -> &BuiltinTypeCheckErrorKind {
    &err.downcast_ref::<BuiltinTypeCheckError>()
        .unwrap_or_else(|| panic!("not a row type check error: {err}"))
        .kind
}

#[test]
fn column_iterator_reads_raw_columns() {
    let specs = specs();
    let frame = row_bytes();
    let mut it = ColumnIterator::new(&specs, FrameSlice::new(&frame));
    assert_eq!(it.columns_remaining(), 3);
    assert_eq!(it.len(), 3);
    let c0 = it.next().unwrap().unwrap();
    assert_eq!(c0.index, 0);
    assert_eq!(c0.spec.name(), "id");
    assert_eq!(c0.slice.unwrap().as_slice(), &5i32.to_be_bytes());
    let c1 = it.next().unwrap().unwrap();
    assert_eq!(c1.slice.unwrap().as_slice().as_ptr(), frame[12..].as_ptr());
    let c2 = it.next().unwrap().unwrap();
    assert!(c2.slice.is_none());
    assert!(it.next().is_none());
    assert_eq!(it.columns_remaining(), 0);
}

#[test]
fn column_iterator_reports_truncated_columns_by_name() {
    let specs = specs();
    let frame = Bytes::from([cell(&5i32.to_be_bytes()), vec![0, 0, 0, 9, b'a']].concat());
    let mut it = ColumnIterator::new(&specs, FrameSlice::new(&frame));
    assert!(it.next().unwrap().is_ok());
    let err = it.next().unwrap().unwrap_err();
    assert!(matches!(
        row_kind(&err),
        BuiltinDeserializationErrorKind::RawColumnDeserializationFailed { column_index: 1, column_name, .. }
            if column_name == "name"
    ));
    assert!(err.to_string().contains("\"name\""), "{err}");
    assert!(it.next().is_none(), "the iterator stops after an error");
}

#[test]
fn column_iterator_type_check() {
    let specs = specs();
    let frame = row_bytes();
    let it = ColumnIterator::new(&specs, FrameSlice::new(&frame));
    it.type_check::<(i32, String, Option<f64>)>().unwrap();
    assert!(it.type_check::<(i32, String)>().is_err());
    let mut it2 = it.clone();
    it2.next();
    it2.type_check::<(String, Option<f64>)>().unwrap();
}

#[test]
fn tuples_deserialize_rows() {
    let specs = specs();
    let frame = row_bytes();
    type R<'a> = (i32, &'a str, Option<f64>);
    <R as DeserializeRow>::type_check(&specs).unwrap();
    let (id, name, score) =
        <R as DeserializeRow>::deserialize(ColumnIterator::new(&specs, FrameSlice::new(&frame)))
            .unwrap();
    assert_eq!((id, name, score), (5, "ann", None));
    assert_eq!(
        name.as_ptr(),
        frame[12..].as_ptr(),
        "&str borrows the frame"
    );
}

#[test]
fn tuple_type_check_errors_name_the_column() {
    let specs = specs();
    let err = <(i32, String) as DeserializeRow>::type_check(&specs).unwrap_err();
    assert!(matches!(
        typck_kind(&err),
        BuiltinTypeCheckErrorKind::WrongColumnCount {
            rust_cols: 2,
            cql_cols: 3
        }
    ));
    let err = <(i32, i32, f64) as DeserializeRow>::type_check(&specs).unwrap_err();
    let BuiltinTypeCheckErrorKind::ColumnTypeCheckFailed {
        column_index,
        column_name,
        ..
    } = typck_kind(&err)
    else {
        panic!("unexpected {err}");
    };
    assert_eq!((*column_index, column_name.as_str()), (1, "name"));
    let msg = err.to_string();
    assert!(msg.contains("\"name\""), "{msg}");
    assert!(msg.contains("text"), "{msg}");
    assert!(msg.contains("i32"), "{msg}");
    let e = err.downcast_ref::<BuiltinTypeCheckError>().unwrap();
    assert_eq!(e.cql_types.len(), 3);
    assert!(<() as DeserializeRow>::type_check(&specs).is_err());
    <() as DeserializeRow>::type_check(&[]).unwrap();
}

#[test]
fn tuple_deserialization_errors_name_the_column() {
    let specs = specs();
    let frame = row_bytes();
    // `score` is null and the target is not an Option.
    let err = <(i32, String, f64) as DeserializeRow>::deserialize(ColumnIterator::new(
        &specs,
        FrameSlice::new(&frame),
    ))
    .unwrap_err();
    let BuiltinDeserializationErrorKind::ColumnDeserializationFailed {
        column_index,
        column_name,
        err: inner,
    } = row_kind(&err)
    else {
        panic!("unexpected {err}");
    };
    assert_eq!((*column_index, column_name.as_str()), (2, "score"));
    assert!(matches!(
        inner.downcast_ref::<ValueDeserError>().unwrap().kind,
        ValueDeserKind::ExpectedNonNull
    ));
    let msg = err.to_string();
    assert!(
        msg.contains("\"score\"") && msg.contains("f64") && msg.contains("double"),
        "{msg}"
    );

    // Without a type check, a row shorter than the tuple is an error, not a panic.
    let short = &specs[..1];
    let err = <(i32, String) as DeserializeRow>::deserialize(ColumnIterator::new(
        short,
        FrameSlice::new(&frame),
    ))
    .unwrap_err();
    assert!(matches!(
        row_kind(&err),
        BuiltinDeserializationErrorKind::RawColumnDeserializationFailed {
            column_index: 1,
            ..
        }
    ));
    // Truncated bytes.
    let cut = frame.slice(..10);
    let err = <(i32, String, Option<f64>) as DeserializeRow>::deserialize(ColumnIterator::new(
        &specs,
        FrameSlice::new(&cut),
    ))
    .unwrap_err();
    assert!(matches!(
        row_kind(&err),
        BuiltinDeserializationErrorKind::RawColumnDeserializationFailed {
            column_index: 1,
            ..
        }
    ));
    assert!(
        err.to_string()
            .contains(std::any::type_name::<(i32, String, Option<f64>)>()),
        "{err}"
    );
}

#[test]
fn dynamic_rows() {
    let specs = specs();
    let frame = row_bytes();
    Row::type_check(&specs).unwrap();
    let row = Row::deserialize(ColumnIterator::new(&specs, FrameSlice::new(&frame))).unwrap();
    assert_eq!(
        row.columns,
        vec![
            Some(CqlValue::Int(5)),
            Some(CqlValue::Text("ann".into())),
            None
        ]
    );
    let bad = Bytes::from([cell(&[1, 2]), cell(b"x"), null_cell()].concat());
    let err = Row::deserialize(ColumnIterator::new(&specs, FrameSlice::new(&bad))).unwrap_err();
    assert!(matches!(
        row_kind(&err),
        BuiltinDeserializationErrorKind::ColumnDeserializationFailed { column_index: 0, column_name, .. }
            if column_name == "id"
    ));
}

#[test]
fn column_iterator_as_row() {
    let specs = specs();
    let frame = row_bytes();
    <ColumnIterator as DeserializeRow>::type_check(&specs).unwrap();
    let it = <ColumnIterator as DeserializeRow>::deserialize(ColumnIterator::new(
        &specs,
        FrameSlice::new(&frame),
    ))
    .unwrap();
    assert_eq!(it.count(), 3);
}

#[test]
fn sixteen_columns() {
    let specs: Vec<_> = (0..16).map(|_| spec("c", NativeType::TinyInt)).collect();
    let frame = Bytes::from((0..16u8).flat_map(|i| cell(&[i])).collect::<Vec<_>>());
    type R = (
        i8,
        i8,
        i8,
        i8,
        i8,
        i8,
        i8,
        i8,
        i8,
        i8,
        i8,
        i8,
        i8,
        i8,
        i8,
        i8,
    );
    <R as DeserializeRow>::type_check(&specs).unwrap();
    let r =
        <R as DeserializeRow>::deserialize(ColumnIterator::new(&specs, FrameSlice::new(&frame)))
            .unwrap();
    assert_eq!((r.0, r.15), (0, 15));
}

#[test]
fn replacing_the_rust_name() {
    let err = mk_deser_err::<i32>(
        BuiltinDeserializationErrorKind::ColumnDeserializationFailed {
            column_index: 0,
            column_name: "c".into(),
            err: DeserializationError::new(std::fmt::Error),
        },
    );
    let err = deser_error_replace_rust_name::<String>(err);
    assert_eq!(
        err.downcast_ref::<BuiltinDeserializationError>()
            .unwrap()
            .rust_name,
        std::any::type_name::<String>()
    );
    let t = mk_typck_err::<u8>(
        [ColumnType::Native(NativeType::Int)],
        BuiltinTypeCheckErrorKind::ValuesMissingForColumns {
            column_names: vec!["a"],
        },
    );
    assert!(t.to_string().contains("[int]"), "{t}");
}
