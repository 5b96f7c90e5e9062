//! `#[derive(DeserializeValue)]` (structs from UDTs): every attribute and both flavors,
//! positive and negative, and borrowing from the frame.

mod derive_util;

use bytes::Bytes;
use derive_util::*;
use scylla_cql::DeserializeValue;
use scylla_cql::deserialize::value::{
    BuiltinDeserializationError, BuiltinDeserializationErrorKind, BuiltinTypeCheckError,
    BuiltinTypeCheckErrorKind, DeserializeValue as _, UdtDeserializationErrorKind,
    UdtTypeCheckErrorKind,
};
use scylla_cql::deserialize::{DeserializationError, FrameSlice, TypeCheckError};
use scylla_cql::frame::response::result::ColumnType;

fn udt_typck_kind<'e>(
    err: &'e TypeCheckError,
    struct_name: &str,
    typ: &ColumnType<'_>,
) -> &'e UdtTypeCheckErrorKind {
    let e = err
        .downcast_ref::<BuiltinTypeCheckError>()
        .unwrap_or_else(|| panic!("not a value type-check error: {err}"));
    assert!(
        e.rust_name.ends_with(struct_name),
        "rust_name {} does not name {struct_name}",
        e.rust_name
    );
    assert_eq!(&e.cql_type, typ);
    match &e.kind {
        BuiltinTypeCheckErrorKind::UdtError(k) => k,
        k => panic!("not a UDT error: {k:?}"),
    }
}

/// The UDT field error of a deserialization failure: (field name, inner error).
fn udt_field_err<'e>(
    err: &'e DeserializationError,
    struct_name: &str,
) -> (&'e str, &'e DeserializationError) {
    let e = err
        .downcast_ref::<BuiltinDeserializationError>()
        .unwrap_or_else(|| panic!("not a value deserialization error: {err}"));
    assert!(e.rust_name.ends_with(struct_name), "{}", e.rust_name);
    match &e.kind {
        BuiltinDeserializationErrorKind::UdtError(
            UdtDeserializationErrorKind::FieldDeserializationFailed { field_name, err },
        ) => (field_name, err),
        k => panic!("unexpected kind {k:?}"),
    }
}

fn int(v: i32) -> Vec<u8> {
    cell(&v.to_be_bytes())
}

fn bytes(parts: &[Vec<u8>]) -> Bytes {
    Bytes::from(parts.concat())
}

#[derive(DeserializeValue, Debug, PartialEq)]
#[scylla(crate = scylla_cql)]
struct Udt {
    a: i32,
    b: Option<String>,
}

#[test]
fn by_name_any_order_and_excess_ignored() {
    let typ = udt(
        "u",
        &[("x", INT), ("b", TEXT), ("y", INT), ("a", INT), ("z", TEXT)],
    );
    let data = bytes(&[int(0), cell(b"bee"), null_cell(), int(5), cell(b"zz")]);
    let v: Udt = deser_value(&typ, &data).unwrap();
    assert_eq!(
        v,
        Udt {
            a: 5,
            b: Some("bee".to_owned())
        }
    );
}

#[test]
fn option_takes_null_and_missing_data() {
    let typ = udt("u", &[("a", INT), ("b", TEXT)]);
    let data = bytes(&[int(1), null_cell()]);
    assert_eq!(
        deser_value::<Udt>(&typ, &data).unwrap(),
        Udt { a: 1, b: None }
    );
    // The value ends before the last field (servers may omit trailing fields).
    let data = bytes(&[int(1)]);
    assert_eq!(
        deser_value::<Udt>(&typ, &data).unwrap(),
        Udt { a: 1, b: None }
    );
}

#[test]
fn null_in_non_option_field() {
    let typ = udt("u", &[("a", INT), ("b", TEXT)]);
    let data = bytes(&[null_cell(), cell(b"x")]);
    let err = deser_value::<Udt>(&typ, &data).unwrap_err();
    let (field, inner) = udt_field_err(&err, "Udt");
    assert_eq!(field, "a");
    let inner = inner.downcast_ref::<BuiltinDeserializationError>().unwrap();
    assert_eq!(inner.rust_name, "i32");
    assert!(matches!(
        inner.kind,
        BuiltinDeserializationErrorKind::ExpectedNonNull
    ));
}

