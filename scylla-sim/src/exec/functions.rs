//! The native scalar functions (`now()`, `uuid()`, `toTimestamp()`, `textAsBlob()`,
//! ...), casts, and the numeric conversions aggregates and casts share.

use std::net::{Ipv4Addr, Ipv6Addr};

use bytes::Bytes;
use num_bigint_04::BigInt;
use scylla_cql::frame::response::column_type::{ColumnType, NativeType};
use scylla_cql::frame::response::cql_type_parser::native_of_name;
use uuid::Uuid;

use super::error::{ExecError, ExecResult, hex};
use super::values::{
    DATE_EPOCH_OFFSET, MAX_NUMBER_BITS, MAX_NUMBER_DIGITS, format_date, format_time,
    format_timestamp, timeuuid_bound, timeuuid_millis,
};

/// A resolved native function.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Func {
    /// `now()` / `currentTimeUUID()`: a new time-based UUID.
    Now,
    /// `uuid()`: a new random UUID.
    Uuid,
    /// `currentTimestamp()`.
    CurrentTimestamp,
    /// `currentDate()`.
    CurrentDate,
    /// `currentTime()`.
    CurrentTime,
    /// `toTimestamp(x)` of a timeuuid or date.
    ToTimestamp(NativeType),
    /// `toDate(x)` of a timeuuid or timestamp.
    ToDate(NativeType),
    /// `toUnixTimestamp(x)` of a timeuuid, date or timestamp.
    ToUnixTimestamp(NativeType),
    /// `minTimeuuid(ts)`.
    MinTimeuuid,
    /// `maxTimeuuid(ts)`.
    MaxTimeuuid,
    /// `<type>AsBlob(x)`.
    AsBlob(NativeType),
    /// `blobAs<type>(b)`.
    BlobAs(NativeType),
}

fn native_of(t: Option<&ColumnType<'_>>) -> Option<NativeType> {
    match t {
        Some(ColumnType::Native(n)) => Some(*n),
        _ => None,
    }
}

/// Whether `name` (lower-cased) is one of the aggregate functions.
pub(crate) fn is_aggregate(name: &str) -> bool {
    matches!(name, "count" | "min" | "max" | "sum" | "avg")
}

