//! `#[derive(SerializeValue)]` (structs as UDTs): every attribute and both flavors,
//! positive and negative.

mod derive_util;

use derive_util::*;
use scylla_cql::SerializeValue;
use scylla_cql::frame::response::result::ColumnType;
use scylla_cql::serialize::SerializationError;
use scylla_cql::serialize::value::{
    BuiltinSerializationError, BuiltinSerializationErrorKind, BuiltinTypeCheckError,
    BuiltinTypeCheckErrorKind, UdtSerializationErrorKind, UdtTypeCheckErrorKind,
};

fn udt_typck_kind<'e>(
    err: &'e SerializationError,
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
    assert_eq!(&e.got, typ);
    match &e.kind {
        BuiltinTypeCheckErrorKind::UdtError(k) => k,
        k => panic!("not a UDT error: {k:?}"),
    }
}

fn int(v: i32) -> Vec<u8> {
    cell(&v.to_be_bytes())
}

#[derive(SerializeValue)]
#[scylla(crate = scylla_cql)]
struct Udt {
    a: i32,
    b: String,
}

fn udt_val() -> Udt {
    Udt {
        a: 7,
        b: "bb".to_owned(),
    }
}

#[test]
fn by_name_any_order() {
    let typ = udt("u", &[("b", TEXT), ("a", INT)]);
    assert_eq!(
        ser_value(&udt_val(), &typ).unwrap(),
        [cell(b"bb"), int(7)].concat()
    );
}

#[test]
fn by_name_missing_fields_null_in_middle_omitted_at_end() {
    let typ = udt(
        "u",
        &[
            ("x", INT),
            ("a", INT),
            ("y", TEXT),
            ("b", TEXT),
            ("z", INT),
            ("w", INT),
        ],
    );
    assert_eq!(
        ser_value(&udt_val(), &typ).unwrap(),
        [null_cell(), int(7), null_cell(), cell(b"bb")].concat()
    );
}

#[test]
fn by_name_field_not_in_udt() {
    let typ = udt("u", &[("a", INT), ("c", TEXT)]);
    let err = ser_value(&udt_val(), &typ).unwrap_err();
    match udt_typck_kind(&err, "Udt", &typ) {
        UdtTypeCheckErrorKind::NoSuchFieldInUdt { field_name } => assert_eq!(field_name, "b"),
        k => panic!("unexpected kind {k:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("Udt") && msg.contains('b'), "{msg}");
}

#[test]
fn not_a_udt() {
    let err = ser_value(&udt_val(), &INT).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Udt", &INT),
        UdtTypeCheckErrorKind::NotUdt
    ));
}

#[test]
fn field_serialization_error_names_everything() {
    let typ = udt("u", &[("a", TEXT), ("b", TEXT)]);
    let err = ser_value(&udt_val(), &typ).unwrap_err();
    let e = err
        .downcast_ref::<BuiltinSerializationError>()
        .expect("value serialization error");
    assert!(e.rust_name.ends_with("Udt"), "{}", e.rust_name);
    assert_eq!(e.got, typ);
    let BuiltinSerializationErrorKind::UdtError(
        UdtSerializationErrorKind::FieldSerializationFailed {
            field_name,
            err: inner,
        },
    ) = &e.kind
    else {
        panic!("unexpected kind {:?}", e.kind);
    };
    assert_eq!(field_name, "a");
    let inner = inner.downcast_ref::<BuiltinTypeCheckError>().unwrap();
    assert_eq!(inner.rust_name, "i32");
    assert_eq!(inner.got, TEXT);
    let msg = err.to_string();
    for part in ["Udt", "a", "i32", "text"] {
        assert!(msg.contains(part), "{part} missing in {msg}");
    }
}

#[derive(SerializeValue)]
#[scylla(crate = scylla_cql, forbid_excess_udt_fields)]
struct Strict {
    a: i32,
    b: String,
}