#[test]
fn bad_field_bytes() {
    let typ = udt("u", &[("a", INT), ("b", TEXT)]);
    let data = bytes(&[cell(&[1, 2, 3])]);
    let err = deser_value::<Udt>(&typ, &data).unwrap_err();
    let (field, inner) = udt_field_err(&err, "Udt");
    assert_eq!(field, "a");
    let inner = inner.downcast_ref::<BuiltinDeserializationError>().unwrap();
    assert!(matches!(
        inner.kind,
        BuiltinDeserializationErrorKind::ByteLengthMismatch {
            expected: 4,
            got: 3
        }
    ));
    // Truncated raw bytes of a field: the length says more than there is.
    let mut raw = 10i32.to_be_bytes().to_vec();
    raw.extend_from_slice(&[1, 2]);
    let data = Bytes::from(raw);
    let err = Udt::deserialize(&typ, Some(FrameSlice::new(&data))).unwrap_err();
    let e = err.downcast_ref::<BuiltinDeserializationError>().unwrap();
    assert!(e.rust_name.ends_with("Udt"), "{}", e.rust_name);
}

#[test]
fn null_or_not_udt() {
    let typ = udt("u", &[("a", INT), ("b", TEXT)]);
    let err = Udt::deserialize(&typ, None).unwrap_err();
    let e = err.downcast_ref::<BuiltinDeserializationError>().unwrap();
    assert!(e.rust_name.ends_with("Udt"));
    assert!(matches!(
        e.kind,
        BuiltinDeserializationErrorKind::ExpectedNonNull
    ));

    let err = typck_value::<Udt>(&INT).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Udt", &INT),
        UdtTypeCheckErrorKind::NotUdt
    ));
    // Deserializing without the type check still fails cleanly.
    let data = bytes(&[int(1)]);
    assert!(Udt::deserialize(&INT, Some(FrameSlice::new(&data))).is_err());
}

#[test]
fn missing_field_in_udt_type() {
    let typ = udt("u", &[("b", TEXT), ("c", INT)]);
    let err = typck_value::<Udt>(&typ).unwrap_err();
    match udt_typck_kind(&err, "Udt", &typ) {
        UdtTypeCheckErrorKind::ValuesMissingForUdtFields { field_names } => {
            assert_eq!(field_names, &["a"])
        }
        k => panic!("unexpected kind {k:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("Udt") && msg.contains("\"a\""), "{msg}");
    // Without the type check, deserialization reports it instead of panicking.
    let data = bytes(&[cell(b"x"), int(1)]);
    assert!(Udt::deserialize(&typ, Some(FrameSlice::new(&data))).is_err());
}

#[test]
fn field_type_mismatch_names_everything() {
    let typ = udt("u", &[("a", TEXT), ("b", TEXT)]);
    let err = typck_value::<Udt>(&typ).unwrap_err();
    match udt_typck_kind(&err, "Udt", &typ) {
        UdtTypeCheckErrorKind::FieldTypeCheckFailed { field_name, err } => {
            assert_eq!(field_name, "a");
            let inner = err.downcast_ref::<BuiltinTypeCheckError>().unwrap();
            assert_eq!(inner.rust_name, "i32");
            assert_eq!(inner.cql_type, TEXT);
        }
        k => panic!("unexpected kind {k:?}"),
    }
    let msg = err.to_string();
    for part in ["Udt", "\"a\"", "i32", "text"] {
        assert!(msg.contains(part), "{part} missing in {msg}");
    }
}

#[test]
fn duplicated_field_in_udt() {
    let typ = udt("u", &[("a", INT), ("b", TEXT), ("a", INT)]);
    let err = typck_value::<Udt>(&typ).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Udt", &typ),
        UdtTypeCheckErrorKind::DuplicatedField { field_name } if field_name == "a"
    ));
}

#[derive(DeserializeValue, Debug, PartialEq)]
#[scylla(crate = scylla_cql, forbid_excess_udt_fields)]
struct Strict {
    a: i32,
}

#[test]
fn forbid_excess_udt_fields() {
    let typ = udt("u", &[("a", INT)]);
    assert_eq!(
        deser_value::<Strict>(&typ, &bytes(&[int(3)])).unwrap(),
        Strict { a: 3 }
    );
    let typ = udt("u", &[("x", INT), ("a", INT)]);
    let err = typck_value::<Strict>(&typ).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Strict", &typ),
        UdtTypeCheckErrorKind::ExcessFieldInUdt { db_field_name } if db_field_name == "x"
    ));
}

#[derive(DeserializeValue, Debug, PartialEq)]
#[scylla(crate = scylla_cql)]
struct Attrs {
    #[scylla(rename = "real")]
    a: i32,
    #[scylla(skip)]
    skipped: Vec<u8>,
    #[scylla(allow_missing)]
    am: i32,
    #[scylla(default_when_null)]
    dwn: String,
}