/// Resolves a scalar function call by name (lower-cased) and the types of its
/// arguments, when known (`None` for a constant or a bind marker, which then take the
/// type the function expects).
pub(crate) fn resolve(name: &str, arg_types: &[Option<ColumnType<'_>>]) -> ExecResult<Func> {
    let arity = |n: usize, f: Func| -> ExecResult<Func> {
        if arg_types.len() == n {
            Ok(f)
        } else {
            Err(ExecError::invalid(format!(
                "Invalid number of arguments in call to function system.{name}: {n} required but \
                 {} provided",
                arg_types.len()
            )))
        }
    };
    let first = native_of(arg_types.first().and_then(Option::as_ref));
    let known_first = arg_types.first().is_some_and(Option::is_some);
    let pick = |allowed: &[NativeType], default: NativeType| -> ExecResult<NativeType> {
        match first {
            Some(n) if allowed.contains(&n) => Ok(n),
            _ if !known_first => Ok(default),
            _ => Err(ExecError::invalid(format!(
                "Type error: {} cannot be passed as argument 0 of function system.{name} of type \
                 {}",
                arg_types
                    .first()
                    .and_then(Option::as_ref)
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                default.cql_name()
            ))),
        }
    };
    use NativeType as N;
    match name {
        "now" | "currenttimeuuid" => arity(0, Func::Now),
        "uuid" => arity(0, Func::Uuid),
        "currenttimestamp" => arity(0, Func::CurrentTimestamp),
        "currentdate" => arity(0, Func::CurrentDate),
        "currenttime" => arity(0, Func::CurrentTime),
        "totimestamp" => arity(
            1,
            Func::ToTimestamp(pick(&[N::Timeuuid, N::Date], N::Timeuuid)?),
        ),
        "dateof" => arity(1, Func::ToTimestamp(pick(&[N::Timeuuid], N::Timeuuid)?)),
        "todate" => arity(
            1,
            Func::ToDate(pick(&[N::Timeuuid, N::Timestamp], N::Timeuuid)?),
        ),
        "tounixtimestamp" => arity(
            1,
            Func::ToUnixTimestamp(pick(&[N::Timeuuid, N::Date, N::Timestamp], N::Timeuuid)?),
        ),
        "unixtimestampof" => arity(1, Func::ToUnixTimestamp(pick(&[N::Timeuuid], N::Timeuuid)?)),
        "mintimeuuid" => arity(1, Func::MinTimeuuid),
        "maxtimeuuid" => arity(1, Func::MaxTimeuuid),
        _ => {
            if let Some(t) = name.strip_suffix("asblob").and_then(native_of_name) {
                return arity(1, Func::AsBlob(t));
            }
            if let Some(t) = name.strip_prefix("blobas").and_then(native_of_name) {
                return arity(1, Func::BlobAs(t));
            }
            Err(ExecError::invalid(format!("Unknown function '{name}'")))
        }
    }
}

impl Func {
    /// The types of the arguments.
    pub(crate) fn arg_types(&self) -> Vec<ColumnType<'static>> {
        use NativeType as N;
        let n = |t: NativeType| vec![ColumnType::Native(t)];
        match self {
            Func::Now
            | Func::Uuid
            | Func::CurrentTimestamp
            | Func::CurrentDate
            | Func::CurrentTime => Vec::new(),
            Func::ToTimestamp(t) | Func::ToDate(t) | Func::ToUnixTimestamp(t) => n(*t),
            Func::MinTimeuuid | Func::MaxTimeuuid => n(N::Timestamp),
            Func::AsBlob(t) => n(*t),
            Func::BlobAs(_) => n(N::Blob),
        }
    }

    /// The type of the result.
    pub(crate) fn return_type(&self) -> ColumnType<'static> {
        use NativeType as N;
        ColumnType::Native(match self {
            Func::Now | Func::MinTimeuuid | Func::MaxTimeuuid => N::Timeuuid,
            Func::Uuid => N::Uuid,
            Func::CurrentTimestamp | Func::ToTimestamp(_) => N::Timestamp,
            Func::CurrentDate | Func::ToDate(_) => N::Date,
            Func::CurrentTime => N::Time,
            Func::ToUnixTimestamp(_) => N::BigInt,
            Func::AsBlob(_) => N::Blob,
            Func::BlobAs(t) => *t,
        })
    }

    /// Whether the result depends only on the arguments (so a call with constant
    /// arguments can be computed once, when the statement is prepared).
    pub(crate) fn is_pure(&self) -> bool {
        !matches!(
            self,
            Func::Now | Func::Uuid | Func::CurrentTimestamp | Func::CurrentDate | Func::CurrentTime
        )
    }

    /// The function's name as result columns show it (`system.totimestamp`).
    pub(crate) fn qualified_name(&self) -> String {
        let base = match self {
            Func::Now => "now".to_string(),
            Func::Uuid => "uuid".to_string(),
            Func::CurrentTimestamp => "currenttimestamp".to_string(),
            Func::CurrentDate => "currentdate".to_string(),
            Func::CurrentTime => "currenttime".to_string(),
            Func::ToTimestamp(_) => "totimestamp".to_string(),
            Func::ToDate(_) => "todate".to_string(),
            Func::ToUnixTimestamp(_) => "tounixtimestamp".to_string(),
            Func::MinTimeuuid => "mintimeuuid".to_string(),
            Func::MaxTimeuuid => "maxtimeuuid".to_string(),
            Func::AsBlob(t) => format!("{}asblob", t.cql_name()),
            Func::BlobAs(t) => format!("blobas{}", t.cql_name()),
        };
        format!("system.{base}")
    }

    /// Computes the function. `now_millis` is the request's time.
    pub(crate) fn eval(
        &self,
        args: &[Option<&[u8]>],
        now_micros: i64,
    ) -> ExecResult<Option<Bytes>> {
        let arg = args.first().copied().flatten().filter(|a| !a.is_empty());
        let millis_of = |t: NativeType, a: &[u8]| -> ExecResult<i64> {
            match t {
                NativeType::Timeuuid => timeuuid_millis(a)
                    .ok_or_else(|| ExecError::invalid("Invalid timeuuid argument")),
                NativeType::Date => {
                    let raw = read_u32(a)?;
                    Ok((i64::from(raw) - DATE_EPOCH_OFFSET) * 86_400_000)
                }
                _ => read_i64(a),
            }
        };
        let now_millis = now_micros.div_euclid(1000);
        Ok(match self {
            Func::Now => Some(Bytes::copy_from_slice(
                Uuid::now_v1(&[0x53, 0x49, 0x4d, 0x6e, 0x6f, 0x77]).as_bytes(),
            )),
            Func::Uuid => Some(Bytes::copy_from_slice(Uuid::new_v4().as_bytes())),
            Func::CurrentTimestamp => Some(Bytes::copy_from_slice(&now_millis.to_be_bytes())),
            Func::CurrentDate => {
                let days = now_millis.div_euclid(86_400_000) + DATE_EPOCH_OFFSET;
                Some(Bytes::copy_from_slice(&(days as u32).to_be_bytes()))
            }
            Func::CurrentTime => {
                let nanos = now_micros.rem_euclid(86_400_000_000) * 1000;
                Some(Bytes::copy_from_slice(&nanos.to_be_bytes()))
            }
            Func::ToTimestamp(t) => match arg {
                None => None,
                Some(a) => Some(Bytes::copy_from_slice(&millis_of(*t, a)?.to_be_bytes())),
            },
            Func::ToUnixTimestamp(t) => match arg {
                None => None,
                Some(a) => Some(Bytes::copy_from_slice(&millis_of(*t, a)?.to_be_bytes())),
            },
            Func::ToDate(t) => match arg {
                None => None,
                Some(a) => {
                    let days = millis_of(*t, a)?.div_euclid(86_400_000) + DATE_EPOCH_OFFSET;
                    let raw =
                        u32::try_from(days).map_err(|_| ExecError::invalid("Date out of range"))?;
                    Some(Bytes::copy_from_slice(&raw.to_be_bytes()))
                }
            },
            Func::MinTimeuuid | Func::MaxTimeuuid => match arg {
                None => None,
                Some(a) => Some(Bytes::copy_from_slice(&timeuuid_bound(
                    read_i64(a)?,
                    *self == Func::MaxTimeuuid,
                ))),
            },
            Func::AsBlob(_) => args.first().copied().flatten().map(Bytes::copy_from_slice),
            Func::BlobAs(t) => match args.first().copied().flatten() {
                None => None,
                Some(a) => {
                    crate::store::validate(&ColumnType::Native(*t), a).map_err(|m| {
                        ExecError::invalid(format!(
                            "In call to function system.blobas{}, value 0x{} is not a valid \
                             binary representation for type {}: {m}",
                            t.cql_name(),
                            hex(a),
                            t.cql_name()
                        ))
                    })?;
                    Some(Bytes::copy_from_slice(a))
                }
            },
        })
    }
}

