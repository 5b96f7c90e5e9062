//! CQL constants to the serialized values of a column type, and the text forms of
//! dates, times, timestamps and durations (parsing and printing).
//!
//! Conversions follow Cassandra's rules: an integer literal fits any numeric type and
//! `timestamp` (milliseconds), `date` (raw days) and `time` (nanoseconds); a string
//! fits the text types, `date` (`yyyy-mm-dd`), `time` (`hh:mm:ss[.fffffffff]`),
//! `timestamp` (ISO 8601 with an optional zone, or milliseconds) and `inet`; a
//! floating point literal fits `float`, `double` and `decimal`.

use std::net::IpAddr;
use std::str::FromStr;

use bytes::Bytes;
use num_bigint_04::BigInt;
use scylla_cql::frame::response::column_type::{ColumnType, NativeType};
use scylla_cql::frame::types::write_vint;
use uuid::Uuid;

use crate::cql::Literal;

use super::error::{ExecError, ExecResult};

/// Days between 1970-01-01 and the `date` type's epoch offset (`2^31`).
pub(crate) const DATE_EPOCH_OFFSET: i64 = 1 << 31;
/// Nanoseconds in a day.
pub(crate) const NANOS_PER_DAY: i64 = 86_400_000_000_000;
/// 100-ns intervals between 1582-10-15 (the UUID epoch) and 1970-01-01.
const UUID_EPOCH_OFFSET: i64 = 0x01B2_1DD2_1381_4000;

/// The name Cassandra gives a constant's kind in its error messages.
pub(crate) fn literal_kind(lit: &Literal) -> &'static str {
    match lit {
        Literal::String(_) => "STRING",
        Literal::Integer(_) => "INTEGER",
        Literal::Float(_) => "FLOAT",
        Literal::Boolean(_) => "BOOLEAN",
        Literal::Duration(_) => "DURATION",
        Literal::Uuid(_) => "UUID",
        Literal::Hex(_) => "HEX",
        Literal::Null => "NULL",
    }
}

fn bad_constant(lit: &Literal, receiver: &str, typ: &ColumnType<'_>) -> ExecError {
    ExecError::invalid(format!(
        "Invalid {} constant ({}) for \"{receiver}\" of type {typ}",
        literal_kind(lit),
        lit.raw_text()
    ))
}

fn unable(typ: &str, text: &str) -> ExecError {
    ExecError::invalid(format!("Unable to make {typ} from '{}'", shorten(text)))
}

/// The most digits a `varint` or `decimal` may have to be converted from or to text.
/// Converting between base 10 and binary takes time quadratic in the number of digits
/// (a frame full of digits would keep a thread busy for hours); numbers this long are
/// still stored and read back when bound in binary.
pub(crate) const MAX_NUMBER_DIGITS: usize = 10_000;

/// [`MAX_NUMBER_DIGITS`] in bits: the largest magnitude, in bits, of a `varint` or
/// `decimal` converted to text or another type (10000 · log2(10), rounded up).
pub(crate) const MAX_NUMBER_BITS: u64 = 33_220;

fn too_many_digits(typ: &str, text: &str) -> ExecError {
    ExecError::invalid(format!(
        "Unable to make {typ} from '{}': it has more than {MAX_NUMBER_DIGITS} digits, the most \
         scylla-sim converts from text",
        shorten(text)
    ))
}

/// `text` cut to 100 characters for an error message.
fn shorten(text: &str) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(100) {
        Some((cut, _)) => std::borrow::Cow::Owned(format!("{}...", &text[..cut])),
        None => std::borrow::Cow::Borrowed(text),
    }
}