#[test]
fn rename_skip_allow_missing_default_when_null() {
    let typ = udt(
        "u",
        &[("dwn", TEXT), ("am", INT), ("real", INT), ("skipped", BLOB)],
    );
    let data = bytes(&[cell(b"d"), int(2), int(1), cell(&[7])]);
    assert_eq!(
        deser_value::<Attrs>(&typ, &data).unwrap(),
        Attrs {
            a: 1,
            skipped: vec![],
            am: 2,
            dwn: "d".to_owned()
        }
    );
    // Null → Default with default_when_null.
    let data = bytes(&[null_cell(), int(2), int(1)]);
    assert_eq!(deser_value::<Attrs>(&typ, &data).unwrap().dwn, "");
    // Both may be absent from the UDT type; `real` may not.
    let typ = udt("u", &[("real", INT)]);
    assert_eq!(
        deser_value::<Attrs>(&typ, &bytes(&[int(9)])).unwrap(),
        Attrs {
            a: 9,
            skipped: vec![],
            am: 0,
            dwn: String::new()
        }
    );
    let typ = udt("u", &[("a", INT), ("am", INT)]);
    let err = typck_value::<Attrs>(&typ).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Attrs", &typ),
        UdtTypeCheckErrorKind::ValuesMissingForUdtFields { field_names } if field_names == &["real"]
    ));
    // Null without default_when_null is an error, even with allow_missing.
    let typ = udt("u", &[("real", INT), ("am", INT)]);
    let err = deser_value::<Attrs>(&typ, &bytes(&[int(1), null_cell()])).unwrap_err();
    assert_eq!(udt_field_err(&err, "Attrs").0, "am");
}

#[derive(DeserializeValue, Debug, PartialEq)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct Ordered {
    a: i32,
    #[scylla(rename = "bee")]
    b: String,
    #[scylla(skip)]
    s: u8,
}

#[test]
fn enforce_order_positive_and_excess_suffix() {
    let typ = udt("u", &[("a", INT), ("bee", TEXT), ("extra", INT)]);
    let data = bytes(&[int(1), cell(b"b"), int(3)]);
    assert_eq!(
        deser_value::<Ordered>(&typ, &data).unwrap(),
        Ordered {
            a: 1,
            b: "b".to_owned(),
            s: 0
        }
    );
}

#[test]
fn enforce_order_negative() {
    let typ = udt("u", &[("bee", TEXT), ("a", INT)]);
    let err = typck_value::<Ordered>(&typ).unwrap_err();
    match udt_typck_kind(&err, "Ordered", &typ) {
        UdtTypeCheckErrorKind::FieldNameMismatch {
            position,
            rust_field_name,
            db_field_name,
        } => {
            assert_eq!(*position, 0);
            assert_eq!(rust_field_name, "a");
            assert_eq!(db_field_name, "bee");
        }
        k => panic!("unexpected kind {k:?}"),
    }
    let typ = udt("u", &[("a", INT)]);
    let err = typck_value::<Ordered>(&typ).unwrap_err();
    match udt_typck_kind(&err, "Ordered", &typ) {
        UdtTypeCheckErrorKind::TooFewFields {
            required_fields,
            present_fields,
        } => {
            assert_eq!(required_fields, &["a", "bee"]);
            assert_eq!(present_fields, &["a".to_owned()]);
        }
        k => panic!("unexpected kind {k:?}"),
    }
    let typ = udt("u", &[("a", INT), ("bee", INT)]);
    let err = typck_value::<Ordered>(&typ).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Ordered", &typ),
        UdtTypeCheckErrorKind::FieldTypeCheckFailed { field_name, .. } if field_name == "bee"
    ));
    // Deserializing without the type check fails cleanly.
    let data = bytes(&[cell(b"b"), int(1)]);
    let typ = udt("u", &[("bee", TEXT), ("a", INT)]);
    assert!(Ordered::deserialize(&typ, Some(FrameSlice::new(&data))).is_err());
}

#[derive(DeserializeValue, Debug, PartialEq)]
#[scylla(
    crate = scylla_cql,
    flavor = "enforce_order",
    skip_name_checks,
    forbid_excess_udt_fields
)]
struct Positional {
    a: i32,
    b: String,
}

#[test]
fn skip_name_checks_and_forbid_excess_in_order() {
    let typ = udt("u", &[("x", INT), ("y", TEXT)]);
    let data = bytes(&[int(1), cell(b"p")]);
    assert_eq!(
        deser_value::<Positional>(&typ, &data).unwrap(),
        Positional {
            a: 1,
            b: "p".to_owned()
        }
    );
    let typ = udt("u", &[("x", INT), ("y", TEXT), ("z", INT)]);
    let err = typck_value::<Positional>(&typ).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Positional", &typ),
        UdtTypeCheckErrorKind::ExcessFieldInUdt { db_field_name } if db_field_name == "z"
    ));
}

