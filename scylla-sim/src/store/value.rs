//! Serialized CQL values: validation against a [`ColumnType`], Cassandra's orderings,
//! and the helpers that take collections apart and put them back together.
//!
//! Values are kept exactly as the client sent them (protocol v4 encoding). Everything
//! here works on raw bytes and never panics, whatever the bytes are: malformed input
//! gives an error from [`validate`], and [`compare`] falls back to a byte-wise order
//! for values it cannot parse (stored values are always validated first).

use std::cmp::Ordering;

use bytes::Bytes;
use num_bigint_04::BigInt;
use scylla_cql::frame::response::column_type::{CollectionType, ColumnType, NativeType};

/// Checks that `bytes` is a well-formed value of type `typ` (the non-null content of a
/// `[bytes]` value). Returns a Cassandra-like message saying what is wrong.
///
/// The empty value is accepted for the native types that allow it
/// ([`ColumnType::supports_special_empty_value`], plus the naturally empty text, ascii
/// and blob), and for tuples and UDTs (all fields missing); it is refused for counters,
/// durations, collections and vectors.
pub fn validate(typ: &ColumnType<'_>, bytes: &[u8]) -> Result<(), String> {
    match typ {
        ColumnType::Native(n) => validate_native(*n, bytes),
        ColumnType::Collection { typ, .. } => validate_collection(typ, bytes),
        ColumnType::Vector { typ, dimensions } => validate_vector(typ, *dimensions, bytes),
        ColumnType::UserDefinedType { definition, .. } => {
            let count = definition.field_types.len();
            validate_fields(
                definition.field_types.iter().map(|(_, t)| t),
                count,
                bytes,
                "UDT",
            )
        }
        ColumnType::Tuple(types) => validate_fields(types.iter(), types.len(), bytes, "Tuple"),
        ColumnType::Custom(_) => Ok(()),
        other => Err(format!("values of type {other} are not supported")),
    }
}

/// The error for a value of `column` that does not validate (`message` from
/// [`validate`]), as ScyllaDB words it: values that get here were bound by the client.
pub(crate) fn binding_error(column: &str, message: &str) -> String {
    format!("Exception while binding column {column}: {message}")
}

/// Checks a fixed-size value: `size` bytes, or empty when `empty_ok`. `message` is
/// Cassandra's text for a value of another size, with `{}` for the size found.
fn fixed_size(bytes: &[u8], size: usize, empty_ok: bool, message: &str) -> Result<(), String> {
    if bytes.len() == size || (empty_ok && bytes.is_empty()) {
        Ok(())
    } else {
        Err(message.replace("{}", &bytes.len().to_string()))
    }
}

/// At most 64 bytes of `bytes` in hex, for messages.
fn short_hex(bytes: &[u8]) -> String {
    let mut out: String = bytes.iter().take(64).map(|b| format!("{b:02x}")).collect();
    if bytes.len() > 64 {
        out.push_str("...");
    }
    out
}

/// Validates a native value, with Cassandra's messages (its serializers' `validate`).
/// The empty value is accepted where ScyllaDB accepts it (all fixed-size types but
/// counters).
fn validate_native(n: NativeType, bytes: &[u8]) -> Result<(), String> {
    let empty_ok = ColumnType::Native(n).supports_special_empty_value();
    match n {
        NativeType::Ascii => match bytes.iter().find(|b| **b >= 0x80) {
            // Java prints the byte signed.
            Some(b) => Err(format!("Invalid byte for ascii: {}", *b as i8)),
            None => Ok(()),
        },
        NativeType::Text => std::str::from_utf8(bytes)
            .map(|_| ())
            .map_err(|_| "String didn't validate.".to_string()),
        NativeType::Blob => Ok(()),
        NativeType::Boolean => fixed_size(bytes, 1, empty_ok, "Expected 1 or 0 byte value ({})"),
        NativeType::TinyInt => fixed_size(bytes, 1, empty_ok, "Expected 1 byte for a tinyint ({})"),
        NativeType::SmallInt => {
            fixed_size(bytes, 2, empty_ok, "Expected 2 bytes for a smallint ({})")
        }
        NativeType::Int => fixed_size(bytes, 4, empty_ok, "Expected 4 or 0 byte int ({})"),
        NativeType::Date => fixed_size(bytes, 4, empty_ok, "Expected 4 byte long for date ({})"),
        NativeType::Float => fixed_size(
            bytes,
            4,
            empty_ok,
            "Expected 4 or 0 byte value for a float ({})",
        ),
        NativeType::BigInt => fixed_size(bytes, 8, empty_ok, "Expected 8 or 0 byte long ({})"),
        NativeType::Counter => fixed_size(bytes, 8, false, "Expected 8 or 0 byte long ({})"),
        NativeType::Timestamp => fixed_size(
            bytes,
            8,
            empty_ok,
            "Expected 8 or 0 byte long for date ({})",
        ),
        NativeType::Time => fixed_size(bytes, 8, empty_ok, "Expected 8 byte long for time ({})"),
        NativeType::Double => fixed_size(
            bytes,
            8,
            empty_ok,
            "Expected 8 or 0 byte value for a double ({})",
        ),
        NativeType::Uuid => fixed_size(bytes, 16, empty_ok, "UUID should be 16 or 0 bytes ({})"),
        NativeType::Timeuuid => {
            fixed_size(bytes, 16, empty_ok, "TimeUUID should be 16 or 0 bytes ({})")?;
            match bytes.get(6) {
                Some(b) if b >> 4 != 1 => Err("Invalid version for TimeUUID type.".to_string()),
                _ => Ok(()),
            }
        }
        NativeType::Inet => match bytes.len() {
            0 | 4 | 16 => Ok(()),
            _ => Err(format!(
                "Expected 4 or 16 byte inetaddress; got {}",
                short_hex(bytes)
            )),
        },
        NativeType::Varint => Ok(()),
        NativeType::Decimal => {
            if bytes.is_empty() || bytes.len() >= 4 {
                Ok(())
            } else {
                Err(format!("Expected 0 or at least 4 bytes ({})", bytes.len()))
            }
        }
        NativeType::Duration => validate_duration(bytes),
        other => Err(format!("values of type {other} are not supported")),
    }
}

/// Reads a protocol `[unsigned vint]`.
pub(crate) fn read_unsigned_vint(buf: &mut &[u8]) -> Option<u64> {
    let (&first, rest) = buf.split_first()?;
    let extra = first.leading_ones() as usize;
    if rest.len() < extra {
        return None;
    }
    let (tail, after) = rest.split_at(extra);
    let mut value: u64 = if extra >= 8 {
        0
    } else {
        u64::from(first & (0xffu8 >> extra))
    };
    for &b in tail {
        value = (value << 8) | u64::from(b);
    }
    *buf = after;
    Some(value)
}

