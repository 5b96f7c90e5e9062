//! Property tests: encodings checked against independent decoders and against the
//! `CqlValue` path, and the date/time conversions and literals against chrono.

use std::collections::HashMap;

use proptest::prelude::*;
use scylla_cql::frame::response::result::{CollectionType, ColumnType, NativeType};
use scylla_cql::frame::types::{read_unsigned_vint, read_vint};
use scylla_cql::serialize::value::SerializeValue;
use scylla_cql::serialize::writers::CellWriter;
use scylla_cql::value::{CqlDuration, CqlValue};

mod cql_types;
use cql_types::{list, native, vector};

fn ser<T: SerializeValue + ?Sized>(v: &T, typ: &ColumnType) -> Vec<u8> {
    let mut buf = Vec::new();
    if let Err(e) = v.serialize(typ, CellWriter::new(&mut buf)) {
        panic!("serialization failed: {e}");
    }
    buf
}

/// Splits a serialized cell into its content, checking the `[int]` length.
fn content(cell: &[u8]) -> &[u8] {
    let (len, rest) = cell.split_at(4);
    assert_eq!(
        i32::from_be_bytes(len.try_into().unwrap()) as usize,
        rest.len()
    );
    rest
}

fn take<'a>(buf: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (a, b) = buf.split_at(n);
    *buf = b;
    a
}

fn take_int(buf: &mut &[u8]) -> i32 {
    i32::from_be_bytes(take(buf, 4).try_into().unwrap())
}

proptest! {
    #[test]
    fn integers_are_big_endian(a: i8, b: i16, c: i32, d: i64) {
        let (sa, sb) = (ser(&a, &native(NativeType::TinyInt)), ser(&b, &native(NativeType::SmallInt)));
        let (sc, sd) = (ser(&c, &native(NativeType::Int)), ser(&d, &native(NativeType::BigInt)));
        prop_assert_eq!(content(&sa), a.to_be_bytes());
        prop_assert_eq!(content(&sb), b.to_be_bytes());
        prop_assert_eq!(content(&sc), c.to_be_bytes());
        prop_assert_eq!(content(&sd), d.to_be_bytes());
        prop_assert_eq!(
            ser(&CqlValue::BigInt(d), &native(NativeType::BigInt)),
            ser(&d, &native(NativeType::BigInt))
        );
    }

    #[test]
    fn lists_decode_back(v in proptest::collection::vec(any::<i32>(), 0..50)) {
        let typ = list(native(NativeType::Int), false);
        let bytes = ser(&v, &typ);
        let mut body = content(&bytes);
        prop_assert_eq!(take_int(&mut body) as usize, v.len());
        for x in &v {
            prop_assert_eq!(take_int(&mut body), 4);
            prop_assert_eq!(take_int(&mut body), *x);
        }
        prop_assert!(body.is_empty());
        let dynamic = CqlValue::List(v.iter().copied().map(CqlValue::Int).collect());
        prop_assert_eq!(ser(&dynamic, &typ), bytes);
    }

    #[test]
    fn float_vectors_are_packed(v in proptest::collection::vec(any::<f32>(), 0..64)) {
        let typ = vector(native(NativeType::Float), v.len() as u16);
        let bytes = ser(&v, &typ);
        let expected: Vec<u8> = v.iter().flat_map(|f| f.to_be_bytes()).collect();
        prop_assert_eq!(content(&bytes), &expected[..]);
        let dynamic = CqlValue::Vector(v.iter().copied().map(CqlValue::Float).collect());
        prop_assert_eq!(ser(&dynamic, &typ), bytes);
    }

    #[test]
    fn text_vectors_decode_back(v in proptest::collection::vec(".{0,40}", 0..20)) {
        let typ = vector(native(NativeType::Text), v.len() as u16);
        let bytes = ser(&v, &typ);
        let mut body = content(&bytes);
        for s in &v {
            let len = read_unsigned_vint(&mut body).unwrap() as usize;
            prop_assert_eq!(take(&mut body, len), s.as_bytes());
        }
        prop_assert!(body.is_empty());
    }

    #[test]
    fn durations_decode_back(months: i32, days: i32, nanoseconds: i64) {
        let d = CqlDuration { months, days, nanoseconds };
        let bytes = ser(&d, &native(NativeType::Duration));
        let mut body = content(&bytes);
        prop_assert_eq!(read_vint(&mut body).unwrap(), months as i64);
        prop_assert_eq!(read_vint(&mut body).unwrap(), days as i64);
        prop_assert_eq!(read_vint(&mut body).unwrap(), nanoseconds);
        prop_assert!(body.is_empty());
    }

    #[test]
    fn tuples_match_cql_value_tuples(a: i32, b in ".{0,10}", c: Option<i64>) {
        let typ = ColumnType::Tuple(vec![
            native(NativeType::Int),
            native(NativeType::Text),
            native(NativeType::BigInt),
        ]);
        let dynamic = CqlValue::Tuple(vec![
            Some(CqlValue::Int(a)),
            Some(CqlValue::Text(b.clone())),
            c.map(CqlValue::BigInt),
        ]);
        prop_assert_eq!(ser(&(a, b, c), &typ), ser(&dynamic, &typ));
    }

    #[test]
    fn maps_decode_back(m in proptest::collection::hash_map(".{0,8}", any::<i32>(), 0..20)) {
        let typ = ColumnType::Collection {
            frozen: false,
            typ: CollectionType::Map(
                Box::new(native(NativeType::Text)),
                Box::new(native(NativeType::Int)),
            ),
        };
        let bytes = ser(&m, &typ);
        let mut body = content(&bytes);
        let n = take_int(&mut body) as usize;
        let mut decoded = HashMap::new();
        for _ in 0..n {
            let klen = take_int(&mut body) as usize;
            let k = String::from_utf8(take(&mut body, klen).to_vec()).unwrap();
            prop_assert_eq!(take_int(&mut body), 4);
            decoded.insert(k, take_int(&mut body));
        }
        prop_assert!(body.is_empty());
        prop_assert_eq!(decoded, m);
    }
}

