//! Serialize → deserialize round trips through the derived impls: rows holding UDTs,
//! both flavors, and owned values read back as borrowed ones.

mod derive_util;

use std::collections::BTreeMap;

use bytes::Bytes;
use derive_util::*;
use scylla_cql::frame::response::result::{ColumnType, NativeType};
use scylla_cql::value::{CqlTimestamp, CqlValue};
use scylla_cql::{DeserializeRow, DeserializeValue, SerializeRow, SerializeValue};

#[derive(SerializeValue, DeserializeValue, Debug, Clone, PartialEq)]
#[scylla(crate = scylla_cql)]
struct Address {
    street: String,
    #[scylla(rename = "zip_code")]
    zip: i32,
    tags: Option<Vec<String>>,
}

#[derive(SerializeValue, DeserializeValue, Debug, Clone, PartialEq)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct Point {
    x: f64,
    y: f64,
}

#[derive(SerializeRow, DeserializeRow, Debug, Clone, PartialEq)]
#[scylla(crate = scylla_cql)]
struct Person {
    id: i64,
    name: String,
    home: Address,
    previous: Vec<Address>,
    location: Option<Point>,
    scores: BTreeMap<String, i32>,
    seen: CqlTimestamp,
}

fn specs_and_person() -> (
    Vec<scylla_cql::frame::response::result::ColumnSpec<'static>>,
    Person,
) {
    let address = udt(
        "address",
        &[
            ("street", TEXT),
            ("zip_code", INT),
            ("tags", list(TEXT, true)),
        ],
    );
    let point = udt(
        "point",
        &[
            ("x", ColumnType::Native(NativeType::Double)),
            ("y", ColumnType::Native(NativeType::Double)),
        ],
    );
    let specs = vec![
        col("seen", ColumnType::Native(NativeType::Timestamp)),
        col("location", point),
        col("name", TEXT),
        col("previous", list(address.clone(), false)),
        col("id", BIGINT),
        col("home", address),
        col("scores", map(TEXT, INT, false)),
    ];
    let home = Address {
        street: "Main St".to_owned(),
        zip: 12345,
        tags: Some(vec!["a".to_owned(), "b".to_owned()]),
    };
    let person = Person {
        id: 42,
        name: "Ada".to_owned(),
        home: home.clone(),
        previous: vec![
            Address {
                street: "Old St".to_owned(),
                zip: 1,
                tags: None,
            },
            home,
        ],
        location: Some(Point { x: 1.5, y: -2.0 }),
        scores: [("x".to_owned(), 1), ("y".to_owned(), 2)].into(),
        seen: CqlTimestamp(1_700_000_000_000),
    };
    (specs, person)
}

#[test]
fn row_with_udts_round_trip() {
    let (specs, person) = specs_and_person();
    let data = Bytes::from(ser_row(&person, &specs).unwrap());
    let back: Person = deser_row(&specs, &data).unwrap();
    assert_eq!(back, person);

    // The generic row type sees the same values, UDTs included.
    let raw: scylla_cql::value::Row = deser_row(&specs, &data).unwrap();
    assert_eq!(raw.columns.len(), specs.len());
    match &raw.columns[5] {
        Some(CqlValue::UserDefinedType { name, fields, .. }) => {
            assert_eq!(name, "address");
            assert_eq!(fields[0].0, "street");
            assert_eq!(fields[0].1, Some(CqlValue::Text("Main St".to_owned())));
            assert_eq!(fields[1].1, Some(CqlValue::Int(12345)));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn null_udt_in_option_round_trip() {
    let (specs, mut person) = specs_and_person();
    person.location = None;
    let data = Bytes::from(ser_row(&person, &specs).unwrap());
    let back: Person = deser_row(&specs, &data).unwrap();
    assert_eq!(back.location, None);
    assert_eq!(back, person);
}

#[derive(SerializeRow, Debug)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct OwnedRow {
    key: String,
    blob: Vec<u8>,
    #[scylla(flatten)]
    extra: Extra,
}

#[derive(SerializeRow, Debug)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct Extra {
    n: Option<i32>,
}

#[derive(DeserializeRow, Debug)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct BorrowedRow<'frame> {
    key: &'frame str,
    blob: &'frame [u8],
    #[scylla(default_when_null)]
    n: i32,
}

