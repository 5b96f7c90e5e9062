//! The notation of the protocol spec (section 3): `[int]`, `[short]`, `[string]`,
//! `[bytes]`, `[value]`, `[string map]`, ... and the consistency levels.
//!
//! Readers take `&mut &[u8]` and advance it past what they consumed; they never panic
//! on short or malformed input, they return [`LowLevelDeserializationError`].
//! Writers append to a `BufMut` and fail only where a length does not fit its field.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use bytes::BufMut;
use uuid::Uuid;

use super::TryFromPrimitiveError;
use super::frame_errors::LowLevelDeserializationError;

/// A consistency level, as sent in QUERY, EXECUTE and BATCH and returned in errors.
///
/// With the `serde` feature it implements `serde::Deserialize`, from the CQL names
/// (`"ONE"`, `"LOCAL_QUORUM"`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Deserialize),
    serde(rename_all = "SCREAMING_SNAKE_CASE")
)]
#[repr(u16)]
pub enum Consistency {
    /// ANY: a write succeeds even if only a hint was stored.
    Any = 0x0000,
    /// ONE replica.
    One = 0x0001,
    /// TWO replicas.
    Two = 0x0002,
    /// THREE replicas.
    Three = 0x0003,
    /// A quorum of all replicas.
    Quorum = 0x0004,
    /// ALL replicas.
    All = 0x0005,
    /// A quorum of the replicas in the coordinator's datacenter (the default).
    #[default]
    LocalQuorum = 0x0006,
    /// A quorum in every datacenter.
    EachQuorum = 0x0007,
    /// SERIAL (Paxos across all datacenters); only valid for reads of LWT state.
    Serial = 0x0008,
    /// LOCAL_SERIAL (Paxos within the local datacenter).
    LocalSerial = 0x0009,
    /// ONE replica in the local datacenter.
    LocalOne = 0x000A,
}

impl Consistency {
    /// Whether this is SERIAL or LOCAL_SERIAL.
    pub fn is_serial(&self) -> bool {
        matches!(self, Consistency::Serial | Consistency::LocalSerial)
    }

    /// The upper-case name used by CQL and the other drivers (`LOCAL_QUORUM`).
    pub fn as_str(&self) -> &'static str {
        match self {
            Consistency::Any => "ANY",
            Consistency::One => "ONE",
            Consistency::Two => "TWO",
            Consistency::Three => "THREE",
            Consistency::Quorum => "QUORUM",
            Consistency::All => "ALL",
            Consistency::LocalQuorum => "LOCAL_QUORUM",
            Consistency::EachQuorum => "EACH_QUORUM",
            Consistency::Serial => "SERIAL",
            Consistency::LocalSerial => "LOCAL_SERIAL",
            Consistency::LocalOne => "LOCAL_ONE",
        }
    }
}

impl TryFrom<u16> for Consistency {
    type Error = TryFromPrimitiveError<u16>;

    fn try_from(value: u16) -> Result<Self, Self::Error> {
        Ok(match value {
            0x0000 => Consistency::Any,
            0x0001 => Consistency::One,
            0x0002 => Consistency::Two,
            0x0003 => Consistency::Three,
            0x0004 => Consistency::Quorum,
            0x0005 => Consistency::All,
            0x0006 => Consistency::LocalQuorum,
            0x0007 => Consistency::EachQuorum,
            0x0008 => Consistency::Serial,
            0x0009 => Consistency::LocalSerial,
            0x000A => Consistency::LocalOne,
            _ => {
                return Err(TryFromPrimitiveError {
                    enum_name: "Consistency",
                    primitive: value,
                });
            }
        })
    }
}

impl std::fmt::Display for Consistency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Upstream prints the variant name (`LocalQuorum`), keep that.
        std::fmt::Debug::fmt(self, f)
    }
}

/// The serial consistency of a conditional (LWT) request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(i16)]
pub enum SerialConsistency {
    /// SERIAL: Paxos across all datacenters.
    Serial = 0x0008,
    /// LOCAL_SERIAL: Paxos within the local datacenter.
    LocalSerial = 0x0009,
}

impl SerialConsistency {
    /// The upper-case CQL name (`LOCAL_SERIAL`).
    pub fn as_str(&self) -> &'static str {
        match self {
            SerialConsistency::Serial => "SERIAL",
            SerialConsistency::LocalSerial => "LOCAL_SERIAL",
        }
    }
}

