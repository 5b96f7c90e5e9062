//! Rust representations of CQL values: [`CqlValue`] and the types that model CQL
//! types with no exact std counterpart (dates, times, durations, varints, decimals,
//! timeuuids, counters), plus the markers [`Unset`], [`MaybeUnset`] and [`MaybeEmpty`].

use std::cmp::Ordering;
use std::net::IpAddr;
use std::time::Duration;

use uuid::Uuid;

mod display;
mod features;

/// A value did not fit the range of the type it was converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("value is out of the representable range of the target type")]
pub struct ValueOverflow;

/// Marker that writes the "unset" value: the bound variable leaves the column as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Unset;

/// A value of a `counter` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Counter(pub i64);

/// Either a value, or "unset" (the column keeps what it had).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MaybeUnset<V> {
    /// Write the "unset" marker.
    #[default]
    Unset,
    /// Write the value.
    Set(V),
}

impl<V> MaybeUnset<V> {
    /// `Some(v)` becomes `Set(v)`, `None` becomes `Unset`.
    #[inline]
    pub fn from_option(opt: Option<V>) -> Self {
        match opt {
            Some(v) => Self::Set(v),
            None => Self::Unset,
        }
    }
}

/// A `date`: days since -5877641-06-23, so that 2^31 is the Unix epoch (1970-01-01).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CqlDate(pub u32);

impl CqlDate {
    /// The value of the Unix epoch.
    pub const UNIX_EPOCH: CqlDate = CqlDate(1 << 31);

    /// Days relative to the Unix epoch (negative before 1970).
    pub fn days_since_epoch(self) -> i64 {
        self.0 as i64 - (1i64 << 31)
    }
}

/// A `time`: nanoseconds since midnight (0 ..= 86_399_999_999_999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CqlTime(pub i64);

/// A `timestamp`: milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CqlTimestamp(pub i64);

impl CqlTimestamp {
    /// The earliest timestamp.
    pub const MIN: CqlTimestamp = CqlTimestamp(i64::MIN);
    /// The latest timestamp.
    pub const MAX: CqlTimestamp = CqlTimestamp(i64::MAX);

    /// The current time (system clock), to the millisecond.
    pub fn now() -> Self {
        let now = std::time::SystemTime::now();
        let ms = match now.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
            Err(e) => i64::try_from(e.duration().as_millis())
                .map(|v| -v)
                .unwrap_or(i64::MIN),
        };
        CqlTimestamp(ms)
    }

    /// The time elapsed from `earlier` to `self`, or `None` if `earlier` is later.
    pub fn checked_duration_since(self, earlier: CqlTimestamp) -> Option<Duration> {
        let diff = self.0.checked_sub(earlier.0)?;
        u64::try_from(diff).ok().map(Duration::from_millis)
    }
}

fn duration_millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl std::ops::Add<Duration> for CqlTimestamp {
    type Output = CqlTimestamp;
    /// Saturates at [`CqlTimestamp::MAX`].
    fn add(self, rhs: Duration) -> CqlTimestamp {
        CqlTimestamp(self.0.saturating_add(duration_millis(rhs)))
    }
}

impl std::ops::AddAssign<Duration> for CqlTimestamp {
    fn add_assign(&mut self, rhs: Duration) {
        *self = *self + rhs;
    }
}

impl std::ops::Sub<Duration> for CqlTimestamp {
    type Output = CqlTimestamp;
    /// Saturates at [`CqlTimestamp::MIN`].
    fn sub(self, rhs: Duration) -> CqlTimestamp {
        CqlTimestamp(self.0.saturating_sub(duration_millis(rhs)))
    }
}

impl std::ops::SubAssign<Duration> for CqlTimestamp {
    fn sub_assign(&mut self, rhs: Duration) {
        *self = *self - rhs;
    }
}

/// A `duration`: months, days and nanoseconds, each signed (all with the same sign).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct CqlDuration {
    /// Months.
    pub months: i32,
    /// Days.
    pub days: i32,
    /// Nanoseconds.
    pub nanoseconds: i64,
}

/// A `timeuuid` (a version-1 UUID), ordered the way Cassandra orders timeuuids: by
/// their embedded timestamp first, then by their remaining bytes compared as signed.
#[derive(Debug, Clone, Copy)]
pub struct CqlTimeuuid(Uuid);

