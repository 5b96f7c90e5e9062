//! Property tests of deserialization:
//! - arbitrary (and length-prefix-shaped) bytes for arbitrary column types, fed to
//!   `CqlValue` and to many typed targets and to the row iterators, never panic;
//! - values generated for arbitrary (nested) types, encoded per the protocol spec,
//!   deserialize back into the same `CqlValue`.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;
use proptest::prelude::*;
use scylla_cql::deserialize::FrameSlice;
use scylla_cql::deserialize::result::{RawRowIterator, RawRowLendingIterator, TypedRowIterator};
use scylla_cql::deserialize::row::{ColumnIterator, DeserializeRow};
use scylla_cql::deserialize::value::{
    DeserializeValue, FrameSliceWithMetadata, ListlikeIterator, MapIterator, UdtIterator,
    VectorIterator,
};
use scylla_cql::frame::response::result::{
    CollectionType, ColumnSpec, ColumnType, NativeType, TableSpec, UserDefinedType,
};
use scylla_cql::frame::types;
use scylla_cql::value::{
    Counter, CqlDate, CqlDecimal, CqlDecimalBorrowed, CqlDuration, CqlTime, CqlTimestamp,
    CqlTimeuuid, CqlValue, CqlVarint, CqlVarintBorrowed, MaybeEmpty, Row,
};
use uuid::Uuid;

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

fn native_type() -> impl Strategy<Value = NativeType> {
    proptest::sample::select(NativeType::ALL.to_vec())
}

fn column_type() -> impl Strategy<Value = ColumnType<'static>> {
    let leaf = prop_oneof![
        8 => native_type().prop_map(ColumnType::Native),
        1 => Just(ColumnType::Custom(Cow::Borrowed("org.example.Custom"))),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            (inner.clone(), any::<bool>()).prop_map(|(t, frozen)| ColumnType::Collection {
                frozen,
                typ: CollectionType::List(Box::new(t)),
            }),
            (inner.clone(), any::<bool>()).prop_map(|(t, frozen)| ColumnType::Collection {
                frozen,
                typ: CollectionType::Set(Box::new(t)),
            }),
            (inner.clone(), inner.clone()).prop_map(|(k, v)| ColumnType::Collection {
                frozen: true,
                typ: CollectionType::Map(Box::new(k), Box::new(v)),
            }),
            (inner.clone(), 0u16..4).prop_map(|(t, dimensions)| ColumnType::Vector {
                typ: Box::new(t),
                dimensions,
            }),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(ColumnType::Tuple),
            proptest::collection::vec(inner, 0..4).prop_map(|ts| ColumnType::UserDefinedType {
                frozen: true,
                definition: Arc::new(UserDefinedType {
                    name: Cow::Borrowed("u"),
                    keyspace: Cow::Borrowed("ks"),
                    field_types: ts
                        .into_iter()
                        .enumerate()
                        .map(|(i, t)| (Cow::Owned(format!("f{i}")), t))
                        .collect(),
                }),
            }),
        ]
    })
}

/// Bytes shaped like CQL values: small `[int]` lengths (including -1 and -2), small
/// vints and raw bytes mixed, so that parsers get past their first length field.
fn cql_shaped_bytes() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        3 => (-3i32..12).prop_map(|l| l.to_be_bytes().to_vec()),
        1 => any::<i32>().prop_map(|l| l.to_be_bytes().to_vec()),
        2 => any::<u8>().prop_map(|b| vec![b]),
        1 => (0u64..300).prop_map(|v| {
            let mut out = Vec::new();
            types::write_unsigned_vint(v, &mut out);
            out
        }),
    ];
    proptest::collection::vec(token, 0..24).prop_map(|ts| ts.concat())
}

fn any_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..48),
        cql_shaped_bytes(),
    ]
}

// ---------------------------------------------------------------------------------------
// No panics on garbage
// ---------------------------------------------------------------------------------------