/// The serialized value of constant `lit` for a receiver (a column, a field, an
/// element...) named `receiver` of type `typ`; `None` for `NULL`.
pub(crate) fn literal_to_bytes(
    lit: &Literal,
    typ: &ColumnType<'_>,
    receiver: &str,
) -> ExecResult<Option<Bytes>> {
    if matches!(lit, Literal::Null) {
        return Ok(None);
    }
    let ColumnType::Native(n) = typ else {
        return Err(bad_constant(lit, receiver, typ));
    };
    let bad = || bad_constant(lit, receiver, typ);
    let bytes: Vec<u8> = match (n, lit) {
        (NativeType::Ascii, Literal::String(s)) => {
            if !s.is_ascii() {
                return Err(ExecError::invalid(format!(
                    "Invalid ASCII character in string literal for \"{receiver}\""
                )));
            }
            s.as_bytes().to_vec()
        }
        (NativeType::Text, Literal::String(s)) => s.as_bytes().to_vec(),
        (NativeType::Blob, Literal::Hex(h)) => decode_hex(h)?,
        (NativeType::Boolean, Literal::Boolean(b)) => vec![u8::from(*b)],
        (NativeType::TinyInt, Literal::Integer(t)) => parse_int::<i8>(t, "tinyint")?.to_vec(),
        (NativeType::SmallInt, Literal::Integer(t)) => parse_int::<i16>(t, "smallint")?.to_vec(),
        (NativeType::Int, Literal::Integer(t)) => parse_int::<i32>(t, "int")?.to_vec(),
        (NativeType::BigInt | NativeType::Counter, Literal::Integer(t)) => {
            parse_int::<i64>(t, n.cql_name())?.to_vec()
        }
        (NativeType::Varint, Literal::Integer(t)) => {
            if t.trim().trim_start_matches(['-', '+']).len() > MAX_NUMBER_DIGITS {
                return Err(too_many_digits("varint", t));
            }
            let v = BigInt::from_str(t.trim()).map_err(|_| unable("varint", t))?;
            v.to_signed_bytes_be()
        }
        (NativeType::Decimal, Literal::Integer(t) | Literal::Float(t)) => parse_decimal(t)?,
        (NativeType::Float, Literal::Integer(t) | Literal::Float(t)) => {
            let v: f32 = parse_float(t).ok_or_else(|| unable("float", t))? as f32;
            v.to_be_bytes().to_vec()
        }
        (NativeType::Double, Literal::Integer(t) | Literal::Float(t)) => {
            let v = parse_float(t).ok_or_else(|| unable("double", t))?;
            v.to_be_bytes().to_vec()
        }
        (NativeType::Timestamp, Literal::Integer(t)) => parse_int::<i64>(t, "timestamp")?.to_vec(),
        (NativeType::Timestamp, Literal::String(s)) => parse_timestamp(s)?.to_be_bytes().to_vec(),
        (NativeType::Date, Literal::Integer(t) | Literal::String(t)) => {
            parse_date(t)?.to_be_bytes().to_vec()
        }
        (NativeType::Time, Literal::Integer(t) | Literal::String(t)) => {
            parse_time(t)?.to_be_bytes().to_vec()
        }
        (NativeType::Uuid, Literal::Uuid(t) | Literal::String(t)) => {
            parse_uuid(t)?.as_bytes().to_vec()
        }
        (NativeType::Timeuuid, Literal::Uuid(t) | Literal::String(t)) => {
            let u = parse_uuid(t)?;
            if u.get_version_num() != 1 {
                return Err(ExecError::invalid(format!(
                    "Unsupported UUID version for timeuuid \"{receiver}\": {} (only version 1 \
                     UUIDs are time-based)",
                    u.get_version_num()
                )));
            }
            u.as_bytes().to_vec()
        }
        (NativeType::Inet, Literal::String(s)) => {
            let ip = IpAddr::from_str(s.trim()).map_err(|_| {
                ExecError::invalid(format!("Unable to make inet address from '{s}'"))
            })?;
            match ip {
                IpAddr::V4(v4) => v4.octets().to_vec(),
                IpAddr::V6(v6) => v6.octets().to_vec(),
            }
        }
        (NativeType::Duration, Literal::Duration(t) | Literal::String(t)) => {
            let d = parse_duration(t)?;
            encode_duration(d)
        }
        _ => return Err(bad()),
    };
    Ok(Some(Bytes::from(bytes)))
}

/// Integers of a fixed size, big-endian.
pub(crate) trait FixedInt: Sized {
    fn from_i128(v: i128) -> Option<Self>;
    fn to_vec(&self) -> Vec<u8>;
}