impl TryFrom<i16> for SerialConsistency {
    type Error = TryFromPrimitiveError<i16>;

    fn try_from(value: i16) -> Result<Self, Self::Error> {
        match value {
            0x0008 => Ok(Self::Serial),
            0x0009 => Ok(Self::LocalSerial),
            _ => Err(TryFromPrimitiveError {
                enum_name: "SerialConsistency",
                primitive: value,
            }),
        }
    }
}

/// A consistency level that is not SERIAL or LOCAL_SERIAL was given where a serial one
/// is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("expected a serial consistency (SERIAL or LOCAL_SERIAL), got {0}")]
pub struct NonSerialConsistencyError(pub Consistency);

impl TryFrom<Consistency> for SerialConsistency {
    type Error = NonSerialConsistencyError;

    fn try_from(c: Consistency) -> Result<Self, Self::Error> {
        match c {
            Consistency::Serial => Ok(Self::Serial),
            Consistency::LocalSerial => Ok(Self::LocalSerial),
            other => Err(NonSerialConsistencyError(other)),
        }
    }
}

impl From<SerialConsistency> for Consistency {
    fn from(c: SerialConsistency) -> Self {
        match c {
            SerialConsistency::Serial => Consistency::Serial,
            SerialConsistency::LocalSerial => Consistency::LocalSerial,
        }
    }
}

impl std::fmt::Display for SerialConsistency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// A `[value]`: bytes, null (length -1) or unset (length -2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawValue<'a> {
    /// Length -1.
    Null,
    /// Length -2: the bound variable is left unset.
    Unset,
    /// The bytes of the value.
    Value(&'a [u8]),
}

impl<'a> RawValue<'a> {
    /// The bytes, if this is a value.
    #[inline]
    pub fn as_value(&self) -> Option<&'a [u8]> {
        match self {
            RawValue::Value(v) => Some(v),
            RawValue::Null | RawValue::Unset => None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Readers
// ---------------------------------------------------------------------------------------

#[inline]
fn take<'a>(buf: &mut &'a [u8], n: usize) -> Result<&'a [u8], LowLevelDeserializationError> {
    if buf.len() < n {
        return Err(LowLevelDeserializationError::TooFewBytesReceived {
            expected: n,
            received: buf.len(),
        });
    }
    let (head, rest) = buf.split_at(n);
    *buf = rest;
    Ok(head)
}

#[inline]
fn take_array<const N: usize>(buf: &mut &[u8]) -> Result<[u8; N], LowLevelDeserializationError> {
    let s = take(buf, N)?;
    let mut a = [0u8; N];
    a.copy_from_slice(s);
    Ok(a)
}

/// Reads `n` raw bytes.
pub fn read_raw_bytes<'a>(
    count: usize,
    buf: &mut &'a [u8],
) -> Result<&'a [u8], LowLevelDeserializationError> {
    take(buf, count)
}

/// Reads a `[byte]`.
pub fn read_byte(buf: &mut &[u8]) -> Result<u8, LowLevelDeserializationError> {
    Ok(take_array::<1>(buf)?[0])
}

/// Reads an `[int]` (4 bytes, big-endian, signed).
pub fn read_int(buf: &mut &[u8]) -> Result<i32, LowLevelDeserializationError> {
    Ok(i32::from_be_bytes(take_array(buf)?))
}

/// Reads a `[long]` (8 bytes, big-endian, signed).
pub fn read_long(buf: &mut &[u8]) -> Result<i64, LowLevelDeserializationError> {
    Ok(i64::from_be_bytes(take_array(buf)?))
}

/// Reads a `[short]` (2 bytes, big-endian, unsigned).
pub fn read_short(buf: &mut &[u8]) -> Result<u16, LowLevelDeserializationError> {
    Ok(u16::from_be_bytes(take_array(buf)?))
}

/// Reads an `[int]` that must be a non-negative length.
pub fn read_int_length(buf: &mut &[u8]) -> Result<usize, LowLevelDeserializationError> {
    let v = read_int(buf)?;
    usize::try_from(v).map_err(|_| LowLevelDeserializationError::NegativeLength(v))
}

/// Reads a `[short]` used as a length.
pub fn read_short_length(buf: &mut &[u8]) -> Result<usize, LowLevelDeserializationError> {
    Ok(read_short(buf)? as usize)
}