impl CqlTimeuuid {
    /// The nil UUID.
    pub fn nil() -> Self {
        Self(Uuid::nil())
    }

    /// The 16 bytes, big-endian.
    pub fn as_bytes(&self) -> &[u8; 16] {
        self.0.as_bytes()
    }

    /// As a `u128`.
    pub fn as_u128(&self) -> u128 {
        self.0.as_u128()
    }

    /// As the fields of RFC 4122.
    pub fn as_fields(&self) -> (u32, u16, u16, &[u8; 8]) {
        self.0.as_fields()
    }

    /// As two `u64`s (high, low).
    pub fn as_u64_pair(&self) -> (u64, u64) {
        self.0.as_u64_pair()
    }

    /// From 16 big-endian bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(Uuid::from_bytes(bytes))
    }

    /// From 16 bytes with the first three fields little-endian.
    pub fn from_bytes_le(bytes: [u8; 16]) -> Self {
        Self(Uuid::from_bytes_le(bytes))
    }

    /// From the RFC 4122 fields.
    pub fn from_fields(d1: u32, d2: u16, d3: u16, d4: &[u8; 8]) -> Self {
        Self(Uuid::from_fields(d1, d2, d3, d4))
    }

    /// From the RFC 4122 fields, little-endian.
    pub fn from_fields_le(d1: u32, d2: u16, d3: u16, d4: &[u8; 8]) -> Self {
        Self(Uuid::from_fields_le(d1, d2, d3, d4))
    }

    /// From a 16-byte slice.
    pub fn from_slice(b: &[u8]) -> Result<Self, uuid::Error> {
        Uuid::from_slice(b).map(Self)
    }

    /// From a 16-byte slice, little-endian fields.
    pub fn from_slice_le(b: &[u8]) -> Result<Self, uuid::Error> {
        Uuid::from_slice_le(b).map(Self)
    }

    /// From a `u128`.
    pub fn from_u128(v: u128) -> Self {
        Self(Uuid::from_u128(v))
    }

    /// From a little-endian `u128`.
    pub fn from_u128_le(v: u128) -> Self {
        Self(Uuid::from_u128_le(v))
    }

    /// From two `u64`s (high, low).
    pub fn from_u64_pair(high: u64, low: u64) -> Self {
        Self(Uuid::from_u64_pair(high, low))
    }

    /// The 60-bit timestamp of a version-1 UUID (100 ns intervals since 1582-10-15).
    fn timestamp_bits(&self) -> u64 {
        let b = self.0.as_bytes();
        let time_low = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as u64;
        let time_mid = u16::from_be_bytes([b[4], b[5]]) as u64;
        let time_hi = (u16::from_be_bytes([b[6], b[7]]) & 0x0fff) as u64;
        (time_hi << 48) | (time_mid << 32) | time_low
    }

    /// The last 8 bytes (clock sequence and node), compared as signed bytes.
    fn lsb_signed_key(&self) -> u64 {
        let b = self.0.as_bytes();
        let lsb = u64::from_be_bytes([b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]]);
        // Flipping each byte's top bit maps signed byte order onto unsigned order.
        lsb ^ 0x8080_8080_8080_8080
    }
}

impl PartialEq for CqlTimeuuid {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for CqlTimeuuid {}

impl std::hash::Hash for CqlTimeuuid {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.timestamp_bits().hash(state);
        self.lsb_signed_key().hash(state);
    }
}

impl PartialOrd for CqlTimeuuid {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CqlTimeuuid {
    fn cmp(&self, other: &Self) -> Ordering {
        self.timestamp_bits()
            .cmp(&other.timestamp_bits())
            .then_with(|| self.lsb_signed_key().cmp(&other.lsb_signed_key()))
            // The version nibble is outside the timestamp; keep Eq consistent with
            // byte equality.
            .then_with(|| self.0.as_bytes()[6].cmp(&other.0.as_bytes()[6]))
    }
}

impl From<Uuid> for CqlTimeuuid {
    fn from(u: Uuid) -> Self {
        Self(u)
    }
}

impl From<CqlTimeuuid> for Uuid {
    fn from(t: CqlTimeuuid) -> Self {
        t.0
    }
}

impl AsRef<Uuid> for CqlTimeuuid {
    fn as_ref(&self) -> &Uuid {
        &self.0
    }
}

impl std::str::FromStr for CqlTimeuuid {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::from_str(s).map(Self)
    }
}