#[test]
fn owned_to_borrowed_round_trip() {
    let specs = [col("key", TEXT), col("blob", BLOB), col("n", INT)];
    let v = OwnedRow {
        key: "k".repeat(10),
        blob: vec![0xab; 100],
        extra: Extra { n: None },
    };
    let data = Bytes::from(ser_row(&v, &specs).unwrap());
    let back: BorrowedRow<'_> = deser_row(&specs, &data).unwrap();
    assert_eq!(back.key, v.key);
    assert_eq!(back.blob, &v.blob[..]);
    assert_eq!(back.n, 0);
    // Zero-copy: both point into the frame.
    let frame = data.as_ptr_range();
    assert!(frame.contains(&back.key.as_ptr()));
    assert!(frame.contains(&back.blob.as_ptr()));
}

#[derive(SerializeValue, DeserializeValue, Debug, PartialEq, Default)]
#[scylla(crate = scylla_cql)]
struct V1 {
    a: i32,
    b: Option<String>,
}

#[derive(DeserializeValue, Debug, PartialEq)]
#[scylla(crate = scylla_cql)]
struct V2 {
    a: i32,
    b: Option<String>,
    #[scylla(allow_missing)]
    c: Option<i64>,
}

#[test]
fn udt_schema_evolution() {
    // The struct written against an older UDT, the type since grown by a field.
    let grown = udt("v", &[("a", INT), ("b", TEXT), ("c", BIGINT)]);
    let v1 = V1 {
        a: 1,
        b: Some("b".to_owned()),
    };
    // The missing suffix is omitted: the value has two fields.
    let data = Bytes::from(ser_value(&v1, &grown).unwrap());
    assert_eq!(data.len(), 4 + 4 + 4 + 1);
    let back: V1 = deser_value(&grown, &data).unwrap();
    assert_eq!(back, v1);
    let back: V2 = deser_value(&grown, &data).unwrap();
    assert_eq!(
        back,
        V2 {
            a: 1,
            b: Some("b".to_owned()),
            c: None
        }
    );
    // A newer struct against the old type.
    let old = udt("v", &[("a", INT), ("b", TEXT)]);
    let back: V2 = deser_value(&old, &data).unwrap();
    assert_eq!(back.c, None);
}

#[derive(SerializeRow, DeserializeRow, SerializeValue, DeserializeValue, Debug, PartialEq)]
#[scylla(crate = scylla_cql)]
struct NoFields {}

#[derive(SerializeRow, DeserializeRow, SerializeValue, DeserializeValue, Debug, PartialEq)]
#[scylla(crate = scylla_cql, flavor = "enforce_order")]
struct OnlySkipped {
    #[scylla(skip)]
    x: i32,
}

#[test]
fn structs_without_columns() {
    use scylla_cql::serialize::row::SerializeRow as _;
    assert!(NoFields {}.is_empty());
    assert!(OnlySkipped { x: 1 }.is_empty());
    let data = Bytes::from(ser_row(&NoFields {}, &[]).unwrap());
    assert!(data.is_empty());
    assert_eq!(deser_row::<NoFields>(&[], &data).unwrap(), NoFields {});
    assert_eq!(
        deser_row::<OnlySkipped>(&[], &data).unwrap(),
        OnlySkipped { x: 0 }
    );
    // Any column is one too many.
    assert!(ser_row(&OnlySkipped { x: 1 }, &[col("x", INT)]).is_err());
    assert!(typck_row::<NoFields>(&[col("x", INT)]).is_err());

    // As UDTs: every field of the type is null / excess.
    let typ = udt("e", &[("x", INT)]);
    let bytes = Bytes::from(ser_value(&NoFields {}, &typ).unwrap());
    assert!(bytes.is_empty());
    assert_eq!(deser_value::<NoFields>(&typ, &bytes).unwrap(), NoFields {});
    assert_eq!(
        deser_value::<OnlySkipped>(&typ, &Bytes::from(int_cell(5))).unwrap(),
        OnlySkipped { x: 0 }
    );
}

fn int_cell(v: i32) -> Vec<u8> {
    cell(&v.to_be_bytes())
}
