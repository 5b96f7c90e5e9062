//! `#[derive(SerializeRow)]`: every attribute and both flavors, positive and negative.

mod derive_util;

use derive_util::*;
use scylla_cql::SerializeRow;
use scylla_cql::serialize::SerializationError;
use scylla_cql::serialize::row::{
    BuiltinSerializationError, BuiltinSerializationErrorKind, BuiltinTypeCheckError,
    BuiltinTypeCheckErrorKind, SerializeRow as _,
};
use scylla_cql::serialize::value::{
    BuiltinTypeCheckError as ValueTypeCheckError, BuiltinTypeCheckErrorKind as ValueTypckKind,
};

fn typck_kind<'e>(err: &'e SerializationError, struct_name: &str) -> &'e BuiltinTypeCheckErrorKind {
    let e = err
        .downcast_ref::<BuiltinTypeCheckError>()
        .unwrap_or_else(|| panic!("not a row type-check error: {err}"));
    assert!(
        e.rust_name.ends_with(struct_name),
        "rust_name {} does not name {struct_name}",
        e.rust_name
    );
    &e.kind
}

#[derive(SerializeRow, Debug)]
#[scylla(crate = scylla_cql)]
struct ByName {
    a: i32,
    b: String,
}

#[test]
fn by_name_any_order() {
    let v = ByName {
        a: 7,
        b: "x".to_owned(),
    };
    let buf = ser_row(&v, &[col("b", TEXT), col("a", INT)]).unwrap();
    assert_eq!(buf, [cell(b"x"), cell(&7i32.to_be_bytes())].concat());
    let buf = ser_row(&v, &[col("a", INT), col("b", TEXT)]).unwrap();
    assert_eq!(buf, [cell(&7i32.to_be_bytes()), cell(b"x")].concat());
    assert!(!v.is_empty());
}

#[test]
fn by_name_repeated_marker_uses_the_same_field() {
    let v = ByName {
        a: 1,
        b: "y".to_owned(),
    };
    let buf = ser_row(&v, &[col("a", INT), col("b", TEXT), col("a", INT)]).unwrap();
    let one = cell(&1i32.to_be_bytes());
    assert_eq!(buf, [one.clone(), cell(b"y"), one].concat());
}