macro_rules! fixed_int {
    ($($t:ty),*) => {$(
        impl FixedInt for $t {
            fn from_i128(v: i128) -> Option<Self> {
                <$t>::try_from(v).ok()
            }
            fn to_vec(&self) -> Vec<u8> {
                self.to_be_bytes().to_vec()
            }
        }
    )*};
}
fixed_int!(i8, i16, i32, i64);

fn parse_int<T: FixedInt>(text: &str, typ: &str) -> ExecResult<T> {
    text.trim()
        .parse::<i128>()
        .ok()
        .and_then(T::from_i128)
        .ok_or_else(|| unable(typ, text))
}

/// Parses a CQL floating point constant (`NaN`, `Infinity`, `-Infinity` included).
pub(crate) fn parse_float(text: &str) -> Option<f64> {
    match text.trim() {
        "NaN" => Some(f64::NAN),
        "Infinity" | "+Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        t => t.parse::<f64>().ok(),
    }
}

/// Parses a decimal number (`-12.5e-3`) into its serialized form: `[int] scale` then
/// the unscaled value as a varint.
pub(crate) fn parse_decimal(text: &str) -> ExecResult<Vec<u8>> {
    let bad = || unable("decimal", text);
    let t = text.trim();
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], t[i + 1..].parse::<i64>().map_err(|_| bad())?),
        None => (t, 0),
    };
    let (int_part, frac_part) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, ""),
    };
    let (negative, int_digits) = match int_part.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, int_part.strip_prefix('+').unwrap_or(int_part)),
    };
    if (int_digits.is_empty() && frac_part.is_empty())
        || !int_digits.bytes().all(|b| b.is_ascii_digit())
        || !frac_part.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    if int_digits.len() + frac_part.len() > MAX_NUMBER_DIGITS {
        return Err(too_many_digits("decimal", text));
    }
    let digits = format!("{int_digits}{frac_part}");
    let digits = if digits.is_empty() { "0" } else { &digits };
    let mut unscaled = BigInt::from_str(digits).map_err(|_| bad())?;
    if negative {
        unscaled = -unscaled;
    }
    // The scale is the fraction digits minus the exponent, and must fit an int.
    let scale = i64::try_from(frac_part.len())
        .ok()
        .and_then(|f| f.checked_sub(exponent))
        .and_then(|s| i32::try_from(s).ok())
        .ok_or_else(bad)?;
    let mut out = scale.to_be_bytes().to_vec();
    out.extend_from_slice(&unscaled.to_signed_bytes_be());
    Ok(out)
}

/// Decodes the hex digits of a `0x...` blob constant.
pub(crate) fn decode_hex(h: &str) -> ExecResult<Vec<u8>> {
    if !h.len().is_multiple_of(2) {
        return Err(ExecError::invalid(format!(
            "Hex string contains an odd number of characters: 0x{h}"
        )));
    }
    let digit = |c: u8| -> ExecResult<u8> {
        match c {
            b'0'..=b'9' => Ok(c - b'0'),
            b'a'..=b'f' => Ok(c - b'a' + 10),
            b'A'..=b'F' => Ok(c - b'A' + 10),
            _ => Err(ExecError::invalid(format!("Non-hex characters in 0x{h}"))),
        }
    };
    h.as_bytes()
        .chunks_exact(2)
        .map(|p| Ok(digit(p[0])? << 4 | digit(p[1])?))
        .collect()
}

fn parse_uuid(t: &str) -> ExecResult<Uuid> {
    Uuid::parse_str(t.trim())
        .map_err(|_| ExecError::invalid(format!("Unable to make UUID from '{t}'")))
}

// ---------------------------------------------------------------------------------------
// Calendar arithmetic (proleptic Gregorian, as Cassandra uses)
// ---------------------------------------------------------------------------------------

/// Days since 1970-01-01 of a civil date.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let d = i64::from(d);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a number of days since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
                29
            } else {
                28
            }
        }
    }
}