fn read_i64(a: &[u8]) -> ExecResult<i64> {
    <[u8; 8]>::try_from(a)
        .map(i64::from_be_bytes)
        .map_err(|_| ExecError::invalid("Expected an 8-byte value"))
}

fn read_u32(a: &[u8]) -> ExecResult<u32> {
    <[u8; 4]>::try_from(a)
        .map(u32::from_be_bytes)
        .map_err(|_| ExecError::invalid("Expected a 4-byte value"))
}

// ---------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------

/// A decoded number.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Num {
    /// tinyint, smallint, int, bigint, counter.
    Int(i128),
    /// float, double.
    Float(f64),
    /// varint.
    Big(BigInt),
    /// decimal: unscaled value and scale.
    Dec(BigInt, i32),
}

/// Whether `t` is a numeric type.
pub(crate) fn is_numeric(t: &ColumnType<'_>) -> bool {
    use NativeType as N;
    matches!(
        t,
        ColumnType::Native(
            N::TinyInt
                | N::SmallInt
                | N::Int
                | N::BigInt
                | N::Counter
                | N::Float
                | N::Double
                | N::Varint
                | N::Decimal
        )
    )
}

/// Decodes a numeric value; `None` for an empty or malformed one.
pub(crate) fn decode_num(t: NativeType, b: &[u8]) -> Option<Num> {
    use NativeType as N;
    Some(match t {
        N::TinyInt => Num::Int(i128::from(i8::from_be_bytes(b.try_into().ok()?))),
        N::SmallInt => Num::Int(i128::from(i16::from_be_bytes(b.try_into().ok()?))),
        N::Int => Num::Int(i128::from(i32::from_be_bytes(b.try_into().ok()?))),
        N::BigInt | N::Counter => Num::Int(i128::from(i64::from_be_bytes(b.try_into().ok()?))),
        N::Float => Num::Float(f64::from(f32::from_be_bytes(b.try_into().ok()?))),
        N::Double => Num::Float(f64::from_be_bytes(b.try_into().ok()?)),
        N::Varint => {
            if b.is_empty() {
                return None;
            }
            Num::Big(BigInt::from_signed_bytes_be(b))
        }
        N::Decimal => {
            let (scale, rest) = b.split_first_chunk::<4>()?;
            if rest.is_empty() {
                return None;
            }
            Num::Dec(
                BigInt::from_signed_bytes_be(rest),
                i32::from_be_bytes(*scale),
            )
        }
        _ => return None,
    })
}

