//! The generated code compiles and works in a module that shadows the prelude and the
//! names `core` and `std`.

#![allow(dead_code)]

#[no_implicit_prelude]
mod shadowing {
    // Everything the generated code could name without a full path is something else.
    pub struct Result;
    pub struct Option;
    pub struct Some;
    pub struct None;
    pub struct Ok;
    pub struct Err;
    pub struct Vec;
    pub struct String;
    pub struct Box;
    pub struct Default;
    pub struct Iterator;
    pub struct IntoIterator;
    pub struct Clone;
    pub struct Into;
    pub struct From;
    pub struct ToOwned;
    pub struct ToString;
    pub struct Sized;
    pub mod core {}
    pub mod std {}
    pub mod scylla {}

    #[derive(
        ::scylla_cql::SerializeRow,
        ::scylla_cql::DeserializeRow,
        ::std::fmt::Debug,
        ::std::cmp::PartialEq,
    )]
    #[scylla(crate = ::scylla_cql)]
    pub struct ByNameRow<'frame, T> {
        pub a: i32,
        #[scylla(rename = "bee")]
        pub b: &'frame str,
        pub t: ::std::option::Option<T>,
        #[scylla(skip)]
        pub skipped: ::std::vec::Vec<u8>,
        #[scylla(default_when_null)]
        pub d: ::std::string::String,
    }

    #[derive(
        ::scylla_cql::SerializeRow,
        ::scylla_cql::DeserializeRow,
        ::std::fmt::Debug,
        ::std::cmp::PartialEq,
    )]
    #[scylla(crate = ::scylla_cql, flavor = "enforce_order")]
    pub struct InOrderRow {
        pub a: i32,
        #[scylla(skip)]
        pub skipped: bool,
        #[scylla(default_when_null)]
        pub d: i64,
    }

    #[derive(::scylla_cql::SerializeRow)]
    #[scylla(crate = ::scylla_cql)]
    pub struct Flattening<'a> {
        #[scylla(flatten)]
        pub inner: ByNameRow<'a, i32>,
        pub z: bool,
    }

    #[derive(::scylla_cql::SerializeRow)]
    #[scylla(crate = ::scylla_cql, flavor = "enforce_order", skip_name_checks)]
    pub struct FlatteningInOrder {
        #[scylla(flatten)]
        pub inner: InOrderRow,
        pub z: bool,
    }

    #[derive(
        ::scylla_cql::SerializeValue,
        ::scylla_cql::DeserializeValue,
        ::std::fmt::Debug,
        ::std::cmp::PartialEq,
    )]
    #[scylla(crate = ::scylla_cql, forbid_excess_udt_fields)]
    pub struct ByNameUdt<T> {
        pub a: T,
        #[scylla(allow_missing)]
        pub m: ::std::option::Option<::std::string::String>,
        #[scylla(default_when_null)]
        pub d: i32,
        #[scylla(skip)]
        pub s: u8,
    }

    #[derive(
        ::scylla_cql::SerializeValue,
        ::scylla_cql::DeserializeValue,
        ::std::fmt::Debug,
        ::std::cmp::PartialEq,
    )]
    #[scylla(crate = ::scylla_cql, flavor = "enforce_order", skip_name_checks)]
    pub struct InOrderUdt<'frame> {
        pub a: &'frame [u8],
        #[scylla(allow_missing)]
        pub m: i32,
        #[scylla(default_when_null)]
        pub d: i32,
    }
}

mod tests {
    use ::bytes::Bytes;
    use ::scylla_cql::deserialize::FrameSlice;
    use ::scylla_cql::deserialize::row::{ColumnIterator, DeserializeRow};
    use ::scylla_cql::deserialize::value::DeserializeValue;
    use ::scylla_cql::frame::response::result::{
        ColumnSpec, ColumnType, NativeType, TableSpec, UserDefinedType,
    };
    use ::scylla_cql::serialize::row::{RowSerializationContext, SerializeRow};
    use ::scylla_cql::serialize::value::SerializeValue;
    use ::scylla_cql::serialize::writers::{CellWriter, RowWriter};
    use ::std::borrow::{Cow, ToOwned};
    use ::std::option::Option::{None, Some};
    use ::std::string::String;
    use ::std::sync::Arc;
    use ::std::vec::Vec;
    use ::std::{assert, assert_eq, vec};

    use super::shadowing::*;

    fn col(name: &str, typ: ColumnType<'static>) -> ColumnSpec<'static> {
        ColumnSpec::owned(
            name.to_owned(),
            typ,
            TableSpec::owned("ks".to_owned(), "t".to_owned()),
        )
    }

    fn native(n: NativeType) -> ColumnType<'static> {
        ColumnType::Native(n)
    }