/// A small cursor over ASCII text for the date and time parsers.
struct Cursor<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, min: usize, max: usize) -> Option<(i64, usize)> {
        let start = self.pos;
        while self.pos < self.s.len() && self.pos - start < max && self.s[self.pos].is_ascii_digit()
        {
            self.pos += 1;
        }
        let n = self.pos - start;
        if n < min {
            return None;
        }
        let mut v: i64 = 0;
        for &b in &self.s[start..self.pos] {
            v = v.checked_mul(10)?.checked_add(i64::from(b - b'0'))?;
        }
        Some((v, n))
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.s.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn done(&self) -> bool {
        self.pos >= self.s.len()
    }
}

/// `[-]yyyy-mm-dd` at the cursor: days since the epoch.
fn civil_date(c: &mut Cursor<'_>) -> Option<i64> {
    let negative = c.eat(b'-');
    if !negative {
        c.eat(b'+');
    }
    let (y, _) = c.digits(1, 9)?;
    let y = if negative { -y } else { y };
    if !c.eat(b'-') {
        return None;
    }
    let (m, _) = c.digits(1, 2)?;
    if !c.eat(b'-') {
        return None;
    }
    let (d, _) = c.digits(1, 2)?;
    let m = u32::try_from(m).ok().filter(|m| (1..=12).contains(m))?;
    let d = u32::try_from(d)
        .ok()
        .filter(|d| *d >= 1 && *d <= days_in_month(y, m))?;
    Some(days_from_civil(y, m, d))
}

/// Parses a `date` constant: `yyyy-mm-dd`, or the raw unsigned day number (days
/// since the epoch plus `2^31`). Returns the serialized (raw) value.
pub(crate) fn parse_date(text: &str) -> ExecResult<u32> {
    let t = text.trim();
    let bad = || {
        ExecError::invalid(format!(
            "Unable to coerce '{text}' to a formatted date (long)"
        ))
    };
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse::<u32>().map_err(|_| bad());
    }
    let mut c = Cursor {
        s: t.as_bytes(),
        pos: 0,
    };
    let days = civil_date(&mut c).filter(|_| c.done()).ok_or_else(bad)?;
    u32::try_from(days + DATE_EPOCH_OFFSET).map_err(|_| bad())
}

/// `hh:mm[:ss[.fffffffff]]` at the cursor: nanoseconds since midnight.
fn clock_time(c: &mut Cursor<'_>, seconds_optional: bool) -> Option<i64> {
    let (h, _) = c.digits(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let (m, _) = c.digits(2, 2)?;
    let mut s = 0;
    let mut nanos = 0;
    if c.eat(b':') {
        s = c.digits(2, 2)?.0;
        if c.eat(b'.') {
            let (f, n) = c.digits(1, 9)?;
            nanos = f * 10i64.pow(9 - n as u32);
        }
    } else if !seconds_optional {
        return None;
    }
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    Some(((h * 60 + m) * 60 + s) * 1_000_000_000 + nanos)
}

/// Parses a `time` constant: `hh:mm:ss[.fffffffff]` or nanoseconds since midnight.
pub(crate) fn parse_time(text: &str) -> ExecResult<i64> {
    let t = text.trim();
    let bad = || {
        ExecError::invalid(format!(
            "Unable to coerce '{text}' to a formatted time (long)"
        ))
    };
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse::<i64>()
            .ok()
            .filter(|n| *n < NANOS_PER_DAY)
            .ok_or_else(bad);
    }
    let mut c = Cursor {
        s: t.as_bytes(),
        pos: 0,
    };
    clock_time(&mut c, false)
        .filter(|_| c.done())
        .ok_or_else(bad)
}