impl std::fmt::Display for CqlTimeuuid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

/// A `varint`: an arbitrary-precision integer, as its minimal two's-complement
/// big-endian bytes.
///
/// Equality is numeric: redundant leading sign bytes are ignored.
#[derive(Debug, Clone, Eq)]
pub struct CqlVarint(Vec<u8>);

/// A borrowed [`CqlVarint`], pointing into a frame.
#[derive(Debug, Clone, Copy, Eq)]
pub struct CqlVarintBorrowed<'b>(&'b [u8]);

/// Strips redundant leading sign bytes from a two's-complement big-endian number.
fn normalized_varint(bytes: &[u8]) -> &[u8] {
    let mut s = bytes;
    while s.len() > 1 {
        let redundant = (s[0] == 0x00 && s[1] & 0x80 == 0) || (s[0] == 0xff && s[1] & 0x80 != 0);
        if !redundant {
            break;
        }
        s = &s[1..];
    }
    s
}

impl CqlVarint {
    /// From two's-complement big-endian bytes. An empty vector means zero.
    pub fn from_signed_bytes_be(digits: Vec<u8>) -> Self {
        Self(digits)
    }

    /// From a two's-complement big-endian slice.
    pub fn from_signed_bytes_be_slice(digits: &[u8]) -> Self {
        Self(digits.to_vec())
    }

    /// The bytes as given (not normalized).
    pub fn as_signed_bytes_be_slice(&self) -> &[u8] {
        &self.0
    }

    /// The bytes as given (not normalized).
    pub fn into_signed_bytes_be(self) -> Vec<u8> {
        self.0
    }

    /// The numeric value as `i64`, if it fits.
    pub fn to_i64(&self) -> Option<i64> {
        varint_to_i64(&self.0)
    }
}

impl<'b> CqlVarintBorrowed<'b> {
    /// From two's-complement big-endian bytes.
    pub fn from_signed_bytes_be_slice(digits: &'b [u8]) -> Self {
        Self(digits)
    }

    /// The bytes.
    pub fn as_signed_bytes_be_slice(&self) -> &'b [u8] {
        self.0
    }

    /// An owned copy.
    pub fn to_owned(&self) -> CqlVarint {
        CqlVarint(self.0.to_vec())
    }
}

pub(crate) fn varint_to_i64(bytes: &[u8]) -> Option<i64> {
    let n = normalized_varint(bytes);
    if n.is_empty() {
        return Some(0);
    }
    if n.len() > 8 {
        return None;
    }
    let fill = if n[0] & 0x80 != 0 { 0xff } else { 0x00 };
    let mut buf = [fill; 8];
    buf[8 - n.len()..].copy_from_slice(n);
    Some(i64::from_be_bytes(buf))
}

impl PartialEq for CqlVarint {
    fn eq(&self, other: &Self) -> bool {
        normalized_varint(&self.0) == normalized_varint(&other.0)
    }
}

impl std::hash::Hash for CqlVarint {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        normalized_varint(&self.0).hash(state)
    }
}

impl PartialEq for CqlVarintBorrowed<'_> {
    fn eq(&self, other: &Self) -> bool {
        normalized_varint(self.0) == normalized_varint(other.0)
    }
}

impl std::hash::Hash for CqlVarintBorrowed<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        normalized_varint(self.0).hash(state)
    }
}

/// A `decimal`: an unscaled [`CqlVarint`] and a scale, value = unscaled × 10^-scale.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CqlDecimal {
    int_val: CqlVarint,
    scale: i32,
}

/// A borrowed [`CqlDecimal`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CqlDecimalBorrowed<'b> {
    int_val: CqlVarintBorrowed<'b>,
    scale: i32,
}

impl CqlDecimal {
    /// From the unscaled value's two's-complement big-endian bytes and the scale.
    pub fn from_signed_be_bytes_and_exponent(bytes: Vec<u8>, scale: i32) -> Self {
        Self {
            int_val: CqlVarint::from_signed_bytes_be(bytes),
            scale,
        }
    }

