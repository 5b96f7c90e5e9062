//! `Display` for [`CqlValue`] in CQL literal form.
//!
//! The output is meant to be pasted into a CQL statement: strings are single-quoted
//! (quotes doubled), blobs are `0x...`, dates, times, timestamps and inet addresses are
//! quoted strings, durations are `1mo2d3ns`, collections are `[..]`, `{..}` and
//! `{k:v}`, UDTs `{field:value}`, tuples `(..)`, and nulls inside them `null`. The
//! layout follows the upstream driver (no spaces after separators). `varint` and
//! `decimal` use `blobAsVarint(0x..)` / `blobAsDecimal(0x..)` so that any value is exact.

use std::fmt;

use super::{CqlDate, CqlDuration, CqlTime, CqlTimestamp, CqlValue};

const NANOS_PER_DAY: i64 = 86_400 * 1_000_000_000;
const MILLIS_PER_DAY: i64 = 86_400 * 1_000;

struct Hex<'a>(&'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

fn write_string_literal(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("'")?;
    let mut rest = s;
    while let Some(pos) = rest.find('\'') {
        f.write_str(&rest[..pos])?;
        f.write_str("''")?;
        rest = &rest[pos + 1..];
    }
    f.write_str(rest)?;
    f.write_str("'")
}

/// The proleptic Gregorian (year, month, day) of a day count relative to 1970-01-01,
/// with astronomical year numbering (year 0 is 1 BC).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Shift the epoch to 0000-03-01 so that leap days end each 400-year era.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11], March-based
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn write_date(f: &mut fmt::Formatter<'_>, days: i64) -> fmt::Result {
    let (year, month, day) = civil_from_days(days);
    if (0..=9999).contains(&year) {
        write!(f, "{year:04}")?;
    } else if year < 0 {
        write!(f, "-{:04}", year.unsigned_abs())?;
    } else {
        write!(f, "+{year}")?;
    }
    write!(f, "-{month:02}-{day:02}")
}

/// `'YYYY-MM-DD'`, years outside 0..=9999 with a sign.
fn write_cql_date(f: &mut fmt::Formatter<'_>, d: CqlDate) -> fmt::Result {
    f.write_str("'")?;
    write_date(f, d.days_since_epoch())?;
    f.write_str("'")
}

/// `'HH:MM:SS.nnnnnnnnn'`; a value outside a day as its bare nanoseconds (which CQL
/// also accepts as a `time` literal).
fn write_cql_time(f: &mut fmt::Formatter<'_>, t: CqlTime) -> fmt::Result {
    let t = t.0;
    if !(0..NANOS_PER_DAY).contains(&t) {
        return write!(f, "{t}");
    }
    write!(
        f,
        "'{:02}:{:02}:{:02}.{:09}'",
        t / 3_600_000_000_000,
        t / 60_000_000_000 % 60,
        t / 1_000_000_000 % 60,
        t % 1_000_000_000
    )
}

/// `'YYYY-MM-DD HH:MM:SS.mmm+0000'`, in UTC.
fn write_cql_timestamp(f: &mut fmt::Formatter<'_>, t: CqlTimestamp) -> fmt::Result {
    let days = t.0.div_euclid(MILLIS_PER_DAY);
    let ms = t.0.rem_euclid(MILLIS_PER_DAY);
    f.write_str("'")?;
    write_date(f, days)?;
    write!(
        f,
        " {:02}:{:02}:{:02}.{:03}+0000'",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1_000 % 60,
        ms % 1_000
    )
}

/// `1mo2d3ns`; a negative duration as `-1mo2d3ns`.
fn write_cql_duration(f: &mut fmt::Formatter<'_>, d: CqlDuration) -> fmt::Result {
    let (m, d, n) = (d.months, d.days, d.nanoseconds);
    if m <= 0 && d <= 0 && n <= 0 && (m < 0 || d < 0 || n < 0) {
        write!(
            f,
            "-{}mo{}d{}ns",
            m.unsigned_abs(),
            d.unsigned_abs(),
            n.unsigned_abs()
        )
    } else {
        // Mixed signs are not a valid duration; show them as they are.
        write!(f, "{m}mo{d}d{n}ns")
    }
}