/// Parses a `timestamp` constant: milliseconds since the epoch, or
/// `yyyy-mm-dd[(T| )hh:mm[:ss[.fff]]][zone]` where the zone is `Z`, `UTC`, `GMT`,
/// `+hh`, `+hhmm` or `+hh:mm` (UTC when absent). Returns milliseconds.
pub(crate) fn parse_timestamp(text: &str) -> ExecResult<i64> {
    let t = text.trim();
    let bad = || ExecError::invalid(format!("Unable to parse a date/time from '{text}'"));
    if !t.is_empty()
        && t.trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit())
    {
        return t.parse::<i64>().map_err(|_| bad());
    }
    let mut c = Cursor {
        s: t.as_bytes(),
        pos: 0,
    };
    let days = civil_date(&mut c).ok_or_else(bad)?;
    let mut nanos = 0i64;
    if c.eat(b'T') || c.eat(b't') || c.eat(b' ') {
        nanos = clock_time(&mut c, true).ok_or_else(bad)?;
    }
    while c.eat(b' ') {}
    let offset_minutes: i64 = if c.done() {
        0
    } else {
        let rest = std::str::from_utf8(&c.s[c.pos..]).map_err(|_| bad())?;
        match rest {
            "Z" | "z" | "UTC" | "GMT" => 0,
            _ => {
                let sign = match c.peek() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(bad()),
                };
                c.pos += 1;
                let (h, n) = c.digits(2, 4).ok_or_else(bad)?;
                let (hours, mut minutes) = if n == 4 { (h / 100, h % 100) } else { (h, 0) };
                if n == 2 && c.eat(b':') {
                    minutes = c.digits(2, 2).ok_or_else(bad)?.0;
                }
                if !c.done() || hours > 23 || minutes > 59 {
                    return Err(bad());
                }
                sign * (hours * 60 + minutes)
            }
        }
    };
    let millis = days
        .checked_mul(86_400_000)
        .and_then(|v| v.checked_add(nanos / 1_000_000))
        .and_then(|v| v.checked_sub(offset_minutes * 60_000))
        .ok_or_else(bad)?;
    Ok(millis)
}