#[test]
fn by_name_marker_without_field() {
    let v = ByName {
        a: 1,
        b: String::new(),
    };
    let err = ser_row(&v, &[col("a", INT), col("b", TEXT), col("c", INT)]).unwrap_err();
    match typck_kind(&err, "ByName") {
        BuiltinTypeCheckErrorKind::ValueMissingForColumn { name } => assert_eq!(name, "c"),
        k => panic!("unexpected kind {k:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("ByName") && msg.contains('c'), "{msg}");
}

#[test]
fn by_name_field_without_marker() {
    let v = ByName {
        a: 1,
        b: String::new(),
    };
    let err = ser_row(&v, &[col("a", INT)]).unwrap_err();
    match typck_kind(&err, "ByName") {
        BuiltinTypeCheckErrorKind::NoColumnWithName { name } => assert_eq!(name, "b"),
        k => panic!("unexpected kind {k:?}"),
    }
}

#[test]
fn by_name_column_type_mismatch_names_everything() {
    let v = ByName {
        a: 1,
        b: String::new(),
    };
    let err = ser_row(&v, &[col("a", TEXT), col("b", TEXT)]).unwrap_err();
    let e = err
        .downcast_ref::<BuiltinSerializationError>()
        .expect("row serialization error");
    assert!(e.rust_name.ends_with("ByName"), "{}", e.rust_name);
    let BuiltinSerializationErrorKind::ColumnSerializationFailed { name, err: inner } = &e.kind
    else {
        panic!("unexpected kind {:?}", e.kind);
    };
    assert_eq!(name, "a");
    let inner = inner
        .downcast_ref::<ValueTypeCheckError>()
        .expect("value type-check error");
    assert_eq!(inner.rust_name, "i32");
    assert_eq!(inner.got, TEXT);
    assert!(matches!(inner.kind, ValueTypckKind::MismatchedType { .. }));
    let msg = err.to_string();
    for part in ["ByName", "a", "i32", "text"] {
        assert!(msg.contains(part), "{part} missing in {msg}");
    }
}

#[derive(SerializeRow)]
#[scylla(crate = "scylla_cql")]
struct Attrs {
    #[scylla(rename = "renamed")]
    x: i32,
    #[scylla(skip)]
    #[allow(dead_code)]
    skipped: std::cell::Cell<u8>,
    #[scylla(default_when_null)]
    y: Option<i64>,
    #[scylla(rename = "r#type")]
    r#type: bool,
}

#[test]
fn rename_skip_and_accepted_default_when_null() {
    let v = Attrs {
        x: 3,
        skipped: std::cell::Cell::new(9),
        y: None,
        r#type: true,
    };
    let specs = [
        col("r#type", BOOLEAN),
        col("y", BIGINT),
        col("renamed", INT),
    ];
    let buf = ser_row(&v, &specs).unwrap();
    assert_eq!(
        buf,
        [cell(&[1]), null_cell(), cell(&3i32.to_be_bytes())].concat()
    );
    // The field's own name is not a marker name any more.
    let err = ser_row(
        &v,
        &[col("x", INT), col("y", BIGINT), col("r#type", BOOLEAN)],
    )
    .unwrap_err();
    assert!(matches!(
        typck_kind(&err, "Attrs"),
        BuiltinTypeCheckErrorKind::ValueMissingForColumn { name } if name == "x"
    ));
    // A skipped field needs no marker, and no marker may ask for it.
    let err = ser_row(
        &v,
        &[
            col("renamed", INT),
            col("y", BIGINT),
            col("r#type", BOOLEAN),
            col("skipped", INT),
        ],
    )
    .unwrap_err();
    assert!(matches!(
        typck_kind(&err, "Attrs"),
        BuiltinTypeCheckErrorKind::ValueMissingForColumn { name } if name == "skipped"
    ));
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql)]
struct RawIdent {
    r#type: i32,
}

#[test]
fn raw_identifier_is_named_without_prefix() {
    let buf = ser_row(&RawIdent { r#type: 5 }, &[col("type", INT)]).unwrap();
    assert_eq!(buf, cell(&5i32.to_be_bytes()));
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql)]
struct Inner {
    c: i32,
    d: String,
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql)]
struct Outer {
    a: i32,
    #[scylla(flatten)]
    inner: Inner,
    #[scylla(flatten)]
    deeper: Middle,
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql)]
struct Middle {
    #[scylla(flatten)]
    inner: Leaf,
    m: bool,
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql)]
struct Leaf {
    l: i64,
}

fn outer() -> Outer {
    Outer {
        a: 1,
        inner: Inner {
            c: 2,
            d: "d".to_owned(),
        },
        deeper: Middle {
            inner: Leaf { l: 4 },
            m: false,
        },
    }
}

#[test]
fn flatten_by_name() {
    let specs = [
        col("l", BIGINT),
        col("d", TEXT),
        col("a", INT),
        col("m", BOOLEAN),
        col("c", INT),
    ];
    let buf = ser_row(&outer(), &specs).unwrap();
    assert_eq!(
        buf,
        [
            cell(&4i64.to_be_bytes()),
            cell(b"d"),
            cell(&1i32.to_be_bytes()),
            cell(&[0]),
            cell(&2i32.to_be_bytes()),
        ]
        .concat()
    );
}