impl Num {
    /// The value as a float (approximately for big numbers).
    pub(crate) fn to_f64(&self) -> f64 {
        match self {
            Num::Int(i) => *i as f64,
            Num::Float(f) => *f,
            Num::Big(b) => b.to_string().parse().unwrap_or(f64::NAN),
            Num::Dec(u, s) => format!("{u}e{}", -i64::from(*s))
                .parse()
                .unwrap_or(f64::NAN),
        }
    }

    /// The value as a big integer, truncated toward zero.
    pub(crate) fn to_bigint(&self) -> Option<BigInt> {
        match self {
            Num::Int(i) => Some(BigInt::from(*i)),
            Num::Float(f) => {
                if !f.is_finite() {
                    return None;
                }
                format!("{:.0}", f.trunc()).parse().ok()
            }
            Num::Big(b) => Some(b.clone()),
            Num::Dec(u, s) => {
                if *s <= 0 {
                    let p = u32::try_from(-i64::from(*s))
                        .ok()
                        .filter(|p| *p <= 10_000)?;
                    Some(u * BigInt::from(10).pow(p))
                } else {
                    let p = u32::try_from(*s).ok().filter(|p| *p <= 10_000)?;
                    Some(u / BigInt::from(10).pow(p))
                }
            }
        }
    }

    /// The value as a decimal (unscaled, scale).
    pub(crate) fn to_decimal(&self) -> Option<(BigInt, i32)> {
        match self {
            Num::Int(i) => Some((BigInt::from(*i), 0)),
            Num::Big(b) => Some((b.clone(), 0)),
            Num::Dec(u, s) => Some((u.clone(), *s)),
            Num::Float(f) => {
                if !f.is_finite() {
                    return None;
                }
                let text = format!("{f}");
                let bytes = super::values::parse_decimal(&text).ok()?;
                match decode_num(NativeType::Decimal, &bytes)? {
                    Num::Dec(u, s) => Some((u, s)),
                    _ => None,
                }
            }
        }
    }