    /// Same, from a slice.
    pub fn from_signed_be_bytes_slice_and_exponent(bytes: &[u8], scale: i32) -> Self {
        Self::from_signed_be_bytes_and_exponent(bytes.to_vec(), scale)
    }

    /// The unscaled bytes and the scale.
    pub fn as_signed_be_bytes_slice_and_exponent(&self) -> (&[u8], i32) {
        (self.int_val.as_signed_bytes_be_slice(), self.scale)
    }

    /// The unscaled bytes and the scale.
    pub fn into_signed_be_bytes_and_exponent(self) -> (Vec<u8>, i32) {
        (self.int_val.into_signed_bytes_be(), self.scale)
    }
}

impl<'b> CqlDecimalBorrowed<'b> {
    /// From the unscaled value's bytes and the scale.
    pub fn from_signed_be_bytes_slice_and_exponent(bytes: &'b [u8], scale: i32) -> Self {
        Self {
            int_val: CqlVarintBorrowed::from_signed_bytes_be_slice(bytes),
            scale,
        }
    }

    /// The unscaled bytes and the scale.
    pub fn as_signed_be_bytes_slice_and_exponent(&self) -> (&'b [u8], i32) {
        (self.int_val.as_signed_bytes_be_slice(), self.scale)
    }

    /// An owned copy.
    pub fn to_owned(&self) -> CqlDecimal {
        CqlDecimal {
            int_val: self.int_val.to_owned(),
            scale: self.scale,
        }
    }
}

/// Types for which Cassandra allows the special "empty" value (a zero-length cell
/// where the type normally has content). Implemented for numeric types, `bool`, the
/// date/time types, `IpAddr`, `Uuid`, `CqlTimeuuid`, `CqlVarint` and `CqlDecimal`.
pub trait Emptiable {}

/// A value that may be the special "empty" value; see [`Emptiable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MaybeEmpty<T: Emptiable> {
    /// The zero-length value.
    Empty,
    /// A regular value.
    Value(T),
}

macro_rules! impl_emptiable {
    ($($t:ty),* $(,)?) => { $(impl Emptiable for $t {})* };
}
impl_emptiable!(
    i8,
    i16,
    i32,
    i64,
    f32,
    f64,
    bool,
    IpAddr,
    Uuid,
    CqlTimeuuid,
    CqlVarint,
    CqlDecimal,
    CqlDate,
    CqlTime,
    CqlTimestamp,
);
impl Emptiable for CqlVarintBorrowed<'_> {}
impl Emptiable for CqlDecimalBorrowed<'_> {}

/// Any CQL value, dynamically typed.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum CqlValue {
    /// `ascii`
    Ascii(String),
    /// `boolean`
    Boolean(bool),
    /// `blob`
    Blob(Vec<u8>),
    /// `counter`
    Counter(Counter),
    /// `decimal`
    Decimal(CqlDecimal),
    /// `date`
    Date(CqlDate),
    /// `double`
    Double(f64),
    /// `duration`
    Duration(CqlDuration),
    /// The special zero-length value of a type that normally has content.
    Empty,
    /// `float`
    Float(f32),
    /// `int`
    Int(i32),
    /// `bigint`
    BigInt(i64),
    /// `text`
    Text(String),
    /// `timestamp`
    Timestamp(CqlTimestamp),
    /// `inet`
    Inet(IpAddr),
    /// `list`
    List(Vec<CqlValue>),
    /// `map`, as pairs in the order the server sent them.
    Map(Vec<(CqlValue, CqlValue)>),
    /// `set`
    Set(Vec<CqlValue>),
    /// A user-defined type's value; fields in definition order, `None` for null.
    UserDefinedType {
        /// The UDT's keyspace.
        keyspace: String,
        /// The UDT's name.
        name: String,
        /// Field names and values.
        fields: Vec<(String, Option<CqlValue>)>,
    },
    /// `smallint`
    SmallInt(i16),
    /// `tinyint`
    TinyInt(i8),
    /// `time`
    Time(CqlTime),
    /// `timeuuid`
    Timeuuid(CqlTimeuuid),
    /// `tuple`; `None` for a null element.
    Tuple(Vec<Option<CqlValue>>),
    /// `uuid`
    Uuid(Uuid),
    /// `varint`
    Varint(CqlVarint),
    /// `vector`
    Vector(Vec<CqlValue>),
}