/// Reads `[bytes]`: an `[int]` length n then n bytes; a negative length means null.
pub fn read_bytes_opt<'a>(
    buf: &mut &'a [u8],
) -> Result<Option<&'a [u8]>, LowLevelDeserializationError> {
    let len = read_int(buf)?;
    if len < 0 {
        return Ok(None);
    }
    take(buf, len as usize).map(Some)
}

/// Reads `[bytes]` that must not be null.
pub fn read_bytes<'a>(buf: &mut &'a [u8]) -> Result<&'a [u8], LowLevelDeserializationError> {
    let len = read_int_length(buf)?;
    take(buf, len)
}

/// Reads a `[value]`: `[bytes]` where -1 is null and -2 is unset; other negative
/// lengths are an error.
pub fn read_value<'a>(buf: &mut &'a [u8]) -> Result<RawValue<'a>, LowLevelDeserializationError> {
    let len = read_int(buf)?;
    match len {
        -2 => Ok(RawValue::Unset),
        -1 => Ok(RawValue::Null),
        len if len >= 0 => Ok(RawValue::Value(take(buf, len as usize)?)),
        len => Err(LowLevelDeserializationError::InvalidValueLength(len)),
    }
}

/// Reads `[short bytes]`.
pub fn read_short_bytes<'a>(buf: &mut &'a [u8]) -> Result<&'a [u8], LowLevelDeserializationError> {
    let len = read_short_length(buf)?;
    take(buf, len)
}

/// Reads a `[string]`: a `[short]` length then UTF-8 bytes.
pub fn read_string<'a>(buf: &mut &'a [u8]) -> Result<&'a str, LowLevelDeserializationError> {
    let raw = read_short_bytes(buf)?;
    std::str::from_utf8(raw).map_err(LowLevelDeserializationError::from)
}

/// Reads a `[long string]`: an `[int]` length then UTF-8 bytes.
pub fn read_long_string<'a>(buf: &mut &'a [u8]) -> Result<&'a str, LowLevelDeserializationError> {
    let raw = read_bytes(buf)?;
    std::str::from_utf8(raw).map_err(LowLevelDeserializationError::from)
}

/// Reads a `[string list]`.
pub fn read_string_list(buf: &mut &[u8]) -> Result<Vec<String>, LowLevelDeserializationError> {
    let n = read_short_length(buf)?;
    // Each string takes at least 2 bytes: do not trust n for the allocation.
    let mut v = Vec::with_capacity(n.min(buf.len() / 2));
    for _ in 0..n {
        v.push(read_string(buf)?.to_owned());
    }
    Ok(v)
}

/// Reads a `[string map]`.
pub fn read_string_map(
    buf: &mut &[u8],
) -> Result<HashMap<String, String>, LowLevelDeserializationError> {
    let n = read_short_length(buf)?;
    let mut m = HashMap::with_capacity(n.min(buf.len() / 4));
    for _ in 0..n {
        let k = read_string(buf)?.to_owned();
        let v = read_string(buf)?.to_owned();
        m.insert(k, v);
    }
    Ok(m)
}

/// Reads a `[string multimap]`.
pub fn read_string_multimap(
    buf: &mut &[u8],
) -> Result<HashMap<String, Vec<String>>, LowLevelDeserializationError> {
    let n = read_short_length(buf)?;
    let mut m = HashMap::with_capacity(n.min(buf.len() / 4));
    for _ in 0..n {
        let k = read_string(buf)?.to_owned();
        let v = read_string_list(buf)?;
        m.insert(k, v);
    }
    Ok(m)
}

/// Reads a `[bytes map]` (values may be null).
pub fn read_bytes_map(
    buf: &mut &[u8],
) -> Result<HashMap<String, bytes::Bytes>, LowLevelDeserializationError> {
    let n = read_short_length(buf)?;
    let mut m = HashMap::with_capacity(n.min(buf.len() / 6));
    for _ in 0..n {
        let k = read_string(buf)?.to_owned();
        let v = read_bytes_opt(buf)?
            .map(bytes::Bytes::copy_from_slice)
            .unwrap_or_default();
        m.insert(k, v);
    }
    Ok(m)
}