#[test]
fn forbid_excess_udt_fields() {
    let v = Strict {
        a: 1,
        b: "s".to_owned(),
    };
    let ok = udt("u", &[("b", TEXT), ("a", INT)]);
    assert_eq!(ser_value(&v, &ok).unwrap(), [cell(b"s"), int(1)].concat());
    for (typ, excess) in [
        (udt("u", &[("a", INT), ("x", INT), ("b", TEXT)]), "x"),
        (udt("u", &[("a", INT), ("b", TEXT), ("y", INT)]), "y"),
    ] {
        let err = ser_value(&v, &typ).unwrap_err();
        match udt_typck_kind(&err, "Strict", &typ) {
            UdtTypeCheckErrorKind::ValueMissingForUdtField { field_name } => {
                assert_eq!(field_name, excess)
            }
            k => panic!("unexpected kind {k:?}"),
        }
    }
}

#[derive(SerializeValue)]
#[scylla(crate = scylla_cql)]
struct Attrs {
    #[scylla(rename = "real")]
    a: i32,
    #[scylla(skip)]
    _skipped: std::rc::Rc<()>,
    #[scylla(allow_missing)]
    opt: Option<i32>,
    #[scylla(default_when_null)]
    d: bool,
}

#[test]
fn rename_skip_allow_missing() {
    let v = Attrs {
        a: 2,
        _skipped: std::rc::Rc::new(()),
        opt: Some(3),
        d: true,
    };
    let full = udt("u", &[("d", BOOLEAN), ("opt", INT), ("real", INT)]);
    assert_eq!(
        ser_value(&v, &full).unwrap(),
        [cell(&[1]), int(3), int(2)].concat()
    );
    // `allow_missing`: the UDT may lack the field; it is then not written.
    let without_opt = udt("u", &[("real", INT), ("d", BOOLEAN)]);
    assert_eq!(
        ser_value(&v, &without_opt).unwrap(),
        [int(2), cell(&[1])].concat()
    );
    // Not so for the other fields.
    let without_d = udt("u", &[("real", INT), ("opt", INT)]);
    let err = ser_value(&v, &without_d).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Attrs", &without_d),
        UdtTypeCheckErrorKind::NoSuchFieldInUdt { field_name } if field_name == "d"
    ));
    // The renamed field answers only to its new name; a skipped field to none.
    let old_name = udt("u", &[("a", INT), ("d", BOOLEAN), ("_skipped", INT)]);
    let err = ser_value(&v, &old_name).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Attrs", &old_name),
        UdtTypeCheckErrorKind::NoSuchFieldInUdt { field_name } if field_name == "real"
    ));
    assert_eq!(
        ser_value(
            &v,
            &udt("u", &[("real", INT), ("_skipped", INT), ("d", BOOLEAN)])
        )
        .unwrap(),
        [int(2), null_cell(), cell(&[1])].concat()
    );
}

#[derive(SerializeValue)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct Ordered {
    a: i32,
    #[scylla(rename = "bee")]
    b: String,
    #[scylla(skip)]
    _s: u8,
}

fn ordered() -> Ordered {
    Ordered {
        a: 4,
        b: "o".to_owned(),
        _s: 0,
    }
}

#[test]
fn enforce_order_positive_and_suffix() {
    let typ = udt("u", &[("a", INT), ("bee", TEXT)]);
    assert_eq!(
        ser_value(&ordered(), &typ).unwrap(),
        [int(4), cell(b"o")].concat()
    );
    // A missing suffix is omitted.
    let typ = udt("u", &[("a", INT), ("bee", TEXT), ("c", INT), ("d", INT)]);
    assert_eq!(
        ser_value(&ordered(), &typ).unwrap(),
        [int(4), cell(b"o")].concat()
    );
}