macro_rules! copy_getter {
    ($name:ident, $variant:ident, $t:ty) => {
        #[doc = concat!("The value if this is `", stringify!($variant), "`.")]
        pub fn $name(&self) -> Option<$t> {
            match self {
                CqlValue::$variant(v) => Some(*v),
                _ => None,
            }
        }
    };
}

impl CqlValue {
    /// The string if this is `Ascii`.
    pub fn as_ascii(&self) -> Option<&String> {
        match self {
            CqlValue::Ascii(s) => Some(s),
            _ => None,
        }
    }

    /// The string if this is `Text`.
    pub fn as_text(&self) -> Option<&String> {
        match self {
            CqlValue::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The bytes if this is `Blob`.
    pub fn as_blob(&self) -> Option<&Vec<u8>> {
        match self {
            CqlValue::Blob(v) => Some(v),
            _ => None,
        }
    }

    /// The elements if this is `List`.
    pub fn as_list(&self) -> Option<&Vec<CqlValue>> {
        match self {
            CqlValue::List(v) => Some(v),
            _ => None,
        }
    }

    /// The elements if this is `Set`.
    pub fn as_set(&self) -> Option<&Vec<CqlValue>> {
        match self {
            CqlValue::Set(v) => Some(v),
            _ => None,
        }
    }

    /// The elements if this is `Vector`.
    pub fn as_vector(&self) -> Option<&Vec<CqlValue>> {
        match self {
            CqlValue::Vector(v) => Some(v),
            _ => None,
        }
    }

    /// The pairs if this is `Map`.
    pub fn as_map(&self) -> Option<&Vec<(CqlValue, CqlValue)>> {
        match self {
            CqlValue::Map(v) => Some(v),
            _ => None,
        }
    }

    /// The fields if this is `UserDefinedType`.
    pub fn as_udt(&self) -> Option<&Vec<(String, Option<CqlValue>)>> {
        match self {
            CqlValue::UserDefinedType { fields, .. } => Some(fields),
            _ => None,
        }
    }

    copy_getter!(as_boolean, Boolean, bool);
    copy_getter!(as_int, Int, i32);
    copy_getter!(as_bigint, BigInt, i64);
    copy_getter!(as_smallint, SmallInt, i16);
    copy_getter!(as_tinyint, TinyInt, i8);
    copy_getter!(as_float, Float, f32);
    copy_getter!(as_double, Double, f64);
    copy_getter!(as_counter, Counter, Counter);
    copy_getter!(as_inet, Inet, IpAddr);
    copy_getter!(as_uuid, Uuid, Uuid);
    copy_getter!(as_timeuuid, Timeuuid, CqlTimeuuid);
    copy_getter!(as_cql_date, Date, CqlDate);
    copy_getter!(as_cql_time, Time, CqlTime);
    copy_getter!(as_cql_timestamp, Timestamp, CqlTimestamp);
    copy_getter!(as_cql_duration, Duration, CqlDuration);

    /// The string if this is `Ascii` or `Text`.
    pub fn into_string(self) -> Option<String> {
        match self {
            CqlValue::Ascii(s) | CqlValue::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The bytes if this is `Blob`.
    pub fn into_blob(self) -> Option<Vec<u8>> {
        match self {
            CqlValue::Blob(b) => Some(b),
            _ => None,
        }
    }

    /// The elements if this is `List`, `Set` or `Vector`.
    pub fn into_vec(self) -> Option<Vec<CqlValue>> {
        match self {
            CqlValue::List(v) | CqlValue::Set(v) | CqlValue::Vector(v) => Some(v),
            _ => None,
        }
    }

    /// The pairs if this is `Map`.
    pub fn into_pair_vec(self) -> Option<Vec<(CqlValue, CqlValue)>> {
        match self {
            CqlValue::Map(v) => Some(v),
            _ => None,
        }
    }

    /// The fields if this is `UserDefinedType`.
    pub fn into_udt_pair_vec(self) -> Option<Vec<(String, Option<CqlValue>)>> {
        match self {
            CqlValue::UserDefinedType { fields, .. } => Some(fields),
            _ => None,
        }
    }

    /// The varint if this is `Varint`.
    pub fn into_cql_varint(self) -> Option<CqlVarint> {
        match self {
            CqlValue::Varint(v) => Some(v),
            _ => None,
        }
    }

    /// The decimal if this is `Decimal`.
    pub fn into_cql_decimal(self) -> Option<CqlDecimal> {
        match self {
            CqlValue::Decimal(v) => Some(v),
            _ => None,
        }
    }
}

/// Deserializes a value of type `typ` whose content (without the `[bytes]` length
/// in front of it) is all of `buf`, and advances `buf` past it.
///
/// An empty `buf` is [`CqlValue::Empty`] for the types that allow the special empty
/// value. A malformed value is an error, never a panic.
///
/// ```
/// # use scylla_cql::frame::response::result::{ColumnType, NativeType};
/// # use scylla_cql::value::{deser_cql_value, CqlValue};
/// let mut buf: &[u8] = &[0, 0, 0, 42];
/// let v = deser_cql_value(&ColumnType::Native(NativeType::Int), &mut buf).unwrap();
/// assert_eq!(v, CqlValue::Int(42));
/// assert!(buf.is_empty());
/// assert!(deser_cql_value(&ColumnType::Native(NativeType::Int), &mut &[0u8, 1][..]).is_err());
/// ```
pub fn deser_cql_value(
    typ: &crate::frame::response::result::ColumnType<'_>,
    buf: &mut &[u8],
) -> Result<CqlValue, crate::deserialize::DeserializationError> {
    use crate::deserialize::FrameSlice;
    use crate::deserialize::value::DeserializeValue;

    let content: &[u8] = buf;
    // CqlValue owns all its data, so a slice without the frame's `Bytes` is enough.
    let value = CqlValue::deserialize(typ, Some(FrameSlice::new_borrowed(content)))?;
    *buf = &content[content.len()..];
    Ok(value)
}

/// A row with its columns dynamically typed; `None` for null.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Row {
    /// The column values, in result-set order.
    pub columns: Vec<Option<CqlValue>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeuuid_orders_by_time_first() {
        // Same node/clock, increasing time_low across a time_mid boundary.
        let a: CqlTimeuuid = "ffffffff-0000-1000-8000-000000000000".parse().unwrap();
        let b: CqlTimeuuid = "00000000-0001-1000-8000-000000000000".parse().unwrap();
        assert!(a < b, "time_mid outweighs time_low");
        let c: CqlTimeuuid = "00000000-0000-1001-8000-000000000000".parse().unwrap();
        assert!(b < c, "time_hi outweighs time_mid");
        // Equal time: lsb compared as signed bytes, so 0x80 (negative) < 0x7f.
        let d: CqlTimeuuid = "00000000-0000-1000-8000-000000000000".parse().unwrap();
        let e: CqlTimeuuid = "00000000-0000-1000-7f00-000000000000".parse().unwrap();
        assert!(d < e);
        assert_eq!(d, d);
    }

    #[test]
    fn varint_equality_is_numeric() {
        assert_eq!(
            CqlVarint::from_signed_bytes_be(vec![0x00, 0x01]),
            CqlVarint::from_signed_bytes_be(vec![0x01])
        );
        assert_eq!(
            CqlVarint::from_signed_bytes_be(vec![0xff, 0xff, 0x80]),
            CqlVarint::from_signed_bytes_be(vec![0x80])
        );
        assert_ne!(
            CqlVarint::from_signed_bytes_be(vec![0x00, 0x80]),
            CqlVarint::from_signed_bytes_be(vec![0x80])
        );
        assert_eq!(varint_to_i64(&[0xff, 0x7f]), Some(-129));
        assert_eq!(varint_to_i64(&[]), Some(0));
    }

    #[test]
    fn timestamp_arithmetic() {
        let t = CqlTimestamp(1000);
        assert_eq!(t + Duration::from_millis(5), CqlTimestamp(1005));
        assert_eq!(t - Duration::from_secs(2), CqlTimestamp(-1000));
        assert_eq!(
            CqlTimestamp(1005).checked_duration_since(t),
            Some(Duration::from_millis(5))
        );
        assert_eq!(t.checked_duration_since(CqlTimestamp(1005)), None);
        assert_eq!(
            CqlTimestamp::MAX + Duration::from_secs(1),
            CqlTimestamp::MAX
        );
    }
}