    /// Encodes the value as `t`, wrapping integers as Cassandra's arithmetic does.
    pub(crate) fn encode(&self, t: NativeType) -> Option<Vec<u8>> {
        use NativeType as N;
        let wrap = |bits: u32| -> Option<i128> {
            let i = match self {
                Num::Int(i) => *i,
                _ => {
                    let b = self.to_bigint()?;
                    // Keep the low 64 bits, as a Java narrowing conversion does.
                    let bytes = b.to_signed_bytes_le();
                    let mut low = [if b.sign() == num_bigint_04::Sign::Minus {
                        0xff
                    } else {
                        0
                    }; 16];
                    for (i, byte) in bytes.iter().take(16).enumerate() {
                        low[i] = *byte;
                    }
                    i128::from_le_bytes(low)
                }
            };
            let shift = 128 - bits;
            Some((i << shift) >> shift)
        };
        Some(match t {
            N::TinyInt => (wrap(8)? as i8).to_be_bytes().to_vec(),
            N::SmallInt => (wrap(16)? as i16).to_be_bytes().to_vec(),
            N::Int => (wrap(32)? as i32).to_be_bytes().to_vec(),
            N::BigInt | N::Counter => (wrap(64)? as i64).to_be_bytes().to_vec(),
            N::Float => (self.to_f64() as f32).to_be_bytes().to_vec(),
            N::Double => self.to_f64().to_be_bytes().to_vec(),
            N::Varint => self.to_bigint()?.to_signed_bytes_be(),
            N::Decimal => {
                let (u, s) = self.to_decimal()?;
                let mut out = s.to_be_bytes().to_vec();
                out.extend_from_slice(&u.to_signed_bytes_be());
                out
            }
            _ => return None,
        })
    }

    /// Whether converting the value to text or to another type would take too long
    /// (see [`MAX_NUMBER_DIGITS`]): a varint or unscaled decimal of more than
    /// [`MAX_NUMBER_BITS`] bits, or a decimal whose scale has more digits.
    pub(crate) fn too_large_to_convert(&self) -> bool {
        let scale_limit = i64::try_from(MAX_NUMBER_DIGITS).unwrap_or(i64::MAX);
        match self {
            Num::Big(b) => b.bits() > MAX_NUMBER_BITS,
            Num::Dec(u, s) => u.bits() > MAX_NUMBER_BITS || i64::from(*s).abs() > scale_limit,
            Num::Int(_) | Num::Float(_) => false,
        }
    }

    /// The decimal text of the value.
    pub(crate) fn to_text(&self) -> String {
        match self {
            Num::Int(i) => i.to_string(),
            Num::Float(f) => format_float(*f),
            Num::Big(b) => b.to_string(),
            Num::Dec(u, s) => decimal_text(u, *s),
        }
    }
}

/// Formats a float as Java's `Double.toString` would for the common cases.
fn format_float(f: f64) -> String {
    if f.is_nan() {
        "NaN".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string()
    } else if f == f.trunc() && f.abs() < 1e15 {
        format!("{f:.1}")
    } else {
        format!("{f}")
    }
}

/// The number of decimal digits of `v`'s magnitude (1 for zero), computed without
/// printing it (which takes time quadratic in its size).
pub(crate) fn digit_count(v: &BigInt) -> u64 {
    let bits = v.bits();
    if bits <= 1 {
        return 1;
    }
    // 2^(bits-1) <= |v| < 2^bits: the count is about (bits - 1) * log10(2) + 1; the
    // estimate is corrected against the powers of ten around it.
    let estimate = ((bits - 1) as f64 * std::f64::consts::LOG10_2) as u64 + 1;
    let magnitude = v.magnitude();
    let ten = num_bigint_04::BigUint::from(10u32);
    let power = |n: u64| ten.pow(u32::try_from(n).unwrap_or(u32::MAX));
    let mut digits = estimate.max(1);
    while magnitude >= &power(digits) {
        digits += 1;
    }
    while digits > 1 && magnitude < &power(digits - 1) {
        digits -= 1;
    }
    digits
}

/// The plain text of a decimal (`BigDecimal.toPlainString`).
pub(crate) fn decimal_text(unscaled: &BigInt, scale: i32) -> String {
    let negative = unscaled.sign() == num_bigint_04::Sign::Minus;
    let digits = if negative {
        (-unscaled).to_string()
    } else {
        unscaled.to_string()
    };
    let sign = if negative { "-" } else { "" };
    if scale <= 0 {
        let zeros = "0".repeat(usize::try_from(-i64::from(scale)).unwrap_or(0).min(10_000));
        return format!("{sign}{digits}{zeros}");
    }
    let scale = usize::try_from(scale).unwrap_or(0).min(10_000);
    if digits.len() > scale {
        let (int, frac) = digits.split_at(digits.len() - scale);
        format!("{sign}{int}.{frac}")
    } else {
        format!("{sign}0.{}{digits}", "0".repeat(scale - digits.len()))
    }
}

