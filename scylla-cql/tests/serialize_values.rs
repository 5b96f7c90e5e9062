//! Byte-exact encodings of every built-in `SerializeValue` implementation, taken from
//! the native protocol specification (v4 §6; v5 §5 for `duration` and `vector`).
//!
//! Every expectation includes the cell's `[int]` length prefix.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use bytes::Bytes;
use scylla_cql::frame::response::result::{ColumnType, NativeType};
use scylla_cql::serialize::SerializationError;
use scylla_cql::serialize::value::SerializeValue;
use scylla_cql::serialize::writers::CellWriter;
use scylla_cql::value::{
    Counter, CqlDate, CqlDecimal, CqlDecimalBorrowed, CqlDuration, CqlTime, CqlTimestamp,
    CqlTimeuuid, CqlValue, CqlVarint, CqlVarintBorrowed, MaybeEmpty, MaybeUnset, Unset,
};
use uuid::Uuid;

mod cql_types;
use cql_types::{list, map, native, set, udt, vector};

fn ser<T: SerializeValue + ?Sized>(v: &T, typ: &ColumnType) -> Result<Vec<u8>, SerializationError> {
    let mut buf = Vec::new();
    v.serialize(typ, CellWriter::new(&mut buf))?;
    Ok(buf)
}

#[track_caller]
fn ok<T: SerializeValue + ?Sized>(v: &T, typ: &ColumnType) -> Vec<u8> {
    match ser(v, typ) {
        Ok(b) => b,
        Err(e) => panic!("serialization failed: {e}"),
    }
}