#[test]
fn flatten_by_name_missing_nested_marker() {
    // No marker for the nested `l`: the nested struct reports it.
    let specs = [
        col("d", TEXT),
        col("a", INT),
        col("m", BOOLEAN),
        col("c", INT),
    ];
    let err = ser_row(&outer(), &specs).unwrap_err();
    assert!(matches!(
        typck_kind(&err, "Leaf"),
        BuiltinTypeCheckErrorKind::NoColumnWithName { name } if name == "l"
    ));
    // A marker no struct in the hierarchy has.
    let specs = [
        col("l", BIGINT),
        col("d", TEXT),
        col("a", INT),
        col("zz", INT),
        col("m", BOOLEAN),
        col("c", INT),
    ];
    let err = ser_row(&outer(), &specs).unwrap_err();
    assert!(matches!(
        typck_kind(&err, "Outer"),
        BuiltinTypeCheckErrorKind::ValueMissingForColumn { name } if name == "zz"
    ));
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct InOrder {
    a: i32,
    #[scylla(rename = "bee")]
    b: String,
    #[scylla(skip)]
    _s: (),
}

#[test]
fn enforce_order_positive() {
    let v = InOrder {
        a: 5,
        b: "q".to_owned(),
        _s: (),
    };
    let buf = ser_row(&v, &[col("a", INT), col("bee", TEXT)]).unwrap();
    assert_eq!(buf, [cell(&5i32.to_be_bytes()), cell(b"q")].concat());
}

#[test]
fn enforce_order_name_mismatch() {
    let v = InOrder {
        a: 5,
        b: "q".to_owned(),
        _s: (),
    };
    let err = ser_row(&v, &[col("bee", TEXT), col("a", INT)]).unwrap_err();
    match typck_kind(&err, "InOrder") {
        BuiltinTypeCheckErrorKind::ColumnNameMismatch {
            rust_column_name,
            db_column_name,
        } => {
            assert_eq!(rust_column_name, "a");
            assert_eq!(db_column_name, "bee");
        }
        k => panic!("unexpected kind {k:?}"),
    }
}

#[test]
fn enforce_order_wrong_column_count() {
    let v = InOrder {
        a: 5,
        b: "q".to_owned(),
        _s: (),
    };
    for specs in [
        vec![col("a", INT)],
        vec![col("a", INT), col("bee", TEXT), col("c", INT)],
    ] {
        let err = ser_row(&v, &specs).unwrap_err();
        match typck_kind(&err, "InOrder") {
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
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql, flavor = "enforce_order", skip_name_checks)]
struct NoNames {
    a: i32,
    b: String,
}

#[test]
fn skip_name_checks_ignores_names_but_not_types() {
    let v = NoNames {
        a: 5,
        b: "q".to_owned(),
    };
    let buf = ser_row(&v, &[col("x", INT), col("y", TEXT)]).unwrap();
    assert_eq!(buf, [cell(&5i32.to_be_bytes()), cell(b"q")].concat());
    let err = ser_row(&v, &[col("x", TEXT), col("y", TEXT)]).unwrap_err();
    let e = err.downcast_ref::<BuiltinSerializationError>().unwrap();
    assert!(e.rust_name.ends_with("NoNames"));
    assert!(matches!(
        &e.kind,
        BuiltinSerializationErrorKind::ColumnSerializationFailed { name, .. } if name == "x"
    ));
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct InOrderLeaf {
    x: i32,
    y: i32,
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct InOrderOuter {
    first: bool,
    #[scylla(flatten)]
    leaf: InOrderLeaf,
    last: String,
}

#[test]
fn flatten_in_order() {
    let v = InOrderOuter {
        first: true,
        leaf: InOrderLeaf { x: 1, y: 2 },
        last: "z".to_owned(),
    };
    let specs = [
        col("first", BOOLEAN),
        col("x", INT),
        col("y", INT),
        col("last", TEXT),
    ];
    let buf = ser_row(&v, &specs).unwrap();
    assert_eq!(
        buf,
        [
            cell(&[1]),
            cell(&1i32.to_be_bytes()),
            cell(&2i32.to_be_bytes()),
            cell(b"z")
        ]
        .concat()
    );
    // The nested struct checks its own names.
    let specs = [
        col("first", BOOLEAN),
        col("y", INT),
        col("x", INT),
        col("last", TEXT),
    ];
    let err = ser_row(&v, &specs).unwrap_err();
    assert!(matches!(
        typck_kind(&err, "InOrderLeaf"),
        BuiltinTypeCheckErrorKind::ColumnNameMismatch { rust_column_name, db_column_name }
            if rust_column_name == "x" && db_column_name == "y"
    ));
    // The column count includes the flattened columns.
    let err = ser_row(&v, &specs[..3]).unwrap_err();
    assert!(matches!(
        typck_kind(&err, "InOrderOuter"),
        BuiltinTypeCheckErrorKind::WrongColumnCount {
            rust_cols: 4,
            cql_cols: 3
        }
    ));
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql)]
struct Empty {
    #[scylla(skip)]
    _nothing: i32,
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql)]
struct OnlyFlat {
    #[scylla(flatten)]
    e: Empty,
}

#[test]
fn is_empty() {
    assert!(Empty { _nothing: 3 }.is_empty());
    assert!(
        OnlyFlat {
            e: Empty { _nothing: 3 }
        }
        .is_empty()
    );
    assert!(!outer().is_empty());
    assert_eq!(
        ser_row(&Empty { _nothing: 1 }, &[]).unwrap(),
        Vec::<u8>::new()
    );
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql)]
struct Generic<'a, T, const N: usize>
where
    T: Clone,
{
    t: T,
    s: &'a str,
    arr: [u8; N],
}

#[test]
fn generics_lifetimes_and_const_params() {
    let v = Generic {
        t: 9i64,
        s: "hi",
        arr: [1u8, 2, 3],
    };
    let buf = ser_row(&v, &[col("s", TEXT), col("arr", BLOB), col("t", BIGINT)]).unwrap();
    assert_eq!(
        buf,
        [cell(b"hi"), cell(&[1, 2, 3]), cell(&9i64.to_be_bytes())].concat()
    );
    let err = ser_row(&v, &[col("s", TEXT), col("arr", BLOB), col("t", INT)]).unwrap_err();
    let e = err.downcast_ref::<BuiltinSerializationError>().unwrap();
    assert!(e.rust_name.contains("Generic<"), "{}", e.rust_name);
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql)]
struct GenericFlatten<T, U> {
    #[scylla(flatten)]
    inner: T,
    #[scylla(flatten)]
    other: U,
    own: i32,
}