/// Type-checks `T` against `typ` and, if it fits, deserializes `slice` into it.
fn try_typed<'f, 'm, T>(typ: &'m ColumnType<'m>, slice: Option<FrameSlice<'f>>)
where
    T: DeserializeValue<'f, 'm>,
{
    if T::type_check(typ).is_ok() {
        let _ = T::deserialize(typ, slice);
    }
}

/// Same, and drains the iterator.
fn try_iter<'f, 'm, T, I>(typ: &'m ColumnType<'m>, slice: Option<FrameSlice<'f>>)
where
    T: DeserializeValue<'f, 'm> + Iterator<Item = I>,
{
    if T::type_check(typ).is_ok()
        && let Ok(it) = T::deserialize(typ, slice)
    {
        let (lo, hi) = it.size_hint();
        let n = it.count();
        assert!(
            hi.is_none_or(|h| n <= h),
            "{n} items, size_hint {lo}..{hi:?}"
        );
    }
}

fn feed_everything<'f, 'm>(typ: &'m ColumnType<'m>, slice: Option<FrameSlice<'f>>) {
    try_typed::<CqlValue>(typ, slice);
    try_typed::<Option<CqlValue>>(typ, slice);
    try_typed::<i8>(typ, slice);
    try_typed::<i16>(typ, slice);
    try_typed::<i32>(typ, slice);
    try_typed::<i64>(typ, slice);
    try_typed::<f32>(typ, slice);
    try_typed::<f64>(typ, slice);
    try_typed::<bool>(typ, slice);
    try_typed::<Counter>(typ, slice);
    try_typed::<String>(typ, slice);
    try_typed::<&str>(typ, slice);
    try_typed::<Arc<str>>(typ, slice);
    try_typed::<Vec<u8>>(typ, slice);
    try_typed::<&[u8]>(typ, slice);
    try_typed::<Bytes>(typ, slice);
    try_typed::<Uuid>(typ, slice);
    try_typed::<CqlTimeuuid>(typ, slice);
    try_typed::<IpAddr>(typ, slice);
    try_typed::<CqlDate>(typ, slice);
    try_typed::<CqlTime>(typ, slice);
    try_typed::<CqlTimestamp>(typ, slice);
    try_typed::<CqlDuration>(typ, slice);
    try_typed::<CqlVarint>(typ, slice);
    try_typed::<CqlVarintBorrowed>(typ, slice);
    try_typed::<CqlDecimal>(typ, slice);
    try_typed::<CqlDecimalBorrowed>(typ, slice);
    try_typed::<MaybeEmpty<i32>>(typ, slice);
    try_typed::<Option<FrameSlice>>(typ, slice);
    try_typed::<FrameSliceWithMetadata>(typ, slice);
    try_typed::<Vec<CqlValue>>(typ, slice);
    try_typed::<Vec<Option<CqlValue>>>(typ, slice);
    try_typed::<Vec<i32>>(typ, slice);
    try_typed::<Vec<Vec<CqlValue>>>(typ, slice);
    try_typed::<BTreeSet<String>>(typ, slice);
    try_typed::<HashSet<Vec<u8>>>(typ, slice);
    try_typed::<HashMap<i32, String>>(typ, slice);
    try_typed::<BTreeMap<String, Option<CqlValue>>>(typ, slice);
    try_typed::<(Option<CqlValue>,)>(typ, slice);
    try_typed::<(Option<CqlValue>, Option<CqlValue>)>(typ, slice);
    try_typed::<(CqlValue, CqlValue, CqlValue)>(typ, slice);
    try_iter::<ListlikeIterator<CqlValue>, _>(typ, slice);
    try_iter::<MapIterator<CqlValue, Option<CqlValue>>, _>(typ, slice);
    try_iter::<VectorIterator<CqlValue>, _>(typ, slice);
    if UdtIterator::type_check(typ).is_ok()
        && let Ok(it) = UdtIterator::deserialize(typ, slice)
    {
        for ((_, field_typ), raw) in it {
            if let Ok(raw) = raw {
                let _ = Option::<CqlValue>::deserialize(field_typ, raw.flatten());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn garbage_values_never_panic(typ in column_type(), bytes in any_bytes()) {
        let frame = Bytes::from(bytes);
        feed_everything(&typ, Some(FrameSlice::new(&frame)));
        feed_everything(&typ, None);
    }

    #[test]
    fn garbage_rows_never_panic(
        types in proptest::collection::vec(column_type(), 0..4),
        rows_count in prop_oneof![0usize..6, Just(usize::MAX), Just(i32::MAX as usize)],
        bytes in any_bytes(),
    ) {
        let specs: Vec<ColumnSpec<'static>> = types
            .into_iter()
            .enumerate()
            .map(|(i, t)| ColumnSpec::owned(format!("c{i}"), t, TableSpec::borrowed("ks", "t")))
            .collect();
        let frame = Bytes::from(bytes);
        let raw = RawRowIterator::new(rows_count, &specs, FrameSlice::new(&frame));
        // Without columns rows take no bytes and the count cannot be checked.
        if !specs.is_empty() {
            let rows: Vec<_> = TypedRowIterator::<Row>::new(raw.clone()).unwrap().collect();
            prop_assert!(rows.len() <= frame.len() / 4 + 1);
            for row in raw.clone().flatten() {
                let _ = <(Option<CqlValue>, Option<CqlValue>) as DeserializeRow>::deserialize(row.clone());
                for c in row.flatten() {
                    feed_everything(c.spec.typ(), c.slice);
                }
            }
            if let Ok(it) = TypedRowIterator::<(Option<i32>, Option<String>)>::new(raw.clone()) {
                let _ = it.count();
            }
            let mut lending = RawRowLendingIterator::from_specs_and_raw_rows(
                specs.clone().into(), rows_count, frame.clone());
            let mut n = 0;
            while let Some(row) = lending.next() {
                n += 1;
                if let Ok(row) = row {
                    let _ = <ColumnIterator as DeserializeRow>::deserialize(row).map(|r| r.count());
                }
            }
            prop_assert!(n <= frame.len() / 4 + 1);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Generated values round-trip
// ---------------------------------------------------------------------------------------

fn fixed_size(typ: &ColumnType) -> bool {
    typ.type_size_for_vector().is_some()
}

/// A value of `typ`; `allow_empty` allows the special empty value where the type
/// permits it (not inside fixed-size vector elements, whose size cannot be zero).
fn value_of(typ: &ColumnType<'static>, allow_empty: bool) -> BoxedStrategy<CqlValue> {
    if allow_empty && typ.supports_special_empty_value() {
        let t = typ.clone();
        return prop_oneof![1 => Just(CqlValue::Empty), 6 => value_of_nonempty(&t)].boxed();
    }
    value_of_nonempty(typ)
}

fn value_of_nonempty(typ: &ColumnType<'static>) -> BoxedStrategy<CqlValue> {
    match typ {
        ColumnType::Native(n) => match n {
            NativeType::Ascii => "[ -~]{0,8}".prop_map(CqlValue::Ascii).boxed(),
            NativeType::Text => any::<String>().prop_map(CqlValue::Text).boxed(),
            NativeType::Boolean => any::<bool>().prop_map(CqlValue::Boolean).boxed(),
            NativeType::Blob => proptest::collection::vec(any::<u8>(), 0..8)
                .prop_map(CqlValue::Blob)
                .boxed(),
            NativeType::Counter => any::<i64>()
                .prop_map(|v| CqlValue::Counter(Counter(v)))
                .boxed(),
            NativeType::Date => any::<u32>()
                .prop_map(|v| CqlValue::Date(CqlDate(v)))
                .boxed(),
            NativeType::Decimal => (proptest::collection::vec(any::<u8>(), 1..6), any::<i32>())
                .prop_map(|(b, s)| {
                    CqlValue::Decimal(CqlDecimal::from_signed_be_bytes_and_exponent(b, s))
                })
                .boxed(),
            NativeType::Double => proptest::num::f64::NORMAL
                .prop_map(CqlValue::Double)
                .boxed(),
            NativeType::Float => proptest::num::f32::NORMAL.prop_map(CqlValue::Float).boxed(),
            NativeType::Duration => (any::<i32>(), any::<i32>(), any::<i64>())
                .prop_map(|(months, days, nanoseconds)| {
                    CqlValue::Duration(CqlDuration {
                        months,
                        days,
                        nanoseconds,
                    })
                })
                .boxed(),
            NativeType::Int => any::<i32>().prop_map(CqlValue::Int).boxed(),
            NativeType::BigInt => any::<i64>().prop_map(CqlValue::BigInt).boxed(),
            NativeType::Timestamp => any::<i64>()
                .prop_map(|v| CqlValue::Timestamp(CqlTimestamp(v)))
                .boxed(),
            NativeType::Inet => any::<IpAddr>().prop_map(CqlValue::Inet).boxed(),
            NativeType::SmallInt => any::<i16>().prop_map(CqlValue::SmallInt).boxed(),
            NativeType::TinyInt => any::<i8>().prop_map(CqlValue::TinyInt).boxed(),
            NativeType::Time => any::<i64>()
                .prop_map(|v| CqlValue::Time(CqlTime(v)))
                .boxed(),
            NativeType::Timeuuid => any::<u128>()
                .prop_map(|v| CqlValue::Timeuuid(CqlTimeuuid::from_u128(v)))
                .boxed(),
            NativeType::Uuid => any::<u128>()
                .prop_map(|v| CqlValue::Uuid(Uuid::from_u128(v)))
                .boxed(),
            NativeType::Varint => proptest::collection::vec(any::<u8>(), 1..10)
                .prop_map(|b| CqlValue::Varint(CqlVarint::from_signed_bytes_be(b)))
                .boxed(),
            other => panic!("no generator for {other}"),
        },
        ColumnType::Custom(_) => proptest::collection::vec(any::<u8>(), 0..8)
            .prop_map(CqlValue::Blob)
            .boxed(),
        ColumnType::Collection { typ: coll, .. } => match coll {
            CollectionType::List(t) => proptest::collection::vec(value_of(t, true), 0..3)
                .prop_map(CqlValue::List)
                .boxed(),
            CollectionType::Set(t) => proptest::collection::vec(value_of(t, true), 0..3)
                .prop_map(CqlValue::Set)
                .boxed(),
            CollectionType::Map(k, v) => {
                proptest::collection::vec((value_of(k, true), value_of(v, true)), 0..3)
                    .prop_map(CqlValue::Map)
                    .boxed()
            }
            other => panic!("no generator for {other:?}"),
        },
        ColumnType::Vector { typ: t, dimensions } => {
            let allow_empty = !fixed_size(t);
            proptest::collection::vec(value_of(t, allow_empty), usize::from(*dimensions))
                .prop_map(CqlValue::Vector)
                .boxed()
        }
        ColumnType::Tuple(ts) => {
            let elems: Vec<_> = ts
                .iter()
                .map(|t| proptest::option::of(value_of(t, true)))
                .collect();
            elems.prop_map(CqlValue::Tuple).boxed()
        }
        ColumnType::UserDefinedType { definition, .. } => {
            let fields: Vec<_> = definition
                .field_types
                .iter()
                .map(|(name, t)| {
                    let name = name.to_string();
                    proptest::option::of(value_of(t, true)).prop_map(move |v| (name.clone(), v))
                })
                .collect();
            let (ks, name) = (definition.keyspace.to_string(), definition.name.to_string());
            fields
                .prop_map(move |fields| CqlValue::UserDefinedType {
                    keyspace: ks.clone(),
                    name: name.clone(),
                    fields,
                })
                .boxed()
        }
        other => panic!("no generator for {other:?}"),
    }
}

fn put_cell(out: &mut Vec<u8>, typ: &ColumnType, v: Option<&CqlValue>) {
    match v {
        None => out.extend_from_slice(&(-1i32).to_be_bytes()),
        Some(v) => {
            let body = encode(typ, v);
            out.extend_from_slice(&(body.len() as i32).to_be_bytes());
            out.extend_from_slice(&body);
        }
    }
}

/// Encodes a value per the protocol spec (sections 5 and 6), independently of the
/// crate's serializers.
fn encode(typ: &ColumnType, v: &CqlValue) -> Vec<u8> {
    let mut out = Vec::new();
    match (typ, v) {
        (_, CqlValue::Empty) => {}
        (_, CqlValue::Ascii(s) | CqlValue::Text(s)) => out.extend_from_slice(s.as_bytes()),
        (_, CqlValue::Boolean(b)) => out.push(u8::from(*b)),
        (_, CqlValue::Blob(b)) => out.extend_from_slice(b),
        (_, CqlValue::Counter(c)) => out.extend_from_slice(&c.0.to_be_bytes()),
        (_, CqlValue::Date(d)) => out.extend_from_slice(&d.0.to_be_bytes()),
        (_, CqlValue::Decimal(d)) => {
            let (bytes, scale) = d.as_signed_be_bytes_slice_and_exponent();
            out.extend_from_slice(&scale.to_be_bytes());
            out.extend_from_slice(bytes);
        }
        (_, CqlValue::Double(d)) => out.extend_from_slice(&d.to_be_bytes()),
        (_, CqlValue::Float(d)) => out.extend_from_slice(&d.to_be_bytes()),
        (_, CqlValue::Duration(d)) => {
            types::write_vint(i64::from(d.months), &mut out);
            types::write_vint(i64::from(d.days), &mut out);
            types::write_vint(d.nanoseconds, &mut out);
        }
        (_, CqlValue::Int(i)) => out.extend_from_slice(&i.to_be_bytes()),
        (_, CqlValue::BigInt(i)) => out.extend_from_slice(&i.to_be_bytes()),
        (_, CqlValue::SmallInt(i)) => out.extend_from_slice(&i.to_be_bytes()),
        (_, CqlValue::TinyInt(i)) => out.extend_from_slice(&i.to_be_bytes()),
        (_, CqlValue::Timestamp(t)) => out.extend_from_slice(&t.0.to_be_bytes()),
        (_, CqlValue::Time(t)) => out.extend_from_slice(&t.0.to_be_bytes()),
        (_, CqlValue::Inet(IpAddr::V4(a))) => out.extend_from_slice(&a.octets()),
        (_, CqlValue::Inet(IpAddr::V6(a))) => out.extend_from_slice(&a.octets()),
        (_, CqlValue::Uuid(u)) => out.extend_from_slice(u.as_bytes()),
        (_, CqlValue::Timeuuid(u)) => out.extend_from_slice(u.as_bytes()),
        (_, CqlValue::Varint(b)) => out.extend_from_slice(b.as_signed_bytes_be_slice()),
        (
            ColumnType::Collection {
                typ: CollectionType::List(t) | CollectionType::Set(t),
                ..
            },
            CqlValue::List(items) | CqlValue::Set(items),
        ) => {
            out.extend_from_slice(&(items.len() as i32).to_be_bytes());
            for i in items {
                put_cell(&mut out, t, Some(i));
            }
        }
        (
            ColumnType::Collection {
                typ: CollectionType::Map(kt, vt),
                ..
            },
            CqlValue::Map(pairs),
        ) => {
            out.extend_from_slice(&(pairs.len() as i32).to_be_bytes());
            for (k, v) in pairs {
                put_cell(&mut out, kt, Some(k));
                put_cell(&mut out, vt, Some(v));
            }
        }
        (ColumnType::Vector { typ: t, .. }, CqlValue::Vector(items)) => {
            for i in items {
                let body = encode(t, i);
                if !fixed_size(t) {
                    types::write_unsigned_vint(body.len() as u64, &mut out);
                }
                out.extend_from_slice(&body);
            }
        }
        (ColumnType::Tuple(ts), CqlValue::Tuple(items)) => {
            for (t, i) in ts.iter().zip(items) {
                put_cell(&mut out, t, i.as_ref());
            }
        }
        (
            ColumnType::UserDefinedType { definition, .. },
            CqlValue::UserDefinedType { fields, .. },
        ) => {
            for ((_, t), (_, v)) in definition.field_types.iter().zip(fields) {
                put_cell(&mut out, t, v.as_ref());
            }
        }
        (t, v) => panic!("cannot encode {v:?} as {t}"),
    }
    out
}

fn type_and_value() -> impl Strategy<Value = (ColumnType<'static>, CqlValue)> {
    column_type().prop_flat_map(|t| {
        let v = value_of(&t, true);
        (Just(t), v)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn generated_values_round_trip((typ, value) in type_and_value()) {
        let frame = Bytes::from(encode(&typ, &value));
        let got = CqlValue::deserialize(&typ, Some(FrameSlice::new(&frame)));
        prop_assert!(got.is_ok(), "{typ}: {:?}", got.err().map(|e| e.to_string()));
        prop_assert_eq!(got.unwrap(), value.clone());

        // The same value as a column of a one-row result, through Row and a tuple.
        let specs = vec![ColumnSpec::owned("c".into(), typ.clone(), TableSpec::borrowed("ks", "t"))];
        let mut row = Vec::new();
        put_cell(&mut row, &typ, Some(&value));
        let row = Bytes::from(row);
        let rows: Vec<Row> = TypedRowIterator::<Row>::new(RawRowIterator::new(1, &specs, FrameSlice::new(&row)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        prop_assert_eq!(&rows[0].columns[0], &Some(value.clone()));
        let (v,): (CqlValue,) = TypedRowIterator::new(RawRowIterator::new(1, &specs, FrameSlice::new(&row)))
            .unwrap()
            .next()
            .unwrap()
            .unwrap();
        prop_assert_eq!(v, value);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// What the crate's serializer writes, the deserializer reads back.
    #[test]
    fn serializer_output_deserializes((typ, value) in type_and_value()) {
        use scylla_cql::serialize::value::SerializeValue;
        use scylla_cql::serialize::writers::CellWriter;

        // The serializer has no CqlValue for custom types (a Blob is only a blob).
        prop_assume!(!contains_custom(&typ));
        let mut buf = Vec::new();
        let ser = value.serialize(&typ, CellWriter::new(&mut buf));
        prop_assert!(ser.is_ok(), "{typ}: {:?}", ser.err().map(|e| e.to_string()));
        let frame = Bytes::from(buf);
        let mut slice = FrameSlice::new(&frame);
        let cell = slice.read_cql_bytes().unwrap();
        prop_assert!(slice.is_empty());
        prop_assert_eq!(cell.map(|c| c.as_slice()), Some(&encode(&typ, &value)[..]));
        let got = CqlValue::deserialize(&typ, cell).unwrap();
        prop_assert_eq!(got, value);
    }
}

fn contains_custom(typ: &ColumnType) -> bool {
    match typ {
        ColumnType::Custom(_) => true,
        ColumnType::Native(_) => false,
        ColumnType::Collection { typ, .. } => match typ {
            CollectionType::List(t) | CollectionType::Set(t) => contains_custom(t),
            CollectionType::Map(k, v) => contains_custom(k) || contains_custom(v),
            _ => true,
        },
        ColumnType::Vector { typ, .. } => contains_custom(typ),
        ColumnType::Tuple(ts) => ts.iter().any(contains_custom),
        ColumnType::UserDefinedType { definition, .. } => definition
            .field_types
            .iter()
            .any(|(_, t)| contains_custom(t)),
        _ => true,
    }
}