/// A cell: `[int]` length, then the content.
fn cell(content: &[u8]) -> Vec<u8> {
    let mut v = (content.len() as i32).to_be_bytes().to_vec();
    v.extend_from_slice(content);
    v
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

use NativeType::*;

#[test]
fn integers_and_floats() {
    assert_eq!(ok(&-2i8, &native(TinyInt)), cell(&[0xfe]));
    assert_eq!(ok(&0x0102i16, &native(SmallInt)), cell(&[1, 2]));
    assert_eq!(ok(&-1i16, &native(SmallInt)), cell(&[0xff, 0xff]));
    assert_eq!(ok(&0x01020304i32, &native(Int)), cell(&[1, 2, 3, 4]));
    assert_eq!(ok(&i32::MIN, &native(Int)), cell(&[0x80, 0, 0, 0]));
    assert_eq!(
        ok(&0x0102030405060708i64, &native(BigInt)),
        cell(&[1, 2, 3, 4, 5, 6, 7, 8])
    );
    assert_eq!(ok(&1.5f32, &native(Float)), cell(&hex("3fc00000")));
    assert_eq!(
        ok(&-2.25f64, &native(Double)),
        cell(&hex("c002000000000000"))
    );
    assert_eq!(ok(&f32::NAN, &native(Float)), cell(&f32::NAN.to_be_bytes()));
    assert_eq!(ok(&true, &native(Boolean)), cell(&[1]));
    assert_eq!(ok(&false, &native(Boolean)), cell(&[0]));
    assert_eq!(
        ok(&Counter(-2), &native(NativeType::Counter)),
        cell(&hex("fffffffffffffffe"))
    );
}

#[test]
fn text_and_blobs() {
    assert_eq!(ok("zażółć", &native(Text)), cell("zażółć".as_bytes()));
    assert_eq!(ok("abc", &native(Ascii)), cell(b"abc"));
    assert_eq!(ok(&String::from("x"), &native(Text)), cell(b"x"));
    assert_eq!(ok(&Cow::Borrowed("y"), &native(Ascii)), cell(b"y"));
    // Empty strings are values of length 0, not null.
    assert_eq!(ok("", &native(Text)), [0, 0, 0, 0]);
    let bytes: &[u8] = &[0xde, 0xad];
    assert_eq!(ok(&bytes, &native(Blob)), cell(&[0xde, 0xad]));
    assert_eq!(ok(&vec![1u8, 2, 3], &native(Blob)), cell(&[1, 2, 3]));
    assert_eq!(ok(&[9u8; 3], &native(Blob)), cell(&[9, 9, 9]));
    assert_eq!(
        ok(&Bytes::from_static(b"\x00\x01"), &native(Blob)),
        cell(&[0, 1])
    );
}

#[test]
fn uuids_and_inet() {
    let u: Uuid = "00112233-4455-6677-8899-aabbccddeeff".parse().unwrap();
    let expected = cell(&hex("00112233445566778899aabbccddeeff"));
    assert_eq!(ok(&u, &native(NativeType::Uuid)), expected);
    assert_eq!(ok(&u, &native(Timeuuid)), expected);
    let t: CqlTimeuuid = "8e14e760-7fa8-11eb-bc66-000000000001".parse().unwrap();
    assert_eq!(
        ok(&t, &native(Timeuuid)),
        cell(&hex("8e14e7607fa811ebbc66000000000001"))
    );
    assert_eq!(
        ok(&IpAddr::V4(Ipv4Addr::new(192, 168, 1, 2)), &native(Inet)),
        cell(&[192, 168, 1, 2])
    );
    let v6: Ipv6Addr = "2001:db8::1".parse().unwrap();
    assert_eq!(
        ok(&IpAddr::V6(v6), &native(Inet)),
        cell(&hex("20010db8000000000000000000000001"))
    );
}

#[test]
fn dates_times_timestamps() {
    // date: unsigned days with the epoch at 2^31.
    assert_eq!(
        ok(&CqlDate::UNIX_EPOCH, &native(Date)),
        cell(&hex("80000000"))
    );
    assert_eq!(
        ok(&CqlDate((1 << 31) - 1), &native(Date)),
        cell(&hex("7fffffff"))
    );
    assert_eq!(ok(&CqlDate(0), &native(Date)), cell(&[0, 0, 0, 0]));
    // time: nanoseconds since midnight, 13:14:15.123456.
    assert_eq!(
        ok(&CqlTime(47_655_123_456_000), &native(Time)),
        cell(&hex("00002b5792b49000"))
    );
    // timestamp: milliseconds since the epoch, 2005-04-02T19:37:42.123Z and -1 ms.
    assert_eq!(
        ok(&CqlTimestamp(1_112_470_662_123), &native(Timestamp)),
        cell(&hex("00000103046b2beb"))
    );
    assert_eq!(ok(&CqlTimestamp(-1), &native(Timestamp)), cell(&[0xff; 8]));
}

#[test]
fn durations_are_three_zigzag_vints() {
    let d = |months, days, nanoseconds| CqlDuration {
        months,
        days,
        nanoseconds,
    };
    assert_eq!(
        ok(&d(1, 2, 3), &native(Duration)),
        cell(&[0x02, 0x04, 0x06])
    );
    assert_eq!(
        ok(&d(-1, -2, -3), &native(Duration)),
        cell(&[0x01, 0x03, 0x05])
    );
    assert_eq!(ok(&d(0, 0, 0), &native(Duration)), cell(&[0, 0, 0]));
    // 64 zig-zags to 128, which takes two bytes; -65 to 129.
    assert_eq!(
        ok(&d(64, 0, -65), &native(Duration)),
        cell(&hex("8080008081"))
    );
    assert_eq!(
        ok(&d(i32::MAX, i32::MIN, i64::MAX), &native(Duration)),
        cell(&hex("f0fffffffef0fffffffffffffffffffffffffe"))
    );
}

#[test]
fn varints_follow_the_spec_table() {
    for (digits, wire) in [
        (&[0x00][..], "00"),
        (&[0x01], "01"),
        (&[0x7f], "7f"),
        (&[0x00, 0x80], "0080"),
        (&[0x00, 0x81], "0081"),
        (&[0xff], "ff"),
        (&[0x80], "80"),
        (&[0xff, 0x7f], "ff7f"),
    ] {
        let v = CqlVarint::from_signed_bytes_be_slice(digits);
        assert_eq!(ok(&v, &native(Varint)), cell(&hex(wire)));
        let b = CqlVarintBorrowed::from_signed_bytes_be_slice(digits);
        assert_eq!(ok(&b, &native(Varint)), cell(&hex(wire)));
    }
    // No digits at all means zero, written as one zero byte (not the empty value).
    assert_eq!(
        ok(&CqlVarint::from_signed_bytes_be(vec![]), &native(Varint)),
        cell(&[0])
    );
}

#[test]
fn decimals_are_scale_then_varint() {
    // 123.456 = 123456 * 10^-3
    let d = CqlDecimal::from_signed_be_bytes_and_exponent(vec![0x01, 0xe2, 0x40], 3);
    assert_eq!(ok(&d, &native(Decimal)), cell(&hex("0000000301e240")));
    // -1.5 = -15 * 10^-1
    let d = CqlDecimalBorrowed::from_signed_be_bytes_slice_and_exponent(&[0xf1], 1);
    assert_eq!(ok(&d, &native(Decimal)), cell(&hex("00000001f1")));
    // 12e5 = 12 * 10^5: negative scale.
    let d = CqlDecimal::from_signed_be_bytes_and_exponent(vec![0x0c], -5);
    assert_eq!(ok(&d, &native(Decimal)), cell(&hex("fffffffb0c")));
}

#[test]
fn null_unset_and_wrappers() {
    assert_eq!(ok(&None::<i32>, &native(Int)), [0xff, 0xff, 0xff, 0xff]);
    assert_eq!(ok(&Some(1i32), &native(Int)), cell(&[0, 0, 0, 1]));
    assert_eq!(ok(&Unset, &native(Int)), [0xff, 0xff, 0xff, 0xfe]);
    assert_eq!(
        ok(&MaybeUnset::<i32>::Unset, &native(Int)),
        [0xff, 0xff, 0xff, 0xfe]
    );
    assert_eq!(
        ok(&MaybeUnset::Set(2i32), &native(Int)),
        cell(&[0, 0, 0, 2])
    );
    assert_eq!(
        ok(&MaybeUnset::from_option(None::<i32>), &native(Int)),
        [0xff, 0xff, 0xff, 0xfe]
    );
    assert_eq!(ok(&MaybeEmpty::<i32>::Empty, &native(Int)), [0, 0, 0, 0]);
    assert_eq!(
        ok(&MaybeEmpty::Value(3i32), &native(Int)),
        cell(&[0, 0, 0, 3])
    );
    assert_eq!(ok(&&5i32, &native(Int)), cell(&[0, 0, 0, 5]));
    assert_eq!(ok(&Box::new(6i32), &native(Int)), cell(&[0, 0, 0, 6]));
    assert_eq!(ok(&Arc::new(7i32), &native(Int)), cell(&[0, 0, 0, 7]));
    let boxed: Box<str> = "s".into();
    assert_eq!(ok(&boxed, &native(Text)), cell(b"s"));
    let arc: Arc<str> = "a".into();
    assert_eq!(ok(&arc, &native(Text)), cell(b"a"));
}

#[test]
fn lists_sets_and_maps() {
    let two_ints = hex("0000000200000004000000010000000400000002");
    assert_eq!(
        ok(&vec![1i32, 2], &list(native(Int), false)),
        cell(&two_ints)
    );
    assert_eq!(ok(&vec![1i32, 2], &set(native(Int), true)), cell(&two_ints));
    assert_eq!(
        ok(&[1i32, 2][..], &list(native(Int), false)),
        cell(&two_ints)
    );
    assert_eq!(
        ok(&BTreeSet::from([2i32, 1]), &set(native(Int), true)),
        cell(&two_ints)
    );
    assert_eq!(
        ok(&HashSet::from([7i32]), &list(native(Int), false)),
        cell(&hex("000000010000000400000007"))
    );
    assert_eq!(
        ok(&Vec::<i32>::new(), &list(native(Int), false)),
        cell(&[0, 0, 0, 0])
    );
    // Null elements are written as null; the server decides whether it accepts them.
    assert_eq!(
        ok(&vec![None, Some(1i32)], &list(native(Int), false)),
        cell(&hex("00000002ffffffff0000000400000001"))
    );
    let m = BTreeMap::from([("a", 1i32)]);
    assert_eq!(
        ok(&m, &map(native(Text), native(Int), false)),
        cell(&hex("0000000100000001610000000400000001"))
    );
    let m: HashMap<String, Vec<i32>> = HashMap::from([("k".to_owned(), vec![])]);
    assert_eq!(
        ok(&m, &map(native(Text), list(native(Int), false), false)),
        cell(&hex("00000001000000016b0000000400000000"))
    );
    // Nested: list<frozen<set<text>>>.
    let nested = vec![BTreeSet::from(["x"])];
    assert_eq!(
        ok(&nested, &list(set(native(Text), true), false)),
        cell(
            &hex("00000001000000090000000100000001" /* then 'x' */)
                .into_iter()
                .chain([b'x'])
                .collect::<Vec<_>>()
        )
    );
}

#[test]
fn vectors_of_fixed_size_types_have_no_lengths() {
    assert_eq!(
        ok(&vec![1.0f32, 2.5, -1.0], &vector(native(Float), 3)),
        cell(&hex("3f80000040200000bf800000"))
    );
    assert_eq!(
        ok(&[1i64, -1][..], &vector(native(BigInt), 2)),
        cell(&hex("0000000000000001ffffffffffffffff"))
    );
    assert_eq!(
        ok(&vec![true, false], &vector(native(Boolean), 2)),
        cell(&[1, 0])
    );
    let u: Uuid = "00112233-4455-6677-8899-aabbccddeeff".parse().unwrap();
    assert_eq!(
        ok(&vec![u], &vector(native(NativeType::Uuid), 1)),
        cell(&hex("00112233445566778899aabbccddeeff"))
    );
    // A vector of vectors of a fixed-size type is itself fixed-size.
    assert_eq!(
        ok(
            &vec![vec![1i32, 2], vec![3, 4]],
            &vector(vector(native(Int), 2), 2)
        ),
        cell(&hex("00000001000000020000000300000004"))
    );
    assert_eq!(ok(&Vec::<f32>::new(), &vector(native(Float), 0)), cell(&[]));
}

#[test]
fn vectors_of_variable_size_types_prefix_each_element_with_a_vint() {
    assert_eq!(
        ok(&vec!["a", "bcd"], &vector(native(Text), 2)),
        cell(&hex("016103626364"))
    );
    // Cassandra treats smallint, tinyint, date and time as variable-size in vectors.
    assert_eq!(
        ok(&vec![1i16, -2], &vector(native(SmallInt), 2)),
        cell(&hex("02000102fffe"))
    );
    assert_eq!(
        ok(&vec![5i8], &vector(native(TinyInt), 1)),
        cell(&hex("0105"))
    );
    assert_eq!(
        ok(&vec![CqlDate::UNIX_EPOCH], &vector(native(Date), 1)),
        cell(&hex("0480000000"))
    );
    assert_eq!(
        ok(&vec![CqlTime(1)], &vector(native(Time), 1)),
        cell(&hex("080000000000000001"))
    );
    // A 200-byte element: its length takes a two-byte vint (0x80 0xc8).
    let long = "x".repeat(200);
    let mut expected = vec![0x80, 0xc8];
    expected.extend_from_slice(long.as_bytes());
    assert_eq!(ok(&vec![long], &vector(native(Text), 1)), cell(&expected));
    // Empty text is a zero-length element.
    assert_eq!(ok(&vec![""], &vector(native(Text), 1)), cell(&[0]));
    // A vector of lists.
    assert_eq!(
        ok(&vec![vec![1i32]], &vector(list(native(Int), false), 1)),
        cell(&hex("0c000000010000000400000001"))
    );
}

#[test]
fn rust_tuples() {
    let t = ColumnType::Tuple(vec![native(Int), native(Text)]);
    assert_eq!(
        ok(&(1i32, None::<&str>), &t),
        cell(&hex("0000000400000001ffffffff"))
    );
    assert_eq!(
        ok(&(1i32, "ab"), &t),
        cell(&hex("0000000400000001000000026162"))
    );
    // A shorter Rust tuple fills the first elements of a longer CQL tuple.
    assert_eq!(ok(&(1i32,), &t), cell(&hex("0000000400000001")));
    let t16 = ColumnType::Tuple(vec![native(TinyInt); 16]);
    let v = (
        0i8, 1i8, 2i8, 3i8, 4i8, 5i8, 6i8, 7i8, 8i8, 9i8, 10i8, 11i8, 12i8, 13i8, 14i8, 15i8,
    );
    let mut expected = Vec::new();
    for i in 0..16u8 {
        expected.extend_from_slice(&[0, 0, 0, 1, i]);
    }
    assert_eq!(ok(&v, &t16), cell(&expected));
}

#[test]
fn cql_values_of_every_type() {
    let cases: Vec<(CqlValue, ColumnType<'static>, Vec<u8>)> = vec![
        (CqlValue::Ascii("a".into()), native(Ascii), b"a".to_vec()),
        (CqlValue::Text("t".into()), native(Text), b"t".to_vec()),
        (CqlValue::Boolean(true), native(Boolean), vec![1]),
        (CqlValue::Blob(vec![1, 2]), native(Blob), vec![1, 2]),
        (
            CqlValue::Counter(Counter(1)),
            native(NativeType::Counter),
            hex("0000000000000001"),
        ),
        (
            CqlValue::Decimal(CqlDecimal::from_signed_be_bytes_and_exponent(vec![0xf1], 1)),
            native(Decimal),
            hex("00000001f1"),
        ),
        (
            CqlValue::Date(CqlDate::UNIX_EPOCH),
            native(Date),
            hex("80000000"),
        ),
        (
            CqlValue::Double(-2.25),
            native(Double),
            hex("c002000000000000"),
        ),
        (
            CqlValue::Duration(CqlDuration {
                months: 1,
                days: 2,
                nanoseconds: 3,
            }),
            native(Duration),
            vec![2, 4, 6],
        ),
        (CqlValue::Empty, native(Int), vec![]),
        (CqlValue::Float(1.5), native(Float), hex("3fc00000")),
        (CqlValue::Int(1), native(Int), hex("00000001")),
        (
            CqlValue::BigInt(-1),
            native(BigInt),
            hex("ffffffffffffffff"),
        ),
        (
            CqlValue::Timestamp(CqlTimestamp(-1)),
            native(Timestamp),
            hex("ffffffffffffffff"),
        ),
        (
            CqlValue::Inet(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            native(Inet),
            vec![127, 0, 0, 1],
        ),
        (CqlValue::SmallInt(-2), native(SmallInt), hex("fffe")),
        (CqlValue::TinyInt(3), native(TinyInt), vec![3]),
        (
            CqlValue::Time(CqlTime(1)),
            native(Time),
            hex("0000000000000001"),
        ),
        (
            CqlValue::Timeuuid("8e14e760-7fa8-11eb-bc66-000000000001".parse().unwrap()),
            native(Timeuuid),
            hex("8e14e7607fa811ebbc66000000000001"),
        ),
        (
            CqlValue::Uuid(Uuid::from_u128(1)),
            native(NativeType::Uuid),
            hex("00000000000000000000000000000001"),
        ),
        (
            CqlValue::Varint(CqlVarint::from_signed_bytes_be(vec![0xff, 0x7f])),
            native(Varint),
            hex("ff7f"),
        ),
        (
            CqlValue::List(vec![CqlValue::Int(1), CqlValue::Int(2)]),
            list(native(Int), false),
            hex("0000000200000004000000010000000400000002"),
        ),
        (
            CqlValue::Set(vec![CqlValue::Int(1)]),
            set(native(Int), true),
            hex("000000010000000400000001"),
        ),
        (
            CqlValue::Map(vec![(CqlValue::Text("a".into()), CqlValue::Int(1))]),
            map(native(Text), native(Int), false),
            hex("0000000100000001610000000400000001"),
        ),
        (
            CqlValue::Vector(vec![CqlValue::Float(1.0), CqlValue::Float(2.5)]),
            vector(native(Float), 2),
            hex("3f80000040200000"),
        ),
        (
            CqlValue::Vector(vec![CqlValue::Text("a".into())]),
            vector(native(Text), 1),
            hex("0161"),
        ),
        (
            CqlValue::Tuple(vec![Some(CqlValue::Int(1)), None]),
            ColumnType::Tuple(vec![native(Int), native(Text)]),
            hex("0000000400000001ffffffff"),
        ),
    ];
    for (value, typ, content) in cases {
        assert_eq!(ok(&value, &typ), cell(&content), "{value:?} as {typ}");
    }
}

#[test]
fn cql_value_udts_are_matched_by_field_name() {
    let typ = udt(
        "ks",
        "address",
        vec![
            ("street", native(Text)),
            ("number", native(Int)),
            ("flat", native(Int)),
        ],
        true,
    );
    // Fields given out of order, one missing: written in type order, missing as null.
    let value = CqlValue::UserDefinedType {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![
            ("number".into(), Some(CqlValue::Int(5))),
            ("street".into(), Some(CqlValue::Text("Elm".into()))),
        ],
    };
    assert_eq!(
        ok(&value, &typ),
        cell(&hex("00000003456c6d0000000400000005ffffffff"))
    );
    // An explicit null field.
    let value = CqlValue::UserDefinedType {
        keyspace: "ks".into(),
        name: "address".into(),
        fields: vec![("street".into(), None)],
    };
    assert_eq!(ok(&value, &typ), cell(&hex("ffffffffffffffffffffffff")));
}

#[test]
fn rows_of_cql_values_nest() {
    // map<text, frozen<list<tuple<int, text>>>>
    let typ = map(
        native(Text),
        list(ColumnType::Tuple(vec![native(Int), native(Text)]), false),
        false,
    );
    let value = CqlValue::Map(vec![(
        CqlValue::Text("k".into()),
        CqlValue::List(vec![CqlValue::Tuple(vec![
            Some(CqlValue::Int(1)),
            Some(CqlValue::Text("v".into())),
        ])]),
    )]);
    let rust = BTreeMap::from([("k", vec![(1i32, "v")])]);
    assert_eq!(ok(&value, &typ), ok(&rust, &typ));
    assert_eq!(
        ok(&rust, &typ),
        cell(&hex(
            "00000001000000016b00000015000000010000000d00000004000000010000000176"
        ))
    );
}

#[cfg(feature = "chrono-04")]
#[test]
fn chrono_types() {
    use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
    let d = NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    assert_eq!(ok(&d, &native(Date)), cell(&hex("80004d46")));
    let d = NaiveDate::from_ymd_opt(1969, 12, 31).unwrap();
    assert_eq!(ok(&d, &native(Date)), cell(&hex("7fffffff")));
    let t = NaiveTime::from_hms_micro_opt(13, 14, 15, 123_456).unwrap();
    assert_eq!(ok(&t, &native(Time)), cell(&hex("00002b5792b49000")));
    let ts = DateTime::<Utc>::from_timestamp_millis(1_112_470_662_123).unwrap();
    assert_eq!(ok(&ts, &native(Timestamp)), cell(&hex("00000103046b2beb")));
}

#[cfg(feature = "time-03")]
#[test]
fn time_types() {
    use time::{Date as TDate, Month, OffsetDateTime, Time as TTime};
    let d = TDate::from_calendar_date(2024, Month::February, 29).unwrap();
    assert_eq!(ok(&d, &native(Date)), cell(&hex("80004d46")));
    let t = TTime::from_hms_micro(13, 14, 15, 123_456).unwrap();
    assert_eq!(ok(&t, &native(Time)), cell(&hex("00002b5792b49000")));
    let ts = OffsetDateTime::from_unix_timestamp_nanos(1_112_470_662_123_000_000).unwrap();
    assert_eq!(ok(&ts, &native(Timestamp)), cell(&hex("00000103046b2beb")));
}

#[cfg(feature = "num-bigint-04")]
#[test]
fn bigint_04() {
    use num_bigint_04::BigInt;
    assert_eq!(ok(&BigInt::from(0), &native(Varint)), cell(&[0]));
    assert_eq!(ok(&BigInt::from(128), &native(Varint)), cell(&[0, 0x80]));
    assert_eq!(
        ok(&BigInt::from(-129), &native(Varint)),
        cell(&[0xff, 0x7f])
    );
    let big: BigInt = BigInt::from(1u8) << 64;
    assert_eq!(ok(&big, &native(Varint)), cell(&hex("010000000000000000")));
}

#[cfg(feature = "num-bigint-03")]
#[test]
fn bigint_03() {
    use num_bigint_03::BigInt;
    assert_eq!(
        ok(&BigInt::from(i64::MIN), &native(Varint)),
        cell(&hex("8000000000000000"))
    );
}

#[cfg(feature = "bigdecimal-04")]
#[test]
fn bigdecimal() {
    use bigdecimal_04::BigDecimal;
    use std::str::FromStr;
    let cases = [
        ("123.456", "0000000301e240"),
        ("-1.5", "00000001f1"),
        ("12e5", "fffffffb0c"),
        ("0", "0000000000"),
    ];
    for (s, wire) in cases {
        let d = BigDecimal::from_str(s).unwrap();
        assert_eq!(ok(&d, &native(Decimal)), cell(&hex(wire)), "{s}");
    }
}

#[cfg(feature = "secrecy-08")]
#[test]
fn secrets() {
    use secrecy_08::Secret;
    let s = Secret::new(String::from("pw"));
    assert_eq!(ok(&s, &native(Text)), cell(b"pw"));
}