/// Reads a protocol `[vint]` (zig-zag encoded).
pub(crate) fn read_vint(buf: &mut &[u8]) -> Option<i64> {
    let u = read_unsigned_vint(buf)?;
    Some(((u >> 1) as i64) ^ -((u & 1) as i64))
}

fn validate_duration(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() < 3 {
        return Err(format!(
            "Expected at least 3 bytes for a duration ({})",
            bytes.len()
        ));
    }
    let mut buf = bytes;
    let truncated = || "Not enough bytes to read a duration".to_string();
    let months = read_vint(&mut buf).ok_or_else(truncated)?;
    let days = read_vint(&mut buf).ok_or_else(truncated)?;
    let nanos = read_vint(&mut buf).ok_or_else(truncated)?;
    if !buf.is_empty() {
        return Err(format!(
            "Unexpected {} extraneous bytes after a duration value",
            buf.len()
        ));
    }
    if i32::try_from(months).is_err() {
        return Err(format!(
            "The duration months must be a 32 bits integer but was: {months}"
        ));
    }
    if i32::try_from(days).is_err() {
        return Err(format!(
            "The duration days must be a 32 bits integer but was: {days}"
        ));
    }
    let all_non_negative = months >= 0 && days >= 0 && nanos >= 0;
    let all_non_positive = months <= 0 && days <= 0 && nanos <= 0;
    if !all_non_negative && !all_non_positive {
        return Err(format!(
            "The duration months, days and nanoseconds must be all of the same sign \
             ({months}, {days}, {nanos})"
        ));
    }
    Ok(())
}

fn read_i32(buf: &mut &[u8]) -> Option<i32> {
    let (head, rest) = buf.split_first_chunk::<4>()?;
    *buf = rest;
    Some(i32::from_be_bytes(*head))
}

/// Reads one `[bytes]`: `Ok(None)` for a null (negative length).
fn read_bytes<'a>(buf: &mut &'a [u8]) -> Result<Option<&'a [u8]>, String> {
    let len = read_i32(buf).ok_or_else(|| "Not enough bytes to read a length".to_string())?;
    if len < 0 {
        return Ok(None);
    }
    let len = len as usize;
    if buf.len() < len {
        return Err(format!(
            "Not enough bytes to read a value: {len} declared, {} present",
            buf.len()
        ));
    }
    let (value, rest) = buf.split_at(len);
    *buf = rest;
    Ok(Some(value))
}

/// The elements of a serialized (protocol v4) list, set or map: `[int] n` then the
/// `[bytes]` elements (two per entry for a map). Iterates without allocating; the count
/// is only trusted as far as the bytes go.
pub(crate) struct Elements<'a> {
    rest: &'a [u8],
    remaining: u64,
}

impl<'a> Elements<'a> {
    /// Starts reading a collection with `per_entry` `[bytes]` per entry.
    pub(crate) fn new(bytes: &'a [u8], per_entry: u64) -> Result<Self, String> {
        let mut rest = bytes;
        let n = read_i32(&mut rest)
            .ok_or_else(|| "Not enough bytes to read the size of a collection".to_string())?;
        if n < 0 {
            return Err(format!("Invalid negative collection size {n}"));
        }
        Ok(Elements {
            rest,
            remaining: n as u64 * per_entry,
        })
    }

    /// Checks that nothing follows the last element.
    pub(crate) fn finish(self) -> Result<(), String> {
        if self.remaining > 0 {
            return Err("Not enough bytes to read a collection".to_string());
        }
        if !self.rest.is_empty() {
            return Err(format!(
                "Unexpected {} extraneous bytes after a collection value",
                self.rest.len()
            ));
        }
        Ok(())
    }
}

impl<'a> Iterator for Elements<'a> {
    type Item = Result<&'a [u8], String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        match read_bytes(&mut self.rest) {
            Ok(Some(v)) => Some(Ok(v)),
            Ok(None) => {
                self.remaining = 0;
                Some(Err("null is not supported inside collections".to_string()))
            }
            Err(e) => {
                self.remaining = 0;
                Some(Err(e))
            }
        }
    }
}

/// Reads all elements of a serialized collection (checking the framing only).
pub(crate) fn collection_elements(bytes: &[u8], per_entry: u64) -> Result<Vec<&[u8]>, String> {
    let mut it = Elements::new(bytes, per_entry)?;
    let mut out = Vec::new();
    for e in &mut it {
        out.push(e?);
    }
    it.finish()?;
    Ok(out)
}

/// Serializes a list or set (protocol v4) from its elements.
pub(crate) fn serialize_elements<'a>(
    count: usize,
    elements: impl Iterator<Item = &'a [u8]>,
) -> Bytes {
    let mut out = Vec::with_capacity(4);
    let n = i32::try_from(count).unwrap_or(i32::MAX);
    out.extend_from_slice(&n.to_be_bytes());
    for e in elements {
        let len = i32::try_from(e.len()).unwrap_or(i32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(e);
    }
    Bytes::from(out)
}

fn validate_collection(typ: &CollectionType<'_>, bytes: &[u8]) -> Result<(), String> {
    match typ {
        CollectionType::List(e) | CollectionType::Set(e) => {
            let what = if matches!(typ, CollectionType::List(_)) {
                "list"
            } else {
                "set"
            };
            let mut it = Elements::new(bytes, 1).map_err(|m| format!("Invalid {what}: {m}"))?;
            for el in &mut it {
                let el = el.map_err(|m| format!("Invalid {what}: {m}"))?;
                validate(e, el).map_err(|m| format!("Invalid {what} element: {m}"))?;
            }
            it.finish().map_err(|m| format!("Invalid {what}: {m}"))
        }
        CollectionType::Map(k, v) => {
            let mut it = Elements::new(bytes, 2).map_err(|m| format!("Invalid map: {m}"))?;
            let mut is_key = true;
            for el in &mut it {
                let el = el.map_err(|m| format!("Invalid map: {m}"))?;
                if is_key {
                    validate(k, el).map_err(|m| format!("Invalid map key: {m}"))?;
                } else {
                    validate(v, el).map_err(|m| format!("Invalid map value: {m}"))?;
                }
                is_key = !is_key;
            }
            it.finish().map_err(|m| format!("Invalid map: {m}"))
        }
        other => Err(format!("collection type {other:?} is not supported")),
    }
}

fn validate_fields<'t>(
    mut types: impl Iterator<Item = &'t ColumnType<'t>>,
    count: usize,
    bytes: &[u8],
    what: &str,
) -> Result<(), String> {
    let mut buf = bytes;
    let mut i = 0usize;
    while !buf.is_empty() {
        let Some(t) = types.next() else {
            return Err(format!(
                "{what} value has more fields than its type has ({count})"
            ));
        };
        let field = read_bytes(&mut buf).map_err(|m| format!("Invalid {what} field {i}: {m}"))?;
        if let Some(field) = field {
            validate(t, field).map_err(|m| format!("Invalid {what} field {i}: {m}"))?;
        }
        i += 1;
    }
    Ok(())
}