/// Reads a `[uuid]` (16 bytes).
pub fn read_uuid(buf: &mut &[u8]) -> Result<Uuid, LowLevelDeserializationError> {
    Ok(Uuid::from_bytes(take_array(buf)?))
}

/// Reads a `[consistency]`.
pub fn read_consistency(buf: &mut &[u8]) -> Result<Consistency, LowLevelDeserializationError> {
    let raw = read_short(buf)?;
    Ok(Consistency::try_from(raw)?)
}

/// Reads an `[inetaddr]`: one byte of length (4 or 16) then the address.
pub fn read_inetaddr(buf: &mut &[u8]) -> Result<IpAddr, LowLevelDeserializationError> {
    let len = read_byte(buf)?;
    match len {
        4 => Ok(IpAddr::V4(Ipv4Addr::from(take_array::<4>(buf)?))),
        16 => Ok(IpAddr::V6(Ipv6Addr::from(take_array::<16>(buf)?))),
        other => Err(LowLevelDeserializationError::InvalidInetLength(other)),
    }
}

/// Reads an `[inet]`: an `[inetaddr]` then an `[int]` port.
pub fn read_inet(buf: &mut &[u8]) -> Result<SocketAddr, LowLevelDeserializationError> {
    let ip = read_inetaddr(buf)?;
    let port = read_int(buf)?;
    let port = u16::try_from(port).map_err(|_| LowLevelDeserializationError::InvalidPort(port))?;
    Ok(SocketAddr::new(ip, port))
}

/// Reads an `[unsigned vint]` (protocol v5 notation, also used by the duration type).
pub fn read_unsigned_vint(buf: &mut &[u8]) -> Result<u64, LowLevelDeserializationError> {
    let first = read_byte(buf)?;
    let extra = first.leading_ones() as usize;
    if extra == 0 {
        return Ok(first as u64);
    }
    let mut value: u64 = if extra >= 8 {
        0
    } else {
        (first & (0xffu8 >> extra)) as u64
    };
    for &b in take(buf, extra)? {
        value = (value << 8) | b as u64;
    }
    Ok(value)
}

/// Reads a `[vint]`: zig-zag encoded signed integer.
pub fn read_vint(buf: &mut &[u8]) -> Result<i64, LowLevelDeserializationError> {
    let u = read_unsigned_vint(buf)?;
    Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
}

// ---------------------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------------------

/// A length did not fit the field that carries it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("length {0} does not fit its {1}-bit length field")]
pub struct LengthOverflow(pub usize, pub u8);

/// Writes an `[int]`.
#[inline]
pub fn write_int(v: i32, buf: &mut impl BufMut) {
    buf.put_i32(v);
}

/// Writes a `[long]`.
#[inline]
pub fn write_long(v: i64, buf: &mut impl BufMut) {
    buf.put_i64(v);
}

/// Writes a `[short]`.
#[inline]
pub fn write_short(v: u16, buf: &mut impl BufMut) {
    buf.put_u16(v);
}

/// Writes an `[int]` length, failing if it does not fit.
#[inline]
pub fn write_int_length(len: usize, buf: &mut impl BufMut) -> Result<(), LengthOverflow> {
    let l = i32::try_from(len).map_err(|_| LengthOverflow(len, 32))?;
    buf.put_i32(l);
    Ok(())
}

/// Writes a `[short]` length, failing if it does not fit.
#[inline]
pub fn write_short_length(len: usize, buf: &mut impl BufMut) -> Result<(), LengthOverflow> {
    let l = u16::try_from(len).map_err(|_| LengthOverflow(len, 16))?;
    buf.put_u16(l);
    Ok(())
}

/// Writes `[bytes]`.
pub fn write_bytes(v: &[u8], buf: &mut impl BufMut) -> Result<(), LengthOverflow> {
    write_int_length(v.len(), buf)?;
    buf.put_slice(v);
    Ok(())
}

/// Writes `[bytes]` or null.
pub fn write_bytes_opt(
    v: Option<impl AsRef<[u8]>>,
    buf: &mut impl BufMut,
) -> Result<(), LengthOverflow> {
    match v {
        Some(v) => write_bytes(v.as_ref(), buf),
        None => {
            buf.put_i32(-1);
            Ok(())
        }
    }
}