/// Formats milliseconds since the epoch as Cassandra prints timestamps in text
/// conversions: `2021-03-04T05:06:07.089Z`.
pub(crate) fn format_timestamp(millis: i64) -> String {
    let days = millis.div_euclid(86_400_000);
    let ms = millis.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// Formats a raw `date` value as `yyyy-mm-dd`.
pub(crate) fn format_date(raw: u32) -> String {
    let (y, m, d) = civil_from_days(i64::from(raw) - DATE_EPOCH_OFFSET);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Formats nanoseconds since midnight as `hh:mm:ss.fffffffff`.
pub(crate) fn format_time(nanos: i64) -> String {
    let s = nanos.div_euclid(1_000_000_000);
    format!(
        "{:02}:{:02}:{:02}.{:09}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        nanos.rem_euclid(1_000_000_000)
    )
}

// ---------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------

/// A CQL duration: months, days and nanoseconds, all of the same sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Duration {
    pub(crate) months: i32,
    pub(crate) days: i32,
    pub(crate) nanos: i64,
}

/// Serializes a duration: three signed vints.
pub(crate) fn encode_duration(d: Duration) -> Vec<u8> {
    let mut out = Vec::with_capacity(12);
    write_vint(i64::from(d.months), &mut out);
    write_vint(i64::from(d.days), &mut out);
    write_vint(d.nanos, &mut out);
    out
}

/// Parses a duration: `1y2mo3w4d5h6m7s8ms9us10ns` (units case-insensitive, `µs` too),
/// ISO 8601 `P1Y2M3DT4H5M6S` / `P2W`, or the alternative `P0001-02-03T04:05:06`; a
/// leading `-` negates it.
pub(crate) fn parse_duration(text: &str) -> ExecResult<Duration> {
    let bad = || ExecError::invalid(format!("Unable to convert '{text}' to a duration"));
    let t = text.trim();
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    if body.is_empty() {
        return Err(bad());
    }
    let mut months: i64 = 0;
    let mut days: i64 = 0;
    let mut nanos: i64 = 0;
    let overflow = |_| bad();
    let add = |acc: &mut i64, n: i64, mul: i64| -> Option<()> {
        *acc = acc.checked_add(n.checked_mul(mul)?)?;
        Some(())
    };
    if let Some(iso) = body.strip_prefix('P').or_else(|| body.strip_prefix('p')) {
        if iso.contains('-') || (iso.contains(':') && iso.len() >= 10) {
            // Alternative format P[YYYY]-[MM]-[DD]T[hh]:[mm]:[ss].
            let mut c = Cursor {
                s: iso.as_bytes(),
                pos: 0,
            };
            let (y, _) = c.digits(4, 4).ok_or_else(bad)?;
            let ok = c.eat(b'-');
            let (mo, _) = c.digits(2, 2).filter(|_| ok).ok_or_else(bad)?;
            let ok = c.eat(b'-');
            let (d, _) = c.digits(2, 2).filter(|_| ok).ok_or_else(bad)?;
            let ok = c.eat(b'T');
            let (h, _) = c.digits(2, 2).filter(|_| ok).ok_or_else(bad)?;
            let ok = c.eat(b':');
            let (mi, _) = c.digits(2, 2).filter(|_| ok).ok_or_else(bad)?;
            let ok = c.eat(b':');
            let (s, _) = c.digits(2, 2).filter(|_| ok).ok_or_else(bad)?;
            if !c.done() {
                return Err(bad());
            }
            months = y * 12 + mo;
            days = d;
            nanos = ((h * 60 + mi) * 60 + s) * 1_000_000_000;
        } else {
            let mut in_time = false;
            let mut number = String::new();
            let mut any = false;
            for ch in iso.chars() {
                match ch {
                    '0'..='9' => number.push(ch),
                    'T' | 't' if number.is_empty() && !in_time => in_time = true,
                    _ => {
                        let n: i64 = number.parse().map_err(|_| bad())?;
                        number.clear();
                        any = true;
                        let ok = match (ch.to_ascii_uppercase(), in_time) {
                            ('Y', false) => add(&mut months, n, 12),
                            ('M', false) => add(&mut months, n, 1),
                            ('W', false) => add(&mut days, n, 7),
                            ('D', false) => add(&mut days, n, 1),
                            ('H', true) => add(&mut nanos, n, 3_600_000_000_000),
                            ('M', true) => add(&mut nanos, n, 60_000_000_000),
                            ('S', true) => add(&mut nanos, n, 1_000_000_000),
                            _ => None,
                        };
                        ok.ok_or_else(bad)?;
                    }
                }
            }
            if !number.is_empty() || !any {
                return Err(bad());
            }
        }
    } else {
        let lower = body.to_lowercase();
        let mut rest = lower.as_str();
        while !rest.is_empty() {
            let digits_end = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
            if digits_end == 0 {
                return Err(bad());
            }
            let n: i64 = rest[..digits_end].parse().map_err(|_| bad())?;
            rest = &rest[digits_end..];
            let unit_end = rest
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len());
            let unit = &rest[..unit_end];
            rest = &rest[unit_end..];
            let ok = match unit {
                "y" => add(&mut months, n, 12),
                "mo" => add(&mut months, n, 1),
                "w" => add(&mut days, n, 7),
                "d" => add(&mut days, n, 1),
                "h" => add(&mut nanos, n, 3_600_000_000_000),
                "m" => add(&mut nanos, n, 60_000_000_000),
                "s" => add(&mut nanos, n, 1_000_000_000),
                "ms" => add(&mut nanos, n, 1_000_000),
                "us" | "µs" => add(&mut nanos, n, 1_000),
                "ns" => add(&mut nanos, n, 1),
                _ => None,
            };
            ok.ok_or_else(bad)?;
        }
    }
    let sign = if negative { -1 } else { 1 };
    Ok(Duration {
        months: i32::try_from(months * sign).map_err(overflow)?,
        days: i32::try_from(days * sign).map_err(overflow)?,
        nanos: nanos * sign,
    })
}

// ---------------------------------------------------------------------------------------
// Time-based UUIDs
// ---------------------------------------------------------------------------------------

/// Milliseconds since the epoch of a version 1 UUID's timestamp.
pub(crate) fn timeuuid_millis(bytes: &[u8]) -> Option<i64> {
    let b: [u8; 16] = bytes.try_into().ok()?;
    let time_low = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as i64;
    let time_mid = u16::from_be_bytes([b[4], b[5]]) as i64;
    let time_hi = (u16::from_be_bytes([b[6], b[7]]) & 0x0fff) as i64;
    let ticks = (time_hi << 48) | (time_mid << 32) | time_low;
    Some((ticks - UUID_EPOCH_OFFSET).div_euclid(10_000))
}