fn validate_vector(elem: &ColumnType<'_>, dimensions: u16, bytes: &[u8]) -> Result<(), String> {
    let dims = usize::from(dimensions);
    if let Some(size) = elem.type_size_for_vector() {
        let expected = size.saturating_mul(dims);
        if bytes.len() != expected {
            return Err(format!(
                "Expected {expected} bytes for a vector of {dims} elements, got {}",
                bytes.len()
            ));
        }
        for chunk in bytes.chunks(size.max(1)) {
            validate(elem, chunk).map_err(|m| format!("Invalid vector element: {m}"))?;
        }
        return Ok(());
    }
    let mut buf = bytes;
    for i in 0..dims {
        let el = read_vector_element(&mut buf)
            .ok_or_else(|| format!("Not enough bytes to read vector element {i} of {dims}"))?;
        validate(elem, el).map_err(|m| format!("Invalid vector element: {m}"))?;
    }
    if !buf.is_empty() {
        return Err(format!(
            "Unexpected {} extraneous bytes after a vector value",
            buf.len()
        ));
    }
    Ok(())
}

/// Reads one element of a vector of variable-size elements: `[unsigned vint] len`
/// then the bytes.
fn read_vector_element<'a>(buf: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = usize::try_from(read_unsigned_vint(buf)?).ok()?;
    if buf.len() < len {
        return None;
    }
    let (el, rest) = buf.split_at(len);
    *buf = rest;
    Some(el)
}

/// Compares two serialized values of type `typ` the way Cassandra orders them:
/// integers signed, `date` unsigned, floating point numerically (NaN last, -0 before
/// +0), `decimal` and `varint` numerically, text, ascii, blob and inet byte-wise,
/// booleans false first, `uuid` by version then time (version 1) or bytes, `timeuuid`
/// by time then signed bytes, frozen collections, tuples, UDTs and vectors element by
/// element. The empty value sorts before every other value.
pub fn compare(typ: &ColumnType<'_>, a: &[u8], b: &[u8]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Less,
        (false, true) => return Ordering::Greater,
        (false, false) => {}
    }
    let parsed = match typ {
        ColumnType::Native(n) => Some(compare_native(*n, a, b)),
        ColumnType::Collection { typ, .. } => compare_collection(typ, a, b),
        ColumnType::Vector { typ, dimensions } => compare_vector(typ, *dimensions, a, b),
        ColumnType::UserDefinedType { definition, .. } => {
            compare_fields(definition.field_types.iter().map(|(_, t)| t), a, b)
        }
        ColumnType::Tuple(types) => compare_fields(types.iter(), a, b),
        _ => None,
    };
    parsed.unwrap_or_else(|| a.cmp(b))
}

fn compare_signed_be(a: &[u8], b: &[u8]) -> Ordering {
    if a.len() != b.len() {
        return a.cmp(b);
    }
    match (a.split_first(), b.split_first()) {
        (Some((fa, ra)), Some((fb, rb))) => (*fa as i8).cmp(&(*fb as i8)).then_with(|| ra.cmp(rb)),
        _ => a.cmp(b),
    }
}

fn java_float_order(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.total_cmp(&b),
    }
}

fn compare_native(n: NativeType, a: &[u8], b: &[u8]) -> Ordering {
    match n {
        NativeType::TinyInt
        | NativeType::SmallInt
        | NativeType::Int
        | NativeType::BigInt
        | NativeType::Counter
        | NativeType::Timestamp
        | NativeType::Time => compare_signed_be(a, b),
        NativeType::Boolean => match (a, b) {
            ([x], [y]) => (*x != 0).cmp(&(*y != 0)),
            _ => a.cmp(b),
        },
        NativeType::Float => match (<[u8; 4]>::try_from(a), <[u8; 4]>::try_from(b)) {
            (Ok(x), Ok(y)) => java_float_order(
                f64::from(f32::from_be_bytes(x)),
                f64::from(f32::from_be_bytes(y)),
            ),
            _ => a.cmp(b),
        },
        NativeType::Double => match (<[u8; 8]>::try_from(a), <[u8; 8]>::try_from(b)) {
            (Ok(x), Ok(y)) => java_float_order(f64::from_be_bytes(x), f64::from_be_bytes(y)),
            _ => a.cmp(b),
        },
        NativeType::Varint => compare_varint(a, b),
        NativeType::Decimal => compare_decimal(a, b),
        NativeType::Uuid => compare_uuid(a, b),
        NativeType::Timeuuid => compare_timeuuid(a, b),
        _ => a.cmp(b),
    }
}

/// Drops the redundant sign-extension bytes of a two's complement big-endian integer.
fn strip_varint(mut v: &[u8]) -> &[u8] {
    while let [first, second, ..] = v {
        let redundant =
            (*first == 0 && second & 0x80 == 0) || (*first == 0xff && second & 0x80 != 0);
        if !redundant {
            break;
        }
        v = &v[1..];
    }
    v
}

fn compare_varint(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_varint(a);
    let b = strip_varint(b);
    let neg_a = a.first().is_some_and(|x| x & 0x80 != 0);
    let neg_b = b.first().is_some_and(|x| x & 0x80 != 0);
    match (neg_a, neg_b) {
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        (true, true) => b.len().cmp(&a.len()).then_with(|| a.cmp(b)),
    }
}

fn split_decimal(v: &[u8]) -> Option<(i32, BigInt)> {
    let (scale, unscaled) = v.split_first_chunk::<4>()?;
    Some((
        i32::from_be_bytes(*scale),
        BigInt::from_signed_bytes_be(unscaled),
    ))
}

/// Bounds of `log10(m)` for a magnitude of `bits` bits (`2^(bits-1) <= m < 2^bits`).
fn log10_bounds(bits: u64) -> (f64, f64) {
    let lg = std::f64::consts::LOG10_2;
    ((bits.saturating_sub(1)) as f64 * lg, bits as f64 * lg)
}