    fn ser_row<R: SerializeRow>(r: &R, specs: &[ColumnSpec<'static>]) -> Bytes {
        let ctx = RowSerializationContext::from_specs(specs);
        let mut buf = Vec::new();
        let mut w = RowWriter::new(&mut buf);
        r.serialize(&ctx, &mut w).unwrap();
        Bytes::from(buf)
    }

    #[test]
    fn rows_round_trip() {
        let specs = [
            col("t", native(NativeType::BigInt)),
            col("d", native(NativeType::Text)),
            col("bee", native(NativeType::Text)),
            col("a", native(NativeType::Int)),
        ];
        let v = ByNameRow {
            a: 1,
            b: "b",
            t: Some(2i64),
            skipped: vec![1],
            d: String::new(),
        };
        let data = ser_row(&v, &specs);
        <ByNameRow<'_, i64> as DeserializeRow<'_, '_>>::type_check(&specs).unwrap();
        let back = <ByNameRow<'_, i64> as DeserializeRow<'_, '_>>::deserialize(
            ColumnIterator::new(&specs, FrameSlice::new(&data)),
        )
        .unwrap();
        assert_eq!(
            back,
            ByNameRow {
                skipped: vec![],
                ..v
            }
        );

        let flat = Flattening {
            inner: ByNameRow {
                a: 1,
                b: "b",
                t: None,
                skipped: vec![],
                d: String::new(),
            },
            z: true,
        };
        let mut fspecs = specs.to_vec();
        fspecs.push(col("z", native(NativeType::Boolean)));
        fspecs[0] = col("t", native(NativeType::Int));
        assert!(!ser_row(&flat, &fspecs).is_empty());

        let specs = [
            col("a", native(NativeType::Int)),
            col("d", native(NativeType::BigInt)),
        ];
        let v = InOrderRow {
            a: 3,
            skipped: false,
            d: 4,
        };
        let data = ser_row(&v, &specs);
        <InOrderRow as DeserializeRow<'_, '_>>::type_check(&specs).unwrap();
        let back = <InOrderRow as DeserializeRow<'_, '_>>::deserialize(ColumnIterator::new(
            &specs,
            FrameSlice::new(&data),
        ))
        .unwrap();
        assert_eq!(back, v);

        let mut fspecs = specs.to_vec();
        fspecs.push(col("z", native(NativeType::Boolean)));
        let f = FlatteningInOrder { inner: v, z: true };
        assert_eq!(ser_row(&f, &fspecs).len(), 4 + 4 + 4 + 8 + 4 + 1);
    }

    #[test]
    fn udts_round_trip() {
        let typ = ColumnType::UserDefinedType {
            frozen: false,
            definition: Arc::new(UserDefinedType {
                name: Cow::Borrowed("u"),
                keyspace: Cow::Borrowed("ks"),
                field_types: vec![
                    (Cow::Borrowed("d"), native(NativeType::Int)),
                    (Cow::Borrowed("a"), native(NativeType::Blob)),
                    (Cow::Borrowed("m"), native(NativeType::Text)),
                ],
            }),
        };
        let v = ByNameUdt {
            a: vec![1u8, 2],
            m: Some("m".to_owned()),
            d: 5,
            s: 9,
        };
        let mut buf = Vec::new();
        v.serialize(&typ, CellWriter::new_without_size(&mut buf))
            .unwrap();
        let data = Bytes::from(buf);
        <ByNameUdt<Vec<u8>> as DeserializeValue<'_, '_>>::type_check(&typ).unwrap();
        let back = <ByNameUdt<Vec<u8>> as DeserializeValue<'_, '_>>::deserialize(
            &typ,
            Some(FrameSlice::new(&data)),
        )
        .unwrap();
        assert_eq!(back, ByNameUdt { s: 0, ..v });

        // Positional, with a borrowed blob.
        let typ = ColumnType::UserDefinedType {
            frozen: false,
            definition: Arc::new(UserDefinedType {
                name: Cow::Borrowed("v"),
                keyspace: Cow::Borrowed("ks"),
                field_types: vec![
                    (Cow::Borrowed("x"), native(NativeType::Blob)),
                    (Cow::Borrowed("y"), native(NativeType::Int)),
                    (Cow::Borrowed("z"), native(NativeType::Int)),
                ],
            }),
        };
        let v = InOrderUdt {
            a: &[7, 7, 7],
            m: 1,
            d: 2,
        };
        let mut buf = Vec::new();
        v.serialize(&typ, CellWriter::new_without_size(&mut buf))
            .unwrap();
        let data = Bytes::from(buf);
        <InOrderUdt<'_> as DeserializeValue<'_, '_>>::type_check(&typ).unwrap();
        let back = <InOrderUdt<'_> as DeserializeValue<'_, '_>>::deserialize(
            &typ,
            Some(FrameSlice::new(&data)),
        )
        .unwrap();
        assert_eq!(back, v);
        assert_eq!(back.a.as_ptr(), data[4..].as_ptr());
    }
}