/// Writes a `[value]`.
pub fn write_value(v: RawValue<'_>, buf: &mut impl BufMut) -> Result<(), LengthOverflow> {
    match v {
        RawValue::Null => {
            buf.put_i32(-1);
            Ok(())
        }
        RawValue::Unset => {
            buf.put_i32(-2);
            Ok(())
        }
        RawValue::Value(v) => write_bytes(v, buf),
    }
}

/// Writes `[short bytes]`.
pub fn write_short_bytes(v: &[u8], buf: &mut impl BufMut) -> Result<(), LengthOverflow> {
    write_short_length(v.len(), buf)?;
    buf.put_slice(v);
    Ok(())
}

/// Writes a `[string]`.
pub fn write_string(v: &str, buf: &mut impl BufMut) -> Result<(), LengthOverflow> {
    write_short_bytes(v.as_bytes(), buf)
}

/// Writes a `[long string]`.
pub fn write_long_string(v: &str, buf: &mut impl BufMut) -> Result<(), LengthOverflow> {
    write_bytes(v.as_bytes(), buf)
}

/// Writes a `[string list]`.
pub fn write_string_list<S: AsRef<str>>(
    v: &[S],
    buf: &mut impl BufMut,
) -> Result<(), LengthOverflow> {
    write_short_length(v.len(), buf)?;
    for s in v {
        write_string(s.as_ref(), buf)?;
    }
    Ok(())
}

/// Writes a `[string map]` from any iterator of pairs with a known length.
pub fn write_string_map<'a, K, V, I>(map: I, buf: &mut impl BufMut) -> Result<(), LengthOverflow>
where
    K: AsRef<str> + 'a,
    V: AsRef<str> + 'a,
    I: IntoIterator<Item = (&'a K, &'a V)>,
    I::IntoIter: ExactSizeIterator,
{
    let it = map.into_iter();
    write_short_length(it.len(), buf)?;
    for (k, v) in it {
        write_string(k.as_ref(), buf)?;
        write_string(v.as_ref(), buf)?;
    }
    Ok(())
}

/// Writes a `[string multimap]`.
pub fn write_string_multimap<'a, K, V, I>(
    map: I,
    buf: &mut impl BufMut,
) -> Result<(), LengthOverflow>
where
    K: AsRef<str> + 'a,
    V: AsRef<str> + 'a,
    I: IntoIterator<Item = (&'a K, &'a Vec<V>)>,
    I::IntoIter: ExactSizeIterator,
{
    let it = map.into_iter();
    write_short_length(it.len(), buf)?;
    for (k, vs) in it {
        write_string(k.as_ref(), buf)?;
        write_string_list(vs, buf)?;
    }
    Ok(())
}

/// Writes a `[bytes map]`.
pub fn write_bytes_map<'a, K, V, I>(map: I, buf: &mut impl BufMut) -> Result<(), LengthOverflow>
where
    K: AsRef<str> + 'a,
    V: AsRef<[u8]> + 'a,
    I: IntoIterator<Item = (&'a K, &'a V)>,
    I::IntoIter: ExactSizeIterator,
{
    let it = map.into_iter();
    write_short_length(it.len(), buf)?;
    for (k, v) in it {
        write_string(k.as_ref(), buf)?;
        write_bytes(v.as_ref(), buf)?;
    }
    Ok(())
}

/// Writes a `[uuid]`.
pub fn write_uuid(uuid: &Uuid, buf: &mut impl BufMut) {
    buf.put_slice(uuid.as_bytes());
}

/// Writes a `[consistency]`.
pub fn write_consistency(c: Consistency, buf: &mut impl BufMut) {
    buf.put_u16(c as u16);
}

/// Writes a serial consistency as a `[consistency]`.
pub fn write_serial_consistency(c: SerialConsistency, buf: &mut impl BufMut) {
    buf.put_i16(c as i16);
}

/// Writes an `[inetaddr]`.
pub fn write_inetaddr(addr: IpAddr, buf: &mut impl BufMut) {
    match addr {
        IpAddr::V4(v4) => {
            buf.put_u8(4);
            buf.put_slice(&v4.octets());
        }
        IpAddr::V6(v6) => {
            buf.put_u8(16);
            buf.put_slice(&v6.octets());
        }
    }
}

/// Writes an `[inet]`.
pub fn write_inet(addr: SocketAddr, buf: &mut impl BufMut) {
    write_inetaddr(addr.ip(), buf);
    buf.put_i32(addr.port() as i32);
}