/// Compares two decimals numerically, in time about linear in their size: never
/// printing them (quadratic), and scaling one by a power of ten only when their
/// magnitudes are within a factor of 100 of each other, where that power is no larger
/// than the values.
fn compare_decimal(a: &[u8], b: &[u8]) -> Ordering {
    let (Some((sa, ua)), Some((sb, ub))) = (split_decimal(a), split_decimal(b)) else {
        return a.cmp(b);
    };
    let sign_order = ua.sign().cmp(&ub.sign());
    if sign_order != Ordering::Equal {
        return sign_order;
    }
    if ua.sign() == num_bigint_04::Sign::NoSign {
        return Ordering::Equal;
    }
    let negative = ua.sign() == num_bigint_04::Sign::Minus;
    let (ma, mb) = (ua.magnitude(), ub.magnitude());
    // |a| = ma * 10^-sa, so log10|a| lies in [lo - sa, hi - sa).
    let (lo_a, hi_a) = log10_bounds(ma.bits());
    let (lo_b, hi_b) = log10_bounds(mb.bits());
    let (ea_lo, ea_hi) = (lo_a - f64::from(sa), hi_a - f64::from(sa));
    let (eb_lo, eb_hi) = (lo_b - f64::from(sb), hi_b - f64::from(sb));
    // A margin of 1 absorbs any rounding of the estimates.
    let magnitude_order = if ea_hi + 1.0 < eb_lo {
        Ordering::Less
    } else if eb_hi + 1.0 < ea_lo {
        Ordering::Greater
    } else {
        // Close magnitudes: the scale difference is bounded by the sizes of the values
        // (plus a few digits), so the power of ten below is no larger than they are.
        let diff = i64::from(sa) - i64::from(sb);
        let ten = num_bigint_04::BigUint::from(10u32);
        let shift = u32::try_from(diff.unsigned_abs()).unwrap_or(u32::MAX);
        if diff >= 0 {
            ma.cmp(&(mb * ten.pow(shift)))
        } else {
            (ma * ten.pow(shift)).cmp(mb)
        }
    };
    if negative {
        magnitude_order.reverse()
    } else {
        magnitude_order
    }
}

fn uuid_halves(v: &[u8]) -> Option<(u64, u64)> {
    let bytes: [u8; 16] = v.try_into().ok()?;
    let (hi, lo) = bytes.split_at(8);
    Some((
        u64::from_be_bytes(hi.try_into().ok()?),
        u64::from_be_bytes(lo.try_into().ok()?),
    ))
}

/// Moves a version-1 UUID's time fields into significance order
/// (time_hi_and_version, time_mid, time_low).
fn reorder_timestamp(msb: u64) -> u64 {
    (msb << 48) | ((msb << 16) & 0xFFFF_0000_0000) | (msb >> 32)
}

fn compare_uuid(a: &[u8], b: &[u8]) -> Ordering {
    let (Some((ma, la)), Some((mb, lb))) = (uuid_halves(a), uuid_halves(b)) else {
        return a.cmp(b);
    };
    let va = (ma >> 12) & 0xf;
    let vb = (mb >> 12) & 0xf;
    if va != vb {
        return va.cmp(&vb);
    }
    let high = if va == 1 {
        (reorder_timestamp(ma) as i64).cmp(&(reorder_timestamp(mb) as i64))
    } else {
        ma.cmp(&mb)
    };
    high.then_with(|| la.cmp(&lb))
}

fn compare_timeuuid(a: &[u8], b: &[u8]) -> Ordering {
    let (Some((ma, _)), Some((mb, _))) = (uuid_halves(a), uuid_halves(b)) else {
        return a.cmp(b);
    };
    (reorder_timestamp(ma) as i64)
        .cmp(&(reorder_timestamp(mb) as i64))
        .then_with(|| {
            let sa = a.iter().skip(8).map(|x| *x as i8);
            let sb = b.iter().skip(8).map(|x| *x as i8);
            sa.cmp(sb)
        })
}

fn compare_collection(typ: &CollectionType<'_>, a: &[u8], b: &[u8]) -> Option<Ordering> {
    let (types, per_entry): ([&ColumnType<'_>; 2], u64) = match typ {
        CollectionType::List(e) | CollectionType::Set(e) => ([e, e], 1),
        CollectionType::Map(k, v) => ([k, v], 2),
        _ => return None,
    };
    let mut ia = Elements::new(a, per_entry).ok()?;
    let mut ib = Elements::new(b, per_entry).ok()?;
    // For a map, elements alternate key, value; for a list or set both slots hold the
    // element type.
    let mut slot = 0usize;
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Some(Ordering::Equal),
            (None, Some(_)) => return Some(Ordering::Less),
            (Some(_), None) => return Some(Ordering::Greater),
            (Some(x), Some(y)) => {
                let order = compare(types[slot], x.ok()?, y.ok()?);
                if order != Ordering::Equal {
                    return Some(order);
                }
            }
        }
        slot ^= 1;
    }
}

fn compare_fields<'t>(
    mut types: impl Iterator<Item = &'t ColumnType<'t>>,
    a: &[u8],
    b: &[u8],
) -> Option<Ordering> {
    let (mut ba, mut bb) = (a, b);
    while !ba.is_empty() && !bb.is_empty() {
        let t = types.next()?;
        let fa = read_bytes(&mut ba).ok()?;
        let fb = read_bytes(&mut bb).ok()?;
        let order = match (fa, fb) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Less,
            (Some(_), None) => Ordering::Greater,
            (Some(x), Some(y)) => compare(t, x, y),
        };
        if order != Ordering::Equal {
            return Some(order);
        }
    }
    // Missing trailing fields are nulls.
    while !ba.is_empty() {
        if read_bytes(&mut ba).ok()?.is_some() {
            return Some(Ordering::Greater);
        }
    }
    while !bb.is_empty() {
        if read_bytes(&mut bb).ok()?.is_some() {
            return Some(Ordering::Less);
        }
    }
    Some(Ordering::Equal)
}

fn compare_vector(elem: &ColumnType<'_>, dimensions: u16, a: &[u8], b: &[u8]) -> Option<Ordering> {
    if let Some(size) = elem.type_size_for_vector() {
        if size == 0 {
            return None;
        }
        for (x, y) in a.chunks(size).zip(b.chunks(size)) {
            let order = compare(elem, x, y);
            if order != Ordering::Equal {
                return Some(order);
            }
        }
        return Some(a.len().cmp(&b.len()));
    }
    let (mut ba, mut bb) = (a, b);
    for _ in 0..dimensions {
        let x = read_vector_element(&mut ba)?;
        let y = read_vector_element(&mut bb)?;
        let order = compare(elem, x, y);
        if order != Ordering::Equal {
            return Some(order);
        }
    }
    Some(Ordering::Equal)
}