#[cfg(feature = "num-bigint-04")]
proptest! {
    #[test]
    fn bigint_varints_are_minimal_twos_complement(n: i128) {
        use num_bigint_04::BigInt;
        let bytes = ser(&BigInt::from(n), &native(NativeType::Varint));
        let body = content(&bytes);
        // Independent encoding: the 16 bytes, minus redundant leading sign bytes.
        let full = n.to_be_bytes();
        let mut start = 0;
        while start < 15
            && ((full[start] == 0x00 && full[start + 1] & 0x80 == 0)
                || (full[start] == 0xff && full[start + 1] & 0x80 != 0))
        {
            start += 1;
        }
        prop_assert_eq!(body, &full[start..]);
        let cql = scylla_cql::value::CqlVarint::from(BigInt::from(n));
        prop_assert_eq!(BigInt::from(cql), BigInt::from(n));
    }
}

#[cfg(feature = "chrono-04")]
proptest! {
    #[test]
    fn chrono_dates_round_trip_and_display(days in -95_000_000i64..95_000_000) {
        use chrono::NaiveDate;
        use scylla_cql::value::CqlDate;
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        if let Some(date) = epoch.checked_add_signed(chrono::TimeDelta::days(days)) {
            let cql = CqlDate::from(date);
            prop_assert_eq!(cql.days_since_epoch(), days);
            let back: NaiveDate = cql.try_into().unwrap();
            prop_assert_eq!(back, date);
            prop_assert_eq!(CqlValue::Date(cql).to_string(), format!("'{date}'"));
        }
    }

    #[test]
    fn chrono_timestamps_round_trip_and_display(ms in -8_000_000_000_000_000i64..8_000_000_000_000_000) {
        use chrono::{DateTime, Timelike, Utc};
        use scylla_cql::value::CqlTimestamp;
        if let Some(dt) = DateTime::<Utc>::from_timestamp_millis(ms) {
            prop_assert_eq!(CqlTimestamp::from(dt), CqlTimestamp(ms));
            let back: DateTime<Utc> = CqlTimestamp(ms).try_into().unwrap();
            prop_assert_eq!(back, dt);
            prop_assert_eq!(
                CqlValue::Timestamp(CqlTimestamp(ms)).to_string(),
                format!(
                    "'{} {:02}:{:02}:{:02}.{:03}+0000'",
                    dt.date_naive(),
                    dt.hour(),
                    dt.minute(),
                    dt.second(),
                    dt.timestamp_subsec_millis()
                )
            );
        }
    }

    #[test]
    fn chrono_times_round_trip(ns in 0i64..86_400_000_000_000) {
        use chrono::{NaiveTime, Timelike};
        use scylla_cql::value::CqlTime;
        let t: NaiveTime = CqlTime(ns).try_into().unwrap();
        prop_assert_eq!(CqlTime::try_from(t).unwrap(), CqlTime(ns));
        prop_assert_eq!(
            CqlValue::Time(CqlTime(ns)).to_string(),
            format!(
                "'{:02}:{:02}:{:02}.{:09}'",
                t.hour(),
                t.minute(),
                t.second(),
                t.nanosecond()
            )
        );
    }
}

#[cfg(feature = "time-03")]
proptest! {
    #[test]
    fn time_timestamps_round_trip(ms in -200_000_000_000_000i64..200_000_000_000_000) {
        use scylla_cql::value::CqlTimestamp;
        use time::OffsetDateTime;
        let dt: OffsetDateTime = CqlTimestamp(ms).try_into().unwrap();
        prop_assert_eq!(CqlTimestamp::from(dt), CqlTimestamp(ms));
        prop_assert_eq!(dt.unix_timestamp_nanos(), ms as i128 * 1_000_000);
    }
}