#[derive(SerializeRow)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct GenericFlattenInOrder<T> {
    own: i32,
    #[scylla(flatten)]
    inner: T,
}

#[test]
fn flatten_generic_fields() {
    let v = GenericFlatten {
        inner: Leaf { l: 1 },
        other: ByName {
            a: 2,
            b: "b".to_owned(),
        },
        own: 3,
    };
    let specs = [
        col("b", TEXT),
        col("own", INT),
        col("l", BIGINT),
        col("a", INT),
    ];
    assert_eq!(
        ser_row(&v, &specs).unwrap(),
        [
            cell(b"b"),
            cell(&3i32.to_be_bytes()),
            cell(&1i64.to_be_bytes()),
            cell(&2i32.to_be_bytes())
        ]
        .concat()
    );
    let err = ser_row(&v, &specs[1..]).unwrap_err();
    assert!(matches!(
        typck_kind(&err, "ByName"),
        BuiltinTypeCheckErrorKind::NoColumnWithName { name } if name == "b"
    ));

    let v = GenericFlattenInOrder {
        own: 1,
        inner: InOrderLeaf { x: 2, y: 3 },
    };
    let specs = [col("own", INT), col("x", INT), col("y", INT)];
    assert_eq!(
        ser_row(&v, &specs).unwrap(),
        [
            cell(&1i32.to_be_bytes()),
            cell(&2i32.to_be_bytes()),
            cell(&3i32.to_be_bytes())
        ]
        .concat()
    );
}

/// Public structs with private field types: the generated bounds must not trip the
/// private-bounds lints (this test file denies warnings in this module).
#[deny(warnings)]
mod visibility {
    use scylla_cql::{DeserializeRow, DeserializeValue, SerializeRow, SerializeValue};

    #[derive(SerializeValue, DeserializeValue)]
    #[scylla(crate = scylla_cql)]
    struct Private {
        a: i32,
    }

    #[derive(SerializeRow, DeserializeRow)]
    #[scylla(crate = scylla_cql)]
    pub struct Public {
        p: Private,
    }

    #[derive(SerializeRow)]
    #[scylla(crate = scylla_cql)]
    pub struct PublicFlattening {
        #[scylla(flatten)]
        p: PrivateRow,
    }

    #[derive(SerializeRow)]
    #[scylla(crate = scylla_cql)]
    struct PrivateRow {
        a: i32,
    }

    #[test]
    fn compiles_without_warnings() {
        let _ = Public {
            p: Private { a: 1 },
        };
        let _ = PublicFlattening {
            p: PrivateRow { a: 1 },
        };
    }
}
