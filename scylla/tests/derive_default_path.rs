//! The derives used through the `scylla` crate with no `crate` attribute: the generated
//! code names `::scylla::_macro_internal`.

use std::borrow::Cow;
use std::sync::Arc;

use scylla::deserialize::FrameSlice;
use scylla::deserialize::row::{ColumnIterator, DeserializeRow};
use scylla::deserialize::value::DeserializeValue;
use scylla::serialize::row::{RowSerializationContext, SerializeRow};
use scylla::serialize::value::SerializeValue;
use scylla::serialize::writers::{CellWriter, RowWriter};
use scylla::{DeserializeRow, DeserializeValue, SerializeRow, SerializeValue};
use scylla_cql::frame::response::result::{
    ColumnSpec, ColumnType, NativeType, TableSpec, UserDefinedType,
};

#[derive(SerializeValue, DeserializeValue, Debug, PartialEq, Clone)]
struct Udt {
    a: i32,
    #[scylla(rename = "bee")]
    b: Option<String>,
}

#[derive(SerializeRow, DeserializeRow, Debug, PartialEq)]
#[scylla(flavor = "enforce_order")]
struct Row {
    id: i64,
    u: Udt,
}

fn col(name: &str, typ: ColumnType<'static>) -> ColumnSpec<'static> {
    ColumnSpec::owned(
        name.to_owned(),
        typ,
        TableSpec::owned("ks".to_owned(), "t".to_owned()),
    )
}

#[test]
fn derives_work_through_the_scylla_crate() {
    let udt = ColumnType::UserDefinedType {
        frozen: true,
        definition: Arc::new(UserDefinedType {
            name: Cow::Borrowed("u"),
            keyspace: Cow::Borrowed("ks"),
            field_types: vec![
                (Cow::Borrowed("bee"), ColumnType::Native(NativeType::Text)),
                (Cow::Borrowed("a"), ColumnType::Native(NativeType::Int)),
            ],
        }),
    };
    let specs = [
        col("id", ColumnType::Native(NativeType::BigInt)),
        col("u", udt.clone()),
    ];
    let row = Row {
        id: 1,
        u: Udt {
            a: 2,
            b: Some("b".to_owned()),
        },
    };
    let mut buf = Vec::new();
    let mut w = RowWriter::new(&mut buf);
    row.serialize(&RowSerializationContext::from_specs(&specs), &mut w)
        .unwrap();
    assert_eq!(w.value_count(), 2);
    let data = buf;
    Row::type_check(&specs).unwrap();
    let back =
        Row::deserialize(ColumnIterator::new(&specs, FrameSlice::new_borrowed(&data))).unwrap();
    assert_eq!(back, row);

    // The UDT alone, and its error naming the struct.
    let mut buf = Vec::new();
    row.u
        .serialize(&udt, CellWriter::new_without_size(&mut buf))
        .unwrap();
    let data = buf;
    assert_eq!(
        Udt::deserialize(&udt, Some(FrameSlice::new_borrowed(&data))).unwrap(),
        row.u
    );
    let err = <Udt as DeserializeValue<'_, '_>>::type_check(&ColumnType::Native(NativeType::Int))
        .unwrap_err();
    assert!(err.to_string().contains("Udt"), "{err}");
}