#[derive(DeserializeValue, Debug, PartialEq)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct OrderedOptional {
    a: i32,
    #[scylla(allow_missing)]
    b: i32,
    c: i32,
    #[scylla(default_when_null)]
    d: i32,
}

#[test]
fn enforce_order_allow_missing_and_default_when_null() {
    let typ = udt("u", &[("a", INT), ("c", INT)]);
    let data = bytes(&[int(1), int(3)]);
    assert_eq!(
        deser_value::<OrderedOptional>(&typ, &data).unwrap(),
        OrderedOptional {
            a: 1,
            b: 0,
            c: 3,
            d: 0
        }
    );
    let typ = udt("u", &[("a", INT), ("b", INT), ("c", INT), ("d", INT)]);
    let data = bytes(&[int(1), int(2), int(3), null_cell()]);
    assert_eq!(
        deser_value::<OrderedOptional>(&typ, &data).unwrap(),
        OrderedOptional {
            a: 1,
            b: 2,
            c: 3,
            d: 0
        }
    );
    // default_when_null does not excuse a name mismatch.
    let typ = udt("u", &[("a", INT), ("c", INT), ("x", INT)]);
    let err = typck_value::<OrderedOptional>(&typ).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "OrderedOptional", &typ),
        UdtTypeCheckErrorKind::FieldNameMismatch { rust_field_name, db_field_name, position: 2 }
            if rust_field_name == "d" && db_field_name == "x"
    ));
}

#[derive(DeserializeValue, Debug)]
#[scylla(crate = scylla_cql)]
struct Borrowed<'frame> {
    s: &'frame str,
    b: &'frame [u8],
}

#[derive(DeserializeValue, Debug)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct BorrowedOtherName<'x, 'y> {
    s: &'x str,
    b: Option<&'y [u8]>,
}

#[test]
fn borrowed_fields_point_into_the_frame() {
    let typ = udt("u", &[("s", TEXT), ("b", BLOB)]);
    let data = bytes(&[cell(b"hello"), cell(&[1, 2, 3])]);
    let v: Borrowed<'_> = deser_value(&typ, &data).unwrap();
    assert_eq!(v.s, "hello");
    assert_eq!(v.b, &[1, 2, 3]);
    assert_eq!(v.s.as_ptr(), data[4..].as_ptr());
    assert_eq!(v.b.as_ptr(), data[13..].as_ptr());

    let v: BorrowedOtherName<'_, '_> = deser_value(&typ, &data).unwrap();
    assert_eq!(v.s.as_ptr(), data[4..].as_ptr());
    assert_eq!(v.b.unwrap().as_ptr(), data[13..].as_ptr());
}

#[derive(DeserializeValue, Debug, PartialEq)]
#[scylla(crate = scylla_cql)]
struct Generic<T, U = String>
where
    U: Clone,
{
    t: T,
    u: U,
    #[scylla(skip)]
    phantom: std::marker::PhantomData<U>,
}

#[test]
fn generics() {
    let typ = udt("g", &[("t", BIGINT), ("u", TEXT)]);
    let data = bytes(&[cell(&5i64.to_be_bytes()), cell(b"u")]);
    let v: Generic<i64> = deser_value(&typ, &data).unwrap();
    assert_eq!(v.t, 5);
    assert_eq!(v.u, "u");
    let err = typck_value::<Generic<i32>>(&typ).unwrap_err();
    let e = err.downcast_ref::<BuiltinTypeCheckError>().unwrap();
    assert!(e.rust_name.contains("Generic<i32"), "{}", e.rust_name);
}

#[derive(DeserializeValue, Debug, PartialEq)]
#[scylla(crate = scylla_cql)]
struct Nested {
    inner: Udt,
    list: Vec<Udt>,
}

#[test]
fn nested_udts() {
    let inner_typ = udt("inner", &[("a", INT), ("b", TEXT)]);
    let typ = udt(
        "outer",
        &[
            ("inner", inner_typ.clone()),
            ("list", list(inner_typ, true)),
        ],
    );
    let inner_bytes = [int(7), cell(b"bb")].concat();
    let list_bytes = [
        2i32.to_be_bytes().to_vec(),
        cell(&inner_bytes),
        cell(&int(8)),
    ]
    .concat();
    let data = bytes(&[cell(&inner_bytes), cell(&list_bytes)]);
    let v: Nested = deser_value(&typ, &data).unwrap();
    let seven = Udt {
        a: 7,
        b: Some("bb".to_owned()),
    };
    assert_eq!(v.inner, seven);
    assert_eq!(v.list, vec![seven, Udt { a: 8, b: None }]);
}