/// The smallest (`max == false`) or largest version 1 UUID of millisecond `millis`,
/// as `minTimeuuid` / `maxTimeuuid` build them.
pub(crate) fn timeuuid_bound(millis: i64, max: bool) -> [u8; 16] {
    let ticks = millis
        .saturating_mul(10_000)
        .saturating_add(UUID_EPOCH_OFFSET)
        .saturating_add(if max { 9_999 } else { 0 });
    let ticks = ticks as u64;
    let mut out = [0u8; 16];
    out[0..4].copy_from_slice(&((ticks & 0xffff_ffff) as u32).to_be_bytes());
    out[4..6].copy_from_slice(&(((ticks >> 32) & 0xffff) as u16).to_be_bytes());
    out[6..8].copy_from_slice(&((((ticks >> 48) & 0x0fff) as u16) | 0x1000).to_be_bytes());
    let tail: u64 = if max {
        0x7f7f_7f7f_7f7f_7f7f
    } else {
        0x8080_8080_8080_8080
    };
    out[8..16].copy_from_slice(&tail.to_be_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(l: Literal, t: NativeType) -> ExecResult<Option<Bytes>> {
        literal_to_bytes(&l, &ColumnType::Native(t), "v")
    }

    #[test]
    fn integers_check_their_range() {
        assert_eq!(
            lit(Literal::Integer("-2".into()), NativeType::Int)
                .unwrap()
                .unwrap(),
            Bytes::from_static(&[0xff, 0xff, 0xff, 0xfe])
        );
        assert!(lit(Literal::Integer("128".into()), NativeType::TinyInt).is_err());
        assert!(
            lit(
                Literal::Integer("99999999999999999999".into()),
                NativeType::BigInt
            )
            .is_err()
        );
        let e = lit(Literal::String("1".into()), NativeType::Int).unwrap_err();
        assert_eq!(
            e.message,
            "Invalid STRING constant (1) for \"v\" of type int"
        );
        assert_eq!(
            lit(Literal::Integer("-129".into()), NativeType::Varint)
                .unwrap()
                .unwrap(),
            Bytes::from_static(&[0xff, 0x7f])
        );
    }

    #[test]
    fn decimals_keep_their_scale() {
        assert_eq!(parse_decimal("1.50").unwrap(), vec![0, 0, 0, 2, 0, 150]);
        assert_eq!(
            parse_decimal("-1e3").unwrap(),
            vec![0xff, 0xff, 0xff, 0xfd, 0xff]
        );
        assert_eq!(parse_decimal("0.0").unwrap(), vec![0, 0, 0, 1, 0]);
        assert!(parse_decimal("1.2.3").is_err());
        assert!(parse_decimal("e5").is_err());
        // Scales that do not fit an int (the first one overflowed an i64).
        for t in [
            "1e-9223372036854775808",
            "1e9223372036854775807",
            "1e-2147483649",
        ] {
            assert!(parse_decimal(t).is_err(), "{t}");
        }
        assert_eq!(
            parse_decimal("1e-2147483647").unwrap()[..4],
            i32::MAX.to_be_bytes()
        );
        assert_eq!(
            parse_decimal("1e2147483648").unwrap()[..4],
            i32::MIN.to_be_bytes()
        );
    }

    #[test]
    fn numbers_with_too_many_digits_are_refused() {
        let digits = "9".repeat(MAX_NUMBER_DIGITS);
        assert!(parse_decimal(&digits).is_ok());
        let e = parse_decimal(&format!("{digits}.5")).unwrap_err();
        assert!(
            e.message.contains("more than 10000 digits"),
            "{}",
            e.message
        );
        assert!(e.message.len() < 300);
        assert!(lit(Literal::Integer(format!("-{digits}")), NativeType::Varint).is_ok());
        assert!(lit(Literal::Integer(format!("{digits}1")), NativeType::Varint).is_err());
    }

    #[test]
    fn calendar_round_trips() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for d in [-800_000, -1, 0, 1, 59, 60, 11_016, 20_000, 3_000_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }

    #[test]
    fn dates_times_and_timestamps() {
        assert_eq!(parse_date("1970-01-01").unwrap(), 1 << 31);
        assert_eq!(parse_date("1970-01-02").unwrap(), (1 << 31) + 1);
        assert_eq!(parse_date("2147483648").unwrap(), 1 << 31);
        assert!(parse_date("2021-02-29").is_err());
        assert_eq!(format_date(parse_date("2024-02-29").unwrap()), "2024-02-29");
        assert_eq!(parse_time("00:00:01").unwrap(), 1_000_000_000);
        assert_eq!(parse_time("01:02:03.5").unwrap(), 3_723_500_000_000);
        assert!(parse_time("24:00:00").is_err());
        assert_eq!(format_time(3_723_500_000_000), "01:02:03.500000000");
        assert_eq!(parse_timestamp("1970-01-01").unwrap(), 0);
        assert_eq!(parse_timestamp("1970-01-01 00:00:01").unwrap(), 1000);
        assert_eq!(parse_timestamp("1970-01-01T00:00:01.25Z").unwrap(), 1250);
        assert_eq!(parse_timestamp("1970-01-01 01:00+0100").unwrap(), 0);
        assert_eq!(parse_timestamp("1970-01-01 01:00:00+01:00").unwrap(), 0);
        assert_eq!(parse_timestamp("1969-12-31 23:00-01").unwrap(), 0);
        assert_eq!(parse_timestamp("-5").unwrap(), -5);
        assert!(parse_timestamp("1970-13-01").is_err());
        assert!(parse_timestamp("yesterday").is_err());
        assert_eq!(format_timestamp(1250), "1970-01-01T00:00:01.250Z");
    }

    #[test]
    fn durations() {
        let d = parse_duration("1h30m").unwrap();
        assert_eq!(d.nanos, 5_400_000_000_000);
        let d = parse_duration("-2y3mo1w").unwrap();
        assert_eq!((d.months, d.days), (-27, -7));
        let d = parse_duration("P1Y2M3DT4H5M6S").unwrap();
        assert_eq!((d.months, d.days, d.nanos), (14, 3, 14_706_000_000_000));
        let d = parse_duration("P2W").unwrap();
        assert_eq!(d.days, 14);
        let d = parse_duration("P0001-02-03T04:05:06").unwrap();
        assert_eq!((d.months, d.days, d.nanos), (14, 3, 14_706_000_000_000));
        assert!(parse_duration("1x").is_err());
        assert!(parse_duration("P").is_err());
        assert!(parse_duration("h").is_err());
        assert_eq!(
            encode_duration(Duration {
                months: 1,
                days: -1,
                nanos: 0
            }),
            vec![2, 1, 0]
        );
    }

    #[test]
    fn timeuuids() {
        let u = timeuuid_bound(1_600_000_000_000, false);
        assert_eq!(u[6] >> 4, 1);
        assert_eq!(timeuuid_millis(&u), Some(1_600_000_000_000));
        let u = timeuuid_bound(1_600_000_000_000, true);
        assert_eq!(timeuuid_millis(&u), Some(1_600_000_000_000));
    }

    #[test]
    fn other_natives() {
        assert_eq!(
            lit(Literal::Hex("CAFE".into()), NativeType::Blob)
                .unwrap()
                .unwrap(),
            Bytes::from_static(&[0xca, 0xfe])
        );
        assert!(lit(Literal::Hex("abc".into()), NativeType::Blob).is_err());
        assert_eq!(
            lit(Literal::String("127.0.0.1".into()), NativeType::Inet)
                .unwrap()
                .unwrap()
                .len(),
            4
        );
        assert!(lit(Literal::String("999.0.0.1".into()), NativeType::Inet).is_err());
        assert!(
            lit(
                Literal::Uuid("550e8400-e29b-41d4-a716-446655440000".into()),
                NativeType::Timeuuid
            )
            .is_err()
        );
        assert!(lit(Literal::Null, NativeType::Int).unwrap().is_none());
        assert_eq!(
            lit(Literal::Float("NaN".into()), NativeType::Double)
                .unwrap()
                .unwrap()
                .len(),
            8
        );
        assert!(lit(Literal::String("é".into()), NativeType::Ascii).is_err());
    }
}