#[test]
fn enforce_order_only_suffix_may_be_missing() {
    let typ = udt("u", &[("a", INT), ("x", INT), ("bee", TEXT)]);
    let err = ser_value(&ordered(), &typ).unwrap_err();
    match udt_typck_kind(&err, "Ordered", &typ) {
        UdtTypeCheckErrorKind::FieldNameMismatch {
            rust_field_name,
            db_field_name,
        } => {
            assert_eq!(rust_field_name, "bee");
            assert_eq!(db_field_name, "x");
        }
        k => panic!("unexpected kind {k:?}"),
    }
    // Wrong order.
    let typ = udt("u", &[("bee", TEXT), ("a", INT)]);
    let err = ser_value(&ordered(), &typ).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Ordered", &typ),
        UdtTypeCheckErrorKind::FieldNameMismatch { rust_field_name, .. } if rust_field_name == "a"
    ));
    // The UDT ends before the struct does.
    let typ = udt("u", &[("a", INT)]);
    let err = ser_value(&ordered(), &typ).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Ordered", &typ),
        UdtTypeCheckErrorKind::NoSuchFieldInUdt { field_name } if field_name == "bee"
    ));
}

#[derive(SerializeValue)]
#[scylla(
    crate = scylla_cql,
    flavor = "enforce_order",
    skip_name_checks,
    forbid_excess_udt_fields
)]
struct Positional {
    a: i32,
    #[scylla(allow_missing)]
    b: String,
}

#[test]
fn skip_name_checks_allow_missing_and_forbid_excess_in_order() {
    let v = Positional {
        a: 1,
        b: "p".to_owned(),
    };
    let typ = udt("u", &[("x", INT), ("y", TEXT)]);
    assert_eq!(ser_value(&v, &typ).unwrap(), [int(1), cell(b"p")].concat());
    // `b` may be missing at the end.
    let typ = udt("u", &[("x", INT)]);
    assert_eq!(ser_value(&v, &typ).unwrap(), int(1));
    // Types are still checked.
    let typ = udt("u", &[("x", TEXT), ("y", TEXT)]);
    let err = ser_value(&v, &typ).unwrap_err();
    let e = err.downcast_ref::<BuiltinSerializationError>().unwrap();
    assert!(matches!(
        &e.kind,
        BuiltinSerializationErrorKind::UdtError(UdtSerializationErrorKind::FieldSerializationFailed { field_name, .. })
            if field_name == "a"
    ));
    // Excess fields are forbidden.
    let typ = udt("u", &[("x", INT), ("y", TEXT), ("z", INT)]);
    let err = ser_value(&v, &typ).unwrap_err();
    assert!(matches!(
        udt_typck_kind(&err, "Positional", &typ),
        UdtTypeCheckErrorKind::ValueMissingForUdtField { field_name } if field_name == "z"
    ));
}

#[derive(SerializeValue)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct OrderedAllowMissing {
    a: i32,
    #[scylla(allow_missing)]
    b: i32,
    c: i32,
}

#[test]
fn enforce_order_allow_missing_in_the_middle() {
    let v = OrderedAllowMissing { a: 1, b: 2, c: 3 };
    let typ = udt("u", &[("a", INT), ("c", INT)]);
    assert_eq!(ser_value(&v, &typ).unwrap(), [int(1), int(3)].concat());
    let typ = udt("u", &[("a", INT), ("b", INT), ("c", INT)]);
    assert_eq!(
        ser_value(&v, &typ).unwrap(),
        [int(1), int(2), int(3)].concat()
    );
}

#[derive(SerializeValue)]
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
            ("list", list(inner_typ.clone(), true)),
        ],
    );
    let v = Nested {
        inner: udt_val(),
        list: vec![udt_val()],
    };
    let inner_bytes = [int(7), cell(b"bb")].concat();
    let list_bytes = [1i32.to_be_bytes().to_vec(), cell(&inner_bytes)].concat();
    assert_eq!(
        ser_value(&v, &typ).unwrap(),
        [cell(&inner_bytes), cell(&list_bytes)].concat()
    );
}

#[derive(SerializeValue)]
#[scylla(crate = scylla_cql)]
struct Generic<'a, T: Copy> {
    t: T,
    s: &'a [u8],
}

#[test]
fn generics() {
    let v = Generic {
        t: 5i64,
        s: &[9, 8][..],
    };
    let typ = udt("g", &[("s", BLOB), ("t", BIGINT)]);
    assert_eq!(
        ser_value(&v, &typ).unwrap(),
        [cell(&[9, 8]), cell(&5i64.to_be_bytes())].concat()
    );
}