/// The text form of a value, as `CAST(x AS text)` gives it.
pub(crate) fn value_to_text(t: &ColumnType<'_>, b: &[u8]) -> Option<String> {
    use NativeType as N;
    let ColumnType::Native(n) = t else {
        return None;
    };
    if let Some(num) = decode_num(*n, b) {
        if num.too_large_to_convert() {
            return None;
        }
        return Some(num.to_text());
    }
    Some(match n {
        N::Ascii | N::Text => std::str::from_utf8(b).ok()?.to_string(),
        N::Boolean => (b.first()? != &0).to_string(),
        N::Blob => format!("0x{}", hex(b)),
        N::Uuid | N::Timeuuid => Uuid::from_slice(b).ok()?.to_string(),
        N::Timestamp => format_timestamp(read_i64(b).ok()?),
        N::Date => format_date(read_u32(b).ok()?),
        N::Time => format_time(read_i64(b).ok()?),
        N::Inet => match b.len() {
            4 => Ipv4Addr::from(<[u8; 4]>::try_from(b).ok()?).to_string(),
            16 => Ipv6Addr::from(<[u8; 16]>::try_from(b).ok()?).to_string(),
            _ => return None,
        },
        _ => return None,
    })
}

/// `CAST(value AS to)` of a value of type `from`. Numbers convert between numeric
/// types, anything native converts to text or ascii, timestamps/dates/timeuuids
/// convert between each other.
pub(crate) fn cast(
    from: &ColumnType<'_>,
    to: NativeType,
    value: Option<&[u8]>,
) -> ExecResult<Option<Bytes>> {
    use NativeType as N;
    let unsupported =
        || ExecError::invalid(format!("{} cannot be cast to {}", from, to.cql_name()));
    let ColumnType::Native(f) = from else {
        return Err(unsupported());
    };
    let Some(value) = value else {
        return Ok(None);
    };
    if *f == to {
        return Ok(Some(Bytes::copy_from_slice(value)));
    }
    if value.is_empty() {
        return Ok(None);
    }
    if let Some(num) = decode_num(*f, value)
        && num.too_large_to_convert()
    {
        return Err(ExecError::invalid(format!(
            "The {from} value is too large to cast to {}: scylla-sim converts numbers of at \
             most {MAX_NUMBER_DIGITS} digits",
            to.cql_name()
        )));
    }
    match to {
        N::Text | N::Ascii => {
            let text = value_to_text(from, value).ok_or_else(unsupported)?;
            Ok(Some(Bytes::from(text.into_bytes())))
        }
        N::TinyInt
        | N::SmallInt
        | N::Int
        | N::BigInt
        | N::Float
        | N::Double
        | N::Varint
        | N::Decimal => {
            let num = decode_num(*f, value).ok_or_else(unsupported)?;
            Ok(Some(Bytes::from(num.encode(to).ok_or_else(unsupported)?)))
        }
        N::Timestamp | N::Date => {
            let func = match to {
                N::Timestamp => Func::ToTimestamp(*f),
                _ => Func::ToDate(*f),
            };
            if !matches!(f, N::Timeuuid | N::Date | N::Timestamp) {
                return Err(unsupported());
            }
            func.eval(&[Some(value)], 0)
        }
        _ => Err(unsupported()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolution_by_name_and_arity() {
        assert_eq!(resolve("now", &[]).unwrap(), Func::Now);
        assert!(resolve("now", &[None]).is_err());
        assert_eq!(
            resolve("totimestamp", &[Some(ColumnType::Native(NativeType::Date))]).unwrap(),
            Func::ToTimestamp(NativeType::Date)
        );
        assert!(resolve("totimestamp", &[Some(ColumnType::Native(NativeType::Int))]).is_err());
        assert_eq!(
            resolve("textasblob", &[None]).unwrap(),
            Func::AsBlob(NativeType::Text)
        );
        assert_eq!(
            resolve("blobasint", &[None]).unwrap(),
            Func::BlobAs(NativeType::Int)
        );
        let e = resolve("nosuchfn", &[]).unwrap_err();
        assert_eq!(e.message, "Unknown function 'nosuchfn'");
    }

    #[test]
    fn time_functions() {
        let ts = Func::ToTimestamp(NativeType::Date)
            .eval(&[Some(&((1u32 << 31) + 1).to_be_bytes())], 0)
            .unwrap()
            .unwrap();
        assert_eq!(&ts[..], &86_400_000i64.to_be_bytes());
        let u = Func::Now.eval(&[], 0).unwrap().unwrap();
        assert_eq!(u[6] >> 4, 1);
        let d = Func::CurrentDate
            .eval(&[], 86_400_000_000)
            .unwrap()
            .unwrap();
        assert_eq!(&d[..], &((1u32 << 31) + 1).to_be_bytes());
        assert!(
            Func::BlobAs(NativeType::Int)
                .eval(&[Some(&[1, 2])], 0)
                .is_err()
        );
    }

    #[test]
    fn digit_counts_match_the_printed_number() {
        for v in [
            BigInt::from(0),
            BigInt::from(1),
            BigInt::from(9),
            BigInt::from(10),
            BigInt::from(-99),
            BigInt::from(100),
            BigInt::from(i64::MAX),
            BigInt::from(10).pow(300),
            BigInt::from(10).pow(300) - 1,
            -BigInt::from(7).pow(1000),
        ] {
            let printed = v.magnitude().to_string().len() as u64;
            assert_eq!(digit_count(&v), printed, "{v}");
        }
    }

    #[test]
    fn huge_numbers_are_not_converted() {
        let big = BigInt::from(10).pow(MAX_NUMBER_DIGITS as u32 + 5);
        let varint = ColumnType::Native(NativeType::Varint);
        let e = cast(&varint, NativeType::Text, Some(&big.to_signed_bytes_be())).unwrap_err();
        assert!(e.message.contains("too large"), "{}", e.message);
        assert!(cast(&varint, NativeType::Int, Some(&big.to_signed_bytes_be())).is_err());
        let mut dec = (-20_000i32).to_be_bytes().to_vec();
        dec.push(1);
        let decimal = ColumnType::Native(NativeType::Decimal);
        assert!(cast(&decimal, NativeType::Text, Some(&dec)).is_err());
        let fits = BigInt::from(10).pow(MAX_NUMBER_DIGITS as u32 - 1);
        let text = cast(&varint, NativeType::Text, Some(&fits.to_signed_bytes_be()))
            .unwrap()
            .unwrap();
        assert_eq!(text.len(), MAX_NUMBER_DIGITS);
    }

    #[test]
    fn numbers_convert() {
        let n = decode_num(NativeType::Int, &7i32.to_be_bytes()).unwrap();
        assert_eq!(
            n.encode(NativeType::Double).unwrap(),
            7f64.to_be_bytes().to_vec()
        );
        assert_eq!(n.to_text(), "7");
        let big = Num::Int(i128::from(i32::MAX) + 1);
        assert_eq!(
            big.encode(NativeType::Int).unwrap(),
            i32::MIN.to_be_bytes().to_vec()
        );
        assert_eq!(decimal_text(&BigInt::from(-5), 3), "-0.005");
        assert_eq!(decimal_text(&BigInt::from(125), 1), "12.5");
        assert_eq!(decimal_text(&BigInt::from(3), -2), "300");
        assert_eq!(format_float(1.0), "1.0");
        let c = cast(
            &ColumnType::Native(NativeType::Int),
            NativeType::Text,
            Some(&42i32.to_be_bytes()),
        )
        .unwrap()
        .unwrap();
        assert_eq!(&c[..], b"42");
        assert!(
            cast(
                &ColumnType::Native(NativeType::Boolean),
                NativeType::Int,
                Some(&[1])
            )
            .is_err()
        );
    }
}