/// Puts a frozen set or map into Cassandra's canonical form: elements (keys) sorted by
/// their type's order, duplicates removed (for a map the last value given for a key
/// wins). Any other type, or a value already canonical, is returned unchanged.
/// `value` must have been validated.
pub(crate) fn normalize_frozen(typ: &ColumnType<'_>, value: &Bytes) -> Bytes {
    let ColumnType::Collection { frozen: true, typ } = typ else {
        return value.clone();
    };
    match typ {
        CollectionType::Set(e) => {
            let Ok(mut elements) = collection_elements(value, 1) else {
                return value.clone();
            };
            if elements
                .windows(2)
                .all(|w| compare(e, w[0], w[1]) == Ordering::Less)
            {
                return value.clone();
            }
            elements.sort_by(|x, y| compare(e, x, y));
            elements.dedup_by(|x, y| compare(e, x, y) == Ordering::Equal);
            serialize_elements(elements.len(), elements.into_iter())
        }
        CollectionType::Map(k, _) => {
            let Ok(flat) = collection_elements(value, 2) else {
                return value.clone();
            };
            let mut entries: Vec<(&[u8], &[u8])> =
                flat.chunks_exact(2).map(|c| (c[0], c[1])).collect();
            if entries
                .windows(2)
                .all(|w| compare(k, w[0].0, w[1].0) == Ordering::Less)
            {
                return value.clone();
            }
            entries.sort_by(|x, y| compare(k, x.0, y.0));
            // Keep the last of each run of equal keys (the stable sort kept input order).
            let mut kept: Vec<(&[u8], &[u8])> = Vec::with_capacity(entries.len());
            for entry in entries {
                match kept.last_mut() {
                    Some(last) if compare(k, last.0, entry.0) == Ordering::Equal => *last = entry,
                    _ => kept.push(entry),
                }
            }
            let count = kept.len();
            serialize_elements(count, kept.into_iter().flat_map(|(a, b)| [a, b]))
        }
        _ => value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use scylla_cql::frame::response::column_type::UserDefinedType;

    fn n(t: NativeType) -> ColumnType<'static> {
        ColumnType::Native(t)
    }

    fn coll(frozen: bool, typ: CollectionType<'static>) -> ColumnType<'static> {
        ColumnType::Collection { frozen, typ }
    }

    fn list_of(t: ColumnType<'static>) -> ColumnType<'static> {
        coll(true, CollectionType::List(Box::new(t)))
    }

    fn set_of(t: ColumnType<'static>) -> ColumnType<'static> {
        coll(true, CollectionType::Set(Box::new(t)))
    }

    fn map_of(k: ColumnType<'static>, v: ColumnType<'static>) -> ColumnType<'static> {
        coll(true, CollectionType::Map(Box::new(k), Box::new(v)))
    }

    fn ser(items: &[Option<&[u8]>]) -> Vec<u8> {
        let mut out = Vec::new();
        for i in items {
            match i {
                Some(v) => {
                    out.extend_from_slice(&(v.len() as i32).to_be_bytes());
                    out.extend_from_slice(v);
                }
                None => out.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        out
    }

    fn coll_bytes(count: i32, items: &[Option<&[u8]>]) -> Vec<u8> {
        let mut out = count.to_be_bytes().to_vec();
        out.extend(ser(items));
        out
    }

    fn int(v: i32) -> Vec<u8> {
        v.to_be_bytes().to_vec()
    }

    fn uvint(v: u64, out: &mut Vec<u8>) {
        // Test-only encoder of the protocol's unsigned vint.
        let bits = 64 - v.leading_zeros() as usize;
        let extra = if bits <= 7 { 0 } else { (bits - 1) / 7 }.min(8);
        if extra == 8 {
            out.push(0xff);
            out.extend_from_slice(&v.to_be_bytes());
            return;
        }
        let bytes = v.to_be_bytes();
        let mut first = bytes[7 - extra];
        first |= !(0xffu8 >> extra);
        out.push(first);
        out.extend_from_slice(&bytes[8 - extra..]);
    }

    fn vint(v: i64, out: &mut Vec<u8>) {
        uvint(((v << 1) ^ (v >> 63)) as u64, out);
    }

    fn duration(m: i64, d: i64, ns: i64) -> Vec<u8> {
        let mut out = Vec::new();
        vint(m, &mut out);
        vint(d, &mut out);
        vint(ns, &mut out);
        out
    }

    fn udt() -> ColumnType<'static> {
        ColumnType::UserDefinedType {
            frozen: true,
            definition: Arc::new(UserDefinedType {
                name: "addr".into(),
                keyspace: "ks".into(),
                field_types: vec![
                    ("street".into(), n(NativeType::Text)),
                    ("no".into(), n(NativeType::Int)),
                ],
            }),
        }
    }

    #[test]
    fn vint_reader_matches_encoder() {
        for v in [
            0i64,
            1,
            -1,
            63,
            -64,
            64,
            1000,
            -100_000,
            i64::MAX,
            i64::MIN,
            i32::MAX as i64,
        ] {
            let mut buf = Vec::new();
            vint(v, &mut buf);
            let mut s = &buf[..];
            assert_eq!(read_vint(&mut s), Some(v), "{v}");
            assert!(s.is_empty());
        }
        assert_eq!(read_unsigned_vint(&mut &[0xc0u8][..]), None);
    }

    #[test]
    fn fixed_size_natives() {
        let cases: &[(NativeType, usize)] = &[
            (NativeType::Boolean, 1),
            (NativeType::TinyInt, 1),
            (NativeType::SmallInt, 2),
            (NativeType::Int, 4),
            (NativeType::Date, 4),
            (NativeType::Float, 4),
            (NativeType::BigInt, 8),
            (NativeType::Timestamp, 8),
            (NativeType::Time, 8),
            (NativeType::Double, 8),
            (NativeType::Uuid, 16),
        ];
        for &(t, size) in cases {
            assert_eq!(validate(&n(t), &vec![0; size]), Ok(()), "{t}");
            assert_eq!(validate(&n(t), &[]), Ok(()), "{t} empty");
            assert!(validate(&n(t), &vec![0; size + 1]).is_err(), "{t} too long");
            assert!(
                validate(&n(t), &vec![0; size - 1]).is_err() || size == 1,
                "{t} short"
            );
        }
        assert!(validate(&n(NativeType::Boolean), &[1, 0]).is_err());
        assert!(validate(&n(NativeType::Counter), &[0; 8]).is_ok());
        assert!(validate(&n(NativeType::Counter), &[]).is_err());
        assert!(validate(&n(NativeType::Counter), &[0; 4]).is_err());
    }

    #[test]
    fn textual_natives() {
        assert!(validate(&n(NativeType::Ascii), b"hello").is_ok());
        assert!(validate(&n(NativeType::Ascii), b"").is_ok());
        let err = validate(&n(NativeType::Ascii), &[b'a', 0xc3]).unwrap_err();
        assert!(err.contains("ascii"), "{err}");
        assert!(validate(&n(NativeType::Text), "héllo".as_bytes()).is_ok());
        assert!(validate(&n(NativeType::Text), &[0xff, 0xfe]).is_err());
        assert!(validate(&n(NativeType::Text), &[b'a', 0xc3]).is_err());
        assert!(validate(&n(NativeType::Blob), &[0xff, 0, 1]).is_ok());
    }

    #[test]
    fn uuid_inet_numbers() {
        let v1 = uuid::Uuid::parse_str("a8098c1a-f86e-11da-bd1a-00112444be1e").unwrap();
        let v4 = uuid::Uuid::parse_str("f47ac10b-58cc-4372-a567-0e02b2c3d479").unwrap();
        assert!(validate(&n(NativeType::Timeuuid), v1.as_bytes()).is_ok());
        assert!(validate(&n(NativeType::Timeuuid), v4.as_bytes()).is_err());
        assert!(validate(&n(NativeType::Timeuuid), &[]).is_ok());
        assert!(validate(&n(NativeType::Uuid), v4.as_bytes()).is_ok());
        assert!(validate(&n(NativeType::Uuid), &v4.as_bytes()[..15]).is_err());
        assert!(validate(&n(NativeType::Inet), &[127, 0, 0, 1]).is_ok());
        assert!(validate(&n(NativeType::Inet), &[0; 16]).is_ok());
        assert!(validate(&n(NativeType::Inet), &[0; 5]).is_err());
        assert!(validate(&n(NativeType::Varint), &[0xff, 0x00, 0x12]).is_ok());
        assert!(validate(&n(NativeType::Decimal), &[0, 0, 0, 2, 0x7f]).is_ok());
        assert!(validate(&n(NativeType::Decimal), &[0, 0, 0, 2]).is_ok());
        assert!(validate(&n(NativeType::Decimal), &[0, 0, 2]).is_err());
    }

    #[test]
    fn durations() {
        let t = n(NativeType::Duration);
        assert!(validate(&t, &duration(1, 2, 3)).is_ok());
        assert!(validate(&t, &duration(-1, -2, -3_000_000_000)).is_ok());
        assert!(validate(&t, &duration(0, 0, 0)).is_ok());
        let err = validate(&t, &duration(1, -2, 3)).unwrap_err();
        assert!(err.contains("same sign"), "{err}");
        assert!(validate(&t, &duration(i64::from(i32::MAX) + 1, 0, 0)).is_err());
        assert!(validate(&t, &[]).is_err());
        let mut trailing = duration(1, 1, 1);
        trailing.push(0);
        assert!(validate(&t, &trailing).is_err());
        let mut truncated = duration(1, 1, 1_000_000_000);
        truncated.pop();
        assert!(validate(&t, &truncated).is_err());
    }

    #[test]
    fn collections() {
        let l = list_of(n(NativeType::Int));
        assert!(validate(&l, &coll_bytes(2, &[Some(&int(1)), Some(&int(2))])).is_ok());
        assert!(validate(&l, &coll_bytes(0, &[])).is_ok());
        assert!(validate(&l, &[]).is_err(), "empty bytes are not a list");
        assert!(validate(&l, &coll_bytes(2, &[Some(&int(1)), None])).is_err());
        assert!(validate(&l, &coll_bytes(1, &[Some(&[1, 2, 3])])).is_err());
        assert!(validate(&l, &coll_bytes(1, &[Some(&int(1)), Some(&int(2))])).is_err());
        assert!(validate(&l, &coll_bytes(3, &[Some(&int(1))])).is_err());
        assert!(validate(&l, &coll_bytes(-1, &[])).is_err());
        // A huge declared count with no bytes fails without allocating.
        assert!(validate(&l, &coll_bytes(i32::MAX, &[])).is_err());
        let mut cut = coll_bytes(1, &[Some(&int(1))]);
        cut.pop();
        assert!(validate(&l, &cut).is_err());

        let s = set_of(n(NativeType::Text));
        assert!(validate(&s, &coll_bytes(1, &[Some(b"a")])).is_ok());
        assert!(validate(&s, &coll_bytes(1, &[Some(&[0xff])])).is_err());

        let m = map_of(n(NativeType::Text), n(NativeType::Int));
        assert!(validate(&m, &coll_bytes(1, &[Some(b"k"), Some(&int(5))])).is_ok());
        assert!(validate(&m, &coll_bytes(1, &[Some(b"k"), Some(&[5])])).is_err());
        assert!(validate(&m, &coll_bytes(1, &[Some(b"k")])).is_err());
        assert!(validate(&m, &coll_bytes(1, &[Some(b"k"), None])).is_err());
    }

    #[test]
    fn tuples_and_udts() {
        for t in [
            ColumnType::Tuple(vec![n(NativeType::Text), n(NativeType::Int)]),
            udt(),
        ] {
            assert!(validate(&t, &ser(&[Some(b"x"), Some(&int(1))])).is_ok());
            assert!(validate(&t, &ser(&[Some(b"x")])).is_ok(), "fewer fields");
            assert!(
                validate(&t, &ser(&[None, Some(&int(1))])).is_ok(),
                "null field"
            );
            assert!(validate(&t, &[]).is_ok(), "empty");
            assert!(validate(&t, &ser(&[Some(b"x"), Some(&int(1)), Some(b"y")])).is_err());
            assert!(validate(&t, &ser(&[Some(b"x"), Some(&[1])])).is_err());
            assert!(validate(&t, &[0, 0, 0, 5, b'a']).is_err());
        }
    }

    #[test]
    fn vectors() {
        let fixed = ColumnType::Vector {
            typ: Box::new(n(NativeType::Float)),
            dimensions: 3,
        };
        assert!(validate(&fixed, &[0; 12]).is_ok());
        assert!(validate(&fixed, &[0; 8]).is_err());
        assert!(validate(&fixed, &[]).is_err());
        let var = ColumnType::Vector {
            typ: Box::new(n(NativeType::Text)),
            dimensions: 2,
        };
        let mut good = Vec::new();
        for s in ["ab", "c"] {
            uvint(s.len() as u64, &mut good);
            good.extend_from_slice(s.as_bytes());
        }
        assert!(validate(&var, &good).is_ok());
        assert!(validate(&var, &good[..3]).is_err());
        let mut extra = good.clone();
        extra.push(0);
        assert!(validate(&var, &extra).is_err());
        assert!(validate(&var, &[1, 0xff, 0]).is_err(), "bad utf8 element");
    }

    fn ordered(t: &ColumnType<'_>, values: &[Vec<u8>]) {
        for (i, a) in values.iter().enumerate() {
            for (j, b) in values.iter().enumerate() {
                assert_eq!(compare(t, a, b), i.cmp(&j), "{t}: {a:?} vs {b:?}");
            }
        }
    }

    #[test]
    fn integer_orders() {
        ordered(
            &n(NativeType::Int),
            &[
                vec![],
                int(i32::MIN),
                int(-1),
                int(0),
                int(1),
                int(i32::MAX),
            ],
        );
        ordered(
            &n(NativeType::BigInt),
            &[(-5i64).to_be_bytes().to_vec(), 3i64.to_be_bytes().to_vec()],
        );
        ordered(
            &n(NativeType::TinyInt),
            &[vec![0x80], vec![0xff], vec![0], vec![0x7f]],
        );
        ordered(&n(NativeType::SmallInt), &[vec![0xff, 0], vec![0, 1]]);
        ordered(
            &n(NativeType::Timestamp),
            &[
                (-1000i64).to_be_bytes().to_vec(),
                0i64.to_be_bytes().to_vec(),
            ],
        );
        // Dates are unsigned: 2^31 is the epoch.
        ordered(
            &n(NativeType::Date),
            &[
                vec![0, 0, 0, 0],
                vec![0x7f, 0xff, 0xff, 0xff],
                vec![0x80, 0, 0, 0],
                vec![0xff, 0xff, 0xff, 0xff],
            ],
        );
        ordered(&n(NativeType::Boolean), &[vec![0], vec![1]]);
        assert_eq!(
            compare(&n(NativeType::Boolean), &[1], &[2]),
            Ordering::Equal
        );
    }

    #[test]
    fn float_orders() {
        let f = |v: f32| v.to_be_bytes().to_vec();
        ordered(
            &n(NativeType::Float),
            &[
                f(f32::NEG_INFINITY),
                f(-1.5),
                f(-0.0),
                f(0.0),
                f(1e-30),
                f(f32::INFINITY),
                f(f32::NAN),
            ],
        );
        let d = |v: f64| v.to_be_bytes().to_vec();
        ordered(
            &n(NativeType::Double),
            &[d(-2.0), d(-0.0), d(0.0), d(3.25), d(f64::NAN)],
        );
    }

    #[test]
    fn varint_and_decimal_orders() {
        let v = n(NativeType::Varint);
        ordered(
            &v,
            &[
                vec![0xff, 0x7f],
                vec![0x80],
                vec![0xff],
                vec![0x00],
                vec![0x01],
                vec![0x7f],
                vec![0x00, 0x80],
                vec![0x01, 0x00],
            ],
        );
        assert_eq!(compare(&v, &[0, 0, 1], &[1]), Ordering::Equal);
        assert_eq!(compare(&v, &[0xff, 0xff], &[0xff]), Ordering::Equal);

        let dec = |scale: i32, unscaled: &[u8]| {
            let mut out = scale.to_be_bytes().to_vec();
            out.extend_from_slice(unscaled);
            out
        };
        let d = n(NativeType::Decimal);
        ordered(
            &d,
            &[
                dec(0, &[0x80]),        // -128
                dec(1, &[0xf1]),        // -1.5
                dec(0, &[0xff]),        // -1
                dec(0, &[0x00]),        // 0
                dec(1, &[0x05]),        // 0.5
                dec(0, &[0x01]),        // 1
                dec(-2, &[0x0a]),       // 1000
                dec(-10, &[0x01]),      // 1e10
                dec(i32::MIN, &[0x01]), // 1e2147483648
            ],
        );
        // 1.0 == 1.00 == 1
        assert_eq!(
            compare(&d, &dec(1, &[10]), &dec(2, &[100])),
            Ordering::Equal
        );
        assert_eq!(compare(&d, &dec(0, &[1]), &dec(2, &[100])), Ordering::Equal);
        assert_eq!(compare(&d, &dec(0, &[0]), &dec(40, &[0])), Ordering::Equal);
        assert_eq!(
            compare(&d, &dec(i32::MAX, &[1]), &dec(0, &[0])),
            Ordering::Greater
        );
        assert_eq!(
            compare(&d, &dec(i32::MAX, &[0xff]), &dec(0, &[0])),
            Ordering::Less
        );
    }

    #[test]
    fn bytewise_orders() {
        ordered(
            &n(NativeType::Text),
            &[
                b"".to_vec(),
                b"A".to_vec(),
                b"a".to_vec(),
                b"ab".to_vec(),
                "é".as_bytes().to_vec(),
            ],
        );
        ordered(
            &n(NativeType::Blob),
            &[vec![], vec![0], vec![0, 0], vec![0x80]],
        );
        ordered(
            &n(NativeType::Inet),
            &[
                vec![10, 0, 0, 1],
                vec![127, 0, 0, 1],
                vec![0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            ],
        );
    }

    #[test]
    fn uuid_orders() {
        let u = |s: &str| uuid::Uuid::parse_str(s).unwrap().as_bytes().to_vec();
        // Time-based (v1): time_low differs in the opposite direction of time_hi.
        let early = u("ffffffff-ffff-1000-8000-000000000000");
        let late = u("00000000-0000-1001-8000-000000000000");
        let v4_low = u("00000000-0000-4000-8000-000000000000");
        let v4_high = u("ffffffff-0000-4000-8000-000000000000");
        ordered(
            &n(NativeType::Uuid),
            &[vec![], early.clone(), late.clone(), v4_low, v4_high],
        );
        // timeuuid: time first, then the low 8 bytes as signed bytes.
        let lsb_neg = u("00000000-0000-1001-8000-000000000000");
        let lsb_pos = u("00000000-0000-1001-7f00-000000000000");
        ordered(&n(NativeType::Timeuuid), &[early, lsb_neg, lsb_pos]);
    }

    #[test]
    fn composite_orders() {
        let l = list_of(n(NativeType::Int));
        let li = |v: &[i32]| {
            let items: Vec<Vec<u8>> = v.iter().map(|x| int(*x)).collect();
            let refs: Vec<Option<&[u8]>> = items.iter().map(|x| Some(&x[..])).collect();
            coll_bytes(v.len() as i32, &refs)
        };
        ordered(
            &l,
            &[
                li(&[]),
                li(&[-1]),
                li(&[1]),
                li(&[1, -5]),
                li(&[1, 2]),
                li(&[2]),
            ],
        );
        let m = map_of(n(NativeType::Int), n(NativeType::Text));
        ordered(
            &m,
            &[
                coll_bytes(1, &[Some(&int(1)), Some(b"a")]),
                coll_bytes(1, &[Some(&int(1)), Some(b"b")]),
                coll_bytes(1, &[Some(&int(2)), Some(b"a")]),
            ],
        );
        let t = ColumnType::Tuple(vec![n(NativeType::Int), n(NativeType::Int)]);
        ordered(
            &t,
            &[
                ser(&[None, Some(&int(9))]),
                ser(&[Some(&int(1))]),
                ser(&[Some(&int(1)), Some(&int(-3))]),
                ser(&[Some(&int(2)), None]),
            ],
        );
        assert_eq!(
            compare(&t, &ser(&[Some(&int(1))]), &ser(&[Some(&int(1)), None])),
            Ordering::Equal
        );
        let vec3 = ColumnType::Vector {
            typ: Box::new(n(NativeType::Int)),
            dimensions: 2,
        };
        ordered(
            &vec3,
            &[
                [int(-1), int(5)].concat(),
                [int(0), int(-5)].concat(),
                [int(0), int(0)].concat(),
            ],
        );
    }

    #[test]
    fn malformed_values_compare_without_panicking() {
        let l = list_of(n(NativeType::Int));
        let _ = compare(&l, &[0, 0, 0, 9, 1], &[0, 0, 0, 1]);
        let _ = compare(&n(NativeType::Decimal), &[1], &[2, 3]);
        let _ = compare(&n(NativeType::Uuid), &[1; 5], &[2; 16]);
        let _ = compare(&udt(), &[0, 0, 0, 9], &[0, 0, 0, 1, 1]);
    }

    #[test]
    fn frozen_sets_and_maps_are_canonicalized() {
        let s = set_of(n(NativeType::Int));
        let v = Bytes::from(coll_bytes(
            3,
            &[Some(&int(3)), Some(&int(-1)), Some(&int(3))],
        ));
        let norm = normalize_frozen(&s, &v);
        assert_eq!(
            norm,
            Bytes::from(coll_bytes(2, &[Some(&int(-1)), Some(&int(3))]))
        );
        let sorted = Bytes::from(coll_bytes(2, &[Some(&int(1)), Some(&int(2))]));
        assert_eq!(normalize_frozen(&s, &sorted), sorted);
        let m = map_of(n(NativeType::Int), n(NativeType::Text));
        let v = Bytes::from(coll_bytes(
            3,
            &[
                Some(&int(2)),
                Some(b"x"),
                Some(&int(1)),
                Some(b"y"),
                Some(&int(2)),
                Some(b"z"),
            ],
        ));
        assert_eq!(
            normalize_frozen(&m, &v),
            Bytes::from(coll_bytes(
                2,
                &[Some(&int(1)), Some(b"y"), Some(&int(2)), Some(b"z")]
            ))
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn minimal_varint(v: i64) -> Vec<u8> {
            let bytes = v.to_be_bytes().to_vec();
            strip_varint(&bytes).to_vec()
        }

        fn padded_varint(v: i64, pad: usize) -> Vec<u8> {
            let fill = if v < 0 { 0xff } else { 0 };
            let mut out = vec![fill; pad];
            out.extend(minimal_varint(v));
            out
        }

        proptest! {
            #[test]
            fn varint_matches_integers(a: i64, b: i64, pa in 0usize..3, pb in 0usize..3) {
                let t = n(NativeType::Varint);
                prop_assert_eq!(compare(&t, &padded_varint(a, pa), &padded_varint(b, pb)), a.cmp(&b));
            }

            #[test]
            fn decimal_matches_exact_rationals(
                ua in -1_000_000i64..1_000_000, sa in -6i32..6,
                ub in -1_000_000i64..1_000_000, sb in -6i32..6,
            ) {
                // a = ua * 10^-sa; compare ua * 10^(12 - sa) with ub * 10^(12 - sb).
                let scale = |u: i64, s: i32| i128::from(u) * 10i128.pow((12 - s) as u32);
                let enc = |u: i64, s: i32| {
                    let mut out = s.to_be_bytes().to_vec();
                    out.extend(minimal_varint(u));
                    out
                };
                prop_assert_eq!(
                    compare(&n(NativeType::Decimal), &enc(ua, sa), &enc(ub, sb)),
                    scale(ua, sa).cmp(&scale(ub, sb))
                );
            }

            #[test]
            fn decimal_matches_big_rationals(
                ua: i64, sa in -60i32..60, ub: i64, sb in -60i32..60, pad in 0usize..30,
            ) {
                // Wide scales and padded (non-minimal) unscaled values: compare
                // ua * 10^(60 - sa) with ub * 10^(60 - sb) exactly.
                let exact = |u: i64, s: i32| BigInt::from(u) * BigInt::from(10).pow((60 - s) as u32);
                let enc = |u: i64, s: i32| {
                    let mut out = s.to_be_bytes().to_vec();
                    out.extend(padded_varint(u, pad));
                    out
                };
                prop_assert_eq!(
                    compare(&n(NativeType::Decimal), &enc(ua, sa), &enc(ub, sb)),
                    exact(ua, sa).cmp(&exact(ub, sb))
                );
            }

            #[test]
            fn orders_are_antisymmetric(
                a in prop::collection::vec(any::<u8>(), 16),
                b in prop::collection::vec(any::<u8>(), 16),
            ) {
                for t in [NativeType::Uuid, NativeType::Timeuuid, NativeType::Double, NativeType::BigInt] {
                    let t = n(t);
                    prop_assert_eq!(compare(&t, &a, &b), compare(&t, &b, &a).reverse());
                    prop_assert_eq!(compare(&t, &a[..8], &b[..8]), compare(&t, &b[..8], &a[..8]).reverse());
                }
            }

            #[test]
            fn float_order_matches_numbers(a: f64, b: f64) {
                prop_assume!(!a.is_nan() && !b.is_nan());
                let t = n(NativeType::Double);
                let got = compare(&t, &a.to_be_bytes(), &b.to_be_bytes());
                if a == b && a.to_bits() == b.to_bits() {
                    prop_assert_eq!(got, Ordering::Equal);
                } else if a != b {
                    prop_assert_eq!(got, a.partial_cmp(&b).unwrap());
                }
            }

            #[test]
            fn validate_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
                let udt = udt();
                let types = [
                    list_of(n(NativeType::Int)),
                    map_of(n(NativeType::Text), list_of(n(NativeType::Duration))),
                    ColumnType::Tuple(vec![n(NativeType::Decimal), set_of(n(NativeType::Varint))]),
                    udt,
                    ColumnType::Vector { typ: Box::new(n(NativeType::Text)), dimensions: 3 },
                    n(NativeType::Duration),
                ];
                for t in &types {
                    let _ = validate(t, &bytes);
                    let _ = compare(t, &bytes, &bytes[bytes.len() / 2..]);
                }
            }
        }
    }
}