/// Writes an `[unsigned vint]`.
pub fn write_unsigned_vint(v: u64, buf: &mut impl BufMut) {
    // With `extra` bytes after the first one, the encoding holds 7 * (extra + 1)
    // value bits (the first byte spends `extra + 1` bits on the length prefix); with
    // 8 extra bytes the first byte is all ones and the 8 bytes hold the whole value.
    let bits = 64 - v.leading_zeros() as usize;
    let extra = bits.saturating_sub(1) / 7;
    if extra == 0 {
        buf.put_u8(v as u8);
        return;
    }
    let extra = extra.min(8);
    let prefix: u8 = !0xffu8.checked_shr(extra as u32).unwrap_or(0);
    let first_value = if extra >= 8 {
        0
    } else {
        ((v >> (8 * extra)) as u8) & (0x7fu8 >> extra)
    };
    buf.put_u8(prefix | first_value);
    for i in (0..extra).rev() {
        buf.put_u8((v >> (8 * i)) as u8);
    }
}

/// Writes a `[vint]` (zig-zag).
pub fn write_vint(v: i64, buf: &mut impl BufMut) {
    write_unsigned_vint(((v << 1) ^ (v >> 63)) as u64, buf);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "serde")]
    #[test]
    fn consistency_deserializes_from_cql_names() {
        let parsed: Vec<Consistency> = serde_json::from_str(
            r#"["ANY", "ONE", "TWO", "THREE", "QUORUM", "ALL", "LOCAL_QUORUM", "EACH_QUORUM",
                "SERIAL", "LOCAL_SERIAL", "LOCAL_ONE"]"#,
        )
        .unwrap();
        assert_eq!(
            parsed,
            [
                Consistency::Any,
                Consistency::One,
                Consistency::Two,
                Consistency::Three,
                Consistency::Quorum,
                Consistency::All,
                Consistency::LocalQuorum,
                Consistency::EachQuorum,
                Consistency::Serial,
                Consistency::LocalSerial,
                Consistency::LocalOne,
            ]
        );
        assert!(serde_json::from_str::<Consistency>(r#""LocalQuorum""#).is_err());
    }

    #[test]
    fn vint_round_trip() {
        let samples: Vec<i64> = vec![
            0,
            1,
            -1,
            63,
            -64,
            64,
            127,
            128,
            255,
            256,
            1 << 20,
            -(1 << 20),
            i32::MAX as i64,
            i32::MIN as i64,
            i64::MAX,
            i64::MIN,
            i64::MAX - 1,
            i64::MIN + 1,
        ];
        for v in samples {
            let mut buf = Vec::new();
            write_vint(v, &mut buf);
            let mut s = &buf[..];
            assert_eq!(read_vint(&mut s).unwrap(), v, "value {v}, bytes {buf:?}");
            assert!(s.is_empty());
        }
        for shift in 0..64 {
            for delta in [0u64, 1, 2] {
                let v = (1u64 << shift).wrapping_sub(delta);
                let mut buf = Vec::new();
                write_unsigned_vint(v, &mut buf);
                let mut s = &buf[..];
                assert_eq!(read_unsigned_vint(&mut s).unwrap(), v);
                assert!(s.is_empty());
            }
        }
    }

    #[test]
    fn unsigned_vint_known_encodings() {
        // Single byte up to 127; 0x80 | hi then lo for two bytes.
        let mut b = Vec::new();
        write_unsigned_vint(127, &mut b);
        assert_eq!(b, [0x7f]);
        b.clear();
        write_unsigned_vint(128, &mut b);
        assert_eq!(b, [0x80, 0x80]);
        b.clear();
        write_unsigned_vint(u64::MAX, &mut b);
        assert_eq!(b, [0xff; 9]);
    }

    #[test]
    fn short_input_is_an_error() {
        let mut s: &[u8] = &[0, 0, 0, 5, 1, 2];
        assert!(read_bytes_opt(&mut s).is_err());
        let mut s: &[u8] = &[0, 3, b'a'];
        assert!(read_string(&mut s).is_err());
        let mut s: &[u8] = &[0xff, 0xff, 0xff, 0xfd];
        assert!(read_value(&mut s).is_err());
        let mut s: &[u8] = &[7, 1, 2, 3, 4];
        assert!(read_inetaddr(&mut s).is_err());
    }
}