fn write_float(f: &mut fmt::Formatter<'_>, v: f64, shown: &dyn fmt::Display) -> fmt::Result {
    if v.is_nan() {
        f.write_str("NaN")
    } else if v.is_infinite() {
        f.write_str(if v > 0.0 { "Infinity" } else { "-Infinity" })
    } else {
        write!(f, "{shown}")
    }
}

fn write_separated<T>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
    mut each: impl FnMut(&mut fmt::Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        each(f, item)?;
    }
    Ok(())
}

fn write_maybe_null(f: &mut fmt::Formatter<'_>, v: &Option<CqlValue>) -> fmt::Result {
    match v {
        Some(v) => write!(f, "{v}"),
        None => f.write_str("null"),
    }
}

/// Displays the value as a CQL literal (see the module documentation).
impl fmt::Display for CqlValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CqlValue::Ascii(s) | CqlValue::Text(s) => write_string_literal(f, s),
            CqlValue::Boolean(b) => write!(f, "{b}"),
            CqlValue::Blob(b) => write!(f, "0x{}", Hex(b)),
            CqlValue::Empty => f.write_str("0x"),
            CqlValue::Counter(c) => write!(f, "{}", c.0),
            CqlValue::Decimal(d) => {
                let (digits, scale) = d.as_signed_be_bytes_slice_and_exponent();
                let digits: &[u8] = if digits.is_empty() { &[0] } else { digits };
                write!(
                    f,
                    "blobAsDecimal(0x{}{})",
                    Hex(&scale.to_be_bytes()),
                    Hex(digits)
                )
            }
            CqlValue::Varint(v) => {
                let digits = v.as_signed_bytes_be_slice();
                let digits: &[u8] = if digits.is_empty() { &[0] } else { digits };
                write!(f, "blobAsVarint(0x{})", Hex(digits))
            }
            CqlValue::Date(d) => write_cql_date(f, *d),
            CqlValue::Double(v) => write_float(f, *v, v),
            CqlValue::Float(v) => write_float(f, f64::from(*v), v),
            CqlValue::Duration(d) => write_cql_duration(f, *d),
            CqlValue::Int(v) => write!(f, "{v}"),
            CqlValue::BigInt(v) => write!(f, "{v}"),
            CqlValue::SmallInt(v) => write!(f, "{v}"),
            CqlValue::TinyInt(v) => write!(f, "{v}"),
            CqlValue::Timestamp(t) => write_cql_timestamp(f, *t),
            CqlValue::Time(t) => write_cql_time(f, *t),
            CqlValue::Inet(ip) => write!(f, "'{ip}'"),
            CqlValue::Uuid(u) => write!(f, "{u}"),
            CqlValue::Timeuuid(u) => write!(f, "{u}"),
            CqlValue::List(items) | CqlValue::Vector(items) => {
                f.write_str("[")?;
                write_separated(f, items, |f, v| write!(f, "{v}"))?;
                f.write_str("]")
            }
            CqlValue::Set(items) => {
                f.write_str("{")?;
                write_separated(f, items, |f, v| write!(f, "{v}"))?;
                f.write_str("}")
            }
            CqlValue::Map(pairs) => {
                f.write_str("{")?;
                write_separated(f, pairs, |f, (k, v)| write!(f, "{k}:{v}"))?;
                f.write_str("}")
            }
            CqlValue::UserDefinedType { fields, .. } => {
                f.write_str("{")?;
                write_separated(f, fields, |f, (name, v)| {
                    write!(f, "{name}:")?;
                    write_maybe_null(f, v)
                })?;
                f.write_str("}")
            }
            CqlValue::Tuple(items) => {
                f.write_str("(")?;
                write_separated(f, items, write_maybe_null)?;
                f.write_str(")")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use super::super::{Counter, CqlDecimal, CqlTimeuuid, CqlVarint};
    use super::*;

    fn s(v: CqlValue) -> String {
        v.to_string()
    }

    #[test]
    fn scalars() {
        assert_eq!(s(CqlValue::Boolean(true)), "true");
        assert_eq!(s(CqlValue::Int(-123)), "-123");
        assert_eq!(s(CqlValue::BigInt(i64::MIN)), "-9223372036854775808");
        assert_eq!(s(CqlValue::SmallInt(7)), "7");
        assert_eq!(s(CqlValue::TinyInt(-8)), "-8");
        assert_eq!(s(CqlValue::Counter(Counter(42))), "42");
        assert_eq!(s(CqlValue::Float(12.75)), "12.75");
        assert_eq!(s(CqlValue::Double(-0.5)), "-0.5");
        assert_eq!(s(CqlValue::Double(f64::NAN)), "NaN");
        assert_eq!(s(CqlValue::Float(f32::INFINITY)), "Infinity");
        assert_eq!(s(CqlValue::Double(f64::NEG_INFINITY)), "-Infinity");
        assert_eq!(s(CqlValue::Text("Ala ma kota".into())), "'Ala ma kota'");
        assert_eq!(s(CqlValue::Ascii("it's 'x'".into())), "'it''s ''x'''");
        assert_eq!(s(CqlValue::Text(String::new())), "''");
        assert_eq!(s(CqlValue::Blob(vec![0xde, 0xad, 0x01])), "0xdead01");
        assert_eq!(s(CqlValue::Blob(vec![])), "0x");
        assert_eq!(s(CqlValue::Empty), "0x");
        assert_eq!(
            s(CqlValue::Inet(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 1)))),
            "'127.0.0.1'"
        );
        assert_eq!(s(CqlValue::Inet(IpAddr::V6(Ipv6Addr::LOCALHOST))), "'::1'");
        let u = "8e14e760-7fa8-11eb-bc66-000000000001";
        assert_eq!(s(CqlValue::Uuid(u.parse().unwrap())), u);
        assert_eq!(s(CqlValue::Timeuuid(u.parse::<CqlTimeuuid>().unwrap())), u);
        // 123.456
        assert_eq!(
            s(CqlValue::Decimal(
                CqlDecimal::from_signed_be_bytes_and_exponent(vec![0x01, 0xe2, 0x40], 3)
            )),
            "blobAsDecimal(0x0000000301e240)"
        );
        assert_eq!(
            s(CqlValue::Decimal(
                CqlDecimal::from_signed_be_bytes_and_exponent(vec![0xff], -2)
            )),
            "blobAsDecimal(0xfffffffeff)"
        );
        assert_eq!(
            s(CqlValue::Varint(CqlVarint::from_signed_bytes_be(vec![
                0x00, 0x80
            ]))),
            "blobAsVarint(0x0080)"
        );
        assert_eq!(
            s(CqlValue::Varint(CqlVarint::from_signed_bytes_be(vec![]))),
            "blobAsVarint(0x00)"
        );
    }

    #[test]
    fn dates() {
        let d = |days: i64| s(CqlValue::Date(CqlDate(((1i64 << 31) + days) as u32)));
        assert_eq!(d(0), "'1970-01-01'");
        assert_eq!(d(40), "'1970-02-10'");
        assert_eq!(d(-1), "'1969-12-31'");
        assert_eq!(d(11_016), "'2000-02-29'");
        assert_eq!(d(-719_528), "'0000-01-01'");
        assert_eq!(d(-719_529), "'-0001-12-31'");
        assert_eq!(d(2_932_897), "'+10000-01-01'");
        // The spec's examples for 0 and "2^32" (the largest value, 2^32 - 1: the
        // algorithm is checked day by day above, and is periodic in 400 years).
        assert_eq!(s(CqlValue::Date(CqlDate(0))), "'-5877641-06-23'");
        assert_eq!(s(CqlValue::Date(CqlDate(u32::MAX))), "'+5881580-07-11'");
    }

    #[test]
    fn civil_from_days_matches_a_day_by_day_walk() {
        // Walk 1600-03-01 .. 2400-03-01 day by day and compare with incrementing dates.
        let mut days = -135_080i64; // 1600-03-01
        let (mut y, mut m, mut dd) = (1600i64, 3u32, 1u32);
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        while y < 2400 {
            assert_eq!(civil_from_days(days), (y, m, dd), "day {days}");
            let month_len = match m {
                1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
                4 | 6 | 9 | 11 => 30,
                _ if leap(y) => 29,
                _ => 28,
            };
            days += 1;
            dd += 1;
            if dd > month_len {
                dd = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }

    #[test]
    fn times_and_timestamps() {
        let t = (6 * 3600 + 5 * 60 + 4) * 1_000_000_000 + 123;
        assert_eq!(s(CqlValue::Time(CqlTime(t))), "'06:05:04.000000123'");
        assert_eq!(s(CqlValue::Time(CqlTime(0))), "'00:00:00.000000000'");
        assert_eq!(s(CqlValue::Time(CqlTime(-5))), "-5");
        assert_eq!(
            s(CqlValue::Timestamp(CqlTimestamp(1_112_470_662_000))),
            "'2005-04-02 19:37:42.000+0000'"
        );
        assert_eq!(
            s(CqlValue::Timestamp(CqlTimestamp(-1))),
            "'1969-12-31 23:59:59.999+0000'"
        );
        assert_eq!(
            s(CqlValue::Timestamp(CqlTimestamp(0))),
            "'1970-01-01 00:00:00.000+0000'"
        );
        // The extremes do not panic.
        assert!(s(CqlValue::Timestamp(CqlTimestamp::MIN)).starts_with("'-"));
        assert!(s(CqlValue::Timestamp(CqlTimestamp::MAX)).starts_with("'+"));
    }

    #[test]
    fn durations() {
        let d = |months, days, nanoseconds| {
            s(CqlValue::Duration(CqlDuration {
                months,
                days,
                nanoseconds,
            }))
        };
        assert_eq!(d(1, 2, 3), "1mo2d3ns");
        assert_eq!(d(0, 0, 0), "0mo0d0ns");
        assert_eq!(d(-1, 0, -3), "-1mo0d3ns");
        assert_eq!(
            d(i32::MIN, i32::MIN, i64::MIN),
            "-2147483648mo2147483648d9223372036854775808ns"
        );
    }

    #[test]
    fn compound() {
        let items = vec![CqlValue::Int(1), CqlValue::Int(3), CqlValue::Int(2)];
        assert_eq!(s(CqlValue::List(items.clone())), "[1,3,2]");
        assert_eq!(s(CqlValue::Vector(items.clone())), "[1,3,2]");
        assert_eq!(s(CqlValue::Set(items.clone())), "{1,3,2}");
        assert_eq!(s(CqlValue::List(vec![])), "[]");
        let tuple = vec![
            Some(CqlValue::Int(1)),
            None,
            Some(CqlValue::Text("a".into())),
        ];
        assert_eq!(s(CqlValue::Tuple(tuple)), "(1,null,'a')");
        let map = vec![
            (CqlValue::Text("foo".into()), CqlValue::Int(123)),
            (CqlValue::Text("bar".into()), CqlValue::List(vec![])),
        ];
        assert_eq!(s(CqlValue::Map(map)), "{'foo':123,'bar':[]}");
        let udt = CqlValue::UserDefinedType {
            keyspace: "ks".into(),
            name: "t".into(),
            fields: vec![
                ("foo".into(), Some(CqlValue::Int(123))),
                ("bar".into(), None),
            ],
        };
        assert_eq!(s(udt), "{foo:123,bar:null}");
    }
}
